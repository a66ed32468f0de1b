"""Reading the audit store: a page of events, or all of them as a stream for export."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from iep_audit.app.filters import SELECTED, Cursor, EventFilter, Order, ordered, where
from iep_audit.domain.record import AuditedEvent


@dataclass(frozen=True)
class Page:
    events: list[AuditedEvent]
    next: str | None


def audited(record: asyncpg.Record | dict[str, Any]) -> AuditedEvent:
    return AuditedEvent(**dict(record))


async def page(pool: asyncpg.Pool, flt: EventFilter, *, limit: int, order: Order = "asc",
               cursor: str | None = None) -> Page:
    """Up to `limit` events in log order after `cursor`, and the cursor of the next page."""
    after = Cursor.decode(cursor, order) if cursor else None
    clause, params = where(flt, after)
    params.append(limit + 1)
    rows = await pool.fetch(f"SELECT {SELECTED} FROM audit_events{clause}{ordered(order)} "
                            f"LIMIT ${len(params)}", *params)
    events = [audited(r) for r in rows[:limit]]
    following = None
    if len(rows) > limit:
        last = events[-1]
        following = Cursor(last.recorded_at, last.service, last.global_position,
                           order).encode()
    return Page(events, following)


async def stream(pool: asyncpg.Pool, flt: EventFilter, *, order: Order = "asc",
                 batch: int = 500) -> AsyncIterator[AuditedEvent]:
    """Every matching event in log order, read through a server-side cursor in one
    snapshot: memory stays constant however large the result."""
    clause, params = where(flt)
    sql = f"SELECT {SELECTED} FROM audit_events{clause}{ordered(order)}"
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read",
                                                         readonly=True):
        async for record in conn.cursor(sql, *params, prefetch=batch):
            yield audited(record)


async def student_events(pool: asyncpg.Pool, student_id: str, at: datetime
                         ) -> list[AuditedEvent]:
    """A student's events recorded at or before `at`, in log order."""
    rows = await pool.fetch(
        f"SELECT {SELECTED} FROM audit_events WHERE student_id = $1 AND recorded_at <= $2"
        f"{ordered('asc')}", student_id, at)
    return [audited(r) for r in rows]
