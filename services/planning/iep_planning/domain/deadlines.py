"""What a deadline timer raises when it fires: an `...Approaching`/`...Due` or `...Overdue`
event, once, and only while the deadline still stands.

A timer carries the due date it was set for. If the deadline moved (a new plan, a new
determination, a waiver) or was met, or the event was already raised, it raises nothing:
stale and repeated timers are harmless.
"""

from __future__ import annotations

from datetime import date

from iep_kernel.events import Event

from iep_planning.domain import rules
from iep_planning.domain.commands import Deadline, RaiseDeadline
from iep_planning.domain.events import (
    AnnualReviewDue,
    AnnualReviewOverdue,
    DisputeDeadlineApproaching,
    DisputeDeadlineOverdue,
    MeetingDeadlineApproaching,
    MeetingOverdue,
    ReevaluationDue,
    ReevaluationOverdue,
    ResolutionPeriodEnded,
)
from iep_planning.domain.state import Case, Dispute
from iep_planning.domain.values import DisputeDeadline, DisputeKind

D = Deadline
WARNINGS = (D.MEETING_APPROACHING, D.REVIEW_DUE, D.REEVALUATION_DUE)
OVERDUE = {D.MEETING_APPROACHING: D.MEETING_OVERDUE, D.REVIEW_DUE: D.REVIEW_OVERDUE,
           D.REEVALUATION_DUE: D.REEVALUATION_OVERDUE}


def _still_due(command: RaiseDeadline, state: Case) -> date | None:
    """The deadline's current due date, if the deadline is still open."""
    opened = state.case
    if command.deadline in (D.MEETING_APPROACHING, D.MEETING_OVERDUE):
        return None if state.initial_meeting_held else opened.meeting_due_on
    if state.revoked is not None:
        return None  # no services, so nothing to review or reevaluate
    if command.deadline in (D.REVIEW_DUE, D.REVIEW_OVERDUE):
        return state.written.review_due_on if state.written else None
    return state.reevaluation_due_on


def _case_deadline(command: RaiseDeadline, state: Case) -> list[Event]:
    opened = state.case
    due_on = _still_due(command, state)
    kind = command.deadline
    overdue_kind = OVERDUE.get(kind, kind)
    raised = {(kind.value, due_on), (overdue_kind.value, due_on)}
    if due_on is None or due_on != command.due_on or (kind.value, due_on) in state.raised:
        return []
    if kind in WARNINGS:
        remaining = rules.days_between(command.today, due_on)
        if remaining < 0 or raised & state.raised:
            return []  # already past due: the overdue timer speaks instead
    elif not rules.is_overdue(command.today, due_on):
        return []
    ids = {"student_id": opened.student_id, "case_id": opened.case_id}
    written = state.written
    match kind:
        case D.MEETING_APPROACHING:
            return [MeetingDeadlineApproaching(**ids, school_id=state.school_id,
                                               due_on=due_on, days_remaining=remaining)]
        case D.MEETING_OVERDUE:
            return [MeetingOverdue(**ids, school_id=state.school_id, due_on=due_on)]
        case D.REVIEW_DUE if written is not None:
            return [AnnualReviewDue(**ids, school_id=state.school_id,
                                    plan_id=written.plan_id,
                                    version=written.version,
                                    plan_written_on=written.written_on, due_on=due_on,
                                    days_remaining=remaining)]
        case D.REVIEW_OVERDUE if written is not None:
            return [AnnualReviewOverdue(**ids, school_id=state.school_id,
                                        plan_id=written.plan_id, version=written.version,
                                        due_on=due_on)]
    last = state.last_determined_on
    assert last is not None
    if kind is D.REEVALUATION_DUE:
        return [ReevaluationDue(**ids, school_id=state.school_id, last_determined_on=last,
                                due_on=due_on, days_remaining=remaining,
                                guardian_ids=tuple(g.guardian_id for g in state.guardians))]
    return [ReevaluationOverdue(**ids, school_id=state.school_id, last_determined_on=last,
                                due_on=due_on)]


def open_deadline_due_on(dispute: Dispute, deadline: DisputeDeadline) -> date | None:
    """When the dispute's deadline falls, or None once it is met or the dispute ended."""
    if dispute.ended is not None:
        return None
    filed = dispute.filed
    match deadline:
        case DisputeDeadline.RESPONSE:
            return None if dispute.response else filed.response_due_on
        case DisputeDeadline.RESOLUTION_MEETING:
            met = dispute.resolution_meeting or dispute.waiver
            return None if met else filed.resolution_meeting_due_on
        case DisputeDeadline.HEARING_DECISION:
            return dispute.hearing_decision_due_on
    return filed.decision_due_on


def _dispute_deadline(command: RaiseDeadline, state: Case) -> list[Event]:
    opened = state.case
    assert command.dispute_id is not None
    dispute = state.dispute(command.dispute_id)
    if command.deadline is D.RESOLUTION_PERIOD_END:
        return _end_resolution_period(command, state, dispute)
    deadline = command.dispute_deadline
    assert deadline is not None
    due_on = open_deadline_due_on(dispute, deadline)
    warning = command.deadline is D.DISPUTE_APPROACHING
    step = "approaching" if warning else "overdue"
    if due_on is None or due_on != command.due_on or (deadline.value, step) in dispute.raised:
        return []
    ids = {"student_id": opened.student_id, "case_id": opened.case_id,
           "dispute_id": dispute.dispute_id, "school_id": state.school_id,
           "deadline": deadline, "due_on": due_on}
    if warning:
        remaining = rules.days_between(command.today, due_on)
        if remaining < 0 or (deadline.value, "overdue") in dispute.raised:
            return []
        return [DisputeDeadlineApproaching(**ids, days_remaining=remaining)]
    if not rules.is_overdue(command.today, due_on):
        return []
    return [DisputeDeadlineOverdue(**ids)]


def _end_resolution_period(command: RaiseDeadline, state: Case, dispute: Dispute
                           ) -> list[Event]:
    # 300.510(b)(1): unresolved after 30 days, the hearing may occur; the 45 days begin.
    ends_on = dispute.filed.resolution_period_ends_on
    if (dispute.kind is not DisputeKind.DUE_PROCESS_COMPLAINT or dispute.ended
            or dispute.waiver or dispute.period_ended or ends_on != command.due_on
            or not rules.is_overdue(command.today, ends_on)):
        return []
    opened = state.case
    return [ResolutionPeriodEnded(
        student_id=opened.student_id, case_id=opened.case_id, dispute_id=dispute.dispute_id,
        ended_on=ends_on,
        hearing_decision_due_on=rules.hearing_decision_due_on(ends_on, command.rules))]


def raise_deadline(command: RaiseDeadline, state: Case) -> list[Event]:
    if state.opened is None:
        return []
    if command.dispute_id is not None:
        return _dispute_deadline(command, state)
    return _case_deadline(command, state)
