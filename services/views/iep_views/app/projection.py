"""The views' read model as the kernel runs it: live, one event at a time, and rebuilt.

`CaseProjection` is a kernel `Projection`: the worker applies each event as it arrives,
and the kernel's `rebuild` (`iep rebuild -s views`) replays the topics through it.
`rebuild_cases` (`iep views rebuild`) replays the same topics through the same `fold` and
`write` in batches, in worker processes side by side: the same model, much faster.
"""

import asyncio
import contextlib
import gc
import json
import multiprocessing
import os
import time
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import asyncpg
from iep_kernel.config import Settings, topic_for
from iep_kernel.db import create_pool, schema_name
from iep_kernel.events import DESTROYED, PublishedEvent
from iep_kernel.projection import Projection, RebuildReport, partition_groups, replay_documents
from iep_kernel.runtime import ServiceRuntime, open_vault
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


async def rebuild_cases(runtime: ServiceRuntime, workers: int | None = None,
                        batch: int = 2000) -> RebuildReport:
    """Replay the topics into new views tables and put them in place of the old ones, in
    one transaction.

    The topics are keyed by student, so the replay splits their partitions between
    `workers` processes (default: one per CPU), each folding its own students into tables
    of a scratch schema. While they run, the old tables stay readable but take no writes
    (the live handler waits); then they are dropped, the new ones moved in and the applied
    events recorded, all at once. A failed replay leaves the old model as it was.
    """
    started = time.perf_counter()
    projection = CASES
    topics = [topic_for(source, runtime.settings.topic_prefix)
              for source in projection.sources]
    groups = await partition_groups(runtime.bootstrap, topics, workers or os.cpu_count() or 1)
    scratch = schema_name(f"{runtime.schema}_rebuild")
    try:
        async with runtime.pool.acquire() as conn, conn.transaction():
            await conn.execute(f"LOCK TABLE {', '.join(projection.tables)} IN EXCLUSIVE MODE")
            await _create_scratch(runtime.pool, scratch)
            job = Job(runtime.settings, runtime.dsn, runtime.bootstrap, tuple(topics),
                      scratch, projection.rules, batch)
            _, counts = _raise_first(await asyncio.gather(
                # The applied events are forgotten while the workers replay.
                conn.execute("DELETE FROM applied_events WHERE consumer = $1",
                             projection.consumer_name),
                _fill_all(job, groups, runtime.vault), return_exceptions=True))
            await _swap_in(conn, scratch, projection)
    except BaseException:
        await runtime.pool.execute(f'DROP SCHEMA IF EXISTS "{scratch}" CASCADE')
        raise
    return RebuildReport(projection.name, sum(read for read, _ in counts),
                         sum(applied for _, applied in counts), time.perf_counter() - started)


@dataclass(frozen=True)
class Job:
    """What a rebuild worker needs to replay its partitions into the scratch schema."""

    settings: Settings
    dsn: str
    bootstrap: str
    topics: tuple[str, ...]
    scratch: str
    rules: ViewRules
    batch: int


async def _create_scratch(pool: asyncpg.Pool, scratch: str) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f'DROP SCHEMA IF EXISTS "{scratch}" CASCADE; '
                           f'CREATE SCHEMA "{scratch}"; SET LOCAL search_path = "{scratch}"')
        await CASES.create(conn)
        await conn.execute("CREATE TABLE rebuild_applied (event_id uuid NOT NULL)")


