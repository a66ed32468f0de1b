"""A student's school and guardians come from the student record only: a later referral
naming another school and a stranger as guardian changes nothing anyone reads; a guardian
added or removed, or a move to another school, moves who reads the child. The events are
appended to the referral service's log as it records them and reach the views through its
relay and the broker."""

import uuid
from datetime import date
from typing import Any

import pytest
from iep_kernel.events import Actor, Event, Metadata
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
from iep_views.app.projection import rebuild_cases

from .conftest import Desk
from .test_rebuild import snapshot

STUDENT, ANA, STRANGER, NEW_PARENT = "stu-7", "g-ana", "g-stranger", "g-new"


def _guardian(guardian_id: str, language: str = "en") -> Guardian:
    return Guardian(guardian_id=guardian_id, name=f"Guardian {guardian_id}",
                    email=f"{guardian_id}@example.org", preferred_language=language)


def _student(school_id: str) -> Student:
    return Student(district_student_id=STUDENT, name="Maria Lopez",
                   date_of_birth=date(2017, 5, 14), grade="3", school_id=school_id,
                   primary_language="en")


async def _append(desk: Desk, stream: str, event: Event, actor: Actor) -> int:
    """Append as the referral service records it; the global position of the event."""
    store = desk.system.runtime("referral").store
    expected = len(await store.read_stream_raw(stream))
    done = await store.append(stream, expected, [event], Metadata(
        actor=actor, correlation_id=f"corr-{uuid.uuid4().hex[:8]}"))
    return done.last_position


async def record(desk: Desk, event: Event) -> int:
    return await _append(desk, f"student-{STUDENT}", event,
                         Actor(id="admin-1", role="administrator"))


async def refer(desk: Desk, referral_id: str, school_id: str, guardian_id: str,
                by: str = "teacher-1") -> int:
    return await _append(desk, f"referral-{referral_id}", ReferralMade(
        student_id=STUDENT, referral_id=referral_id, school_id=school_id,
        student=_student(school_id), guardians=(_guardian(guardian_id),),
        referred_by=Referrer(name="Grace Park", role="teacher"),
        concerns=Concerns(text="struggles to decode words", areas=("schoolwork",)),
        referred_on=date(2026, 2, 2)), Actor(id=by, role="teacher"))


async def registered_at_school_1(desk: Desk) -> int:
    await record(desk, StudentRegistered(
        student_id=STUDENT, school_id="sch-1", student=_student("sch-1"),
        guardians=(_guardian(ANA),), registered_on=date(2026, 2, 2), source="referral",
        referral_id="r-1"))
    return await refer(desk, "r-1", "sch-1", ANA)


async def status(desk: Desk, path: str, headers: dict[str, str], **params: Any) -> int:
    return (await desk.view(path, headers, **params)).status_code


async def reach(desk: Desk, guardian_id: str, school_id: str) -> dict[str, int]:
    """What a guardian and a teacher of a school get on every read route about the child."""
    parent, teacher = desk.parent(guardian_id), desk.staff("teacher", schools=(school_id,))
    children = (await desk.view("my-children", parent)).json()["children"]
    caseload = (await desk.view("caseload", teacher)).json()["students"]
    return {
        "my-children": int(any(c["student_id"] == STUDENT for c in children)),
        "my-children/id": await status(desk, f"my-children/{STUDENT}", parent),
        "record-accesses": await status(desk, "record-accesses", parent,
                                        student_id=STUDENT),
        "case file": await status(desk, f"students/{STUDENT}", teacher),
        "caseload": int(any(s["student_id"] == STUDENT for s in caseload)),
    }


FAMILY = {"my-children": 1, "my-children/id": 200, "record-accesses": 200,
          "case file": 200, "caseload": 1}
NOTHING = {"my-children": 0, "my-children/id": 404, "record-accesses": 404,
           "case file": 404, "caseload": 0}


