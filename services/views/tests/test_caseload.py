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
