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
async def desk(isolation: Any, clock: FixedClock, specs: list[Any],
               monkeypatch: pytest.MonkeyPatch) -> Desk:
    # The aiokafka engine lets the broker hold a fetch 20 ms instead of faust's fixed
    # 1.5 s, so a test's three hops (referral, evaluation, views) take milliseconds.
    monkeypatch.setenv("IEP_CONSUMER_ENGINE", "aiokafka")
    system = await isolation.system(specs, clock=clock, workers=True)
    return Desk(system, clock)
