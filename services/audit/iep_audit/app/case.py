"""As-of: fold a student's events recorded up to an instant into the case as it stood.

Personal fields are opened with the student's key for the fold (what the file said), and
read "[destroyed]" once the key was destroyed; the stored events stay sealed. Acts recorded
more than the district's late-entry window after they happened are listed with the reason
given, opened the same way.
"""

from datetime import datetime
from typing import Any

import asyncpg
from iep_kernel.vault import KeyVault, open_trees

from iep_audit.app.queries import student_events
from iep_audit.domain.dates import LateEntry, RecordWindow, dates_of_record
from iep_audit.domain.fold import Case, CaseEvent, FoldTable
from iep_audit.domain.record import AuditedEvent


async def case_as_of(pool: asyncpg.Pool, vault: KeyVault | None, table: FoldTable,
                     student_id: str, at: datetime, window: RecordWindow) -> Case:
    events = await student_events(pool, student_id, at)
    opened = await open_trees(vault, [e.payload for e in events])
    case = table.fold(student_id, at, (
        CaseEvent(service=e.service, stream_id=e.stream_id, stream_version=e.stream_version,
                  event_type=e.event_type, occurred_at=e.occurred_at,
                  recorded_at=e.recorded_at, actor=e.actor, data=data)
        for e, data in zip(events, opened, strict=True)))
    case.late_entries = [entry for e, data in zip(events, opened, strict=True)
                         if (entry := late_entry(e, data, window)) is not None]
    return case


def late_entry(event: AuditedEvent, data: dict[str, Any], window: RecordWindow
               ) -> LateEntry | None:
    found = dates_of_record(event.payload, event.occurred_at, window,
                            event.actor.get("role"))
    if not found.late_entry or found.occurred_on is None or found.days_late is None:
        return None
    reason = data.get("late_entry_reason")
    return LateEntry(
        service=event.service, stream_id=event.stream_id, stream_version=event.stream_version,
        event_type=event.event_type, occurred_on=found.occurred_on,
        recorded_at=event.recorded_at, days_late=found.days_late,
        late_entry_reason=reason if isinstance(reason, str) else None)
