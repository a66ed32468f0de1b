"""The outbox relay: publishes a service's committed events to `iep.<service>.events`.

At least once and in global-position order, so each student's events keep their order on
their partition (the key is the student id). The checkpoint lives in PostgreSQL beside the
events, with the highest offset the broker acknowledged on each partition.

A broker that comes back without its data (the embedded broker keeps topics in memory only)
is noticed two ways: at start and when idle, a partition written before now ends at offset
0; while publishing, the broker acknowledges an offset at or below one it acknowledged
before. Either way the relay republishes the log from the start; consumers are idempotent
by event id, so nothing is applied twice. (End offsets cannot be compared with counts:
Tansu 0.6 answers ListOffsets with the last batch's base offset, not the high watermark.)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from iep_kernel.metrics import RELAY_LAG, RELAY_PUBLISHED
from iep_kernel.store import EventStore, StoredEvent

log = logging.getLogger("iep.relay")

# As deploy/generate.py creates them: a replay splits a topic's partitions between
# processes (`projection.partition_groups`), and 6 splits evenly in 1, 2, 3 or 6.
DEFAULT_PARTITIONS = 6
RECONCILE_SECONDS = 5.0


async def ensure_topics(bootstrap: str, topics: Sequence[str],
                        partitions: int = DEFAULT_PARTITIONS) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            try:
                await admin.create_topics(
                    [NewTopic(t, num_partitions=partitions, replication_factor=1)
                     for t in missing])
            except TopicAlreadyExistsError:
                pass
    finally:
        await admin.close()


async def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    """Each partition's end offset as the broker reports it (empty when no such topic)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        await consumer.start()
        if topic not in await consumer.topics():
            return {}
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return {tp.partition: end for tp, end in (await consumer.end_offsets(tps)).items()}
    finally:
        await consumer.stop()


def message_for(row: StoredEvent, service: str) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    published = row.published(service)
    headers = [
        ("event_type", row.event_type.encode()),
        ("event_id", str(row.event_id).encode()),
        ("schema_version", str(row.schema_version).encode()),
        ("correlation_id", published.metadata.correlation_id.encode()),
    ]
    return row.student_id.encode(), published.model_dump_json().encode(), headers


class BrokerLostData(Exception):
    """The broker no longer holds what it acknowledged: publish the log again."""


class Relay:
    def __init__(
        self,
        store: EventStore,
        dsn: str,
        bootstrap: str,
        topic: str,
        *,
        idempotence: bool = False,
        batch_size: int = 500,
        poll_seconds: float = 1.0,
        name: str = "kafka",
    ) -> None:
        self.store = store
        self.dsn = dsn
        self.bootstrap = bootstrap
        self.topic = topic
        self.idempotence = idempotence
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.name = name
        self._wake = asyncio.Event()
        self._acked: dict[int, int] = {}
        self.published = 0
        self.republished = 0
        self.leading = False

    async def checkpoint(self) -> int:
        value = await self.store.pool.fetchval(
            "SELECT position FROM relay_checkpoints WHERE relay = $1", self.name)
        return int(value or 0)

    async def _load(self) -> int:
        row = await self.store.pool.fetchrow(
            "SELECT position, partition_offsets FROM relay_checkpoints WHERE relay = $1",
            self.name)
        if row is None:
            self._acked = {}
            return 0
        self._acked = {int(p): int(o) for p, o in row["partition_offsets"].items()}
        return int(row["position"])

    async def _save(self, position: int) -> None:
        await self.store.pool.execute(
            "INSERT INTO relay_checkpoints (relay, position, partition_offsets) "
            "VALUES ($1, $2, $3) ON CONFLICT (relay) DO UPDATE "
            "SET position = $2, partition_offsets = $3, updated_at = now()",
            self.name, position, {str(p): o for p, o in self._acked.items()})

    async def _check_broker(self) -> None:
        """Raise `BrokerLostData` if a partition written before now ends at offset 0."""
        if not self._acked:
            return
        ends = await end_offsets(self.bootstrap, self.topic)
        if any(ends.get(partition, 0) == 0 for partition in self._acked):
            raise BrokerLostData

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until `stop` is set; survives broker outages by retrying with backoff.

        One relay publishes a topic at a time: it holds a session lock on its listening
        connection, and a relay in a second worker replica waits as a standby until the
        first one's connection goes away.
        """
        listener = await asyncpg.connect(self.dsn)
        try:
            while not await listener.fetchval(
                    "SELECT pg_try_advisory_lock(hashtext($1))",
                    f"relay:{self.store.schema}:{self.name}"):
                await _sleep_or_stop(stop, self.poll_seconds)
                if stop.is_set():
                    return
            self.leading = True
            await self._lead(listener, stop)
        finally:
            self.leading = False
            await listener.close()

    async def _lead(self, listener: asyncpg.Connection, stop: asyncio.Event) -> None:
        await listener.add_listener(f"iep_events_{self.store.schema}",
                                    lambda *_: self._wake.set())
        backoff = 0.5
        while not stop.is_set():
            try:
                await self._publish_until(stop)
            except BrokerLostData:
                log.warning("the broker lost the topic's events; republishing the log",
                            extra={"topic": self.topic})
                self._acked = {}
                self.republished += 1
                await self._save(0)
            except (TimeoutError, KafkaError, OSError) as err:
                log.warning("relay lost the broker; retrying",
                            extra={"topic": self.topic, "error": type(err).__name__})
                await _sleep_or_stop(stop, backoff)
                backoff = min(backoff * 2, 10.0)
            else:
                backoff = 0.5

    async def _publish_until(self, stop: asyncio.Event) -> None:
        await ensure_topics(self.bootstrap, [self.topic])
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap, acks="all",
            enable_idempotence=self.idempotence, linger_ms=2,
            request_timeout_ms=10000,
        )
        await producer.start()
        try:
            position = await self._load()
            await self._check_broker()
            loop = asyncio.get_running_loop()
            last_check = loop.time()
            while not stop.is_set():
                self._wake.clear()
                if loop.time() - last_check > RECONCILE_SECONDS:
                    await self._check_broker()
                    last_check = loop.time()
                rows = await self.store.read_all_raw(position, self.batch_size)
                if rows:
                    await self._send(producer, rows)
                    position = rows[-1].global_position
                    await self._save(position)
                    RELAY_PUBLISHED.labels(service=self.store.service).inc(len(rows))
                    self.published += len(rows)
                    if len(rows) == self.batch_size:
                        continue
                head = await self.store.head_position()
                RELAY_LAG.labels(service=self.store.service).set(max(0, head - position))
                if head > position:
                    # Committed but held back by an older running transaction: look again soon.
                    await _wait(self._wake, stop, 0.02)
                    continue
                await _wait(self._wake, stop, self.poll_seconds)
        finally:
            await producer.stop()

    async def _send(self, producer: AIOKafkaProducer, rows: Sequence[StoredEvent]) -> None:
        futures = []
        for row in rows:
            key, value, headers = message_for(row, self.store.service)
            futures.append(await producer.send(self.topic, value=value, key=key,
                                               headers=headers))
        lost = False
        for record in await asyncio.gather(*futures):
            previous = self._acked.get(record.partition, -1)
            if record.offset <= previous:
                lost = True  # offsets went backwards: a fresh log on the broker
            self._acked[record.partition] = max(previous, record.offset) if not lost \
                else record.offset
        if lost:
            raise BrokerLostData


async def _wait(wake: asyncio.Event, stop: asyncio.Event, seconds: float) -> None:
    waiters = [asyncio.ensure_future(wake.wait()), asyncio.ensure_future(stop.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass
