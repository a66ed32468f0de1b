"""Applying published events to the views' tables: one event live, thousands in a rebuild.

Live and rebuilt models go through this same function, so they cannot drift apart: load
the cases the events touch, run each event through the event-type table in order, then
write the cases, their timeline entries and guardians, and forget personal data where the
records were destroyed.
"""

from collections.abc import Sequence
from dataclasses import replace

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


async def apply_events(conn: asyncpg.Connection, events: Sequence[PublishedEvent],
                       district: ViewRules) -> int:
    """Apply `events` (in order) on `conn`; returns how many the table knew."""
    cases = await tables.load_cases(conn, {e.student_id for e in events})
    changed: dict[str, Case] = {}
    steps: list[tuple[PublishedEvent, Entry]] = []
    guardians: dict[str, Case] = {}
    forget: set[str] = set()
    for event in events:
        case = cases.get(event.student_id) or Case(student_id=event.student_id)
        step = TABLE.apply(case, seen_of(event))
        if step is None:
            continue
        cases[event.student_id] = changed[event.student_id] = step.case
        if step.case.guardians != case.guardians:
            guardians[event.student_id] = step.case
        if step.forget_personal:
            # Entries of this batch that came before the destruction forget theirs too.
            forget.add(event.student_id)
            steps = [(e, replace(entry, personal=None) if e.student_id == event.student_id
                      else entry) for e, entry in steps]
        steps.append((event, step.entry))
    if forget:  # rows of earlier batches; before the saves, which hold the latest fold
        await tables.forget_personal(conn, sorted(forget))
    if changed:
        await tables.save_cases(conn, list(changed.values()), district)
    if guardians:
        await tables.save_guardians(conn, list(guardians.values()))
    if steps:
        await tables.add_entries(conn, [tables.entry_row(
            e.service, e.global_position, e.student_id, e.event_id, e.event_type,
            e.recorded_at, e.metadata.actor.role, entry) for e, entry in steps])
    return len(steps)
