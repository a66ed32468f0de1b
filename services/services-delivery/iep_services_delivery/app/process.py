"""The process manager: planning's events become commands on the student's services.

`PlanningOpened` tells the student's case (kept in `students`, whose school and guardians
come from the student record on the referral topic, see `students`);
`PlanWritten` and `PlanAmended` are received (`PlanReceived`) and take effect when the
parent has consented (`ConsentToServicesGiven`), or at once for a later plan or an
amendment of the plan in effect; the prior written notice that follows a revoked consent
(`PriorWrittenNoticeIssued`, action `stop_services`) stops the services on its date.
Events are read as plain dicts through the small models below: only the fields used here
are checked, fields added later are ignored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
from iep_kernel.decider import CommandHandler
from iep_kernel.events import SYSTEM_ACTOR, Metadata, PublishedEvent
from iep_kernel.runtime import ServiceRuntime
from pydantic import BaseModel, ConfigDict

from iep_services_delivery.app import queries, students, timers
from iep_services_delivery.app.context import rules_of, stream_of
from iep_services_delivery.domain import commands as c
from iep_services_delivery.domain.decider import delivery
from iep_services_delivery.domain.values import (
    EndReason,
    Frequency,
    Guardian,
    PlanChange,
    PlanGoal,
    PlannedService,
)

PLANNING, REFERRAL = "planning", "referral"  # the services whose topics this reads
CONSUMES = frozenset({"PlanningOpened", "PlanWritten", "PlanAmended", "ConsentToServicesGiven",
                      "PriorWrittenNoticeIssued"}) | students.RECORD_EVENTS


class _Reading(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class GuardianData(_Reading):
    guardian_id: str
    language: str


class OpenedData(_Reading):
    case_id: str
    school_id: str
    guardians: list[GuardianData]


class GoalData(_Reading):
    area: str
    statement: Any
    baseline: Any
    target: Any
    measured_by: Any
    progress_reports: str


class ServiceData(_Reading):
    service: str
    provider_role: str
    minutes: int
    frequency: Frequency
    location: str
    starts_on: date
    ends_on: date


class ContentData(_Reading):
    annual_goals: list[GoalData] | None = None
    services: list[ServiceData] | None = None


class WrittenData(_Reading):
    plan_id: str
    version: int
    written_on: date
    review_due_on: date
    content: ContentData
    consent_required: bool


class AmendedData(_Reading):
    plan_id: str
    version: int
    amended_on: date
    content: ContentData


class ConsentData(_Reading):
    plan_id: str
    version: int
    signed_on: date


class NoticeData(_Reading):
    action: str
    effective_on: date | None = None


def _goals(content: ContentData) -> tuple[PlanGoal, ...]:
    return tuple(PlanGoal(goal_id=f"g{n}", area=g.area, statement=str(g.statement),
                          baseline=str(g.baseline), target=str(g.target),
                          measured_by=str(g.measured_by), progress_reports=g.progress_reports)
                 for n, g in enumerate(content.annual_goals or (), start=1))


def _services(content: ContentData) -> tuple[PlannedService, ...]:
    return tuple(PlannedService(**s.model_dump()) for s in content.services or ())


async def _command_for(runtime: ServiceRuntime, conn: asyncpg.Connection,
                       event: PublishedEvent) -> c.Command | None:
    district = rules_of(runtime)
    kind, data = event.event_type, event.data
    if kind == "ConsentToServicesGiven":
        consent = ConsentData.model_validate(data)
        return c.GiveConsent(consent.plan_id, consent.version, consent.signed_on, district)
    if kind == "PriorWrittenNoticeIssued":
        notice = NoticeData.model_validate(data)
        if notice.action != "stop_services" or notice.effective_on is None:
            return None
        return c.StopServices(notice.effective_on, EndReason.CONSENT_REVOKED)
    student = await queries.student(conn, event.student_id)
    if student is None:
        # PlanningOpened comes first on the same partition; without it, refuse (dead letter).
        raise LookupError("a plan arrived for a student whose planning case is unknown")
    if kind == "PlanWritten":
        written = WrittenData.model_validate(data)
        return c.ReceivePlan(
            event.student_id, student.case_id, student.school_id, written.plan_id,
            written.version, PlanChange.WRITTEN, written.written_on, written.review_due_on,
            written.consent_required, _services(written.content), _goals(written.content),
            student.guardians, district)
    amended = AmendedData.model_validate(data)
    return c.ReceivePlan(
        event.student_id, student.case_id, student.school_id, amended.plan_id,
        amended.version, PlanChange.AMENDED, amended.amended_on, None, False,
        _services(amended.content), _goals(amended.content), student.guardians, district)


async def on_event(runtime: ServiceRuntime, conn: asyncpg.Connection,
                   event: PublishedEvent) -> None:
    if event.event_type in students.RECORD_EVENTS:
        await students.follow(conn, event)
        return
    if event.event_type == "PlanningOpened":
        opened = OpenedData.model_validate(event.data)
        await students.case_opened(
            conn, event.student_id, opened.case_id, opened.school_id,
            tuple(Guardian(guardian_id=g.guardian_id, language=g.language)
                  for g in opened.guardians))
        return
    command = await _command_for(runtime, conn, event)
    if command is None:
        return
    # The append is this transaction's first write; the rows and timers follow it.
    result = await CommandHandler(runtime.store, delivery).execute(
        stream_of(event.student_id), command,
        Metadata(actor=SYSTEM_ACTOR, correlation_id=event.metadata.correlation_id,
                 causation_id=str(event.event_id)), conn=conn)
    await queries.project(conn, result)
    await timers.follow(conn, result, rules_of(runtime))
