"""`iep seed --demo`: a small district a newcomer can walk through in the first minute.

Two schools, the demo people of the web app's dev sign-in (their ids are fixed here and
there: guardians `demo-parent-miller` and `demo-parent-hernandez`, staff serving `sch-001`
and `sch-002`), and students at every stage, each brought there by the services' real
commands over HTTP: referred, consent awaited, refused, withdrawn, evaluating, not
eligible, Section 504, eligible with the meeting scheduled, and a plan written and waiting
for the parent's consent to services. Everything happens on the system's today.
"""

import asyncio
from datetime import date, timedelta
from typing import Any

import httpx

from iep_views.seed.drive import NOTICE, PURPOSE

MILLER, HERNANDEZ = "demo-parent-miller", "demo-parent-hernandez"
SCHOOLS = ("sch-001", "sch-002")

# student id, name, school, grade, guardian id, guardian name, language, where it stops
STUDENTS: tuple[tuple[str, str, str, str, str, str, str, str], ...] = (
    ("D-1001", "Maria Miller", "sch-001", "3", MILLER, "Grace Miller", "en", "consent_asked"),
    ("D-1002", "Leo Miller", "sch-001", "5", MILLER, "Grace Miller", "en", "plan_written"),
    ("D-1003", "Sofía Hernández", "sch-001", "2", HERNANDEZ, "Lucía Hernández", "es",
     "evaluating"),
    ("D-1004", "Mateo Hernández", "sch-001", "K", HERNANDEZ, "Lucía Hernández", "es",
     "meeting_scheduled"),
    ("D-1005", "Noah Kim", "sch-001", "4", "demo-guardian-kim", "Jin Kim", "en", "referred"),
    ("D-1006", "Ava Brown", "sch-001", "1", "demo-guardian-brown", "Sam Brown", "en",
     "refused"),
    ("D-1007", "Liam Garcia", "sch-002", "6", "demo-guardian-garcia", "Rosa Garcia", "es",
     "not_eligible"),
    ("D-1008", "Emma Wilson", "sch-002", "7", "demo-guardian-wilson", "Kate Wilson", "en",
     "section_504"),
    ("D-1009", "Lucas Nguyen", "sch-002", "3", "demo-guardian-nguyen", "An Nguyen", "vi",
     "withdrawn"),
    ("D-1010", "Mia Patel", "sch-002", "8", "demo-guardian-patel", "Ravi Patel", "en",
     "evaluating"),
)
ORDER = ("referred", "consent_asked", "refused", "withdrawn", "evaluating", "not_eligible",
         "section_504", "meeting_scheduled", "plan_written")
ASSESSORS = (("reading", "Mei Chen", "psychologist"),
             ("speech", "Dia Patel", "speech_therapist"))
TEAM = [{"name": "Ana Ruiz", "roles": ["special_education_teacher"]},
        {"name": "Ben Okafor", "roles": ["regular_education_teacher"]},
        {"name": "Eve Larsen", "roles": ["district_representative", "evaluation_interpreter"]}]


class DemoFailed(Exception):
    pass


