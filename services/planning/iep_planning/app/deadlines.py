"""The case's deadline timers: scheduled in the transaction of the event that starts each
clock, fired by the service clock, each at most once (kernel `timers`).

A timer's id names its stream, kind, dispute and due date, so scheduling it twice changes
nothing, and a moved deadline gets a timer of its own. A timer whose deadline was met or
moved raises nothing (the decider decides so); timers of met deadlines are also cancelled.
"""

from __future__ import annotations

import logging
from datetime import date

import asyncpg
from iep_kernel.decider import CommandHandler, CommandResult
from iep_kernel.events import SYSTEM_ACTOR, Event, Metadata
from iep_kernel.runtime import ServiceRuntime
from iep_kernel.timers import Timer, TimerFire, schedule

from iep_planning.app import queries
from iep_planning.app.context import rules_of, stream_of, today
from iep_planning.domain import rules
from iep_planning.domain.commands import Deadline, RaiseDeadline
from iep_planning.domain.decider import planning
from iep_planning.domain.events import (
    ConsentToServicesRevoked,
    DisputeFiled,
    DisputeResolved,
    DisputeWithdrawn,
    EligibilityRedetermined,
    MeetingHeld,
    PlanningOpened,
    PlanWritten,
    ReevaluationWaived,
    ResolutionMeetingWaived,
    ResolutionPeriodEnded,
)
from iep_planning.domain.state import Case
from iep_planning.domain.values import DisputeDeadline, MeetingPurpose

log = logging.getLogger("iep.planning.deadlines")
D = Deadline


def _timer(case: Case, kind: Deadline, due_on: date, fires_on: date,
           district: rules.PlanningRules, dispute_id: str | None = None,
           deadline: DisputeDeadline | None = None) -> Timer:
    opened = case.case
    stream = stream_of(opened.case_id)
    payload = {"due_on": due_on.isoformat(), "dispute_id": dispute_id,
               "dispute_deadline": deadline.value if deadline else None}
    name = ":".join(part for part in (stream, kind.value, dispute_id,
                                      deadline.value if deadline else None,
                                      due_on.isoformat()) if part)
    return Timer(name, stream, opened.student_id, kind.value,
                 rules.start_of_day(fires_on, district), payload)


def _pair(case: Case, warn: Deadline, late: Deadline, due_on: date, warning_days: int,
          district: rules.PlanningRules, dispute_id: str | None = None,
          deadline: DisputeDeadline | None = None) -> list[Timer]:
    """A warning at the start of the warning day, overdue at the start of the day after."""
    return [_timer(case, warn, due_on, rules.warning_on(due_on, warning_days), district,
                   dispute_id, deadline),
            _timer(case, late, due_on, rules.overdue_from(due_on), district, dispute_id,
                   deadline)]


def _dispute_timers(case: Case, filed: DisputeFiled, district: rules.PlanningRules
                    ) -> list[Timer]:
    timers: list[Timer] = []
    days = district.dispute_warning_days
    for deadline, due_on in ((DisputeDeadline.RESPONSE, filed.response_due_on),
                             (DisputeDeadline.RESOLUTION_MEETING,
                              filed.resolution_meeting_due_on),
                             (DisputeDeadline.STATE_COMPLAINT_DECISION, filed.decision_due_on)):
        if due_on is not None:
            timers += _pair(case, D.DISPUTE_APPROACHING, D.DISPUTE_OVERDUE, due_on, days,
                            district, filed.dispute_id, deadline)
    if filed.resolution_period_ends_on is not None:
        ends_on = filed.resolution_period_ends_on
        timers.append(_timer(case, D.RESOLUTION_PERIOD_END, ends_on, rules.overdue_from(ends_on),
                             district, filed.dispute_id, DisputeDeadline.HEARING_DECISION))
    return timers


