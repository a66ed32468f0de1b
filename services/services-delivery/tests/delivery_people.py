"""Planning's events as this service receives them (`PublishedEvent`s with the contract's
fields, built here because services never import each other), and a desk that calls the
services-delivery API as the people who use it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
from iep_kernel.consumer import Outcome, Subscription, apply_message
from iep_kernel.events import Metadata, PublishedEvent
from iep_kernel.runtime import ServiceRuntime
from iep_services_delivery.worker import handlers

STUDENT, SCHOOL = "S-1001", "sch-1"
MARIA, LUIS = "g-maria", "g-luis"
PLAN_ID = "plan-1"
PURPOSE = {"X-Access-Purpose": "delivering the student's services"}
SPEECH = {"service": "speech_language_pathology",
          "provider_role": "speech-language pathologist", "minutes": 30,
          "frequency": "weekly", "location": "speech room", "starts_on": "2026-05-18",
          "ends_on": "2027-05-09"}
READING_DAILY = {**SPEECH, "service": "specially_designed_instruction",
                 "provider_role": "special education teacher", "minutes": 45,
                 "frequency": "daily", "location": "resource room"}
GOALS = [{"area": "reading", "statement": "Read grade-level text fluently",
          "baseline": "40 words a minute", "target": "90 words a minute",
          "measured_by": "weekly fluency probes", "progress_reports": "quarterly"},
         {"area": "speech", "statement": "Produce the r sound in conversation",
          "baseline": "20% of attempts", "target": "80% of attempts",
          "measured_by": "speech probes", "progress_reports": "quarterly"}]


def published(event_type: str, data: dict[str, Any], student_id: str = STUDENT
              ) -> PublishedEvent:
    now = datetime.now(UTC)
    return PublishedEvent(
        event_id=uuid.uuid4(), stream_id=f"planning-case-{student_id}", stream_version=1,
        global_position=1, student_id=student_id, event_type=event_type, schema_version=1,
        occurred_at=now, recorded_at=now, metadata=Metadata(correlation_id="corr-1"),
        data={"student_id": student_id, "case_id": f"case-{student_id}", **data},
        prev_hash="0" * 64, hash="1" * 64, service="planning")


def planning_opened(student_id: str = STUDENT, school_id: str = SCHOOL) -> PublishedEvent:
    return published("PlanningOpened", {
        "school_id": school_id, "evaluation_id": "ev-1", "determined_on": "2026-04-15",
        "categories": ["specific_learning_disability"], "meeting_due_on": "2026-05-15",
        "reevaluation_due_on": "2029-04-15", "date_of_birth": "2018-09-14",
        "guardians": [{"guardian_id": MARIA, "language": "es"},
                      {"guardian_id": LUIS, "language": "en"}]}, student_id)


def planning_opened_naming(school_id: str, guardian_ids: tuple[str, ...],
                           student_id: str = STUDENT) -> PublishedEvent:
    """A PlanningOpened naming other people, as one copied from a later referral would."""
    opened = planning_opened(student_id, school_id)
    return opened.model_copy(update={"data": {**opened.data, "guardians": [
        {"guardian_id": g, "language": "en"} for g in guardian_ids]}})


def recorded(event_type: str, data: dict[str, Any], student_id: str = STUDENT
             ) -> PublishedEvent:
    """An event of the referral service's topic (the student record's stream
    `student-<id>`, or a referral)."""
    now = datetime.now(UTC)
    return PublishedEvent(
        event_id=uuid.uuid4(), stream_id=f"student-{student_id}", stream_version=1,
        global_position=1, student_id=student_id, event_type=event_type, schema_version=1,
        occurred_at=now, recorded_at=now, metadata=Metadata(correlation_id="corr-1"),
        data={"student_id": student_id, **data}, prev_hash="0" * 64, hash="1" * 64,
        service="referral")


def guardian(guardian_id: str, language: str = "es") -> dict[str, Any]:
    return {"guardian_id": guardian_id, "name": "Maria Lopez", "email": None, "phone": None,
            "preferred_language": language}


def pupil(school_id: str, student_id: str = STUDENT) -> dict[str, Any]:
    return {"district_student_id": student_id, "name": "Ana Lopez",
            "date_of_birth": "2018-09-14", "grade": "2", "school_id": school_id,
            "primary_language": "es"}


def student_registered(school_id: str = SCHOOL, student_id: str = STUDENT) -> PublishedEvent:
    return recorded("StudentRegistered", {
        "school_id": school_id, "student": pupil(school_id, student_id),
        "guardians": [guardian(MARIA, "es"), guardian(LUIS, "en")],
        "registered_on": "2026-02-20", "source": "referral", "referral_id": "r-1"},
        student_id)


def referral_made(school_id: str, guardian_ids: tuple[str, ...]) -> PublishedEvent:
    return recorded("ReferralMade", {
        "referral_id": str(uuid.uuid4()), "school_id": school_id, "student": pupil(school_id),
        "guardians": [guardian(g) for g in guardian_ids],
        "referred_by": {"name": "Jo Park", "role": "teacher"},
        "concerns": {"text": "reads slowly", "areas": ["schoolwork"]},
        "referred_on": "2026-06-01"})


def guardian_added(guardian_id: str, language: str = "en") -> PublishedEvent:
    return recorded("GuardianAdded", {"school_id": SCHOOL,
                                      "guardian": guardian(guardian_id, language),
                                      "added_on": "2026-06-01", "reason": "court order"})


def guardian_removed(guardian_id: str) -> PublishedEvent:
    return recorded("GuardianRemoved", {"school_id": SCHOOL, "guardian_id": guardian_id,
                                        "removed_on": "2026-06-01", "reason": "court order"})


def school_changed(school_id: str) -> PublishedEvent:
    return recorded("StudentSchoolChanged", {
        "school_id": school_id, "previous_school_id": SCHOOL, "changed_on": "2026-06-01",
        "reason": "the family moved"})


def plan_written(services: list[dict[str, Any]] | None = None, student_id: str = STUDENT,
                 **changes: Any) -> PublishedEvent:
    return published("PlanWritten", {
        "plan_id": PLAN_ID, "version": 1, "meeting_id": "m-1", "written_on": "2026-05-10",
        "review_due_on": "2027-05-10",
        "content": {"annual_goals": GOALS, "services": services or [SPEECH],
                    "present_levels": None, "a_part_added_later": []},
        "consent_required": True, "guardian_ids": [MARIA, LUIS], "stay_put_agreement": None,
        **changes}, student_id)


def plan_amended(services: list[dict[str, Any]], amended_on: str, version: int = 2
                 ) -> PublishedEvent:
    return published("PlanAmended", {
        "plan_id": PLAN_ID, "version": version, "amends_version": version - 1,
        "amended_on": amended_on, "method": "written_agreement", "meeting_id": None,
        "agreement": None, "changed_parts": ["services"],
        "content": {"annual_goals": GOALS, "services": services}, "stay_put_agreement": None})


def consent_given(signed_on: str = "2026-05-12", student_id: str = STUDENT
                  ) -> PublishedEvent:
    return published("ConsentToServicesGiven", {
        "guardian_id": MARIA, "signed_on": signed_on, "plan_id": PLAN_ID, "version": 1,
        "received_on": signed_on}, student_id)


def stop_notice(effective_on: str, guardian_id: str = MARIA) -> PublishedEvent:
    return published("PriorWrittenNoticeIssued", {
        "notice_id": str(uuid.uuid4()), "guardian_id": guardian_id, "language": "es",
        "issued_on": "2026-09-20", "action": "stop_services", "action_description": "stop",
        "plan_id": None, "version": None, "reasons": "revoked", "records_used": [],
        "safeguards_statement": "", "sources_of_help": [], "options_considered": [],
        "other_factors": "", "effective_on": effective_on})


async def deliver(runtime: ServiceRuntime, *events: PublishedEvent) -> list[Outcome]:
    """Apply events as the worker applies Kafka messages, without the broker."""
    (handler,) = handlers(runtime)
    sub = Subscription(handler, runtime.pool, runtime.vault)
    return [await apply_message(sub, "iep.planning.events", e.model_dump_json().encode())
            for e in events]


async def consented_plan(runtime: ServiceRuntime, services: list[dict[str, Any]] | None = None
                         ) -> None:
    outcomes = await deliver(runtime, planning_opened(), plan_written(services),
                             consent_given())
    assert outcomes == [Outcome.APPLIED] * 3


class Desk:
    """Calls the services-delivery API as a given person; bodies valid unless changed."""

    def __init__(self, system: Any, student_id: str = STUDENT) -> None:
        self.system = system
        self.client: httpx.AsyncClient = system.client
        self.path = f"/api/services-delivery/students/{student_id}"

    def staff(self, role: str = "provider", schools: tuple[str, ...] = (SCHOOL,),
              sub: str | None = None) -> dict[str, str]:
        return {**self.system.auth(role, sub or f"{role}-1", schools), **PURPOSE}

    def parent(self, guardian_id: str = MARIA) -> dict[str, str]:
        return self.system.auth("parent", guardian_id)

    def set_today(self, day: date) -> None:
        self.system.runtime("services-delivery").clock.set(
            datetime.combine(day, datetime.min.time(), UTC).replace(hour=12))

    async def post(self, path: str, body: dict[str, Any],
                   headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.client.post(f"{self.path}{path}", json=body,
                                      headers=headers or self.staff())

    async def read(self, headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.client.get(self.path, headers=headers or self.staff())

    async def schedule_id(self, service: str = "speech_language_pathology") -> str:
        body = (await self.read()).json()
        return str(next(s["schedule_id"] for s in body["schedules"]
                        if s["service"] == service and s["ended_on"] is None))

    async def log(self, schedule_id: str, session_on: str, outcome: str = "delivered",
                  headers: dict[str, str] | None = None, **changes: Any) -> httpx.Response:
        return await self.post("/sessions", {"schedule_id": schedule_id,
                                             "session_on": session_on, "outcome": outcome,
                                             **changes}, headers)
