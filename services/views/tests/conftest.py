"""The referral, evaluation and views services running together on the real database and
broker, with a clock the tests set, and a desk to act as the people who use them."""

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from iep_kernel.clock import FixedClock
from iep_kernel.service import discover_services
from iep_kernel.testing.waiting import eventually

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
REFERRALS = "/api/referral/referrals"
STAFF_PURPOSE = {"X-Access-Purpose": "caseload review"}
NOTICE = {
    "reasons": "Reading two grade levels behind after a year of small-group support",
    "records_used": ["Teacher referral", "Spring reading benchmark"],
    "options_considered": [{"option": "Continue small-group reading",
                            "why_rejected": "No progress in two terms"}],
    "sources_of_help": ["State Parent Training and Information Center"],
}


TEAM = [{"name": "Grace Park", "roles": ["regular_education_teacher"]},
        {"name": "Ana Ruiz", "roles": ["special_education_teacher"]},
        {"name": "Dr. Lee", "roles": ["district_representative", "evaluation_interpreter"]}]
PLAN = {
    "present_levels": {"academic_achievement": "Reads at a first-grade level",
                       "functional_performance": "Follows two-step directions",
                       "effect_on_general_curriculum": "Cannot read grade-level texts"},
    "annual_goals": [{"area": "reading", "statement": "Read grade-level text fluently",
                      "baseline": "40 words a minute", "target": "90 words a minute",
                      "measured_by": "weekly fluency probes",
                      "progress_reports": "quarterly"}],
    "services": [{"service": "specially_designed_instruction",
                  "provider_role": "special education teacher", "minutes": 45,
                  "frequency": "daily", "location": "resource room",
                  "starts_on": "2026-03-02", "ends_on": "2027-02-26"}],
    "supplementary_aids": ["audiobooks"], "program_modifications": [],
    "time_outside_regular_class": {"minutes_per_week": 225,
                                   "explanation": "Reading in the resource room"},
    "testing_accommodations": ["extended time"]}


