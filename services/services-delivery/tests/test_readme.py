"""The README is what the views, audit and notifications services learn the events from: it
names every event with every field, every route with the roles the routes enforce, every
setting."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from iep_kernel.events import KERNEL_EVENTS
from iep_kernel.permissions import render_markdown, route_permissions, table_of
from iep_services_delivery.domain.events import registry
from iep_services_delivery.domain.rules import DeliveryRules
from iep_services_delivery.service import service

README = (Path(__file__).parents[1] / "README.md").read_text()
KERNEL = {cls.event_type() for cls in KERNEL_EVENTS}
PREFIX = "IEP_SERVICES_DELIVERY_"


def event_rows() -> dict[str, str]:
    rows = {}
    for line in README.splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 3 and cells[1].startswith("`") and cells[1].endswith("`"):
            rows.setdefault(cells[1].strip("`"), cells[2])
    return rows


def test_every_event_is_listed_with_every_field():
    rows = event_rows()
    missing = {}
    for name in set(registry.types) - KERNEL:
        fields = set(registry._classes[name].model_fields) - {"student_id"}
        listed = set(re.findall(r"[a-z_]+", rows.get(name, "")))
        absent = sorted(fields - listed)
        if name not in rows or absent:
            missing[name] = absent
    assert missing == {}


def test_every_route_is_listed():
    app = FastAPI()
    app.include_router(service.router)
    paths = [row.path.removeprefix("/api/services-delivery")
             for row in route_permissions(app)]
    assert len(paths) == 7
    assert [p for p in paths if f"{p}`" not in README and f"{p}?" not in README] == []


def test_the_access_table_is_the_one_the_routes_enforce():
    assert render_markdown(table_of([service])) in README


def test_every_setting_is_documented():
    missing = [f"{PREFIX}{name.upper()}" for name in DeliveryRules.model_fields
               if f"`{PREFIX}{name.upper()}`" not in README]
    assert missing == []
