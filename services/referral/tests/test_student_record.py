"""The student record through HTTP: a referral never changes whose child a student is; the
district changes guardians and schools with commands of its own, and reach follows them."""

import asyncio

STRANGER = {"guardian_id": "stranger-1", "name": "Not A Parent", "preferred_language": "en"}
RECORD = "/api/referral/students"


async def test_another_schools_teacher_cannot_take_over_a_known_student(desk):
    referral_id = await desk.made()  # stu-100 at sch-1, guardians g-1 and g-2
    teacher_b = desk.who("teacher", "t-b", schools=("sch-2",))
    takeover = desk.referral_body(student__school_id="sch-2", guardians=[STRANGER])
    refused = await desk.make(takeover, headers=teacher_b)
    assert refused.status_code == 409
    assert "recorded at a school you do not serve" in refused.json()["detail"]

    stranger = desk.who("parent", "stranger-1")
    assert (await desk.read(referral_id, headers=stranger)).status_code == 404
    assert (await desk.find(headers=stranger)).json() == []
    assert (await desk.find(headers=teacher_b)).json() == []
    accesses = await desk.client.get("/api/referral/record-accesses",
                                     params={"student_id": "stu-100"}, headers=stranger)
    assert accesses.status_code == 404
    mother = desk.who("parent", "g-1")
    assert (await desk.read(referral_id, headers=mother)).status_code == 200
    record = await desk.client.get(f"{RECORD}/stu-100", headers=desk.who())
    assert record.json()["school_id"] == "sch-1"
    assert [g["guardian_id"] for g in record.json()["guardians"]] == ["g-1", "g-2"]
    assert [e.event_type for e in await desk.events()].count("StudentRegistered") == 1


async def test_staff_of_the_school_refer_a_known_student_again_as_recorded(desk):
    await desk.made()
    again = desk.referral_body(guardians=[], student__name="Typed Differently")
    response = await desk.make(again)
    assert response.status_code == 201, response.text
    assert response.json()["guardian_ids"] == ["g-1", "g-2"]
    view = (await desk.read(response.json()["referral_id"])).json()
    assert view["student"]["name"] == "Maria Lopez"


async def test_a_referral_naming_an_unrecorded_guardian_is_refused_with_the_way(desk):
    await desk.made()
    response = await desk.make(desk.referral_body(guardians=[STRANGER]))
    assert response.status_code == 409
    assert response.json()["detail"].startswith("stranger-1 is not a recorded guardian")
    admin = desk.who("administrator", schools=())
    moved = await desk.make(desk.referral_body(student__school_id="sch-2", guardians=[]),
                            headers=admin)
    assert moved.status_code == 409
    assert "recorded at school sch-1, not sch-2" in moved.json()["detail"]


async def test_a_new_student_needs_a_guardian(desk):
    response = await desk.make(desk.referral_body(guardians=[]))
    assert response.status_code == 409
    assert "at least one parent or guardian" in response.json()["detail"]


async def test_two_first_referrals_at_once_register_the_child_once(desk):
    first, second = await asyncio.gather(desk.make(), desk.make())
    assert {first.status_code, second.status_code} == {201}
    types = [e.event_type for e in await desk.events()]
    assert types.count("StudentRegistered") == 1 and types.count("ReferralMade") == 2


async def test_guardian_changes_are_the_districts_and_move_reach(desk):
    referral_id = await desk.made()
    admin = desk.who("administrator", schools=())
    added = await desk.client.post(
        f"{RECORD}/stu-100/guardians", headers=admin,
        json={"guardian": {"guardian_id": "g-3", "name": "Rosa Diaz",
                           "preferred_language": "es"}, "reason": "Court order 2026-117"})
    assert added.status_code == 200, added.text
    assert added.json()["guardian_ids"] == ["g-1", "g-2", "g-3"]
    assert "name" not in str(added.json())  # command answers carry no personal data
    removed = await desk.client.post(f"{RECORD}/stu-100/guardians/g-2/removal",
                                     headers=admin, json={"reason": "Rights ended by court"})
    assert removed.status_code == 200, removed.text

    assert (await desk.read(referral_id, headers=desk.who("parent", "g-3"))).status_code == 200
    assert (await desk.read(referral_id, headers=desk.who("parent", "g-2"))).status_code == 404
    consent = await desk.ask(referral_id)
    assert consent.json()["guardian_ids"] == ["g-1", "g-3"]  # notices go to those recorded now
    case_manager = await desk.client.post(f"{RECORD}/stu-100/guardians/g-1/removal",
                                          headers=desk.who(), json={"reason": "x"})
    assert case_manager.status_code == 403


async def test_a_school_change_moves_which_staff_reach_the_student(desk):
    referral_id = await desk.made()
    admin = desk.who("administrator", schools=())
    moved = await desk.client.post(f"{RECORD}/stu-100/school", headers=admin,
                                   json={"school_id": "sch-2", "reason": "family moved"})
    assert moved.status_code == 200, moved.text
    teacher_a, teacher_b = desk.who("teacher"), desk.who("teacher", "t-b", schools=("sch-2",))
    assert (await desk.read(referral_id, headers=teacher_a)).status_code == 404
    assert (await desk.read(referral_id, headers=teacher_b)).status_code == 200
    assert [r["referral_id"] for r in (await desk.find(headers=teacher_b)).json()] == [
        referral_id]
    assert (await desk.find(headers=teacher_a)).json() == []


async def test_the_record_is_out_of_reach_as_if_it_did_not_exist(desk):
    await desk.made()
    elsewhere = desk.who("teacher", "t-b", schools=("sch-2",))
    hidden = await desk.client.get(f"{RECORD}/stu-100", headers=elsewhere)
    missing = await desk.client.get(f"{RECORD}/stu-999", headers=elsewhere)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"] == missing.json()["detail"]
