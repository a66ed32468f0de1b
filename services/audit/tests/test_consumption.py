"""The audit store collects every events topic and keeps each event exactly as published."""

import uuid

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from iep_audit.app.store import COLUMNS, AuditLog
from iep_kernel.config import topic_for
from iep_kernel.consumer import Subscription, apply_message
from iep_kernel.projection import rebuild
from iep_kernel.relay import message_for

STORED = ("event_id, stream_id, stream_version, global_position, student_id, event_type, "
          "schema_version, occurred_at, recorded_at, metadata, payload, prev_hash, hash")


async def audit_rows(scene) -> list[dict]:
    return [dict(r) for r in await scene.pool.fetch(
        f"SELECT service, {STORED} FROM audit_events ORDER BY service, global_position")]


async def source_rows(scene) -> list[dict]:
    rows = []
    for pub in (scene.intake, scene.review):
        pool = scene.system.runtime(pub.name).pool
        rows += [{"service": pub.name, **dict(r)} for r in await pool.fetch(
            f"SELECT {STORED} FROM events ORDER BY global_position")]
    return rows


async def test_every_topic_is_collected_and_each_event_kept_exactly_as_published(make_scene):
    scene = await make_scene(workers=True)
    await scene.append(scene.intake, "case-1", [scene.intake.opened("s1", name="Ana Ruiz"),
                                                scene.intake.noted("s1")], scene.by("cm-1"))
    await scene.append(scene.review, "review-1", [scene.review.opened("s1")], scene.by("ev-1"))
    await scene.append(scene.intake, "case-2", [scene.intake.opened("s2")], scene.by("cm-2"))
    await scene.wait_for(4)
    stored = await audit_rows(scene)
    assert stored == await source_rows(scene)  # ids, positions, times, actor, hashes
    assert {r["service"] for r in stored} == {"intake", "review"}
    opened = next(r for r in stored if r["event_type"] == "CaseOpened")
    assert opened["payload"]["name"].startswith("pii:v1:")  # sealed, as published
    assert "Ana" not in await scene.pool.fetchval(
        "SELECT string_agg(payload::text, '') FROM audit_events")


async def test_events_delivered_twice_are_kept_once(isolation, make_scene):
    scene = await make_scene(workers=True)
    await scene.append(scene.intake, "case-1", [scene.intake.opened("s1"),
                                                scene.intake.closed("s1")], scene.by("cm-1"))
    await scene.wait_for(2)
    store = scene.system.runtime("intake").store
    producer = AIOKafkaProducer(bootstrap_servers=isolation.bootstrap)
    await producer.start()
    try:  # the relay after a restart: the same events published again
        for row in await store.read_all_raw(0):
            key, value, headers = message_for(row, "intake")
            await producer.send_and_wait(topic_for("intake", scene.system.settings.topic_prefix),
                                         value, key=key, headers=headers)
    finally:
        await producer.stop()
    await scene.append(scene.intake, "case-2", [scene.intake.opened("s2")], scene.by("cm-1"))
    await scene.wait_for(3)  # the events behind the duplicates have been consumed
    assert await scene.count() == 3


async def test_a_consumer_that_forgot_what_it_applied_still_keeps_each_event_once(scene):
    await scene.append(scene.intake, "case-1", [scene.intake.opened("s1")], scene.by("cm-1"))
    await scene.deliver()
    (row,) = await scene.system.runtime("intake").store.read_all_raw(0)
    _, raw, _ = message_for(row, "intake")
    fresh = AuditLog(("intake",)).handler()  # the event id is the store's unique key
    await apply_message(Subscription(fresh, scene.pool), "t", raw)
    await scene.pool.execute("DELETE FROM applied_events")
    await apply_message(Subscription(fresh, scene.pool), "t", raw)
    assert await scene.count() == 1
    assert await scene.pool.fetchval("SELECT count(*) FROM dead_letters") == 0


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET event_type = 'Other'",
    "DELETE FROM audit_events",
    "TRUNCATE audit_events",
])
async def test_the_database_refuses_to_change_the_audit_store(scene, statement):
    await scene.append(scene.intake, "case-1", [scene.intake.opened("s1")], scene.by("cm-1"))
    await scene.deliver()
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await scene.pool.execute(statement)
    assert await scene.count() == 1


async def test_a_second_event_claiming_a_place_in_a_chain_goes_to_dead_letters(scene):
    await scene.append(scene.intake, "case-1", [scene.intake.opened("s1")], scene.by("cm-1"))
    await scene.deliver()
    (row,) = await scene.system.runtime("intake").store.read_all_raw(0)
    forged = row.published("intake").model_copy(update={"event_id": uuid.uuid4()})
    await apply_message(Subscription(AuditLog(("intake",)).handler(), scene.pool), "t",
                        forged.model_dump_json().encode())
    assert await scene.count() == 1
    reason = await scene.pool.fetchval("SELECT reason FROM dead_letters")
    assert "audit_events_one_per_link" in reason


async def test_rebuilt_audit_store_equals_live(isolation, make_scene):
    scene = await make_scene(workers=True)
    for s in range(3):
        await scene.append(scene.intake, f"case-{s}", [scene.intake.opened(f"s{s}"),
                                                       scene.intake.noted(f"s{s}")], scene.by("cm"))
    await scene.append(scene.review, "review-0", [scene.review.opened("s0")], scene.by("ev"))
    await scene.wait_for(7)
    live = await audit_rows(scene)
    report = await rebuild(scene.pool, AuditLog(("intake", "review")), isolation.bootstrap,
                           scene.system.settings.topic_prefix)
    assert report.events_applied == 7
    assert await audit_rows(scene) == live
    with pytest.raises(asyncpg.InsufficientPrivilegeError):  # still append-only
        await scene.pool.execute("DELETE FROM audit_events")


def test_the_store_keeps_every_field_of_the_envelope():
    assert set(COLUMNS) >= {"service", "event_id", "stream_id", "stream_version",
                            "global_position", "student_id", "event_type", "schema_version",
                            "occurred_at", "recorded_at", "metadata", "payload",
                            "prev_hash", "hash"}
