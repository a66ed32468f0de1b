"""Applying published events to the views' tables: one event live, thousands in a rebuild.

Live and rebuilt models go through the same `fold` and `write`, so they cannot drift
apart: run each event through the event-type table in order over the cases it touches,
then write the cases, their timeline entries and guardians, and forget personal data where
the records were destroyed. Live, `apply_events` loads the cases from the table first; a
rebuild keeps every case in memory and saves each once, at the end.
"""

from collections.abc import Container, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import asyncpg
from iep_kernel.events import PublishedEvent

from iep_views.app import tables
from iep_views.domain.case import Case, Entry
from iep_views.domain.events import TABLE
from iep_views.domain.rules import ViewRules
from iep_views.domain.table import Seen


def seen_of(event: PublishedEvent) -> Seen:
    return Seen(source=event.service, event_type=event.event_type,
                position=event.global_position, recorded_at=event.recorded_at,
                actor_role=event.metadata.actor.role, data=event.data)


@dataclass
class Folded:
    """What a run of events changed: the cases, the guardians to rewrite, the students whose
    personal data is forgotten, and the timeline rows."""

    changed: dict[str, Case] = field(default_factory=dict)
    guardians: dict[str, Case] = field(default_factory=dict)
    forget: set[str] = field(default_factory=set)
    rows: list[tuple[Any, ...]] = field(default_factory=list)


def fold(cases: dict[str, Case], events: Sequence[PublishedEvent], district: ViewRules,
         destroyed: Container[object] | None = None) -> Folded:
    """Run `events` (in order) through the event-type table over `cases`, which it updates.
    Pure: the writing is `write`'s. `destroyed`, when given, holds the ids of the events
    that may carry destroyed values; the others are not searched for them. `district`
    gives the days events were recorded on (its time zone)."""
    folded = Folded()
    steps: list[tuple[PublishedEvent, Entry]] = []
    for event in events:
        case = cases.get(event.student_id) or Case(student_id=event.student_id)
        step = TABLE.apply(case, seen_of(event),
                           destroyed is None or event.event_id in destroyed)
        if step is None:
            continue
        cases[event.student_id] = folded.changed[event.student_id] = step.case
        if step.case.guardians != case.guardians:
            folded.guardians[event.student_id] = step.case
        if step.forget_personal:
            # Entries of this batch that came before the destruction forget theirs too.
            folded.forget.add(event.student_id)
            steps = [(e, replace(entry, personal=None) if e.student_id == event.student_id
                      else entry) for e, entry in steps]
        steps.append((event, step.entry))
    folded.rows = [tables.entry_row(
        e.service, e.global_position, e.student_id, e.event_id, e.event_type,
        e.recorded_at, e.metadata.actor.role, entry, district, e.occurred_at)
        for e, entry in steps]
    return folded


async def write(conn: asyncpg.Connection, folded: Folded, district: ViewRules,
                cases: bool = True) -> None:
    """Write what `fold` found: forget first (rows of earlier batches; the saves hold the
    latest fold), then the cases (unless the caller saves them later), guardians, entries."""
    if folded.forget:
        await tables.forget_personal(conn, sorted(folded.forget))
    if cases and folded.changed:
        await tables.save_cases(conn, list(folded.changed.values()), district)
    if cases and folded.guardians:
        await tables.save_guardians(conn, list(folded.guardians.values()))
    if folded.rows:
        await tables.add_entries(conn, folded.rows)


async def apply_events(conn: asyncpg.Connection, events: Sequence[PublishedEvent],
                       district: ViewRules) -> int:
    """Apply `events` (in order) on `conn`; returns how many the table knew."""
    folded = fold(await tables.load_cases(conn, {e.student_id for e in events}), events,
                  district)
    await write(conn, folded, district)
    return len(folded.rows)
