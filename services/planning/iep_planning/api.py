"""The planning API under `/api/planning/`: thin routes, one command or query each.

Case managers and administrators act for the district (meetings, finalizing, amending,
disputes' steps); teachers, providers and evaluators may also draft; a parent consents,
revokes, files and withdraws disputes for their own child, and staff may record a
guardian's paper form on the guardian's behalf. Staff read the cases of the schools they
serve (administrators and auditors all), parents their own child's. A case out of reach
answers 404, as if it did not exist; a role that may never act answers 403.
"""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from iep_kernel.access import access_router
from iep_kernel.auth import Principal
from iep_kernel.decider import NotFound
from iep_kernel.fields import Id
from iep_kernel.http import COMMAND_RESPONSES
from iep_kernel.runtime import ServiceRuntime
from pydantic import BaseModel, Field

from iep_planning import dispute_api, requests
from iep_planning.app import handling, queries
from iep_planning.app.context import rules_of, today
from iep_planning.app.views import CaseSummary, CaseView, VersionView, summary_view, version_view
from iep_planning.domain import commands as c
from iep_planning.routing import (
    DISTRICT,
    READERS,
    WRITERS,
    AccessLog,
    CaseId,
    Commands,
    ItemId,
    Runtime,
    dated,
    permit,
    run,
)

router = APIRouter(prefix="/api/planning", tags=["planning"], responses=COMMAND_RESPONSES)
Reader = Annotated[Principal, permit("read_case", *READERS)]


# -- meetings ----------------------------------------------------------------------------

@router.post("/cases/{case_id}/meetings", status_code=201, response_model=CaseView)
async def schedule_meeting(
        case_id: CaseId, body: requests.MeetingRequest, commands: Commands, runtime: Runtime,
        who: Annotated[Principal, permit("schedule_meeting", *DISTRICT)]) -> JSONResponse:
    """Schedule an IEP meeting; each guardian gets notice in their language (300.322)."""
    command = c.ScheduleMeeting(
        str(uuid.uuid4()), tuple(body.purposes), body.meeting_on, body.starts_at,
        body.location, tuple(m.value() for m in body.invited), today(runtime),
        rules_of(runtime))
    return await run(commands, runtime, who, case_id, command, status_code=201)


@router.post("/cases/{case_id}/meetings/{meeting_id}/reschedule", response_model=CaseView)
async def reschedule_meeting(
        case_id: CaseId, meeting_id: ItemId, body: requests.RescheduleRequest,
        commands: Commands, runtime: Runtime,
        who: Annotated[Principal, permit("reschedule_meeting", *DISTRICT)]) -> JSONResponse:
    """Move a meeting (the earlier schedule is kept); the guardians get a new notice."""
    command = c.RescheduleMeeting(meeting_id, body.meeting_on, body.starts_at, body.location,
                                  body.reason, today(runtime), rules_of(runtime))
    return await run(commands, runtime, who, case_id, command)


@router.post("/cases/{case_id}/meetings/{meeting_id}/contact-attempts", status_code=201,
             response_model=CaseView)
async def record_contact_attempt(
        case_id: CaseId, meeting_id: ItemId, body: requests.ContactAttemptRequest,
        commands: Commands, runtime: Runtime,
        who: Annotated[Principal, permit("record_contact_attempt", *DISTRICT)]
) -> JSONResponse:
    """Record an attempt to arrange the meeting with the parents (300.322(d))."""
    command = c.RecordContactAttempt(meeting_id, body.method, body.note,
                                     dated(runtime, body))
    return await run(commands, runtime, who, case_id, command, status_code=201)


@router.post("/cases/{case_id}/meetings/{meeting_id}/excusals", status_code=201,
             response_model=CaseView)
async def excuse_member(
        case_id: CaseId, meeting_id: ItemId, body: requests.ExcusalRequest,
        commands: Commands, runtime: Runtime,
        who: Annotated[Principal, permit("excuse_member", *DISTRICT)]) -> JSONResponse:
    """Excuse a required member with the parent's written agreement (300.321(e))."""
    command = c.ExcuseMember(meeting_id, body.role, body.guardian_id, body.area_discussed,
                             body.written_input_on, dated(runtime, body))
    return await run(commands, runtime, who, case_id, command, status_code=201)


