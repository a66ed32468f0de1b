"""The remaining routes through a real app on a real database: rescheduling, attempts and
excusals, revising drafts, revocation with notice, the reevaluation waiver, and every step
of a dispute with the 409s its timeline brings."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from iep_kernel.clock import FixedClock
from iep_planning.service import service
from planning_people import LUIS, MARIA, NOTICE, TEAM, Desk, open_case

MAY_FIRST = datetime(2026, 5, 1, 12, tzinfo=UTC)


@pytest.fixture
async def system(isolation):
    return await isolation.system([service], clock=FixedClock(MAY_FIRST))


@pytest.fixture
async def desk(system):
    return Desk(system, await open_case(system.runtime("planning")))


async def meeting_of(desk) -> str:
    response = await desk.schedule()
    assert response.status_code == 201, response.text
    return str(response.json()["meetings"][0]["meeting_id"])


# -- meetings ----------------------------------------------------------------------------

async def test_a_rescheduled_meeting_keeps_its_history(desk):
    meeting_id = await meeting_of(desk)
    response = await desk.post(f"/meetings/{meeting_id}/reschedule", {
        "meeting_on": "2026-05-12", "starts_at": "15:00", "location": "Library",
        "reason": "the parent works mornings"})
    assert response.status_code == 200, response.text
    (meeting,) = response.json()["meetings"]
    assert [(s["meeting_on"], s["reason"]) for s in meeting["schedule"]] == [
        ("2026-05-10", None), ("2026-05-12", "the parent works mornings")]
    assert meeting["location"] == "Library"


async def test_after_two_recorded_attempts_the_meeting_is_held_without_the_parents(desk):
    meeting_id = await meeting_of(desk)
    desk.set_today(date(2026, 5, 6))
    for day, method in (("2026-05-02", "phone_call"), ("2026-05-05", "letter")):
        attempt = await desk.post(f"/meetings/{meeting_id}/contact-attempts",
                                  {"attempted_on": day, "method": method})
        assert attempt.status_code == 201, attempt.text
    desk.set_today(date(2026, 5, 10))
    held = await desk.post(f"/meetings/{meeting_id}/held", {"attendees": TEAM[1:]})
    assert held.status_code == 200, held.text
    assert held.json()["meetings"][0]["held"]["parent_attended"] is False


async def test_an_excused_member_is_not_needed_at_the_meeting(desk):
    meeting_id = await meeting_of(desk)
    excused = await desk.post(f"/meetings/{meeting_id}/excusals", {
        "role": "regular_education_teacher", "guardian_id": MARIA,
        "parent_agreed_on": "2026-05-01", "area_discussed": True,
        "written_input_on": "2026-05-01"})
    assert excused.status_code == 201, excused.text
    desk.set_today(date(2026, 5, 10))
    without_teacher = [m for m in TEAM if "regular_education_teacher" not in m["roles"]]
    held = await desk.post(f"/meetings/{meeting_id}/held", {"attendees": without_teacher})
    assert held.json()["meetings"][0]["held"]["excused_roles"] == ["regular_education_teacher"]


async def test_an_excusal_without_written_input_on_a_discussed_area_is_409(desk):
    meeting_id = await meeting_of(desk)
    response = await desk.post(f"/meetings/{meeting_id}/excusals", {
        "role": "special_education_teacher", "guardian_id": MARIA,
        "parent_agreed_on": "2026-05-01", "area_discussed": True})
    assert response.status_code == 409
    assert "written input goes to the parent and the team" in response.json()["detail"]


async def test_a_meeting_in_the_past_is_409(desk):
    response = await desk.schedule(meeting_on="2026-04-30")
    assert (response.status_code, response.json()["detail"]) == (
        409, "The meeting date April 30, 2026 is in the past; schedule the meeting for today "
             "or a later day.")


# -- drafts, revocation, reevaluation ----------------------------------------------------

async def test_a_draft_is_revised_in_place(desk):
    plan_id = await desk.draft({"present_levels": None})
    response = await desk.client.put(f"{desk.case}/plans/{plan_id}",
                                     json={"content": {"supplementary_aids": ["a timer"]}},
                                     headers=desk.staff("provider"))
    assert response.status_code == 200, response.text
    (draft,) = response.json()["drafts"]
    assert (draft["revisions"], draft["content"]["supplementary_aids"]) == (1, ["a timer"])


async def test_a_revocation_in_writing_then_notice_stops_the_services(desk):
    await desk.in_effect()
    desk.set_today(date(2026, 10, 1))
    revoked = await desk.post("/consent/revocation", {"signed_on": "2026-10-01"},
                              desk.parent(LUIS))
    assert revoked.status_code == 200, revoked.text
    assert (revoked.json()["status"], revoked.json()["plan_in_effect"]) == (
        "consent_revoked", None)
    noticed = await desk.post("/consent/revocation/notice", {"notice": NOTICE})
    assert noticed.json()["consent"] == {"decision": "revoked", "guardian_id": LUIS,
                                         "signed_on": "2026-10-01",
                                         "services_stop_on": "2026-10-11"}
    again = await desk.post("/consent/revocation/notice", {"notice": NOTICE})
    assert (again.status_code, again.json()["detail"]) == (
        409, "Notice was already given: services stop on October 11, 2026.")


async def test_consent_before_a_plan_is_written_is_409(desk):
    response = await desk.consent()
    assert response.status_code == 409
    assert response.json()["detail"].startswith("No plan has been written yet")


async def test_agreeing_the_reevaluation_is_unnecessary_moves_its_due_date(desk):
    response = await desk.post("/reevaluation/waiver",
                               {"guardian_id": MARIA, "agreed_on": "2026-05-01"})
    assert response.status_code == 200, response.text
    assert response.json()["reevaluation"]["due_on"] == "2032-04-15"


# -- disputes ----------------------------------------------------------------------------

async def dispute_of(desk, **changes) -> str:
    await desk.in_effect()
    desk.set_today(date(2026, 9, 1))
    filed = await desk.file(**changes)
    assert filed.status_code == 201, filed.text
    return str(filed.json()["disputes"][0]["dispute_id"])


async def test_a_due_process_complaint_runs_its_steps_to_a_hearing_decision(desk):
    path = f"/disputes/{await dispute_of(desk)}"
    desk.set_today(date(2026, 9, 8))
    responded = await desk.post(f"{path}/response", {
        "explanation": "Speech continues at school", "records_used": ["Progress report"],
        "options_considered": [{"option": "Weekly", "why_rejected": "Not needed"}]})
    assert responded.status_code == 200, responded.text
    met = await desk.post(f"{path}/resolution-meeting",
                          {"held_on": "2026-09-08", "resolved": False})
    assert met.status_code == 200, met.text
    waiver = await desk.post(f"{path}/resolution-meeting-waiver", {"waived_on": "2026-09-08"})
    assert (waiver.status_code, waiver.json()["detail"]) == (
        409, "The resolution meeting was held on September 8, 2026.")
    early = await desk.post(f"{path}/hearing-decision",
                            {"decided_on": "2026-09-08", "summary": "Too early"})
    assert early.status_code == 409
    assert "ends on October 1, 2026 (34 CFR 300.510(b))" in early.json()["detail"]
    desk.set_today(date(2026, 11, 1))
    decided = await desk.post(f"{path}/hearing-decision",
                              {"decided_on": "2026-11-01", "summary": "Speech restored"})
    (dispute,) = decided.json()["disputes"]
    assert (dispute["status"], dispute["ending"], dispute["stay_put"]) == (
        "resolved", "hearing_decision", False)
    deadlines = {d["deadline"]: (d["met"], d["overdue"]) for d in dispute["deadlines"]}
    assert deadlines == {"response": (True, False), "resolution_meeting": (True, False),
                         "hearing_decision": (True, False)}


async def test_a_waived_resolution_meeting_sets_the_hearing_decision_due(desk):
    path = f"/disputes/{await dispute_of(desk, covered_by_notice_id=None)}"
    waived = await desk.post(f"{path}/resolution-meeting-waiver", {"waived_on": "2026-09-01"})
    (dispute,) = waived.json()["disputes"]
    assert {d["deadline"]: d["due_on"] for d in dispute["deadlines"]}["hearing_decision"] == (
        "2026-10-16")


async def test_a_mediation_request_ends_with_a_signed_agreement(desk):
    path = f"/disputes/{await dispute_of(desk, kind='mediation', particulars=None)}"
    agreed = await desk.post(f"{path}/mediation-agreement",
                             {"agreed_on": "2026-09-01", "terms": "Two more sessions"})
    assert agreed.json()["disputes"][0]["ending"] == "mediation_agreement"


async def test_a_state_complaint_ends_with_the_states_decision(desk):
    dispute_id = await dispute_of(desk, kind="state_complaint", knew_on=None,
                                  violation_on="2026-06-01")
    path = f"/disputes/{dispute_id}"
    decided = await desk.post(f"{path}/state-complaint-decision",
                              {"decided_on": "2026-09-01", "findings": "No violation"})
    (dispute,) = decided.json()["disputes"]
    assert (dispute["ending"], dispute["deadlines"][0]["due_on"]) == (
        "state_complaint_decision", "2026-10-31")


async def test_a_team_meeting_request_is_resolved_at_a_meeting_and_not_by_a_hearing(desk):
    path = f"/disputes/{await dispute_of(desk, kind='team_meeting_request', particulars=None)}"
    hearing = await desk.post(f"{path}/hearing-decision",
                              {"decided_on": "2026-09-01", "summary": "s"})
    assert (hearing.status_code, hearing.json()["detail"]) == (
        409, "A request for a team meeting has no hearing decision; that step belongs to a "
             "due process complaint.")
    resolved = await desk.post(f"{path}/team-meeting-resolution",
                               {"resolved_on": "2026-09-01", "summary": "Goals revised"})
    assert resolved.json()["disputes"][0]["ending"] == "team_meeting"


async def test_the_parent_withdraws_their_complaint_and_no_further_step_is_taken(system, desk):
    dispute_id = await dispute_of(desk)
    path = f"/disputes/{dispute_id}"
    pool = system.runtime("planning").pool
    live = "SELECT count(*) FROM timers WHERE strpos(timer_id, $1) > 0 AND cancelled_at IS NULL"
    assert await pool.fetchval(live, dispute_id) == 5  # response, meeting: 2 each; period end
    withdrawn = await desk.post(f"{path}/withdrawal", {}, desk.parent())
    assert withdrawn.json()["disputes"][0]["status"] == "withdrawn"
    assert await pool.fetchval(live, dispute_id) == 0  # its deadlines are gone
    late = await desk.post(f"{path}/response", {
        "explanation": "e", "records_used": ["r"],
        "options_considered": [{"option": "o", "why_rejected": "w"}]})
    assert late.status_code == 409
    assert "was withdrawn on September 1, 2026" in late.json()["detail"]


async def test_a_step_on_an_unknown_dispute_is_404(desk):
    response = await desk.post("/disputes/no-such-dispute/withdrawal", {}, desk.parent())
    assert (response.status_code, response.json()["detail"]) == (
        404, "no such dispute in this planning case")
