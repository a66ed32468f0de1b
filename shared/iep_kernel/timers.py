"""Deadline timers that survive restarts and never fire twice.

A service schedules a timer in the same transaction as the event that starts a clock
(`schedule`, idempotent by timer id). The worker's `TimerLoop` fires due timers by the
service's clock: the service's `fire` function appends the event the deadline calls for,
and the timer is marked fired in that same transaction, so a crash either fires it fully
or not at all, and two workers cannot both fire it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import asyncpg

from iep_kernel.district_clock import DistrictClock
from iep_kernel.store import ConcurrencyConflict

if TYPE_CHECKING:
    from iep_kernel.runtime import ServiceRuntime

log = logging.getLogger("iep.timers")


@dataclass(frozen=True)
class Timer:
    timer_id: str
    stream_id: str
    student_id: str
    kind: str
    due_at: datetime
    payload: dict[str, Any]


TimerFire = Callable[[asyncpg.Connection, Timer], Awaitable[None]]


async def schedule(conn: asyncpg.Connection, timer: Timer) -> None:
    """Schedule a timer; scheduling the same timer id again changes nothing."""
    await conn.execute(
        "INSERT INTO timers (timer_id, stream_id, student_id, kind, due_at, payload) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (timer_id) DO NOTHING",
        timer.timer_id, timer.stream_id, timer.student_id, timer.kind, timer.due_at,
        timer.payload)


async def cancel(conn: asyncpg.Connection, timer_id: str) -> None:
    await conn.execute(
        "UPDATE timers SET cancelled_at = now() WHERE timer_id = $1 AND fired_at IS NULL",
        timer_id)


class _AlreadyFired(Exception):
    pass


class TimerLoop:
    def __init__(self, runtime: ServiceRuntime, fire: TimerFire, poll_seconds: float = 5.0
                 ) -> None:
        self.runtime = runtime
        self.fire = fire
        self.poll_seconds = poll_seconds

    async def due(self, now: datetime, limit: int = 100) -> list[Timer]:
        rows = await self.runtime.pool.fetch(
            "SELECT timer_id, stream_id, student_id, kind, due_at, payload FROM timers "
            "WHERE fired_at IS NULL AND cancelled_at IS NULL AND due_at <= $1 "
            "ORDER BY due_at, timer_id LIMIT $2", now, limit)
        return [Timer(**dict(r)) for r in rows]

    async def tick(self, now: datetime | None = None, batch: int = 100) -> int:
        """Fire every timer due at `now` (the service clock by default); returns how many.

        A district clock moved a year ahead makes many timers due at once, and a timer
        that schedules its successor (a daily digest) makes a chain of them: batches follow
        one another until none is left (or only timers that cannot fire remain)."""
        moment = now or self.runtime.clock.now()
        fired = 0
        while True:
            fired_now = await self._fire_all(await self.due(moment, batch), moment)
            fired += fired_now
            if fired_now == 0:
                return fired

    async def _fire_all(self, due: list[Timer], moment: datetime) -> int:
        fired = 0
        for timer in due:
            try:
                async with self.runtime.pool.acquire() as conn, conn.transaction():
                    # The fire function appends first (positions follow transaction ids).
                    await self.fire(conn, timer)
                    marked = await conn.execute(
                        "UPDATE timers SET fired_at = $2 WHERE timer_id = $1 "
                        "AND fired_at IS NULL AND cancelled_at IS NULL", timer.timer_id, moment)
                    if marked == "UPDATE 0":
                        raise _AlreadyFired
                fired += 1
            except (_AlreadyFired, ConcurrencyConflict):
                continue  # another worker fired it, or the stream moved: look again next tick
            except Exception as err:
                # One timer that cannot fire must not stop the others, nor the relays and
                # consumers sharing this worker: it stays due and is tried at the next tick.
                log.error("timer could not fire; it stays due",
                          extra={"timer": timer.timer_id, "kind": timer.kind,
                                 "error": type(err).__name__})
        return fired

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.tick()
            except (asyncpg.PostgresConnectionError, OSError) as err:
                log.warning("timer tick failed; retrying", extra={"error": type(err).__name__})
            await self._pause(stop)

    async def _pause(self, stop: asyncio.Event) -> None:
        """Until the next poll, the stop, or a move of the district clock (so whatever a
        move made due fires at once, not a poll later)."""
        waits: list[asyncio.Future[Any]] = [asyncio.ensure_future(stop.wait())]
        if isinstance(self.runtime.clock, DistrictClock):
            waits.append(asyncio.ensure_future(self.runtime.clock.next_move()))
        try:
            await asyncio.wait(waits, timeout=self.poll_seconds,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