@router.post("/cases/{case_id}/meetings/{meeting_id}/held", response_model=CaseView)
async def hold_meeting(
        case_id: CaseId, meeting_id: ItemId, body: requests.HeldRequest, commands: Commands,
        runtime: Runtime,
        who: Annotated[Principal, permit("hold_meeting", *DISTRICT)]) -> JSONResponse:
    """Record the meeting as held on `occurred_on` (default today, not before the day it is
    scheduled for) with who attended; the team is checked (300.321)."""
    command = c.HoldMeeting(meeting_id, tuple(m.value() for m in body.attendees),
                            dated(runtime, body), rules_of(runtime))
    return await run(commands, runtime, who, case_id, command)


# -- the plan ----------------------------------------------------------------------------

@router.post("/cases/{case_id}/plans", status_code=201, response_model=CaseView)
async def draft_plan(
        case_id: CaseId, body: requests.DraftRequest, commands: Commands, runtime: Runtime,
        who: Annotated[Principal, permit("draft_plan", *WRITERS)]) -> JSONResponse:
    """Start a draft of the plan; parts may be missing until it is finalized."""
    command = c.DraftPlan(str(uuid.uuid4()), body.content.value(), today(runtime))
    return await run(commands, runtime, who, case_id, command, status_code=201)


@router.put("/cases/{case_id}/plans/{plan_id}", response_model=CaseView)
async def revise_draft(
        case_id: CaseId, plan_id: ItemId, body: requests.DraftRequest, commands: Commands,
        runtime: Runtime,
        who: Annotated[Principal, permit("revise_draft", *WRITERS)]) -> JSONResponse:
    """Replace a draft's content (until it is finalized)."""
    command = c.ReviseDraft(plan_id, body.content.value(), today(runtime))
    return await run(commands, runtime, who, case_id, command)


@router.post("/cases/{case_id}/plans/{plan_id}/finalize", response_model=CaseView)
async def finalize_plan(
        case_id: CaseId, plan_id: ItemId, body: requests.FinalizeRequest, commands: Commands,
        runtime: Runtime,
        who: Annotated[Principal, permit("finalize_plan", *DISTRICT)]) -> JSONResponse:
    """Finalize the plan at a held meeting: `PlanWritten`, and prior written notice."""
    command = c.FinalizePlan(plan_id, body.meeting_id, body.notice.value(),
                             requests.agreement(body.stay_put_agreement),
                             dated(runtime, body), rules_of(runtime))
    return await run(commands, runtime, who, case_id, command)


@router.post("/cases/{case_id}/amendments", status_code=201, response_model=CaseView)
async def amend_plan(
        case_id: CaseId, body: requests.AmendmentRequest, commands: Commands, runtime: Runtime,
        who: Annotated[Principal, permit("amend_plan", *DISTRICT)]) -> JSONResponse:
    """Amend the plan in effect between reviews: a new version (300.324(a)(4), (6))."""
    command = c.AmendPlan(body.changes.value(), body.method, body.meeting_id,
                          requests.agreement(body.agreement), body.notice.value(),
                          requests.agreement(body.stay_put_agreement), dated(runtime, body),
                          rules_of(runtime))
    return await run(commands, runtime, who, case_id, command, status_code=201)


# -- consent to services and reevaluation ------------------------------------------------

@router.post("/cases/{case_id}/consent", response_model=CaseView)
async def decide_on_services(
        case_id: CaseId, body: requests.ConsentRequest, commands: Commands, runtime: Runtime,
        who: Annotated[Principal, permit("record_consent_to_services", "parent", *DISTRICT)]
) -> JSONResponse:
    """A guardian's consent to the initial services, or refusal (300.300(b))."""
    guardian_id, on_behalf_of = requests.acting_guardian(who, body.guardian_id)
    command = c.DecideOnServices(body.decision == "given", guardian_id, body.signed_on,
                                 dated(runtime, body))
    return await run(commands, runtime, who, case_id, command, on_behalf_of=on_behalf_of)


