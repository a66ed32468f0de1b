"""The auditors' API under /api/audit/: query, export, as-of, verify, record of access.

Only auditors and administrators reach it, and every question put to it is recorded
(`audit_queries`) before it is answered. Events are returned exactly as stored: personal
fields stay sealed (`pii:v1:...`) except in the as-of case and the record of access, which
open them with the student's key (or show "[destroyed]").
"""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from iep_kernel.auth import CurrentPrincipal, Permissions, Principal
from iep_kernel.fields import IdPath, OptionalIdQuery
from iep_kernel.http import COMMAND_RESPONSES
from iep_kernel.logs import correlation_id
from iep_kernel.runtime import ServiceRuntime
from pydantic import AfterValidator, AwareDatetime, BaseModel, Field
from pydantic_core import PydanticCustomError

from iep_audit.app import accesses, exports, journal, queries, verification
from iep_audit.app.case import case_as_of
from iep_audit.app.filters import BadCursor, EventFilter, Order
from iep_audit.domain.dates import RecordWindow
from iep_audit.domain.fold import FoldTable
from iep_audit.domain.stages import CASE

NAME = "audit"
AUDITORS = ("auditor", "administrator")
permit = Permissions(NAME)


async def _runtime(request: Request) -> ServiceRuntime:
    # As the kernel's `runtime_of`, but a coroutine: no worker-thread hop per request.
    runtime: ServiceRuntime = request.app.state.runtimes[NAME]
    return runtime


Runtime = Annotated[ServiceRuntime, Depends(_runtime)]
router = APIRouter(prefix=f"/api/{NAME}", tags=["audit"],
                   responses={k: v for k, v in COMMAND_RESPONSES.items() if k != 409})


async def _record_question(request: Request, principal: CurrentPrincipal,
                           runtime: Runtime) -> AsyncIterator[asyncio.Future[None]]:
    # Runs after the route's permission check (declared before it), so only questions
    # an auditor or administrator may ask are recorded; malformed ones are recorded too.
    # The record is written while the answer is computed (a commit waits for the disk)
    # and is committed before the answer is sent.
    endpoint = request.scope.get("endpoint")
    writing = asyncio.ensure_future(journal.record(
        runtime.pool, principal, getattr(endpoint, "__name__", "unknown"), request.url.path,
        dict(request.query_params), correlation_id.get()))
    try:
        yield writing
    finally:
        await writing


Recorded = Annotated[asyncio.Future[None], Depends(_record_question, scope="function")]

Id = OptionalIdQuery


def _within_the_calendar(value: datetime) -> datetime:
    # Instants travel to PostgreSQL in UTC; 0001-01-01T00:00+14:00 is still year 0 there,
    # which no query can carry.
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise PydanticCustomError(
            "instant_out_of_range", "this instant falls outside the years 1 to 9999 in UTC; "
            "give one from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z") from None
    return value


Instant = Annotated[AwareDatetime, AfterValidator(_within_the_calendar)]


async def event_filter(
    student_id: Id = None,
    service: Id = None,
    stream_id: Id = None,
    event_type: Id = None,
    actor: Id = None,  # the actor's id (token subject)
    since: Annotated[Instant | None, Query(
        description="Recorded at or after this instant (ISO 8601 with offset)")] = None,
    until: Annotated[Instant | None, Query(
        description="Recorded before this instant (ISO 8601 with offset)")] = None,
) -> EventFilter:
    return EventFilter(student_id=student_id, service=service, stream_id=stream_id,
                       event_type=event_type, actor=actor, since=since, until=until)


class Paging(BaseModel):
    limit: int
    order: Order
    cursor: str | None


async def paging(
    limit: Annotated[int, Query(ge=1, le=1000, description="Events per page")] = 100,
    order: Annotated[Order, Query(description="asc: oldest first; desc: newest first")
                     ] = "asc",
    cursor: Annotated[str | None, Query(max_length=500, description=(
        "The `next` value of the previous page"))] = None,
) -> Paging:
    return Paging(limit=limit, order=order, cursor=cursor)


Filters = Annotated[EventFilter, Depends(event_filter)]
Pages = Annotated[Paging, Depends(paging)]


def bad_cursor(err: BadCursor) -> RequestValidationError:
    return RequestValidationError([{"loc": ("query", "cursor"), "msg": str(err),
                                    "type": "value_error"}])


def record_window(runtime: ServiceRuntime) -> RecordWindow:
    """The district's days (its time zone) and late-entry window, from the kernel's
    settings (`IEP_DISTRICT_TIMEZONE`, `IEP_LATE_ENTRY_DAYS`)."""
    return RecordWindow(runtime.settings.district_timezone, runtime.settings.late_entry_days)


