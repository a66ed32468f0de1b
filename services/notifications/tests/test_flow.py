"""End to end on the real broker: a referral and its consent request through the referral
service's API reach the guardian by email, in Spanish, from the notifications worker."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from iep_kernel.clock import FixedClock
from iep_kernel.service import discover_services
from iep_kernel.testing.waiting import eventually

REFERRALS = "/api/referral/referrals"
WHY = {"X-Access-Purpose": "initial evaluation of a referred student"}
REFERRAL = {
    "student": {"district_student_id": "stu-1", "name": "Maria Lopez",
                "date_of_birth": "2017-05-14", "grade": "3", "school_id": "sch-1",
                "primary_language": "es"},
    "guardians": [{"guardian_id": "g-stu-1", "name": "Ana Lopez",
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


@pytest.fixture
async def district(isolation, inbox):
    specs = discover_services(["referral", "notifications"])
    clock = FixedClock(datetime(2026, 3, 2, 15, tzinfo=UTC))
    return await isolation.system(specs, clock=clock, workers=True)


async def test_a_referral_and_its_consent_request_reach_the_parent_in_spanish(district, inbox):
    staff = {**district.auth("case_manager", "cm-1", ["sch-1"]), **WHY}
    made = await district.client.post(REFERRALS, json=REFERRAL, headers=staff)
    assert made.status_code == 201, made.text
    referral_id = made.json()["referral_id"]
    asked = await district.client.post(f"{REFERRALS}/{referral_id}/consent-request",
                                       json=CONSENT_REQUEST, headers=staff)
    assert asked.status_code == 200, asked.text

    async def delivered() -> bool:
        return len(inbox.to("ana.lopez@example.org")) >= 3
    await eventually(delivered, what="the safeguards, the notice and the consent request")
    subjects = sorted(m["Subject"] for m in inbox.to("ana.lopez@example.org"))
    assert subjects == ["Aviso de garantías procesales", "Aviso previo por escrito",
                        "Se solicita su consentimiento para una evaluación"]

    async def all_sent() -> bool:
        found = await district.client.get("/api/notifications/notifications",
                                          params={"student_id": "stu-1"},
                                          headers=district.auth("parent", "g-stu-1"))
        return {n["status"] for n in found.json()} == {"sent"}
    await eventually(all_sent, what="every notice recorded as sent")
    listed = await district.client.get("/api/notifications/notifications",
                                       params={"student_id": "stu-1"},
                                       headers=district.auth("parent", "g-stu-1"))
    assert len(listed.json()) == 3
    assert {n["language"] for n in listed.json()} == {"es"}
