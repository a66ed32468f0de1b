"""What happens in a student's planning case, in the past tense: the facts this service
publishes on `iep.planning.events`.

The field names are a published contract (the views and audit services read them): fields
may be added, never renamed or dropped. Every event names its student (the district id)
and its case; personal fields are marked `PII`.

An event recording an act in the world is a `CaseAct`: it carries the day the act happened
(`occurred_on`, given by whoever recorded it and checked against the law's order of steps)
and, for an entry recorded long after it, `late_entry_reason`; the envelope's `recorded_at`
says when it was recorded. Its own date field (`held_on`, `filed_on`, ...) names the same
day, except where the README says otherwise (a plan's `written_on` is its meeting's day).
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated

from iep_kernel.events import PII, Act, Event, EventRegistry

from iep_planning.domain.values import (
    AmendmentMethod,
    ComplaintParticulars,
    ContactMethod,
    DisputeDeadline,
    DisputeEnding,
    DisputeKind,
    Guardian,
    LimitException,
    MeetingPurpose,
    Member,
    NoticeAction,
    OptionConsidered,
    PlanContent,
    TeamRole,
    WrittenAgreement,
)

registry = EventRegistry("planning")


class CaseEvent(Event):
    case_id: str


class CaseAct(Act):
    """An act in the world on the case, dated by the day it happened."""

    case_id: str


# -- the case ----------------------------------------------------------------------------


@registry.register
class PlanningOpened(CaseEvent):
    """An eligible determination opened the student's planning case (300.323(c))."""

    school_id: str
    evaluation_id: str
    determined_on: date
    categories: tuple[str, ...]
    meeting_due_on: date  # 300.323(c)(1): 30 days after the determination
    reevaluation_due_on: date  # 300.303(b)(2): three years after the determination
    date_of_birth: Annotated[date | None, PII]
    guardians: tuple[Guardian, ...]


@registry.register
class GuardiansAndSchoolUpdated(CaseEvent):
    """The district's student record changed (a guardian added or removed, another school):
    from now on the case's notices go to these guardians, only they act for the child, and
    the staff of this school serve the case."""

    school_id: str
    guardians: tuple[Guardian, ...]
    updated_on: date  # the day of the record's change


@registry.register
class EligibilityRedetermined(CaseEvent):
    """A reevaluation found the child still eligible: the three-year clock starts again."""

    evaluation_id: str
    determined_on: date
    categories: tuple[str, ...]
    reevaluation_due_on: date


# -- meetings ----------------------------------------------------------------------------


@registry.register
class MeetingScheduled(CaseEvent):
    meeting_id: str
    purposes: tuple[MeetingPurpose, ...]
    meeting_on: date
    starts_at: time
    location: str
    invited: tuple[Member, ...]
    student_invited: bool  # 300.321(b)(1): transition is a purpose, the student is invited
    scheduled_on: date


@registry.register
class MeetingRescheduled(CaseEvent):
    """A new date, time or place; the earlier schedule stays in the history."""

    meeting_id: str
    meeting_on: date
    starts_at: time
    location: str
    purposes: tuple[MeetingPurpose, ...]
    student_invited: bool
    reason: Annotated[str, PII]
    rescheduled_on: date


@registry.register
class MeetingNoticeIssued(CaseEvent):
    """Notice of a meeting to one guardian, in their language (300.322(b))."""

    meeting_id: str
    notice_id: str
    guardian_id: str
    language: str
    issued_on: date
    purposes: tuple[MeetingPurpose, ...]
    meeting_on: date
    starts_at: time
    location: str
    attending: tuple[Member, ...]  # (b)(1)(i): who will be in attendance
    right_to_bring_others: str  # (b)(1)(ii)
    transition_statement: str | None  # (b)(2): transition, and the student invited
    student_invited: bool
    rescheduled: bool


@registry.register
class ParentContactAttempted(CaseAct):
    """The district tried to arrange the meeting with the parents (300.322(d))."""

    meeting_id: str
    attempted_on: date
    method: ContactMethod
    note: Annotated[str, PII]


