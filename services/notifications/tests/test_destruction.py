"""Records destruction (300.624): the student's personal data leaves the query tables, the
notices read back as destroyed, and a notice not yet sent is not sent to anyone."""

from __future__ import annotations

from iep_kernel.access import destruction_handler
from iep_kernel.consumer import Subscription, apply_message
from iep_kernel.events import DESTROYED
from iep_notifications.app.directory import purge
from notices_people import MARIA, STUDENT, deliver, notices, published, queued, referral_made, tick


async def test_destroyed_records_leave_nothing_personal_and_nothing_is_sent(runtime, inbox):
    await deliver(runtime, referral_made(), published(
        "referral", "EvaluationConsentRequested", STUDENT, {
            "referral_id": "r-1", "school_id": "sch-1", "requested_on": "2026-03-02",
            "guardian_ids": [MARIA], "assessments_proposed": []}))
    destroyed = published("referral", "StudentRecordsDestroyed", STUDENT, {
        "requested_on": "2026-03-02", "parent_informed_on": "2026-03-02"})
    sub = Subscription(destruction_handler(runtime, purge), runtime.pool, runtime.vault)
    await apply_message(sub, "iep.referral.events", destroyed.model_dump_json().encode())
    rows = await runtime.pool.fetch("SELECT name, email FROM guardians")
    assert {(r["name"], r["email"]) for r in rows} == {(None, None)}
    assert await runtime.pool.fetchval("SELECT student_name FROM students") is None
    (notice,) = await notices(runtime)
    written = await queued(runtime, notice["notice_id"])
    assert (written.address, written.body_text) == (DESTROYED, DESTROYED)
    await tick(runtime)
    (after,) = await notices(runtime)
    assert after["status"] == "failed"
    assert inbox.messages == []
