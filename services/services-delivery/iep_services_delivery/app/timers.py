"""The timers of a student's services (kernel `timers`: scheduled in the transaction of the
event that starts them, fired by the service clock, each at most once, surviving restarts).

- `report_due` on each reporting date of a plan in effect, `report_overdue` the day after
  the grace that follows it (`ProgressReportDue`, `ProgressReportOverdue`);
- `period_end` the day after each period of a schedule (`ServiceUnderDelivered`), the next
  period's timer scheduled when one fires;
- `schedule_end` the day after a schedule's planned end (`ServiceEnded`).

A timer's id names its stream, kind and date, so scheduling it again changes nothing. A
timer whose reason has gone (the plan changed its dates, the report was issued, the
schedule was ended) raises nothing: the decider decides so.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import asyncpg
from iep_kernel.decider import CommandHandler, CommandResult
from iep_kernel.events import SYSTEM_ACTOR, Metadata
from iep_kernel.runtime import ServiceRuntime
from iep_kernel.timers import Timer, TimerFire, schedule

from iep_services_delivery.app import queries
from iep_services_delivery.app.context import rules_of, stream_of
from iep_services_delivery.domain import commands as c
from iep_services_delivery.domain import rules
from iep_services_delivery.domain.decider import delivery
from iep_services_delivery.domain.events import PlanTookEffect, ServiceScheduled
from iep_services_delivery.domain.minutes import period_of
from iep_services_delivery.domain.progress import report_id_for
from iep_services_delivery.domain.state import Delivery

log = logging.getLogger("iep.services-delivery.timers")


def _timer(student_id: str, kind: str, key: str, fires_on: date, district: rules.DeliveryRules,
           payload: dict[str, str]) -> Timer:
    stream = stream_of(student_id)
    return Timer(f"{stream}:{kind}:{key}", stream, student_id, kind,
                 rules.start_of_day(fires_on, district), payload)


def period_timer(scheduled: ServiceScheduled, period_starts_on: date,
                 district: rules.DeliveryRules) -> Timer:
    _, last = period_of(period_starts_on, scheduled.period)
    last = min(last, scheduled.ends_on)
    return _timer(scheduled.student_id, "period_end",
                  f"{scheduled.schedule_id}:{period_starts_on}", last + timedelta(1), district,
                  {"schedule_id": scheduled.schedule_id,
                   "period_starts_on": period_starts_on.isoformat()})


def timers_for(result: CommandResult[Delivery], district: rules.DeliveryRules) -> list[Timer]:
    found: list[Timer] = []
    for envelope in result.events:
        match envelope.data:
            case PlanTookEffect() as effect:
                for due_on in effect.report_dates:
                    if due_on < effect.effective_on:
                        continue
                    report_id = report_id_for(effect.plan_id, due_on)
                    found.append(_timer(effect.student_id, "report_due", report_id, due_on,
                                        district, {"due_on": due_on.isoformat()}))
                    found.append(_timer(effect.student_id, "report_overdue", report_id,
                                        rules.report_overdue_from(due_on, district), district,
                                        {"report_id": report_id}))
            case ServiceScheduled() as scheduled:
                found.append(period_timer(scheduled, scheduled.starts_on, district))
                found.append(_timer(scheduled.student_id, "schedule_end",
                                    scheduled.schedule_id, scheduled.ends_on + timedelta(1),
                                    district, {"schedule_id": scheduled.schedule_id}))
    return found


async def follow(conn: asyncpg.Connection, result: CommandResult[Delivery],
                 district: rules.DeliveryRules) -> None:
    for timer in timers_for(result, district):
        await schedule(conn, timer)


def command_for(timer: Timer, district: rules.DeliveryRules) -> c.Command:
    payload = timer.payload
    match timer.kind:
        case "report_due":
            return c.RaiseReportDue(date.fromisoformat(payload["due_on"]))
        case "report_overdue":
            return c.RaiseReportOverdue(payload["report_id"])
        case "period_end":
            return c.ClosePeriod(payload["schedule_id"],
                                 date.fromisoformat(payload["period_starts_on"]), district)
        case "schedule_end":
            return c.EndSchedule(payload["schedule_id"])
    raise ValueError(f"unknown timer kind {timer.kind}")


async def _next_period(conn: asyncpg.Connection, state: Delivery, command: c.ClosePeriod,
                       district: rules.DeliveryRules) -> None:
    """The period-end timers form a chain: each schedules the next while the schedule runs."""
    found = state.schedules.get(command.schedule_id)
    if found is None:
        return
    _, last = period_of(command.period_starts_on, found.scheduled.period)
    following = last + timedelta(1)
    if following <= found.last_day:
        await schedule(conn, period_timer(found.scheduled, following, district))


def fire_of(runtime: ServiceRuntime) -> TimerFire:
    handler = CommandHandler(runtime.store, delivery)

    async def fire(conn: asyncpg.Connection, timer: Timer) -> None:
        district = rules_of(runtime)
        try:
            command = command_for(timer, district)
        except (ValueError, KeyError):
            log.warning("unknown timer; nothing raised", extra={"timer": timer.timer_id})
            return
        result = await handler.execute(
            timer.stream_id, command,
            Metadata(actor=SYSTEM_ACTOR, correlation_id=timer.timer_id), conn=conn)
        await queries.project(conn, result)
        await follow(conn, result, district)
        if isinstance(command, c.ClosePeriod):
            await _next_period(conn, result.state, command, district)

    return fire
