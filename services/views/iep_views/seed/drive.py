"""Carries out a district plan through the referral and evaluation services' HTTP APIs.

Day by day: when the services run in this process, their clock is set to each day first,
so consents are received, evaluations fall due and deadlines pass on the planned days.
Each student's commands of a day run in order; students run side by side.
"""

import asyncio
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import httpx

from iep_views.seed.plan import Action, StudentPlan

NOTICE = {
    "reasons": "Classroom data and the referral show needs that an evaluation would clarify",
    "records_used": ["Referral", "Classroom assessments"],
    "options_considered": [{"option": "Classroom interventions only",
                            "why_rejected": "Progress was too slow"}],
    "sources_of_help": ["The state's Parent Training and Information Center"],
}
PURPOSE = {"X-Access-Purpose": "seeding a synthetic district"}


class SeedFailed(Exception):
    pass


@dataclass
class Tally:
    commands: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))


class Seeder:
    def __init__(self, client: httpx.AsyncClient, staff: dict[str, str],
                 set_today: Callable[[date], None] | None = None, concurrency: int = 8,
                 evaluation_wait: float = 60.0) -> None:
        self.client = client
        self.staff = {**staff, **PURPOSE}
        self.set_today = set_today
        self.concurrency = concurrency
        self.evaluation_wait = evaluation_wait
        self.referrals: dict[str, str] = {}
        self.evaluations: dict[str, str] = {}
        self.tally = Tally()
        self.server_today = ""

    async def run(self, plans: list[StudentPlan], today: date | None = None) -> Tally:
        days: dict[date, list[tuple[StudentPlan, list[Action]]]] = defaultdict(list)
        for plan in plans:
            by_day: dict[date, list[Action]] = defaultdict(list)
            for action in plan.actions:
                by_day[action.day if self.set_today else (today or action.day)].append(action)
            for day, actions in by_day.items():
                days[day].append((plan, actions))
        gate = asyncio.Semaphore(self.concurrency)

        async def one(plan: StudentPlan, actions: list[Action]) -> None:
            async with gate:
                for action in actions:
                    await self.act(plan, action)

        for day in sorted(days):
            if self.set_today:
                self.set_today(day)
            await asyncio.gather(*(one(plan, actions) for plan, actions in days[day]))
        return self.tally

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.post(path, json=body, headers=self.staff)
        if response.status_code >= 300:
            raise SeedFailed(f"POST {path} answered {response.status_code}: "
                             f"{response.text[:300]}")
        self.tally.commands += 1
        return dict(response.json())

    async def act(self, plan: StudentPlan, action: Action) -> None:
        self.tally.by_kind[action.kind] += 1
        referral = f"/api/referral/referrals/{self.referrals.get(plan.student_id)}"
        if action.kind == "refer":
            made = await self._post("/api/referral/referrals", {
                "student": {"district_student_id": plan.student_id, "name": plan.name,
                            "date_of_birth": "2016-09-01", "grade": plan.grade,
                            "school_id": plan.school_id,
                            "primary_language": plan.guardians[0][1]},
                "guardians": [{"guardian_id": g, "name": f"Guardian of {plan.name}",
                               "preferred_language": lang} for g, lang in plan.guardians],
                "referred_by": {"name": "Classroom teacher", "role": "teacher"},
                "concerns": {"text": "Falls behind in class despite support",
                             "areas": ["schoolwork", "attention"]}})
            self.referrals[plan.student_id] = made["referral_id"]
            self.server_today = made["referred_on"]  # the services' today
        elif action.kind == "ask_consent":
            await self._post(f"{referral}/consent-request", {**NOTICE, "assessments_proposed": [
                {"area": "reading", "description": "Reading battery"},
                {"area": "cognitive", "description": "Cognitive assessment"}]})
        elif action.kind == "answer":
            await self._post(f"{referral}/consent", {
                "decision": action.detail["decision"], "guardian_id": plan.guardians[0][0],
                "signed_on": self._today(action)})
        elif action.kind == "close":
            declined = action.detail["reason"] == "district_declined"
            await self._post(f"{referral}/close", {"reason": action.detail["reason"],
                                                   **({"notice": NOTICE} if declined else {})})
        elif action.kind == "assess":
            evaluation = await self.evaluation_of(plan)
            await self._post(f"/api/evaluation/evaluations/{evaluation}/assessments", {
                "area": action.detail["area"],
                "evaluator": {"name": action.detail["evaluator"], "role": "psychologist"},
                "instrument": "Standardized battery", "completed_on": self._today(action),
                "summary": "Results recorded for the team"})
        elif action.kind == "determine":
            evaluation = await self.evaluation_of(plan)
            eligible, section_504 = action.detail["eligible"], action.detail["section_504"]
            await self._post(f"/api/evaluation/evaluations/{evaluation}/eligibility", {
                "eligible": eligible,
                "categories": ["specific_learning_disability"]
                if eligible or section_504 else [],
                "adverse_effect": bool(eligible or section_504),
                "needs_special_education": bool(eligible),
                "team": [{"name": "Guardian", "role": "parent"},
                         {"name": "Dr. Ivy Moss", "role": "psychologist"}],
                "parent_participated": True, "determined_on": self._today(action),
                "rationale": "The team reviewed every assessment",
                "section_504_referral": bool(section_504)})

    def _today(self, action: Action) -> str:
        """Dates the services check against their today: the plan's day when the clock
        follows the plan, else the services' today (learned from the referral's date)."""
        return action.day.isoformat() if self.set_today else self.server_today

    async def evaluation_of(self, plan: StudentPlan) -> str:
        """The evaluation the evaluation service opened from the consent (its worker reads
        the referral topic, so it may take a moment)."""
        if plan.student_id in self.evaluations:
            return self.evaluations[plan.student_id]
        deadline = asyncio.get_running_loop().time() + self.evaluation_wait
        while True:
            response = await self.client.get("/api/evaluation/evaluations",
                                              params={"student_id": plan.student_id},
                                              headers=self.staff)
            found = response.json() if response.status_code == 200 else []
            if found:
                self.evaluations[plan.student_id] = found[0]["evaluation_id"]
                return str(found[0]["evaluation_id"])
            if asyncio.get_running_loop().time() > deadline:
                raise SeedFailed(f"no evaluation was opened for {plan.student_id}; is the "
                                 "evaluation worker running?")
            await asyncio.sleep(0.05)


def midday(day: date) -> datetime:
    """The moment a planned day's commands happen."""
    return datetime.combine(day, time(15, 0), tzinfo=UTC)
