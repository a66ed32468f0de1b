"""What a service is to the kernel, and how the kernel finds the services installed.

Each service package exposes a `ServiceSpec` under the `iep.services` entry-point group;
`make up`, the workers, migrations and the deployment checks all start from that list.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter

from iep_kernel.consumer import Handler
from iep_kernel.events import EventRegistry

if TYPE_CHECKING:
    from iep_kernel.projection import Projection
    from iep_kernel.runtime import ServiceRuntime
    from iep_kernel.timers import TimerFire


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    registry: EventRegistry
    router: APIRouter
    migrations: Path | None = None
    handlers: Callable[[ServiceRuntime], Sequence[Handler]] = field(default=lambda rt: ())
    timers: Callable[[ServiceRuntime], TimerFire] | None = None
    projections: Sequence[Projection] = ()  # read models: created at migration, rebuildable
    # Purges the service's own query tables of a student's personal data on destruction.
    purge: Callable[[Any, str], Awaitable[None]] | None = None
    publishes: bool = True  # read-side services own no events and run no relay
    summary: str = ""
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def schema(self) -> str:
        return self.name.replace("-", "_")


def discover_services(names: Sequence[str] = ()) -> list[ServiceSpec]:
    """The installed services, in a stable order, optionally only those named."""
    specs: dict[str, ServiceSpec] = {}
    installed = list(entry_points(group="iep.services"))
    for entry in installed:
        if names and entry.name not in names:
            continue  # load only what was asked for
        spec = entry.load()
        if not isinstance(spec, ServiceSpec):
            raise TypeError(f"entry point {entry.name} is not a ServiceSpec")
        specs[spec.name] = spec
    if names:
        unknown = sorted(set(names) - set(specs))
        if unknown:
            raise LookupError(f"no such service: {', '.join(unknown)}; "
                              f"installed: {', '.join(sorted(e.name for e in installed))}")
        return [specs[n] for n in names]
    return [specs[n] for n in sorted(specs)]
