"""The process manager: the referral service's events become evaluation commands.

On `ReferralMade` it keeps what an evaluation needs about the student; on `ConsentGiven` it
opens the evaluation with its due date and schedules the deadline timers; the student
record's events keep the student's school and guardians (see `students`). The referral
service's events are read as plain dicts, through the small models below: only the fields
used here are checked, and fields added later are ignored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
from iep_kernel.decider import CommandHandler
from iep_kernel.events import DESTROYED, SYSTEM_ACTOR, Metadata, PublishedEvent
from iep_kernel.runtime import ServiceRuntime
from pydantic import BaseModel, ConfigDict, field_validator

from iep_evaluation.app import deadlines, queries, students
from iep_evaluation.app.context import evaluation_id_for, rules_of, stream_of
from iep_evaluation.domain.commands import OpenEvaluation
from iep_evaluation.domain.decider import evaluation
from iep_evaluation.domain.events import EvaluationOpened

REFERRAL = "referral"  # the service whose topic this reads
CONSUMES = frozenset({"ReferralMade", "ConsentGiven"}) | students.RECORD_EVENTS


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


class ReferralMadeData(_Reading):
    referral_id: str
    student: ReferredStudent
    guardians: list[ReferredGuardian]


class ConsentGivenData(_Reading):
    referral_id: str
    guardian_id: str
    signed_on: date
    received_on: date | None = None  # not sent by every version: then the signing date
    school_id: str


class ReferralNotSeen(Exception):
    """A consent arrived for a referral this service has no record of (sent to dead
    letters; replay it once the referral has been applied)."""


async def remember_referral(conn: asyncpg.Connection, event: PublishedEvent) -> None:
    made = ReferralMadeData.model_validate(event.data)
    await queries.remember_referral(conn, queries.Referral(
        referral_id=made.referral_id, student_id=event.student_id,
        school_id=made.student.school_id, date_of_birth=made.student.date_of_birth,
        guardian_ids=tuple(g.guardian_id for g in made.guardians)))
    await students.name_if_unknown(conn, students.Student(
        event.student_id, made.student.school_id,
        tuple(g.guardian_id for g in made.guardians)))


async def open_evaluation(runtime: ServiceRuntime, conn: asyncpg.Connection,
                          event: PublishedEvent) -> None:
    consent = ConsentGivenData.model_validate(event.data)
    referral = await queries.referral(conn, consent.referral_id)
    # Applying the referral made the student known: school and guardians are the record's.
    student = await students.student(conn, event.student_id)
    if referral is None or student is None:
        raise ReferralNotSeen(f"no ReferralMade was applied for referral "
                              f"{consent.referral_id}; consent cannot open an evaluation")
    district = rules_of(runtime)
    evaluation_id = evaluation_id_for(consent.referral_id)
    command = OpenEvaluation(
        evaluation_id=evaluation_id, referral_id=consent.referral_id,
        student_id=event.student_id, school_id=student.school_id,
        consent_signed_on=consent.signed_on,
        consent_received_on=consent.received_on or consent.signed_on,
        date_of_birth=referral.date_of_birth,
        guardian_ids=student.guardian_ids, rules=district)
    metadata = Metadata(actor=SYSTEM_ACTOR, correlation_id=event.metadata.correlation_id,
                        causation_id=str(event.event_id))
    # The append is this transaction's first write; the row and timers follow it.
    result = await CommandHandler(runtime.store, evaluation).execute(
        stream_of(evaluation_id), command, metadata, conn=conn)
    await queries.project(conn, result)
    for envelope in result.events:
        if isinstance(envelope.data, EvaluationOpened):
            await deadlines.schedule_for(conn, envelope.data, district)


async def on_referral_event(runtime: ServiceRuntime, conn: asyncpg.Connection,
                            event: PublishedEvent) -> None:
    if event.event_type in students.RECORD_EVENTS:
        await students.follow(conn, event)
    elif event.event_type == "ReferralMade":
        await remember_referral(conn, event)
    elif event.event_type == "ConsentGiven":
        await open_evaluation(runtime, conn, event)