@pytest.mark.parametrize("with_record", [True, False], ids=["record", "referral only"])
async def test_a_second_referral_naming_another_school_and_guardian_takes_over_nothing(
        desk: Desk, with_record: bool) -> None:
    if with_record:
        await registered_at_school_1(desk)
    else:  # a student known from a referral alone, before the record existed
        await refer(desk, "r-1", "sch-1", ANA)
    taken = await refer(desk, "r-2", "sch-2", STRANGER, by="teacher-of-sch-2")
    await desk.caught_up("referral", taken)
    assert await reach(desk, STRANGER, "sch-2") == NOTHING
    assert await reach(desk, ANA, "sch-1") == FAMILY
    body = (await desk.view(f"students/{STUDENT}", desk.staff("teacher"))).json()
    assert body["student"]["school_id"] == "sch-1"
    assert [g["guardian_id"] for g in body["guardians"]] == [ANA]


async def test_a_guardian_added_gains_the_child_and_one_removed_loses_it(desk: Desk) -> None:
    await registered_at_school_1(desk)
    added = await record(desk, GuardianAdded(
        student_id=STUDENT, school_id="sch-1", guardian=_guardian(NEW_PARENT, "es"),
        added_on=date(2026, 2, 10), reason="court order of February 9"))
    await desk.caught_up("referral", added)
    assert await reach(desk, NEW_PARENT, "sch-1") == FAMILY
    (child,) = (await desk.view("my-children", desk.parent(NEW_PARENT))).json()["children"]
    assert child["language"] == "es"
    removed = await record(desk, GuardianRemoved(
        student_id=STUDENT, school_id="sch-1", guardian_id=ANA, removed_on=date(2026, 2, 11),
        reason="parental rights ended"))
    await desk.caught_up("referral", removed)
    lost = await reach(desk, ANA, "sch-1")
    assert {k: lost[k] for k in ("my-children", "my-children/id", "record-accesses")} == {
        "my-children": 0, "my-children/id": 404, "record-accesses": 404}
    body = (await desk.view(f"students/{STUDENT}", desk.staff("teacher"))).json()
    assert [g["guardian_id"] for g in body["guardians"]] == [NEW_PARENT]
    assert [e["kind"] for e in body["timeline"][:2]] == ["guardian_removed", "guardian_added"]


async def test_a_school_change_moves_staff_access(desk: Desk) -> None:
    await registered_at_school_1(desk)
    moved = await record(desk, StudentSchoolChanged(
        student_id=STUDENT, school_id="sch-2", previous_school_id="sch-1",
        changed_on=date(2026, 2, 12), reason="family moved"))
    await desk.caught_up("referral", moved)
    assert await reach(desk, ANA, "sch-2") == FAMILY
    previous = await reach(desk, ANA, "sch-1")
    assert (previous["case file"], previous["caseload"]) == (404, 0)


async def test_the_rebuilt_record_equals_the_live_one(desk: Desk) -> None:
    await registered_at_school_1(desk)
    await refer(desk, "r-2", "sch-2", STRANGER, by="teacher-of-sch-2")
    await record(desk, GuardianAdded(
        student_id=STUDENT, school_id="sch-1", guardian=_guardian(NEW_PARENT),
        added_on=date(2026, 2, 10), reason="court order"))
    last = await record(desk, StudentSchoolChanged(
        student_id=STUDENT, school_id="sch-3", previous_school_id="sch-1",
        changed_on=date(2026, 2, 12)))
    await desk.caught_up("referral", last)
    runtime = desk.system.runtime("views")
    live = await snapshot(runtime.pool)
    assert [(g["guardian_id"], g["student_id"]) for g in live["case_guardians"]] == [
        (ANA, STUDENT), (NEW_PARENT, STUDENT)]
    assert [s["school_id"] for s in live["case_students"]] == ["sch-3"]
    await rebuild_cases(runtime, workers=1)
    assert await snapshot(runtime.pool) == live
