"""Workers as they run in production: relay, stream processor and timers together."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

from iep_kernel.clock import FixedClock
from iep_kernel.consumer import Handler
from iep_kernel.decider import CommandHandler
from iep_kernel.events import SYSTEM_ACTOR, Metadata
from iep_kernel.testing import sample
from iep_kernel.testing.waiting import eventually
from iep_kernel.timers import Timer, TimerLoop, schedule


def totals_handler(runtime) -> list[Handler]:
    async def handle(conn, event) -> None:
        await conn.execute(
            "INSERT INTO totals VALUES ($1, $2) ON CONFLICT (student_id) "
            "DO UPDATE SET total = totals.total + $2", event.student_id,
            event.data.get("by", 0))
    return [Handler("sample.totals", ("sample",), handle)]


def reminder(runtime):
    async def fire(conn, timer: Timer) -> None:
        await CommandHandler(runtime.store, sample.counter).execute(
            timer.stream_id, sample.Increment(1, "reminder"),
            Metadata(actor=SYSTEM_ACTOR, correlation_id=timer.timer_id), conn=conn)
    return fire




async def test_command_reaches_consumer_and_timer_fires_once(isolation):
    spec = dataclasses.replace(sample.service, handlers=totals_handler, timers=reminder)
    clock = FixedClock(datetime(2026, 3, 1, tzinfo=UTC))
    system = await isolation.system([spec], clock=clock, workers=True)
    runtime = system.runtime("sample")
    await runtime.pool.execute("CREATE TABLE totals (student_id text PRIMARY KEY, total int)")
    opened = await system.client.post("/api/sample/counters",
                                      json={"student_id": "s1", "label": "x"},
                                      headers=system.auth("case_manager"))
    counter_id = opened.json()["counter_id"]
    await system.client.post(f"/api/sample/counters/{counter_id}/increments",
                             json={"by": 3, "reason": "r"}, headers=system.auth("teacher"))

    async def total_is(n):
        return await runtime.pool.fetchval(
            "SELECT total FROM totals WHERE student_id = 's1'") == n
    await eventually(lambda: total_is(3))

    async with runtime.pool.acquire() as conn:
        await schedule(conn, Timer("t-1", f"counter-{counter_id}", "s1", "reminder",
                                   clock.now() + timedelta(days=2), {}))
        await schedule(conn, Timer("t-1", f"counter-{counter_id}", "s1", "reminder",
                                   clock.now() + timedelta(days=9), {}))  # no second timer
    loop = system.workers.timer_loops[0]  # also ticking in the background, by the clock
    assert await loop.tick() == 0  # not due yet
    clock.advance(days=2)
    await eventually(lambda: total_is(4))
    assert await loop.tick() == 0  # already fired: never twice
    await asyncio.sleep(1.0)
    assert await total_is(4)
    assert await runtime.pool.fetchval("SELECT fired_at FROM timers") == clock.now()


async def test_a_timer_that_cannot_fire_stays_due_and_the_others_still_fire(isolation):
    def fire_unless_broken(runtime):
        fire = reminder(runtime)

        async def fire_or_fail(conn, timer: Timer) -> None:
            if timer.kind == "broken":
                raise ValueError("this timer cannot be fired")
            await fire(conn, timer)
        return fire_or_fail

    spec = dataclasses.replace(sample.service, timers=fire_unless_broken)
    clock = FixedClock(datetime(2026, 3, 1, tzinfo=UTC))
    system = await isolation.system([spec], clock=clock)
    opened = await system.client.post("/api/sample/counters",
                                      json={"student_id": "s1", "label": "x"},
                                      headers=system.auth("case_manager"))
    stream = f"counter-{opened.json()['counter_id']}"
    runtime = system.runtime("sample")
    async with runtime.pool.acquire() as conn:
        await schedule(conn, Timer("t-broken", stream, "s1", "broken", clock.now(), {}))
        await schedule(conn, Timer("t-good", stream, "s1", "reminder", clock.now(), {}))
    loop = TimerLoop(runtime, fire_unless_broken(runtime))
    assert await loop.tick() == 1
    fired = {r["timer_id"]: r["fired_at"] for r in await runtime.pool.fetch(
        "SELECT timer_id, fired_at FROM timers")}
    assert fired == {"t-broken": None, "t-good": clock.now()}
