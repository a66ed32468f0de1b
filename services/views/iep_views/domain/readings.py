"""The fields the views read from other services' events, as small pydantic models.

Services never import each other: a `PublishedEvent.data` is a dict, read here through
models that check only what the views use and ignore fields added later. Personal fields
arrive opened, or as "[destroyed]" once the student's records were destroyed.
"""

from datetime import date, time
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator


class Reading(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    # The field that dates the act, where the views compute from it (a deadline, a stage):
    # the producer's `occurred_on` (the kernel's `Act`) wins when the event carries one.
    ACT_DATE: ClassVar[str | None] = None

    @model_validator(mode="before")
    @classmethod
    def _dated_by_the_act(cls, data: Any) -> Any:
        if cls.ACT_DATE is None or not isinstance(data, dict):
            return data
        occurred_on = data.get("occurred_on")
        if occurred_on is None:
            return data  # not dated by its producer (an older event): its own field
        return {**data, cls.ACT_DATE: occurred_on}


# -- referral ---------------------------------------------------------------------------


class ReferredStudent(Reading):
    name: str
    grade: str
    school_id: str


class ReferredGuardian(Reading):
    guardian_id: str
    name: str
    email: str | None = None
    phone: str | None = None
    preferred_language: str


class Referrer(Reading):
    name: str
    role: str


class ConcernsRead(Reading):
    text: str
    areas: tuple[str, ...]


class ReferralMade(Reading):
    ACT_DATE = "referred_on"

    referral_id: str
    school_id: str
    student: ReferredStudent
    guardians: tuple[ReferredGuardian, ...]
    referred_by: Referrer
    concerns: ConcernsRead
    referred_on: date


class SafeguardsGiven(Reading):
    referral_id: str
    guardian_id: str
    language: str
    given_on: date


class ProposedAssessment(Reading):
    area: str
    description: str


class ConsentRequested(Reading):
    ACT_DATE = "requested_on"

    referral_id: str
    requested_on: date
    guardian_ids: tuple[str, ...]
    assessments_proposed: tuple[ProposedAssessment, ...]


class NoticeIssued(Reading):
    referral_id: str
    notice_id: str
    guardian_id: str
    language: str
    issued_on: date
    action: str
    reasons: str


class ConsentDecided(Reading):
    """`ConsentGiven` and `ConsentRefused` carry the same fields."""

    ACT_DATE = "received_on"

    referral_id: str
    guardian_id: str
    signed_on: date
    method: str
    received_on: date | None = None  # not sent by every version: then the signing date

    @property
    def received(self) -> date:
        return self.received_on or self.signed_on


class ReferralClosed(Reading):
    referral_id: str
    reason: str
    closed_on: date
    note: str = ""


# The student record (stream `student-<id>` of the referral service): the one source of
# a student's school and guardians.


class StudentRegistered(Reading):
    school_id: str
    student: ReferredStudent
    guardians: tuple[ReferredGuardian, ...]
    registered_on: date
    source: str
    referral_id: str | None = None


class GuardianAdded(Reading):
    school_id: str
    guardian: ReferredGuardian
    added_on: date
    reason: str


class GuardianRemoved(Reading):
    school_id: str
    guardian_id: str
    removed_on: date
    reason: str


class StudentSchoolChanged(Reading):
    school_id: str
    previous_school_id: str
    changed_on: date
    reason: str = ""


# -- evaluation -------------------------------------------------------------------------


class EvaluationOpened(Reading):
    evaluation_id: str
    referral_id: str
    school_id: str
    consent_received_on: date
    due_on: date
    timeline_days: int
    day_count: str
    guardian_ids: tuple[str, ...]


class AssessmentCompleted(Reading):
    evaluation_id: str
    assessment_number: int
    area: str
    evaluator_name: str
    evaluator_role: str
    instrument: str
    completed_on: date
    summary: str


class EligibilityDetermined(Reading):
    ACT_DATE = "determined_on"

    evaluation_id: str
    eligible: bool
    categories: tuple[str, ...]
    determined_on: date
    rationale: str
    parent_participated: bool
    section_504_referral: bool
    within_timeline: bool


class Section504ReferralMade(Reading):
    evaluation_id: str
    referred_on: date
    categories: tuple[str, ...]


class DeadlineApproaching(Reading):
    evaluation_id: str
    due_on: date
    days_remaining: int


class EvaluationOverdue(Reading):
    evaluation_id: str
    due_on: date


# -- kernel -----------------------------------------------------------------------------


class RecordsDestroyed(Reading):
    requested_on: date


# -- planning ---------------------------------------------------------------------------
# Every planning event names its case (`case_id`); only `PlanningOpened` and the deadline
# events name the school.


class PlanningOpened(Reading):
    case_id: str
    school_id: str
    evaluation_id: str
    determined_on: date
    categories: tuple[str, ...]
    meeting_due_on: date
    reevaluation_due_on: date


class EligibilityRedetermined(Reading):
    case_id: str
    evaluation_id: str
    determined_on: date
    reevaluation_due_on: date


class MeetingScheduled(Reading):
    """`MeetingScheduled` and `MeetingRescheduled` (dated `scheduled_on` or
    `rescheduled_on`)."""

    case_id: str
    meeting_id: str
    purposes: tuple[str, ...]
    meeting_on: date
    starts_at: time
    location: str
    student_invited: bool
    scheduled_on: date | None = None
    rescheduled_on: date | None = None


class MeetingNoticeIssued(Reading):
    case_id: str
    meeting_id: str
    notice_id: str
    guardian_id: str
    language: str
    issued_on: date
    meeting_on: date
    starts_at: time
    location: str
    rescheduled: bool


class ParentContactAttempted(Reading):
    case_id: str
    meeting_id: str
    attempted_on: date
    method: str
    note: str


class MemberExcused(Reading):
    case_id: str
    meeting_id: str
    role: str
    parent_agreed_on: date


class MeetingHeld(Reading):
    ACT_DATE = "held_on"

    case_id: str
    meeting_id: str
    held_on: date
    purposes: tuple[str, ...]
    parent_attended: bool
    contact_attempts: int


class PlanningDeadline(Reading):
    """`MeetingDeadlineApproaching`, `MeetingOverdue`, `AnnualReviewDue`,
    `AnnualReviewOverdue`, `ReevaluationDue`, `ReevaluationOverdue`."""

    case_id: str
    due_on: date
    days_remaining: int | None = None
    plan_id: str | None = None
    version: int | None = None


class PlanDrafted(Reading):
    """`PlanDrafted` and `PlanDraftRevised`."""

    case_id: str
    plan_id: str
    drafted_on: date | None = None
    revised_on: date | None = None


class PlanWritten(Reading):
    case_id: str
    plan_id: str
    version: int
    meeting_id: str
    written_on: date
    review_due_on: date
    consent_required: bool


class PlanAmended(Reading):
    case_id: str
    plan_id: str
    version: int
    amends_version: int
    amended_on: date
    method: str
    changed_parts: tuple[str, ...]


class PlanNoticeIssued(Reading):
    case_id: str
    notice_id: str
    guardian_id: str
    language: str
    issued_on: date
    action: str
    plan_id: str | None = None
    version: int | None = None
    reasons: str
    effective_on: date | None = None


class ServicesConsent(Reading):
    """`ConsentToServicesGiven`, `...Refused` (with the plan) and `...Revoked`."""

    case_id: str
    guardian_id: str
    signed_on: date
    received_on: date
    plan_id: str | None = None
    version: int | None = None


class ReevaluationWaived(Reading):
    case_id: str
    guardian_id: str
    agreed_on: date
    waived_due_on: date
    reevaluation_due_on: date


class DisputeFiled(Reading):
    case_id: str
    dispute_id: str
    school_id: str
    kind: str
    filed_on: date
    filed_by: str
    problem: str
    proposed_resolution: str
    response_due_on: date | None = None
    resolution_meeting_due_on: date | None = None
    resolution_period_ends_on: date | None = None
    decision_due_on: date | None = None


class DisputeSafeguardsGiven(Reading):
    case_id: str
    dispute_id: str
    guardian_id: str
    language: str
    given_on: date


class DisputeResponseSent(Reading):
    case_id: str
    dispute_id: str
    sent_on: date
    explanation: str


class ResolutionMeetingHeld(Reading):
    case_id: str
    dispute_id: str
    held_on: date
    resolved: bool
    agreement_terms: str


class HearingClockStarted(Reading):
    """`ResolutionMeetingWaived` (`waived_on`) and `ResolutionPeriodEnded` (`ended_on`)."""

    case_id: str
    dispute_id: str
    hearing_decision_due_on: date
    waived_on: date | None = None
    ended_on: date | None = None


class MediationAgreed(Reading):
    case_id: str
    dispute_id: str
    agreed_on: date
    terms: str


class DisputeDecided(Reading):
    """`HearingDecisionIssued` (`summary`) and `StateComplaintDecided` (`findings`)."""

    case_id: str
    dispute_id: str
    decided_on: date
    due_on: date
    within_timeline: bool
    summary: str | None = None
    findings: str | None = None


class DisputeEnded(Reading):
    """`DisputeResolved` and `DisputeWithdrawn`."""

    case_id: str
    dispute_id: str
    kind: str
    resolved_on: date | None = None
    ending: str | None = None
    summary: str | None = None
    withdrawn_on: date | None = None
    guardian_id: str | None = None


class DisputeDeadlineRaised(Reading):
    """`DisputeDeadlineApproaching` and `DisputeDeadlineOverdue`."""

    case_id: str
    dispute_id: str
    deadline: str
    due_on: date
    days_remaining: int | None = None


# -- services delivery ------------------------------------------------------------------


class PlanTookEffect(Reading):
    plan_id: str
    version: int
    effective_on: date
    review_due_on: date
    report_dates: tuple[date, ...]


class ServiceScheduled(Reading):
    schedule_id: str
    school_id: str
    plan_id: str
    version: int
    service: str
    provider_role: str
    minutes_per_session: int
    sessions_per_period: int
    period: str  # week, month
    location: str
    starts_on: date
    ends_on: date


class ServiceEnded(Reading):
    schedule_id: str
    service: str
    ended_on: date
    reason: str


class ServicesStopped(Reading):
    stopped_on: date
    reason: str


class SessionLogged(Reading):
    """`SessionDelivered`, `SessionMissed` and `SessionCorrected` (with `outcome`)."""

    session_id: str
    schedule_id: str
    service: str
    session_on: date
    minutes: int
    outcome: str | None = None
    cause: str | None = None
    district_fault: bool = False
    note: str = ""


class CompensatoryMoved(Reading):
    """`CompensatoryMinutesOwed`, `...Cancelled` and `...Delivered`: `owed_total` is the
    service's balance after the event."""

    schedule_id: str
    service: str
    minutes: int
    owed_total: int
    session_on: date | None = None
    delivered_on: date | None = None


class ServiceUnderDelivered(Reading):
    schedule_id: str
    service: str
    period_starts_on: date
    period_ends_on: date
    minutes_required: int
    minutes_delivered: int
    shortfall: int


class GoalProgressObserved(Reading):
    observation_id: str
    goal_id: str
    observed_on: date
    value: float
    note: str


class ProgressReport(Reading):
    """`ProgressReportDue`, `ProgressReportIssued`, `ProgressReportOverdue`."""

    report_id: str
    plan_id: str
    version: int
    due_on: date
    issued_on: date | None = None
    period_starts_on: date | None = None
    period_ends_on: date | None = None
    late: bool = False
