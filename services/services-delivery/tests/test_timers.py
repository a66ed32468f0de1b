"""The timers on a real database: a progress report falls due on its date once, an unissued
one is overdue the day after, a week below the threshold is under-delivered, a schedule
ends on its date. Ticks are driven by the service clock, as the worker's loop does."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from delivery_people import READING_DAILY, Desk, consented_plan
from iep_kernel.clock import FixedClock
from iep_kernel.timers import TimerLoop
from iep_services_delivery.app.timers import fire_of
from iep_services_delivery.service import service


def at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC).replace(hour=12)


@pytest.fixture
async def system(isolation):
    return await isolation.system([service], clock=FixedClock(at(date(2026, 5, 18))))


@pytest.fixture
def runtime(system):
    return system.runtime("services-delivery")


def loop_of(runtime) -> TimerLoop:
    return TimerLoop(runtime, fire_of(runtime))


async def events(runtime, event_type: str) -> list:
    return [e.data for e in await runtime.store.read_all(0) if e.event_type == event_type]


async def test_a_report_falls_due_once_and_is_overdue_the_day_after(runtime):
    await consented_plan(runtime)
    loop = loop_of(runtime)
    await loop.tick(at(date(2026, 8, 11)))
    assert await events(runtime, "ProgressReportDue") == []
    await loop.tick(at(date(2026, 8, 12)))
    await loop.tick(at(date(2026, 8, 12)))
    (due,) = await events(runtime, "ProgressReportDue")
    assert due.due_on == date(2026, 8, 12)
    assert await events(runtime, "ProgressReportOverdue") == []
    # A new loop (a restarted worker) finds the same timers and fires nothing twice.
    await loop_of(runtime).tick(at(date(2026, 8, 13)))
    (overdue,) = await events(runtime, "ProgressReportOverdue")
    assert overdue.report_id == due.report_id
    assert len(await events(runtime, "ProgressReportDue")) == 1


async def test_an_issued_report_is_not_overdue(system, runtime):
    await consented_plan(runtime)
    loop = loop_of(runtime)
    await loop.tick(at(date(2026, 8, 12)))
    desk = Desk(system)
    desk.set_today(date(2026, 8, 12))
    issued = await desk.post("/progress-reports", {}, desk.staff("case_manager"))
    assert issued.status_code == 201, issued.text
    await loop.tick(at(date(2026, 8, 14)))
    assert await events(runtime, "ProgressReportOverdue") == []


async def test_a_week_below_the_threshold_is_under_delivered(system, runtime):
    await consented_plan(runtime, [READING_DAILY])
    desk = Desk(system)
    desk.set_today(date(2026, 5, 22))
    schedule_id = await desk.schedule_id("specially_designed_instruction")
    for day in ("2026-05-18", "2026-05-19"):
        assert (await desk.log(schedule_id, day)).status_code == 201
    loop = loop_of(runtime)
    await loop.tick(at(date(2026, 5, 24)))
    assert await events(runtime, "ServiceUnderDelivered") == []  # the week has not ended
    await loop.tick(at(date(2026, 5, 25)))
    (under,) = await events(runtime, "ServiceUnderDelivered")
    assert (under.period_starts_on, under.minutes_required, under.minutes_delivered) == (
        date(2026, 5, 18), 225, 90)
    # The next week's timer was chained: it fires a week later.
    await loop.tick(at(date(2026, 6, 1)))
    weeks = [u.period_starts_on for u in await events(runtime, "ServiceUnderDelivered")]
    assert weeks == [date(2026, 5, 18), date(2026, 5, 25)]


async def test_a_schedule_ends_on_its_planned_end(runtime):
    await consented_plan(runtime)
    await loop_of(runtime).tick(at(date(2027, 5, 10)))
    (ended,) = await events(runtime, "ServiceEnded")
    assert (ended.ended_on, ended.reason) == (date(2027, 5, 9), "schedule_ended")