@registry.register
class MemberExcused(CaseAct):
    """A required member excused from a meeting in writing (300.321(e))."""

    meeting_id: str
    role: TeamRole
    guardian_id: str  # the guardian who agreed in writing
    parent_agreed_on: date
    area_discussed: bool
    written_input_on: date | None  # (e)(2)(ii): required when the member's area is discussed


@registry.register
class MeetingHeld(CaseAct):
    meeting_id: str
    held_on: date
    purposes: tuple[MeetingPurpose, ...]
    attendees: tuple[Member, ...]
    parent_attended: bool
    excused_roles: tuple[TeamRole, ...]
    contact_attempts: int


@registry.register
class MeetingDeadlineApproaching(CaseEvent):
    school_id: str
    due_on: date
    days_remaining: int


@registry.register
class MeetingOverdue(CaseEvent):
    school_id: str
    due_on: date


# -- the plan ----------------------------------------------------------------------------


@registry.register
class PlanDrafted(CaseEvent):
    plan_id: str
    drafted_on: date
    content: PlanContent


@registry.register
class PlanDraftRevised(CaseEvent):
    plan_id: str
    revised_on: date
    content: PlanContent


@registry.register
class PlanWritten(CaseAct):
    """The team finalized a plan at a held meeting; this is the whole plan (300.320)."""

    plan_id: str
    version: int
    meeting_id: str
    written_on: date  # the meeting's date: the plan's date
    review_due_on: date  # 300.324(b)(1)(i): reviewed at least once a year
    content: PlanContent
    consent_required: bool  # 300.300(b): the first plan needs consent before services
    guardian_ids: tuple[str, ...]  # each gets a copy of the plan (300.322(f))
    stay_put_agreement: WrittenAgreement | None  # see PlanAmended


@registry.register
class PlanAmended(CaseAct):
    """A plan changed between reviews (300.324(a)(4), (6)): the whole new version."""

    plan_id: str
    version: int
    amends_version: int
    amended_on: date
    method: AmendmentMethod
    meeting_id: str | None
    agreement: WrittenAgreement | None
    changed_parts: tuple[str, ...]
    content: PlanContent
    stay_put_agreement: WrittenAgreement | None  # 300.518(a): changed while a complaint is
    # pending, by the parent's and district's written agreement


@registry.register
class PriorWrittenNoticeIssued(CaseAct):
    """Prior written notice to one guardian, in their language, with every element
    34 CFR 300.503(b) requires."""

    notice_id: str
    guardian_id: str
    language: str
    issued_on: date
    action: NoticeAction
    action_description: str  # (b)(1)
    plan_id: str | None
    version: int | None
    reasons: Annotated[str, PII]  # (b)(2)
    records_used: Annotated[tuple[str, ...], PII]  # (b)(3)
    safeguards_statement: str  # (b)(4)
    sources_of_help: tuple[str, ...]  # (b)(5)
    options_considered: tuple[OptionConsidered, ...]  # (b)(6)
    other_factors: Annotated[str, PII]  # (b)(7)
    effective_on: date | None  # when the action takes effect (services stop, for one)


# -- consent to services -----------------------------------------------------------------


@registry.register
class ConsentToServicesGiven(CaseAct):
    """A guardian consented in writing to the initial provision of services (300.300(b))."""

    guardian_id: str
    signed_on: date
    plan_id: str
    version: int
    received_on: date


@registry.register
class ConsentToServicesRefused(CaseAct):
    guardian_id: str
    signed_on: date
    plan_id: str
    version: int
    received_on: date


@registry.register
class ConsentToServicesRevoked(CaseAct):
    """A guardian revoked consent to all services in writing (300.300(b)(4)); services
    stop only after prior written notice."""

    guardian_id: str
    signed_on: date
    received_on: date


# -- reviews and reevaluation ------------------------------------------------------------


@registry.register
class AnnualReviewDue(CaseEvent):
    school_id: str
    plan_id: str
    version: int
    plan_written_on: date
    due_on: date
    days_remaining: int


@registry.register
class AnnualReviewOverdue(CaseEvent):
    school_id: str
    plan_id: str
    version: int
    due_on: date


