"""The compliance dashboard: evaluations overdue and due soon, consents unanswered, each
list with the rule behind it, per school and for the district."""

from datetime import date, timedelta

from iep_kernel.testing.waiting import eventually
from iep_views.domain.rules import Bucket

from .conftest import Desk

NONE: dict[str, object] = {**{bucket: 0 for bucket in Bucket.ALL}, "services": None,
                           "late_entries": 0}


async def evaluating(desk: Desk, student_id: str, guardian: str, school_id: str = "sch-1"
                     ) -> None:
    made = await desk.refer(student_id, school_id=school_id, guardians=((guardian, "en"),))
    await desk.ask_consent(made["referral_id"], school_id)
    await desk.answer(made["referral_id"], guardian)


async def test_dashboard_counts_and_lists_each_compliance_risk_with_its_rule(
        desk: Desk) -> None:
    start = date(2026, 1, 2)
    desk.set_today(start)
    await evaluating(desk, "stu-late", "g-1")  # due 3 March: overdue on 10 March
    desk.set_today(start + timedelta(7))
    await evaluating(desk, "stu-soon", "g-2")  # due 10 March: due today on 10 March
    await evaluating(desk, "stu-other-school", "g-5", school_id="sch-2")
    desk.set_today(start + timedelta(30))
    await evaluating(desk, "stu-fine", "g-3")  # due 3 April
    quiet = await desk.refer("stu-quiet", guardians=(("g-4", "en"),))
    desk.set_today(date(2026, 2, 20))
    asked = await desk.ask_consent(quiet["referral_id"])  # unanswered for 18 days on 10 March
    desk.set_today(date(2026, 3, 10))
    await desk.caught_up("referral", asked["position"])
    admin = desk.staff("administrator", schools=())

    async def four_evaluations() -> bool:
        response = await desk.view("caseload", admin, stage="evaluating")
        return sum(bool(s["next_deadline"]) for s in response.json()["students"]) == 4

    await eventually(four_evaluations, what="four evaluations opened")
    response = await desk.view("compliance", admin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["scope"] == "district"
    assert body["totals"] == {**NONE, "evaluations_overdue": 1, "evaluations_due_soon": 2,
                              "consents_unanswered": 1}
    (one, two) = body["schools"]
    assert (one["school_id"], two["school_id"]) == ("sch-1", "sch-2")
    overdue = one["evaluations_overdue"]
    assert [s["student_id"] for s in overdue["students"]] == ["stu-late"]
    assert overdue["students"][0]["next_deadline"]["days_remaining"] == -7
    assert overdue["rule"].startswith("34 CFR 300.301(c)(1): initial evaluation within 60 days")
    assert [s["student_id"] for s in one["evaluations_due_soon"]["students"]] == ["stu-soon"]
    assert one["evaluations_due_soon"]["count"] == 1
    assert [s["student_id"] for s in one["consents_unanswered"]["students"]] == ["stu-quiet"]
    assert "more than 10 days" in one["consents_unanswered"]["rule"]
    assert "300.300(a)" in one["consents_unanswered"]["rule"]
    assert two["evaluations_due_soon"]["count"] == 1

    teacher = await desk.view("compliance", desk.staff("teacher", schools=("sch-2",)))
    assert teacher.json()["scope"] == "schools"
    assert [s["school_id"] for s in teacher.json()["schools"]] == ["sch-2"]
    assert teacher.json()["totals"] == {**NONE, "evaluations_due_soon": 1}
    refused = await desk.view("compliance", desk.staff("teacher", schools=("sch-2",)),
                              school_id="sch-1")
    assert refused.status_code == 404
