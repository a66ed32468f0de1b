"""As-of: the student's school and guardians at an instant are the student record's, folded
from its events as the referral service recorded them and the audit service collected them
through the broker; a later referral naming another school and guardian changes neither."""

import uuid
from datetime import date

from iep_audit.service import audit_service
from iep_kernel.events import Actor, Event, Metadata
from iep_kernel.service import discover_services
from iep_kernel.testing.waiting import eventually
from iep_referral.domain.events import (
    Concerns,
    Guardian,
    GuardianAdded,
    GuardianRemoved,
    ReferralMade,
    Referrer,
    Student,
    StudentRegistered,
    StudentSchoolChanged,
)

STUDENT = "stu-7"
WHY = {"X-Access-Purpose": "review of a guardianship complaint"}


def _guardian(guardian_id: str) -> Guardian:
    return Guardian(guardian_id=guardian_id, name=f"Guardian {guardian_id}",
                    preferred_language="en")


def _student(school_id: str) -> Student:
    return Student(district_student_id=STUDENT, name="Maria Lopez",
                   date_of_birth=date(2017, 5, 14), grade="3", school_id=school_id,
                   primary_language="en")


async def test_the_student_record_as_of_an_instant_gives_school_and_guardians(isolation):
    system = await isolation.system(
        [*discover_services(["referral"]), audit_service(sources=("referral",))],
        workers=True)
    store, audit = system.runtime("referral").store, system.runtime("audit").pool

    async def append(stream: str, event: Event, actor: str = "admin-1") -> None:
        expected = len(await store.read_stream_raw(stream))
        await store.append(stream, expected, [event], Metadata(
            actor=Actor(id=actor, role="administrator"), correlation_id=uuid.uuid4().hex))

    async def collected() -> bool:
        stored = await system.runtime("referral").pool.fetchval("SELECT count(*) FROM events")
        return await audit.fetchval("SELECT count(*) FROM audit_events") == stored

    async def record_at(at: object = None) -> dict:
        params = {"at": at.isoformat()} if at is not None else {}  # type: ignore[attr-defined]
        response = await system.client.get(
            f"/api/audit/students/{STUDENT}/as-of", params=params,
            headers={**system.auth("auditor", "aud-1"), **WHY})
        assert response.status_code == 200, response.text
        (found,) = [r for r in response.json()["stages"]["referral"]
                    if r["stream_id"] == f"student-{STUDENT}"]
        return dict(found["state"])

    stream = f"student-{STUDENT}"
    await append(stream, StudentRegistered(
        student_id=STUDENT, school_id="sch-1", student=_student("sch-1"),
        guardians=(_guardian("g-ana"), _guardian("g-luis")), registered_on=date(2026, 2, 2),
        source="roster"))
    await append("referral-r-2", ReferralMade(
        student_id=STUDENT, referral_id="r-2", school_id="sch-2", student=_student("sch-2"),
        guardians=(_guardian("g-stranger"),),
        referred_by=Referrer(name="Someone", role="teacher"),
        concerns=Concerns(text="none", areas=("schoolwork",)), referred_on=date(2026, 2, 3)),
        actor="teacher-of-sch-2")
    await eventually(collected, what="the audit store caught up")
    before = await audit.fetchval("SELECT clock_timestamp()")
    await append(stream, GuardianAdded(
        student_id=STUDENT, school_id="sch-1", guardian=_guardian("g-new"),
        added_on=date(2026, 2, 10), reason="court order"))
    await append(stream, GuardianRemoved(
        student_id=STUDENT, school_id="sch-1", guardian_id="g-luis",
        removed_on=date(2026, 2, 11), reason="parental rights ended"))
    await append(stream, StudentSchoolChanged(
        student_id=STUDENT, school_id="sch-3", previous_school_id="sch-1",
        changed_on=date(2026, 2, 12), reason="moved"))
    await eventually(collected, what="the audit store caught up")

    then = await record_at(before)
    assert (then["school_id"], then["guardian_ids"]) == ("sch-1", ["g-ana", "g-luis"])
    assert then["student_name"] == "Maria Lopez"  # opened for the auditor
    now = await record_at()
    assert (now["school_id"], now["guardian_ids"]) == ("sch-3", ["g-ana", "g-new"])
    assert [c.get("on") for c in now["changes"]] == ["2026-02-10", "2026-02-11", "2026-02-12"]
