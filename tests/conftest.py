"""A district's people working through the referral and evaluation services, for the
cross-service tests: each step is a real HTTP call, and waiting happens only for workers."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
from iep_kernel.testing.waiting import eventually


def _register(name: str) -> None:
    """The tests' helper modules under names of their own (every service's tests folder is
    called `tests`, so a package of that name collides in a full run)."""
    if name in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


_register("story")

REFERRALS = "/api/referral/referrals"
EVALUATIONS = "/api/evaluation/evaluations"
WHY = {"X-Access-Purpose": "initial evaluation of a referred student"}
NAMES = ("Maria Lopez", "Ana Lopez", "Grace Park", "Dr. Ruth Chen", "Sam Okafor")
BIRTH_DATE = "2017-05-14"


def referral_for(student: str) -> dict[str, Any]:
    return {
        "student": {"district_student_id": student, "name": "Maria Lopez",
                    "date_of_birth": BIRTH_DATE, "grade": "3", "school_id": "sch-1",
                    "primary_language": "es"},
        "guardians": [{"guardian_id": f"g-{student}", "name": "Ana Lopez",
                       "email": "ana.lopez@example.org", "preferred_language": "es"}],
        "referred_by": {"name": "Grace Park", "role": "teacher"},
        "concerns": {"text": "struggles to decode words", "areas": ["schoolwork"]},
    }


CONSENT_REQUEST = {
    "reasons": "Reading two grade levels behind after a year of small-group support",
    "records_used": ["Teacher referral"],
    "options_considered": [{"option": "Continue small-group reading",
                            "why_rejected": "No progress in two terms"}],
    "sources_of_help": ["State Parent Training and Information Center"],
    "assessments_proposed": [{"area": "reading", "description": "Reading battery"}],
}


class District:
    def __init__(self, system: Any) -> None:
        self.system = system
        self.client = system.client

    def staff(self, role: str = "case_manager") -> dict[str, str]:
        return {**self.system.auth(role, f"{role}-1", ["sch-1"]), **WHY}

    def parent(self, student: str) -> dict[str, str]:
        return self.system.auth("parent", f"g-{student}")

    async def refer_and_consent(self, student: str) -> str:
        made = await self.client.post(REFERRALS, json=referral_for(student),
                                      headers=self.staff())
        assert made.status_code == 201, made.text
        referral_id = str(made.json()["referral_id"])
        asked = await self.client.post(f"{REFERRALS}/{referral_id}/consent-request",
                                       json=CONSENT_REQUEST, headers=self.staff())
        assert asked.status_code == 200, asked.text
        given = await self.client.post(f"{REFERRALS}/{referral_id}/consent",
                                       json={"decision": "given", "signed_on": "2026-03-02"},
                                       headers=self.parent(student))
        assert given.status_code == 200, given.text
        return referral_id

    async def evaluation_of(self, student: str) -> str:
        async def opened() -> bool:
            found = await self.client.get(EVALUATIONS, params={"student_id": student},
                                          headers=self.staff())
            return found.status_code == 200 and len(found.json()) == 1
        await eventually(opened, what="the evaluation opened from the consent")
        (listed,) = (await self.client.get(EVALUATIONS, params={"student_id": student},
                                           headers=self.staff())).json()
        return str(listed["evaluation_id"])

    async def assess_and_determine(self, evaluation_id: str) -> None:
        for name, role, area in (("Dr. Ruth Chen", "psychologist", "cognitive"),
                                 ("Sam Okafor", "special_educator", "reading")):
            assessed = await self.client.post(
                f"{EVALUATIONS}/{evaluation_id}/assessments", headers=self.staff("evaluator"),
                json={"area": area, "evaluator": {"name": name, "role": role},
                      "instrument": "standardized battery", "completed_on": "2026-03-10",
                      "summary": f"{name} found Maria Lopez below grade level"})
            assert assessed.status_code == 201, assessed.text
        determined = await self.client.post(
            f"{EVALUATIONS}/{evaluation_id}/eligibility", headers=self.staff(),
            json={"eligible": True, "categories": ["specific_learning_disability"],
                  "adverse_effect": True, "needs_special_education": True,
                  "team": [{"name": "Ana Lopez", "role": "parent"},
                           {"name": "Dr. Ruth Chen", "role": "psychologist"}],
                  "parent_participated": True, "determined_on": "2026-03-12",
                  "rationale": "Maria Lopez has a specific learning disability in reading"})
        assert determined.status_code == 201, determined.text


@pytest.fixture
def district_of():
    return District