def timers_for(event: Event, case: Case, district: rules.PlanningRules) -> list[Timer]:
    """The timers an event starts; `case` is the case after the event."""
    match event:
        case PlanningOpened():
            return [*_pair(case, D.MEETING_APPROACHING, D.MEETING_OVERDUE,
                           event.meeting_due_on, district.meeting_warning_days, district),
                    *_pair(case, D.REEVALUATION_DUE, D.REEVALUATION_OVERDUE,
                           event.reevaluation_due_on, district.reevaluation_warning_days,
                           district)]
        case EligibilityRedetermined() | ReevaluationWaived():
            return _pair(case, D.REEVALUATION_DUE, D.REEVALUATION_OVERDUE,
                         event.reevaluation_due_on, district.reevaluation_warning_days,
                         district)
        case PlanWritten():
            return _pair(case, D.REVIEW_DUE, D.REVIEW_OVERDUE, event.review_due_on,
                         district.review_warning_days, district)
        case DisputeFiled():
            return _dispute_timers(case, event, district)
        case ResolutionPeriodEnded() | ResolutionMeetingWaived():
            return _pair(case, D.DISPUTE_APPROACHING, D.DISPUTE_OVERDUE,
                         event.hearing_decision_due_on, district.dispute_warning_days,
                         district, event.dispute_id, DisputeDeadline.HEARING_DECISION)
    return []


async def _cancel_starting(conn: asyncpg.Connection, prefix: str) -> None:
    await conn.execute(
        "UPDATE timers SET cancelled_at = now() WHERE starts_with(timer_id, $1) "
        "AND fired_at IS NULL AND cancelled_at IS NULL", prefix)


async def _cancel_for(conn: asyncpg.Connection, event: Event, case: Case) -> None:
    """Timers whose deadline the event met or ended."""
    stream = stream_of(case.case.case_id)
    match event:
        case MeetingHeld() if MeetingPurpose.INITIAL_PLAN in event.purposes:
            for kind in (D.MEETING_APPROACHING, D.MEETING_OVERDUE):
                await _cancel_starting(conn, f"{stream}:{kind.value}:")
        case DisputeResolved() | DisputeWithdrawn():
            for kind in (D.DISPUTE_APPROACHING, D.DISPUTE_OVERDUE, D.RESOLUTION_PERIOD_END):
                await _cancel_starting(conn, f"{stream}:{kind.value}:{event.dispute_id}:")
        case ConsentToServicesRevoked():
            for kind in (D.REVIEW_DUE, D.REVIEW_OVERDUE, D.REEVALUATION_DUE,
                         D.REEVALUATION_OVERDUE):
                await _cancel_starting(conn, f"{stream}:{kind.value}:")


async def follow(conn: asyncpg.Connection, result: CommandResult[Case],
                 district: rules.PlanningRules) -> None:
    """Schedule and cancel the timers the command's events call for."""
    for envelope in result.events:
        for timer in timers_for(envelope.data, result.state, district):
            await schedule(conn, timer)
        await _cancel_for(conn, envelope.data, result.state)


def command_for(timer: Timer, on: date, district: rules.PlanningRules) -> RaiseDeadline:
    payload = timer.payload
    deadline = payload.get("dispute_deadline")
    return RaiseDeadline(
        deadline=Deadline(timer.kind), due_on=date.fromisoformat(payload["due_on"]),
        today=on, rules=district, dispute_id=payload.get("dispute_id"),
        dispute_deadline=DisputeDeadline(deadline) if deadline else None)


def fire_of(runtime: ServiceRuntime) -> TimerFire:
    """The worker's timer function: raise the event the deadline calls for, if any."""
    handler = CommandHandler(runtime.store, planning)

    async def fire(conn: asyncpg.Connection, timer: Timer) -> None:
        try:
            command = command_for(timer, today(runtime), rules_of(runtime))
        except (ValueError, KeyError):
            log.warning("unknown timer; nothing raised", extra={"timer": timer.timer_id})
            return
        result = await handler.execute(
            timer.stream_id, command,
            Metadata(actor=SYSTEM_ACTOR, correlation_id=timer.timer_id), conn=conn)
        await queries.project(conn, result)
        await follow(conn, result, rules_of(runtime))

    return fire
