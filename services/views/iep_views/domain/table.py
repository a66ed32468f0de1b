"""The event-type table: (source service, event type) → one small function.

A function takes the student's case and one event (its data read through the models in
`readings`) and returns a `Step`: the case after the event and its timeline entry. Pure:
no I/O, no clock. A later stage adds its events by adding a module of functions and its
source to `SOURCES`; nothing else changes.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from iep_kernel.events import DESTROYED

from iep_views.domain.case import Case, Step

Apply = Callable[[Case, "Seen"], Step]


@dataclass(frozen=True)
class Seen:
    """One published event as a table function sees it."""

    source: str
    event_type: str
    position: int
    recorded_at: datetime
    actor_role: str
    data: dict[str, Any]

    @property
    def occurred_on(self) -> date | None:
        """The day the act happened, as its producer dated it (the kernel's `Act`); None
        for an event that is not an act, or an act published before acts were dated."""
        value = self.data.get("occurred_on")
        if not isinstance(value, str):
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None


class EventTable:
    def __init__(self) -> None:
        self._functions: dict[tuple[str, str], Apply] = {}

    def on(self, source: str, event_type: str) -> Callable[[Apply], Apply]:
        def register(fn: Apply) -> Apply:
            if (source, event_type) in self._functions:
                raise ValueError(f"{source} {event_type} already has a function")
            self._functions[(source, event_type)] = fn
            return fn

        return register

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._functions

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._functions)

    @classmethod
    def of(cls, *tables: "EventTable") -> "EventTable":
        """One table holding every function of `tables` (a key listed twice is an error)."""
        whole = cls()
        for part in tables:
            for key, fn in part._functions.items():
                whole.on(*key)(fn)
        return whole

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({source for source, _ in self._functions}))

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset(event_type for _, event_type in self._functions)

    def apply(self, case: Case, seen: Seen, may_hold_destroyed: bool = True) -> Step | None:
        """The step for this event, or None when the table has no function for it.

        `may_hold_destroyed=False` is the caller's word that no value of the event reads
        DESTROYED (a replay knows it from the document), which spares a walk of the entry.
        An empty `personal` is stored as none (`tables.entry_row`)."""
        fn = self._functions.get((seen.source, seen.event_type))
        if fn is None:
            return None
        step = dated(fn(case, seen), seen)
        personal = step.entry.personal
        if personal and may_hold_destroyed and _has_destroyed(personal):
            # Keys destroyed: keep nothing personal, exactly as the purge leaves it.
            step = Step(step.case, replace(step.entry, personal=None), step.forget_personal)
        return step


def dated(step: Step, seen: Seen) -> Step:
    """The entry of an act dated by the producer's `occurred_on` (the day it happened, which
    the timeline shows beside the instant it was recorded), its late-entry reason kept with
    the entry's personal data (free text, staff only)."""
    occurred_on = seen.occurred_on
    if occurred_on is None:
        return step
    reason = seen.data.get("late_entry_reason")
    personal = step.entry.personal
    if isinstance(reason, str) and reason:
        personal = {**(personal or {}), "late_entry_reason": reason}
    return replace(step, entry=replace(step.entry, on=occurred_on, occurred_on=occurred_on,
                                       late_entry_reason_given=reason is not None,
                                       personal=personal))


def _has_destroyed(tree: Any) -> bool:
    if isinstance(tree, dict):
        return any(_has_destroyed(v) for v in tree.values())
    if isinstance(tree, list | tuple):
        return any(_has_destroyed(v) for v in tree)
    return bool(tree == DESTROYED)

