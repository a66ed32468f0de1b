"""Who may read or act on a student's services follows the student record on the referral
topic, through a real broker: a later referral (or a case opened from one) naming another
school and guardian takes nothing over; guardians added and removed, and a change of
school, move access at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer
from delivery_people import (
    LUIS,
    MARIA,
    STUDENT,
    Desk,
    consent_given,
    guardian_added,
    guardian_removed,
    plan_written,
    planning_opened,
    planning_opened_naming,
    referral_made,
    school_changed,
    student_registered,
)
from iep_kernel.clock import FixedClock
from iep_kernel.config import topic_for
from iep_kernel.relay import ensure_topics
from iep_kernel.testing.waiting import eventually
from iep_services_delivery.service import service

AUGUST = datetime(2026, 8, 12, 12, tzinfo=UTC)  # the first quarterly report is due
STRANGER = "g-stranger"


async def publish(isolation, system, source: str, *events, wait: bool = True) -> None:
    """Put `source`'s events on the broker and wait until the worker applied them."""
    topic = topic_for(source, isolation.topic_prefix)
    await ensure_topics(isolation.bootstrap, [topic])
    producer = AIOKafkaProducer(bootstrap_servers=isolation.bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(topic, event.model_dump_json().encode(),
                                         key=event.student_id.encode())
    finally:
        await producer.stop()
    if not wait:
        return
    pool = system.runtime("services-delivery").pool
    ids = [e.event_id for e in events]

    async def applied() -> bool:
        return await pool.fetchval(
            "SELECT count(*) FROM applied_events WHERE event_id = ANY($1::uuid[])",
            ids) == len(ids)
    await eventually(applied, what=f"the {source} events applied")


@pytest.fixture
async def system(isolation):
    return await isolation.system([service], clock=FixedClock(AUGUST), workers=True)


async def services_with_an_issued_report(isolation, system, registered: bool = True
                                         ) -> tuple[Desk, str]:
    """The student's consented plan, and its first progress report issued: the desk and
    the report's PDF path."""
    if registered:
        await publish(isolation, system, "referral", student_registered())
    await publish(isolation, system, "planning", planning_opened(), plan_written(),
                  consent_given())
    desk = Desk(system)

    async def report_due() -> bool:
        return bool((await desk.read()).json().get("reports"))
    await eventually(report_due, what="the progress report due")
    (report,) = (await desk.read()).json()["reports"]
    issued = await desk.post("/progress-reports", {"report_id": report["report_id"]},
                             desk.staff("case_manager"))
    assert issued.status_code == 201, issued.text
    return desk, f"/api/services-delivery/progress-reports/{report['report_id']}.pdf"


async def reach(desk: Desk, headers: dict[str, str], pdf: str) -> tuple[int, int, int]:
    """What `headers` get: the services, the report's PDF, and (parents only, else 0) the
    record of access."""
    services = (await desk.read(headers)).status_code
    report = (await desk.client.get(pdf, headers=headers)).status_code
    accesses = 0
    if "X-Access-Purpose" not in headers:
        accesses = (await desk.client.get("/api/services-delivery/record-accesses",
                                          params={"student_id": STUDENT},
                                          headers=headers)).status_code
    return services, report, accesses


@pytest.mark.parametrize("registered", [True, False], ids=["registered", "case-only"])
async def test_a_later_referral_naming_another_school_and_guardian_takes_nothing_over(
        isolation, system, registered):
    desk, pdf = await services_with_an_issued_report(isolation, system, registered)
    # Not read here (nothing to wait for), but it must change nothing either.
    await publish(isolation, system, "referral", referral_made("sch-2", (STRANGER,)),
                  wait=False)
    await publish(isolation, system, "planning",
                  planning_opened_naming("sch-2", (STRANGER,)))

    assert await reach(desk, desk.parent(STRANGER), pdf) == (404, 404, 404)
    other_school = desk.staff("teacher", ("sch-2",))
    assert await reach(desk, other_school, pdf) == (404, 404, 0)
    schedule_id = await desk.schedule_id()
    assert (await desk.log(schedule_id, "2026-08-10",
                           headers=desk.staff(schools=("sch-2",)))).status_code == 404
    assert await reach(desk, desk.parent(MARIA), pdf) == (200, 200, 200)
    assert await reach(desk, desk.staff("teacher"), pdf) == (200, 200, 0)


async def test_a_guardian_added_reads_the_services_and_a_guardian_removed_no_longer_does(
        isolation, system):
    desk, pdf = await services_with_an_issued_report(isolation, system)
    assert await reach(desk, desk.parent("g-ana"), pdf) == (404, 404, 404)

    await publish(isolation, system, "referral", guardian_added("g-ana"))
    assert await reach(desk, desk.parent("g-ana"), pdf) == (200, 200, 200)

    await publish(isolation, system, "referral", guardian_removed(MARIA))
    assert await reach(desk, desk.parent(MARIA), pdf) == (404, 404, 404)
    assert await reach(desk, desk.parent(LUIS), pdf) == (200, 200, 200)


async def test_a_change_of_school_moves_the_services_to_the_new_schools_staff(
        isolation, system):
    desk, pdf = await services_with_an_issued_report(isolation, system)
    new_school = desk.staff("provider", ("sch-2",))
    assert await reach(desk, new_school, pdf) == (404, 404, 0)

    await publish(isolation, system, "referral", school_changed("sch-2"))
    assert await reach(desk, new_school, pdf) == (200, 200, 0)
    assert await reach(desk, desk.staff("provider"), pdf) == (404, 404, 0)
    (schedule,) = (await desk.read(new_school)).json()["schedules"]
    old_school = await desk.log(schedule["schedule_id"], "2026-08-10",
                                headers=desk.staff("provider"))
    assert old_school.status_code == 404
    logged = await desk.log(schedule["schedule_id"], "2026-08-10", headers=new_school)
    assert logged.status_code == 201, logged.text
