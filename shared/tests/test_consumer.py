"""Idempotent consumers as faust agents, against a real broker and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka import AIOKafkaProducer
from iep_kernel.config import topic_for
from iep_kernel.consumer import (
    Handler,
    Outcome,
    Subscription,
    apply_message,
    list_dead_letters,
    replay_dead_letter,
)
from iep_kernel.events import Metadata
from iep_kernel.relay import ensure_topics, message_for
from iep_kernel.streams import AiokafkaStreamProcessor, StreamProcessor
from iep_kernel.testing.sample import CounterIncremented, CounterOpened, registry
from iep_kernel.testing.waiting import eventually

META = Metadata(correlation_id="c")


async def effects_table(pool) -> None:
    await pool.execute("CREATE TABLE effects (event_id uuid, student_id text, label text)")


def recording_handler(refuse: set[str]) -> Handler:
    async def handle(conn, event) -> None:
        if event.data.get("label") in refuse:
            raise ValueError("this handler cannot apply that event")
        await conn.execute("INSERT INTO effects VALUES ($1, $2, $3)",
                           event.event_id, event.student_id, event.data.get("label"))
    return Handler("sample.recorder", ("sample",), handle)




@pytest.mark.parametrize("engine", ["faust", "aiokafka"])
async def test_same_events_delivered_twice_have_one_effect(isolation, engine):
    store = await isolation.store(registry)
    pool = await isolation.pool("consumer")
    await effects_table(pool)
    labels = ["a", "b", "c"]
    for i, label in enumerate(labels):
        await store.append(f"c{i}", 0, [CounterOpened(student_id=f"s{i}", label=label)], META)
    rows = await store.read_all_raw(0)
    topic = topic_for("sample", isolation.topic_prefix)
    await ensure_topics(isolation.bootstrap, [topic])
    producer = AIOKafkaProducer(bootstrap_servers=isolation.bootstrap)
    await producer.start()
    for _ in range(2):  # every event published twice, as a relay restart would
        for row in rows:
            key, value, headers = message_for(row, "sample")
            await producer.send_and_wait(topic, value, key=key, headers=headers)
    await producer.stop()

    sub = Subscription(recording_handler(set()), pool)
    engines = {"faust": StreamProcessor, "aiokafka": AiokafkaStreamProcessor}
    processor = engines[engine](isolation.group(), isolation.bootstrap, [sub],
                                topic_prefix=isolation.topic_prefix, session_timeout=6)
    await processor.start()
    try:
        await eventually(lambda: _count(pool, "SELECT count(*) FROM applied_events", 3))
        await asyncio.sleep(1.0)  # give the duplicates their chance to be applied
    finally:
        await processor.stop()
    assert sorted(r["label"] for r in await pool.fetch("SELECT label FROM effects")) == labels


async def test_poison_event_goes_to_dead_letters_and_processing_goes_on(isolation):
    store = await isolation.store(registry)
    pool = await isolation.pool("consumer")
    await effects_table(pool)
    for i, label in enumerate(["ok-1", "poison", "ok-2"]):
        await store.append(f"c{i}", 0, [CounterOpened(student_id=f"s{i}", label=label)], META)
    refuse = {"poison"}
    handler = recording_handler(refuse)
    sub = Subscription(handler, pool)
    topic = topic_for("sample", isolation.topic_prefix)
    outcomes = [await apply_message(sub, topic, message_for(row, "sample")[1])
                for row in await store.read_all_raw(0)]
    assert outcomes == [Outcome.APPLIED, Outcome.DEAD_LETTER, Outcome.APPLIED]
    assert await apply_message(sub, topic, b"not json") is Outcome.DEAD_LETTER

    letters = await list_dead_letters(pool)
    assert [(d.event_type, d.reason) for d in letters] == [
        ("CounterOpened", "ValueError: this handler cannot apply that event"),
        (None, letters[1].reason)]
    assert "not an IEP event envelope" in letters[1].reason

    refuse.clear()  # the operator deploys a fixed handler, then replays
    assert await replay_dead_letter(pool, letters[0].id, [handler]) is Outcome.APPLIED
    assert [d.id for d in await list_dead_letters(pool)] == [letters[1].id]
    assert sorted(r["label"] for r in await pool.fetch("SELECT label FROM effects")) == [
        "ok-1", "ok-2", "poison"]


async def test_handler_effect_and_tracking_commit_together(isolation):
    """A handler that fails after writing leaves neither its effect nor the applied record."""
    store = await isolation.store(registry)
    pool = await isolation.pool("consumer")
    await effects_table(pool)
    await store.append("c", 0, [CounterIncremented(student_id="s", by=1, reason="r")], META)

    async def half_done(conn, event) -> None:
        await conn.execute("INSERT INTO effects VALUES ($1, $2, 'half')",
                           event.event_id, event.student_id)
        raise RuntimeError("crashed mid-effect")

    sub = Subscription(Handler("sample.half", ("sample",), half_done), pool)
    raw = message_for((await store.read_all_raw(0))[0], "sample")[1]
    assert await apply_message(sub, "t", raw) is Outcome.DEAD_LETTER
    assert await pool.fetchval("SELECT count(*) FROM effects") == 0
    assert await pool.fetchval("SELECT count(*) FROM applied_events") == 0


async def test_a_poison_event_delivered_again_keeps_one_dead_letter(isolation):
    """The relay republishes after a broker restart: the same poison event, and the same
    unreadable message, arrive twice through the broker and are recorded once each."""
    store = await isolation.store(registry)
    pool = await isolation.pool("consumer")
    await effects_table(pool)
    await store.append("c0", 0, [CounterOpened(student_id="s0", label="poison")], META)
    topic = topic_for("sample", isolation.topic_prefix)
    await ensure_topics(isolation.bootstrap, [topic])
    key, value, headers = message_for((await store.read_all_raw(0))[0], "sample")
    producer = AIOKafkaProducer(bootstrap_servers=isolation.bootstrap)
    await producer.start()
    for _ in range(2):
        await producer.send_and_wait(topic, value, key=key, headers=headers)
        await producer.send_and_wait(topic, b"not json", key=key)
    await producer.stop()

    sub = Subscription(recording_handler({"poison"}), pool)
    processor = AiokafkaStreamProcessor(isolation.group(), isolation.bootstrap, [sub],
                                        topic_prefix=isolation.topic_prefix, session_timeout=6)
    await processor.start()
    try:
        await eventually(lambda: _count(
            pool, "SELECT coalesce(sum(failures), 0) FROM dead_letters", 4))
    finally:
        await processor.stop()
    letters = await list_dead_letters(pool)
    assert [(d.event_type, d.failures) for d in letters] == [("CounterOpened", 2), (None, 2)]
    assert await pool.fetchval("SELECT count(*) FROM dead_letters") == 2


async def _count(pool, sql: str, expected: int) -> bool:
    return await pool.fetchval(sql) >= expected
