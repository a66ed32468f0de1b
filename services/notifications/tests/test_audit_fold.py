"""The audit service's as-of record shows each notice and how far its delivery had got:
sent on a date, or not yet, as the log stood at any instant."""

from __future__ import annotations

from datetime import timedelta

import pytest
from notices_people import MARIA, STUDENT, deliver, published, referral_made, tick

fold = pytest.importorskip("iep_audit.domain.fold")
stages = pytest.importorskip("iep_audit.domain.stages")


async def test_the_as_of_record_shows_a_notice_queued_then_sent(runtime, inbox, clock):
    await deliver(runtime, referral_made(), published(
        "referral", "EvaluationConsentRequested", STUDENT, {
            "referral_id": "r-1", "school_id": "sch-1", "requested_on": "2026-03-02",
            "guardian_ids": [MARIA], "assessments_proposed": []}))
    queued_at = clock.now()
    clock.advance(minutes=5)
    await tick(runtime)
    events = [fold.CaseEvent(service="notifications", stream_id=e.stream_id,
                             stream_version=e.stream_version, event_type=e.event_type,
                             occurred_at=e.occurred_at, recorded_at=e.recorded_at,
                             actor=e.metadata.actor.model_dump(),
                             data=e.data.model_dump(mode="json"))
              for e in await runtime.store.read_student(STUDENT)
              if e.event_type != "RecordAccessed"]

    def record_at(moment):
        case = stages.CASE.fold(STUDENT, moment, [e for e in events
                                                  if e.occurred_at <= moment])
        (record,) = case.stages["notifications"]
        assert record.uninterpreted == []
        return record.state

    before = record_at(queued_at + timedelta(minutes=1))
    assert (before["kind"], before["recipient_id"], before["status"]) == (
        "consent_request", MARIA, "queued")
    after = record_at(clock.now())
    assert after["status"] == "sent" and after["sent_at"].startswith("2026-03-02T15:05")
    assert after["legal_basis"] == "34 CFR 300.300(a), 300.9"
