"""Who may read a student's evaluations follows the student record on the referral topic,
through a real broker: a later referral naming another school and guardian takes nothing
over; guardians added and removed, and a change of school, move access at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer
from iep_evaluation.app.context import evaluation_id_for
from iep_evaluation.service import service
from iep_kernel.clock import FixedClock
from iep_kernel.config import topic_for
from iep_kernel.relay import ensure_topics
from iep_kernel.testing.waiting import eventually

NOON_20_APRIL = datetime(2026, 4, 20, 12, tzinfo=UTC)
PURPOSE = {"X-Access-Purpose": "preparing the eligibility meeting"}
STRANGER = "guardian-stranger"


async def publish(isolation, system, *events) -> None:
    """Put referral-topic events on the broker and wait until the worker applied them."""
    topic = topic_for("referral", isolation.topic_prefix)
    await ensure_topics(isolation.bootstrap, [topic])
    producer = AIOKafkaProducer(bootstrap_servers=isolation.bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(topic, event.model_dump_json().encode(),
                                         key=event.student_id.encode())
    finally:
        await producer.stop()
    pool = system.runtime("evaluation").pool
    ids = [e.event_id for e in events]

    async def applied() -> bool:
        return await pool.fetchval(
            "SELECT count(*) FROM applied_events WHERE event_id = ANY($1::uuid[])",
            ids) == len(ids)
    await eventually(applied, what="the referral events applied")


@pytest.fixture
async def system(isolation):
    return await isolation.system([service], clock=FixedClock(NOON_20_APRIL), workers=True)


def parent(system, subject):
    return system.auth("parent", subject)


def staff(system, school, role="case_manager"):
    return {**system.auth(role, f"{role}-{school}", [school]), **PURPOSE}


async def reach(system, headers, evaluation_id) -> tuple[int, int, list[str]]:
    """What `headers` get: the evaluation's status code, the record of access's (parents
    only, else 0), and the evaluations listed for the student."""
    client = system.client
    read = await client.get(f"/api/evaluation/evaluations/{evaluation_id}", headers=headers)
    listing = await client.get("/api/evaluation/evaluations",
                               params={"student_id": "S-1001"}, headers=headers)
    accesses = 0
    if "X-Access-Purpose" not in headers:
        accesses = (await client.get("/api/evaluation/record-accesses",
                                     params={"student_id": "S-1001"},
                                     headers=headers)).status_code
    return read.status_code, accesses, [e["evaluation_id"] for e in listing.json()]


@pytest.mark.parametrize("recorded", [True, False], ids=["registered", "referral-only"])
async def test_a_second_referral_naming_another_school_and_guardian_takes_nothing_over(
        isolation, system, referrals, recorded):
    first, second = evaluation_id_for("r-1"), evaluation_id_for("r-2")
    registration = (referrals.registered(),) if recorded else ()
    await publish(isolation, system, *registration, referrals.made(), referrals.consent())
    # A teacher of school 2 refers the same child, naming a guardian of their choosing,
    # and that "guardian" consents.
    await publish(isolation, system,
                  referrals.made(referral_id="r-2", school_id="sch-2",
                                 guardian_ids=(STRANGER,)),
                  referrals.consent(referral_id="r-2", school_id="sch-2",
                                    guardian_id=STRANGER))

    for evaluation_id in (first, second):
        assert await reach(system, parent(system, STRANGER), evaluation_id) == (404, 404, [])
        assert await reach(system, staff(system, "sch-2"), evaluation_id) == (404, 0, [])
        both = sorted([first, second])
        assert await reach(system, parent(system, referrals.guardian), evaluation_id) == (
            200, 200, both)
        assert await reach(system, staff(system, "sch-1"), evaluation_id) == (200, 0, both)
    assess = await system.client.post(
        f"/api/evaluation/evaluations/{second}/assessments",
        headers=staff(system, "sch-2", "evaluator"),
        json={"area": "reading", "evaluator": {"name": "X", "role": "psychologist"},
              "instrument": "WIAT-4", "completed_on": "2026-04-01", "summary": "s"})
    assert assess.status_code == 404


async def test_a_guardian_added_reads_the_evaluation_and_a_guardian_removed_no_longer_does(
        isolation, system, referrals):
    evaluation_id = evaluation_id_for("r-1")
    await publish(isolation, system, referrals.registered(), referrals.made(),
                  referrals.consent())
    assert await reach(system, parent(system, "guardian-jose"), evaluation_id) == (
        404, 404, [])

    await publish(isolation, system, referrals.guardian_added("guardian-jose"))
    assert await reach(system, parent(system, "guardian-jose"), evaluation_id) == (
        200, 200, [evaluation_id])

    await publish(isolation, system, referrals.guardian_removed(referrals.guardian))
    assert await reach(system, parent(system, referrals.guardian), evaluation_id) == (
        404, 404, [])
    assert (await reach(system, parent(system, "guardian-jose"), evaluation_id))[0] == 200


async def test_a_change_of_school_moves_the_evaluation_to_the_new_schools_staff(
        isolation, system, referrals):
    evaluation_id = evaluation_id_for("r-1")
    await publish(isolation, system, referrals.registered(), referrals.made(),
                  referrals.consent())
    assert await reach(system, staff(system, "sch-2"), evaluation_id) == (404, 0, [])

    await publish(isolation, system, referrals.school_changed("sch-2"))
    assert await reach(system, staff(system, "sch-2"), evaluation_id) == (
        200, 0, [evaluation_id])
    assert await reach(system, staff(system, "sch-1"), evaluation_id) == (404, 0, [])
    assert (await reach(system, parent(system, referrals.guardian), evaluation_id))[0] == 200
