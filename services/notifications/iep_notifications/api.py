"""The notifications API under `/api/notifications/`: what was sent to whom, and the
school office's paper notices.

Parents read the notices addressed to them (never another family's); staff those of the
schools they serve (and their own reminders); administrators and auditors every notice.
Case managers and administrators print paper notices and record their mailing.
"""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from iep_kernel.access import access_router
from iep_kernel.auth import Principal
from iep_kernel.dates import Dated, DatedRequest
from iep_kernel.decider import NotFound
from iep_kernel.fields import OptionalIdQuery
from iep_kernel.http import COMMAND_RESPONSES
from iep_kernel.runtime import ServiceRuntime
from pydantic import BaseModel, Field

from iep_notifications import people_api
from iep_notifications.app import letters, queries
from iep_notifications.app.outbox import district_date
from iep_notifications.app.queries import NoticeLine
from iep_notifications.domain.commands import RecordMailing
from iep_notifications.domain.events import NoticeQueued
from iep_notifications.domain.rules import stream_of
from iep_notifications.routing import (
    OFFICE,
    READERS,
    AccessLog,
    Commands,
    Id,
    Runtime,
    notices,
    permit,
)

router = APIRouter(prefix="/api/notifications", tags=["notifications"],
                   responses=COMMAND_RESPONSES)
Reader = Annotated[Principal, permit("read_notices", *READERS)]
Office = Annotated[Principal, permit("mail_paper_notices", *OFFICE)]
StudentId = OptionalIdQuery


class HistoryLine(BaseModel):
    event_type: str
    recorded_at: dt.datetime
    detail: dict[str, object]


class NoticeDetail(NoticeLine):
    """A notice with its text as sent and the history of its delivery."""

    address: str | None
    body_text: str
    body_html: str
    attachments: list[str]
    history: list[HistoryLine]


class MailingBody(DatedRequest):
    """The day the printed notice went in the post: `occurred_on` (the uniform name of an
    act's date) or `mailed_on` (this request's own), the same day; default today."""

    mailed_on: dt.date | None = Field(None, description="The day the printed notice went in "
                                                        "the post; the same as occurred_on")

    def dated_on(self, today: dt.date, late_entry_days: int) -> Dated:
        if None not in (self.mailed_on, self.occurred_on) and self.mailed_on != self.occurred_on:
            raise RequestValidationError([{
                "loc": ("body", "occurred_on"), "type": "value_error",
                "msg": f"occurred_on ({self.occurred_on}) and mailed_on ({self.mailed_on}) name "
                       "different days; send one of them, or both with the same day"}])
        return Dated(self.occurred_on or self.mailed_on or today, today,
                     self.late_entry_reason, late_entry_days)


async def _readable(runtime: ServiceRuntime, who: Principal, notice_id: str) -> NoticeLine:
    found = await queries.notice(runtime.pool, who, notice_id)
    if found is None:
        raise NotFound(f"no notice {notice_id} among the notices you may read")
    return found


async def _record_reads(access: AccessLog, who: Principal, lines: list[NoticeLine],
                        resource: str) -> None:
    for student_id in sorted({n.student_id for n in lines if n.student_id}):
        await access.record(who, student_id, resource)


@router.get("/notifications", response_model=list[NoticeLine])
async def list_notices(runtime: Runtime, who: Reader, access: AccessLog,
                       student_id: StudentId = None,
                       limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[NoticeLine]:
    """Notices, newest first: to whom, when, in which language, and their delivery status."""
    access.require_purpose(who)
    found = await queries.notices(runtime.pool, who, student_id, limit)
    await _record_reads(access, who, found, "notifications")
    return found


@router.get("/notifications/{notice_id}", response_model=NoticeDetail)
async def read_notice(notice_id: Id, runtime: Runtime, who: Reader,
                      access: AccessLog) -> NoticeDetail:
    """One notice as it was written, with every step of its delivery."""
    access.require_purpose(who)
    found = await _readable(runtime, who, notice_id)
    history = await runtime.store.read_stream(stream_of(notice_id))
    queued = history[0].data
    assert isinstance(queued, NoticeQueued)
    await _record_reads(access, who, [found], f"notifications/{notice_id}")
    return NoticeDetail(
        **found.model_dump(), address=queued.address, body_text=queued.body_text,
        body_html=queued.body_html, attachments=list(queued.attachments),
        history=[HistoryLine(event_type=e.event_type, recorded_at=e.recorded_at,
                             detail=e.data.model_dump(mode="json", exclude={
                                 "student_id", "body_text", "body_html"}))
                 for e in history])


@router.get("/notifications/{notice_id}/letter", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
async def print_letter(notice_id: Id, runtime: Runtime, who: Reader,
                       access: AccessLog) -> Response:
    """The notice as a printable letter (PDF), for paper delivery or the file."""
    access.require_purpose(who)
    found = await _readable(runtime, who, notice_id)
    history = await runtime.store.read_stream(stream_of(notice_id))
    queued = history[0].data
    assert isinstance(queued, NoticeQueued)
    name = await queries.recipient_name(runtime.pool, found)
    await _record_reads(access, who, [found], f"notifications/{notice_id}/letter")
    return Response(letters.letter_pdf(queued, name, found.school_id),
                    media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{notice_id}.pdf"'})


@router.get("/mailings", response_model=list[NoticeLine])
async def to_mail(runtime: Runtime, who: Office, access: AccessLog,
                  school_id: OptionalIdQuery = None
                  ) -> list[NoticeLine]:
    """Paper notices waiting for the school office to print and mail, oldest first."""
    access.require_purpose(who)
    found = await queries.to_mail(runtime.pool, who, school_id)
    await _record_reads(access, who, found, "notifications/mailings")
    return found


class MailingView(BaseModel):
    notice_id: str
    status: str
    mailed_on: dt.date | None


@router.post("/notifications/{notice_id}/mailed", response_model=MailingView)
async def record_mailing(notice_id: Id, body: MailingBody, runtime: Runtime, who: Office,
                         commands: Commands) -> JSONResponse:
    """Record that the printed notice was mailed (`NoticeMailed`), on the day it was."""
    await _readable(runtime, who, notice_id)
    dated = body.dated_on(district_date(runtime, runtime.clock.now()),
                          runtime.settings.late_entry_days)

    async def project(conn, result) -> None:  # type: ignore[no-untyped-def]
        await conn.execute("UPDATE notices SET status = 'mailed', mailed_on = $2, "
                           "stream_version = $3 WHERE notice_id = $1", notice_id,
                           result.state.mailed.mailed_on, result.version)

    def render(result) -> MailingView:  # type: ignore[no-untyped-def]
        mailed = result.state.mailed
        return MailingView(notice_id=notice_id, status="mailed" if mailed else "to_mail",
                           mailed_on=mailed.mailed_on if mailed else None)

    response: JSONResponse = await commands.execute(
        notices(runtime), stream_of(notice_id),
        RecordMailing(notice_id, dated, who.subject), who, render, project=project)
    return response


async def _is_guardian(runtime: ServiceRuntime, subject: str, student_id: str) -> bool:
    return await queries.is_guardian_of(runtime.pool, subject, student_id)


router.include_router(people_api.router)
router.include_router(access_router("notifications", _is_guardian))
