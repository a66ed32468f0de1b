"""A student's planning case as a fold of its events: `evolve(case, event)`, pure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, time
from typing import TypeVar

from iep_kernel.decider import NotFound
from iep_kernel.events import Event

from iep_planning.domain.events import (
    AnnualReviewDue,
    AnnualReviewOverdue,
    ConsentToServicesGiven,
    ConsentToServicesRefused,
    ConsentToServicesRevoked,
    DisputeDeadlineApproaching,
    DisputeDeadlineOverdue,
    DisputeFiled,
    DisputeResolved,
    DisputeResponseSent,
    DisputeWithdrawn,
    EligibilityRedetermined,
    GuardiansAndSchoolUpdated,
    HearingDecisionIssued,
    MediationAgreed,
    MeetingDeadlineApproaching,
    MeetingHeld,
    MeetingNoticeIssued,
    MeetingOverdue,
    MeetingRescheduled,
    MeetingScheduled,
    MemberExcused,
    ParentContactAttempted,
    PlanAmended,
    PlanDrafted,
    PlanDraftRevised,
    PlanningOpened,
    PlanWritten,
    PriorWrittenNoticeIssued,
    ProceduralSafeguardsNoticeGiven,
    ReevaluationDue,
    ReevaluationOverdue,
    ReevaluationWaived,
    ResolutionMeetingHeld,
    ResolutionMeetingWaived,
    ResolutionPeriodEnded,
    StateComplaintDecided,
)
from iep_planning.domain.values import (
    DisputeKind,
    Guardian,
    MeetingPurpose,
    NoticeAction,
    PlanContent,
)

NO_SUCH_CASE = "no such planning case"
T = TypeVar("T")


@dataclass(frozen=True)
class Meeting:
    scheduled: MeetingScheduled
    changes: tuple[MeetingRescheduled, ...] = ()
    attempts: tuple[ParentContactAttempted, ...] = ()
    excusals: tuple[MemberExcused, ...] = ()
    held: MeetingHeld | None = None

    @property
    def meeting_id(self) -> str:
        return self.scheduled.meeting_id

    @property
    def current(self) -> MeetingScheduled | MeetingRescheduled:
        return self.changes[-1] if self.changes else self.scheduled

    @property
    def meeting_on(self) -> date:
        return self.current.meeting_on

    @property
    def starts_at(self) -> time:
        return self.current.starts_at

    @property
    def location(self) -> str:
        return self.current.location

    @property
    def purposes(self) -> tuple[MeetingPurpose, ...]:
        return self.current.purposes

    @property
    def student_invited(self) -> bool:
        return self.current.student_invited


@dataclass(frozen=True)
class Draft:
    plan_id: str
    content: PlanContent
    drafted_on: date
    revisions: int = 0
    finalized: bool = False


@dataclass(frozen=True)
class Version:
    """One version of the plan: a plan as written (PlanWritten) or as amended (PlanAmended)."""

    number: int
    plan_id: str
    dated: date
    content: PlanContent
    event: PlanWritten | PlanAmended


@dataclass(frozen=True)
class Dispute:
    filed: DisputeFiled
    response: DisputeResponseSent | None = None
    resolution_meeting: ResolutionMeetingHeld | None = None
    waiver: ResolutionMeetingWaived | None = None
    period_ended: ResolutionPeriodEnded | None = None
    decision: HearingDecisionIssued | StateComplaintDecided | MediationAgreed | None = None
    ended: DisputeResolved | DisputeWithdrawn | None = None
    raised: frozenset[tuple[str, str]] = frozenset()  # (deadline, approaching | overdue)

    @property
    def dispute_id(self) -> str:
        return self.filed.dispute_id

    @property
    def kind(self) -> DisputeKind:
        return self.filed.kind

    @property
    def pending(self) -> bool:
        return self.ended is None

    @property
    def hearing_decision_due_on(self) -> date | None:
        if self.waiver is not None:
            return self.waiver.hearing_decision_due_on
        if self.period_ended is not None:
            return self.period_ended.hearing_decision_due_on
        # Decided before the timer ended the period: the decision carries its due date.
        return self.decision.due_on if isinstance(self.decision, HearingDecisionIssued) else None


@dataclass(frozen=True)
class Case:
    opened: PlanningOpened | None = None
    record: GuardiansAndSchoolUpdated | None = None  # the student record's latest change
    evaluation_ids: tuple[str, ...] = ()
    last_determined_on: date | None = None
    reevaluation_due_on: date | None = None
    meetings: tuple[Meeting, ...] = ()
    drafts: tuple[Draft, ...] = ()
    versions: tuple[Version, ...] = ()
    consent: ConsentToServicesGiven | ConsentToServicesRefused | None = None
    revoked: ConsentToServicesRevoked | None = None
    services_stop_on: date | None = None
    notices: tuple[str, ...] = ()  # ids of the prior written notices issued
    notices_issued: int = 0  # every notice, for numbering them
    disputes: tuple[Dispute, ...] = ()
    raised: frozenset[tuple[str, date]] = frozenset()  # (deadline, due date) raised
    safeguards_years: frozenset[int] = frozenset()  # 300.504(a)(2): given in these years

    @property
    def case(self) -> PlanningOpened:
        if self.opened is None:
            raise NotFound(NO_SUCH_CASE)
        return self.opened

    @property
    def guardians(self) -> tuple[Guardian, ...]:
        """The student's current guardians: notices go to them, only they act for the child."""
        if self.record is not None:
            return self.record.guardians
        return self.opened.guardians if self.opened else ()

    @property
    def school_id(self) -> str:
        """The school that serves the student now (the case's events name it)."""
        return self.record.school_id if self.record is not None else self.case.school_id

    @property
    def written(self) -> PlanWritten | None:
        """The latest plan the team wrote at a meeting."""
        plans = [v.event for v in self.versions if isinstance(v.event, PlanWritten)]
        return plans[-1] if plans else None

    @property
    def current_version(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    @property
    def consented(self) -> bool:
        return isinstance(self.consent, ConsentToServicesGiven) and self.revoked is None

    @property
    def in_effect(self) -> Version | None:
        """The plan in effect: services begin only once the parent consented (300.300(b))."""
        return self.current_version if self.consented else None

    @property
    def initial_meeting_held(self) -> MeetingHeld | None:
        return next((m.held for m in self.meetings if m.held is not None
                     and MeetingPurpose.INITIAL_PLAN in m.held.purposes), None)

    @property
    def pending_due_process(self) -> Dispute | None:
        return next((d for d in self.disputes if d.pending
                     and d.kind is DisputeKind.DUE_PROCESS_COMPLAINT), None)

    @property
    def status(self) -> str:
        if self.revoked is not None:
            return "consent_revoked"
        if self.consented:
            return "in_effect"
        if isinstance(self.consent, ConsentToServicesRefused):
            return "consent_refused"
        return "awaiting_consent" if self.written else "awaiting_plan"

    def meeting(self, meeting_id: str) -> Meeting:
        found = next((m for m in self.meetings if m.meeting_id == meeting_id), None)
        if found is None:
            raise NotFound("no such meeting in this planning case")
        return found

    def draft(self, plan_id: str) -> Draft:
        found = next((d for d in self.drafts if d.plan_id == plan_id), None)
        if found is None:
            raise NotFound("no such plan in this planning case")
        return found

    def dispute(self, dispute_id: str) -> Dispute:
        found = next((d for d in self.disputes if d.dispute_id == dispute_id), None)
        if found is None:
            raise NotFound("no such dispute in this planning case")
        return found


def _updated(items: tuple[T, ...], matches: Callable[[T], bool], change: Callable[[T], T]
             ) -> tuple[T, ...]:
    return tuple(change(item) if matches(item) else item for item in items)


def _meeting(state: Case, meeting_id: str, change: Callable[[Meeting], Meeting]) -> Case:
    return replace(state, meetings=_updated(state.meetings,
                                            lambda m: m.meeting_id == meeting_id, change))


def _dispute(state: Case, dispute_id: str, change: Callable[[Dispute], Dispute]) -> Case:
    return replace(state, disputes=_updated(state.disputes,
                                            lambda d: d.dispute_id == dispute_id, change))


def _draft(state: Case, plan_id: str, change: Callable[[Draft], Draft]) -> Case:
    return replace(state, drafts=_updated(state.drafts, lambda d: d.plan_id == plan_id, change))


def _raised(state: Case, deadline: str, due_on: date) -> Case:
    return replace(state, raised=state.raised | {(deadline, due_on)})


def _case_event(state: Case, event: Event) -> Case | None:
    match event:
        case PlanningOpened():
            return Case(opened=event, evaluation_ids=(event.evaluation_id,),
                        last_determined_on=event.determined_on,
                        reevaluation_due_on=event.reevaluation_due_on)
        case GuardiansAndSchoolUpdated():
            return replace(state, record=event)
        case EligibilityRedetermined():
            return replace(state, evaluation_ids=(*state.evaluation_ids, event.evaluation_id),
                           last_determined_on=event.determined_on,
                           reevaluation_due_on=event.reevaluation_due_on)
        case ReevaluationWaived():
            return replace(state, reevaluation_due_on=event.reevaluation_due_on)
        case MeetingDeadlineApproaching():
            return _raised(state, "meeting_approaching", event.due_on)
        case MeetingOverdue():
            return _raised(state, "meeting_overdue", event.due_on)
        case AnnualReviewDue():
            return _raised(state, "review_due", event.due_on)
        case AnnualReviewOverdue():
            return _raised(state, "review_overdue", event.due_on)
        case ReevaluationDue():
            return _raised(state, "reevaluation_due", event.due_on)
        case ReevaluationOverdue():
            return _raised(state, "reevaluation_overdue", event.due_on)
    return None


def _meeting_event(state: Case, event: Event) -> Case | None:
    match event:
        case MeetingScheduled():
            return replace(state, meetings=(*state.meetings, Meeting(event)))
        case MeetingRescheduled():
            return _meeting(state, event.meeting_id,
                            lambda m: replace(m, changes=(*m.changes, event)))
        case MeetingNoticeIssued():
            return replace(state, notices_issued=state.notices_issued + 1)
        case ParentContactAttempted():
            return _meeting(state, event.meeting_id,
                            lambda m: replace(m, attempts=(*m.attempts, event)))
        case MemberExcused():
            return _meeting(state, event.meeting_id,
                            lambda m: replace(m, excusals=(*m.excusals, event)))
        case MeetingHeld():
            return _meeting(state, event.meeting_id, lambda m: replace(m, held=event))
    return None


def _plan_event(state: Case, event: Event) -> Case | None:
    match event:
        case PlanDrafted():
            return replace(state, drafts=(*state.drafts, Draft(
                event.plan_id, event.content, event.drafted_on)))
        case PlanDraftRevised():
            return _draft(state, event.plan_id, lambda d: replace(
                d, content=event.content, revisions=d.revisions + 1))
        case PlanWritten():
            state = _draft(state, event.plan_id, lambda d: replace(d, finalized=True))
            return replace(state, versions=(*state.versions, Version(
                event.version, event.plan_id, event.written_on, event.content, event)))
        case PlanAmended():
            return replace(state, versions=(*state.versions, Version(
                event.version, event.plan_id, event.amended_on, event.content, event)))
        case PriorWrittenNoticeIssued():
            state = replace(state, notices=(*state.notices, event.notice_id),
                            notices_issued=state.notices_issued + 1)
            if event.action is NoticeAction.STOP_SERVICES:
                state = replace(state, services_stop_on=event.effective_on)
            return state
        case ConsentToServicesGiven() | ConsentToServicesRefused():
            return replace(state, consent=event)
        case ConsentToServicesRevoked():
            return replace(state, revoked=event)
    return None


def _dispute_event(state: Case, event: Event) -> Case | None:
    match event:
        case DisputeFiled():
            return replace(state, disputes=(*state.disputes, Dispute(event)))
        case ProceduralSafeguardsNoticeGiven():
            return replace(state, notices_issued=state.notices_issued + 1,
                           safeguards_years=state.safeguards_years | {event.school_year})
        case DisputeResponseSent():
            return _dispute(state, event.dispute_id, lambda d: replace(d, response=event))
        case ResolutionMeetingHeld():
            return _dispute(state, event.dispute_id,
                            lambda d: replace(d, resolution_meeting=event))
        case ResolutionMeetingWaived():
            return _dispute(state, event.dispute_id, lambda d: replace(d, waiver=event))
        case ResolutionPeriodEnded():
            return _dispute(state, event.dispute_id, lambda d: replace(d, period_ended=event))
        case MediationAgreed() | HearingDecisionIssued() | StateComplaintDecided():
            return _dispute(state, event.dispute_id, lambda d: replace(d, decision=event))
        case DisputeResolved() | DisputeWithdrawn():
            return _dispute(state, event.dispute_id, lambda d: replace(d, ended=event))
        case DisputeDeadlineApproaching():
            return _dispute(state, event.dispute_id, lambda d: replace(
                d, raised=d.raised | {(event.deadline.value, "approaching")}))
        case DisputeDeadlineOverdue():
            return _dispute(state, event.dispute_id, lambda d: replace(
                d, raised=d.raised | {(event.deadline.value, "overdue")}))
    return None


def evolve(state: Case, event: Event) -> Case:
    for fold in (_case_event, _meeting_event, _plan_event, _dispute_event):
        folded = fold(state, event)
        if folded is not None:
            return folded
    return state
