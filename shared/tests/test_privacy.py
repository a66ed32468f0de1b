"""Personal data at rest, crypto-shredding, and the record of access."""

from __future__ import annotations

import base64
import os

import pytest
from iep_kernel.config import Settings
from iep_kernel.consumer import Handler, Subscription, apply_message
from iep_kernel.events import DESTROYED, PublishedEvent
from iep_kernel.relay import message_for
from iep_kernel.testing.sample import service
from iep_kernel.vault import LocalMasterKey, open_documents, open_trees


@pytest.fixture
async def system(isolation):
    return await isolation.system([service])


async def open_counter(system, student="s1", note="Maria Lopez, born 2015-04-02"):
    response = await system.client.post(
        "/api/sample/counters", json={"student_id": student, "label": "x", "note": note},
        headers=system.auth("case_manager"))
    assert response.status_code == 201
    return response.json()["counter_id"]


async def read(system, counter_id, role="case_manager", sub=None, purpose="annual review"):
    headers = system.auth(role, sub)
    if purpose:
        headers["X-Access-Purpose"] = purpose
    return await system.client.get(f"/api/sample/counters/{counter_id}", headers=headers)


async def test_personal_fields_are_ciphertext_at_rest_and_plain_through_the_api(system):
    counter_id = await open_counter(system)
    store = system.runtime("sample").store
    stored = await store.pool.fetchval(
        "SELECT payload::text FROM events WHERE event_type = 'CounterOpened'")
    assert "Maria" not in stored and "2015" not in stored
    assert '"label": "x"' in stored  # fields not marked personal stay readable
    assert (await read(system, counter_id)).json()["note"] == "Maria Lopez, born 2015-04-02"


async def test_destroyed_key_makes_personal_fields_unreadable_and_the_log_still_verifies(system):
    first = await open_counter(system, "s1")
    other = await open_counter(system, "s2", note="Sam Lee")
    runtime = system.runtime("sample")
    assert await runtime.vault.destroy("s1") == 1
    assert (await read(system, first)).json()["note"] == DESTROYED
    assert (await read(system, other)).json()["note"] == "Sam Lee"
    for stream in await runtime.store.stream_ids():
        assert (await runtime.store.verify(stream)).ok
    # a new record for the same student gets a new key; the old data stays destroyed
    again = await open_counter(system, "s1", note="new note")
    assert (await read(system, again)).json()["note"] == "new note"
    assert (await read(system, first)).json()["note"] == DESTROYED


async def test_a_sealed_consumer_receives_personal_fields_as_published(system):
    await open_counter(system)
    runtime = system.runtime("sample")
    (row,) = await runtime.store.read_all_raw(0)
    _, raw, _ = message_for(row, "sample")
    notes: dict[bool, str] = {}
    for sealed in (False, True):
        async def handle(conn, event, sealed=sealed) -> None:
            notes[sealed] = event.data["note"]
        handler = Handler(f"sample.sealed-{sealed}", ("sample",), handle, sealed=sealed)
        await apply_message(Subscription(handler, runtime.pool, runtime.vault), "t", raw)
    assert notes[False] == "Maria Lopez, born 2015-04-02"
    assert notes[True] == row.payload["note"] and notes[True].startswith("pii:v1:")


async def test_opening_published_documents_equals_opening_parsed_events(system):
    """A replay opens sealed values in the raw JSON; it must read what parsing, then opening
    the parsed tree reads: quotes and accents in the values, and destroyed keys, included."""
    await open_counter(system, "s1", note='Ana "la pequeña" Ruiz\\ 2015')
    await open_counter(system, "s2", note="Sam Lee")
    runtime = system.runtime("sample")
    assert await runtime.vault.destroy("s2") == 1
    raws = [message_for(row, "sample")[1] for row in await runtime.store.read_all_raw(0)]
    opened = [PublishedEvent.from_json(doc) for doc in await open_documents(runtime.vault, raws)]
    parsed = [PublishedEvent.from_json(raw) for raw in raws]
    trees = await open_trees(runtime.vault, [e.data for e in parsed])
    assert [e.data for e in opened] == trees
    notes = [e.data["note"] for e in opened if "note" in e.data]
    assert notes == ['Ana "la pequeña" Ruiz\\ 2015', DESTROYED]
    assert await open_documents(None, raws) == raws  # a sealed reader gets them as published


async def test_master_key_rotation_keeps_data_readable(system):
    counter_id = await open_counter(system)
    vault = system.runtime("sample").vault
    new_master = LocalMasterKey(os.urandom(32))
    assert await vault.rewrap(new_master) == 1
    row = await vault.pool.fetchrow("SELECT master_key_id FROM student_keys")
    assert row["master_key_id"] == new_master.key_id
    assert (await read(system, counter_id)).json()["note"].startswith("Maria")


async def test_every_read_is_recorded_with_who_and_why(system):
    counter_id = await open_counter(system, "s7")
    assert (await read(system, counter_id, purpose="eligibility meeting")).status_code == 200
    assert (await read(system, counter_id, role="parent", sub="guardian-of-s7",
                       purpose=None)).status_code == 200
    accesses = await system.client.get(
        "/api/sample/record-accesses", params={"student_id": "s7"},
        headers=system.auth("parent", "guardian-of-s7"))
    assert accesses.status_code == 200
    got = [(a["accessor_role"], a["purpose"], a["resource"]) for a in accesses.json()]
    assert got == [("case_manager", "eligibility meeting", f"counter/{counter_id}"),
                   ("parent", "a parent viewing their own child's record",
                    f"counter/{counter_id}")]


async def test_staff_must_say_why_they_read_a_record(system):
    counter_id = await open_counter(system)
    response = await read(system, counter_id, purpose=None)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "header.X-Access-Purpose"
    accesses = await system.runtime("sample").store.read_student("s1", ["RecordAccessed"])
    assert accesses == []


async def test_a_parent_cannot_read_another_familys_record_of_access(system):
    await open_counter(system, "s8")
    response = await system.client.get(
        "/api/sample/record-accesses", params={"student_id": "s8"},
        headers=system.auth("parent", "guardian-of-s9"))
    assert response.status_code == 404


@pytest.mark.parametrize("change, message", [
    ({"auth_dev_issuer": True}, "IEP_AUTH_DEV_ISSUER must be off"),
    ({"master_key": None}, "IEP_MASTER_KEY is required"),
    ({"auth_jwks_url": None}, "IEP_AUTH_JWKS_URL is required"),
])
def test_production_configuration_refuses_unsafe_settings(change, message):
    settings = {"environment": "production", "auth_jwks_url": "https://idp.example/jwks",
                "master_key": base64.b64encode(os.urandom(32)).decode(), **change}
    with pytest.raises(ValueError, match=message):
        Settings(**settings).check_production()
