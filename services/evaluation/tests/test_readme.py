"""The README's access table, settings and event list are the code's own."""

from __future__ import annotations

from pathlib import Path

from iep_evaluation.domain import events
from iep_evaluation.domain.rules import EvaluationRules
from iep_evaluation.service import service
from iep_kernel.events import KERNEL_EVENTS, Act, Event
from iep_kernel.permissions import render_markdown, table_of

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_the_access_table_is_the_one_the_routes_enforce():
    assert render_markdown(table_of([service])) in README


def test_every_setting_is_documented():
    missing = [f"IEP_EVALUATION_{name.upper()}" for name in EvaluationRules.model_fields
               if f"`IEP_EVALUATION_{name.upper()}`" not in README]
    assert missing == []


def test_every_event_is_documented_with_each_of_its_fields():
    classes = [c for c in vars(events).values()
               if isinstance(c, type) and issubclass(c, Event) and c not in (Event, Act)]
    kernel = {cls.event_type() for cls in KERNEL_EVENTS}
    assert {c.event_type() for c in classes} == set(service.registry.types) - kernel
    for cls in classes:
        name = cls.event_type()
        assert f"### {name}\n" in README, name
        section = README.split(f"### {name}\n", 1)[1].split("###", 1)[0]
        assert [f for f in cls.model_fields if f"`{f}`" not in section] == [], name
