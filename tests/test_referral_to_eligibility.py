"""From referral to eligibility through HTTP, PostgreSQL and the broker: the referral
service's consent opens the evaluation (its worker reading `iep.referral.events`), and every
event of both services reaches its topic, in order."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer
from iep_evaluation.service import service as evaluation_service
from iep_kernel.clock import FixedClock
from iep_kernel.events import PublishedEvent
from iep_kernel.testing.waiting import eventually
from iep_referral.service import service as referral_service

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


async def first_copies(bootstrap: str, topic: str, expect: int, timeout: float = 40.0
                       ) -> list[PublishedEvent]:
    """`topic` from the start, each event once (delivery is at least once), as ordered."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    seen: dict[object, PublishedEvent] = {}
    deadline = time.monotonic() + timeout
    try:
        while len(seen) < expect and time.monotonic() < deadline:
            for messages in (await consumer.getmany(timeout_ms=500)).values():
                for message in messages:
                    event = PublishedEvent.from_json(message.value)
                    seen.setdefault(event.event_id, event)
            await asyncio.sleep(0)
    finally:
        await consumer.stop()
    return list(seen.values())


async def test_a_referral_goes_through_consent_and_evaluation_to_eligibility(isolation):
    clock = FixedClock(datetime(2026, 3, 2, 15, tzinfo=UTC))
    system = await isolation.system([referral_service, evaluation_service], clock=clock,
                                    workers=True)
    client = system.client
    case_manager = {**system.auth("case_manager", "cm-1", ["sch-1"]), **WHY}
    evaluator = {**system.auth("evaluator", "ev-1", ["sch-1"]), **WHY}

    made = await client.post(REFERRALS, json=REFERRAL, headers=case_manager)
    assert made.status_code == 201, made.text
    referral_id = made.json()["referral_id"]
    asked = await client.post(f"{REFERRALS}/{referral_id}/consent-request",
                              json=CONSENT_REQUEST, headers=case_manager)
    assert asked.status_code == 200, asked.text
    consented = await client.post(
        f"{REFERRALS}/{referral_id}/consent",
        json={"decision": "given", "signed_on": "2026-03-02"},
        headers=system.auth("parent", "g-1"))
    assert consented.status_code == 200, consented.text

    async def opened() -> bool:
        found = await client.get(EVALUATIONS, params={"student_id": "stu-100"},
                                 headers=case_manager)
        return found.status_code == 200 and len(found.json()) == 1
    await eventually(opened, what="the evaluation opened from the consent")
    (listed,) = (await client.get(EVALUATIONS, params={"student_id": "stu-100"},
                                  headers=case_manager)).json()
    evaluation_id = listed["evaluation_id"]
    assert (listed["status"], listed["consent_received_on"], listed["due_on"]) == (
        "open", "2026-03-02", "2026-05-01")  # 60 calendar days from receiving consent
    seen_by_parent = await client.get(f"{EVALUATIONS}/{evaluation_id}",
                                      headers=system.auth("parent", "g-1"))
    assert seen_by_parent.json()["deadline"]["days_remaining"] == 60

    clock.set(datetime(2026, 4, 15, 15, tzinfo=UTC))
    for name, role, area in (("Dr. Ruth Chen", "psychologist", "cognitive"),
                             ("Sam Okafor", "special_educator", "reading")):
        assessed = await client.post(
            f"{EVALUATIONS}/{evaluation_id}/assessments", headers=evaluator,
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
    assert determined.json()["status"] == "eligible"
    evaluation = (await client.get(f"{EVALUATIONS}/{evaluation_id}",
                                   headers=system.auth("parent", "g-1"))).json()
    assert evaluation["eligibility"]["within_timeline"] is True
    assert [a["evaluator_name"] for a in evaluation["assessments"]] == [
        "Dr. Ruth Chen", "Sam Okafor"]

    topics = {}
    for runtime in system.runtimes:
        logged = await runtime.store.read_all(0)
        published = await first_copies(isolation.bootstrap, runtime.topic, len(logged))
        assert [e.event_id for e in published] == [e.event_id for e in logged], runtime.name
        topics[runtime.name] = [e for e in published if e.event_type != "RecordAccessed"]
    assert [e.event_type for e in topics["referral"]] == [
        "StudentRegistered", "ReferralMade", "ProceduralSafeguardsNoticeGiven",
        "EvaluationConsentRequested", "PriorWrittenNoticeIssued", "ConsentGiven"]
    assert [e.event_type for e in topics["evaluation"]] == [
        "EvaluationOpened", "AssessmentCompleted", "AssessmentCompleted",
        "EligibilityDetermined"]
    consent, opening = topics["referral"][-1], topics["evaluation"][0]
    assert opening.metadata.causation_id == str(consent.event_id)
    assert {e.student_id for events in topics.values() for e in events} == {"stu-100"}
    assert opening.data["due_on"] == "2026-05-01"
    assert opening.data["date_of_birth"].startswith("pii:v1:")  # sealed on the topic
