"""The views under `/api/views/`: caseload, compliance dashboard, case file, my children.

Thin routes: scope is checked here (404 outside it, as if the student did not exist),
the reads are in `app.queries`, the bodies in `responses`. Every route takes
`min_position` and `source` (read-your-writes) and says how far each source is applied.
"""

from datetime import date
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.exceptions import RequestValidationError
from iep_kernel.access import access_log_of, access_router
from iep_kernel.auth import Permissions, Principal
from iep_kernel.fields import IdPath, OptionalIdQuery
from iep_kernel.http import COMMAND_RESPONSES, runtime_of
from iep_kernel.runtime import ServiceRuntime

from iep_views.app import freshness, queries
from iep_views.app.parent import TIMELINE
from iep_views.app.projection import CASES
from iep_views.domain.case import Stage
from iep_views.domain.rules import bucket_specs, local_today
from iep_views.responses import (
    CaseFile,
    Caseload,
    ComplianceDashboard,
    Freshness,
    LateEntries,
    MyChildren,
    case_file_of,
    child_view,
    dashboard_of,
    line_of,
)

permit = Permissions("views")
Runtime = Annotated[ServiceRuntime, Depends(runtime_of("views"))]
if TYPE_CHECKING:  # the kernel builds this dependency at run time
    from iep_kernel.access import AccessLog
else:
    AccessLog = access_log_of("views")
STAFF_READERS = ("teacher", "case_manager", "evaluator", "provider", "administrator",
                 "auditor")
StudentId = IdPath
SchoolId = OptionalIdQuery
NO_SUCH_STUDENT = "no such student"
# Paging numbers are PostgreSQL bigints: a larger one is a 422, not a failed query. No
# caseload comes near a million students.
MAX_OFFSET = 1_000_000
MAX_POSITION = 2**63 - 1
router = APIRouter(prefix="/api/views", tags=["views"], responses=COMMAND_RESPONSES)


class ReadYourWrites:
    """`min_position` and `source`: answer only once the view has applied that event."""

    def __init__(
        self,
        min_position: Annotated[int | None, Query(
            ge=1, le=MAX_POSITION,
            description="The `position` of a command response: wait (bounded) until "
                        "the view has applied that event")] = None,
        source: Annotated[str | None, Query(
            description="The service whose command returned `min_position`, e.g. referral"
        )] = None,
    ) -> None:
        if min_position is not None and source not in CASES.sources:
            raise RequestValidationError([{
                "loc": ("query", "source"), "type": "value_error",
                "msg": "with min_position, name the service whose command returned it: one "
                       f"of {', '.join(CASES.sources)}"}])
        self.min_position = min_position
        self.source = source

    async def settle(self, runtime: ServiceRuntime) -> Freshness:
        caught_up = None
        if self.min_position is not None and self.source is not None:
            caught_up = await freshness.wait_for(
                runtime.pool, self.source, self.min_position,
                CASES.rules.read_your_writes_seconds)
        return Freshness(applied=await freshness.applied(runtime.pool, CASES.sources),
                         caught_up=caught_up)


Fresh = Annotated[ReadYourWrites, Depends()]


def today(runtime: ServiceRuntime) -> date:
    return local_today(runtime.clock.now(), CASES.rules)


def schools_in_scope(who: Principal, school_id: str | None) -> list[str] | None:
    """The schools a staff request covers (None: the whole district); 404 for a school the
    caller does not serve."""
    if school_id is not None:
        if not who.serves_school(school_id):
            raise HTTPException(404, "no such school among yours")
        return [school_id]
    return None if who.district_wide else list(who.schools)


