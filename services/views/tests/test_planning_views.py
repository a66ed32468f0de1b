"""The views through planning, on the real database and broker with the planning service
and its worker: the caseload's stages and deadlines after eligibility, the dashboard's
meeting and dispute lists, the case file's planning events, and the parent's texts and
actions, in English and Spanish; a teacher sees only their school, a parent only their
children."""

from datetime import date
from typing import Any

from iep_kernel.testing.waiting import eventually

from .conftest import Desk

ROOM = "Lincoln Elementary, room 4"


async def line(desk: Desk, student_id: str, headers: dict[str, str] | None = None
               ) -> dict[str, Any]:
    response = await desk.view("caseload", headers or desk.staff())
    assert response.status_code == 200, response.text
    (found,) = [s for s in response.json()["students"] if s["student_id"] == student_id]
    return dict(found)


async def reaches(desk: Desk, student_id: str, stage: str) -> dict[str, Any]:
    async def there() -> bool:
        response = await desk.view("caseload", desk.staff("administrator", schools=()))
        return any(s["student_id"] == student_id and s["stage"] == stage
                   for s in response.json()["students"])

    await eventually(there, what=f"{student_id} at {stage} in the caseload")
    return await line(desk, student_id, desk.staff("administrator", schools=()))


async def child(desk: Desk, guardian_id: str, student_id: str) -> dict[str, Any]:
    response = await desk.view(f"my-children/{student_id}", desk.parent(guardian_id))
    assert response.status_code == 200, response.text
    (found,) = response.json()["children"]
    return dict(found)


