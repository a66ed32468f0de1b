"""Dates of record through HTTP on PostgreSQL: the timeline runs from the day the district
received consent, each assessment and the determination are dated when they happened and
checked in the law's order, and an entry long after the act needs a reason the event keeps."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from iep_evaluation.service import service
from iep_kernel.clock import FixedClock

NOON_7_MARCH = datetime(2026, 3, 7, 12, tzinfo=UTC)
PURPOSE = {"X-Access-Purpose": "preparing the eligibility meeting"}


@pytest.fixture
async def system(isolation):
    return await isolation.system([service], clock=FixedClock(NOON_7_MARCH))


@pytest.fixture
async def evaluation_id(system, referrals):
    """Consent signed on 1 March, received on 2 March, recorded on 7 March."""
    runtime = system.runtime("evaluation")
    await referrals.deliver(runtime, referrals.made(), referrals.consent(
        signed_on=date(2026, 3, 1), received_on=date(2026, 3, 2)))
    return (await system.client.get("/api/evaluation/evaluations", headers=staff(system))
            ).json()[0]["evaluation_id"]


def staff(system, role="case_manager"):
    return {**system.auth(role, f"{role}-1", ["sch-1"]), **PURPOSE}


async def assess(system, evaluation_id, evaluator="Dr. Ruth Chen", **dates):
    return await system.client.post(
        f"/api/evaluation/evaluations/{evaluation_id}/assessments",
        headers=staff(system, "evaluator"),
        json={"area": "reading", "evaluator": {"name": evaluator, "role": "psychologist"},
              "instrument": "WIAT-4", "summary": "reads two grades below level", **dates})


async def events_of(system, event_type):
    store = system.runtime("evaluation").store
    return [e for e in await store.read_all(0) if e.event_type == event_type]


async def test_the_due_date_runs_from_the_consents_receipt_not_its_recording(
        system, evaluation_id):
    listed = (await system.client.get(f"/api/evaluation/evaluations/{evaluation_id}",
                                      headers=staff(system))).json()
    assert (listed["consent_received_on"], listed["due_on"]) == ("2026-03-02", "2026-05-01")
    (opened,) = await events_of(system, "EvaluationOpened")
    assert opened.data.occurred_on == date(2026, 3, 2)


async def test_an_assessment_is_dated_by_occurred_on_or_completed_on_alike(
        system, evaluation_id):
    assert (await assess(system, evaluation_id, occurred_on="2026-03-04")).status_code == 201
    both = await assess(system, evaluation_id, "Sam Okafor", occurred_on="2026-03-05",
                        completed_on="2026-03-05")
    assert both.status_code == 201, both.text
    differ = await assess(system, evaluation_id, occurred_on="2026-03-05",
                          completed_on="2026-03-06")
    assert differ.status_code == 422
    assert [e["field"] for e in differ.json()["errors"]] == ["occurred_on"]
    dated = [(e.data.completed_on, e.data.occurred_on)
             for e in await events_of(system, "AssessmentCompleted")]
    assert dated == [(date(2026, 3, 4),) * 2, (date(2026, 3, 5),) * 2]


async def test_an_assessment_before_the_consent_was_received_is_refused(system, evaluation_id):
    response = await assess(system, evaluation_id, occurred_on="2026-03-01")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The assessment is dated March 1, 2026, before the district's receipt of the "
        "parent's consent on March 2, 2026; it cannot come first, so check the date.")


async def test_an_act_in_the_future_is_refused(system, evaluation_id):
    response = await assess(system, evaluation_id, occurred_on="2026-03-08")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The assessment is dated March 8, 2026, after today (March 7, 2026); an act is "
        "recorded once it has happened.")


async def test_a_determination_is_not_dated_before_the_last_assessment(
        system, evaluation_id):
    for evaluator, day in (("Dr. Ruth Chen", "2026-03-03"), ("Sam Okafor", "2026-03-05")):
        assert (await assess(system, evaluation_id, evaluator, occurred_on=day)
                ).status_code == 201
    body = {"eligible": False, "categories": [], "adverse_effect": False,
            "needs_special_education": False, "team": [{"name": "M", "role": "parent"}],
            "parent_participated": True, "rationale": "r"}
    url = f"/api/evaluation/evaluations/{evaluation_id}/eligibility"
    early = await system.client.post(url, headers=staff(system),
                                      json={**body, "occurred_on": "2026-03-04"})
    assert early.status_code == 409
    assert "before the last assessment, completed on March 5, 2026" in early.json()["detail"]
    on_time = await system.client.post(url, headers=staff(system),
                                       json={**body, "occurred_on": "2026-03-06"})
    assert on_time.status_code == 201, on_time.text
    (determined,) = await events_of(system, "EligibilityDetermined")
    assert (determined.data.determined_on, determined.data.occurred_on) == (
        date(2026, 3, 6), date(2026, 3, 6))


async def test_a_late_entry_needs_a_reason_and_the_event_keeps_it(isolation, referrals):
    system = await isolation.system([service], clock=FixedClock(datetime(2026, 4, 20, 12,
                                                                         tzinfo=UTC)))
    evaluation_id = await referrals.open_evaluation(system.runtime("evaluation"))
    long_ago = "2026-03-06"  # 45 days before 20 April
    unexplained = await assess(system, evaluation_id, completed_on=long_ago)
    assert unexplained.status_code == 409
    assert "45 days ago; an entry more than 30 days after the act needs a late_entry_reason" \
        in unexplained.json()["detail"]
    explained = await assess(system, evaluation_id, completed_on=long_ago,
                             late_entry_reason="the report arrived by post")
    assert explained.status_code == 201, explained.text
    (assessed,) = await events_of(system, "AssessmentCompleted")
    assert (assessed.data.completed_on, assessed.data.late_entry_reason) == (
        date(2026, 3, 6), "the report arrived by post")
