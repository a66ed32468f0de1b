"""What people ask the referral service to do, in the imperative. `today` is the district's
date by the service clock, so the decider stays pure."""

from dataclasses import dataclass
from datetime import date
from typing import Literal

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
    referred_on: date | None
    today: date


@dataclass(frozen=True)
class RequestConsent:
    assessments_proposed: tuple[ProposedAssessment, ...]
    notice: NoticeContent
    today: date


@dataclass(frozen=True)
class RecordConsent:
    decision: Literal["given", "refused"]
    guardian_id: str
    signed_on: date
    method: ConsentMethod
    today: date


@dataclass(frozen=True)
class CloseReferral:
    reason: CloseReason
    note: str
    notice: NoticeContent | None  # required when the district declines (300.503(a)(2))
    today: date


Command = MakeReferral | RequestConsent | RecordConsent | CloseReferral
