"""Read models: live through the broker, rebuilt from the topics, and a broker restart."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from iep_kernel.projection import Projection, rebuild, replay_documents
from iep_kernel.testing import sample
from iep_kernel.testing.waiting import eventually


class Totals(Projection):
    name = "totals"
    sources = ("sample",)
    tables = ("totals",)

    async def create(self, conn) -> None:
        await conn.execute("CREATE TABLE IF NOT EXISTS totals ("
                           "student_id text PRIMARY KEY, total int NOT NULL, events int NOT NULL)")

    async def apply(self, conn, event) -> None:
        await conn.execute(
            "INSERT INTO totals VALUES ($1, $2, 1) ON CONFLICT (student_id) "
            "DO UPDATE SET total = totals.total + $2, events = totals.events + 1",
            event.student_id, event.data.get("by", 0))


class Notes(Projection):
    """Keeps a personal field: the live handler receives it opened."""

    name = "notes"
    sources = ("sample",)
    tables = ("notes",)
    event_types = frozenset({"CounterOpened"})

    async def create(self, conn) -> None:
        await conn.execute("CREATE TABLE IF NOT EXISTS notes ("
                           "event_id uuid PRIMARY KEY, note text NOT NULL)")

    async def apply(self, conn, event) -> None:
        await conn.execute("INSERT INTO notes VALUES ($1, $2)", event.event_id,
                           event.data["note"])


SPEC = dataclasses.replace(sample.service, projections=(Totals(), Notes()))




async def run_commands(system, students: int, increments: int, first: int = 0) -> None:
    for s in range(first, first + students):
        opened = await system.client.post(
            "/api/sample/counters", json={"student_id": f"s{s}", "label": "x"},
            headers=system.auth("case_manager"))
        for i in range(increments):
            await system.client.post(
                f"/api/sample/counters/{opened.json()['counter_id']}/increments",
                json={"by": 1 + (i % 2), "reason": "r"}, headers=system.auth("teacher"))


async def table(pool):
    return [dict(r) for r in await pool.fetch("SELECT * FROM totals ORDER BY student_id")]


async def caught_up(pool, events: int):
    return await pool.fetchval("SELECT coalesce(sum(events), 0) FROM totals") == events


async def test_rebuilt_read_model_equals_live(isolation):
    system = await isolation.system([SPEC], workers=True)
    pool = system.runtime("sample").pool
    await run_commands(system, 4, 3)
    await eventually(lambda: caught_up(pool, 16))
    live = await table(pool)
    report = await rebuild(pool, Totals(), isolation.bootstrap, system.settings.topic_prefix)
    assert report.events_applied == 16
    assert await table(pool) == live
    assert live[0]["total"] == 4  # 1 + 2 + 1: the model holds real sums, not just rows


async def test_a_replay_held_back_by_its_reader_does_not_end_early(isolation):
    """The end of a replay is silence from the broker, not a reader busy longer than the
    quiet period between batches."""
    system = await isolation.system([SPEC], workers=True)
    pool = system.runtime("sample").pool
    await run_commands(system, 3, 1)
    await eventually(lambda: caught_up(pool, 6))
    topic = f"{system.settings.topic_prefix}iep.sample.events"
    seen = 0
    async for documents in replay_documents(isolation.bootstrap, [topic], batch=2,
                                            quiet_ms=200):
        seen += len(documents)
        await asyncio.sleep(0.3)  # longer than the quiet period
    assert seen == 6


async def test_rebuild_opens_personal_fields_as_the_live_handler_does(isolation):
    system = await isolation.system([SPEC], workers=True)
    runtime = system.runtime("sample")
    await system.client.post("/api/sample/counters",
                             json={"student_id": "s1", "label": "x", "note": "Ana Ruiz"},
                             headers=system.auth("case_manager"))

    async def notes():
        return [r["note"] for r in await runtime.pool.fetch("SELECT note FROM notes")]

    async def one_note():
        return len(await notes()) == 1

    await eventually(one_note)
    assert await notes() == ["Ana Ruiz"]
    await rebuild(runtime.pool, Notes(), isolation.bootstrap, system.settings.topic_prefix,
                  runtime.vault)
    assert await notes() == ["Ana Ruiz"]


async def test_broker_restart_keeps_read_models_and_new_events_flow(isolation):
    broker = isolation.infra.broker
    if broker is None:
        pytest.skip("the broker is external and cannot be restarted by the test")
    system = await isolation.system([SPEC], workers=True)
    pool = system.runtime("sample").pool
    await run_commands(system, 3, 2)
    await eventually(lambda: caught_up(pool, 9))
    before = await table(pool)
    broker.restart()  # memory storage: every topic and consumer offset is gone
    await asyncio.sleep(3)
    assert await table(pool) == before  # the relay republished; nothing was applied twice
    await run_commands(system, 1, 1, first=7)  # a new student after the restart
    await eventually(lambda: caught_up(pool, 11), within=90)
    after = await table(pool)
    assert after == [*before, {"student_id": "s7", "total": 1, "events": 2}]
    assert await pool.fetchval("SELECT count(*) FROM dead_letters") == 0


async def test_partition_groups_split_the_topics_so_each_key_replays_in_one_group(isolation):
    from aiokafka import AIOKafkaProducer
    from iep_kernel.projection import partition_groups
    from iep_kernel.relay import ensure_topics

    bootstrap, prefix = isolation.bootstrap, isolation.topic_prefix
    first, second, odd = f"{prefix}first", f"{prefix}second", f"{prefix}odd"
    await ensure_topics(bootstrap, [first, second], partitions=6)
    await ensure_topics(bootstrap, [odd], partitions=4)
    assert await partition_groups(bootstrap, [first, second], 2) == [[0, 2, 4], [1, 3, 5]]
    assert await partition_groups(bootstrap, [first], 4) == [[0, 4], [1, 5], [2], [3]]
    assert await partition_groups(bootstrap, [first], 9) == [[p] for p in range(6)]
    # Counts that differ cannot keep a key's events together: one group, every partition.
    assert await partition_groups(bootstrap, [first, odd], 2) == [[]]
    assert await partition_groups(bootstrap, [f"{prefix}absent"], 2) == [[]]

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for n in range(40):
            for topic in (first, second):
                await producer.send_and_wait(topic, key=f"stu-{n % 13}".encode(),
                                             value=f"{topic}:{n}".encode())
    finally:
        await producer.stop()
    read = []
    for group in await partition_groups(bootstrap, [first, second], 2):
        read.append([v async for documents in replay_documents(
            bootstrap, [first, second], quiet_ms=200, partitions=group) for v in documents])
    assert sorted(read[0] + read[1]) == sorted(
        f"{t}:{n}".encode() for t in (first, second) for n in range(40))
    keys = [{int(v.split(b":")[1]) % 13 for v in values} for values in read]
    assert keys[0] and keys[1] and not keys[0] & keys[1]  # a student is in one group only
