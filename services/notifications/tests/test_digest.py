"""The case manager's daily digest: a kernel timer per day at the digest hour, with the
day's deadline reminders and the notices that need a person."""

from __future__ import annotations

from datetime import UTC, datetime

from notices_people import (
    MARIA,
    STUDENT,
    deliver,
    guardian,
    notices,
    published,
    queued,
    referral_made,
    tick,
)


async def test_the_digest_gathers_the_days_reminders_and_notices_to_mail(
        system, runtime, clock, inbox):
    put = await system.client.put(
        "/api/notifications/staff/cm-1", headers=system.auth("administrator"),
        json={"name": "Casey", "email": "cm1@lincoln.example", "role": "case_manager",
              "schools": ["sch-1"]})
    assert put.status_code == 200
    await deliver(runtime, referral_made(guardians=[guardian(MARIA, "es", None)]))
    await deliver(runtime, published("planning", "MeetingDeadlineApproaching", STUDENT, {
        "case_id": "c-1", "school_id": "sch-1", "due_on": "2026-03-09", "days_remaining": 7}))
    await deliver(runtime, published("referral", "EvaluationConsentRequested", STUDENT, {
        "referral_id": "r-1", "school_id": "sch-1", "requested_on": "2026-03-02",
        "guardian_ids": [MARIA], "assessments_proposed": []}))
    await tick(runtime)  # the reminder goes out now
    assert await notices(runtime, kind="daily_digest") == []
    clock.set(datetime(2026, 3, 3, 7, tzinfo=UTC))
    assert await tick(runtime) == 2  # the digest is written, and sent in the same tick
    (digest,) = await notices(runtime, kind="daily_digest")
    assert (digest["recipient_id"], digest["status"]) == ("cm-1", "sent")
    text = (await queued(runtime, digest["notice_id"])).body_text
    assert "Deadline approaching for student S-1001" in text
    assert "S-1001: consent request (to mail)" in text
    assert len(inbox.to("cm1@lincoln.example")) == 2  # the reminder, then the digest
    clock.set(datetime(2026, 3, 4, 7, tzinfo=UTC))
    await tick(runtime)  # the next day: the paper notice still waits, so it says so again
    assert len(await notices(runtime, kind="daily_digest")) == 2
