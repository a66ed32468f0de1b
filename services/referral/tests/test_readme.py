"""The README's access table and event list are the code's own."""

from pathlib import Path
from typing import get_args

from iep_kernel.events import KERNEL_EVENTS
from iep_kernel.permissions import render_markdown, table_of
from iep_referral.domain.events import ReferralEvent
from iep_referral.service import service

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_access_table_is_the_one_the_routes_enforce():
    assert render_markdown(table_of([service])) in README


def test_every_event_is_documented_with_each_of_its_fields():
    events = get_args(ReferralEvent)
    kernel = {cls.event_type() for cls in KERNEL_EVENTS}
    assert {cls.event_type() for cls in events} == set(service.registry.types) - kernel
    for cls in events:
        assert f"### {cls.event_type()}\n" in README
        section = README.split(f"### {cls.event_type()}\n", 1)[1].split("###", 1)[0]
        if "same fields as" not in section:
            missing = [f for f in cls.model_fields if f"`{f}`" not in section]
            assert missing == [], (cls.event_type(), missing)
