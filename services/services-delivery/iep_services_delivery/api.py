"""The services-delivery API under `/api/services-delivery/`: thin routes, one command or
query each.

Providers and teachers of the student's school log sessions, compensatory minutes and
progress observations; they, case managers and administrators issue progress reports.
Staff read the services of the schools they serve (administrators and auditors all),
parents their own child's. A student out of reach answers 404, as if unknown; a role that
may never act answers 403.
"""

import uuid
from datetime import date
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response
from iep_kernel.access import access_router
from iep_kernel.auth import Permissions, Principal
from iep_kernel.decider import NotFound
from iep_kernel.fields import IdPath
from iep_kernel.http import COMMAND_RESPONSES, runtime_of
from iep_kernel.runtime import ServiceRuntime

from iep_services_delivery import requests
from iep_services_delivery.app import handling, queries
from iep_services_delivery.app.context import NAME, rules_of, stream_of, today
from iep_services_delivery.app.views import DeliveryView
from iep_services_delivery.domain import commands as c
from iep_services_delivery.reports import render_progress_report
from iep_services_delivery.reports.i18n import supported

if TYPE_CHECKING:  # the kernel builds these dependencies at run time
    from iep_kernel.access import AccessLog as AccessLog
    from iep_kernel.http import Commands as Commands
else:
    from iep_kernel.access import access_log_of
    from iep_kernel.http import commands_of

    Commands = commands_of(NAME)
    AccessLog = access_log_of(NAME)

permit = Permissions(NAME)
Runtime = Annotated[ServiceRuntime, Depends(runtime_of(NAME))]
StudentId = IdPath
ReportId = IdPath
READERS = ("parent", "teacher", "case_manager", "evaluator", "provider", "administrator",
           "auditor")
PROVIDERS = ("provider", "teacher")  # who deliver services and log them
ISSUERS = ("provider", "teacher", "case_manager", "administrator")

router = APIRouter(prefix=handling.PREFIX, tags=["services-delivery"],
                   responses=COMMAND_RESPONSES)
Reader = Annotated[Principal, permit("read_services", *READERS)]


def _today(runtime: ServiceRuntime) -> tuple[date, int]:
    """The district's today and its late-entry window, against which an act is dated."""
    return today(runtime), runtime.settings.late_entry_days


async def _run(commands: "Commands", runtime: ServiceRuntime, who: Principal,
               student_id: str, command: c.Command, status_code: int = 201) -> JSONResponse:
    """Decide `command` on a student the caller serves (else 404)."""
    await handling.readable(runtime, who, student_id)
    return await commands.execute(
        handling.handler(runtime), stream_of(student_id), command, who,
        handling.renderer(runtime, student_id), status_code=status_code,
        project=handling.projector(runtime))


@router.post("/students/{student_id}/sessions", status_code=201, response_model=DeliveryView)
async def log_session(
        student_id: StudentId, body: requests.SessionRequest, commands: Commands,
        runtime: Runtime,
        who: Annotated[Principal, permit("log_session", *PROVIDERS)]) -> JSONResponse:
    """Log a session delivered or missed (with its cause); a second log of the same service
    and date corrects the first only with a `correction_reason`."""
    dated = body.dated_on(body.session_on, "session_on", *_today(runtime))
    command = c.LogSession(body.schedule_id, dated, body.outcome, body.minutes, body.cause,
                           body.note, body.correction_reason, rules_of(runtime))
    return await _run(commands, runtime, who, student_id, command)


@router.post("/students/{student_id}/compensatory-sessions", status_code=201,
             response_model=DeliveryView)
async def deliver_compensatory(
        student_id: StudentId, body: requests.CompensatoryRequest, commands: Commands,
        runtime: Runtime,
        who: Annotated[Principal, permit("log_compensatory_minutes", *PROVIDERS)]
) -> JSONResponse:
    """Log compensatory minutes delivered against the minutes owed for a service."""
    dated = body.dated_on(body.delivered_on, "delivered_on", *_today(runtime))
    command = c.DeliverCompensatory(str(uuid.uuid4()), body.schedule_id, dated, body.minutes,
                                    body.note)
    return await _run(commands, runtime, who, student_id, command)


@router.post("/students/{student_id}/observations", status_code=201,
             response_model=DeliveryView)
async def observe_progress(
        student_id: StudentId, body: requests.ObservationRequest, commands: Commands,
        runtime: Runtime,
        who: Annotated[Principal, permit("record_progress", *PROVIDERS)]) -> JSONResponse:
    """Record a measurement of progress on one of the plan's goals."""
    dated = body.dated_on(body.observed_on, "observed_on", *_today(runtime))
    command = c.ObserveProgress(str(uuid.uuid4()), body.goal_id, dated, body.value,
                                body.note)
    return await _run(commands, runtime, who, student_id, command)


@router.post("/students/{student_id}/progress-reports", status_code=201,
             response_model=DeliveryView)
async def issue_report(
        student_id: StudentId, body: requests.IssueRequest, commands: Commands,
        runtime: Runtime,
        who: Annotated[Principal, permit("issue_progress_report", *ISSUERS)]) -> JSONResponse:
    """Issue a progress report that is due (300.320(a)(3)(ii)): each goal's status and the
    minutes of each service; the guardians receive it in their language."""
    command = c.IssueReport(body.report_id, body.dated_on(None, "", *_today(runtime)))
    return await _run(commands, runtime, who, student_id, command)


@router.get("/students/{student_id}", response_model=DeliveryView)
async def read_services(student_id: StudentId, runtime: Runtime, who: Reader,
                        access: AccessLog) -> DeliveryView:
    """The student's plan in effect, schedules with compliance by period, sessions, goals
    with their observations, and progress reports."""
    access.require_purpose(who)
    await handling.readable(runtime, who, student_id)
    state = await handling.load(runtime, student_id)
    await access.record(who, student_id, "services")
    return handling.view(runtime, state, student_id)


@router.get("/progress-reports/{report_id}.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}},
                             "description": "The progress report as a PDF"}})
async def report_pdf(
        report_id: ReportId, runtime: Runtime, who: Reader, access: AccessLog,
        language: Annotated[str | None, Query(
            pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]+)*$",
            description="en or es; a parent gets their own language by default, staff "
                        "English")] = None) -> Response:
    """An issued progress report as a PDF, in the guardian's language."""
    access.require_purpose(who)
    student_id = await queries.student_of_report(runtime.pool, report_id)
    if student_id is None:
        raise NotFound("No such progress report.")
    student = await handling.readable(runtime, who, student_id)
    state = await handling.load(runtime, student_id)
    report = state.reports.get(report_id)
    if report is None or report.issued is None:
        raise NotFound("This progress report has not been issued yet.")
    if language is None and who.role == "parent":
        language = next((g.language for g in student.guardians
                         if g.guardian_id == who.subject), None)
    await access.record(who, student_id, f"progress report {report_id}")
    pdf = render_progress_report(report.issued.model_dump(mode="json"), supported(language))
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="progress-report-{report_id}.pdf"'})


async def _is_guardian(runtime: ServiceRuntime, subject: str, student_id: str) -> bool:
    return await queries.is_guardian_of(runtime.pool, subject, student_id)


router.include_router(access_router(NAME, _is_guardian))
