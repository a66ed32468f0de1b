"""The planning service's stream processor and deadline timers, as the worker runs them.

One handler reads the referral and evaluation topics (one partition per student, so each
topic's events for a student arrive in order); the timers fire by the service clock.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
from iep_kernel.consumer import Handler
from iep_kernel.events import PublishedEvent
from iep_kernel.runtime import ServiceRuntime
from iep_kernel.timers import TimerFire

from iep_planning.app import deadlines, process


def handlers(runtime: ServiceRuntime) -> Sequence[Handler]:
    async def handle(conn: asyncpg.Connection, event: PublishedEvent) -> None:
        await process.on_event(runtime, conn, event)

    return [Handler("planning.process", (process.REFERRAL, process.EVALUATION), handle,
                    process.CONSUMES)]


def timers(runtime: ServiceRuntime) -> TimerFire:
    return deadlines.fire_of(runtime)
