"""The FERPA record of access (34 CFR 300.614, 99.32), and records destruction (300.624).

Every read of a student's record through an API is recorded as a `RecordAccessed` event in
the reading service's own log before the response is sent: who (actor id and role), when,
which student, which resource, and why. Staff and auditors must say why
(`X-Access-Purpose` header or `purpose` parameter); a parent reading their own child's
record needs no reason. Parents list the accesses to their child's record, and auditors
query all of them, through each service's `/record-accesses` and the audit service.

Destruction is commanded in one place (the referral service, where every record begins),
which records `StudentRecordsDestroyed`; every service that receives it destroys the
student's data keys (idempotent: the first one does it, the rest find none left), drops
the keys it holds in memory, and purges personal data from its own query tables.
"""

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

from iep_kernel.auth import Permissions, Principal
from iep_kernel.consumer import Handler
from iep_kernel.events import Metadata, PublishedEvent, RecordAccessed
from iep_kernel.fields import IdQuery
from iep_kernel.logs import correlation_id
from iep_kernel.runtime import ServiceRuntime

PURPOSE_HEADER = "X-Access-Purpose"
RECORDS_SOURCE = "referral"  # the service that commands records destruction


def purpose_required() -> RequestValidationError:
    return RequestValidationError([{
        "loc": ("header", PURPOSE_HEADER), "type": "missing",
        "msg": "say why you are opening this student's record (the law keeps a record of "
               "every access): send an X-Access-Purpose header or a purpose parameter"}])


class AccessLog:
    """Records one request's reads of student records."""

    def __init__(self, runtime: ServiceRuntime, purpose: str | None) -> None:
        self.runtime = runtime
        self.purpose = (purpose or "").strip()

    def require_purpose(self, principal: Principal) -> None:
        """Refuse early (422) when a purpose is needed and missing."""
        if principal.role != "parent" and not self.purpose:
            raise purpose_required()

    async def record(self, principal: Principal, student_id: str, resource: str) -> None:
        """Durably record that `principal` read `resource` of `student_id`."""
        self.require_purpose(principal)
        purpose = self.purpose or "a parent viewing their own child's record"
        await self.runtime.store.append(
            f"access-{uuid.uuid4()}", 0,
            [RecordAccessed(student_id=student_id, resource=resource, purpose=purpose)],
            Metadata(actor=principal.actor(), correlation_id=correlation_id.get() or
                     str(uuid.uuid4())))


def access_log_of(name: str) -> Any:
    def get(
        request: Request,
        purpose_header: Annotated[str | None, Header(
            alias=PURPOSE_HEADER, max_length=500,
            description="Why you are reading this student's record (staff and auditors)")
        ] = None,
        purpose: Annotated[str | None, Query(max_length=500, include_in_schema=False)] = None,
    ) -> AccessLog:
        runtime: ServiceRuntime = request.app.state.runtimes[name]
        return AccessLog(runtime, purpose_header or purpose)

    return Annotated[AccessLog, Depends(get)]


class Access(BaseModel):
    accessed_at: datetime
    accessor_id: str
    accessor_role: str
    resource: str
    purpose: str


GuardianCheck = Callable[[ServiceRuntime, str, str], Awaitable[bool]]


def access_router(name: str, is_guardian: GuardianCheck) -> APIRouter:
    """`GET .../record-accesses?student_id=` (under the service prefix): who read this
    student's record here.

    Parents see their own children's; administrators and auditors anyone's.
    """
    router = APIRouter(tags=["record of access"])  # included in the service's own router
    permit = Permissions(name)
    Reader = Annotated[Principal, permit("read_record_of_access", "parent", "administrator",
                                         "auditor")]

    @router.get("/record-accesses")
    async def record_accesses(
        request: Request, principal: Reader,
        student_id: IdQuery,
    ) -> list[Access]:
        """Who has read this student's record in this service, when and why."""
        runtime: ServiceRuntime = request.app.state.runtimes[name]
        if principal.role == "parent" and not await is_guardian(
                runtime, principal.subject, student_id):
            raise HTTPException(404, "no such student among your children")
        return [Access(accessed_at=e.recorded_at, accessor_id=e.metadata.actor.id,
                       accessor_role=e.metadata.actor.role,
                       resource=e.data.resource,  # type: ignore[attr-defined]
                       purpose=e.data.purpose)  # type: ignore[attr-defined]
                for e in await runtime.store.read_student(student_id, ["RecordAccessed"])]

    return router


Purge = Callable[[asyncpg.Connection, str], Awaitable[None]]


def destruction_handler(runtime: ServiceRuntime, purge: Purge | None) -> Handler:
    """Every service's answer to `StudentRecordsDestroyed`: forget cached keys, purge."""

    async def handle(conn: asyncpg.Connection, event: PublishedEvent) -> None:
        await runtime.vault.destroy(event.student_id)
        if purge is not None:
            await purge(conn, event.student_id)

    return Handler(f"{runtime.name}.records-destroyed", (RECORDS_SOURCE,), handle,
                   frozenset({"StudentRecordsDestroyed"}))
