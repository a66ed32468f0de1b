"""The notifications worker: one stream processor reading every lifecycle topic, and the
timers (each delivery attempt of an email notice, each case manager's daily digest).

In embedded mode with no `IEP_SMTP_HOST`, the worker starts the local mail sink.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
from iep_kernel.consumer import Handler
from iep_kernel.events import PublishedEvent
from iep_kernel.runtime import ServiceRuntime
from iep_kernel.timers import Timer, TimerFire

from iep_notifications.app import delivery, digest, process, sink
from iep_notifications.app.outbox import DELIVER
from iep_notifications.settings import SmtpSettings

SINK = "notifications.sink"


def handlers(runtime: ServiceRuntime) -> Sequence[Handler]:
    async def handle(conn: asyncpg.Connection, event: PublishedEvent) -> None:
        await process.on_event(runtime, conn, event)

    return [Handler("notifications.process", process.SOURCES, handle, process.CONSUMES)]


def start_sink(runtime: ServiceRuntime) -> None:
    """The embedded mail sink, once per process, when no mail server is configured."""
    smtp = runtime.settings_of(SmtpSettings)
    if not smtp.embedded or runtime.settings.environment != "embedded":
        return
    if SINK not in runtime.extras:
        runtime.extras[SINK] = sink.start_sink(delivery.sink_folder(runtime),
                                                   smtp.server_port)


def timers(runtime: ServiceRuntime) -> TimerFire:
    start_sink(runtime)

    async def fire(conn: asyncpg.Connection, timer: Timer) -> None:
        if timer.kind == DELIVER:
            await delivery.deliver(runtime, conn, timer)
        elif timer.kind == digest.DIGEST:
            await digest.fire(runtime, conn, timer)

    return fire
