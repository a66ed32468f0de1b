"""The services-delivery service as the kernel runs it: events, routes, migrations, worker."""

from __future__ import annotations

from pathlib import Path

from iep_kernel.service import ServiceSpec

from iep_services_delivery import api, worker
from iep_services_delivery.app.queries import purge
from iep_services_delivery.domain.events import registry

service = ServiceSpec(
    name="services-delivery",
    registry=registry,
    router=api.router,
    migrations=Path(__file__).parent / "migrations",
    handlers=worker.handlers,
    timers=worker.timers_of,
    purge=purge,
    summary="Service schedules from the plan in effect, session logs, compliance and "
            "compensatory minutes, goal progress and progress reports in the parent's "
            "language.",
)
