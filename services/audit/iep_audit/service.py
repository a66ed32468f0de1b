"""The audit service as the kernel runs it (entry point `iep.services: audit`).

A pure consumer: it publishes no events of its own and runs no relay. Its one projection
is the audit store, fed by every installed service's events topic; its own table
`audit_queries` (a migration, not a projection) records every question put to it.
"""

from collections.abc import Sequence
from pathlib import Path

from iep_kernel.events import EventRegistry
from iep_kernel.service import ServiceSpec

from iep_audit.api import NAME, router
from iep_audit.app.store import AuditLog
from iep_audit.domain.fold import FoldTable
from iep_audit.domain.stages import CASE


def audit_service(sources: Sequence[str] | None = None, folds: FoldTable = CASE
                  ) -> ServiceSpec:
    """The spec; `sources` default to every installed service that publishes."""
    return ServiceSpec(
        name=NAME, registry=EventRegistry(NAME), router=router,
        migrations=Path(__file__).parent / "migrations",
        projections=(AuditLog(sources),), publishes=False, extras={"folds": folds},
        summary="The immutable log for auditors: every event as published, queried, "
                "exported, verified, and folded as of any past instant")


service = audit_service()
