"""As-of: fold a student's events recorded up to an instant into the case as it stood.

Personal fields are opened with the student's key for the fold (what the file said), and
read "[destroyed]" once the key was destroyed; the stored events stay sealed.
"""

from datetime import datetime

import asyncpg
from iep_kernel.vault import KeyVault, open_trees

from iep_audit.app.queries import student_events
from iep_audit.domain.fold import Case, CaseEvent, FoldTable


async def case_as_of(pool: asyncpg.Pool, vault: KeyVault | None, table: FoldTable,
                     student_id: str, at: datetime) -> Case:
    events = await student_events(pool, student_id, at)
    opened = await open_trees(vault, [e.payload for e in events])
    return table.fold(student_id, at, (
        CaseEvent(service=e.service, stream_id=e.stream_id, stream_version=e.stream_version,
                  event_type=e.event_type, occurred_at=e.occurred_at,
                  recorded_at=e.recorded_at, actor=e.actor, data=data)
        for e, data in zip(events, opened, strict=True)))
