"""The staff caseload: students of the caller's schools, stage, next deadline, urgency."""

from datetime import date

from .conftest import Desk


async def test_caseload_shows_stage_and_next_deadline_most_urgent_first(desk: Desk) -> None:
    desk.set_today(date(2026, 1, 5))
    waiting = await desk.refer("stu-1")
    await desk.ask_consent(waiting["referral_id"])
    evaluating = await desk.refer("stu-2", guardians=(("g-2", "en"),))
    await desk.ask_consent(evaluating["referral_id"])
    given = await desk.answer(evaluating["referral_id"], "g-2")
    desk.set_today(date(2026, 1, 20))
    fresh = await desk.refer("stu-3", guardians=(("g-3", "en"),))
    await desk.caught_up("referral", fresh["position"])
    await desk.caught_up("referral", given["position"])
    await desk.evaluation_of("stu-2")

    async def lines() -> list[dict]:
        response = await desk.view("caseload", desk.staff())
        assert response.status_code == 200, response.text
        return response.json()["students"]

    from iep_kernel.testing.waiting import eventually

    async def evaluation_applied() -> bool:
        return any(s["stage"] == "evaluating" and s["next_deadline"] for s in await lines())

    await eventually(evaluation_applied, what="the evaluation in the caseload")
    got = [(s["student_id"], s["stage"], s["next_deadline"] and s["next_deadline"]["kind"],
            s["next_deadline"] and s["next_deadline"]["days_remaining"],
            s["next_deadline"] and s["next_deadline"]["overdue"]) for s in await lines()]
    assert got == [
        ("stu-1", "awaiting_consent", "consent_follow_up", -5, True),
        ("stu-2", "evaluating", "evaluation_due", 45, False),
        ("stu-3", "referred", None, None, None),
    ]


async def test_a_teacher_sees_only_their_schools_students(desk: Desk) -> None:
    mine = await desk.refer("stu-1", school_id="sch-1")
    theirs = await desk.refer("stu-2", school_id="sch-2", guardians=(("g-2", "en"),))
    await desk.caught_up("referral", mine["position"])
    await desk.caught_up("referral", theirs["position"])
    teacher = desk.staff("teacher", schools=("sch-1",))
    response = await desk.view("caseload", teacher)
    assert [s["student_id"] for s in response.json()["students"]] == ["stu-1"]
    assert response.json()["total"] == 1
    assert (await desk.view("caseload", teacher, school_id="sch-2")).status_code == 404
    everyone = await desk.view("caseload", desk.staff("administrator", schools=()))
    assert [s["student_id"] for s in everyone.json()["students"]] == ["stu-1", "stu-2"]


async def test_caseload_filters_by_school_stage_and_overdue(desk: Desk) -> None:
    desk.set_today(date(2026, 1, 5))
    late = await desk.refer("stu-1")
    await desk.ask_consent(late["referral_id"])
    desk.set_today(date(2026, 1, 14))
    recent = await desk.refer("stu-2", guardians=(("g-2", "en"),))
    asked = await desk.ask_consent(recent["referral_id"])
    other = await desk.refer("stu-3", school_id="sch-2", guardians=(("g-3", "en"),))
    desk.set_today(date(2026, 1, 20))
    await desk.caught_up("referral", asked["position"])
    await desk.caught_up("referral", other["position"])
    admin = desk.staff("administrator", schools=())

    async def ids(**filters: object) -> list[str]:
        response = await desk.view("caseload", admin, **filters)
        assert response.status_code == 200, response.text
        return [s["student_id"] for s in response.json()["students"]]

    assert await ids(stage="awaiting_consent") == ["stu-1", "stu-2"]
    assert await ids(overdue="true") == ["stu-1"]  # asked 15 days ago: follow up was due
    assert await ids(overdue="false") == ["stu-2", "stu-3"]
    assert await ids(school_id="sch-2") == ["stu-3"]
    assert await ids(stage="evaluating") == []
    assert (await desk.view("caseload", admin, stage="dreaming")).status_code == 422