@router.post("/cases/{case_id}/consent/revocation", response_model=CaseView)
async def revoke_consent(
        case_id: CaseId, body: requests.RevocationRequest, commands: Commands, runtime: Runtime,
        who: Annotated[Principal, permit("revoke_consent", "parent", *DISTRICT)]
) -> JSONResponse:
    """A guardian revokes consent to services in writing (300.300(b)(4))."""
    guardian_id, on_behalf_of = requests.acting_guardian(who, body.guardian_id)
    command = c.RevokeConsent(guardian_id, body.signed_on, dated(runtime, body))
    return await run(commands, runtime, who, case_id, command, on_behalf_of=on_behalf_of)


@router.post("/cases/{case_id}/consent/revocation/notice", response_model=CaseView)
async def give_notice_of_services_stopping(
        case_id: CaseId, body: requests.StopNoticeRequest, commands: Commands,
        runtime: Runtime,
        who: Annotated[Principal, permit("give_notice_of_services_stopping", *DISTRICT)]
) -> JSONResponse:
    """Prior written notice before services stop after a revocation."""
    command = c.GiveNoticeOfServicesStopping(body.notice.value(), dated(runtime, body),
                                             rules_of(runtime))
    return await run(commands, runtime, who, case_id, command)


@router.post("/cases/{case_id}/reevaluation/waiver", response_model=CaseView)
async def waive_reevaluation(
        case_id: CaseId, body: requests.ReevaluationWaiverRequest, commands: Commands,
        runtime: Runtime,
        who: Annotated[Principal, permit("waive_reevaluation", *DISTRICT)]) -> JSONResponse:
    """Record the parent's and district's agreement that a reevaluation is unnecessary."""
    command = c.WaiveReevaluation(body.guardian_id, dated(runtime, body), rules_of(runtime))
    return await run(commands, runtime, who, case_id, command)


# -- reads -------------------------------------------------------------------------------

@router.get("/cases/{case_id}")
async def read_case(case_id: CaseId, runtime: Runtime, access: AccessLog, who: Reader
                    ) -> CaseView:
    """A planning case: meetings, drafts, the plan in effect and every version, consent,
    reviews and disputes (the read is recorded in the record of access)."""
    access.require_purpose(who)
    row = await handling.readable(runtime, who, case_id)
    state = await handling.load(runtime, case_id)
    await access.record(who, row.student_id, f"planning-case/{case_id}")
    return handling.view(runtime, state)


@router.get("/cases/{case_id}/versions/{version}")
async def read_version(
        case_id: CaseId, version: Annotated[int, Path(ge=1, le=10_000)], runtime: Runtime,
        access: AccessLog, who: Reader) -> VersionView:
    """One version of the plan, as it was written or amended (the read is recorded)."""
    access.require_purpose(who)
    row = await handling.readable(runtime, who, case_id)
    state = await handling.load(runtime, case_id)
    if version > len(state.versions):
        raise NotFound(f"this plan has {len(state.versions)} versions; there is no version "
                       f"{version}")
    await access.record(who, row.student_id, f"planning-case/{case_id}/versions/{version}")
    return version_view(state.versions[version - 1], state)


class Listing(BaseModel):
    student_id: Id | None = None
    status: Literal["awaiting_plan", "awaiting_consent", "consent_refused", "in_effect",
                    "consent_revoked"] | None = None
    meeting_overdue: bool | None = Field(None, description="true: no initial-plan meeting "
                                                           "held by its due date")
    review_overdue: bool | None = Field(None, description="true: past the plan's anniversary")
    limit: int = Field(100, ge=1, le=500)


@router.get("/cases")
async def list_cases(query: Annotated[Listing, Query()], runtime: Runtime, access: AccessLog,
                     who: Annotated[Principal, permit("list_cases", *READERS)]
                     ) -> list[CaseSummary]:
    """The cases the caller may see, soonest meeting due first (each student's read is
    recorded)."""
    access.require_purpose(who)
    on = today(runtime)
    rows = await queries.cases_for(runtime.pool, who, queries.Filters(
        query.student_id, query.status, query.meeting_overdue, query.review_overdue,
        query.limit), on)
    for student_id in dict.fromkeys(r.student_id for r in rows):
        await access.record(who, student_id, "planning-cases")
    return [summary_view(row, on) for row in rows]


async def _is_guardian(runtime: ServiceRuntime, subject: str, student_id: str) -> bool:
    return await queries.is_guardian_of(runtime.pool, subject, student_id)


router.include_router(dispute_api.router)
router.include_router(access_router("planning", _is_guardian))