@registry.register
class ReevaluationDue(CaseEvent):
    """Three years since the last eligibility determination are nearly up (300.303(b)(2));
    the evaluation service opens the reevaluation with the parent's consent (300.300(c))."""

    school_id: str
    last_determined_on: date
    due_on: date
    days_remaining: int
    guardian_ids: tuple[str, ...]


@registry.register
class ReevaluationOverdue(CaseEvent):
    school_id: str
    last_determined_on: date
    due_on: date


@registry.register
class ReevaluationWaived(CaseAct):
    """The parent and district agreed a reevaluation is unnecessary (300.303(b)(2))."""

    guardian_id: str
    agreed_on: date
    waived_due_on: date
    reevaluation_due_on: date


# -- disputes ----------------------------------------------------------------------------


@registry.register
class DisputeFiled(CaseAct):
    dispute_id: str
    school_id: str
    kind: DisputeKind
    filed_on: date
    filed_by: str  # the guardian's id
    problem: Annotated[str, PII]
    proposed_resolution: Annotated[str, PII]
    particulars: ComplaintParticulars | None  # 300.508(b), 300.153(b)
    knew_on: date | None  # due process: when the parent knew of the action (300.507(a)(2))
    violation_on: date | None  # state complaint: when the violation occurred (300.153(c))
    limit_exception: LimitException | None
    covered_by_notice_id: str | None  # 300.508(e): prior written notice already given
    response_due_on: date | None
    resolution_meeting_due_on: date | None
    resolution_period_ends_on: date | None
    decision_due_on: date | None  # state complaints (300.152(a))


@registry.register
class ProceduralSafeguardsNoticeGiven(CaseAct):
    """The safeguards notice on the first complaint of a school year (300.504(a)(2))."""

    dispute_id: str
    guardian_id: str
    language: str
    given_on: date
    school_year: int  # the calendar year the school year began
    occasion: str


@registry.register
class DisputeResponseSent(CaseAct):
    """The district's response to a due process complaint (300.508(e)(1))."""

    dispute_id: str
    sent_on: date
    explanation: Annotated[str, PII]
    options_considered: tuple[OptionConsidered, ...]
    records_used: Annotated[tuple[str, ...], PII]
    other_factors: Annotated[str, PII]


@registry.register
class ResolutionMeetingHeld(CaseAct):
    dispute_id: str
    held_on: date
    resolved: bool
    agreement_terms: Annotated[str, PII]


@registry.register
class ResolutionMeetingWaived(CaseAct):
    """Both agreed in writing to skip it: the 45 days start the next day (300.510(c)(1))."""

    dispute_id: str
    waived_on: date
    hearing_decision_due_on: date


@registry.register
class ResolutionPeriodEnded(CaseEvent):
    """30 days unresolved: the hearing may go ahead, decision due in 45 (300.510(b))."""

    dispute_id: str
    ended_on: date
    hearing_decision_due_on: date


@registry.register
class MediationAgreed(CaseAct):
    """A written, binding mediation agreement (300.506(b)(6)-(7))."""

    dispute_id: str
    agreed_on: date
    terms: Annotated[str, PII]


@registry.register
class HearingDecisionIssued(CaseAct):
    dispute_id: str
    decided_on: date
    due_on: date
    within_timeline: bool
    summary: Annotated[str, PII]


@registry.register
class StateComplaintDecided(CaseAct):
    dispute_id: str
    decided_on: date
    due_on: date
    within_timeline: bool
    findings: Annotated[str, PII]


@registry.register
class DisputeResolved(CaseAct):
    dispute_id: str
    kind: DisputeKind
    resolved_on: date
    ending: DisputeEnding
    summary: Annotated[str, PII]


@registry.register
class DisputeWithdrawn(CaseAct):
    dispute_id: str
    kind: DisputeKind
    withdrawn_on: date
    guardian_id: str


@registry.register
class DisputeDeadlineApproaching(CaseEvent):
    dispute_id: str
    school_id: str
    deadline: DisputeDeadline
    due_on: date
    days_remaining: int


@registry.register
class DisputeDeadlineOverdue(CaseEvent):
    dispute_id: str
    school_id: str
    deadline: DisputeDeadline
    due_on: date