@router.get("/caseload")
async def caseload(
    runtime: Runtime, fresh: Fresh,
    who: Annotated[Principal, permit("read_caseload", *STAFF_READERS)],
    school_id: SchoolId = None,
    stage: Annotated[str | None, Query(pattern="^(" + "|".join(Stage.ALL) + ")$")] = None,
    overdue: Annotated[bool | None, Query(description="true: only students past a deadline"
                                          )] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description=(
        "Students to skip, for the next page"))] = 0,
) -> Caseload:
    """Students in your schools with stage and next deadline, most urgent first."""
    state = await fresh.settle(runtime)
    on = today(runtime)
    total, rows = await queries.caseload(runtime.pool, queries.CaseloadFilters(
        schools_in_scope(who, school_id), stage, overdue, limit, offset), on)
    return Caseload(today=on, total=total, students=[line_of(r, on) for r in rows],
                    **state.model_dump())


@router.get("/compliance")
async def compliance(
    runtime: Runtime, fresh: Fresh,
    who: Annotated[Principal, permit("read_compliance_dashboard", *STAFF_READERS)],
    school_id: SchoolId = None,
    limit: Annotated[int, Query(ge=0, le=1000, description="Students listed per list")] = 50,
) -> ComplianceDashboard:
    """Evaluations, meetings, annual reviews and reevaluations overdue and due soon,
    consents unanswered, open disputes, acts recorded late: per school and in total, each
    with its rule."""
    state = await fresh.settle(runtime)
    on, district = today(runtime), CASES.rules
    schools = schools_in_scope(who, school_id)
    counts, listed = await queries.compliance(runtime.pool, schools, on,
                                              bucket_specs(district), limit)
    services = await queries.school_services(runtime.pool, schools)
    window = runtime.settings.late_entry_days
    late_counts, late_rows = await queries.late_entries(runtime.pool, schools, window, limit)
    shown = schools if schools is not None else sorted(
        {s for s, _ in counts} | {r["school_id"] for r in services} | set(late_counts))
    return dashboard_of(shown, counts, listed, on, district,
                        "district" if schools is None else "schools", state, services,
                        LateEntries(window, late_counts, late_rows))


@router.get("/students/{student_id}")
async def case_file(
    student_id: StudentId, runtime: Runtime, access: AccessLog, fresh: Fresh,
    who: Annotated[Principal, permit("read_case_file", *STAFF_READERS)],
) -> CaseFile:
    """Everything known about one student across services, newest first (the read is
    recorded)."""
    access.require_purpose(who)
    state = await fresh.settle(runtime)
    found = await queries.case_file(runtime.pool, student_id)
    if found is None or not who.serves_school(found[0]["school_id"] or ""):
        raise HTTPException(404, NO_SUCH_STUDENT)
    row, entries = found
    await access.record(who, student_id, "views/case-file")
    return case_file_of(row, entries, today(runtime), state,
                        runtime.settings.late_entry_days)


async def _children(runtime: ServiceRuntime, access: "AccessLog", who: Principal,
                    fresh: ReadYourWrites, student_id: str | None) -> MyChildren:
    state = await fresh.settle(runtime)
    found = await queries.children_of(runtime.pool, who.subject, list(TIMELINE), student_id)
    if student_id is not None and not found:
        raise HTTPException(404, NO_SUCH_STUDENT)
    for child in found:
        await access.record(who, child.case.student_id, "views/parent-view")
    on = today(runtime)
    return MyChildren(children=[child_view(c, CASES.rules, on) for c in found],
                      **state.model_dump())


@router.get("/my-children")
async def my_children(
    runtime: Runtime, access: AccessLog, fresh: Fresh,
    who: Annotated[Principal, permit("read_my_children", "parent")],
) -> MyChildren:
    """Your children: where things stand, what is waiting for you, what happened (each
    child's read is recorded)."""
    return await _children(runtime, access, who, fresh, None)


@router.get("/my-children/{student_id}")
async def my_child(
    student_id: StudentId, runtime: Runtime, access: AccessLog, fresh: Fresh,
    who: Annotated[Principal, permit("read_my_children", "parent")],
) -> MyChildren:
    """One of your children (the read is recorded)."""
    return await _children(runtime, access, who, fresh, student_id)


async def _is_guardian(runtime: ServiceRuntime, subject: str, student_id: str) -> bool:
    return await queries.is_guardian_of(runtime.pool, subject, student_id)


router.include_router(access_router("views", _is_guardian))
