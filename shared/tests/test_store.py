"""The event store contract, against a real PostgreSQL."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import asyncpg
import pytest
from iep_kernel.events import MalformedEvent, Metadata, UnknownEventType
from iep_kernel.store import Append, ConcurrencyConflict
from iep_kernel.testing.sample import CounterIncremented, CounterOpened, registry

META = Metadata(correlation_id="c-1")


async def test_append_and_read_stream(isolation):
    store = await isolation.store(registry)
    result = await store.append("counter-1", 0, [
        CounterOpened(student_id="s1", label="a"),
        CounterIncremented(student_id="s1", by=2, reason="x"),
    ], META)
    assert result.stream_version == 2
    assert result.last_position == result.first_position + 1
    events = await store.read_stream("counter-1")
    assert [e.data for e in events] == [
        CounterOpened(student_id="s1", label="a"),
        CounterIncremented(student_id="s1", by=2, reason="x"),
    ]
    assert [e.stream_version for e in events] == [1, 2]
    assert events[0].metadata.correlation_id == "c-1"
    assert (await store.read_stream("counter-1", up_to=1))[0].event_type == "CounterOpened"
    assert len(await store.read_stream("counter-1", up_to=1)) == 1


async def test_stale_expected_version_is_a_conflict_and_appends_nothing(isolation):
    store = await isolation.store(registry)
    await store.append("c", 0, [CounterOpened(student_id="s", label="a")], META)
    with pytest.raises(ConcurrencyConflict) as info:
        await store.append("c", 0, [CounterOpened(student_id="s", label="b")], META)
    assert info.value.actual == 1
    assert len(await store.read_stream("c")) == 1


async def test_concurrent_appends_to_one_stream_exactly_one_wins(isolation):
    store = await isolation.store(registry)
    await store.append("c", 0, [CounterOpened(student_id="s", label="a")], META)
    outcomes = await asyncio.gather(*[
        store.append("c", 1, [CounterIncremented(student_id="s", by=i, reason="r")], META)
        for i in range(8)], return_exceptions=True)
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    assert all(isinstance(o, ConcurrencyConflict) for o in outcomes if isinstance(o, Exception))
    assert len(await store.read_stream("c")) == 2


async def test_multi_stream_append_is_atomic(isolation):
    store = await isolation.store(registry)
    await store.append("b", 0, [CounterOpened(student_id="s", label="b")], META)
    with pytest.raises(ConcurrencyConflict):
        await store.append_many([
            Append("a", 0, [CounterOpened(student_id="s", label="a")]),
            Append("b", 0, [CounterOpened(student_id="s", label="b2")]),
        ], META)
    assert await store.read_stream("a") == []


async def test_upcaster_turns_stored_v1_into_current_class(isolation):
    store = await isolation.store(registry)
    await store.append("c", 0, [CounterOpened(student_id="s", label="a")], META)
    # A row written by older code: version 1 of CounterIncremented had no reason.
    row = await store.pool.fetchrow("SELECT * FROM events WHERE stream_id = 'c'")
    async with store.pool.acquire() as conn, conn.transaction():
        alloc = await conn.fetchrow("SELECT * FROM iep_allocate_positions(1)")
        await conn.execute(
            "INSERT INTO events SELECT $1, $2, gen_random_uuid(), 'c', 2, 's', "
            "'CounterIncremented', 1, occurred_at, recorded_at, metadata, $3::jsonb, hash, 'x' "
            "FROM events WHERE global_position = $4",
            alloc["first_position"], alloc["transaction_id"],
            {"student_id": "s", "by": 3}, row["global_position"])
    events = await store.read_stream("c")
    assert events[1].data == CounterIncremented(student_id="s", by=3, reason="not recorded")
    stored = await store.pool.fetchval("SELECT payload FROM events WHERE stream_version = 2")
    assert stored == {"student_id": "s", "by": 3}  # the row itself is unchanged


async def test_unknown_type_and_malformed_payload_name_stream_and_position(isolation):
    store = await isolation.store(registry)
    async with store.pool.acquire() as conn, conn.transaction():
        alloc = await conn.fetchrow("SELECT * FROM iep_allocate_positions(2)")
        for offset, (etype, payload) in enumerate(
                [("Mystery", {"student_id": "s"}), ("CounterOpened", {"student_id": "s"})]):
            await conn.execute(
                "INSERT INTO events VALUES ($1, $2, gen_random_uuid(), $3, 1, 's', $4, 1, "
                "now(), now(), '{\"correlation_id\": \"x\"}', $5::jsonb, 'p', 'h')",
                alloc["first_position"] + offset, alloc["transaction_id"],
                f"bad-{offset}", etype, payload)
    with pytest.raises(UnknownEventType, match=r"'Mystery' in stream 'bad-0' at global position"):
        await store.read_stream("bad-0")
    with pytest.raises(MalformedEvent, match=r"stream 'bad-1' at global position \d+.*label"):
        await store.read_stream("bad-1")


@pytest.mark.parametrize("statement", [
    "UPDATE events SET student_id = 'other'",
    "DELETE FROM events",
    "TRUNCATE events",
])
async def test_database_refuses_to_change_the_log(isolation, statement):
    store = await isolation.store(registry)
    await store.append("c", 0, [CounterOpened(student_id="s", label="a")], META)
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await store.pool.execute(statement)
    assert len(await store.read_stream("c")) == 1


async def test_hash_chain_verifies_and_reports_the_altered_event(isolation):
    store = await isolation.store(registry)
    await store.append("c", 0, [CounterOpened(student_id="s", label="a")] + [
        CounterIncremented(student_id="s", by=i, reason="r") for i in range(4)], META)
    assert (await store.verify("c")).ok
    async with store.pool.acquire() as conn, conn.transaction():
        # A superuser sidesteps the trigger, as an attacker with database access might.
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute("UPDATE events SET payload = jsonb_set(payload, '{by}', '99') "
                           "WHERE stream_id = 'c' AND stream_version = 3")
    report = await store.verify("c")
    assert not report.ok
    assert report.broken_at_version == 3
    assert "altered" in (report.reason or "")


async def test_read_stream_as_of_an_instant(isolation):
    store = await isolation.store(registry)
    first = await store.append("c", 0, [CounterOpened(student_id="s", label="a")], META)
    await asyncio.sleep(0.01)
    await store.append("c", 1, [CounterIncremented(student_id="s", by=1, reason="r")], META)
    instant = first.envelopes[0].recorded_at
    assert len(await store.read_stream("c", as_of=instant)) == 1
    assert len(await store.read_stream("c", as_of=instant - timedelta(seconds=1))) == 0
    assert len(await store.read_stream("c")) == 2


async def test_tailing_reader_never_skips_under_concurrent_appenders(isolation):
    """Many appenders whose transactions commit out of position order, one reader tailing."""
    store = await isolation.store(registry)
    writers, per_writer = 12, 25
    done = asyncio.Event()

    async def appender(w: int) -> None:
        version = 0
        for i in range(per_writer):
            async with store.pool.acquire() as conn, conn.transaction():
                result = await store.append(f"w{w}", version, [
                    CounterIncremented(student_id=f"s{w}", by=i, reason="r")
                    for _ in range(random.randint(1, 3))], META, conn=conn)
                version = result.stream_version
                # Hold the transaction open a random while so commits interleave.
                await asyncio.sleep(random.random() * 0.01)

    seen: list[int] = []

    async def reader() -> None:
        position = 0
        while True:
            finished = done.is_set()
            batch = await store.read_all(position, limit=7)
            seen.extend(e.global_position for e in batch)
            if batch:
                position = batch[-1].global_position
            elif finished:
                return
            await asyncio.sleep(0)

    read_task = asyncio.create_task(reader())
    await asyncio.gather(*[appender(w) for w in range(writers)])
    done.set()
    await read_task
    committed = [r["global_position"] for r in await store.pool.fetch(
        "SELECT global_position FROM events ORDER BY global_position")]
    assert seen == committed  # every event, exactly once, in position order
    assert seen == sorted(set(seen))
