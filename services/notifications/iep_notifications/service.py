"""The notifications service as the kernel runs it: events, routes, migrations, worker."""

from __future__ import annotations

from pathlib import Path

from iep_kernel.service import ServiceSpec

from iep_notifications import api, worker
from iep_notifications.app.directory import purge
from iep_notifications.domain.events import registry

service = ServiceSpec(
    name="notifications",
    registry=registry,
    router=api.router,
    migrations=Path(__file__).parent / "migrations",
    handlers=worker.handlers,
    timers=worker.timers,
    purge=purge,
    summary="Notices to parents (safeguards, prior written notice, consent requests, meeting "
            "notices, plans, progress reports) and reminders to staff, by email or paper, in "
            "the recipient's language, each delivered exactly once in effect.",
)
