"""The process manager: other services' events become planning commands.

From the referral service's student record (`StudentRegistered`, `GuardianAdded`,
`GuardianRemoved`, `StudentSchoolChanged`) it keeps what planning needs of the student (the
school, the date of birth, the guardians and the language of their notices), and an open
case follows each change (`GuardiansAndSchoolUpdated`); a `ReferralMade` names them only for
a student the record never mentioned (see `students`). From the
evaluation service's `EligibilityDetermined` it opens the student's planning case when the
child is eligible, with the meeting due in 30 days (300.323(c)), and starts the deadline
timers; a reevaluation's determination restarts the three years. A determination of not
eligible opens nothing.

The two arrive on different topics, so either may come first: a determination that finds
no referral waits in `awaiting_referral` and opens the case when the referral arrives.
Both paths take the same per-student lock, so neither can miss the other. Events are read
as plain dicts through the small models below: only the fields used here are checked.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
from iep_kernel.decider import CommandHandler
from iep_kernel.events import DESTROYED, SYSTEM_ACTOR, Metadata, PublishedEvent
from iep_kernel.runtime import ServiceRuntime
from pydantic import BaseModel, ConfigDict, field_validator

from iep_planning.app import deadlines, queries, students
from iep_planning.app.context import case_id_for, rules_of, stream_of
from iep_planning.domain.commands import FollowStudentRecord, OpenPlanning
from iep_planning.domain.decider import planning
from iep_planning.domain.values import Guardian

REFERRAL, EVALUATION = "referral", "evaluation"  # the services whose topics this reads
CONSUMES = frozenset({"ReferralMade", "EligibilityDetermined"}) | students.RECORD_EVENTS


class _Reading(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ReferredStudent(_Reading):
    school_id: str
    date_of_birth: date | None = None

    @field_validator("date_of_birth", mode="before")
    @classmethod
    def _destroyed_is_unknown(cls, value: Any) -> Any:
        return None if value == DESTROYED else value


class ReferredGuardian(_Reading):
    guardian_id: str
    preferred_language: str


class ReferralMadeData(_Reading):
    student: ReferredStudent
    guardians: list[ReferredGuardian]


class EligibilityData(_Reading):
    evaluation_id: str
    school_id: str
    eligible: bool
    categories: list[str]
    determined_on: date


async def _lock_student(conn: asyncpg.Connection, student_id: str) -> None:
    # Serializes the two topics' handlers for one student (no write: appends stay first).
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))",
                       f"planning-student:{student_id}")


async def _open(runtime: ServiceRuntime, conn: asyncpg.Connection, student: queries.Student,
                determined: EligibilityData, metadata: Metadata) -> None:
    district = rules_of(runtime)
    case_id = case_id_for(student.student_id)
    command = OpenPlanning(
        case_id=case_id, student_id=student.student_id, school_id=student.school_id,
        evaluation_id=determined.evaluation_id, determined_on=determined.determined_on,
        categories=tuple(determined.categories), date_of_birth=student.date_of_birth,
        guardians=student.guardians, rules=district)
    # The append is this transaction's first write; the rows and timers follow it.
    result = await CommandHandler(runtime.store, planning).execute(
        stream_of(case_id), command, metadata, conn=conn)
    await queries.project(conn, result)
    await deadlines.follow(conn, result, district)


async def _open_waiting(runtime: ServiceRuntime, conn: asyncpg.Connection,
                        student: queries.Student) -> None:
    """Open the case of a determination that came before the student was known."""
    waiting = await queries.waiting_for(conn, student.student_id)
    if waiting is not None:
        await _open(runtime, conn, student, EligibilityData.model_validate(
            waiting.determination), Metadata(actor=SYSTEM_ACTOR,
                                             correlation_id=waiting.correlation_id,
                                             causation_id=waiting.causation_id))
        await queries.stop_waiting(conn, student.student_id)


async def on_referral_made(runtime: ServiceRuntime, conn: asyncpg.Connection,
                           event: PublishedEvent) -> None:
    made = ReferralMadeData.model_validate(event.data)
    await _lock_student(conn, event.student_id)
    named = queries.Student(
        event.student_id, made.student.school_id, made.student.date_of_birth,
        tuple(Guardian(guardian_id=g.guardian_id, language=g.preferred_language)
              for g in made.guardians))
    # A known student stays whose child they are and where they go, whatever this says.
    student = await queries.student(conn, event.student_id) or named
    await _open_waiting(runtime, conn, student)
    await queries.name_student_if_unknown(conn, named)


async def on_student_record(runtime: ServiceRuntime, conn: asyncpg.Connection,
                            event: PublishedEvent) -> None:
    await _lock_student(conn, event.student_id)
    student, changed_on = students.followed(
        event, await queries.student(conn, event.student_id))
    metadata = Metadata(actor=SYSTEM_ACTOR, correlation_id=event.metadata.correlation_id,
                        causation_id=str(event.event_id))
    # An open case follows the record (the append, if any, is this transaction's first
    # write); a case still waiting for the student opens with it.
    result = await CommandHandler(runtime.store, planning).execute(
        stream_of(case_id_for(event.student_id)),
        FollowStudentRecord(student.school_id, student.guardians, changed_on), metadata,
        conn=conn)
    await queries.project(conn, result)
    await _open_waiting(runtime, conn, student)
    await queries.record_student(conn, student)


async def on_eligibility_determined(runtime: ServiceRuntime, conn: asyncpg.Connection,
                                    event: PublishedEvent) -> None:
    determined = EligibilityData.model_validate(event.data)
    if not determined.eligible:
        return  # not eligible: no plan (a Section 504 referral is the evaluation's outcome)
    await _lock_student(conn, event.student_id)
    student = await queries.student(conn, event.student_id)
    if student is None:
        # Only the fields read here are kept: the rest of the event may be personal.
        await queries.wait_for_referral(conn, event.student_id, queries.Waiting(
            determined.model_dump(mode="json"), str(event.event_id),
            event.metadata.correlation_id))
        return
    await _open(runtime, conn, student, determined, Metadata(
        actor=SYSTEM_ACTOR, correlation_id=event.metadata.correlation_id,
        causation_id=str(event.event_id)))


async def on_event(runtime: ServiceRuntime, conn: asyncpg.Connection,
                   event: PublishedEvent) -> None:
    if event.event_type in students.RECORD_EVENTS:
        await on_student_record(runtime, conn, event)
    elif event.event_type == "ReferralMade":
        await on_referral_made(runtime, conn, event)
    elif event.event_type == "EligibilityDetermined":
        await on_eligibility_determined(runtime, conn, event)