async def test_from_eligibility_to_a_plan_in_effect_and_a_dispute(planning_desk: Desk
                                                                   ) -> None:
    desk = planning_desk
    desk.set_today(date(2026, 2, 1))
    await desk.eligible("stu-1", (("g-ana", "en"), ("g-luis", "es")))
    other = await desk.refer("stu-2", school_id="sch-2", guardians=(("g-other", "en"),))
    case_id = await desk.planning_case("stu-1")

    # Planning opened: the meeting is due 30 days after the determination.
    opened = await reaches(desk, "stu-1", "meeting_due")
    assert opened["case_id"] == case_id
    assert opened["next_deadline"]["kind"] == "iep_meeting_due"
    assert opened["next_deadline"]["due_on"] == "2026-03-03"
    assert opened["next_deadline"]["rule"].startswith("34 CFR 300.323(c)(1)")
    await desk.caught_up("referral", other["position"])
    teacher = await desk.view("caseload", desk.staff("teacher", schools=("sch-2",)))
    assert [s["student_id"] for s in teacher.json()["students"]] == ["stu-2"]

    desk.set_today(date(2026, 2, 25))
    dashboard = (await desk.view("compliance", desk.staff())).json()
    (school,) = dashboard["schools"]
    assert [s["student_id"] for s in school["meetings_due_soon"]["students"]] == ["stu-1"]
    assert school["meetings_due_soon"]["rule"].startswith("34 CFR 300.323(c)(1)")
    assert school["meetings_due_soon"]["students"][0]["next_deadline"]["days_remaining"] == 6
    assert school["meetings_overdue"]["count"] == 0
    assert dashboard["totals"]["reevaluations_due_soon"] == 0

    # The meeting is scheduled: its day, time and place, and an invitation to answer.
    meeting_id, position = await desk.schedule(case_id, date(2026, 2, 27), "15:30", ROOM)
    await desk.caught_up("planning", position)
    assert (await line(desk, "stu-1"))["stage"] == "meeting_scheduled"
    english = await child(desk, "g-ana", "stu-1")
    assert english["summary"] == ("Your child's IEP meeting is on February 27, 2026 at "
                                  f"3:30\u202fPM at {ROOM}.")
    assert [(a["action"], a["case_id"], a["meeting_id"]) for a in english["actions"]] == [
        ("answer_meeting_invitation", case_id, meeting_id)]
    spanish = await child(desk, "g-luis", "stu-1")
    assert spanish["summary"] == ("La reunión del IEP de su hijo o hija es el 27 de febrero de "
                                  f"2026 a las 15:30 en {ROOM}.")
    assert spanish["timeline"][0]["text"] in {
        "La escuela le envió una invitación por escrito a la reunión del IEP del 27 de "
        "febrero de 2026.",
        f"Se programó una reunión del IEP para el 27 de febrero de 2026 a las 15:30 en {ROOM}."}

    # Held, the plan written: consent to services waits for the parent.
    desk.set_today(date(2026, 2, 27))
    written = await desk.write_plan(case_id, meeting_id, "g-ana")
    await desk.caught_up("planning", written["position"])
    waiting = await line(desk, "stu-1")
    assert waiting["stage"] == "awaiting_services_consent"
    assert waiting["plan_id"] is not None
    assert waiting["next_deadline"]["kind"] == "reevaluation_due"
    english = await child(desk, "g-ana", "stu-1")
    assert english["summary"] == ("The team has written your child's IEP. We are waiting for "
                                  "your consent for services to start.")
    assert [(a["action"], a["case_id"], a["plan_id"], a["version"])
            for a in english["actions"]] == [
        ("answer_services_consent", case_id, waiting["plan_id"], 1)]

    consented = await desk.planning(f"{case_id}/consent", {
        "decision": "given", "signed_on": "2026-02-27"}, desk.parent("g-ana"))
    await desk.caught_up("planning", consented["position"])
    in_effect = await line(desk, "stu-1")
    assert in_effect["stage"] == "plan_in_effect"
    assert (in_effect["next_deadline"]["kind"], in_effect["next_deadline"]["due_on"]) == (
        "annual_review_due", "2027-02-27")
    assert in_effect["next_deadline"]["rule"].startswith("34 CFR 300.324(b)(1)(i)")
    assert (await child(desk, "g-ana", "stu-1"))["summary"] == (
        "Services in your child's IEP are under way; the plan will be reviewed by "
        "February 27, 2027.")

    # A due process complaint: in dispute, stay put, the resolution meeting's deadline.
    desk.set_today(date(2026, 9, 1))
    filed = await desk.planning(f"{case_id}/disputes", {
        "kind": "due_process_complaint", "problem": "Reading support is not enough",
        "proposed_resolution": "A reading specialist daily",
        "particulars": {"child_name": "Maria Lopez", "address": "4 Oak Lane",
                        "school": "Lincoln Elementary"},
        "knew_on": "2026-08-25"}, desk.parent("g-ana"), 201)
    await desk.caught_up("planning", filed["position"])
    disputed = await line(desk, "stu-1")
    assert (disputed["stage"], disputed["stay_put"]) == ("in_dispute", True)
    assert (disputed["next_deadline"]["kind"], disputed["next_deadline"]["due_on"]) == (
        "dispute_response_due", "2026-09-11")
    dashboard = (await desk.view("compliance", desk.staff())).json()
    (school,) = dashboard["schools"]
    (open_dispute,) = school["disputes_open"]["students"]
    assert open_dispute["next_deadline"]["kind"] == "dispute_response_due"
    assert open_dispute["next_deadline"]["rule"].startswith("34 CFR 300.508(e)(1)")
    assert "300.510" in school["disputes_open"]["rule"]
    assert dashboard["totals"]["disputes_open"] == 1
    assert (await child(desk, "g-ana", "stu-1"))["summary"] == (
        "Your dispute was received on September 1, 2026; a resolution meeting must be held "
        "by September 16, 2026. While it is pending, your child stays in the current "
        "placement with the current services.")
    assert [e["text"] for e in (await child(desk, "g-luis", "stu-1"))["timeline"][:2]] == [
        "Se le entregó el aviso de sus derechos (garantías procesales).",
        "Se recibió su queja de debido proceso."]

    # The case file: every planning event, newest first, beside the other services'.
    response = await desk.view("students/stu-1", desk.staff())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["planning"]["case_id"] == case_id
    timeline = body["timeline"]
    assert [e["on"] for e in timeline] == sorted((e["on"] for e in timeline), reverse=True)
    planned = [e["event_type"] for e in timeline if e["source"] == "planning"]
    assert {"PlanningOpened", "MeetingScheduled", "MeetingNoticeIssued", "MeetingHeld",
            "PlanDrafted", "PlanWritten", "PriorWrittenNoticeIssued",
            "ConsentToServicesGiven", "DisputeFiled"} <= set(planned)
    assert timeline[0]["event_type"] in {"DisputeFiled", "ProceduralSafeguardsNoticeGiven"}
    filed_entry = next(e for e in timeline if e["event_type"] == "DisputeFiled")
    assert filed_entry["personal"]["problem"] == "Reading support is not enough"

    # Scope: another school's teacher and another parent see nothing of the student.
    assert (await desk.view("students/stu-1", desk.staff("teacher", schools=("sch-2",)))
            ).status_code == 404
    assert (await desk.view("my-children/stu-1", desk.parent("g-other"))).status_code == 404
    theirs = (await desk.view("compliance", desk.staff("teacher", schools=("sch-2",)))).json()
    assert theirs["totals"]["disputes_open"] == 0
