"""Who may read or act on a student's planning case, and who receives its notices, follow
the student record on the referral topic, through a real broker: a later referral naming
another school and guardian takes nothing over; guardians added and removed, and a change
of school, move access and notices at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer
from iep_kernel.clock import FixedClock
from iep_kernel.config import topic_for
from iep_kernel.relay import ensure_topics
from iep_kernel.testing.waiting import eventually
from iep_planning.app.context import case_id_for
from iep_planning.service import service
from planning_people import (
    LUIS,
    MARIA,
    Desk,
    eligibility_determined,
    guardian_added,
    guardian_removed,
    referral_made,
    school_changed,
    student_registered,
)

DAY_AFTER_ELIGIBILITY = datetime(2026, 4, 16, 15, tzinfo=UTC)
STRANGER = "g-stranger"


async def publish(isolation, system, *events) -> None:
    """Put other services' events on the broker and wait until the worker applied them."""
    topics = {e.service: topic_for(e.service, isolation.topic_prefix) for e in events}
    await ensure_topics(isolation.bootstrap, list(topics.values()))
    producer = AIOKafkaProducer(bootstrap_servers=isolation.bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(topics[event.service],
                                         event.model_dump_json().encode(),
                                         key=event.student_id.encode())
    finally:
        await producer.stop()
    pool = system.runtime("planning").pool
    ids = [e.event_id for e in events]

    async def applied() -> bool:
        return await pool.fetchval(
            "SELECT count(*) FROM applied_events WHERE event_id = ANY($1::uuid[])",
            ids) == len(ids)
    await eventually(applied, what="the events applied")


@pytest.fixture
async def system(isolation):
    return await isolation.system([service], clock=FixedClock(DAY_AFTER_ELIGIBILITY),
                                  workers=True)


async def open_case(isolation, system, registered: bool = True) -> Desk:
    record = (student_registered(),) if registered else ()
    await publish(isolation, system, *record, referral_made(), eligibility_determined())
    return Desk(system, case_id_for("S-1001"))


async def reach(desk: Desk, headers: dict[str, str], version: bool = False
                ) -> tuple[int, int, int, int]:
    """What `headers` get: the case, the cases listed for the student, (with a written plan)
    its first version, and (parents only, else 0) the record of access."""
    client = desk.client
    case = (await desk.read(headers)).status_code
    listed = len((await client.get("/api/planning/cases", params={"student_id": "S-1001"},
                                   headers=headers)).json())
    versions = (await client.get(f"{desk.case}/versions/1", headers=headers)).status_code \
        if version else 0
    accesses = 0
    if "X-Access-Purpose" not in headers:
        accesses = (await client.get("/api/planning/record-accesses",
                                     params={"student_id": "S-1001"},
                                     headers=headers)).status_code
    return case, listed, versions, accesses


async def notified(system, event_type: str) -> list[str]:
    return [e.data.guardian_id for e in await system.runtime("planning").store.read_all(0)
            if e.event_type == event_type]


@pytest.mark.parametrize("registered", [True, False], ids=["registered", "referral-only"])
async def test_a_second_referral_naming_another_school_and_guardian_takes_nothing_over(
        isolation, system, registered):
    desk = await open_case(isolation, system, registered)
    await desk.plan_written()
    await publish(isolation, system, referral_made(school_id="sch-2",
                                                   guardians=((STRANGER, "en"),)))

    assert await reach(desk, desk.parent(STRANGER), version=True) == (404, 0, 404, 404)
    assert await reach(desk, desk.staff(schools=("sch-2",)), version=True) == (404, 0, 404, 0)
    consent = await desk.consent(desk.parent(STRANGER))
    assert consent.status_code == 404
    assert await reach(desk, desk.parent(MARIA), version=True) == (200, 1, 200, 200)
    assert await reach(desk, desk.staff(), version=True) == (200, 1, 200, 0)
    case = (await desk.read()).json()
    assert (case["school_id"], [g["guardian_id"] for g in case["guardians"]]) == (
        "sch-1", [MARIA, LUIS])


async def test_a_guardian_added_reads_and_is_notified_and_a_guardian_removed_no_longer(
        isolation, system):
    desk = await open_case(isolation, system)
    assert await reach(desk, desk.parent("g-ana")) == (404, 0, 0, 404)

    await publish(isolation, system, guardian_added("g-ana", "fr"))
    assert await reach(desk, desk.parent("g-ana")) == (200, 1, 0, 200)
    assert (await desk.schedule()).status_code == 201
    assert sorted(await notified(system, "MeetingNoticeIssued")) == sorted(
        [MARIA, LUIS, "g-ana"])

    await publish(isolation, system, guardian_removed(MARIA))
    assert await reach(desk, desk.parent(MARIA)) == (404, 0, 0, 404)
    assert (await desk.consent(desk.parent(MARIA))).status_code == 404
    assert (await desk.schedule()).status_code == 201
    assert sorted((await notified(system, "MeetingNoticeIssued"))[3:]) == sorted(
        [LUIS, "g-ana"])
    case = (await desk.read()).json()
    assert [g["guardian_id"] for g in case["guardians"]] == [LUIS, "g-ana"]


async def test_a_change_of_school_moves_the_case_to_the_new_schools_staff(isolation, system):
    desk = await open_case(isolation, system)
    new_school = desk.staff(schools=("sch-2",))
    assert await reach(desk, new_school) == (404, 0, 0, 0)

    await publish(isolation, system, school_changed("sch-2"))
    assert await reach(desk, new_school) == (200, 1, 0, 0)
    assert await reach(desk, desk.staff()) == (404, 0, 0, 0)
    assert (await desk.schedule(desk.staff())).status_code == 404
    assert (await desk.schedule(new_school)).status_code == 201
    assert (await desk.read(new_school)).json()["school_id"] == "sch-2"
