"""The district clock: moved forward in PostgreSQL, followed by every process without a
restart, never backwards, refused in production; every timer a move makes due fires once."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sys
from datetime import timedelta

import asyncpg
import pytest
from iep_kernel.clock import SystemClock
from iep_kernel.config import Settings
from iep_kernel.district_clock import (
    ClockRefused,
    DistrictClock,
    clock_for,
    move_clock,
    offset_days,
)
from iep_kernel.runtime import migrate_services, open_runtimes
from iep_kernel.testing import sample
from iep_kernel.testing.waiting import eventually
from iep_kernel.timers import Timer, TimerLoop, schedule

TIMERS = 150  # more than one batch of the timer loop


def recording_fire(runtime):
    async def fire(conn, timer: Timer) -> None:
        await conn.execute("INSERT INTO fired (timer_id) VALUES ($1)", timer.timer_id)
    return fire


async def iep(isolation, *args: str, environment: str = "embedded") -> tuple[int, str]:
    """The `iep` command as a person runs it, against this test's schemas."""
    env = {**os.environ, "IEP_DATABASE_URL": isolation.dsn, "IEP_ENVIRONMENT": environment,
           "IEP_SCHEMA_PREFIX": f"{isolation.prefix}_", "COLUMNS": "400"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from iep_kernel.cli import main; main()", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await process.communicate()
    return process.returncode or 0, " ".join(out.decode().replace("│", " ").split())


def clock_schema_of(isolation) -> str:
    return f"{isolation.prefix}_iep_clock"


async def test_advancing_over_many_deadlines_fires_each_timer_once(isolation):
    spec = dataclasses.replace(sample.service, timers=recording_fire)
    first = await isolation.system([spec], workers=True)
    second = await isolation.system([spec], workers=True)  # another worker process
    runtime = first.runtime("sample")
    await runtime.pool.execute("CREATE TABLE fired (timer_id text NOT NULL)")
    start = SystemClock().now()
    async with runtime.pool.acquire() as conn:
        for number in range(TIMERS):  # one deadline every other day, from tomorrow
            await schedule(conn, Timer(f"t-{number}", "counter-x", "s1", "reminder",
                                       start + timedelta(days=2 * number + 1), {}))

    async def fired() -> int:
        return int(await runtime.pool.fetchval("SELECT count(*) FROM fired"))

    assert await fired() == 0
    code, said = await iep(isolation, "clock", "advance", "100")
    assert code == 0, said
    assert "100 days ahead of the real date" in said
    await eventually(lambda: _is(fired, 50), what="the 50 deadlines of 100 days fired")
    for system in (first, second):  # every process follows, without a restart
        assert system.runtime("sample").clock.offset_days == 100
    answer = await first.client.get("/api/sample/clock")
    assert answer.status_code == 200  # no token: the date is no one's record
    assert answer.json()["moved"] is True
    assert answer.json()["today"] == (start + timedelta(days=100)).date().isoformat()

    code, said = await iep(isolation, "clock", "set",
                           (start + timedelta(days=400)).date().isoformat())
    assert code == 0, said
    await eventually(lambda: _is(fired, TIMERS), what="every deadline fired")
    for system in (first, second):  # both workers keep ticking: nothing fires again
        assert await system.workers.timer_loops[0].tick() == 0
    twice = await runtime.pool.fetch(
        "SELECT timer_id FROM fired GROUP BY timer_id HAVING count(*) > 1")
    assert (await fired(), twice) == (TIMERS, [])


async def _is(count, expected: int) -> bool:
    return bool(await count() == expected)


async def test_the_clock_never_moves_backwards(isolation):
    await isolation.system([sample.service])
    schema = clock_schema_of(isolation)
    conn = await asyncpg.connect(isolation.dsn)
    try:
        moved = await move_clock(conn, schema, "America/Chicago", days=30)
        district_today = moved.today("America/Chicago")
        with pytest.raises(ClockRefused, match="never moves backwards: the district's date is "
                                               f"{district_today.isoformat()}"):
            await move_clock(conn, schema, "America/Chicago",
                             to=district_today - timedelta(days=1))
        same_day = await move_clock(conn, schema, "America/Chicago", to=district_today)
        assert same_day.offset_days == 30
        with pytest.raises(asyncpg.CheckViolationError, match="never moves backwards"):
            await conn.execute(f'UPDATE "{schema}".district_clock SET offset_days = 10')
        with pytest.raises(asyncpg.RaiseError, match="never removed"):
            await conn.execute(f'DELETE FROM "{schema}".district_clock')
        assert await offset_days(conn, schema) == 30
    finally:
        await conn.close()
    code, said = await iep(isolation, "clock", "advance", "0")
    assert code == 2 and "moves forward only, by 1 day or more" in said
    assert "30 days ahead" in (await iep(isolation, "clock", "show"))[1]


async def test_production_refuses_a_moved_clock_and_refuses_to_move_it(isolation):
    await isolation.system([sample.service])
    settings = Settings(database_url=isolation.dsn, schema_prefix=f"{isolation.prefix}_",
                        environment="production")
    assert isinstance(await clock_for(settings, isolation.dsn), SystemClock)

    code, said = await iep(isolation, "clock", "advance", "7", environment="production")
    assert code == 2
    assert "not moved in production" in said
    code, said = await iep(isolation, "clock", "advance", "7")
    assert code == 0, said
    with pytest.raises(SystemExit) as refused:
        await open_runtimes([sample.service], settings, isolation.dsn, isolation.bootstrap)
    assert "7 days ahead of the real date" in str(refused.value)
    assert "Production runs on the real date only" in str(refused.value)


async def test_each_schema_prefix_keeps_a_clock_of_its_own(isolation):
    await migrate_services(isolation.dsn, [], f"{isolation.prefix}_a_")
    await migrate_services(isolation.dsn, [], f"{isolation.prefix}_b_")
    follows_a = DistrictClock(isolation.dsn, f"{isolation.prefix}_a_iep_clock")
    follows_b = DistrictClock(isolation.dsn, f"{isolation.prefix}_b_iep_clock")
    await follows_a.start()
    await follows_b.start()
    try:
        conn = await asyncpg.connect(isolation.dsn)
        try:
            await move_clock(conn, f"{isolation.prefix}_a_iep_clock", "UTC", days=5)
        finally:
            await conn.close()

        async def a_moved() -> bool:
            return follows_a.offset_days == 5
        await eventually(a_moved, what="the moved clock followed")
        assert follows_b.offset_days == 0
        assert follows_a.now() - SystemClock().now() > timedelta(days=4, hours=23)
    finally:
        await follows_a.close()
        await follows_b.close()


async def test_a_chain_of_daily_timers_catches_up_in_one_tick_after_a_move(isolation):
    def daily(runtime):
        async def fire(conn, timer: Timer) -> None:  # like a daily digest: the next day's
            await conn.execute("INSERT INTO fired (timer_id) VALUES ($1)", timer.timer_id)
            day = int(timer.payload["day"]) + 1
            await schedule(conn, Timer(f"day-{day}", "digest-x", "", "daily",
                                       timer.due_at + timedelta(days=1), {"day": day}))
        return fire

    system = await isolation.system([sample.service])
    runtime = system.runtime("sample")
    await runtime.pool.execute("CREATE TABLE fired (timer_id text NOT NULL)")
    async with runtime.pool.acquire() as conn:
        await schedule(conn, Timer("day-1", "digest-x", "", "daily",
                                   SystemClock().now() + timedelta(hours=1), {"day": 1}))
        await move_clock(conn, clock_schema_of(isolation), "UTC", days=30)

    async def followed() -> bool:
        return runtime.clock.offset_days == 30
    await eventually(followed, what="the process following the moved clock")
    assert await TimerLoop(runtime, daily(runtime)).tick() == 30  # days 1 to 30, each once
    assert await runtime.pool.fetchval("SELECT count(DISTINCT timer_id) FROM fired") == 30
