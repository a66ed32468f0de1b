"""The evaluation's stream processors and deadline timers, as the worker runs them.

One handler reads the referral topic, so a student's `ReferralMade` is always applied
before their `ConsentGiven` (one partition per student, read in order).
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
from iep_kernel.consumer import Handler
from iep_kernel.events import PublishedEvent
from iep_kernel.runtime import ServiceRuntime
from iep_kernel.timers import TimerFire

from iep_evaluation.app import deadlines, process


def handlers(runtime: ServiceRuntime) -> Sequence[Handler]:
    async def handle(conn: asyncpg.Connection, event: PublishedEvent) -> None:
        await process.on_referral_event(runtime, conn, event)

    return [Handler("evaluation.referral-process", (process.REFERRAL,), handle,
                    process.CONSUMES)]


def timers(runtime: ServiceRuntime) -> TimerFire:
    return deadlines.fire_of(runtime)
