"""The process manager: other services' events become notices.

It reads every `iep.*.events` topic of the lifecycle. The student record's events
(`RECORD_EVENTS`) give the student's school and name and the guardians (name, email opened
from the vault, language); a `ReferralMade` gives them only for a student the record has not
told us of, and never changes them for a known one, and gives the referrer, who is the case
manager until one is assigned. A guardian added is sent their record access with the
procedural safeguards, and the other guardians are told of every guardian added or removed;
a guardian removed receives nothing further. The events in `TRIGGERS` each
call for one kind of message to some recipients: guardians the event names (or all of the
student's), or the staff of the case (the case manager and the school's administrators).
Guardians are only ever looked up under the event's own student, so a notice never reaches
another family. An event naming a student or guardian whose referral has not arrived yet
(the topics are independent) waits in `awaiting_referral` and is answered with the referral.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg
from iep_kernel.events import PublishedEvent
from iep_kernel.runtime import ServiceRuntime

from iep_notifications.app import directory, reports
from iep_notifications.app.directory import Recipient, Student
from iep_notifications.app.outbox import Draft, Source, queue

log = logging.getLogger("iep.notifications.process")

REFERRAL, EVALUATION, PLANNING, SERVICES_DELIVERY = (
    "referral", "evaluation", "planning", "services-delivery")
SOURCES = (REFERRAL, EVALUATION, PLANNING, SERVICES_DELIVERY)
ALL_GUARDIANS = "all"
STAFF = "staff"


@dataclass(frozen=True)
class Trigger:
    kind: str
    recipients: Callable[[dict[str, Any]], tuple[str, ...] | str]  # guardian ids, all, staff
    deadline: str | None = None  # which deadline, for the staff reminders
    leaves_out: Callable[[dict[str, Any]], str] | None = None  # a guardian "all" excludes


def _one(field: str) -> Callable[[dict[str, Any]], tuple[str, ...]]:
    return lambda data: (str(data[field]),)


def _many(field: str) -> Callable[[dict[str, Any]], tuple[str, ...] | str]:
    return lambda data: tuple(str(g) for g in data.get(field) or ()) or ALL_GUARDIANS


def _report_guardians(data: dict[str, Any]) -> tuple[str, ...] | str:
    return tuple(str(g["guardian_id"]) for g in data.get("guardians") or ()) or ALL_GUARDIANS


def _all(data: dict[str, Any]) -> str:
    return ALL_GUARDIANS


def _added(data: dict[str, Any]) -> str:
    return str(data["guardian"]["guardian_id"])


def _staff(data: dict[str, Any]) -> str:
    return STAFF


def _act_date(data: dict[str, Any]) -> date | None:
    """The day of the act an event records (`occurred_on`, on every `Act` of the producers),
    so a notice is issued as of the act, not as of when it was recorded."""
    try:
        return date.fromisoformat(str(data["occurred_on"]))
    except (KeyError, TypeError, ValueError):
        return None  # an event that records no act, or from before acts were dated


def _dispute_deadline(data: dict[str, Any]) -> str:
    return f"dispute_{data.get('deadline', 'response')}"


TRIGGERS: dict[tuple[str, str], Trigger] = {
    (REFERRAL, "ProceduralSafeguardsNoticeGiven"): Trigger("procedural_safeguards",
                                                           _one("guardian_id")),
    (REFERRAL, "PriorWrittenNoticeIssued"): Trigger("prior_written_notice", _one("guardian_id")),
    (REFERRAL, "EvaluationConsentRequested"): Trigger("consent_request", _many("guardian_ids")),
    (PLANNING, "ProceduralSafeguardsNoticeGiven"): Trigger("procedural_safeguards",
                                                           _one("guardian_id")),
    (PLANNING, "PriorWrittenNoticeIssued"): Trigger("prior_written_notice", _one("guardian_id")),
    (PLANNING, "MeetingNoticeIssued"): Trigger("meeting_notice", _one("guardian_id")),
    (PLANNING, "PlanWritten"): Trigger("plan_copy", _many("guardian_ids")),
    (PLANNING, "PlanAmended"): Trigger("plan_copy", _all),
    (PLANNING, "DisputeFiled"): Trigger("dispute_acknowledgement", _one("filed_by")),
    (PLANNING, "ReevaluationDue"): Trigger("deadline_notice", _many("guardian_ids"),
                                           "reevaluation"),
    (SERVICES_DELIVERY, "ProgressReportIssued"): Trigger("progress_report", _report_guardians),
    # The student record: the new guardian learns of their access (with their safeguards);
    # every other guardian still recorded learns who may see the child changed.
    (REFERRAL, "GuardianAdded"): Trigger("record_access", lambda data: (_added(data),)),
    (REFERRAL, "GuardianRemoved"): Trigger("guardians_changed", _all),
    # Staff: the case manager and the school's administrators.
    (EVALUATION, "EvaluationDeadlineApproaching"): Trigger("deadline_approaching", _staff,
                                                           "evaluation"),
    (EVALUATION, "EvaluationOverdue"): Trigger("deadline_overdue", _staff, "evaluation"),
    (PLANNING, "MeetingDeadlineApproaching"): Trigger("deadline_approaching", _staff,
                                                      "meeting"),
    (PLANNING, "MeetingOverdue"): Trigger("deadline_overdue", _staff, "meeting"),
    (PLANNING, "AnnualReviewOverdue"): Trigger("deadline_overdue", _staff, "annual_review"),
    (PLANNING, "ReevaluationOverdue"): Trigger("deadline_overdue", _staff, "reevaluation"),
    (PLANNING, "DisputeDeadlineApproaching"): Trigger("deadline_approaching", _staff),
    (PLANNING, "DisputeDeadlineOverdue"): Trigger("deadline_overdue", _staff),
    (SERVICES_DELIVERY, "ProgressReportOverdue"): Trigger("deadline_overdue", _staff,
                                                          "progress_report"),
}
# Events that call for two kinds: the parents' notice and the staff reminder.
ALSO: dict[tuple[str, str], Trigger] = {
    (PLANNING, "AnnualReviewDue"): Trigger("deadline_approaching", _staff, "annual_review"),
    (PLANNING, "ReevaluationDue"): Trigger("deadline_approaching", _staff, "reevaluation"),
    (REFERRAL, "GuardianAdded"): Trigger("guardians_changed", _all, leaves_out=_added),
}
RECORD_EVENTS = frozenset({"StudentRegistered", "GuardianAdded", "GuardianRemoved",
                           "StudentSchoolChanged"})
CONSUMES = frozenset({"ReferralMade", *RECORD_EVENTS, *(t for _, t in TRIGGERS),
                      *(t for _, t in ALSO)})


def triggers_of(event: PublishedEvent) -> list[Trigger]:
    key = (event.service, event.event_type)
    return [t for t in (TRIGGERS.get(key), ALSO.get(key)) if t is not None]


async def _lock_student(conn: asyncpg.Connection, student_id: str) -> None:
    # The referral and the events that wait for it may come on different partitions at once.
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))",
                       f"notifications-student:{student_id}")


async def on_event(runtime: ServiceRuntime, conn: asyncpg.Connection,
                   event: PublishedEvent) -> None:
    await _lock_student(conn, event.student_id)
    if event.service == REFERRAL and event.event_type == "ReferralMade":
        await _referral(runtime, conn, event)
        return
    if event.service == REFERRAL and event.event_type in RECORD_EVENTS:
        await _record(runtime, conn, event)
        return
    triggers = triggers_of(event)
    if not triggers:
        return
    student = await directory.student(conn, event.student_id)
    if any(_waits(t, event, student) for t in triggers):
        await conn.execute(
            "INSERT INTO awaiting_referral (event_id, student_id, event) VALUES ($1, $2, $3) "
            "ON CONFLICT (event_id) DO NOTHING", str(event.event_id), event.student_id,
            json.loads(event.model_dump_json()))
        return
    drafts = []
    for trigger in triggers:
        drafts += await _drafts(runtime, conn, trigger, event, student)
    if drafts:
        await queue(runtime, conn, drafts)


def _waits(trigger: Trigger, event: PublishedEvent, student: Student | None) -> bool:
    """A parents' notice for a student or guardian we do not know yet waits for the
    referral; staff reminders go ahead with what is known."""
    wanted = trigger.recipients(event.data)
    if wanted == STAFF:
        return False
    if student is None:
        return True
    return wanted != ALL_GUARDIANS and any(student.guardian(g) is None for g in wanted)


async def _referral(runtime: ServiceRuntime, conn: asyncpg.Connection,
                    event: PublishedEvent) -> None:
    actor = event.metadata.actor
    referred_by = actor.id if actor.role not in ("parent", "system") else None
    known = await directory.student(conn, event.student_id)
    # Anyone may write a referral: for a known student it changes no school or guardian.
    student = known or directory.from_referral(event.student_id, event.data, referred_by)
    answered, drafts = await _answered(runtime, conn, student)
    if drafts:
        await queue(runtime, conn, drafts)  # the append comes first
    if known is None:
        await directory.save_referral(conn, student, referred_by)
    else:
        await directory.note_referrer(conn, event.student_id, referred_by)
    await conn.execute("DELETE FROM awaiting_referral WHERE event_id = ANY($1::text[])",
                       answered)


async def _record(runtime: ServiceRuntime, conn: asyncpg.Connection,
                  event: PublishedEvent) -> None:
    """One of the student record's events: the notices it calls for (to the guardians as
    recorded after it), the waiting notices it answers, then the directory."""
    known = await directory.student(conn, event.student_id)
    student = directory.after_record_event(event.student_id, event.event_type, event.data,
                                           known)
    drafts = []
    for trigger in triggers_of(event):
        drafts += await _drafts(runtime, conn, trigger, event, student)
    answered, waiting = await _answered(runtime, conn, student)
    if drafts or waiting:
        await queue(runtime, conn, drafts + waiting)  # the append comes first
    await directory.save_record(conn, student)
    await conn.execute("DELETE FROM awaiting_referral WHERE event_id = ANY($1::text[])",
                       answered)


async def _answered(runtime: ServiceRuntime, conn: asyncpg.Connection, student: Student
                    ) -> tuple[list[str], list[Draft]]:
    """The waiting events the student as now known answers (their ids) and their notices."""
    waiting = await conn.fetch("SELECT event_id, event FROM awaiting_referral "
                               "WHERE student_id = $1 ORDER BY event_id", student.student_id)
    answered, drafts = [], []
    for row in waiting:
        parked = PublishedEvent.model_validate(row["event"])
        triggers = triggers_of(parked)
        if any(_waits(t, parked, student) for t in triggers):
            continue
        answered.append(row["event_id"])
        for trigger in triggers:
            drafts += await _drafts(runtime, conn, trigger, parked, student)
    return answered, drafts


async def _drafts(runtime: ServiceRuntime, conn: asyncpg.Connection, trigger: Trigger,
                  event: PublishedEvent, student: Student | None) -> list[Draft]:
    data = event.data
    # A notice belongs to the student's recorded school (whose staff read it), not to the
    # school an event names.
    school_id = student.school_id if student else str(data.get("school_id") or "")
    if student is None:
        student = Student(event.student_id, school_id, None, None, ())
    wanted = trigger.recipients(data)
    recipients: list[Recipient]
    if wanted == STAFF:
        recipients = await directory.staff_of(conn, student)
    elif wanted == ALL_GUARDIANS:
        left_out = trigger.leaves_out(data) if trigger.leaves_out else None
        recipients = [g for g in student.guardians if g.recipient_id != left_out]
    else:
        recipients = [g for g in (student.guardian(gid) for gid in wanted) if g is not None]
    source = Source(event.service, event.event_type, str(event.event_id),
                    event.metadata.correlation_id, _act_date(data))
    deadline = trigger.deadline or _dispute_deadline(data)
    context = {"student_id": event.student_id, "student_name": student.name or "",
               "school_id": school_id or student.school_id, "d": data,
               "event_type": event.event_type, "deadline": deadline}
    drafts = []
    for recipient in recipients:
        attachments: tuple[Any, ...] = ()
        if trigger.kind == "progress_report":
            attachments = reports.progress_report_pdf(data, recipient.language)
        drafts.append(Draft(trigger.kind, recipient, event.student_id,
                            context["school_id"], {**context, "attached": bool(attachments)},
                            source, attachments))
    return drafts
