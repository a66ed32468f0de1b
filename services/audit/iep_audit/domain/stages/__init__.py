"""The as-of fold table of every stage the audit service interprets.

One module per stage, each with its own `table`; `CASE` merges them. To interpret a new
stage, add a module like `referral.py` (functions registered with `table.on(service,
event types)`) and list it below. Nothing else changes.
"""

from iep_audit.domain.fold import FoldTable
from iep_audit.domain.stages import (
    delivery,
    evaluation,
    notices,
    planning,
    records,
    referral,
    student,
)

CASE = FoldTable.merged(
    records.table,
    student.table,
    referral.table,
    evaluation.table,
    planning.table,
    delivery.table,
    notices.table,
)
