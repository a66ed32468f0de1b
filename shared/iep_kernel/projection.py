"""Read models built from events: disposable, and rebuilt from the topics at will.

A `Projection` owns some tables in its service's schema, creates them, and applies one
published event at a time. Live, it runs as an idempotent `Handler`. `rebuild` drops its
tables and replays the topics from the beginning in one transaction, so readers see the
old model until the new one is complete, and the rebuilt model equals the live one.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from iep_kernel.config import topic_for
from iep_kernel.consumer import Handler
from iep_kernel.events import PublishedEvent
from iep_kernel.vault import KeyVault, open_documents


class Projection:
    name: str = ""
    sources: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    event_types: frozenset[str] | None = None
    sealed: bool = False  # receive personal fields sealed, as published (see `Handler`)

    async def create(self, conn: asyncpg.Connection) -> None:
        """Create the projection's tables if they do not exist."""
        raise NotImplementedError

    async def apply(self, conn: asyncpg.Connection, event: PublishedEvent) -> None:
        raise NotImplementedError

    @property
    def consumer_name(self) -> str:
        return f"projection.{self.name}"

    def handler(self) -> Handler:
        return Handler(self.consumer_name, self.sources, self.apply, self.event_types,
                       sealed=self.sealed)

    def wants(self, event_type: str) -> bool:
        return self.event_types is None or event_type in self.event_types


@dataclass(frozen=True)
class RebuildReport:
    projection: str
    events_read: int
    events_applied: int
    seconds: float


class ReplayCutShort(RuntimeError):
    """The broker went silent before a replay reached the end it reported."""


async def partition_groups(bootstrap: str, topics: Sequence[str], groups: int
                           ) -> list[list[int]]:
    """Split the topics' partition numbers into at most `groups` groups for replaying side
    by side, each group reading the same numbers of every topic.

    Every topic is keyed by student and created with the same partition count, so one
    student's events, whatever service published them, are all in one group, and a group
    can fold its students alone. Topics whose partition counts differ cannot be split that
    way: then there is one group, every partition.
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        existing = await consumer.topics()
        counts = {len(consumer.partitions_for_topic(t) or ()) for t in topics if t in existing}
    finally:
        await consumer.stop()
    count = counts.pop() if len(counts) == 1 else 0
    if count == 0:
        return [[]]  # no topic yet, or counts that differ: one group of every partition
    size = max(1, min(groups, count))
    return [list(range(first, count, size)) for first in range(size)]


async def replay_documents(bootstrap: str, topics: Sequence[str], batch: int = 2000,
                           quiet_ms: int = 600, give_up_s: float = 60.0,
                           partitions: Collection[int] = ()
                           ) -> AsyncIterator[list[bytes]]:
    """Every message on `topics` from the beginning, as they travel (JSON bytes), a fetched
    batch at a time; only the partitions numbered in `partitions` when it is not empty.

    The replay ends once every partition is read past the end offset the broker reported
    when it began, and the broker has then been quiet for `quiet_ms`. The offset alone is not
    enough: Tansu 0.6 reports the last batch's base offset as the end, not the offset after
    it. Silence alone is not enough either: a broker slow to serve a large log, or a reader
    busy applying a batch, is not the end of the log. Silence is counted only while waiting
    on the broker. A broker that stays silent for `give_up_s` before the reported end raises
    `ReplayCutShort` rather than a short replay passing for a whole one.
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                group_id=None, fetch_max_wait_ms=50,
                                max_partition_fetch_bytes=8 * 1024 * 1024)
    await consumer.start()
    try:
        existing = await consumer.topics()
        assigned = [TopicPartition(t, p) for t in topics if t in existing
                    for p in sorted(consumer.partitions_for_topic(t) or ())
                    if not partitions or p in partitions]
        if not assigned:
            return
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        ends = await consumer.end_offsets(assigned)
        quiet = 0.0  # seconds the broker had nothing more, counted only while asking it
        while True:
            asked = time.monotonic()
            batches = await consumer.getmany(timeout_ms=100, max_records=batch)
            if any(batches.values()):
                quiet = 0.0
                for messages in batches.values():
                    yield [message.value for message in messages]
                continue
            quiet += time.monotonic() - asked
            if all([await consumer.position(tp) >= ends[tp] for tp in assigned]):
                if quiet * 1000 >= quiet_ms:
                    return
            elif quiet >= give_up_s:
                raise ReplayCutShort(
                    f"the broker went silent for {give_up_s:.0f} s before the end of "
                    f"{', '.join(topics)} it reported; the replay is incomplete")
    finally:
        await consumer.stop()


async def replay_topics(bootstrap: str, topics: Sequence[str], batch: int = 2000,
                        quiet_ms: int = 600, vault: KeyVault | None = None
                        ) -> AsyncIterator[PublishedEvent]:
    """Every event on `topics` from the beginning (see `replay_documents`), with personal
    fields opened with `vault` when one is given."""
    async for documents in replay_documents(bootstrap, topics, batch, quiet_ms):
        for document in await open_documents(vault, documents):
            yield PublishedEvent.from_json(document)


async def rebuild(pool: asyncpg.Pool, projection: Projection, bootstrap: str,
                  topic_prefix: str = "", vault: KeyVault | None = None) -> RebuildReport:
    """Drop the projection's tables and replay its topics into new ones, atomically.

    Personal fields are opened with `vault`, as the live handler receives them (unless the
    projection is `sealed`), so the rebuilt model equals the live one.
    """
    started = time.perf_counter()
    topics = [topic_for(source, topic_prefix) for source in projection.sources]
    read = applied = 0
    seen: set[object] = set()
    async with pool.acquire() as conn, conn.transaction():
        for table in projection.tables:
            await conn.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
        await projection.create(conn)
        await conn.execute("DELETE FROM applied_events WHERE consumer = $1",
                           projection.consumer_name)
        opener = None if projection.sealed else vault
        async for event in replay_topics(bootstrap, topics, vault=opener):
            read += 1
            if event.event_id in seen or not projection.wants(event.event_type):
                continue  # the topic may hold a republished duplicate
            seen.add(event.event_id)
            await projection.apply(conn, event)
            applied += 1
        await conn.copy_records_to_table(
            "applied_events", records=[(projection.consumer_name, e) for e in seen],
            columns=["consumer", "event_id"])
    return RebuildReport(projection.name, read, applied, time.perf_counter() - started)
