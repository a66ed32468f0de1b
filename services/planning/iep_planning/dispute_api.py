"""The dispute routes under `/api/planning/cases/{case_id}/disputes`: a guardian files or
withdraws (a parent as themselves, staff on a guardian's behalf); the district records each
step of the timeline."""

import uuid
from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from iep_kernel.auth import Principal

from iep_planning import requests
from iep_planning.app.context import rules_of
from iep_planning.app.views import CaseView
from iep_planning.domain import commands as c
from iep_planning.routing import (
    DISTRICT,
    CaseId,
    Commands,
    ItemId,
    Runtime,
    dated,
    permit,
    run,
)

router = APIRouter()
District = Annotated[Principal, permit("record_dispute_step", *DISTRICT)]
DISPUTE = "/cases/{case_id}/disputes/{dispute_id}"


@router.post("/cases/{case_id}/disputes", status_code=201, response_model=CaseView)
async def file_dispute(
        case_id: CaseId, body: requests.DisputeRequest, commands: Commands, runtime: Runtime,
        who: Annotated[Principal, permit("file_dispute", "parent", *DISTRICT)]
) -> JSONResponse:
    """The parent disagrees: a team meeting request, mediation, a due process complaint
    (300.507) or a state complaint (300.153), with its deadlines."""
    guardian_id, on_behalf_of = requests.acting_guardian(who, body.guardian_id)
    command = c.FileDispute(
        str(uuid.uuid4()), body.kind, guardian_id, body.problem, body.proposed_resolution,
        body.particulars.value() if body.particulars else None, body.knew_on,
        body.violation_on, body.limit_exception, body.covered_by_notice_id,
        dated(runtime, body), rules_of(runtime))
    return await run(commands, runtime, who, case_id, command, status_code=201,
                     on_behalf_of=on_behalf_of)


@router.post(f"{DISPUTE}/response", response_model=CaseView)
async def send_response(case_id: CaseId, dispute_id: ItemId, body: requests.ResponseRequest,
                        commands: Commands, runtime: Runtime, who: District) -> JSONResponse:
    """The district's response to a due process complaint (300.508(e))."""
    command = c.SendDisputeResponse(
        dispute_id, body.explanation, tuple(o.value() for o in body.options_considered),
        tuple(body.records_used), body.other_factors, dated(runtime, body))
    return await run(commands, runtime, who, case_id, command)


@router.post(f"{DISPUTE}/resolution-meeting", response_model=CaseView)
async def hold_resolution_meeting(
        case_id: CaseId, dispute_id: ItemId, body: requests.ResolutionMeetingRequest,
        commands: Commands, runtime: Runtime, who: District) -> JSONResponse:
    """The resolution meeting was held (300.510(a)); resolved, it ends the dispute."""
    command = c.HoldResolutionMeeting(dispute_id, body.resolved, body.agreement_terms,
                                      dated(runtime, body))
    return await run(commands, runtime, who, case_id, command)


@router.post(f"{DISPUTE}/resolution-meeting-waiver", response_model=CaseView)
async def waive_resolution_meeting(
        case_id: CaseId, dispute_id: ItemId, body: requests.ResolutionWaiverRequest,
        commands: Commands, runtime: Runtime, who: District) -> JSONResponse:
    """Both parties waived the resolution meeting in writing (300.510(a)(3), (c)(1))."""
    command = c.WaiveResolutionMeeting(dispute_id, dated(runtime, body), rules_of(runtime))
    return await run(commands, runtime, who, case_id, command)


@router.post(f"{DISPUTE}/mediation-agreement", response_model=CaseView)
async def record_mediation_agreement(
        case_id: CaseId, dispute_id: ItemId, body: requests.MediationAgreementRequest,
        commands: Commands, runtime: Runtime, who: District) -> JSONResponse:
    """A signed mediation agreement (300.506(b)(6)) resolves the dispute."""
    command = c.RecordMediationAgreement(dispute_id, body.terms, dated(runtime, body))
    return await run(commands, runtime, who, case_id, command)


@router.post(f"{DISPUTE}/hearing-decision", response_model=CaseView)
async def record_hearing_decision(
        case_id: CaseId, dispute_id: ItemId, body: requests.HearingDecisionRequest,
        commands: Commands, runtime: Runtime, who: District) -> JSONResponse:
    """The hearing officer's decision on a due process complaint (300.515)."""
    command = c.RecordHearingDecision(dispute_id, body.summary, dated(runtime, body),
                                      rules_of(runtime))
    return await run(commands, runtime, who, case_id, command)


@router.post(f"{DISPUTE}/state-complaint-decision", response_model=CaseView)
async def record_state_complaint_decision(
        case_id: CaseId, dispute_id: ItemId, body: requests.StateComplaintDecisionRequest,
        commands: Commands, runtime: Runtime, who: District) -> JSONResponse:
    """The state's decision on a state complaint (300.152)."""
    command = c.RecordStateComplaintDecision(dispute_id, body.findings, dated(runtime, body))
    return await run(commands, runtime, who, case_id, command)


@router.post(f"{DISPUTE}/team-meeting-resolution", response_model=CaseView)
async def resolve_at_team_meeting(
        case_id: CaseId, dispute_id: ItemId, body: requests.TeamMeetingResolutionRequest,
        commands: Commands, runtime: Runtime, who: District) -> JSONResponse:
    """A parent's request for a team meeting was resolved at the meeting."""
    command = c.ResolveAtTeamMeeting(dispute_id, body.summary, dated(runtime, body))
    return await run(commands, runtime, who, case_id, command)


@router.post(f"{DISPUTE}/withdrawal", response_model=CaseView)
async def withdraw_dispute(
        case_id: CaseId, dispute_id: ItemId, body: requests.WithdrawalRequest,
        commands: Commands, runtime: Runtime,
        who: Annotated[Principal, permit("withdraw_dispute", "parent", *DISTRICT)]
) -> JSONResponse:
    """The guardian withdraws the dispute."""
    guardian_id, on_behalf_of = requests.acting_guardian(who, body.guardian_id)
    command = c.WithdrawDispute(dispute_id, guardian_id, dated(runtime, body))
    return await run(commands, runtime, who, case_id, command, on_behalf_of=on_behalf_of)
