"""The audit service beside the real referral and evaluation services: a referral goes to
eligibility through their APIs and workers, and the audit service collects, verifies,
folds and lists what happened."""

import asyncio
from datetime import UTC, datetime

from iep_audit.app.store import publishing_services
from iep_audit.service import audit_service
from iep_kernel.clock import FixedClock
from iep_kernel.service import discover_services
from iep_kernel.testing.waiting import eventually

REFERRALS = "/api/referral/referrals"
EVALUATIONS = "/api/evaluation/evaluations"
WHY = {"X-Access-Purpose": "initial evaluation of a referred student"}
REFERRAL = {
    "student": {"district_student_id": "stu-100", "name": "Maria Lopez",
                "date_of_birth": "2017-05-14", "grade": "3", "school_id": "sch-1",
                "primary_language": "es"},
    "guardians": [{"guardian_id": "g-1", "name": "Ana Lopez", "email": "ana@example.org",
                   "preferred_language": "es"}],
    "referred_by": {"name": "Grace Park", "role": "teacher"},
    "concerns": {"text": "struggles to decode words", "areas": ["schoolwork", "attention"]},
}
CONSENT_REQUEST = {
    "reasons": "Reading two grade levels behind after a year of small-group support",
    "records_used": ["Teacher referral", "Spring reading benchmark"],
    "options_considered": [{"option": "Continue small-group reading",
                            "why_rejected": "No progress in two terms"}],
    "sources_of_help": ["State Parent Training and Information Center"],
    "assessments_proposed": [
        {"area": "reading", "description": "Standardized reading battery"},
        {"area": "cognitive", "description": "Cognitive assessment"}],
}
STORED = ("event_id, stream_id, stream_version, global_position, student_id, event_type, "
          "schema_version, occurred_at, recorded_at, metadata, payload, prev_hash, hash")


def test_the_audit_service_collects_every_installed_service_that_publishes():
    names = {spec.name for spec in discover_services()}
    collected = set(publishing_services())
    assert {"referral", "evaluation"} <= collected
    assert collected == {spec.name for spec in discover_services() if spec.publishes}
    # the views publish only their record of access; the audit service publishes nothing
    assert "views" in collected and "audit" not in collected and "audit" in names