class Demo:
    """Drives the commands as the demo staff and parents (tokens from `token`)."""

    def __init__(self, client: httpx.AsyncClient, token: Any, today: date,
                 wait_seconds: float = 60.0) -> None:
        self.client = client
        self.token = token  # (subject, role, schools) -> bearer token
        self.today = today
        self.wait_seconds = wait_seconds
        self.commands = 0

    def _staff(self) -> dict[str, str]:
        token = self.token("demo-case-manager", "case_manager", SCHOOLS)
        return {"Authorization": f"Bearer {token}", **PURPOSE}

    def _parent(self, guardian: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(guardian, 'parent', ())}"}

    async def _send(self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
                    ) -> dict[str, Any]:
        response = await self.client.post(path, json=body, headers=headers or self._staff())
        if response.status_code >= 400:
            raise DemoFailed(f"{path}: {response.status_code} {response.text[:300]}")
        self.commands += 1
        return dict(response.json())

    async def _eventually(self, path: str, params: dict[str, str], what: str) -> Any:
        deadline = asyncio.get_running_loop().time() + self.wait_seconds
        while True:
            response = await self.client.get(path, params=params, headers=self._staff())
            found = response.json() if response.status_code == 200 else None
            if found:
                return found
            if asyncio.get_running_loop().time() > deadline:
                raise DemoFailed(f"{what} did not happen within {self.wait_seconds} s")
            await asyncio.sleep(0.2)

    async def student(self, row: tuple[str, str, str, str, str, str, str, str]) -> None:
        student_id, name, school, grade, guardian, guardian_name, language, stop = row
        upto = ORDER.index(stop)
        referral = await self._send("/api/referral/referrals", {
            "student": {"district_student_id": student_id, "name": name,
                        "date_of_birth": (self.today - timedelta(days=365 * (int(grade) + 6)
                                          if grade.isdigit() else 365 * 5)).isoformat(),
                        "grade": grade, "school_id": school, "primary_language": language},
            "guardians": [{"guardian_id": guardian, "name": guardian_name,
                           "preferred_language": language}],
            "referred_by": {"name": "Ben Okafor", "role": "teacher"},
            "concerns": {"text": f"{name.split()[0]} finds reading and writing hard",
                         "areas": ["schoolwork", "attention"]}})
        path = f"/api/referral/referrals/{referral['referral_id']}"
        if upto == ORDER.index("referred"):
            return
        if stop == "withdrawn":
            await self._send(f"{path}/close", {"reason": "withdrawn",
                                               "note": "The family moved away"})
            return
        await self._send(f"{path}/consent-request", {**NOTICE, "assessments_proposed": [
            {"area": "reading", "description": "Reading and writing battery"},
            {"area": "speech", "description": "Speech and language screening"}]})
        if stop == "consent_asked":
            return
        decision = "refused" if stop == "refused" else "given"
        await self._send(f"{path}/consent", {"decision": decision,
                                             "signed_on": self.today.isoformat()},
                         self._parent(guardian))
        if stop == "refused":
            return
        found = await self._eventually("/api/evaluation/evaluations",
                                       {"student_id": student_id}, "the evaluation opening")
        evaluation = f"/api/evaluation/evaluations/{found[0]['evaluation_id']}"
        assessors = ASSESSORS[:1] if stop == "evaluating" else ASSESSORS
        for area, evaluator, role in assessors:
            await self._send(f"{evaluation}/assessments", {
                "area": area, "evaluator": {"name": evaluator, "role": role},
                "instrument": "Standard battery", "completed_on": self.today.isoformat(),
                "summary": "Scores well below grade level"})
        if stop == "evaluating":
            return
        eligible = stop not in ("not_eligible", "section_504")
        await self._send(f"{evaluation}/eligibility", {
            "eligible": eligible,
            "categories": ["specific_learning_disability"] if eligible else [],
            "adverse_effect": eligible, "needs_special_education": eligible,
            "team": [{"name": guardian_name, "role": "parent"},
                     {"name": "Ana Ruiz", "role": "district_representative"}],
            "parent_participated": True, "determined_on": self.today.isoformat(),
            "rationale": "The team reviewed both assessments with the parent",
            "section_504_referral": stop == "section_504"})
        if not eligible:
            return
        cases = await self._eventually("/api/planning/cases", {"student_id": student_id},
                                       "the planning case opening")
        await self._plan(cases[0]["case_id"], guardian_name, stop)

    async def _plan(self, case_id: str, guardian_name: str, stop: str) -> None:
        case = f"/api/planning/cases/{case_id}"
        meeting_on = self.today if stop == "plan_written" else self.today + timedelta(days=10)
        scheduled = await self._send(f"{case}/meetings", {
            "purposes": ["initial_plan"], "meeting_on": meeting_on.isoformat(),
            "starts_at": "15:30", "location": "School office", "invited": TEAM})
        if stop == "meeting_scheduled":
            return
        meeting_id = scheduled["meetings"][-1]["meeting_id"]
        await self._send(f"{case}/meetings/{meeting_id}/held", {
            "attendees": [{"name": guardian_name, "roles": ["parent"]}, *TEAM]})
        drafted = await self._send(f"{case}/plans", {"content": self._content()})
        await self._send(f"{case}/plans/{drafted['drafts'][-1]['plan_id']}/finalize",
                         {"meeting_id": meeting_id, "notice": NOTICE})

    def _content(self) -> dict[str, Any]:
        starts, ends = self.today + timedelta(days=7), self.today + timedelta(days=364)
        return {
            "present_levels": {"academic_achievement": "Reads two grades below level",
                               "functional_performance": "Follows two-step directions",
                               "effect_on_general_curriculum": "Needs support with texts"},
            "annual_goals": [{"area": "reading", "statement": "Read grade-level text fluently",
                              "baseline": "40 words a minute", "target": "90 words a minute",
                              "measured_by": "Weekly fluency probes",
                              "progress_reports": "quarterly"}],
            "services": [{"service": "specially_designed_instruction",
                          "provider_role": "special education teacher", "minutes": 45,
                          "frequency": "daily", "location": "resource room",
                          "starts_on": starts.isoformat(), "ends_on": ends.isoformat()}],
            "supplementary_aids": ["Audiobooks"], "program_modifications": [],
            "time_outside_regular_class": {"minutes_per_week": 225,
                                           "explanation": "Reading in the resource room"},
            "testing_accommodations": ["Extended time"]}

    async def run(self) -> int:
        await asyncio.gather(*(self.student(row) for row in STUDENTS))
        return self.commands
