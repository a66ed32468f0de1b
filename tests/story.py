"""The story the cross-service tests tell: a family, a school, their referral and plan, and
the people who call the API, each with their own token."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from iep_kernel.clock import FixedClock
from iep_kernel.testing.waiting import eventually

SCHOOL = "sch-lincoln"
STUDENT = "S-4711"
MOTHER, FATHER = "g-rosa", "g-tomas"
PURPOSE = {"X-Access-Purpose": "developing the student's IEP"}
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
READING = {"service": "specially_designed_instruction",
           "provider_role": "special education teacher", "minutes": 45, "frequency": "daily",
           "location": "resource room", "starts_on": "2026-05-18", "ends_on": "2027-05-09"}
PLAN = {
    "present_levels": {"academic_achievement": "Reads at a first-grade level",
                       "functional_performance": "Follows two-step directions",
                       "effect_on_general_curriculum": "Cannot read grade-level texts"},
    "annual_goals": [{"area": "reading", "statement": "Read grade-level text fluently",
                      "baseline": "40 words a minute", "target": "90 words a minute",
                      "measured_by": "weekly fluency probes",
                      "progress_reports": "quarterly"}],
    "services": [READING], "supplementary_aids": ["audiobooks"], "program_modifications": [],
    "time_outside_regular_class": {"minutes_per_week": 225,
                                   "explanation": "Reading in the resource room"},
    "testing_accommodations": ["extended time"]}


class People:
    """The people of the story, each calling the API with their own token."""

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

    def today(self) -> str:
        return self.clock.now().date().isoformat()

    async def eventually_found(self, path: str, what: str) -> list[dict[str, Any]]:
        """The student's records at `path` once a worker has made them."""
        found: list[dict[str, Any]] = []

        async def made() -> bool:
            found[:] = await self.found(path, {"student_id": STUDENT})
            return bool(found)
        await eventually(made, what=what)
        return found


async def drive_to_consented_plan(people: People) -> dict[str, str]:
    """Referral, consent, evaluation, eligibility, the meeting, the plan and the parents'
    consent to services, each a real HTTP call; the paths of the records made."""
    referral = await people.post("/api/referral/referrals", REFERRAL, people.staff(), 201)
    referral_path = f"/api/referral/referrals/{referral['referral_id']}"
    await people.post(f"{referral_path}/consent-request", {
        **NOTICE, "assessments_proposed": [{"area": "reading", "description": "Reading"}]},
        people.staff())
    await people.post(f"{referral_path}/consent",
                      {"decision": "given", "signed_on": people.today()}, people.parent())
    (evaluation,) = await people.eventually_found("/api/evaluation/evaluations",
                                                  "the evaluation opened from consent")
    evaluation_path = f"/api/evaluation/evaluations/{evaluation['evaluation_id']}"
    for evaluator, role in (("Dr. Ruth Chen", "psychologist"), ("Sam Okafor", "teacher")):
        await people.post(f"{evaluation_path}/assessments", {
            "area": "reading", "evaluator": {"name": evaluator, "role": role},
            "instrument": "WIAT-4", "completed_on": people.today(),
            "summary": "reads two grades below level"}, people.staff("evaluator"), 201)
    await people.post(f"{evaluation_path}/eligibility", {
        "eligible": True, "categories": ["specific_learning_disability"],
        "adverse_effect": True, "needs_special_education": True,
        "team": [{"name": "Rosa Garcia", "role": "parent"},
                 {"name": "Dr. Ruth Chen", "role": "psychologist"}],
        "parent_participated": True, "determined_on": people.today(),
        "rationale": "a learning disability in reading"}, people.staff(), 201)
    (case,) = await people.eventually_found("/api/planning/cases",
                                            "the planning case opened from eligibility")
    case_path = f"/api/planning/cases/{case['case_id']}"
    scheduled = await people.post(f"{case_path}/meetings", {
        "purposes": ["initial_plan"], "meeting_on": people.today(), "starts_at": "09:30",
        "location": "Lincoln Elementary", "invited": TEAM[1:]}, people.staff(), 201)
    meeting_id = scheduled["meetings"][0]["meeting_id"]
    await people.post(f"{case_path}/meetings/{meeting_id}/held", {"attendees": TEAM},
                      people.staff())
    drafted = await people.post(f"{case_path}/plans", {"content": PLAN},
                                people.staff("teacher"), 201)
    plan_id = drafted["drafts"][0]["plan_id"]
    await people.post(f"{case_path}/plans/{plan_id}/finalize",
                      {"meeting_id": meeting_id, "notice": NOTICE}, people.staff())
    await people.post(f"{case_path}/consent", {"decision": "given",
                                               "signed_on": people.today()}, people.parent())
    return {"referral": referral_path, "evaluation": evaluation_path, "case": case_path}
