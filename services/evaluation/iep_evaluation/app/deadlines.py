"""The evaluation's deadline timers: scheduled when it opens, fired by the service clock.

Two per evaluation, with ids derived from the evaluation id, so scheduling twice changes
nothing. They are cancelled when eligibility is determined; a timer that fires anyway
(a race with the determination) raises nothing, because the decider returns no events.
"""

from __future__ import annotations

import logging

import asyncpg
from iep_kernel.decider import CommandHandler
from iep_kernel.events import SYSTEM_ACTOR, Metadata
from iep_kernel.runtime import ServiceRuntime
from iep_kernel.timers import Timer, TimerFire, schedule

from iep_evaluation.app import queries
from iep_evaluation.app.context import rules_of, stream_of, today
from iep_evaluation.domain import rules
from iep_evaluation.domain.commands import Command, MarkOverdue, WarnOfDeadline
from iep_evaluation.domain.decider import evaluation
from iep_evaluation.domain.events import EvaluationOpened

log = logging.getLogger("iep.evaluation.deadlines")

APPROACHING = "deadline_approaching"
OVERDUE = "overdue"


def timer_id(evaluation_id: str, kind: str) -> str:
    return f"{stream_of(evaluation_id)}:{kind}"


def timers_for(opened: EvaluationOpened, district: rules.EvaluationRules) -> list[Timer]:
    """The warning at the start of the warning day, overdue at the start of the day after
    the due date, both in the district's time zone."""
    counted = rules.counting(district, opened.day_count)
    warn_on = rules.deadline_warning_on(opened.due_on, counted)
    stream = stream_of(opened.evaluation_id)
    payload = {"due_on": opened.due_on.isoformat()}
    return [
        Timer(timer_id(opened.evaluation_id, APPROACHING), stream, opened.student_id,
              APPROACHING, rules.start_of_day(warn_on, district), payload),
        Timer(timer_id(opened.evaluation_id, OVERDUE), stream, opened.student_id, OVERDUE,
              rules.start_of_day(rules.overdue_from(opened.due_on), district), payload),
    ]


async def schedule_for(conn: asyncpg.Connection, opened: EvaluationOpened,
                       district: rules.EvaluationRules) -> None:
    for timer in timers_for(opened, district):
        await schedule(conn, timer)


async def cancel(conn: asyncpg.Connection, evaluation_id: str) -> None:
    await conn.execute(
        "UPDATE timers SET cancelled_at = now() WHERE timer_id = ANY($1) "
        "AND fired_at IS NULL AND cancelled_at IS NULL",
        [timer_id(evaluation_id, kind) for kind in (APPROACHING, OVERDUE)])


def fire_of(runtime: ServiceRuntime) -> TimerFire:
    """The worker's timer function: raise the event the deadline calls for, if any."""
    handler = CommandHandler(runtime.store, evaluation)

    async def fire(conn: asyncpg.Connection, timer: Timer) -> None:
        command: Command
        if timer.kind == APPROACHING:
            command = WarnOfDeadline(today(runtime), rules_of(runtime))
        elif timer.kind == OVERDUE:
            command = MarkOverdue(today(runtime))
        else:
            log.warning("unknown timer kind; nothing raised", extra={"timer": timer.timer_id})
            return
        result = await handler.execute(
            timer.stream_id, command,
            Metadata(actor=SYSTEM_ACTOR, correlation_id=timer.timer_id), conn=conn)
        await queries.project(conn, result)

    return fire
