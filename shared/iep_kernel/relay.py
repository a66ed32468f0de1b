"""The outbox relay: publishes a service's committed events to `iep.<service>.events`.

At least once and in global-position order, so each student's events keep their order on
their partition (the key is the student id). The checkpoint lives in PostgreSQL beside the
events. A broker that comes back empty (the embedded broker keeps topics in memory only) is
noticed by comparing its end offsets with what was published, and the log is republished:
consumers are idempotent by event id, so nothing is applied twice.
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

DEFAULT_PARTITIONS = 3


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


async def topic_is_empty(bootstrap: str, topic: str) -> bool:
    """True when the broker holds nothing for `topic` (or no such topic)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        await consumer.start()
        if topic not in await consumer.topics():
            return True
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        ends = await consumer.end_offsets(tps)
        return all(end == 0 for end in ends.values())
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
        self.published = 0

    async def checkpoint(self) -> int:
        value = await self.store.pool.fetchval(
            "SELECT position FROM relay_checkpoints WHERE relay = $1", self.name)
        return int(value or 0)

    async def _save_checkpoint(self, position: int) -> None:
        await self.store.pool.execute(
            "INSERT INTO relay_checkpoints (relay, position) VALUES ($1, $2) "
            "ON CONFLICT (relay) DO UPDATE SET position = $2, updated_at = now()",
            self.name, position)

    async def _reconcile(self, checkpoint: int) -> int:
        """Start again from the beginning when the broker has lost what was published.

        An empty topic after publishing means a broker that came back without its data.
        (Comparing message counts would catch partial loss too, but Tansu 0.6 answers
        ListOffsets with the last batch's base offset, so counts are unreliable there; at
        worst this check republishes once more than needed, which consumers ignore.)
        """
        if checkpoint == 0 or not await topic_is_empty(self.bootstrap, self.topic):
            return checkpoint
        log.warning("the broker lost the topic's events; republishing the log",
                    extra={"topic": self.topic, "published_up_to": checkpoint})
        await self._save_checkpoint(0)
        return 0

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until `stop` is set; survives broker outages by retrying with backoff."""
        listener = await asyncpg.connect(self.dsn)
        channel = f"iep_events_{self.store.schema}"
        await listener.add_listener(channel, lambda *_: self._wake.set())
        backoff = 0.5
        try:
            while not stop.is_set():
                try:
                    await self._publish_until(stop)
                except (KafkaError, OSError, asyncio.TimeoutError) as err:
                    log.warning("relay lost the broker; retrying",
                                extra={"topic": self.topic, "error": type(err).__name__})
                    await _sleep_or_stop(stop, backoff)
                    backoff = min(backoff * 2, 10.0)
                else:
                    backoff = 0.5
        finally:
            await listener.close()

    async def _publish_until(self, stop: asyncio.Event) -> None:
        await ensure_topics(self.bootstrap, [self.topic])
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap, acks="all",
            enable_idempotence=self.idempotence, linger_ms=2,
            request_timeout_ms=10000,
        )
        await producer.start()
        try:
            position = await self._reconcile(await self.checkpoint())
            last_check = asyncio.get_running_loop().time()
            while not stop.is_set():
                self._wake.clear()
                rows = await self.store.read_all_raw(position, self.batch_size)
                if rows:
                    await self._send(producer, rows)
                    position = rows[-1].global_position
                    await self._save_checkpoint(position)
                    RELAY_PUBLISHED.labels(service=self.store.service).inc(len(rows))
                    self.published += len(rows)
                    if len(rows) == self.batch_size:
                        continue
                head = await self.store.head_position()
                RELAY_LAG.labels(service=self.store.service).set(
                    max(0, head - position))
                if head > position:
                    # Committed but held back by an older running transaction: look again soon.
                    await _wait(self._wake, stop, 0.02)
                    continue
                now = asyncio.get_running_loop().time()
                if now - last_check > 5 * self.poll_seconds:
                    position = await self._reconcile(position)
                    await ensure_topics(self.bootstrap, [self.topic])
                    last_check = now
                await _wait(self._wake, stop, self.poll_seconds)
        finally:
            await producer.stop()

    async def _send(self, producer: AIOKafkaProducer, rows: Sequence[StoredEvent]) -> None:
        futures = []
        for row in rows:
            key, value, headers = message_for(row, self.store.service)
            futures.append(await producer.send(self.topic, value=value, key=key,
                                               headers=headers))
        await asyncio.gather(*futures)


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
    except asyncio.TimeoutError:
        pass
