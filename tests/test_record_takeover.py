"""The record takeover, tried from outside against every service: a teacher of another school
writes a referral reusing a known student's district id, naming their school and a guardian
of their choosing. Nothing is handed over: the referral is refused, the stranger and the
other school read nothing on any read path, the real family and school keep theirs."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from iep_kernel.clock import FixedClock
from iep_kernel.service import discover_services
from iep_kernel.testing.waiting import eventually
from story import MOTHER, REFERRAL, STUDENT, People, drive_to_consented_plan

OTHER_SCHOOL = "sch-washington"
STRANGER = "g-stranger"


def reads_of(paths: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    """Every route that answers with the student's record, with its query."""
    student = {"student_id": STUDENT}
    return [
        (paths["referral"], {}), ("/api/referral/referrals", student),
        (f"/api/referral/students/{STUDENT}", {}),
        (paths["evaluation"], {}), ("/api/evaluation/evaluations", student),
        (paths["case"], {}), (f"{paths['case']}/versions/1", {}),
        ("/api/planning/cases", student),
        (f"/api/services-delivery/students/{STUDENT}", {}),
        ("/api/notifications/notifications", student),
        (f"/api/views/students/{STUDENT}", {}), (f"/api/views/my-children/{STUDENT}", {}),
        *((f"/api/{service}/record-accesses", student) for service in (
            "referral", "evaluation", "planning", "services-delivery", "notifications",
            "views")),
    ]


def nothing(response: Any) -> bool:
    """404, 403 for a role that may never read it, or a list without the student."""
    if response.status_code in (403, 404):
        return True
    body = response.json()
    listed = body if isinstance(body, list) else body.get("notifications", body.get(
        "children", body.get("students")))
    return response.status_code == 200 and isinstance(listed, list) and not any(
        STUDENT in str(item) for item in listed)


async def test_a_referral_reusing_a_known_students_id_hands_nothing_over(isolation):
    clock = FixedClock(datetime(2026, 3, 2, 15, tzinfo=UTC))
    system = await isolation.system(discover_services([
        "referral", "evaluation", "planning", "services-delivery", "notifications", "views"]),
        clock=clock, workers=True)
    people = People(system, clock)
    paths = await drive_to_consented_plan(people)

    async def services_scheduled() -> bool:
        found = await system.client.get(f"/api/services-delivery/students/{STUDENT}",
                                        headers=people.staff())
        return found.status_code == 200
    await eventually(services_scheduled, what="the services scheduled from the plan")

    teacher_b = {**system.auth("teacher", "t-washington", [OTHER_SCHOOL]),
                 "X-Access-Purpose": "referral"}
    takeover = copy.deepcopy(REFERRAL)
    takeover["student"]["school_id"] = OTHER_SCHOOL
    takeover["guardians"] = [{"guardian_id": STRANGER, "name": "Not A Parent",
                              "preferred_language": "en"}]
    refused = await system.client.post("/api/referral/referrals", json=takeover,
                                       headers=teacher_b)
    assert refused.status_code == 409, refused.text
    assert "recorded at a school you do not serve" in refused.json()["detail"]

    stranger = system.auth("parent", STRANGER)
    for path, params in reads_of(paths):
        for who in (stranger, teacher_b):
            response = await system.client.get(path, params=params, headers=who)
            assert nothing(response), (path, who.get("X-Access-Purpose"), response.text)
    children = (await system.client.get("/api/views/my-children", headers=stranger)).json()
    assert children["children"] == []

    mother = people.parent(MOTHER)
    for path in (paths["referral"], paths["case"], f"/api/views/my-children/{STUDENT}",
                 f"/api/services-delivery/students/{STUDENT}"):
        assert (await system.client.get(path, headers=mother)).status_code == 200, path
    case_file = await system.client.get(f"/api/views/students/{STUDENT}",
                                        headers=people.staff())
    assert case_file.status_code == 200, case_file.text
    assert case_file.json()["student"]["school_id"] == REFERRAL["student"]["school_id"]
    assert [g["guardian_id"] for g in case_file.json()["guardians"]] == [
        g["guardian_id"] for g in REFERRAL["guardians"]]