class EventOut(BaseModel):
    """An event as stored (payload sealed), with its dates of record."""

    service: str
    event_id: str
    stream_id: str
    stream_version: int
    global_position: int
    student_id: str
    event_type: str
    schema_version: int
    occurred_at: datetime
    recorded_at: datetime
    metadata: dict[str, Any]
    payload: dict[str, Any]
    prev_hash: str
    hash: str
    occurred_on: date | None = Field(description=(
        "The day the act happened, as its producer dated it; null for an event that is not "
        "an act, or an act published before acts were dated"))
    recorded_on: date = Field(description=(
        "The district's date when the event was recorded (by the district clock, as of "
        "occurred_at: the instant of recorded_at in production)"))
    days_late: int | None = Field(description="Days from occurred_on to recorded_on")
    late_entry: bool = Field(description=(
        "Recorded more than the district's late-entry window (IEP_LATE_ENTRY_DAYS) after "
        "the act"))
    late_entry_reason_given: bool = Field(description=(
        "Whether the producer recorded a late_entry_reason (personal: sealed in the payload, "
        "opened in the as-of case)"))


class EventPage(BaseModel):
    events: list[EventOut]
    next: str | None


@router.get("/events", response_model=EventPage)
async def query_events(
    runtime: Runtime, flt: Filters, pages: Pages,
    who: Annotated[Principal, permit("query_audit_log", *AUDITORS)], _: Recorded,
) -> JSONResponse:
    """Events of the log, filtered, in log order, a page at a time."""
    try:
        found = await queries.page(runtime.pool, flt, limit=pages.limit, order=pages.order,
                                   cursor=pages.cursor)
    except BadCursor as err:
        raise bad_cursor(err) from err
    # The hot path of an audit: written straight as JSON, in the very form of an export
    # line, rather than validated again field by field (the model above documents it).
    window = record_window(runtime)
    return JSONResponse({"events": [exports.as_json(e, window) for e in found.events],
                         "next": found.next})


async def _export(runtime: ServiceRuntime, flt: EventFilter, order: Order, kind: str
                  ) -> StreamingResponse:
    events, window = queries.stream(runtime.pool, flt, order=order), record_window(runtime)
    if kind == "csv":
        lines, media = exports.csv_lines(events, window), "text/csv; charset=utf-8"
    else:
        lines, media = exports.json_lines(events, window), "application/x-ndjson"
    # The first chunk is read before the status is sent: an export whose query fails
    # gets an error status, never a 200 that reads as "no events". A failure later cuts
    # the transfer short (the chunked body never ends), which clients report as an error.
    body = await exports.started(exports.chunked(lines))
    return StreamingResponse(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="audit-events.{kind}"'})


EXPORT_ORDER = Annotated[Order, Query(description="asc: oldest first; desc: newest first")]


@router.get("/events.jsonl", response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}},
                             "description": "One event per line, as in /events"}})
async def export_events_jsonl(
    runtime: Runtime, flt: Filters,
    who: Annotated[Principal, permit("export_audit_log", *AUDITORS)], _: Recorded,
    order: EXPORT_ORDER = "asc",
) -> StreamingResponse:
    """Every event the same filters select, streamed as JSON Lines."""
    return await _export(runtime, flt, order, "jsonl")


@router.get("/events.csv", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}},
                             "description": "A header row, then one event per row"}})
async def export_events_csv(
    runtime: Runtime, flt: Filters,
    who: Annotated[Principal, permit("export_audit_log", *AUDITORS)], _: Recorded,
    order: EXPORT_ORDER = "asc",
) -> StreamingResponse:
    """Every event the same filters select, streamed as CSV."""
    return await _export(runtime, flt, order, "csv")


class CaseRecordOut(BaseModel):
    stream_id: str
    state: dict[str, Any]
    events_folded: int
    last_event_type: str
    last_recorded_at: datetime | None
    last_occurred_on: date | None
    uninterpreted: list[str]


class LateEntryOut(BaseModel):
    """An act recorded more than the late-entry window after it happened."""

    service: str
    stream_id: str
    stream_version: int
    event_type: str
    occurred_on: date
    recorded_at: datetime
    days_late: int
    late_entry_reason: str | None


class CaseOut(BaseModel):
    student_id: str
    at: datetime
    events_folded: int
    accesses_recorded: int
    stages: dict[str, list[CaseRecordOut]]
    late_entry_rule: str
    late_entries: list[LateEntryOut]


