"""The outbox relay against a real PostgreSQL and a real broker."""

from __future__ import annotations

import asyncio
from collections import defaultdict

import pytest
from aiokafka import AIOKafkaConsumer
from iep_kernel.config import topic_for
from iep_kernel.events import Metadata
from iep_kernel.relay import Relay
from iep_kernel.testing.sample import CounterIncremented, CounterOpened, registry
from iep_kernel.testing.topics import read_topic

META = Metadata(correlation_id="corr-9")


def relay_for(isolation, store, **kwargs) -> Relay:
    return Relay(store, isolation.dsn, isolation.bootstrap,
                 topic_for("sample", isolation.topic_prefix), poll_seconds=0.2, **kwargs)


async def append_for_students(store, students: int, per_student: int) -> None:
    for s in range(students):
        await store.append(f"c{s}", 0, [CounterOpened(student_id=f"s{s}", label="x")], META)
        for i in range(1, per_student):
            await store.append(f"c{s}", i, [
                CounterIncremented(student_id=f"s{s}", by=i, reason="r")], META)


def assert_in_order_per_student(events) -> None:
    seen_ids = set()
    versions = defaultdict(list)
    for event in events:
        if event.event_id in seen_ids:
            continue  # at least once: a republished duplicate is allowed, reordering is not
        seen_ids.add(event.event_id)
        versions[event.student_id].append(event.stream_version)
    for student, got in versions.items():
        assert got == sorted(got), f"{student} out of order: {got}"


async def test_publishes_every_event_with_key_and_headers(isolation):
    store = await isolation.store(registry)
    await append_for_students(store, 3, 4)
    stop = asyncio.Event()
    relay = relay_for(isolation, store)
    task = asyncio.create_task(relay.run(stop))
    topic = topic_for("sample", isolation.topic_prefix)
    try:
        consumer = AIOKafkaConsumer(topic, bootstrap_servers=isolation.bootstrap,
                                    auto_offset_reset="earliest")
        await consumer.start()
        message = await asyncio.wait_for(consumer.getone(), 20)
        await consumer.stop()
        headers = dict(message.headers)
        assert set(headers) == {"event_type", "event_id", "schema_version", "correlation_id"}
        assert headers["correlation_id"] == b"corr-9"
        assert message.key.startswith(b"s")
        events = await read_topic(isolation.bootstrap, topic, 12)
        assert len({e.event_id for e in events}) == 12
        assert all(e.service == "sample" for e in events)
        assert_in_order_per_student(events)
        assert await relay.checkpoint() == await store.head_position()
    finally:
        stop.set()
        await task


async def test_killed_mid_stream_and_restarted_delivers_everything_in_order(isolation):
    store = await isolation.store(registry)
    stop = asyncio.Event()
    relay = relay_for(isolation, store, batch_size=5)
    task = asyncio.create_task(relay.run(stop))
    writer = asyncio.create_task(append_for_students(store, 6, 10))
    while relay.published < 15:
        await asyncio.sleep(0.01)
    task.cancel()  # killed mid-stream, between batches or inside one
    with pytest.raises(asyncio.CancelledError):
        await task
    await writer
    restarted = asyncio.create_task(relay_for(isolation, store, batch_size=5).run(stop))
    try:
        topic = topic_for("sample", isolation.topic_prefix)
        events = await read_topic(isolation.bootstrap, topic, 60)
        assert len({e.event_id for e in events}) == 60
        assert_in_order_per_student(events)
    finally:
        stop.set()
        await restarted


async def test_broker_down_then_back_loses_nothing(isolation):
    broker = isolation.infra.broker
    if broker is None:
        pytest.skip("the broker is external and cannot be stopped by the test")
    store = await isolation.store(registry)
    await append_for_students(store, 2, 3)
    stop = asyncio.Event()
    relay = relay_for(isolation, store)
    task = asyncio.create_task(relay.run(stop))
    topic = topic_for("sample", isolation.topic_prefix)
    try:
        assert len({e.event_id for e in await read_topic(isolation.bootstrap, topic, 6)}) == 6
        broker.stop()
        await store.append("late", 0, [CounterOpened(student_id="s9", label="late")], META)
        await asyncio.sleep(0.5)
        broker.start()  # memory storage: the topic comes back empty
        events = await read_topic(isolation.bootstrap, topic, 7, timeout=40)
        assert len({e.event_id for e in events}) == 7
        assert_in_order_per_student(events)
        assert relay.republished >= 1
    finally:
        stop.set()
        await task


async def test_broker_restarted_empty_gets_the_whole_log_again_without_new_events(isolation):
    """As when `make up` starts again: PostgreSQL kept the log, the broker kept nothing."""
    broker = isolation.infra.broker
    if broker is None:
        pytest.skip("the broker is external and cannot be restarted by the test")
    store = await isolation.store(registry)
    await append_for_students(store, 3, 2)
    topic = topic_for("sample", isolation.topic_prefix)
    stop = asyncio.Event()
    task = asyncio.create_task(relay_for(isolation, store).run(stop))
    assert len({e.event_id for e in await read_topic(isolation.bootstrap, topic, 6)}) == 6
    stop.set()
    await task
    broker.restart()
    stop = asyncio.Event()
    relay = relay_for(isolation, store)
    task = asyncio.create_task(relay.run(stop))
    try:
        events = await read_topic(isolation.bootstrap, topic, 6)
        assert len({e.event_id for e in events}) == 6
        assert relay.republished == 1
    finally:
        stop.set()
        await task


async def test_a_second_relay_stands_by_until_the_first_stops(isolation):
    store = await isolation.store(registry)
    await append_for_students(store, 2, 2)
    stop_first, stop_second = asyncio.Event(), asyncio.Event()
    first, second = relay_for(isolation, store), relay_for(isolation, store)
    first_task = asyncio.create_task(first.run(stop_first))
    await asyncio.sleep(0.5)
    second_task = asyncio.create_task(second.run(stop_second))
    topic = topic_for("sample", isolation.topic_prefix)
    try:
        await read_topic(isolation.bootstrap, topic, 4)
        await asyncio.sleep(0.5)
        assert first.leading and not second.leading
        assert second.published == 0
        stop_first.set()
        await first_task
        await store.append("late", 0, [CounterOpened(student_id="s9", label="late")], META)
        events = await read_topic(isolation.bootstrap, topic, 5)
        assert len({e.event_id for e in events}) == 5
        assert second.leading and second.published >= 1
        assert first.published == 4  # nothing was published twice while both ran
    finally:
        stop_first.set()
        stop_second.set()
        await asyncio.gather(first_task, second_task)