async def test_a_referral_to_eligibility_is_collected_verified_and_folded(isolation):
    specs = discover_services(["referral", "evaluation"])
    clock = FixedClock(datetime(2026, 3, 2, 15, tzinfo=UTC))
    system = await isolation.system(
        [*specs, audit_service(sources=("referral", "evaluation"))], clock=clock,
        workers=True)
    client, audit = system.client, system.runtime("audit").pool
    case_manager = {**system.auth("case_manager", "cm-1", ["sch-1"]), **WHY}
    auditor = {**system.auth("auditor", "aud-1"), **WHY}

    async def collected() -> bool:
        logged = 0
        for name in ("referral", "evaluation"):
            logged += await system.runtime(name).pool.fetchval("SELECT count(*) FROM events")
        return await audit.fetchval("SELECT count(*) FROM audit_events") == logged

    made = await client.post(REFERRALS, json=REFERRAL, headers=case_manager)
    referral_id = made.json()["referral_id"]
    await client.post(f"{REFERRALS}/{referral_id}/consent-request", json=CONSENT_REQUEST,
                      headers=case_manager)
    await client.post(f"{REFERRALS}/{referral_id}/consent",
                      json={"decision": "given", "signed_on": "2026-03-02"},
                      headers=system.auth("parent", "g-1"))

    async def opened() -> bool:
        found = await client.get(EVALUATIONS, params={"student_id": "stu-100"},
                                 headers=case_manager)
        return found.status_code == 200 and len(found.json()) == 1
    await eventually(opened, what="the evaluation opened from the consent")
    (listed,) = (await client.get(EVALUATIONS, params={"student_id": "stu-100"},
                                  headers=case_manager)).json()
    evaluation_id = listed["evaluation_id"]
    await eventually(collected, what="the audit store caught up")
    before_assessments = await audit.fetchval("SELECT clock_timestamp()")
    await asyncio.sleep(0.01)

    clock.set(datetime(2026, 4, 15, 15, tzinfo=UTC))
    for name, role, area in (("Dr. Ruth Chen", "psychologist", "cognitive"),
                             ("Sam Okafor", "special_educator", "reading")):
        assessed = await client.post(
            f"{EVALUATIONS}/{evaluation_id}/assessments",
            headers={**system.auth("evaluator", "ev-1", ["sch-1"]), **WHY},
            json={"area": area, "evaluator": {"name": name, "role": role},
                  "instrument": "standardized battery", "completed_on": "2026-04-10",
                  "summary": "below grade level"})
        assert assessed.status_code == 201, assessed.text
    determined = await client.post(
        f"{EVALUATIONS}/{evaluation_id}/eligibility", headers=case_manager,
        json={"eligible": True, "categories": ["specific_learning_disability"],
              "adverse_effect": True, "needs_special_education": True,
              "team": [{"name": "Ana Lopez", "role": "parent"},
                       {"name": "Dr. Ruth Chen", "role": "psychologist"}],
              "parent_participated": True, "determined_on": "2026-04-15",
              "rationale": "a specific learning disability in reading"})
    assert determined.status_code == 201, determined.text
    await client.get(f"{EVALUATIONS}/{evaluation_id}", headers=system.auth("parent", "g-1"))
    await eventually(collected, what="the audit store caught up")

    # Kept exactly as each service stored and published it, sealed fields sealed.
    for name in ("referral", "evaluation"):
        source = [dict(r) for r in await system.runtime(name).pool.fetch(
            f"SELECT {STORED} FROM events ORDER BY global_position")]
        kept = [dict(r) for r in await audit.fetch(
            f"SELECT {STORED} FROM audit_events WHERE service = $1 ORDER BY global_position",
            name)]
        assert kept == source, name
    assert "Maria" not in await audit.fetchval(
        "SELECT string_agg(payload::text, '') FROM audit_events")

    verified = (await client.get("/api/audit/verify", headers=auditor)).json()
    assert verified["ok"] and verified["events_checked"] == await audit.fetchval(
        "SELECT count(*) FROM audit_events")

    then = (await client.get("/api/audit/students/stu-100/as-of", headers=auditor,
                             params={"at": before_assessments.isoformat()})).json()
    now = (await client.get("/api/audit/students/stu-100/as-of", headers=auditor)).json()
    (referral_then,) = [s for s in then["stages"]["referral"]
                        if s["state"].get("record") != "student"]
    (student_then,) = [s for s in then["stages"]["referral"]
                       if s["state"].get("record") == "student"]
    assert (student_then["state"]["school_id"], student_then["state"]["guardian_ids"]) == (
        "sch-1", ["g-1"])
    assert referral_then["state"]["status"] == "consent_given"
    assert referral_then["state"]["student_name"] == "Maria Lopez"  # opened for the auditor
    assert referral_then["state"]["consent"]["signed_on"] == "2026-03-02"
    (evaluation_then,) = then["stages"]["evaluation"]
    assert evaluation_then["state"]["status"] == "evaluating"
    assert evaluation_then["state"]["due_on"] == "2026-05-01"
    assert evaluation_then["state"]["assessments"] == []
    (evaluation_now,) = now["stages"]["evaluation"]
    assert evaluation_now["state"]["status"] == "eligible"
    assert [a["area"] for a in evaluation_now["state"]["assessments"]] == ["cognitive",
                                                                           "reading"]
    assert evaluation_now["state"]["eligibility"]["categories"] == [
        "specific_learning_disability"]
    assert evaluation_now["uninterpreted"] == [] and now["accesses_recorded"] >= 3

    accesses = (await client.get("/api/audit/record-accesses", headers=auditor,
                                 params={"student_id": "stu-100"})).json()["accesses"]
    assert {a["service"] for a in accesses} == {"evaluation"}
    parent_read = [a for a in accesses if a["accessor_role"] == "parent"]
    assert parent_read[-1]["resource"].endswith(evaluation_id)
    assert parent_read[-1]["purpose"] == "a parent viewing their own child's record"

    refused = await client.get("/api/audit/students/stu-100/as-of",
                               headers=system.auth("teacher", "t-1", ["sch-1"]))
    assert refused.status_code == 403
