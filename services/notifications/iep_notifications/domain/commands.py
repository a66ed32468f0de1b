"""Commands people give the notifications service, one input type each."""

from dataclasses import dataclass
from datetime import date

from iep_kernel.dates import Dated

from iep_notifications.domain.events import Channel


@dataclass(frozen=True)
class RecordMailing:
    """The school office mailed a printed notice."""

    notice_id: str
    dated: Dated  # the day it went in the post, the district's today, a late entry's reason
    mailed_by: str

    @property
    def mailed_on(self) -> date:
        return self.dated.occurred_on


@dataclass(frozen=True)
class SetDeliveryPreference:
    """A guardian chooses email or paper for notices about one student (300.505)."""

    student_id: str
    guardian_id: str
    channel: Channel
    set_on: date


@dataclass(frozen=True)
class AssignCaseManager:
    student_id: str
    staff_id: str
    assigned_on: date
