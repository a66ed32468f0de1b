"""The README is what readers and other services learn this service from: every event with
every field, every route with the roles the routes enforce, every setting, every kind."""

from __future__ import annotations

from pathlib import Path

from iep_kernel.permissions import render_markdown, table_of
from iep_kernel.testing.readme import (
    routes_of,
    undocumented_events,
    undocumented_settings,
    unlisted_routes,
)
from iep_notifications.domain.events import registry
from iep_notifications.domain.kinds import KINDS
from iep_notifications.service import service
from iep_notifications.settings import NotificationsSettings, SmtpSettings

README = (Path(__file__).parents[1] / "README.md").read_text()


def test_every_event_is_listed_with_every_field():
    assert undocumented_events(README.split("## Events", 1)[1], registry) == {}


def test_every_route_is_listed():
    assert len(routes_of(service)) == 11
    assert unlisted_routes(README, service) == []


def test_the_access_table_is_the_one_the_routes_enforce():
    assert render_markdown(table_of([service])) in README


def test_every_setting_is_documented():
    assert undocumented_settings(README, SmtpSettings) == []
    assert undocumented_settings(README, NotificationsSettings) == []


def test_every_message_kind_is_listed():
    assert [k for k in KINDS if f"| `{k}` |" not in README] == []
