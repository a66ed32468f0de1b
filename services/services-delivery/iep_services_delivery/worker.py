"""The services-delivery stream processor and timers, as the worker runs them.

One handler reads the planning topic and the referral topic's student record (one partition
per student, so each topic's events for a student arrive in order); the timers fire by the
service clock.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
from iep_kernel.consumer import Handler
from iep_kernel.events import PublishedEvent
from iep_kernel.runtime import ServiceRuntime
from iep_kernel.timers import TimerFire

from iep_services_delivery.app import process, timers


def handlers(runtime: ServiceRuntime) -> Sequence[Handler]:
    async def handle(conn: asyncpg.Connection, event: PublishedEvent) -> None:
        await process.on_event(runtime, conn, event)

    return [Handler("services-delivery.process", (process.PLANNING, process.REFERRAL), handle,
                    process.CONSUMES)]


def timers_of(runtime: ServiceRuntime) -> TimerFire:
    return timers.fire_of(runtime)
