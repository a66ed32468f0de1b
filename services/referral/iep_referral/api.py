"""The referral API under `/api/referral/`: thin routes over the app layer.

A role that may never do an action gets 403; a referral outside the caller's reach (another
school's, another family's) answers 404, exactly as one that does not exist.
"""

import asyncio
import uuid
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import JSONResponse
from iep_kernel.access import AccessLog as AccessRecorder
from iep_kernel.access import access_log_of, access_router
from iep_kernel.auth import Permissions, Principal
from iep_kernel.decider import CommandHandler, NotFound
from iep_kernel.fields import IdPath, OptionalIdQuery
from iep_kernel.http import COMMAND_RESPONSES, commands_of, runtime_of
from iep_kernel.http import Commands as CommandRunner
from iep_kernel.runtime import ServiceRuntime

from iep_referral.app.commands import (
    handler,
    late_entry_days,
    project,
    stream_of,
    summary,
    today,
)
from iep_referral.app.queries import find_referrals, is_guardian, referral_in_reach
from iep_referral.app.records import (
    DestructionRequest,
    DestructionSummary,
    destruction_summary,
    guardians_of,
    records_stream,
)
from iep_referral.app.scope import may_see
from iep_referral.app.students import StudentSummary, record_of, student_stream
from iep_referral.app.students import project as project_student
from iep_referral.app.students import summary as student_summary
from iep_referral.app.views import ReferralSummary, ReferralView, StudentRecordView
from iep_referral.domain.decider import Status
from iep_referral.domain.records import DestroyRecords, destructions
from iep_referral.domain.students import NO_SUCH_STUDENT, students
from iep_referral.requests import (
    CloseRequest,
    ConsentRequest,
    ConsentRequestRequest,
    GuardianAdditionRequest,
    GuardianRemovalRequest,
    ReferralRequest,
    SchoolChangeRequest,
)

STAFF = ("teacher", "case_manager", "evaluator", "provider", "administrator")
DISTRICT = ("case_manager", "administrator")

permit = Permissions("referral")
Runtime = Annotated[ServiceRuntime, Depends(runtime_of("referral"))]
if TYPE_CHECKING:  # the kernel's dependency factories are typed Any; name what they give
    Commands = CommandRunner
    AccessLog = AccessRecorder
else:
    Commands = commands_of("referral")
    AccessLog = access_log_of("referral")
ReferralId = IdPath
router = APIRouter(prefix="/api/referral", tags=["referral"], responses=COMMAND_RESPONSES)


@router.post("/referrals", status_code=201, response_model=ReferralSummary)
async def make_referral(
    body: ReferralRequest, commands: Commands, runtime: Runtime,
    who: Annotated[Principal, permit("make_referral", *STAFF)],
) -> JSONResponse:
    """Refer a child for evaluation; each guardian is given the procedural safeguards."""
    if not who.serves_school(body.student.school_id):
        raise HTTPException(403, "you may make referrals only for students of your schools")
    referral_id = str(uuid.uuid4())
    command = body.command(referral_id, today(runtime), late_entry_days(runtime))
    return await commands.execute(handler(runtime, who), stream_of(referral_id), command, who,
                                  summary, status_code=201, project=project)


@router.post("/referrals/{referral_id}/consent-request", response_model=ReferralSummary)
async def request_consent(
    referral_id: ReferralId, body: ConsentRequestRequest, commands: Commands, runtime: Runtime,
    who: Annotated[Principal, permit("request_consent", *DISTRICT)],
) -> JSONResponse:
    """Propose an evaluation: ask for consent, with prior written notice to each guardian."""
    return await commands.execute(handler(runtime, who), stream_of(referral_id),
                                  body.command(today(runtime), late_entry_days(runtime)), who,
                                  summary, project=project)


@router.post("/referrals/{referral_id}/consent", response_model=ReferralSummary)
async def record_consent(
    referral_id: ReferralId, body: ConsentRequest, commands: Commands, runtime: Runtime,
    who: Annotated[Principal, permit("record_consent", "parent", *DISTRICT)],
) -> JSONResponse:
    """Record a guardian's signed decision: consent to the evaluation given or refused."""
    command, on_behalf_of = body.command(who, today(runtime), late_entry_days(runtime))
    return await commands.execute(handler(runtime, who), stream_of(referral_id), command, who,
                                  summary, on_behalf_of=on_behalf_of, project=project)


@router.post("/referrals/{referral_id}/close", response_model=ReferralSummary)
async def close_referral(
    referral_id: ReferralId, body: CloseRequest, commands: Commands, runtime: Runtime,
    who: Annotated[Principal, permit("close_referral", *DISTRICT)],
) -> JSONResponse:
    """Close a referral: the district declines to evaluate, or the referral is withdrawn."""
    return await commands.execute(handler(runtime, who), stream_of(referral_id),
                                  body.command(today(runtime), late_entry_days(runtime)), who,
                                  summary, project=project)


