"""The referral and evaluation services' events as this service receives them:
`PublishedEvent`s with the contracts' fields, built here because services never import
each other; and a desk that calls the planning API as the people who use it."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
from iep_kernel.consumer import Handler, Outcome, Subscription, apply_message
from iep_kernel.events import Metadata, PublishedEvent
from iep_kernel.runtime import ServiceRuntime
from iep_planning.app.context import case_id_for
from iep_planning.worker import handlers

MARIA, LUIS = "g-maria", "g-luis"
PURPOSE = {"X-Access-Purpose": "preparing the IEP meeting"}


def published(service: str, event_type: str, student_id: str, stream_id: str,
              data: dict[str, Any]) -> PublishedEvent:
    now = datetime.now(UTC)
    return PublishedEvent(
        event_id=uuid.uuid4(), stream_id=stream_id, stream_version=1, global_position=1,
        student_id=student_id, event_type=event_type, schema_version=1, occurred_at=now,
        recorded_at=now, metadata=Metadata(correlation_id=f"corr-{stream_id}"),
        data={"student_id": student_id, **data}, prev_hash="0" * 64, hash="1" * 64,
        service=service)


def referral_made(student_id: str = "S-1001", school_id: str = "sch-1",
                  date_of_birth: date = date(2018, 9, 14),
                  guardians: tuple[tuple[str, str], ...] = ((MARIA, "es"), (LUIS, "en"))
                  ) -> PublishedEvent:
    return published("referral", "ReferralMade", student_id, f"referral-r-{student_id}", {
        "referral_id": f"r-{student_id}", "school_id": school_id,
        "student": {"district_student_id": student_id, "name": "Ana Lopez",
                    "date_of_birth": date_of_birth.isoformat(), "grade": "2",
                    "school_id": school_id, "primary_language": "es"},
        "guardians": [{"guardian_id": g, "name": "Maria Lopez", "email": None, "phone": None,
                       "preferred_language": language} for g, language in guardians],
        "referred_by": {"name": "Jo Park", "role": "teacher"},
        "concerns": {"text": "struggles to read aloud", "areas": ["schoolwork"]},
        "referred_on": "2026-02-20", "a_field_added_later": True})


def recorded(event_type: str, student_id: str, data: dict[str, Any]) -> PublishedEvent:
    """An event of the student record (the referral service's stream `student-<id>`)."""
    return published("referral", event_type, student_id, f"student-{student_id}", data)


def guardian(guardian_id: str, language: str) -> dict[str, Any]:
    return {"guardian_id": guardian_id, "name": "Maria Lopez", "email": None, "phone": None,
            "preferred_language": language}


def student_registered(student_id: str = "S-1001", school_id: str = "sch-1"
                       ) -> PublishedEvent:
    return recorded("StudentRegistered", student_id, {
        "school_id": school_id,
        "student": {"district_student_id": student_id, "name": "Ana Lopez",
                    "date_of_birth": "2018-09-14", "grade": "2", "school_id": school_id,
                    "primary_language": "es"},
        "guardians": [guardian(MARIA, "es"), guardian(LUIS, "en")],
        "registered_on": "2026-02-20", "source": "referral", "referral_id": f"r-{student_id}"})


def guardian_added(guardian_id: str, language: str, student_id: str = "S-1001"
                   ) -> PublishedEvent:
    return recorded("GuardianAdded", student_id, {
        "school_id": "sch-1", "guardian": guardian(guardian_id, language),
        "added_on": "2026-04-16", "reason": "court order"})


def guardian_removed(guardian_id: str, student_id: str = "S-1001") -> PublishedEvent:
    return recorded("GuardianRemoved", student_id, {
        "school_id": "sch-1", "guardian_id": guardian_id, "removed_on": "2026-04-16",
        "reason": "court order"})


def school_changed(school_id: str, student_id: str = "S-1001") -> PublishedEvent:
    return recorded("StudentSchoolChanged", student_id, {
        "school_id": school_id, "previous_school_id": "sch-1", "changed_on": "2026-04-16",
        "reason": "the family moved"})


def eligibility_determined(student_id: str = "S-1001", evaluation_id: str = "ev-1",
                           eligible: bool = True, determined_on: date = date(2026, 4, 15),
                           school_id: str = "sch-1") -> PublishedEvent:
    return published("evaluation", "EligibilityDetermined", student_id,
                     f"evaluation-{evaluation_id}", {
                         "evaluation_id": evaluation_id, "school_id": school_id,
                         "eligible": eligible,
                         "categories": ["specific_learning_disability"] if eligible else [],
                         "adverse_effect": eligible, "needs_special_education": eligible,
                         "team": [{"name": "Dr. Ruth Chen", "role": "psychologist"}],
                         "parent_participated": True,
                         "determined_on": determined_on.isoformat(),
                         "rationale": "a learning disability in reading",
                         "section_504_referral": False, "within_timeline": True})


def the_handler(runtime: ServiceRuntime) -> Handler:
    (handler,) = handlers(runtime)
    return handler


async def deliver(runtime: ServiceRuntime, *events: PublishedEvent) -> list[Outcome]:
    """Apply events as the worker applies Kafka messages, without the broker."""
    sub = Subscription(the_handler(runtime), runtime.pool, runtime.vault)
    return [await apply_message(sub, f"iep.{e.service}.events", e.model_dump_json().encode())
            for e in events]


async def open_case(runtime: ServiceRuntime, student_id: str = "S-1001",
                    school_id: str = "sch-1", **referral: Any) -> str:
    outcomes = await deliver(runtime, referral_made(student_id, school_id, **referral),
                             eligibility_determined(student_id, school_id=school_id))
    assert outcomes == [Outcome.APPLIED, Outcome.APPLIED]
    return case_id_for(student_id)


MEETING = {"purposes": ["initial_plan"], "meeting_on": "2026-05-10", "starts_at": "09:30",
           "location": "Lincoln Elementary, room 12",
           "invited": [{"name": "Jo Park", "roles": ["regular_education_teacher"]},
                       {"name": "Ana Ruiz", "roles": ["special_education_teacher"]},
                       {"name": "Dr. Lee", "roles": ["district_representative",
                                                     "evaluation_interpreter"]}]}
TEAM = [{"name": "Maria Lopez", "roles": ["parent"]}, *MEETING["invited"]]
SERVICE = {"service": "speech_language_pathology",
           "provider_role": "speech-language pathologist", "minutes": 30,
           "frequency": "weekly", "location": "speech room", "starts_on": "2026-05-18",
           "ends_on": "2027-05-09"}
READING = {**SERVICE, "service": "specially_designed_instruction",
           "provider_role": "special education teacher", "minutes": 45, "frequency": "daily",
           "location": "resource room"}
CONTENT = {
    "present_levels": {"academic_achievement": "Reads at a first-grade level",
                       "functional_performance": "Follows two-step directions",
                       "effect_on_general_curriculum": "Cannot read grade-level texts"},
    "annual_goals": [{"area": "reading", "statement": "Read grade-level text fluently",
                      "baseline": "40 words a minute", "target": "90 words a minute",
                      "measured_by": "weekly fluency probes",
                      "progress_reports": "quarterly"}],
    "services": [READING, SERVICE], "supplementary_aids": ["audiobooks"],
    "program_modifications": [],
    "time_outside_regular_class": {"minutes_per_week": 225,
                                   "explanation": "Reading in the resource room"},
    "testing_accommodations": ["extended time"]}
NOTICE = {"reasons": "The evaluation found a learning disability in reading",
          "records_used": ["Evaluation report of April 2026"],
          "options_considered": [{"option": "General education only",
                                  "why_rejected": "Not enough progress"}],
          "sources_of_help": ["State Parent Training and Information Center"]}
DUE_PROCESS = {"kind": "due_process_complaint", "problem": "Speech was cut without a meeting",
               "proposed_resolution": "Restore weekly speech therapy",
               "particulars": {"child_name": "Ana Lopez", "address": "12 Elm St",
                               "school": "Lincoln Elementary"},
               "knew_on": "2026-08-20"}


class Desk:
    """Calls the planning API as a given person; bodies are valid unless a test changes
    them."""

    def __init__(self, system: Any, case_id: str) -> None:
        self.system = system
        self.client: httpx.AsyncClient = system.client
        self.case = f"/api/planning/cases/{case_id}"

    def staff(self, role: str = "case_manager", schools: tuple[str, ...] = ("sch-1",),
              sub: str | None = None) -> dict[str, str]:
        return {**self.system.auth(role, sub or f"{role}-1", schools), **PURPOSE}

    def parent(self, guardian_id: str = MARIA) -> dict[str, str]:
        return self.system.auth("parent", guardian_id)

    def set_today(self, day: date) -> None:
        self.system.runtime("planning").clock.set(datetime.combine(
            day, datetime.min.time(), UTC).replace(hour=12))

    async def post(self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
                   ) -> httpx.Response:
        return await self.client.post(f"{self.case}{path}", json=body,
                                      headers=headers or self.staff())

    async def schedule(self, headers: dict[str, str] | None = None, **changes: Any
                       ) -> httpx.Response:
        return await self.post("/meetings", {**copy.deepcopy(MEETING), **changes}, headers)

    async def meeting_held(self, attendees: list[Any] | None = None) -> str:
        scheduled = await self.schedule()
        assert scheduled.status_code == 201, scheduled.text
        meeting_id = str(scheduled.json()["meetings"][-1]["meeting_id"])
        self.set_today(date(2026, 5, 10))
        held = await self.post(f"/meetings/{meeting_id}/held",
                               {"attendees": attendees or TEAM})
        assert held.status_code == 200, held.text
        return meeting_id

    async def draft(self, content: dict[str, Any] | None = None) -> str:
        drafted = await self.post("/plans", {"content": content or copy.deepcopy(CONTENT)})
        assert drafted.status_code == 201, drafted.text
        return str(drafted.json()["drafts"][-1]["plan_id"])

    async def finalize(self, plan_id: str, meeting_id: str, **changes: Any) -> httpx.Response:
        return await self.post(f"/plans/{plan_id}/finalize",
                               {"meeting_id": meeting_id, "notice": NOTICE, **changes})

    async def plan_written(self) -> str:
        meeting_id = await self.meeting_held()
        plan_id = await self.draft()
        finalized = await self.finalize(plan_id, meeting_id)
        assert finalized.status_code == 200, finalized.text
        return plan_id

    async def consent(self, headers: dict[str, str] | None = None, **changes: Any
                      ) -> httpx.Response:
        body = {"decision": "given", "signed_on": "2026-05-10", **changes}
        return await self.post("/consent", body, headers or self.parent())

    async def in_effect(self) -> None:
        await self.plan_written()
        consented = await self.consent()
        assert consented.status_code == 200, consented.text

    async def file(self, headers: dict[str, str] | None = None, **changes: Any
                   ) -> httpx.Response:
        return await self.post("/disputes", {**DUE_PROCESS, **changes},
                               headers or self.parent())

    async def read(self, headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.client.get(self.case, headers=headers or self.staff())
