"""The referral service's events as this service receives them (`PublishedEvent`s with the
contract's fields, built here because services never import each other), and a way to
deliver them as the worker does."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from iep_evaluation.app.context import evaluation_id_for
from iep_evaluation.worker import handlers
from iep_kernel.consumer import Handler, Outcome, Subscription, apply_message
from iep_kernel.events import Metadata, PublishedEvent
from iep_kernel.runtime import ServiceRuntime

GUARDIAN = "guardian-maria"


def published(event_type: str, student_id: str, referral_id: str, version: int,
              data: dict[str, Any]) -> PublishedEvent:
    now = datetime.now(UTC)
    return PublishedEvent(
        event_id=uuid.uuid4(), stream_id=f"referral-{referral_id}", stream_version=version,
        global_position=version, student_id=student_id, event_type=event_type,
        schema_version=1, occurred_at=now, recorded_at=now,
        metadata=Metadata(correlation_id=f"corr-{referral_id}"),
        data={"student_id": student_id, "referral_id": referral_id, **data},
        prev_hash="0" * 64, hash="1" * 64, service="referral")


def referral_made(student_id: str = "S-1001", referral_id: str = "r-1",
                  school_id: str = "sch-1", date_of_birth: date = date(2018, 9, 14),
                  guardian_ids: tuple[str, ...] = (GUARDIAN,)) -> PublishedEvent:
    return published("ReferralMade", student_id, referral_id, 1, {
        "student": {"district_student_id": student_id, "name": "Ana Lopez",
                    "date_of_birth": date_of_birth.isoformat(), "grade": "2",
                    "school_id": school_id, "primary_language": "es"},
        "guardians": [{"guardian_id": g, "name": "Maria Lopez", "email": "m@example.org",
                       "phone": "555-0100", "preferred_language": "es"}
                      for g in guardian_ids],
        "referred_by": {"name": "Jo Park", "role": "teacher"},
        "concerns": {"text": "struggles to read aloud", "areas": ["schoolwork"]},
        "referred_on": "2026-02-20",
        "a_field_added_later": {"ignored": True},
    })


def consent_given(student_id: str = "S-1001", referral_id: str = "r-1",
                  signed_on: date = date(2026, 3, 2), school_id: str = "sch-1",
                  guardian_id: str = GUARDIAN, received_on: date | None = None
                  ) -> PublishedEvent:
    """`received_on` is left out unless given: the contract did not always carry it."""
    received = {} if received_on is None else {"received_on": received_on.isoformat()}
    return published("ConsentGiven", student_id, referral_id, 4, {
        "guardian_id": guardian_id, "signed_on": signed_on.isoformat(),
        "method": "written", "school_id": school_id, **received})


def recorded(event_type: str, student_id: str, version: int, data: dict[str, Any]
             ) -> PublishedEvent:
    """An event of the student record (the referral service's stream `student-<id>`)."""
    now = datetime.now(UTC)
    return PublishedEvent(
        event_id=uuid.uuid4(), stream_id=f"student-{student_id}", stream_version=version,
        global_position=version, student_id=student_id, event_type=event_type,
        schema_version=1, occurred_at=now, recorded_at=now,
        metadata=Metadata(correlation_id=f"corr-{student_id}"),
        data={"student_id": student_id, **data}, prev_hash="0" * 64, hash="1" * 64,
        service="referral")


def guardian(guardian_id: str) -> dict[str, Any]:
    return {"guardian_id": guardian_id, "name": "Maria Lopez", "email": "m@example.org",
            "phone": "555-0100", "preferred_language": "es"}


def student_registered(student_id: str = "S-1001", school_id: str = "sch-1",
                       guardian_ids: tuple[str, ...] = (GUARDIAN,)) -> PublishedEvent:
    return recorded("StudentRegistered", student_id, 1, {
        "school_id": school_id,
        "student": {"district_student_id": student_id, "name": "Ana Lopez",
                    "date_of_birth": "2018-09-14", "grade": "2", "school_id": school_id,
                    "primary_language": "es"},
        "guardians": [guardian(g) for g in guardian_ids],
        "registered_on": "2026-02-20", "source": "referral", "referral_id": "r-1"})


def guardian_added(guardian_id: str, student_id: str = "S-1001", school_id: str = "sch-1"
                   ) -> PublishedEvent:
    return recorded("GuardianAdded", student_id, 2, {
        "school_id": school_id, "guardian": guardian(guardian_id),
        "added_on": "2026-03-10", "reason": "court order"})


def guardian_removed(guardian_id: str, student_id: str = "S-1001", school_id: str = "sch-1"
                     ) -> PublishedEvent:
    return recorded("GuardianRemoved", student_id, 3, {
        "school_id": school_id, "guardian_id": guardian_id, "removed_on": "2026-03-11",
        "reason": "court order"})


def school_changed(school_id: str, previous_school_id: str = "sch-1",
                   student_id: str = "S-1001") -> PublishedEvent:
    return recorded("StudentSchoolChanged", student_id, 4, {
        "school_id": school_id, "previous_school_id": previous_school_id,
        "changed_on": "2026-03-12", "reason": "the family moved"})


def the_handler(runtime: ServiceRuntime) -> Handler:
    (handler,) = handlers(runtime)
    return handler


async def deliver(runtime: ServiceRuntime, *events: PublishedEvent) -> list[Outcome]:
    """Apply events as the worker applies a Kafka message, without the broker."""
    sub = Subscription(the_handler(runtime), runtime.pool, runtime.vault)
    return [await apply_message(sub, "iep.referral.events", e.model_dump_json().encode())
            for e in events]


async def open_evaluation(runtime: ServiceRuntime, **fields: Any) -> str:
    """An evaluation opened from a referral and its consent; returns the evaluation id."""

    made_fields = {k: v for k, v in fields.items()
                   if k in ("student_id", "referral_id", "school_id", "date_of_birth",
                            "guardian_ids")}
    consent_fields = {k: v for k, v in fields.items()
                      if k in ("student_id", "referral_id", "school_id", "signed_on")}
    outcomes = await deliver(runtime, referral_made(**made_fields),
                             consent_given(**consent_fields))
    assert outcomes == [Outcome.APPLIED, Outcome.APPLIED]
    return evaluation_id_for(fields.get("referral_id", "r-1"))


@dataclass(frozen=True)
class ReferralTopic:
    """What tests need from the referral topic, as one fixture."""

    guardian: str = GUARDIAN
    published = staticmethod(published)
    made = staticmethod(referral_made)
    consent = staticmethod(consent_given)
    handler = staticmethod(the_handler)
    deliver = staticmethod(deliver)
    open_evaluation = staticmethod(open_evaluation)
    registered = staticmethod(student_registered)
    guardian_added = staticmethod(guardian_added)
    guardian_removed = staticmethod(guardian_removed)
    school_changed = staticmethod(school_changed)


@pytest.fixture
def referrals() -> ReferralTopic:
    return ReferralTopic()