@router.get("/referrals/{referral_id}")
async def read_referral(
    referral_id: ReferralId, runtime: Runtime, access: AccessLog,
    who: Annotated[Principal, permit("read_referral", "parent", "auditor", *STAFF)],
) -> ReferralView:
    """Read a whole referral (the read is recorded in the record of access)."""
    access.require_purpose(who)
    state = await referral_in_reach(runtime, referral_id, who)
    view = ReferralView.whole(state)
    await access.record(who, view.student_id, f"referral/{referral_id}")
    return view


@router.get("/referrals")
async def list_referrals(
    runtime: Runtime, access: AccessLog,
    who: Annotated[Principal, permit("list_referrals", "parent", "auditor", *STAFF)],
    student_id: OptionalIdQuery = None,
    school_id: OptionalIdQuery = None,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ReferralSummary]:
    """Referrals within the caller's reach, newest first (each one listed is recorded)."""
    access.require_purpose(who)
    found = await find_referrals(runtime, who, student_id=student_id, school_id=school_id,
                                 status=status, limit=limit)
    await asyncio.gather(*(access.record(who, r.student_id, f"referral/{r.referral_id}")
                           for r in found))
    return found


@router.post("/students/{student_id}/records-destruction", status_code=201,
             response_model=DestructionSummary)
async def destroy_student_records(
    student_id: ReferralId, body: DestructionRequest, commands: Commands, runtime: Runtime,
    who: Annotated[Principal, permit("destroy_student_records", "administrator")],
) -> JSONResponse:
    """Destroy a student's personal data at the parent's request (34 CFR 300.624)."""
    command = DestroyRecords(student_id, body.requested_by, body.requested_on,
                             body.parent_informed_on, await guardians_of(runtime, student_id),
                             today(runtime))
    response = await commands.execute(CommandHandler(runtime.store, destructions),
                                      records_stream(student_id), command, who,
                                      destruction_summary, status_code=201)
    await runtime.vault.destroy(student_id)
    return response


@router.get("/students/{student_id}")
async def read_student(
    student_id: ReferralId, runtime: Runtime, access: AccessLog,
    who: Annotated[Principal, permit("read_student", "parent", "auditor", *STAFF)],
) -> StudentRecordView:
    """Read a student's record: the school they attend and their guardians (recorded)."""
    access.require_purpose(who)
    record = await record_of(runtime, student_id)
    if not may_see(who, record.school_id, record.guardian_ids):
        raise NotFound(NO_SUCH_STUDENT)
    await access.record(who, student_id, f"student/{student_id}")
    return StudentRecordView.of(record)


@router.post("/students/{student_id}/guardians", response_model=StudentSummary)
async def add_guardian(
    student_id: ReferralId, body: GuardianAdditionRequest, commands: Commands,
    runtime: Runtime, who: Annotated[Principal, permit("change_guardians", "administrator")],
) -> JSONResponse:
    """Record a new parent or guardian of a student, with the reason (notice to the family)."""
    return await commands.execute(CommandHandler(runtime.store, students),
                                  student_stream(student_id),
                                  body.command(student_id, today(runtime),
                                               late_entry_days(runtime)), who,
                                  student_summary, project=project_student)


@router.post("/students/{student_id}/guardians/{guardian_id}/removal",
             response_model=StudentSummary)
async def remove_guardian(
    student_id: ReferralId, guardian_id: ReferralId, body: GuardianRemovalRequest,
    commands: Commands, runtime: Runtime,
    who: Annotated[Principal, permit("change_guardians", "administrator")],
) -> JSONResponse:
    """Record that someone is no longer a guardian of the student; they read nothing more."""
    return await commands.execute(CommandHandler(runtime.store, students),
                                  student_stream(student_id),
                                  body.command(student_id, guardian_id, today(runtime),
                                               late_entry_days(runtime)), who,
                                  student_summary, project=project_student)


@router.post("/students/{student_id}/school", response_model=StudentSummary)
async def change_school(
    student_id: ReferralId, body: SchoolChangeRequest, commands: Commands, runtime: Runtime,
    who: Annotated[Principal, permit("change_school", "administrator")],
) -> JSONResponse:
    """Record that the student attends another school; its staff serve the student now."""
    return await commands.execute(CommandHandler(runtime.store, students),
                                  student_stream(student_id),
                                  body.command(student_id, today(runtime),
                                               late_entry_days(runtime)), who,
                                  student_summary, project=project_student)


router.include_router(access_router("referral", is_guardian))
