"""A body carrying a field the API does not know is refused with a 422 naming it, as in
every other service. Found by fuzzing: a 10 MB junk field was accepted."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from iep_evaluation.service import service
from iep_kernel.clock import FixedClock

PURPOSE = {"X-Access-Purpose": "preparing the eligibility meeting"}
ASSESSMENT = {"area": "reading", "evaluator": {"name": "Dr. Ruth Chen", "role": "psychologist"},
              "instrument": "WIAT-4", "completed_on": "2026-04-01",
              "summary": "reads two grades below level"}
ELIGIBILITY = {"eligible": True, "categories": ["specific_learning_disability"],
               "adverse_effect": True, "needs_special_education": True,
               "team": [{"name": "Maria Lopez", "role": "parent"}],
               "parent_participated": True, "determined_on": "2026-04-15",
               "rationale": "a learning disability in reading"}


@pytest.fixture
async def system(isolation):
    return await isolation.system([service], clock=FixedClock(datetime(2026, 4, 20, 12,
                                                                       tzinfo=UTC)))


@pytest.fixture
async def evaluation_id(system, referrals):
    return await referrals.open_evaluation(system.runtime("evaluation"))


@pytest.mark.parametrize("route, body, field", [
    ("assessments", {**ASSESSMENT, "junk": "x" * 1_000_000}, "junk"),
    ("assessments", {**ASSESSMENT, "evaluator": {**ASSESSMENT["evaluator"], "email": "a@b.c"}},
     "evaluator.email"),
    ("eligibility", {**ELIGIBILITY, "notes": "kept nowhere"}, "notes"),
])
async def test_an_unknown_field_is_422_naming_it(system, evaluation_id, route, body, field):
    headers = {**system.auth("case_manager", "cm-1", ["sch-1"]), **PURPOSE}
    response = await system.client.post(
        f"/api/evaluation/evaluations/{evaluation_id}/{route}", json=body, headers=headers)
    assert response.status_code == 422, response.text[:300]
    assert [e["field"] for e in response.json()["errors"]] == [field]
    events = await system.runtime("evaluation").store.read_all(0)
    assert [e.event_type for e in events if e.event_type.startswith(("Assessment",
                                                                     "Eligibility"))] == []
