"""The FERPA record of access (34 CFR 300.614, 99.32) of every service, in one place.

Each service records a `RecordAccessed` event in its own log when someone reads a
student's record; the audit store holds them all. The purpose is personal (free text) and
travels sealed; it is opened here for the auditor, or reads "[destroyed]".
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import asyncpg
from iep_kernel.vault import KeyVault, open_trees

from iep_audit.app.filters import EventFilter, Order
from iep_audit.app.queries import page

RECORD_ACCESSED = "RecordAccessed"


@dataclass(frozen=True)
class Access:
    accessed_at: datetime
    service: str
    student_id: str
    accessor_id: str
    accessor_role: str
    on_behalf_of: str | None
    resource: str
    purpose: Any
    event_id: str


async def accesses(pool: asyncpg.Pool, vault: KeyVault | None, flt: EventFilter, *,
                   limit: int, order: Order = "asc", cursor: str | None = None
                   ) -> tuple[list[Access], str | None]:
    found = await page(pool, replace(flt, event_type=RECORD_ACCESSED), limit=limit,
                       order=order, cursor=cursor)
    payloads = await open_trees(vault, [e.payload for e in found.events])
    return [Access(accessed_at=e.recorded_at, service=e.service, student_id=e.student_id,
                   accessor_id=e.actor.get("id", ""), accessor_role=e.actor.get("role", ""),
                   on_behalf_of=e.actor.get("on_behalf_of"),
                   resource=str(data.get("resource", "")), purpose=data.get("purpose"),
                   event_id=str(e.event_id))
            for e, data in zip(found.events, payloads, strict=True)], found.next
