"""Every event type the views read, read top to bottom: one table per source service.

To add a stage (planning, services delivery, notifications): write its module of small
functions beside `referral.py`, and list its table here.
"""

from iep_views.domain import delivery, evaluation, planning, referral, student
from iep_views.domain.table import EventTable

TABLES: tuple[EventTable, ...] = (student.table, referral.table, evaluation.table,
                                     planning.table, delivery.table)

TABLE = EventTable.of(*TABLES)
SOURCES = TABLE.sources
