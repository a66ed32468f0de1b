"""Kernel yardsticks: append vs raw INSERT, relay vs raw produce, command-to-consumer latency."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from iep_kernel.consumer import Handler, Subscription
from iep_kernel.db import create_pool
from iep_kernel.decider import CommandHandler
from iep_kernel.events import Metadata
from iep_kernel.migrations import migrate
from iep_kernel.relay import Relay, ensure_topics, message_for
from iep_kernel.store import EventStore
from iep_kernel.streams import AiokafkaStreamProcessor, StreamProcessor

from .model import NOTE, NoteRecorded, RecordNote, notes, registry

META = Metadata(correlation_id="bench")


async def fresh_store(dsn: str) -> EventStore:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(dsn)
    await migrate(conn, schema)
    await conn.execute(f"CREATE TABLE {schema}.raw_events (global_position bigint, "
                       "event_id uuid, stream_id text, stream_version int, student_id text, "
                       "event_type text, schema_version int, occurred_at timestamptz, "
                       "recorded_at timestamptz, metadata jsonb, payload jsonb, "
                       "prev_hash text, hash text)")
    await conn.close()
    pool = await create_pool(dsn, schema, max_size=10)
    return EventStore(pool, registry, schema=schema)


async def _run_concurrently(concurrency: int, total_appends: int, work: Any) -> float:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total_appends):
        queue.put_nowait(i)

    async def worker() -> None:
        while not queue.empty():
            await work(queue.get_nowait())

    started = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(concurrency)])
    return time.perf_counter() - started


async def append_vs_insert(dsn: str, batch: int, concurrency: int, appends: int
                           ) -> dict[str, Any]:
    store = await fresh_store(dsn)
    events = [NoteRecorded(student_id="s", note=NOTE)] * batch
    versions: dict[str, int] = {}

    async def append(i: int) -> None:
        stream = f"st-{i % 500}"
        result = await store.append(stream, versions.get(stream, 0), events, META)
        versions[stream] = result.stream_version

    append_seconds = await _run_concurrently(concurrency, appends, append)
    rows = [tuple(r.__dict__.values()) for r in await store.read_all_raw(0, batch)]

    async def insert(i: int) -> None:
        async with store.pool.acquire() as conn, conn.transaction():
            await conn.executemany(
                "INSERT INTO raw_events VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)",
                rows)

    insert_seconds = await _run_concurrently(concurrency, appends, insert)
    await store.pool.close()
    total = appends * batch
    append_rate, insert_rate = total / append_seconds, total / insert_seconds
    return {"events_per_append": batch, "concurrency": concurrency, "events": total,
            "append_events_per_s": round(append_rate), "raw_insert_events_per_s":
            round(insert_rate), "ratio": round(append_rate / insert_rate, 3)}


async def relay_vs_produce(dsn: str, bootstrap: str, events: int) -> dict[str, Any]:
    store = await fresh_store(dsn)
    for start in range(0, events, 100):
        await store.append(f"st-{start}", 0, [
            NoteRecorded(student_id=f"s{(start + i) % 977}", note=NOTE) for i in range(100)],
            META)
    topic = f"bench.{store.schema}.relay"
    relay = Relay(store, dsn, bootstrap, topic, batch_size=1000, poll_seconds=0.05)
    stop = asyncio.Event()
    await ensure_topics(bootstrap, [topic, topic + ".raw"])
    started = time.perf_counter()
    task = asyncio.create_task(relay.run(stop))
    while relay.published < events:
        await asyncio.sleep(0.005)
    relay_seconds = time.perf_counter() - started
    stop.set()
    await task

    messages = [message_for(row, "bench") for row in await store.read_all_raw(0, events)]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=2)
    await producer.start()
    started = time.perf_counter()
    futures = [await producer.send(topic + ".raw", value=v, key=k, headers=h)
               for k, v, h in messages]
    await asyncio.gather(*futures)
    produce_seconds = time.perf_counter() - started
    await producer.stop()
    await store.pool.close()
    relay_rate, produce_rate = events / relay_seconds, events / produce_seconds
    return {"events": events, "relay_events_per_s": round(relay_rate),
            "raw_produce_events_per_s": round(produce_rate),
            "ratio": round(relay_rate / produce_rate, 3)}


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 2)}


async def command_to_consumer(dsn: str, bootstrap: str, rate: int, seconds: float,
                              engine: str = "faust") -> dict[str, Any]:
    """Commands at a steady rate through the relay to a consumer: latency, and the broker's
    own produce-to-consume latency at the same rate as the limit."""
    store = await fresh_store(dsn)
    prefix = f"{store.schema}."
    latencies: list[float] = []

    async def handle(conn: asyncpg.Connection, event: Any) -> None:
        latencies.append(time.time() - event.data["sent_at"])

    relay = Relay(store, dsn, bootstrap, f"{prefix}iep.bench.events", poll_seconds=0.5)
    await ensure_topics(bootstrap, [f"{prefix}iep.bench.events"])
    engines = {"faust": StreamProcessor, "aiokafka": AiokafkaStreamProcessor}
    processor = engines[engine](f"{store.schema}-latency", bootstrap,
                                [Subscription(Handler("bench.latency", ("bench",), handle),
                                              store.pool)], topic_prefix=prefix,
                                session_timeout=6)
    stop = asyncio.Event()
    await ensure_topics(bootstrap, [f"{prefix}iep.bench.events"])
    await processor.start()
    relay_task = asyncio.create_task(relay.run(stop))
    handler = CommandHandler(store, notes)
    count = int(rate * seconds)
    # warm up: the consumer group has joined once the first event arrives
    await handler.execute("warm", RecordNote("w", NOTE, time.time()), META)
    while not latencies:
        await asyncio.sleep(0.05)
    latencies.clear()
    interval = 1.0 / rate
    started = time.perf_counter()
    pending = []
    for i in range(count):
        delay = started + i * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        pending.append(asyncio.create_task(handler.execute(
            f"cmd-{i}", RecordNote(f"s{i % 977}", NOTE, time.time()), META)))
    await asyncio.gather(*pending)
    deadline = time.monotonic() + 30
    while len(latencies) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    achieved = count / (time.perf_counter() - started)
    command_latency = _percentiles(latencies)
    stop.set()
    await relay_task
    await processor.stop()
    await store.pool.close()
    raw = await raw_roundtrip(bootstrap, f"{prefix}raw", rate, count,
                              fetch_max_wait_ms=1500 if engine == "faust" else 20)
    return {"engine": engine, "rate_per_s": rate, "commands": count, "delivered": len(latencies),
            "achieved_rate_per_s": round(achieved, 1), **command_latency,
            "raw_kafka_roundtrip": raw,
            "p99_ratio_to_raw": round(command_latency["p99_ms"] / max(raw["p99_ms"], 0.01), 2)}


async def raw_roundtrip(bootstrap: str, topic: str, rate: int, count: int,
                        fetch_max_wait_ms: int) -> dict[str, float]:
    """A bare producer and consumer at the same rate and fetch wait: the broker's floor."""
    await ensure_topics(bootstrap, [topic])
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=topic,
                                auto_offset_reset="latest", session_timeout_ms=6000,
                                fetch_max_wait_ms=fetch_max_wait_ms)
    await consumer.start()
    while not consumer.assignment():
        await asyncio.sleep(0.05)
    await consumer.seek_to_end()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=2)
    await producer.start()
    samples: list[float] = []

    async def consume() -> None:
        async for message in consumer:
            samples.append(time.time() - float(message.value.decode()))
            if len(samples) >= count:
                return

    reader = asyncio.create_task(consume())
    started = time.perf_counter()
    for i in range(count):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await producer.send(topic, str(time.time()).encode(), key=f"s{i % 977}".encode())
    await asyncio.wait_for(reader, 30)
    await producer.stop()
    await consumer.stop()
    return _percentiles(samples)
