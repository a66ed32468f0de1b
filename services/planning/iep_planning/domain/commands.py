"""What someone (or the worker) asks of a planning case, in the imperative. One type per
step. Commands that depend on the district's rules or on today's date carry them, so the
decider stays a pure function of the command and the case's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum

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
    attempted_on: date
    method: ContactMethod
    note: str
    today: date


@dataclass(frozen=True)
class ExcuseMember:
    meeting_id: str
    role: TeamRole
    guardian_id: str
    parent_agreed_on: date
    area_discussed: bool
    written_input_on: date | None
    today: date


@dataclass(frozen=True)
class HoldMeeting:
    meeting_id: str
    attendees: tuple[Member, ...]
    today: date
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
    today: date
    rules: PlanningRules


@dataclass(frozen=True)
class AmendPlan:
    changes: PlanContent
    method: AmendmentMethod
    meeting_id: str | None
    agreement: WrittenAgreement | None
    notice: NoticeContent
    stay_put_agreement: WrittenAgreement | None
    today: date
    rules: PlanningRules


@dataclass(frozen=True)
class DecideOnServices:
    """A guardian's signed consent to the initial provision of services, or refusal."""

    given: bool
    guardian_id: str
    signed_on: date
    today: date


@dataclass(frozen=True)
class RevokeConsent:
    guardian_id: str
    signed_on: date
    today: date


@dataclass(frozen=True)
class GiveNoticeOfServicesStopping:
    """Prior written notice after a revocation, before services stop (300.300(b)(4))."""

    notice: NoticeContent
    today: date
    rules: PlanningRules


@dataclass(frozen=True)
class WaiveReevaluation:
    guardian_id: str
    agreed_on: date
    today: date
    rules: PlanningRules


# -- disputes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileDispute:
    dispute_id: str
    kind: DisputeKind
    filed_on: date
    guardian_id: str
    problem: str
    proposed_resolution: str
    particulars: ComplaintParticulars | None
    knew_on: date | None
    violation_on: date | None
    limit_exception: LimitException | None
    covered_by_notice_id: str | None
    today: date
    rules: PlanningRules


@dataclass(frozen=True)
class SendDisputeResponse:
    dispute_id: str
    explanation: str
    options_considered: tuple[OptionConsidered, ...]
    records_used: tuple[str, ...]
    other_factors: str
    today: date


@dataclass(frozen=True)
class HoldResolutionMeeting:
    dispute_id: str
    held_on: date
    resolved: bool
    agreement_terms: str
    today: date


@dataclass(frozen=True)
class WaiveResolutionMeeting:
    dispute_id: str
    waived_on: date
    today: date
    rules: PlanningRules


@dataclass(frozen=True)
class RecordMediationAgreement:
    dispute_id: str
    agreed_on: date
    terms: str
    today: date


@dataclass(frozen=True)
class RecordHearingDecision:
    dispute_id: str
    decided_on: date
    summary: str
    today: date
    rules: PlanningRules


@dataclass(frozen=True)
class RecordStateComplaintDecision:
    dispute_id: str
    decided_on: date
    findings: str
    today: date


@dataclass(frozen=True)
class ResolveAtTeamMeeting:
    dispute_id: str
    resolved_on: date
    summary: str
    today: date


@dataclass(frozen=True)
class WithdrawDispute:
    dispute_id: str
    guardian_id: str
    withdrawn_on: date
    today: date


Command = (OpenPlanning | FollowStudentRecord | RaiseDeadline | ScheduleMeeting | RescheduleMeeting
           | RecordContactAttempt | ExcuseMember | HoldMeeting | DraftPlan | ReviseDraft
           | FinalizePlan | AmendPlan | DecideOnServices | RevokeConsent
           | GiveNoticeOfServicesStopping | WaiveReevaluation | FileDispute
           | SendDisputeResponse | HoldResolutionMeeting | WaiveResolutionMeeting
           | RecordMediationAgreement | RecordHearingDecision | RecordStateComplaintDecision
           | ResolveAtTeamMeeting | WithdrawDispute)
