"""What people ask the referral service to do, in the imperative. Each command records an
act in the world and carries its `Dated`: the date of the act as the person recording it
says, the district's today by the service clock and its late-entry window, so the decider
stays pure and checks the law's order of dates itself."""

from dataclasses import dataclass
from datetime import date
from typing import Literal

from iep_kernel.dates import Dated

from iep_referral.domain.events import (
    CloseReason,
    Concerns,
    ConsentMethod,
    Guardian,
    OptionConsidered,
    ProposedAssessment,
    Referrer,
    Student,
)


@dataclass(frozen=True)
class NoticeContent:
    """What staff write in a prior written notice; the rules add the rest (300.503(b))."""

    reasons: str
    records_used: tuple[str, ...]
    options_considered: tuple[OptionConsidered, ...]
    sources_of_help: tuple[str, ...]
    other_factors: str = ""


@dataclass(frozen=True)
class MakeReferral:
    referral_id: str
    student: Student
    guardians: tuple[Guardian, ...]
    referred_by: Referrer
    concerns: Concerns
    dated: Dated  # the day the referral was received


@dataclass(frozen=True)
class RequestConsent:
    assessments_proposed: tuple[ProposedAssessment, ...]
    notice: NoticeContent
    dated: Dated  # the day consent was requested and the notices issued


@dataclass(frozen=True)
class RecordConsent:
    decision: Literal["given", "refused"]
    guardian_id: str
    signed_on: date
    method: ConsentMethod
    dated: Dated  # the day the district received the form (300.301(c))


@dataclass(frozen=True)
class CloseReferral:
    reason: CloseReason
    note: str
    notice: NoticeContent | None  # required when the district declines (300.503(a)(2))
    dated: Dated  # the day the referral was closed


Command = MakeReferral | RequestConsent | RecordConsent | CloseReferral
