"""The README is what the views and audit services learn the events from: it names every
event with every field, every route with the roles the routes enforce, every setting."""

from __future__ import annotations

from pathlib import Path

from iep_kernel.permissions import render_markdown, table_of
from iep_kernel.testing.readme import (
    routes_of,
    undocumented_events,
    undocumented_settings,
    unlisted_routes,
)
from iep_planning.domain.events import registry
from iep_planning.domain.rules import PlanningRules
from iep_planning.service import service

README = (Path(__file__).parents[1] / "README.md").read_text()


def test_every_event_is_listed_with_every_field():
    assert undocumented_events(README, registry, ("student_id", "case_id")) == {}


def test_every_route_is_listed():
    assert len(routes_of(service)) == 26
    assert unlisted_routes(README, service) == []


def test_the_access_table_is_the_one_the_routes_enforce():
    assert render_markdown(table_of([service])) in README


def test_every_setting_is_documented():
    assert undocumented_settings(README, PlanningRules) == []
