"""The views service as the kernel runs it: a read side that owns no domain events.

Its worker runs the `cases` projection over the referral and evaluation topics, the
kernel's records-destruction handler, which purges personal data from the views' tables,
and a relay for the one kind of event the views record: the record of access (a staff
member opening a case file, a parent opening a child's view), so the audit service holds
every access to a student's record, whichever service served it.
"""

from iep_kernel.events import EventRegistry
from iep_kernel.service import ServiceSpec

from iep_views import api
from iep_views.app.projection import CASES
from iep_views.app.tables import purge

service = ServiceSpec(
    name="views",
    registry=EventRegistry("views"),  # the kernel's own events only (the record of access)
    router=api.router,
    projections=(CASES,),
    purge=purge,
    publishes=True,  # the record of access only
    summary="Read models for people: staff caseload, compliance dashboard, case file, and "
            "the parent view in the guardian's language, with read-your-writes.",
)
