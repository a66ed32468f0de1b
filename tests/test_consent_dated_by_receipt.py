"""Dates of record across services, through HTTP, PostgreSQL and the broker: a consent form
received five days before it is typed in opens the evaluation due sixty days after its
receipt, not after its recording, with the deadline timers from that day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from iep_evaluation.service import service as evaluation_service
from iep_kernel.clock import FixedClock
from iep_kernel.testing.waiting import eventually
from iep_referral.service import service as referral_service

REFERRALS = "/api/referral/referrals"
EVALUATIONS = "/api/evaluation/evaluations"
WHY = {"X-Access-Purpose": "initial evaluation of a referred student"}
REFERRAL = {
    "student": {"district_student_id": "stu-200", "name": "Maria Lopez",
                "date_of_birth": "2017-05-14", "grade": "3", "school_id": "sch-1",
                "primary_language": "es"},
    "guardians": [{"guardian_id": "g-1", "name": "Ana Lopez", "preferred_language": "es"}],
    "referred_by": {"name": "Grace Park", "role": "teacher"},
    "concerns": {"text": "struggles to decode words", "areas": ["schoolwork"]},
    "occurred_on": "2026-02-25",
}
CONSENT_REQUEST = {
    "reasons": "Reading two grade levels behind after a year of small-group support",
    "records_used": ["Teacher referral"],
    "options_considered": [{"option": "Continue small-group reading",
                            "why_rejected": "No progress in two terms"}],
    "sources_of_help": ["State Parent Training and Information Center"],
    "assessments_proposed": [{"area": "reading", "description": "Reading battery"}],
    "occurred_on": "2026-02-27",
}


async def test_a_consent_received_five_days_ago_is_due_sixty_days_after_its_receipt(
        isolation):
    clock = FixedClock(datetime(2026, 3, 7, 15, tzinfo=UTC))
    system = await isolation.system([referral_service, evaluation_service], clock=clock,
                                    workers=True)
    client = system.client
    case_manager = {**system.auth("case_manager", "cm-1", ["sch-1"]), **WHY}

    made = await client.post(REFERRALS, json=REFERRAL, headers=case_manager)
    assert made.status_code == 201, made.text
    referral_id = made.json()["referral_id"]
    asked = await client.post(f"{REFERRALS}/{referral_id}/consent-request",
                              json=CONSENT_REQUEST, headers=case_manager)
    assert asked.status_code == 200, asked.text
    consented = await client.post(
        f"{REFERRALS}/{referral_id}/consent", headers=case_manager,
        json={"decision": "given", "guardian_id": "g-1", "signed_on": "2026-03-01",
              "occurred_on": "2026-03-02"})
    assert consented.status_code == 200, consented.text

    async def opened() -> bool:
        found = await client.get(EVALUATIONS, params={"student_id": "stu-200"},
                                 headers=case_manager)
        return found.status_code == 200 and len(found.json()) == 1
    await eventually(opened, what="the evaluation opened from the consent over the broker")
    (evaluation,) = (await client.get(EVALUATIONS, params={"student_id": "stu-200"},
                                      headers=case_manager)).json()
    assert (evaluation["consent_signed_on"], evaluation["consent_received_on"],
            evaluation["due_on"]) == ("2026-03-01", "2026-03-02", "2026-05-01")

    runtime = system.runtime("evaluation")
    (opened_event,) = [e for e in await runtime.store.read_all(0)
                       if e.event_type == "EvaluationOpened"]
    assert opened_event.data.occurred_on == date(2026, 3, 2)
    timers = await runtime.pool.fetch("SELECT kind, due_at FROM timers ORDER BY due_at")
    assert [(t["kind"], t["due_at"]) for t in timers] == [
        ("deadline_approaching", datetime(2026, 4, 24, tzinfo=UTC)),
        ("overdue", datetime(2026, 5, 2, tzinfo=UTC))]
