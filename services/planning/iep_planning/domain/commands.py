"""What someone (or the worker) asks of a planning case, in the imperative. One type per
step. Commands that depend on the district's rules or on today's date carry them, so the
decider stays a pure function of the command and the case's history.

A command recording an act in the world (a meeting held, a form received, a dispute's
step) carries `dated`: the day the act happened as the person recording it says, the
district's today and late-entry window, and the reason for a late entry (kernel `dates`).
Scheduling and drafting are not acts in the world: they carry only `today`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum

from iep_kernel.dates import Dated

from iep_planning.domain.rules import PlanningRules
from iep_planning.domain.values import (
    AmendmentMethod,
    ComplaintParticulars,
    ContactMethod,
    DisputeDeadline,
    DisputeKind,
    Guardian,
    LimitException,
    MeetingPurpose,
    Member,
    NoticeContent,
    OptionConsidered,
    PlanContent,
    TeamRole,
    WrittenAgreement,
)

# -- from the worker ---------------------------------------------------------------------


@dataclass(frozen=True)
class OpenPlanning:
    """From the evaluation service's `EligibilityDetermined` (eligible)."""

    case_id: str
    student_id: str
    school_id: str
    evaluation_id: str
    determined_on: date
    categories: tuple[str, ...]
    date_of_birth: date | None
    guardians: tuple[Guardian, ...]
    rules: PlanningRules


class Deadline(StrEnum):
    MEETING_APPROACHING = "meeting_approaching"
    MEETING_OVERDUE = "meeting_overdue"
    REVIEW_DUE = "review_due"
    REVIEW_OVERDUE = "review_overdue"
    REEVALUATION_DUE = "reevaluation_due"
    REEVALUATION_OVERDUE = "reevaluation_overdue"
    DISPUTE_APPROACHING = "dispute_approaching"
    DISPUTE_OVERDUE = "dispute_overdue"
    RESOLUTION_PERIOD_END = "resolution_period_end"


@dataclass(frozen=True)
class FollowStudentRecord:
    """From the referral service's student record: the student's current school and
    guardians (with the language of their notices)."""

    school_id: str
    guardians: tuple[Guardian, ...]
    changed_on: date


@dataclass(frozen=True)
class RaiseDeadline:
    """A deadline timer fired: raise the event it calls for, if it still applies."""

    deadline: Deadline
    due_on: date
    today: date
    rules: PlanningRules
    dispute_id: str | None = None
    dispute_deadline: DisputeDeadline | None = None


# -- meetings ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleMeeting:
    meeting_id: str
    purposes: tuple[MeetingPurpose, ...]
    meeting_on: date
    starts_at: time
    location: str
    invited: tuple[Member, ...]
    today: date
    rules: PlanningRules


@dataclass(frozen=True)
class RescheduleMeeting:
    meeting_id: str
    meeting_on: date
    starts_at: time
    location: str
    reason: str
    today: date
    rules: PlanningRules


@dataclass(frozen=True)
class RecordContactAttempt:
    meeting_id: str
    method: ContactMethod
    note: str
    dated: Dated  # the day of the attempt


@dataclass(frozen=True)
class ExcuseMember:
    meeting_id: str
    role: TeamRole
    guardian_id: str
    area_discussed: bool
    written_input_on: date | None
    dated: Dated  # the day the parent agreed in writing


@dataclass(frozen=True)
class HoldMeeting:
    meeting_id: str
    attendees: tuple[Member, ...]
    dated: Dated  # the day the meeting was held
    rules: PlanningRules


# -- the plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftPlan:
    plan_id: str
    content: PlanContent
    today: date


@dataclass(frozen=True)
class ReviseDraft:
    plan_id: str
    content: PlanContent
    today: date


@dataclass(frozen=True)
class FinalizePlan:
    plan_id: str
    meeting_id: str
    notice: NoticeContent
    stay_put_agreement: WrittenAgreement | None
    dated: Dated  # the day the plan was finalized
    rules: PlanningRules


@dataclass(frozen=True)
class AmendPlan:
    changes: PlanContent
    method: AmendmentMethod
    meeting_id: str | None
    agreement: WrittenAgreement | None
    notice: NoticeContent
    stay_put_agreement: WrittenAgreement | None
    dated: Dated  # the day of the amending meeting or of the agreement's signing
    rules: PlanningRules


@dataclass(frozen=True)
class DecideOnServices:
    """A guardian's signed consent to the initial provision of services, or refusal."""

    given: bool
    guardian_id: str
    signed_on: date
    dated: Dated  # the day the district received the signed form


@dataclass(frozen=True)
class RevokeConsent:
    guardian_id: str
    signed_on: date
    dated: Dated  # the day the district received the revocation


@dataclass(frozen=True)
class GiveNoticeOfServicesStopping:
    """Prior written notice after a revocation, before services stop (300.300(b)(4))."""

    notice: NoticeContent
    dated: Dated  # the day the notice was given
    rules: PlanningRules


@dataclass(frozen=True)
class WaiveReevaluation:
    guardian_id: str
    dated: Dated  # the day of the written agreement
    rules: PlanningRules


# -- disputes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileDispute:
    dispute_id: str
    kind: DisputeKind
    guardian_id: str
    problem: str
    proposed_resolution: str
    particulars: ComplaintParticulars | None
    knew_on: date | None
    violation_on: date | None
    limit_exception: LimitException | None
    covered_by_notice_id: str | None
    dated: Dated  # the day the district received the dispute: its deadlines run from it
    rules: PlanningRules


@dataclass(frozen=True)
class SendDisputeResponse:
    dispute_id: str
    explanation: str
    options_considered: tuple[OptionConsidered, ...]
    records_used: tuple[str, ...]
    other_factors: str
    dated: Dated  # the day the response was sent


@dataclass(frozen=True)
class HoldResolutionMeeting:
    dispute_id: str
    resolved: bool
    agreement_terms: str
    dated: Dated  # the day the resolution meeting was held


@dataclass(frozen=True)
class WaiveResolutionMeeting:
    dispute_id: str
    dated: Dated  # the day both parties waived it in writing
    rules: PlanningRules


@dataclass(frozen=True)
class RecordMediationAgreement:
    dispute_id: str
    terms: str
    dated: Dated  # the day the agreement was signed


@dataclass(frozen=True)
class RecordHearingDecision:
    dispute_id: str
    summary: str
    dated: Dated  # the day of the decision
    rules: PlanningRules


@dataclass(frozen=True)
class RecordStateComplaintDecision:
    dispute_id: str
    findings: str
    dated: Dated  # the day of the decision


@dataclass(frozen=True)
class ResolveAtTeamMeeting:
    dispute_id: str
    summary: str
    dated: Dated  # the day of the team meeting that resolved it


@dataclass(frozen=True)
class WithdrawDispute:
    dispute_id: str
    guardian_id: str
    dated: Dated  # the day the district received the withdrawal


Command = (OpenPlanning | FollowStudentRecord | RaiseDeadline | ScheduleMeeting | RescheduleMeeting
           | RecordContactAttempt | ExcuseMember | HoldMeeting | DraftPlan | ReviseDraft
           | FinalizePlan | AmendPlan | DecideOnServices | RevokeConsent
           | GiveNoticeOfServicesStopping | WaiveReevaluation | FileDispute
           | SendDisputeResponse | HoldResolutionMeeting | WaiveResolutionMeeting
           | RecordMediationAgreement | RecordHearingDecision | RecordStateComplaintDecision
           | ResolveAtTeamMeeting | WithdrawDispute)
