"""The planning service as the kernel runs it: events, routes, migrations, worker parts."""

from __future__ import annotations

from pathlib import Path

from iep_kernel.service import ServiceSpec

from iep_planning import api, worker
from iep_planning.app.queries import purge
from iep_planning.domain.events import registry

service = ServiceSpec(
    name="planning",
    registry=registry,
    router=api.router,
    migrations=Path(__file__).parent / "migrations",
    handlers=worker.handlers,
    timers=worker.timers,
    purge=purge,
    summary="The IEP meeting, the written plan, consent to services, annual review, "
            "three-year reevaluation and disputes, with every deadline tracked.",
)