@router.get("/students/{student_id}/as-of")
async def case_as_of_instant(
    student_id: IdPath,
    runtime: Runtime,
    who: Annotated[Principal, permit("read_case_as_of", *AUDITORS)], _: Recorded,
    at: Annotated[Instant | None, Query(
        description="The instant (ISO 8601 with offset); now if absent")] = None,
) -> CaseOut:
    """The student's case, every stage, as it stood at `at`: the events recorded by
    then, folded."""
    folds: FoldTable = runtime.spec.extras.get("folds", CASE)
    if at is None:
        # Recording times come from the database's clock: "now" is its now.
        at = await runtime.pool.fetchval("SELECT clock_timestamp()")
    window = record_window(runtime)
    case = await case_as_of(runtime.pool, runtime.vault, folds, student_id, at, window)
    return CaseOut(
        student_id=case.student_id, at=case.at, events_folded=case.events_folded,
        accesses_recorded=case.accesses_recorded, late_entry_rule=window.rule(),
        late_entries=[LateEntryOut.model_validate(e, from_attributes=True)
                      for e in case.late_entries],
        stages={stage: [CaseRecordOut.model_validate(r, from_attributes=True)
                        for r in records] for stage, records in case.stages.items()})


class ChainBreakOut(BaseModel):
    service: str
    stream_id: str
    stream_version: int
    global_position: int
    recorded_at: datetime
    reason: str


class VerificationOut(BaseModel):
    scope: str
    ok: bool
    streams_checked: int
    events_checked: int
    first_break: ChainBreakOut | None
    breaks: list[ChainBreakOut]
    more_breaks: int


MAX_BREAKS = 100


@router.get("/verify")
async def verify_log(
    runtime: Runtime,
    who: Annotated[Principal, permit("verify_audit_log", *AUDITORS)], _: Recorded,
    student_id: Id = None, service: Id = None,
) -> VerificationOut:
    """Recompute every hash chain in scope (a student's streams, a service, or the whole
    log) and report where each broken chain first breaks, earliest first."""
    report = await verification.verify(runtime.pool, student_id=student_id, service=service)
    return VerificationOut.model_validate(report.summary(MAX_BREAKS))


class AccessOut(BaseModel):
    accessed_at: datetime
    service: str
    student_id: str
    accessor_id: str
    accessor_role: str
    on_behalf_of: str | None
    resource: str
    purpose: Any
    event_id: str


class AccessPage(BaseModel):
    accesses: list[AccessOut]
    next: str | None


@router.get("/record-accesses")
async def record_of_access(
    runtime: Runtime, pages: Pages,
    who: Annotated[Principal, permit("read_record_of_access", *AUDITORS)], _: Recorded,
    student_id: Id = None, service: Id = None,
    accessor: Id = None,  # who read (token subject)
    accessor_role: Id = None, resource: Annotated[str | None, Query(max_length=500)] = None,
    since: Annotated[Instant | None, Query(description="At or after")] = None,
    until: Annotated[Instant | None, Query(description="Before")] = None,
) -> AccessPage:
    """Who read students' records, in every service, when and why (34 CFR 300.614)."""
    flt = EventFilter(student_id=student_id, service=service, actor=accessor,
                      actor_role=accessor_role, resource=resource, since=since, until=until)
    try:
        found, following = await accesses.accesses(
            runtime.pool, runtime.vault, flt, limit=pages.limit, order=pages.order,
            cursor=pages.cursor)
    except BadCursor as err:
        raise bad_cursor(err) from err
    return AccessPage(accesses=[AccessOut.model_validate(a, from_attributes=True)
                                for a in found], next=following)


class AskedQueryOut(BaseModel):
    id: int
    asked_at: datetime
    subject: str
    role: str
    action: str
    path: str
    parameters: dict[str, Any]
    correlation_id: str | None


class AskedQueryPage(BaseModel):
    queries: list[AskedQueryOut]
    next: str | None


@router.get("/queries")
async def audit_queries(
    runtime: Runtime, pages: Pages,
    who: Annotated[Principal, permit("list_audit_queries", *AUDITORS)], asked: Recorded,
    subject: Id = None,
    action: Annotated[str | None, Query(min_length=1, max_length=100, description=(
        "The route asked, e.g. query_events, case_as_of_instant, verify_log"))] = None,
    since: Annotated[Instant | None, Query(description="Asked at or after")] = None,
    until: Annotated[Instant | None, Query(description="Asked before")] = None,
) -> AskedQueryPage:
    """Every question put to this service: who asked, when, and what (this one included)."""
    await asked  # so that the list holds this question too
    try:
        found, following = await journal.listed(
            runtime.pool, subject=subject, action=action, since=since, until=until,
            limit=pages.limit, order=pages.order, cursor=pages.cursor)
    except BadCursor as err:
        raise bad_cursor(err) from err
    return AskedQueryPage(queries=[AskedQueryOut.model_validate(q, from_attributes=True)
                                   for q in found], next=following)
