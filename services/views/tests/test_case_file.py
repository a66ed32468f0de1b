"""The staff case file: everything known about one student, across services, newest first;
each read recorded with its purpose; out of the caller's schools it does not exist."""

from datetime import date

from .conftest import Desk


async def test_case_file_holds_every_event_across_services_newest_first(desk: Desk) -> None:
    desk.set_today(date(2026, 1, 5))
    made = await desk.refer("stu-1", name="Maria Lopez")
    desk.set_today(date(2026, 1, 6))
    await desk.ask_consent(made["referral_id"])
    desk.set_today(date(2026, 1, 8))
    await desk.answer(made["referral_id"], "g-1")
    evaluation_id = await desk.evaluation_of("stu-1")
    desk.set_today(date(2026, 1, 20))
    done = await desk.assess(evaluation_id, "Dr. Lee")
    await desk.caught_up("evaluation", done["position"])
    response = await desk.view("students/stu-1", desk.staff(purpose="eligibility meeting"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["student_name"] == "Maria Lopez"
    assert body["student"]["stage"] == "evaluating"
    assert [(e["source"], e["kind"]) for e in body["timeline"]] == [
        ("evaluation", "assessment_completed"),
        ("evaluation", "evaluation_opened"),
        ("referral", "consent_given"),
        ("referral", "prior_written_notice"),
        ("referral", "consent_requested"),
        ("referral", "safeguards_notice"),
        ("referral", "referred"),
        ("referral", "student_registered"),  # the first referral registered the child
    ]
    assert [e["on"] for e in body["timeline"]] == [
        "2026-01-20", "2026-01-08", "2026-01-08", "2026-01-06", "2026-01-06", "2026-01-05",
        "2026-01-05", "2026-01-05"]
    assessed = body["timeline"][0]
    assert assessed["personal"]["evaluator_name"] == "Dr. Lee"
    assert assessed["facts"]["area"] == "reading"
    assert body["timeline"][-2]["personal"]["concerns"] == "Maria Lopez struggles to decode words"
    accesses = await desk.system.runtime("views").store.read_student("stu-1",
                                                                      ["RecordAccessed"])
    assert [(a.metadata.actor.role, a.data.purpose, a.data.resource) for a in accesses] == [
        ("case_manager", "eligibility meeting", "views/case-file")]


async def test_case_file_needs_a_purpose_and_is_out_of_reach_of_other_schools(
        desk: Desk) -> None:
    made = await desk.refer("stu-1", school_id="sch-1")
    await desk.caught_up("referral", made["position"])
    assert (await desk.view("students/stu-1", desk.staff(purpose=None))).status_code == 422
    other = await desk.view("students/stu-1", desk.staff("teacher", schools=("sch-2",)))
    assert other.status_code == 404
    missing = await desk.view("students/stu-404", desk.staff("teacher"))
    assert missing.status_code == 404
    # whether a student exists does not leak (each answer has its own correlation id)
    assert other.json()["detail"] == missing.json()["detail"]
    parent = await desk.view("students/stu-1", desk.parent("g-1"))
    assert parent.status_code == 403
    accesses = await desk.system.runtime("views").store.read_student("stu-1",
                                                                      ["RecordAccessed"])
    assert accesses == []
