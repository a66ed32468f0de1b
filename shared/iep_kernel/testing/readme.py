"""What a service's README must say, checked against its code: every event with every
field, every route, every setting. A service's `tests/test_readme.py` asserts each list
below is empty."""

from __future__ import annotations

import re
from collections.abc import Iterable

from fastapi import FastAPI
from pydantic_settings import BaseSettings

from iep_kernel.events import KERNEL_EVENTS, EventRegistry
from iep_kernel.permissions import route_permissions
from iep_kernel.service import ServiceSpec

KERNEL = frozenset(cls.event_type() for cls in KERNEL_EVENTS)


def event_rows(text: str) -> dict[str, str]:
    """Table rows whose first cell is a code name: the name and the second cell."""
    rows: dict[str, str] = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 3 and cells[1].startswith("`") and cells[1].endswith("`"):
            rows.setdefault(cells[1].strip("`"), cells[2])
    return rows


def undocumented_events(readme: str, registry: EventRegistry,
                        unlisted_fields: Iterable[str] = ("student_id",)
                        ) -> dict[str, list[str]]:
    """The service's events missing from the README's tables, or missing fields there
    (the fields each event names in its row)."""
    rows = event_rows(readme)
    missing = {}
    for name in set(registry.types) - KERNEL:
        fields = set(registry._classes[name].model_fields) - set(unlisted_fields)
        absent = sorted(fields - set(re.findall(r"[a-z_]+", rows.get(name, ""))))
        if name not in rows or absent:
            missing[name] = absent
    return missing


def routes_of(spec: ServiceSpec) -> list[str]:
    """The paths of the service's routes, without their `/api/<service>` prefix."""
    app = FastAPI()
    app.include_router(spec.router)
    return [row.path.removeprefix(f"/api/{spec.name}") for row in route_permissions(app)]


def unlisted_routes(readme: str, spec: ServiceSpec) -> list[str]:
    return [p for p in routes_of(spec) if f"{p}`" not in readme and f"{p}?" not in readme]


def undocumented_settings(readme: str, settings: type[BaseSettings]) -> list[str]:
    """The variables of a settings class (by its `env_prefix`) the README does not name."""
    prefix = str(settings.model_config.get("env_prefix", ""))
    names = [f"{prefix}{name}".upper() for name in settings.model_fields]
    return [name for name in names if f"`{name}`" not in readme]


__all__ = ["event_rows", "routes_of", "undocumented_events", "undocumented_settings",
           "unlisted_routes"]
