"""Staff: my caseload by urgency, the compliance dashboard, a student's file with its
timeline, and a new referral. The commands on a student's file are in `commands`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from iep_web import labels
from iep_web.client import Api, Problem
from iep_web.pages.common import fresh, lines, optional, see_other, signed_in, text, today_iso
from iep_web.render import page
from iep_web.session import STAFF, Viewer

router = APIRouter(include_in_schema=False)
READERS = (*STAFF, "auditor")


def staff(request: Request, *roles: str) -> tuple[Viewer, Api]:
    viewer, api = signed_in(request)
    if viewer.role not in (roles or READERS):
        raise Problem(403, "")
    return viewer, api


@router.get("/caseload")
async def caseload(request: Request) -> Response:
    _viewer, api = staff(request)
    q = request.query_params
    found = await api.get("/api/views/caseload", school_id=q.get("school_id"),
                          stage=q.get("stage"), overdue="true" if q.get("overdue") else None,
                          limit=200)
    return page(request, "staff/caseload.html", found=found, filters=dict(q))


@router.get("/compliance")
async def compliance(request: Request) -> Response:
    _viewer, api = staff(request)
    school = request.query_params.get("school_id") or None
    found = await api.get("/api/views/compliance", school_id=school, limit=20)
    return page(request, "staff/compliance.html", found=found, school=school)


async def planning_case(api: Api, student_id: str) -> dict[str, Any] | None:
    try:
        cases = await api.get("/api/planning/cases", student_id=student_id)
        if not cases:
            return None
        found: dict[str, Any] = await api.get(f"/api/planning/cases/{cases[0]['case_id']}")
        return found
    except Problem as problem:
        if problem.status == 404:
            return None
        raise


async def student_page(request: Request, student_id: str, problem: Problem | None = None,
                       form: str | None = None, values: dict[str, Any] | None = None,
                       status_code: int = 200) -> Response:
    _viewer, api = staff(request)
    q = request.query_params
    file = await api.get(f"/api/views/students/{student_id}",
                         min_position=q.get("min_position"), source=q.get("source"))
    case = await planning_case(api, student_id)
    delivery = None
    if case is not None and case.get("versions"):
        try:
            delivery = await api.get(f"/api/services-delivery/students/{student_id}")
        except Problem as refused:
            if refused.status not in (404, 405):
                raise
    return page(request, "staff/student.html", status_code=status_code, file=file, case=case,
                delivery=delivery, stale=file.get("caught_up") is False,
                problem=problem, failed_form=form, values=values or {}, today=today_iso(request),
                done=q.get("done"))


@router.get("/students/{student_id}")
async def student(request: Request, student_id: str) -> Response:
    return await student_page(request, student_id)


@router.post("/purpose")
async def choose_purpose(request: Request) -> Response:
    """The reason recorded with the person's reads of students' records from now on."""
    staff(request)
    form = await request.form()
    chosen = text(form, "purpose")
    if chosen in labels.PURPOSES:
        request.session["purpose"] = chosen
    back = text(form, "next")
    return see_other(back if back.startswith("/") and not back.startswith("//") else "/")


@router.get("/referrals/new")
async def new_referral(request: Request) -> Response:
    _viewer, _api = staff(request, *STAFF)
    return page(request, "staff/referral.html", values={}, problem=None, today=today_iso(request))


@router.post("/referrals/new")
async def make_referral(request: Request) -> Response:
    _viewer, api = staff(request, *STAFF)
    form = await request.form()
    guardian = {"guardian_id": text(form, "guardian.guardian_id"),
                "name": text(form, "guardian.name"),
                "preferred_language": text(form, "guardian.preferred_language") or "en"}
    for name in ("email", "phone"):
        if optional(form, f"guardian.{name}"):
            guardian[name] = text(form, f"guardian.{name}")
    body = {
        "student": {"district_student_id": text(form, "student.district_student_id"),
                    "name": text(form, "student.name"),
                    "date_of_birth": text(form, "student.date_of_birth"),
                    "grade": text(form, "student.grade"),
                    "school_id": text(form, "student.school_id"),
                    "primary_language": text(form, "student.primary_language") or "en"},
        "guardians": [guardian],
        "referred_by": {"name": text(form, "referred_by.name"),
                        "role": text(form, "referred_by.role")},
        "concerns": {"text": text(form, "concerns.text"),
                     "areas": [v for v in form.getlist("concerns.areas") if isinstance(v, str)]},
    }
    try:
        result = await api.post("/api/referral/referrals", body,
                                key=optional(form, "idempotency_key"))
    except Problem as problem:
        problem.fields = {_guardian_field(k): v for k, v in problem.fields.items()}
        return page(request, "staff/referral.html", status_code=problem.status,
                    values=dict(form), problem=problem, today=today_iso(request))
    return see_other(f"/students/{result['student_id']}", done="referral",
                     **fresh(result.get("position"), "referral"))


def _guardian_field(name: str) -> str:
    """`guardians.0.name` (the API's) is `guardian.name` on the form (one guardian)."""
    return name.replace("guardians.0.", "guardian.")


def notice_body(form: Any) -> dict[str, Any]:
    """The prior written notice's content as staff write it (34 CFR 300.503(b))."""
    return {"reasons": text(form, "notice.reasons"),
            "records_used": lines(form, "notice.records_used"),
            "options_considered": [{"option": text(form, "notice.option"),
                                    "why_rejected": text(form, "notice.why_rejected")}],
            "sources_of_help": lines(form, "notice.sources_of_help"),
            "other_factors": text(form, "notice.other_factors")}
