"""The evaluation service as the kernel runs it: events, routes, migrations, worker parts."""

from __future__ import annotations

from pathlib import Path

from iep_kernel.service import ServiceSpec

from iep_evaluation import api, worker
from iep_evaluation.app.queries import purge
from iep_evaluation.domain.events import registry

service = ServiceSpec(
    name="evaluation",
    registry=registry,
    router=api.router,
    migrations=Path(__file__).parent / "migrations",
    handlers=worker.handlers,
    timers=worker.timers,
    purge=purge,
    summary="Evaluation and eligibility: the 60-day timeline from consent, assessments "
            "from several evaluators, the eligibility determination, the Section 504 path.",
)
