"""The views' read model as the kernel runs it: live, one event at a time, and rebuilt.

`CaseProjection` is a kernel `Projection`: the worker applies each event as it arrives,
and the kernel's `rebuild` (`iep rebuild -s views`) replays the topics through it.
`rebuild_cases` (`iep views rebuild`) replays the same topics through the same
`apply_events` in batches, with one key lookup per batch: the same model, much faster.
"""

import time
from collections.abc import Sequence
from functools import cached_property

import asyncpg
from iep_kernel.config import topic_for
from iep_kernel.events import PublishedEvent
from iep_kernel.projection import Projection, RebuildReport, replay_topics
from iep_kernel.vault import KeyVault, open_trees

from iep_views.app import tables
from iep_views.app.folding import apply_events
from iep_views.domain.events import SOURCES, TABLE
from iep_views.domain.rules import ViewRules


class CaseProjection(Projection):
    name = "cases"
    sources = SOURCES
    tables = tables.TABLES
    event_types = TABLE.event_types

    @cached_property
    def rules(self) -> ViewRules:
        return ViewRules()

    async def create(self, conn: asyncpg.Connection) -> None:
        await tables.create(conn)

    async def apply(self, conn: asyncpg.Connection, event: PublishedEvent) -> None:
        await apply_events(conn, [event], self.rules)


CASES = CaseProjection()


async def _open(vault: KeyVault | None, events: Sequence[PublishedEvent]
                ) -> list[PublishedEvent]:
    opened = await open_trees(vault, [e.data for e in events])
    return [e if data is e.data else e.model_copy(update={"data": data})
            for e, data in zip(events, opened, strict=True)]


async def rebuild_cases(pool: asyncpg.Pool, bootstrap: str, topic_prefix: str = "",
                        vault: KeyVault | None = None, projection: CaseProjection = CASES,
                        batch: int = 2000) -> RebuildReport:
    """Drop the views' tables and replay the topics into new ones, in one transaction
    (readers keep the old model until it commits), `batch` events at a time."""
    started = time.perf_counter()
    topics = [topic_for(source, topic_prefix) for source in projection.sources]
    read = applied = 0
    seen: set[object] = set()
    pending: list[PublishedEvent] = []

    async def flush() -> int:
        done = await apply_events(conn, await _open(vault, pending), projection.rules)
        pending.clear()
        return done

    async with pool.acquire() as conn, conn.transaction():
        for table in projection.tables:
            await conn.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
        await projection.create(conn)
        await conn.execute("DELETE FROM applied_events WHERE consumer = $1",
                           projection.consumer_name)
        async for event in replay_topics(bootstrap, topics, batch=batch):
            read += 1
            if event.event_id in seen or not projection.wants(event.event_type):
                continue  # the topic may hold a republished duplicate
            seen.add(event.event_id)
            pending.append(event)
            if len(pending) >= batch:
                applied += await flush()
        if pending:
            applied += await flush()
        await conn.copy_records_to_table(
            "applied_events", records=[(projection.consumer_name, e) for e in seen],
            columns=["consumer", "event_id"])
    return RebuildReport(projection.name, read, applied, time.perf_counter() - started)
