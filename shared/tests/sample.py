"""A tiny aggregate for exercising the kernel: a counter per student."""

from __future__ import annotations

from iep_kernel.events import Event, EventRegistry

registry = EventRegistry("sample")


@registry.register
class CounterOpened(Event):
    label: str


@registry.register
class CounterIncremented(Event):
    schema_version = 2
    by: int
    reason: str


@registry.upcaster("CounterIncremented", from_version=1)
def _reason_added(data: dict) -> dict:
    return {**data, "reason": "not recorded"}
