"""The views' read model as the kernel runs it: live, one event at a time, and rebuilt.

`CaseProjection` is a kernel `Projection`: the worker applies each event as it arrives,
and the kernel's `rebuild` (`iep rebuild -s views`) replays the topics through it.
`rebuild_cases` (`iep views rebuild`) replays the same topics through the same
`apply_events` in batches, with one key lookup per batch: the same model, much faster.
"""

import asyncio
import time
from functools import cached_property

import asyncpg
from iep_kernel.config import topic_for
from iep_kernel.events import PublishedEvent
from iep_kernel.projection import Projection, RebuildReport, replay_documents
from iep_kernel.vault import KeyVault, open_documents

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


async def rebuild_cases(pool: asyncpg.Pool, bootstrap: str, topic_prefix: str = "",
                        vault: KeyVault | None = None, projection: CaseProjection = CASES,
                        batch: int = 4000) -> RebuildReport:
    """Drop the views' tables and replay the topics into new ones, in one transaction
    (readers keep the old model until it commits), `batch` events at a time.

    Reading is pipelined with writing: while one batch is applied (and the database works
    on its rows), the next is fetched, opened and parsed.
    """
    started = time.perf_counter()
    topics = [topic_for(source, topic_prefix) for source in projection.sources]
    read = applied = 0
    seen: set[object] = set()
    ready: asyncio.Queue[list[PublishedEvent] | None] = asyncio.Queue(maxsize=2)

    async def fetch() -> None:
        nonlocal read
        pending: list[PublishedEvent] = []
        async for documents in replay_documents(bootstrap, topics, batch=batch):
            for document in await open_documents(vault, documents):
                event = PublishedEvent.from_json(document)
                read += 1
                if event.event_id in seen or not projection.wants(event.event_type):
                    continue  # the topic may hold a republished duplicate
                seen.add(event.event_id)
                pending.append(event)
            if len(pending) >= batch:
                await ready.put(pending)
                pending = []
            await asyncio.sleep(0)  # let the applying side hear from the database
        await ready.put(pending)
        await ready.put(None)

    async def apply(conn: asyncpg.Connection) -> None:
        nonlocal applied
        while (events := await ready.get()) is not None:
            applied += await apply_events(conn, events, projection.rules)

    async with pool.acquire() as conn, conn.transaction():
        for table in projection.tables:
            await conn.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
        await projection.create(conn)
        await conn.execute("DELETE FROM applied_events WHERE consumer = $1",
                           projection.consumer_name)
        async with asyncio.TaskGroup() as group:
            group.create_task(fetch())
            group.create_task(apply(conn))
        await conn.copy_records_to_table(
            "applied_events", records=[(projection.consumer_name, e) for e in seen],
            columns=["consumer", "event_id"])
    return RebuildReport(projection.name, read, applied, time.perf_counter() - started)
