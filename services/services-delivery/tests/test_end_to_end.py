"""From referral to services delivered and reported: the referral, evaluation, planning and
services-delivery services running as in production (HTTP, PostgreSQL, the broker, the
workers and their timers), with one clock the test moves. A consented plan's service is
scheduled, sessions are logged, a session the provider missed is owed back and made up,
and the quarterly progress report falls due, is issued and opens as a PDF naming the goals
in the mother's language."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from iep_kernel.clock import FixedClock
from iep_kernel.service import discover_services
from iep_kernel.testing.waiting import eventually

SCHOOL = "sch-lincoln"
STUDENT = "S-5150"
MOTHER, FATHER = "g-rosa", "g-tomas"
PURPOSE = {"X-Access-Purpose": "delivering the student's IEP services"}
NOTICE = {"reasons": "The evaluation found a learning disability in reading",
          "records_used": ["Evaluation report"],
          "options_considered": [{"option": "General education only",
                                  "why_rejected": "Not enough progress"}],
          "sources_of_help": ["State Parent Training and Information Center"]}
REFERRAL = {
    "student": {"district_student_id": STUDENT, "name": "Lucia Garcia",
                "date_of_birth": "2017-05-14", "grade": "3", "school_id": SCHOOL,
                "primary_language": "es"},
    "guardians": [{"guardian_id": MOTHER, "name": "Rosa Garcia", "preferred_language": "es"},
                  {"guardian_id": FATHER, "name": "Tomas Garcia",
                   "preferred_language": "en"}],
    "referred_by": {"name": "Grace Park", "role": "teacher"},
    "concerns": {"text": "Lucia struggles to decode words", "areas": ["schoolwork"]}}
TEAM = [{"name": "Rosa Garcia", "roles": ["parent"]},
        {"name": "Grace Park", "roles": ["regular_education_teacher"]},
        {"name": "Ana Ruiz", "roles": ["special_education_teacher"]},
        {"name": "Dr. Lee", "roles": ["district_representative", "evaluation_interpreter"]}]
SPEECH = {"service": "speech_language_pathology",
          "provider_role": "speech-language pathologist", "minutes": 30, "frequency": "weekly",
          "location": "speech room", "starts_on": "2026-05-18", "ends_on": "2027-05-09"}
FLUENCY = "Read grade-level text aloud fluently"
SOUNDS = "Produce the r sound in conversation"
PLAN = {
    "present_levels": {"academic_achievement": "Reads at a first-grade level",
                       "functional_performance": "Follows two-step directions",
                       "effect_on_general_curriculum": "Cannot read grade-level texts"},
    "annual_goals": [{"area": "reading", "statement": FLUENCY,
                      "baseline": "40 words a minute", "target": "90 words a minute",
                      "measured_by": "weekly fluency probes", "progress_reports": "quarterly"},
                     {"area": "speech", "statement": SOUNDS, "baseline": "20% of attempts",
                      "target": "80% of attempts", "measured_by": "speech probes",
                      "progress_reports": "quarterly"}],
    "services": [SPEECH], "supplementary_aids": ["audiobooks"], "program_modifications": [],
    "time_outside_regular_class": {"minutes_per_week": 30,
                                   "explanation": "Speech in the speech room"},
    "testing_accommodations": ["extended time"]}
DELIVERY = f"/api/services-delivery/students/{STUDENT}"


class People:
    def __init__(self, system: Any, clock: FixedClock) -> None:
        self.system, self.clock = system, clock
        self.client: httpx.AsyncClient = system.client

    def staff(self, role: str = "case_manager") -> dict[str, str]:
        return {**self.system.auth(role, f"{role}-1", [SCHOOL]), **PURPOSE}

    def parent(self, guardian_id: str = MOTHER) -> dict[str, str]:
        return self.system.auth("parent", guardian_id)

    def on(self, day: str) -> None:
        self.clock.set(datetime.fromisoformat(f"{day}T15:00:00+00:00"))

    async def post(self, path: str, body: dict[str, Any], headers: dict[str, str],
                   expect: int = 200) -> dict[str, Any]:
        response = await self.client.post(path, json=body, headers=headers)
        assert response.status_code == expect, response.text
        return dict(response.json())

    async def found(self, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
        response = await self.client.get(path, params=params, headers=self.staff())
        assert response.status_code == 200, response.text
        return list(response.json())

    async def services(self) -> dict[str, Any]:
        response = await self.client.get(DELIVERY, headers=self.staff("provider"))
        return dict(response.json()) if response.status_code == 200 else {}


async def _to_a_consented_plan(people: People) -> None:
    referral = await people.post("/api/referral/referrals", REFERRAL, people.staff(), 201)
    referral_path = f"/api/referral/referrals/{referral['referral_id']}"
    await people.post(f"{referral_path}/consent-request", {
        **NOTICE, "assessments_proposed": [{"area": "reading", "description": "Reading"}]},
        people.staff())
    await people.post(f"{referral_path}/consent",
                      {"decision": "given", "signed_on": "2026-03-02"}, people.parent())
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
    cases: list[dict[str, Any]] = []

    async def planning_opened() -> bool:
        cases[:] = await people.found("/api/planning/cases", {"student_id": STUDENT})
        return bool(cases)
    await eventually(planning_opened, what="the planning case opened from eligibility")
    case_path = f"/api/planning/cases/{cases[0]['case_id']}"
    people.on("2026-05-01")
    scheduled = await people.post(f"{case_path}/meetings", {
        "purposes": ["initial_plan"], "meeting_on": "2026-05-10", "starts_at": "09:30",
        "location": "Lincoln Elementary", "invited": TEAM[1:]}, people.staff(), 201)
    meeting_id = scheduled["meetings"][0]["meeting_id"]
    people.on("2026-05-10")
    await people.post(f"{case_path}/meetings/{meeting_id}/held", {"attendees": TEAM},
                      people.staff())
    drafted = await people.post(f"{case_path}/plans", {"content": PLAN},
                                people.staff("teacher"), 201)
    plan_id = drafted["drafts"][0]["plan_id"]
    await people.post(f"{case_path}/plans/{plan_id}/finalize",
                      {"meeting_id": meeting_id, "notice": NOTICE}, people.staff())
    consented = await people.post(f"{case_path}/consent",
                                  {"decision": "given", "signed_on": "2026-05-10"},
                                  people.parent(FATHER))
    assert consented["status"] == "in_effect"


async def test_a_consented_plan_to_sessions_owed_minutes_and_a_progress_report_pdf(isolation):
    clock = FixedClock(datetime(2026, 3, 2, 15, tzinfo=UTC))
    system = await isolation.system(
        discover_services(["referral", "evaluation", "planning", "services-delivery"]),
        clock=clock, workers=True)
    people = People(system, clock)
    await _to_a_consented_plan(people)

    # The worker turns the consented plan into a schedule.
    async def scheduled() -> bool:
        return bool((await people.services()).get("schedules"))
    await eventually(scheduled, what="the speech schedule from the consented plan")
    (speech,) = (await people.services())["schedules"]
    assert (speech["minutes_per_session"], speech["starts_on"]) == (30, "2026-05-18")
    schedule_id = speech["schedule_id"]

    # The provider logs a delivered session, a session missed through their absence (owed
    # back), and makes the minutes up; progress is measured on both goals.
    people.on("2026-06-01")
    provider = people.staff("provider")
    sessions = f"{DELIVERY}/sessions"
    await people.post(sessions, {"schedule_id": schedule_id, "session_on": "2026-05-18",
                                 "outcome": "delivered"}, provider, 201)
    missed = await people.post(sessions, {
        "schedule_id": schedule_id, "session_on": "2026-05-25", "outcome": "missed",
        "cause": "provider_absent", "note": "the therapist was out sick"}, provider, 201)
    assert missed["schedules"][0]["compensatory_owed"] == 30
    made_up = await people.post(f"{DELIVERY}/compensatory-sessions", {
        "schedule_id": schedule_id, "delivered_on": "2026-05-29", "minutes": 20}, provider, 201)
    assert made_up["schedules"][0]["compensatory_owed"] == 10
    for goal_id, day, value in (("g1", "2026-05-20", 46), ("g1", "2026-05-27", 52),
                                ("g2", "2026-05-27", 35)):
        await people.post(f"{DELIVERY}/observations", {"goal_id": goal_id, "observed_on": day,
                                                       "value": value}, provider, 201)

    # On the plan's first quarterly date the report falls due (a timer).
    people.on("2026-08-12")

    async def report_due() -> bool:
        return bool((await people.services()).get("reports"))
    await eventually(report_due, what="the progress report due on its date")
    issued = await people.post(f"{DELIVERY}/progress-reports", {}, people.staff(), 201)
    (report,) = issued["reports"]
    assert report["issued_on"] == "2026-08-12"
    assert set(report["statuses"]) == {"g1", "g2"}

    # The mother opens it: a PDF in Spanish naming both goals.
    pdf = await system.client.get(report["pdf"], headers=people.parent(MOTHER))
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert FLUENCY.encode() in pdf.content and SOUNDS.encode() in pdf.content
    assert b"Informe de progreso" in pdf.content
    # Another family's parent cannot.
    stranger = await system.client.get(report["pdf"], headers=people.parent("g-other"))
    assert stranger.status_code == 404
