"""The views' read model as the kernel runs it: live, one event at a time, and rebuilt.

`CaseProjection` is a kernel `Projection`: the worker applies each event as it arrives,
and the kernel's `rebuild` (`iep rebuild -s views`) replays the topics through it.
`rebuild_cases` (`iep views rebuild`) replays the same topics through the same
`apply_events` in batches, with one key lookup per batch: the same model, much faster.
"""

import asyncio
import json
import time
from functools import cached_property

import asyncpg
from iep_kernel.config import topic_for
from iep_kernel.events import DESTROYED, PublishedEvent
from iep_kernel.projection import Projection, RebuildReport, replay_documents
from iep_kernel.vault import KeyVault, open_documents

from iep_views.app import tables
from iep_views.app.folding import Folded, apply_events, fold, write
from iep_views.domain.case import Case
from iep_views.domain.events import SOURCES, TABLE
from iep_views.domain.rules import ViewRules

DESTROYED_JSON = json.dumps(DESTROYED).encode()
FOLD_CHUNK = 500  # events folded between turns of the writing and fetching stages


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
                        batch: int = 2000) -> RebuildReport:
    """Drop the views' tables and replay the topics into new ones, in one transaction
    (readers keep the old model until it commits).

    Three stages run side by side: fetching, opening and parsing the next events; folding
    them over every case, kept in memory; and writing their timeline rows while the next
    are folded. Each case is saved once, at the end.
    """
    started = time.perf_counter()
    topics = [topic_for(source, topic_prefix) for source in projection.sources]
    read = applied = 0
    seen: set[object] = set()
    cases: dict[str, Case] = {}
    guardians: set[str] = set()
    destroyed: set[object] = set()  # events whose documents hold a destroyed value
    ready: asyncio.Queue[list[PublishedEvent] | None] = asyncio.Queue(maxsize=4)
    folded: asyncio.Queue[Folded | None] = asyncio.Queue(maxsize=4)

    async def fetch() -> None:
        nonlocal read
        async for documents in replay_documents(bootstrap, topics, batch=batch):
            events = []
            for document in await open_documents(vault, documents):
                event = PublishedEvent.from_json(document)
                read += 1
                if event.event_id in seen or not projection.wants(event.event_type):
                    continue  # the topic may hold a republished duplicate
                seen.add(event.event_id)
                events.append(event)
                if DESTROYED_JSON in document:
                    destroyed.add(event.event_id)
            await ready.put(events)
            await asyncio.sleep(0)  # let the other stages run
        await ready.put(None)

    async def fold_all() -> None:
        nonlocal applied
        while (events := await ready.get()) is not None:
            for first in range(0, len(events), FOLD_CHUNK):
                done = fold(cases, events[first:first + FOLD_CHUNK], destroyed)
                guardians.update(done.guardians)
                applied += len(done.rows)
                await folded.put(done)
                await asyncio.sleep(0)
        await folded.put(None)

    async def write_all(conn: asyncpg.Connection) -> None:
        while (done := await folded.get()) is not None:
            await write(conn, done, projection.rules, cases=False)

    async with pool.acquire() as conn, conn.transaction():
        for table in projection.tables:
            await conn.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
        await projection.create(conn)
        await conn.execute("DELETE FROM applied_events WHERE consumer = $1",
                           projection.consumer_name)
        async with asyncio.TaskGroup() as group:
            group.create_task(fetch())
            group.create_task(fold_all())
            group.create_task(write_all(conn))
        await tables.save_cases(conn, list(cases.values()), projection.rules)
        await tables.save_guardians(conn, [cases[s] for s in sorted(guardians)])
        await conn.copy_records_to_table(
            "applied_events", records=[(projection.consumer_name, e) for e in seen],
            columns=["consumer", "event_id"])
    return RebuildReport(projection.name, read, applied, time.perf_counter() - started)
