"""The README is what readers and other services learn this service from: every event with
every field, every route with the roles the routes enforce, every setting, every kind."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from iep_kernel.events import KERNEL_EVENTS
from iep_kernel.permissions import render_markdown, route_permissions, table_of
from iep_notifications.domain.events import registry
from iep_notifications.domain.kinds import KINDS
from iep_notifications.service import service
from iep_notifications.settings import NotificationsSettings, SmtpSettings

README = (Path(__file__).parents[1] / "README.md").read_text()
KERNEL = {cls.event_type() for cls in KERNEL_EVENTS}


def event_rows() -> dict[str, str]:
    rows = {}
    for line in README.split("## Events", 1)[1].splitlines():
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
    paths = [row.path.removeprefix("/api/notifications") for row in route_permissions(app)]
    assert len(paths) == 11
    assert [p for p in paths if f"{p}`" not in README and f"{p}?" not in README] == []


def test_the_access_table_is_the_one_the_routes_enforce():
    assert render_markdown(table_of([service])) in README


def test_every_setting_is_documented():
    names = [f"IEP_SMTP_{n.upper()}" for n in SmtpSettings.model_fields]
    names += [f"IEP_NOTIFICATIONS_{n.upper()}" for n in NotificationsSettings.model_fields]
    assert [n for n in names if f"`{n}`" not in README] == []


def test_every_message_kind_is_listed():
    assert [k for k in KINDS if f"| `{k}` |" not in README] == []
