"""A student's school and guardians come from the student record only. The record's events
and referrals are appended to the referral service's log as it records them and reach the
notifications worker through its relay and the real broker; people read over HTTP and
receive email from a real SMTP server."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from iep_kernel.clock import FixedClock
from iep_kernel.config import topic_for
from iep_kernel.events import Actor, Event, Metadata
from iep_kernel.relay import message_for
from iep_kernel.service import discover_services
from iep_kernel.testing.waiting import eventually
from iep_referral.domain.events import (
    Concerns,
    EvaluationConsentRequested,
    Guardian,
    GuardianAdded,
    GuardianRemoved,
    ProceduralSafeguardsNoticeGiven,
    ReferralMade,
    Referrer,
    Student,
    StudentRegistered,
    StudentSchoolChanged,
)

STUDENT = "stu-7"
ANA, LUIS, STRANGER, NEW = "g-ana", "g-luis", "g-stranger", "g-new"
NOTICES = "/api/notifications/notifications"
ADMIN = Actor(id="admin-1", role="administrator")


def _guardian(guardian_id: str, language: str = "en") -> Guardian:
    return Guardian(guardian_id=guardian_id, name=f"Guardian {guardian_id}",
                    email=f"{guardian_id}@example.org", preferred_language=language)


def _address(guardian_id: str) -> str:
    return f"{guardian_id}@example.org"


def _student(school_id: str) -> Student:
    return Student(district_student_id=STUDENT, name="Maria Lopez",
                   date_of_birth=date(2017, 5, 14), grade="3", school_id=school_id,
                   primary_language="es")


class Scene:
    def __init__(self, system, inbox) -> None:
        self.system, self.inbox, self.client = system, inbox, system.client
        self.store = system.runtime("referral").store
        self.pool = system.runtime("notifications").pool

    async def append(self, stream: str, *events: Event, actor: Actor = ADMIN) -> int:
        expected = len(await self.store.read_stream_raw(stream))
        done = await self.store.append(stream, expected, list(events), Metadata(
            actor=actor, correlation_id=f"corr-{uuid.uuid4().hex[:8]}"))
        return done.last_position

    async def record(self, event: Event) -> int:
        return await self.append(f"student-{STUDENT}", event)

    async def refer(self, referral_id: str, school_id: str, guardian_id: str,
                    by: str = "cm-1") -> int:
        """A referral and the safeguards notice the referral service gives its guardian."""
        return await self.append(
            f"referral-{referral_id}",
            ReferralMade(student_id=STUDENT, referral_id=referral_id, school_id=school_id,
                         student=_student(school_id), guardians=(_guardian(guardian_id),),
                         referred_by=Referrer(name="Grace Park", role="teacher"),
                         concerns=Concerns(text="struggles to read", areas=("schoolwork",)),
                         referred_on=date(2026, 3, 2)),
            ProceduralSafeguardsNoticeGiven(
                student_id=STUDENT, referral_id=referral_id, school_id=school_id,
                guardian_id=guardian_id, language="en", given_on=date(2026, 3, 2),
                occasion="initial_referral"),
            actor=Actor(id=by, role="case_manager"))

    async def registered(self, *guardians: Guardian) -> None:
        await self.record(StudentRegistered(
            student_id=STUDENT, school_id="sch-1", student=_student("sch-1"),
            guardians=guardians, registered_on=date(2026, 3, 2), source="roster"))

    async def applied(self, position: int) -> None:
        """Wait until the worker has applied the referral event at `position`."""
        found: list[Any] = []

        async def readable() -> bool:
            # The gap-free reader shows a position once no older transaction is still open.
            found[:] = await self.store.read_all(position - 1, 1)
            return bool(found)

        await eventually(readable, what=f"referral position {position} readable")
        (event,) = found

        async def done() -> bool:
            return bool(await self.pool.fetchval(
                "SELECT EXISTS (SELECT 1 FROM applied_events WHERE event_id = $1)",
                event.event_id))

        await eventually(done, what=f"the worker applying referral position {position}")

    async def sent(self, address: str, count: int) -> list[str]:
        async def arrived() -> bool:
            return len(self.inbox.to(address)) >= count
        await eventually(arrived, what=f"{count} messages to {address}")
        return sorted(str(m["Subject"]) for m in self.inbox.to(address))

    async def notices_to(self, recipient_id: str) -> list[str]:
        rows = await self.pool.fetch("SELECT kind FROM notices WHERE recipient_id = $1 "
                                     "ORDER BY kind", recipient_id)
        return [r["kind"] for r in rows]

    def delivery(self, guardian_id: str, headers: dict[str, str], student_id: str = STUDENT):
        return self.client.put(
            f"/api/notifications/students/{student_id}/guardians/{guardian_id}/delivery",
            json={"channel": "paper"}, headers=headers)

    def staff(self, school_id: str) -> dict[str, str]:
        return self.system.auth("case_manager", f"cm-{school_id}", [school_id])

    def parent(self, guardian_id: str) -> dict[str, str]:
        return self.system.auth("parent", guardian_id)

    async def reach(self, guardian_id: str, school_id: str) -> dict[str, int]:
        """What a guardian and a case manager of a school get about the child."""
        parent, staff = self.parent(guardian_id), self.staff(school_id)
        accesses = await self.client.get("/api/notifications/record-accesses",
                                         params={"student_id": STUDENT}, headers=parent)
        staff_list = await self.client.get(NOTICES, params={"student_id": STUDENT}, headers={
            **staff, "X-Access-Purpose": "checking notice was given"})
        return {"record-accesses": accesses.status_code,
                "delivery as parent": (await self.delivery(guardian_id, parent)).status_code,
                "delivery as staff": (await self.delivery(ANA, staff)).status_code,
                "staff see notices": int(bool(staff_list.json()))}


FAMILY = {"record-accesses": 200, "delivery as parent": 200, "delivery as staff": 200,
          "staff see notices": 1}
NOTHING = {"record-accesses": 404, "delivery as parent": 404, "delivery as staff": 404,
           "staff see notices": 0}


@pytest.fixture
async def scene(isolation, inbox) -> Scene:
    specs = discover_services(["referral", "notifications"])
    system = await isolation.system(
        specs, clock=FixedClock(datetime(2026, 3, 2, 15, tzinfo=UTC)), workers=True)
    return Scene(system, inbox)


@pytest.mark.parametrize("with_record", [True, False], ids=["record", "referral only"])
async def test_a_second_referral_naming_another_school_and_guardian_takes_over_nothing(
        scene: Scene, with_record: bool) -> None:
    if with_record:
        await scene.registered(_guardian(ANA))
    await scene.refer("r-1", "sch-1", ANA)
    taken = await scene.refer("r-2", "sch-2", STRANGER, by="cm-sch-2")
    await scene.applied(taken)
    assert await scene.sent(_address(ANA), 1) == ["Notice of procedural safeguards"]
    assert await scene.reach(STRANGER, "sch-2") == NOTHING
    assert await scene.reach(ANA, "sch-1") == FAMILY
    # Every guardian's notice goes to the family on record, and only to them.
    asked = await scene.append("referral-r-2", EvaluationConsentRequested(
        student_id=STUDENT, referral_id="r-2", school_id="sch-2", requested_on=date(2026, 3, 2),
        guardian_ids=(), assessments_proposed=()))
    await scene.applied(asked)
    assert await scene.notices_to(STRANGER) == []
    assert await scene.notices_to(ANA) == ["consent_request", "procedural_safeguards"]
    assert scene.inbox.to(_address(STRANGER)) == []


async def test_a_guardian_added_is_sent_their_access_and_the_others_are_told_once(
        scene: Scene) -> None:
    await scene.registered(_guardian(ANA, "es"), _guardian(LUIS))
    added = await scene.record(GuardianAdded(
        student_id=STUDENT, school_id="sch-1", guardian=_guardian(NEW), added_on=date(2026, 3, 2),
        reason="court order of March 1"))
    await scene.applied(added)
    # The broker delivers the event again: nothing is sent twice.
    (stored,) = await scene.store.read_all_raw(added - 1, 1)
    key, raw, headers = message_for(stored, "referral")
    producer = AIOKafkaProducer(bootstrap_servers=scene.system.settings.kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic_for("referral", scene.system.settings.topic_prefix),
                                     raw, key=key, headers=headers)
    finally:
        await producer.stop()
    moved = await scene.record(StudentSchoolChanged(
        student_id=STUDENT, school_id="sch-1", previous_school_id="sch-1",
        changed_on=date(2026, 3, 2)))
    await scene.applied(moved)  # after the repeated message on the same partition
    assert await scene.sent(_address(NEW), 1) == [
        "You are now recorded as a parent or guardian"]
    new_mail = scene.inbox.to(_address(NEW))[0].get_body(("plain",)).get_content()
    assert "procedural safeguards" in new_mail and "Maria Lopez" in new_mail
    assert await scene.sent(_address(ANA), 1) == [
        "Un cambio en quién puede ver los expedientes de su hijo o hija"]
    assert await scene.sent(_address(LUIS), 1) == ["A change in who may see your child's records"]
    assert await scene.notices_to(NEW) == ["record_access"]
    assert await scene.notices_to(ANA) == await scene.notices_to(LUIS) == ["guardians_changed"]
    assert await scene.reach(NEW, "sch-1") == FAMILY


async def test_a_guardian_removed_receives_nothing_further_and_the_others_are_told(
        scene: Scene) -> None:
    await scene.registered(_guardian(ANA), _guardian(LUIS))
    removed = await scene.record(GuardianRemoved(
        student_id=STUDENT, school_id="sch-1", guardian_id=LUIS, removed_on=date(2026, 3, 2),
        reason="parental rights ended"))
    await scene.applied(removed)
    await scene.refer("r-1", "sch-1", ANA)
    asked = await scene.append("referral-r-1", EvaluationConsentRequested(
        student_id=STUDENT, referral_id="r-1", school_id="sch-1", requested_on=date(2026, 3, 2),
        guardian_ids=(), assessments_proposed=()))
    await scene.applied(asked)
    assert await scene.notices_to(ANA) == ["consent_request", "guardians_changed",
                                           "procedural_safeguards"]
    assert await scene.notices_to(LUIS) == []
    assert scene.inbox.to(_address(LUIS)) == []
    lost = await scene.reach(LUIS, "sch-1")
    assert (lost["record-accesses"], lost["delivery as parent"]) == (404, 404)


async def test_a_school_change_moves_staff_reach(scene: Scene) -> None:
    await scene.registered(_guardian(ANA))
    moved = await scene.record(StudentSchoolChanged(
        student_id=STUDENT, school_id="sch-2", previous_school_id="sch-1",
        changed_on=date(2026, 3, 2), reason="family moved"))
    await scene.applied(moved)
    assert (await scene.delivery(ANA, scene.staff("sch-2"))).status_code == 200
    assert (await scene.delivery(ANA, scene.staff("sch-1"))).status_code == 404


async def test_choosing_delivery_answers_one_404_for_every_record_out_of_reach(
        scene: Scene) -> None:
    await scene.registered(_guardian(ANA))
    await scene.applied(await scene.refer("r-1", "sch-1", ANA))
    elsewhere, stranger = scene.staff("sch-2"), scene.parent(STRANGER)
    answers = [await scene.delivery(ANA, elsewhere),  # real student and guardian
               await scene.delivery("g-made-up", elsewhere),
               await scene.delivery(ANA, elsewhere, student_id="stu-made-up"),
               await scene.delivery(ANA, stranger),  # a parent naming another guardian
               await scene.delivery(STRANGER, stranger),  # a parent of no such child
               await scene.delivery("g-made-up", scene.staff("sch-1"))]
    # Each answer carries its own request's correlation id; everything else is the same.
    bodies = [{k: v for k, v in a.json().items() if k != "correlation_id"} for a in answers]
    assert [a.status_code for a in answers] == [404] * len(answers)
    assert all(body == bodies[0] for body in bodies), bodies
    assert ANA not in answers[0].text and STUDENT not in answers[0].text
    assert (await scene.delivery(ANA, scene.staff("sch-1"))).status_code == 200


async def test_a_removed_guardian_reads_none_of_the_notices_sent_before_and_none_is_mailed(
        scene: Scene) -> None:
    await scene.registered(_guardian(ANA), _guardian(LUIS))
    await scene.applied(await scene.refer("r-1", "sch-1", LUIS))
    await scene.sent(_address(LUIS), 1)
    luis = scene.parent(LUIS)
    (earlier,) = (await scene.client.get(NOTICES, headers=luis)).json()
    await scene.pool.execute("UPDATE notices SET status = 'to_mail' WHERE notice_id = $1",
                             earlier["notice_id"])  # as if Luis had chosen paper
    removed = await scene.record(GuardianRemoved(
        student_id=STUDENT, school_id="sch-1", guardian_id=LUIS, removed_on=date(2026, 3, 2),
        reason="parental rights ended"))
    await scene.applied(removed)
    assert (await scene.client.get(NOTICES, headers=luis)).json() == []
    one = await scene.client.get(f"{NOTICES}/{earlier['notice_id']}", headers=luis)
    assert one.status_code == 404
    mailings = await scene.client.get("/api/notifications/mailings", headers={
        **scene.staff("sch-1"), "X-Access-Purpose": "mailing notices"})
    assert earlier["notice_id"] not in {m["notice_id"] for m in mailings.json()}


async def test_a_school_change_takes_the_childs_notices_to_the_new_schools_staff(
        scene: Scene) -> None:
    await scene.registered(_guardian(ANA))
    await scene.applied(await scene.refer("r-1", "sch-1", ANA))
    moved = await scene.record(StudentSchoolChanged(
        student_id=STUDENT, school_id="sch-2", previous_school_id="sch-1",
        changed_on=date(2026, 3, 2), reason="family moved"))
    await scene.applied(moved)
    why = {"X-Access-Purpose": "checking notice was given"}
    old = await scene.client.get(NOTICES, params={"student_id": STUDENT},
                                 headers={**scene.staff("sch-1"), **why})
    new = await scene.client.get(NOTICES, params={"student_id": STUDENT},
                                 headers={**scene.staff("sch-2"), **why})
    assert old.json() == [] and len(new.json()) >= 1
