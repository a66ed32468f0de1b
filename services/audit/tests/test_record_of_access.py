"""The FERPA record of access of every service, queried here with filters."""

import asyncio

from iep_kernel.access import AccessLog
from iep_kernel.auth import Principal


async def read(scene, service: str, who: Principal, student: str, resource: str,
               purpose: str) -> None:
    await AccessLog(scene.system.runtime(service), purpose).record(who, student, resource)


TEACHER = Principal(subject="t-1", role="teacher")
EVALUATOR = Principal(subject="ev-1", role="evaluator")


async def accesses(scene) -> str:
    await read(scene, "intake", TEACHER, "s1", "case/1", "planning a lesson")
    await read(scene, "review", EVALUATOR, "s1", "review/1", "eligibility meeting")
    await asyncio.sleep(0.01)
    middle = scene.system.runtime("intake").clock.now().isoformat()
    await asyncio.sleep(0.01)
    await read(scene, "intake", EVALUATOR, "s2", "case/2", "assessment")
    await scene.deliver()
    return middle


def got(response) -> list[tuple]:
    assert response.status_code == 200, response.text
    return [(a["service"], a["student_id"], a["accessor_id"], a["accessor_role"],
             a["resource"], a["purpose"]) for a in response.json()["accesses"]]


S1_INTAKE = ("intake", "s1", "t-1", "teacher", "case/1", "planning a lesson")
S1_REVIEW = ("review", "s1", "ev-1", "evaluator", "review/1", "eligibility meeting")
S2_INTAKE = ("intake", "s2", "ev-1", "evaluator", "case/2", "assessment")


async def test_every_services_accesses_to_one_student_are_listed_with_who_and_why(scene):
    await accesses(scene)
    assert got(await scene.get("/record-accesses", student_id="s1")) == [S1_INTAKE,
                                                                         S1_REVIEW]


async def test_all_accesses_are_listed_and_filtered(scene):
    middle = await accesses(scene)
    assert got(await scene.get("/record-accesses")) == [S1_INTAKE, S1_REVIEW, S2_INTAKE]
    assert got(await scene.get("/record-accesses", accessor="ev-1")) == [S1_REVIEW, S2_INTAKE]
    assert got(await scene.get("/record-accesses", accessor_role="teacher")) == [S1_INTAKE]
    assert got(await scene.get("/record-accesses", service="review")) == [S1_REVIEW]
    assert got(await scene.get("/record-accesses", resource="case/2")) == [S2_INTAKE]
    assert got(await scene.get("/record-accesses", since=middle)) == [S2_INTAKE]
    assert got(await scene.get("/record-accesses", until=middle)) == [S1_INTAKE, S1_REVIEW]


async def test_accesses_come_a_page_at_a_time(scene):
    await accesses(scene)
    first = await scene.get("/record-accesses", limit=2)
    second = await scene.get("/record-accesses", limit=2, cursor=first.json()["next"])
    assert got(first) + got(second) == [S1_INTAKE, S1_REVIEW, S2_INTAKE]
    assert second.json()["next"] is None


async def test_the_purpose_of_a_destroyed_students_access_reads_destroyed(scene):
    await accesses(scene)
    await scene.system.runtime("intake").vault.destroy("s1")
    scene.system.runtime("audit").vault.forget("s1")
    purposes = [a[5] for a in got(await scene.get("/record-accesses", student_id="s1"))]
    assert purposes == ["[destroyed]", "[destroyed]"]
    assert got(await scene.get("/record-accesses", student_id="s2"))[0][5] == "assessment"


async def test_other_events_are_not_accesses(scene):
    await scene.append(scene.intake, "case-1", [scene.intake.opened("s1")], scene.by("cm"))
    await scene.deliver()
    assert got(await scene.get("/record-accesses", student_id="s1")) == []