async def _swap_in(conn: asyncpg.Connection, scratch: str, projection: CaseProjection) -> None:
    """Replace the tables on `conn`'s search path with the scratch schema's, and record the
    events the replay applied (the old records are deleted by then)."""
    schema = await conn.fetchval("SELECT current_schema()")
    for table in projection.tables:  # readers get plans from statistics at once
        await conn.execute(f'ANALYZE "{scratch}"."{table}"')
    for table in projection.tables:
        await conn.execute(f'DROP TABLE "{table}" CASCADE')
    for table in projection.tables:
        await conn.execute(f'ALTER TABLE "{scratch}"."{table}" SET SCHEMA "{schema}"')
    await conn.execute(  # in the index's order: far faster than at random
        f'INSERT INTO applied_events (consumer, event_id) SELECT $1, event_id '
        f'FROM "{scratch}".rebuild_applied ORDER BY event_id ON CONFLICT DO NOTHING',
        projection.consumer_name)
    await conn.execute(f'DROP SCHEMA "{scratch}" CASCADE')


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """A replay makes millions of objects that live until it ends, and no cycles worth
    finding: the cyclic collector would spend about half the time scanning them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


async def _fill_all(job: Job, groups: Sequence[Collection[int]], vault: KeyVault
                    ) -> list[tuple[int, int]]:
    """(read, applied) of each group: in this process when there is one, else in one
    worker process each."""
    if len(groups) == 1:
        with _collector_paused():
            return [await fill(job, groups[0], vault)]
    context = multiprocessing.get_context("spawn")  # a fork would share the event loop
    with ProcessPoolExecutor(len(groups), mp_context=context) as pool:
        loop = asyncio.get_running_loop()
        return _raise_first(await asyncio.gather(
            *(loop.run_in_executor(pool, _fill_alone, job, list(group)) for group in groups),
            return_exceptions=True))


def _raise_first(results: list[Any]) -> list[Any]:
    """The results of `gather(..., return_exceptions=True)`, raising the first failure:
    every part has stopped by then, so nothing is left running on the connection."""
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def _fill_alone(job: Job, partitions: list[int]) -> tuple[int, int]:
    """A worker process: its own vault and connection."""

    async def main() -> tuple[int, int]:
        vault = await open_vault(job.settings, job.dsn)
        try:
            return await fill(job, partitions, vault)
        finally:
            await vault.pool.close()

    with _collector_paused():
        return asyncio.run(main())


async def fill(job: Job, partitions: Collection[int], vault: KeyVault | None
               ) -> tuple[int, int]:
    """Replay `partitions` of the topics into the scratch schema; returns (read, applied).

    Three stages run side by side: fetching, opening and parsing the next events; folding
    them over every case, kept in memory; and writing their timeline rows while the next
    are folded. Each case is saved once, at the end.
    """
    projection = CASES
    read = applied = 0
    seen: set[object] = set()
    cases: dict[str, Case] = {}
    guardians: set[str] = set()
    destroyed: set[object] = set()  # events whose documents hold a destroyed value
    ready: asyncio.Queue[list[PublishedEvent] | None] = asyncio.Queue(maxsize=4)
    folded: asyncio.Queue[Folded | None] = asyncio.Queue(maxsize=4)

    async def fetch() -> None:
        nonlocal read
        async for documents in replay_documents(job.bootstrap, job.topics, batch=job.batch,
                                                partitions=partitions):
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
                done = fold(cases, events[first:first + FOLD_CHUNK], job.rules, destroyed)
                guardians.update(done.guardians)
                applied += len(done.rows)
                await folded.put(done)
                await asyncio.sleep(0)
        await folded.put(None)

    async def write_all(conn: asyncpg.Connection) -> None:
        while (done := await folded.get()) is not None:
            await write(conn, done, job.rules, cases=False)

    pool = await create_pool(job.dsn, job.scratch, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn, conn.transaction():
            try:
                async with asyncio.TaskGroup() as group:
                    group.create_task(fetch())
                    group.create_task(fold_all())
                    group.create_task(write_all(conn))
            except ExceptionGroup as failed:
                raise failed.exceptions[0] from None  # the stage that failed first, plainly
            await tables.save_cases(conn, list(cases.values()), job.rules)
            await tables.save_guardians(conn, [cases[s] for s in sorted(guardians)])
            await conn.copy_records_to_table("rebuild_applied", records=[(e,) for e in seen],
                                             columns=["event_id"])
    finally:
        await pool.close()
    return read, applied