class Desk:
    """Acts through the services' APIs as staff and parents."""

    def __init__(self, system: Any, clock: FixedClock) -> None:
        self.system = system
        self.clock = clock
        self.client: httpx.AsyncClient = system.client

    def staff(self, role: str = "case_manager", schools: tuple[str, ...] = ("sch-1",),
              sub: str | None = None, purpose: str | None = "caseload review"
              ) -> dict[str, str]:
        headers = self.system.auth(role, sub or f"{role}-1", schools)
        if purpose:
            headers["X-Access-Purpose"] = purpose
        return headers

    def parent(self, guardian_id: str) -> dict[str, str]:
        return self.system.auth("parent", guardian_id)

    def set_today(self, day: date) -> None:
        self.clock.set(datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC))

    async def refer(self, student_id: str, school_id: str = "sch-1",
                    guardians: tuple[tuple[str, str], ...] = (("g-1", "en"),),
                    name: str = "Maria Lopez", referred_on: date | None = None
                    ) -> dict[str, Any]:
        body = {
            "student": {"district_student_id": student_id, "name": name,
                        "date_of_birth": "2017-05-14", "grade": "3", "school_id": school_id,
                        "primary_language": guardians[0][1]},
            "guardians": [{"guardian_id": g, "name": f"Guardian {g}", "preferred_language": lang}
                          for g, lang in guardians],
            "referred_by": {"name": "Grace Park", "role": "teacher"},
            "concerns": {"text": f"{name} struggles to decode words",
                         "areas": ["schoolwork", "attention"]},
        }
        if referred_on:
            body["referred_on"] = referred_on.isoformat()
        response = await self.client.post(REFERRALS, json=body,
                                          headers=self.staff(schools=(school_id,)))
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def ask_consent(self, referral_id: str, school_id: str = "sch-1") -> dict[str, Any]:
        response = await self.client.post(
            f"{REFERRALS}/{referral_id}/consent-request",
            json={**NOTICE, "assessments_proposed": [
                {"area": "reading", "description": "Standardized reading battery"},
                {"area": "cognitive", "description": "Cognitive assessment"}]},
            headers=self.staff(schools=(school_id,)))
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def answer(self, referral_id: str, guardian_id: str, decision: str = "given"
                     ) -> dict[str, Any]:
        response = await self.client.post(
            f"{REFERRALS}/{referral_id}/consent",
            json={"decision": decision,
                  "signed_on": self.clock.now().date().isoformat()},
            headers=self.parent(guardian_id))
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def evaluation_of(self, student_id: str, school_id: str = "sch-1") -> str:
        found: list[str] = []

        async def opened() -> bool:
            response = await self.client.get(
                "/api/evaluation/evaluations", params={"student_id": student_id},
                headers=self.staff(schools=(school_id,)))
            found[:] = [e["evaluation_id"] for e in response.json()]
            return bool(found)

        await eventually(opened, what="the evaluation opened from consent")
        return found[0]

    async def assess(self, evaluation_id: str, evaluator: str, area: str = "reading",
                     school_id: str = "sch-1") -> dict[str, Any]:
        response = await self.client.post(
            f"/api/evaluation/evaluations/{evaluation_id}/assessments",
            json={"area": area, "evaluator": {"name": evaluator, "role": "psychologist"},
                  "instrument": "WISC-V", "completed_on": self.clock.now().date().isoformat(),
                  "summary": "Scores in the low average range"},
            headers=self.staff("evaluator", schools=(school_id,)))
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def determine(self, evaluation_id: str, eligible: bool = True,
                        section_504: bool = False, school_id: str = "sch-1") -> dict[str, Any]:
        response = await self.client.post(
            f"/api/evaluation/evaluations/{evaluation_id}/eligibility",
            json={"eligible": eligible,
                  "categories": ["specific_learning_disability"] if eligible or section_504
                  else [],
                  "adverse_effect": eligible or section_504,
                  "needs_special_education": eligible,
                  "team": [{"name": "Ana Lopez", "role": "parent"},
                           {"name": "Dr. Lee", "role": "psychologist"}],
                  "parent_participated": True,
                  "determined_on": self.clock.now().date().isoformat(),
                  "rationale": "The team reviewed the reading and cognitive results",
                  "section_504_referral": section_504},
            headers=self.staff(schools=(school_id,)))
        assert response.status_code == 201, response.text
        return dict(response.json())

    # -- planning ---------------------------------------------------------------------

    async def eligible(self, student_id: str, guardians: tuple[tuple[str, str], ...],
                       school_id: str = "sch-1") -> None:
        """Referred, consented, evaluated and found eligible on the clock's day."""
        made = await self.refer(student_id, school_id=school_id, guardians=guardians)
        await self.ask_consent(made["referral_id"], school_id)
        await self.answer(made["referral_id"], guardians[0][0])
        evaluation_id = await self.evaluation_of(student_id, school_id)
        await self.assess(evaluation_id, "Dr. Lee", school_id=school_id)
        await self.assess(evaluation_id, "Ms. Park", area="cognitive", school_id=school_id)
        await self.determine(evaluation_id, school_id=school_id)

    async def planning_case(self, student_id: str, school_id: str = "sch-1") -> str:
        found: list[str] = []

        async def opened() -> bool:
            response = await self.client.get(
                "/api/planning/cases", params={"student_id": student_id},
                headers=self.staff(schools=(school_id,)))
            found[:] = [c["case_id"] for c in response.json()]
            return bool(found)

        await eventually(opened, what="the planning case opened from eligibility")
        return found[0]

    async def planning(self, path: str, body: dict[str, Any], headers: dict[str, str],
                       expect: int = 200) -> dict[str, Any]:
        response = await self.client.post(f"/api/planning/cases/{path}", json=body,
                                          headers=headers)
        assert response.status_code == expect, response.text
        return dict(response.json())

    async def schedule(self, case_id: str, meeting_on: date, starts_at: str,
                       location: str, school_id: str = "sch-1") -> tuple[str, int]:
        done = await self.planning(f"{case_id}/meetings", {
            "purposes": ["initial_plan"], "meeting_on": meeting_on.isoformat(),
            "starts_at": starts_at, "location": location, "invited": TEAM},
            self.staff(schools=(school_id,)), 201)
        return done["meetings"][0]["meeting_id"], done["position"]

    async def write_plan(self, case_id: str, meeting_id: str, parent: str) -> dict[str, Any]:
        """Hold the meeting on the clock's day, draft the plan and finalize it."""
        await self.planning(f"{case_id}/meetings/{meeting_id}/held", {"attendees": [
            {"name": "Parent", "roles": ["parent"]}, *TEAM]}, self.staff())
        drafted = await self.planning(f"{case_id}/plans", {"content": PLAN},
                                      self.staff("teacher"), 201)
        plan_id = drafted["drafts"][0]["plan_id"]
        return await self.planning(f"{case_id}/plans/{plan_id}/finalize",
                                   {"meeting_id": meeting_id, "notice": NOTICE}, self.staff())

    async def view(self, path: str, headers: dict[str, str], source: str | None = None,
                   position: int | None = None, **params: Any) -> httpx.Response:
        if position is not None:
            params.update(min_position=position, source=source)
        return await self.client.get(f"/api/views/{path}", params=params, headers=headers)

    async def caught_up(self, source: str, position: int) -> None:
        """Wait until the views have applied the event at `position` of `source`."""
        pool = self.system.runtime("views").pool

        async def applied() -> bool:
            return bool(await pool.fetchval(
                "SELECT EXISTS (SELECT 1 FROM case_events WHERE source = $1 "
                "AND position = $2)", source, position))

        await eventually(applied, what=f"the views applying {source} position {position}")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def specs() -> list[Any]:
    return discover_services(["referral", "evaluation", "views"])


@pytest.fixture
async def planning_desk(isolation: Any, clock: FixedClock,
                        monkeypatch: pytest.MonkeyPatch) -> Desk:
    """The same, with the planning service and its worker."""
    monkeypatch.setenv("IEP_CONSUMER_ENGINE", "aiokafka")
    system = await isolation.system(
        discover_services(["referral", "evaluation", "planning", "views"]), clock=clock,
        workers=True)
    return Desk(system, clock)


@pytest.fixture
async def delivery_desk(isolation: Any, clock: FixedClock,
                        monkeypatch: pytest.MonkeyPatch) -> Desk:
    """The same, with planning and services delivery and their workers."""
    monkeypatch.setenv("IEP_CONSUMER_ENGINE", "aiokafka")
    system = await isolation.system(
        discover_services(["referral", "evaluation", "planning", "services-delivery",
                           "views"]), clock=clock, workers=True)
    return Desk(system, clock)


@pytest.fixture
async def desk(isolation: Any, clock: FixedClock, specs: list[Any],
               monkeypatch: pytest.MonkeyPatch) -> Desk:
    # The aiokafka engine lets the broker hold a fetch 20 ms instead of faust's fixed
    # 1.5 s, so a test's three hops (referral, evaluation, views) take milliseconds.
    monkeypatch.setenv("IEP_CONSUMER_ENGINE", "aiokafka")
    system = await isolation.system(specs, clock=clock, workers=True)
    return Desk(system, clock)
