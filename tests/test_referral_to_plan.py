"""From referral to a plan in effect, and a due process complaint that holds the placement:
the referral, evaluation and planning services running as in production, through HTTP,
PostgreSQL and the broker, with one clock the test moves."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from iep_kernel.clock import FixedClock
from iep_kernel.service import discover_services
from iep_kernel.testing.waiting import eventually
from story import FATHER, MOTHER, NOTICE, PLAN, REFERRAL, STUDENT, TEAM, People


async def test_from_referral_to_a_consented_plan_then_stay_put_holds_the_placement(isolation):
    clock = FixedClock(datetime(2026, 3, 2, 15, tzinfo=UTC))
    system = await isolation.system(
        discover_services(["referral", "evaluation", "planning", "views"]), clock=clock,
        workers=True)
    people = People(system, clock)

    # Referral, the request for consent with prior written notice, the parent's consent.
    referral = await people.post("/api/referral/referrals", REFERRAL, people.staff(), 201)
    referral_path = f"/api/referral/referrals/{referral['referral_id']}"
    await people.post(f"{referral_path}/consent-request", {
        **NOTICE, "assessments_proposed": [{"area": "reading", "description": "Reading"}]},
        people.staff())
    await people.post(f"{referral_path}/consent",
                      {"decision": "given", "signed_on": "2026-03-02"}, people.parent())

    # The evaluation opens from the consent on the referral topic.
    evaluations: list[dict[str, Any]] = []

    async def evaluation_opened() -> bool:
        evaluations[:] = await people.found("/api/evaluation/evaluations",
                                            {"student_id": STUDENT})
        return bool(evaluations)
    await eventually(evaluation_opened, what="the evaluation opened from consent")
    evaluation_path = f"/api/evaluation/evaluations/{evaluations[0]['evaluation_id']}"

    people.on("2026-04-15")
    for evaluator, role in (("Dr. Ruth Chen", "psychologist"), ("Sam Okafor", "teacher")):
        await people.post(f"{evaluation_path}/assessments", {
            "area": "reading", "evaluator": {"name": evaluator, "role": role},
            "instrument": "WIAT-4", "completed_on": "2026-04-01",
            "summary": "reads two grades below level"}, people.staff("evaluator"), 201)
    await people.post(f"{evaluation_path}/eligibility", {
        "eligible": True, "categories": ["specific_learning_disability"],
        "adverse_effect": True, "needs_special_education": True,
        "team": [{"name": "Rosa Garcia", "role": "parent"},
                 {"name": "Dr. Ruth Chen", "role": "psychologist"}],
        "parent_participated": True, "determined_on": "2026-04-15",
        "rationale": "a learning disability in reading"}, people.staff(), 201)

    # Planning opens from the eligible determination, knowing the guardians from the
    # referral: the meeting is due 30 days after the determination.
    cases: list[dict[str, Any]] = []

    async def planning_opened() -> bool:
        cases[:] = await people.found("/api/planning/cases", {"student_id": STUDENT})
        return bool(cases)
    await eventually(planning_opened, what="the planning case opened from eligibility")
    assert cases[0]["initial_meeting"]["due_on"] == "2026-05-15"
    case_path = f"/api/planning/cases/{cases[0]['case_id']}"

    # The meeting: scheduled with notice to each guardian, held with the full team.
    people.on("2026-05-01")
    scheduled = await people.post(f"{case_path}/meetings", {
        "purposes": ["initial_plan"], "meeting_on": "2026-05-10", "starts_at": "09:30",
        "location": "Lincoln Elementary", "invited": TEAM[1:]}, people.staff(), 201)
    assert [g["language"] for g in scheduled["guardians"]] == ["es", "en"]
    meeting_id = scheduled["meetings"][0]["meeting_id"]
    notices = [e.data for e in await system.runtime("planning").store.read_all(0)
               if e.event_type == "MeetingNoticeIssued"]
    assert [(n.guardian_id, n.language) for n in notices] == [(MOTHER, "es"), (FATHER, "en")]

    people.on("2026-05-10")
    await people.post(f"{case_path}/meetings/{meeting_id}/held", {"attendees": TEAM},
                      people.staff())
    drafted = await people.post(f"{case_path}/plans", {"content": PLAN},
                                people.staff("teacher"), 201)
    plan_id = drafted["drafts"][0]["plan_id"]
    written = await people.post(f"{case_path}/plans/{plan_id}/finalize",
                                {"meeting_id": meeting_id, "notice": NOTICE}, people.staff())
    assert (written["status"], written["plan_in_effect"]) == ("awaiting_consent", None)

    # Services begin once a guardian consents.
    consented = await people.post(f"{case_path}/consent",
                                  {"decision": "given", "signed_on": "2026-05-10"},
                                  people.parent(FATHER))
    assert consented["status"] == "in_effect"
    assert consented["plan_in_effect"]["version"] == 1
    assert consented["annual_review"]["due_on"] == "2027-05-10"

    # The parent files a due process complaint; while it is pending, stay put.
    people.on("2026-09-01")
    filed = await people.post(f"{case_path}/disputes", {
        "kind": "due_process_complaint", "problem": "Reading support is not enough",
        "proposed_resolution": "A reading specialist daily",
        "particulars": {"child_name": "Lucia Garcia", "address": "4 Oak Lane",
                        "school": "Lincoln Elementary"},
        "knew_on": "2026-08-25"}, people.parent(), 201)
    (dispute,) = filed["disputes"]
    assert (dispute["status"], dispute["stay_put"]) == ("pending", True)

    # The views: the staff caseload and the mother's page, in Spanish, as soon as the
    # filing is applied.
    caseload = (await system.client.get("/api/views/caseload", headers=people.staff(), params={
        "min_position": filed["position"], "source": "planning"})).json()
    assert caseload["caught_up"] is True
    (line,) = caseload["students"]
    assert (line["stage"], line["stay_put"], line["next_deadline"]["kind"]) == (
        "in_dispute", True, "dispute_response_due")
    (child,) = (await system.client.get("/api/views/my-children",
                                        headers=people.parent())).json()["children"]
    assert child["summary"] == (
        "Su disputa se recibió el 1 de septiembre de 2026; debe celebrarse una reunión de "
        "resolución a más tardar el 16 de septiembre de 2026. Mientras esté pendiente, su hijo "
        "o hija permanece en la ubicación actual con los servicios actuales.")
    assert {d["deadline"]: d["due_on"] for d in dispute["deadlines"]} == {
        "response": "2026-09-11", "resolution_meeting": "2026-09-16"}

    more_time_outside = {"time_outside_regular_class": {
        "minutes_per_week": 900, "explanation": "Most of the day in a special class"}}
    refused = await system.client.post(f"{case_path}/amendments", json={
        "changes": more_time_outside, "method": "written_agreement",
        "agreement": {"guardian_id": MOTHER, "signed_on": "2026-09-01"}, "notice": NOTICE},
        headers=people.staff())
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        f"A due process complaint filed on September 1, 2026 (dispute "
        f"{dispute['dispute_id']}) is pending, and while it is pending the child stays in "
        "the current placement with the current services (34 CFR 300.518). This amendment "
        "changes the placement (time outside the regular class): record the parent's and the "
        "district's written agreement to the change, or wait until the complaint is "
        "resolved.")
    case = (await system.client.get(case_path, headers=people.staff())).json()
    assert [v["version"] for v in case["versions"]] == [1]
    assert case["plan_in_effect"]["content"]["time_outside_regular_class"][
        "minutes_per_week"] == 225
