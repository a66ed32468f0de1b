"""The evaluation API through a real app on a real database: each 422, 409, 404 and 403,
and who may see what."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from iep_evaluation.service import service
from iep_kernel.auth import ROLES
from iep_kernel.clock import FixedClock
from iep_kernel.permissions import route_permissions, unguarded_routes

NOON_20_APRIL = datetime(2026, 4, 20, 12, tzinfo=UTC)
PURPOSE = {"X-Access-Purpose": "preparing the eligibility meeting"}


@pytest.fixture
async def system(isolation):
    return await isolation.system([service], clock=FixedClock(NOON_20_APRIL))


@pytest.fixture
async def evaluation_id(system, referrals):
    return await referrals.open_evaluation(system.runtime("evaluation"))


def staff(system, role="case_manager", schools=("sch-1",), sub=None):
    return {**system.auth(role, sub or f"{role}-1", schools), **PURPOSE}


def assessment(evaluator="Dr. Ruth Chen", completed_on="2026-04-01", **changes):
    return {"area": "reading", "evaluator": {"name": evaluator, "role": "psychologist"},
            "instrument": "WIAT-4", "completed_on": completed_on,
            "summary": "reads two grades below level", **changes}


def eligibility(**changes):
    return {"eligible": True, "categories": ["specific_learning_disability"],
            "adverse_effect": True, "needs_special_education": True,
            "team": [{"name": "Maria Lopez", "role": "parent"},
                     {"name": "Dr. Ruth Chen", "role": "psychologist"}],
            "parent_participated": True, "determined_on": "2026-04-15",
            "rationale": "a learning disability in reading", **changes}


async def assess(system, evaluation_id, headers=None, **body):
    return await system.client.post(
        f"/api/evaluation/evaluations/{evaluation_id}/assessments",
        json=assessment(**body), headers=headers or staff(system, "evaluator"))


async def determine(system, evaluation_id, headers=None, **body):
    return await system.client.post(
        f"/api/evaluation/evaluations/{evaluation_id}/eligibility",
        json=eligibility(**body), headers=headers or staff(system))


async def two_sources(system, evaluation_id):
    for evaluator in ("Dr. Ruth Chen", "Sam Okafor"):
        assert (await assess(system, evaluation_id, evaluator=evaluator)).status_code == 201


# -- commands ----------------------------------------------------------------------------

async def read(system, evaluation_id, headers=None):
    response = await system.client.get(f"/api/evaluation/evaluations/{evaluation_id}",
                                       headers=headers or staff(system))
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_assessment_is_recorded_and_the_evaluation_read_back(system, evaluation_id):
    response = await assess(system, evaluation_id)
    assert response.status_code == 201
    body = response.json()
    assert (body["assessments"], body["evaluators"], body["status"]) == (1, 1, "open")
    assert body["position"] >= 1
    assert (await read(system, evaluation_id))["assessments"] == [{
        "number": 1, "area": "reading", "evaluator_name": "Dr. Ruth Chen",
        "evaluator_role": "psychologist", "instrument": "WIAT-4",
        "completed_on": "2026-04-01", "summary": "reads two grades below level"}]


async def test_a_command_answers_without_personal_data_and_keeps_none_for_replay(
        system, evaluation_id):
    headers = {**staff(system, "evaluator"), "Idempotency-Key": "assess-pii"}
    response = await assess(system, evaluation_id, headers=headers)
    assert "Ruth" not in response.text and "grades below" not in response.text
    kept = await system.runtime("evaluation").pool.fetchval(
        "SELECT body::text FROM idempotency_keys")
    assert "Ruth" not in kept and "grades below" not in kept


async def test_eligibility_is_determined_from_two_sources(system, evaluation_id):
    await two_sources(system, evaluation_id)
    response = await determine(system, evaluation_id)
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["determined_on"]) == ("eligible",
                                                                          "2026-04-15")
    body = await read(system, evaluation_id)
    assert body["eligibility"]["categories"] == ["specific_learning_disability"]
    assert body["eligibility"]["within_timeline"] is True
    assert body["eligibility"]["team"][0] == {"name": "Maria Lopez", "role": "parent"}
    assert body["deadline"] == {"overdue": False, "days_remaining": None, "days_overdue": None}


async def test_a_504_referral_is_recorded_for_a_child_not_eligible(system, evaluation_id):
    await two_sources(system, evaluation_id)
    response = await determine(system, evaluation_id, eligible=False,
                               needs_special_education=False, section_504_referral=True,
                               categories=["other_health_impairment"])
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["section_504_referral"]) == (
        "not_eligible", True)
    store = system.runtime("evaluation").store
    types = [e.event_type for e in await store.read_stream(f"evaluation-{evaluation_id}")]
    assert types[-2:] == ["EligibilityDetermined", "Section504ReferralMade"]


async def test_a_retried_assessment_with_the_same_key_is_recorded_once(system, evaluation_id):
    headers = {**staff(system, "evaluator"), "Idempotency-Key": "assess-1"}
    first = await assess(system, evaluation_id, headers=headers)
    again = await assess(system, evaluation_id, headers=headers)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert len((await read(system, evaluation_id))["assessments"]) == 1


# -- 422: malformed requests -------------------------------------------------------------

@pytest.mark.parametrize("change, field", [
    ({"area": "astrology"}, "area"),
    ({"evaluator": {"name": "", "role": "psychologist"}}, "evaluator.name"),
    ({"evaluator": {"name": "Sam Okafor", "role": "wizard"}}, "evaluator.role"),
    ({"completed_on": "last week"}, "completed_on"),
    ({"summary": ""}, "summary"),
    ({"instrument": "x" * 201}, "instrument"),
])
async def test_a_malformed_assessment_is_422_naming_the_field(system, evaluation_id, change,
                                                             field):
    response = await system.client.post(
        f"/api/evaluation/evaluations/{evaluation_id}/assessments",
        json={**assessment(), **change}, headers=staff(system, "evaluator"))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize("change, field", [
    ({"categories": ["autism", "autism"]}, "categories"),
    ({"categories": ["adhd"]}, "categories.0"),
    ({"team": []}, "team"),
    ({"team": [{"name": "Maria Lopez", "role": "aunt"}]}, "team.0.role"),
    ({"rationale": ""}, "rationale"),
    ({"eligible": "perhaps"}, "eligible"),
])
async def test_a_malformed_determination_is_422_naming_the_field(system, evaluation_id,
                                                                change, field):
    response = await system.client.post(
        f"/api/evaluation/evaluations/{evaluation_id}/eligibility",
        json={**eligibility(), **change}, headers=staff(system))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_an_unknown_status_filter_is_422(system):
    response = await system.client.get("/api/evaluation/evaluations",
                                       params={"status": "closed"}, headers=staff(system))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.status"


async def test_staff_must_say_why_they_read_an_evaluation(system, evaluation_id):
    response = await system.client.get(f"/api/evaluation/evaluations/{evaluation_id}",
                                       headers=system.auth("case_manager", schools=["sch-1"]))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "header.X-Access-Purpose"


# -- 409: steps the evaluation's state does not allow ------------------------------------

async def test_eligibility_with_one_evaluator_is_409(system, evaluation_id):
    await assess(system, evaluation_id)
    response = await determine(system, evaluation_id)
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Eligibility needs assessments from at least two different evaluators; this "
        "evaluation has one.")


async def test_eligible_without_a_category_is_409(system, evaluation_id):
    await two_sources(system, evaluation_id)
    response = await determine(system, evaluation_id, categories=[])
    assert response.status_code == 409
    assert response.json()["detail"].endswith(
        "this determination lacks a disability category (34 CFR 300.8).")


async def test_developmental_delay_for_a_ten_year_old_is_409(system, referrals):
    evaluation_id = await referrals.open_evaluation(system.runtime("evaluation"),
                                                    date_of_birth=date(2016, 1, 5))
    await two_sources(system, evaluation_id)
    response = await determine(system, evaluation_id, categories=["developmental_delay"])
    assert response.status_code == 409
    assert "this child is 10" in response.json()["detail"]


async def test_a_second_determination_is_409(system, evaluation_id):
    await two_sources(system, evaluation_id)
    assert (await determine(system, evaluation_id)).status_code == 201
    response = await determine(system, evaluation_id, eligible=False, categories=[])
    assert response.status_code == 409
    assert "it is determined once per evaluation" in response.json()["detail"]


async def test_an_assessment_before_consent_is_409(system, evaluation_id):
    response = await assess(system, evaluation_id, completed_on="2026-02-27")
    assert response.status_code == 409
    assert "before the district's receipt of the parent's consent on March 2, 2026" in \
        response.json()["detail"]


async def test_an_eligible_child_referred_for_504_is_409(system, evaluation_id):
    await two_sources(system, evaluation_id)
    response = await determine(system, evaluation_id, section_504_referral=True)
    assert response.status_code == 409


# -- 404 and 403: scope and roles --------------------------------------------------------

async def test_an_unknown_evaluation_is_404(system):
    response = await assess(system, "no-such-evaluation")
    assert response.status_code == 404
    assert response.json()["detail"] == "no such evaluation"


async def test_staff_of_another_school_get_404_for_reads_and_commands(system, evaluation_id):
    elsewhere = staff(system, "evaluator", schools=("sch-2",))
    assert (await assess(system, evaluation_id, headers=elsewhere)).status_code == 404
    case_manager = staff(system, schools=("sch-2",))
    assert (await determine(system, evaluation_id, headers=case_manager)).status_code == 404
    read = await system.client.get(f"/api/evaluation/evaluations/{evaluation_id}",
                                   headers=case_manager)
    assert (read.status_code, read.json()["detail"]) == (404, "no such evaluation")


async def test_a_parent_reads_their_own_childs_evaluation_and_no_other(system, evaluation_id):
    own = await system.client.get(f"/api/evaluation/evaluations/{evaluation_id}",
                                  headers=system.auth("parent", "guardian-maria"))
    assert own.status_code == 200
    assert own.json()["student_id"] == "S-1001"
    other = await system.client.get(f"/api/evaluation/evaluations/{evaluation_id}",
                                    headers=system.auth("parent", "guardian-someone-else"))
    assert other.status_code == 404


async def test_administrators_and_auditors_read_district_wide(system, evaluation_id):
    for role in ("administrator", "auditor"):
        response = await system.client.get(f"/api/evaluation/evaluations/{evaluation_id}",
                                           headers=staff(system, role, schools=()))
        assert response.status_code == 200, role


@pytest.mark.parametrize("role, action", [
    ("teacher", "assess"), ("provider", "assess"), ("parent", "assess"),
    ("evaluator", "determine"), ("teacher", "determine"), ("auditor", "determine"),
])
async def test_a_role_that_may_never_act_is_403(system, evaluation_id, role, action):
    headers = staff(system, role)
    if action == "assess":
        response = await assess(system, evaluation_id, headers=headers)
    else:
        response = await determine(system, evaluation_id, headers=headers)
    assert response.status_code == 403


async def test_every_role_on_every_route_is_allowed_or_refused_as_the_table_says(system):
    app = system.client._transport.app
    assert unguarded_routes(app) == []
    rows = route_permissions(app)
    assert {r.action for r in rows} >= {"record_assessment", "determine_eligibility",
                                        "read_evaluation", "list_evaluations"}
    for row in rows:
        path = row.path.replace("{evaluation_id}", "no-such-evaluation")
        for role in ROLES:
            response = await system.client.request(
                row.method, path, json={}, params={"student_id": "S-1"},
                headers=staff(system, role))
            assert (response.status_code == 403) is (role not in row.roles), (row, role)


async def test_openapi_documents_the_routes_and_their_refusals(system):
    paths = (await system.client.get("/openapi.json")).json()["paths"]
    post = paths["/api/evaluation/evaluations/{evaluation_id}/eligibility"]["post"]
    assert {"201", "403", "404", "409", "422"} <= set(post["responses"])
    listing = paths["/api/evaluation/evaluations"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"student_id", "status", "overdue"}


# -- reads -------------------------------------------------------------------------------

async def test_the_evaluation_shows_its_due_date_and_the_days_remaining(system, evaluation_id):
    response = await system.client.get(f"/api/evaluation/evaluations/{evaluation_id}",
                                       headers=staff(system, "teacher"))
    body = response.json()
    assert (body["status"], body["consent_signed_on"], body["consent_received_on"],
            body["due_on"], body["timeline"]) == (
        "open", "2026-03-02", "2026-03-02", "2026-05-01", "60 calendar days")
    assert body["deadline"] == {"overdue": False, "days_remaining": 11, "days_overdue": None}
    assert body["eligibility"] is None


async def test_an_evaluation_past_its_due_date_shows_overdue(system, evaluation_id):
    system.runtime("evaluation").clock.set(datetime(2026, 5, 4, 9, tzinfo=UTC))
    response = await system.client.get(f"/api/evaluation/evaluations/{evaluation_id}",
                                       headers=staff(system))
    assert response.json()["deadline"] == {"overdue": True, "days_remaining": None,
                                           "days_overdue": 3}


async def test_every_read_is_recorded_in_the_record_of_access(system, evaluation_id):
    await system.client.get(f"/api/evaluation/evaluations/{evaluation_id}",
                            headers=staff(system))
    await system.client.get("/api/evaluation/evaluations", headers=staff(system))
    accesses = await system.client.get("/api/evaluation/record-accesses",
                                       params={"student_id": "S-1001"},
                                       headers=system.auth("parent", "guardian-maria"))
    assert [(a["accessor_role"], a["resource"]) for a in accesses.json()] == [
        ("case_manager", f"evaluation/{evaluation_id}"), ("case_manager", "evaluations")]


async def test_personal_fields_are_ciphertext_at_rest(system, evaluation_id):
    await assess(system, evaluation_id)
    stored = await system.runtime("evaluation").pool.fetchval(
        "SELECT payload::text FROM events WHERE event_type = 'AssessmentCompleted'")
    assert "Ruth" not in stored and "grades below" not in stored
    assert '"instrument": "WIAT-4"' in stored


# -- the list ----------------------------------------------------------------------------

@pytest.fixture
async def three_evaluations(system, referrals):
    runtime = system.runtime("evaluation")
    open_evaluation = referrals.open_evaluation
    ids = {
        "early": await open_evaluation(runtime, student_id="S-1", referral_id="r-a",
                                       signed_on=date(2026, 2, 2)),
        "later": await open_evaluation(runtime, student_id="S-2", referral_id="r-b",
                                       signed_on=date(2026, 3, 2)),
        "other-school": await open_evaluation(runtime, student_id="S-3", referral_id="r-c",
                                              school_id="sch-2", signed_on=date(2026, 1, 5),
                                              guardian_ids=("guardian-other",)),
    }
    return ids


async def listed(system, headers, **params):
    response = await system.client.get("/api/evaluation/evaluations", params=params,
                                       headers=headers)
    assert response.status_code == 200, response.text
    return [e["evaluation_id"] for e in response.json()]


async def test_staff_list_the_evaluations_of_their_schools_soonest_due_first(
        system, three_evaluations):
    ids = three_evaluations
    assert await listed(system, staff(system)) == [ids["early"], ids["later"]]
    assert await listed(system, staff(system, "administrator", schools=())) == [
        ids["other-school"], ids["early"], ids["later"]]


async def test_a_parent_lists_only_their_own_childrens_evaluations(system, three_evaluations):
    ids = three_evaluations
    assert await listed(system, system.auth("parent", "guardian-other")) == [
        ids["other-school"]]
    assert await listed(system, system.auth("parent", "guardian-other"),
                        student_id="S-1") == []


async def test_the_list_filters_by_student_status_and_overdue(system, three_evaluations):
    ids = three_evaluations
    everyone = staff(system, "administrator", schools=())
    # On 20 April: "early" was due 3 April and "other-school" 6 March; "later" is due 1 May.
    assert await listed(system, everyone, overdue="true") == [ids["other-school"],
                                                              ids["early"]]
    assert await listed(system, everyone, overdue="false") == [ids["later"]]
    assert await listed(system, everyone, student_id="S-2") == [ids["later"]]
    await two_sources(system, ids["early"])
    assert (await determine(system, ids["early"])).status_code == 201
    assert await listed(system, everyone, status="eligible") == [ids["early"]]
    assert await listed(system, everyone, status="open", overdue="true") == [
        ids["other-school"]]
