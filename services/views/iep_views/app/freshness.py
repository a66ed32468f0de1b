"""Read-your-writes: how far the views have applied each source, and waiting for an event.

Every command response of a service carries the global position of its last event. The
topics are partitioned by student, so a view may apply a later position of one student
before an earlier one of another: "caught up with position P" therefore means the event
at P itself has been applied (it has its row in `case_events`), not that the highest
applied position is at least P. Its student's earlier events are applied by then too,
since each student's events are applied in order.
"""

import asyncio
import time

import asyncpg

POLL_SECONDS = 0.02


async def applied(pool: asyncpg.Pool | asyncpg.Connection, sources: tuple[str, ...]
                  ) -> dict[str, int]:
    """The highest position applied from each source (0: nothing yet)."""
    rows = await pool.fetch(
        "SELECT s.source, (SELECT max(position) FROM case_events e WHERE e.source = s.source)"
        " AS position FROM unnest($1::text[]) AS s(source)", list(sources))
    return {r["source"]: r["position"] or 0 for r in rows}


async def has_applied(pool: asyncpg.Pool, source: str, position: int) -> bool:
    return bool(await pool.fetchval(
        "SELECT EXISTS (SELECT 1 FROM case_events WHERE source = $1 AND position = $2)",
        source, position))


async def wait_for(pool: asyncpg.Pool, source: str, position: int, seconds: float) -> bool:
    """Wait, at most `seconds`, until the event at `position` of `source` is applied."""
    deadline = time.monotonic() + seconds
    while not await has_applied(pool, source, position):
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(POLL_SECONDS)
    return True
