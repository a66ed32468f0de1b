"""The referral's events reach `iep.referral.events` through the relay, in order, keyed by
student, with the published contract's fields (personal ones sealed)."""

import asyncio
import time

from aiokafka import AIOKafkaConsumer
from iep_kernel.clock import FixedClock
from iep_kernel.events import PublishedEvent
from iep_referral.service import service


async def read_topic(bootstrap: str, topic: str, expect: int, timeout: float = 40.0
                     ) -> list[tuple[bytes, PublishedEvent]]:
    """(key, event) pairs from the start of `topic` until `expect` distinct events arrived."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    seen: list[tuple[bytes, PublishedEvent]] = []
    deadline = time.monotonic() + timeout
    try:
        while len({e.event_id for _, e in seen}) < expect and time.monotonic() < deadline:
            for messages in (await consumer.getmany(timeout_ms=500)).values():
                seen += [(m.key, PublishedEvent.from_json(m.value)) for m in messages]
            await asyncio.sleep(0)
    finally:
        await consumer.stop()
    return seen


async def test_referral_to_consent_reaches_the_topic_in_order(isolation, clock: FixedClock,
                                                              desk_for):
    system = await isolation.system([service], clock=clock, workers=True)
    desk = desk_for(system)
    referral_id = await desk.made()
    assert (await desk.ask(referral_id)).status_code == 200
    given = await desk.consent(referral_id, headers=desk.who("parent", "g-1"), guardian_id=...)
    assert given.status_code == 200

    runtime = system.runtime("referral")
    assert runtime.topic == f"{isolation.topic_prefix}iep.referral.events"
    published = await read_topic(isolation.bootstrap, runtime.topic, 8)
    first_copies = {}
    for key, event in published:  # at least once: a duplicate may come, never out of order
        first_copies.setdefault(event.event_id, (key, event))
    keys, published_events = zip(*first_copies.values(), strict=True)
    assert set(keys) == {b"stu-100"}
    registered, *events = published_events  # the student's record comes first
    assert registered.event_type == "StudentRegistered"
    assert registered.stream_id == "student-stu-100"
    assert [e.event_type for e in events] == [
        "ReferralMade", "ProceduralSafeguardsNoticeGiven", "ProceduralSafeguardsNoticeGiven",
        "EvaluationConsentRequested", "PriorWrittenNoticeIssued", "PriorWrittenNoticeIssued",
        "ConsentGiven"]
    assert [e.stream_version for e in events] == list(range(1, 8))
    assert {e.service for e in events} == {"referral"}

    made, consent = events[0].data, events[-1].data
    assert made["referral_id"] == referral_id and made["student_id"] == "stu-100"
    assert made["referred_on"] == "2026-03-02"
    assert {k: made["student"][k] for k in ("district_student_id", "grade", "school_id",
                                            "primary_language")} == {
        "district_student_id": "stu-100", "grade": "3", "school_id": "sch-1",
        "primary_language": "es"}
    assert made["student"]["name"].startswith("pii:v1:")  # sealed with the student's key
    assert made["student"]["date_of_birth"].startswith("pii:v1:")
    assert made["guardians"][0]["guardian_id"] == "g-1"
    assert made["guardians"][0]["email"].startswith("pii:v1:")
    assert made["referred_by"]["role"] == "teacher"
    assert made["concerns"]["areas"] == ["schoolwork", "attention"]
    assert consent == {"student_id": "stu-100", "referral_id": referral_id,
                       "guardian_id": "g-1", "signed_on": "2026-03-02",
                       "method": "electronic", "school_id": "sch-1",
                       "received_on": "2026-03-02", "occurred_on": "2026-03-02",
                       "late_entry_reason": None}
    assert events[-1].metadata.actor.role == "parent"
