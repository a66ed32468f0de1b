"""Parents: my children, where things stand, what waits for my signature, the plan, the
record of who looked at my child's file, and how to disagree."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from iep_web.client import Api, Problem
from iep_web.pages.common import checked, fresh, optional, see_other, signed_in, text, today_iso
from iep_web.render import page
from iep_web.session import Viewer

router = APIRouter(include_in_schema=False)
RECORD_SERVICES = ("views", "referral", "evaluation", "planning", "services-delivery",
                   "notifications")


def _parent(request: Request) -> tuple[Viewer, Api]:
    viewer, api = signed_in(request)
    if not viewer.is_parent:
        raise Problem(403, "")
    return viewer, api


def _adopt_language(request: Request, children: list[dict[str, Any]]) -> None:
    """A parent who has not chosen a language reads the pages in their preferred one."""
    if children and not request.session.get("lang_chosen"):
        request.session["lang"] = children[0].get("language") or "en"


@router.get("/children")
async def my_children(request: Request) -> Response:
    _viewer, api = _parent(request)
    found = await api.get("/api/views/my-children")
    _adopt_language(request, found["children"])
    return page(request, "parent/children.html", children=found["children"])


async def _case(api: Api, student_id: str) -> dict[str, Any] | None:
    try:
        cases = await api.get("/api/planning/cases", student_id=student_id)
        if not cases:
            return None
        found: dict[str, Any] = await api.get(f"/api/planning/cases/{cases[0]['case_id']}")
        return found
    except Problem as problem:
        if problem.status in (404, 502):
            return None
        raise


async def _optional(api: Api, path: str, **params: Any) -> Any:
    """A read from a service that may not hold this child yet (or not be installed)."""
    try:
        return await api.get(path, **params)
    except Problem as problem:
        if problem.status in (404, 405, 502):
            return None
        raise


async def _accesses(api: Api, student_id: str) -> list[dict[str, Any]]:
    async def one(service: str) -> list[dict[str, Any]]:
        try:
            rows: list[dict[str, Any]] = await api.get(f"/api/{service}/record-accesses",
                                                       student_id=student_id)
        except Problem:
            return []  # a service not installed here, or not yet holding this child
        return [{**r, "service": service} for r in rows]

    found = await asyncio.gather(*(one(s) for s in RECORD_SERVICES))
    rows = [row for rows in found for row in rows]
    return sorted(rows, key=lambda r: r["accessed_at"], reverse=True)


async def _child_page(request: Request, student_id: str, problem: Problem | None = None,
                      status_code: int = 200, form: str | None = None) -> Response:
    _viewer, api = _parent(request)
    params = {k: request.query_params.get(k) for k in ("min_position", "source")}
    found = await api.get(f"/api/views/my-children/{student_id}", **params)
    _adopt_language(request, found["children"])
    child = found["children"][0]
    case, accesses, delivery, notices = await asyncio.gather(
        _case(api, student_id), _accesses(api, student_id),
        _optional(api, f"/api/services-delivery/students/{student_id}"),
        _optional(api, "/api/notifications/notifications", student_id=student_id, limit=50))
    waiting_services = None
    if case and case["status"] == "awaiting_consent" and case["versions"]:
        waiting_services = case["versions"][-1]
    invitations = [m for m in (case or {}).get("meetings", []) if not m.get("held")]
    # The planning API is fresher than the views for planning's own steps: its status and
    # meetings decide those two actions; the views' other actions are shown as they come.
    actions = [a for a in child["actions"] if a["action"] not in (
        "answer_services_consent", "answer_meeting_invitation")]
    return page(request, "parent/child.html", status_code=status_code, child=child, case=case,
                accesses=accesses[:50], waiting_services=waiting_services, problem=problem,
                actions=actions, invitations=invitations,
                stale=found.get("caught_up") is False,
                progress_reports=[r for r in (delivery or {}).get("reports", [])
                                  if r.get("issued_on")],
                notices=notices or [],
                failed_form=form, today=today_iso(request), done=request.query_params.get("done"))


@router.get("/children/{student_id}")
async def my_child(request: Request, student_id: str) -> Response:
    return await _child_page(request, student_id)


@router.post("/children/{student_id}/evaluation-consent")
async def sign_evaluation_consent(request: Request, student_id: str) -> Response:
    _viewer, api = _parent(request)
    form = await request.form()
    if not checked(form, "confirm"):
        problem = Problem(422, "", {"confirm": _must_confirm(request)})
        return await _child_page(request, student_id, problem, 422, "evaluation-consent")
    try:
        result = await api.post(
            f"/api/referral/referrals/{text(form, 'referral_id')}/consent",
            {"decision": text(form, "decision"), "signed_on": today_iso(request),
             "method": "electronic"}, key=optional(form, "idempotency_key"))
    except Problem as problem:
        return await _child_page(request, student_id, problem, problem.status,
                                 "evaluation-consent")
    return see_other(f"/children/{student_id}", done="consent",
                     **fresh(result.get("position"), "referral"))


@router.post("/children/{student_id}/services-consent")
async def sign_services_consent(request: Request, student_id: str) -> Response:
    _viewer, api = _parent(request)
    form = await request.form()
    if not checked(form, "confirm"):
        problem = Problem(422, "", {"confirm": _must_confirm(request)})
        return await _child_page(request, student_id, problem, 422, "services-consent")
    try:
        result = await api.post(f"/api/planning/cases/{text(form, 'case_id')}/consent",
                       {"decision": text(form, "decision"), "signed_on": today_iso(request)},
                       key=optional(form, "idempotency_key"))
    except Problem as problem:
        return await _child_page(request, student_id, problem, problem.status,
                                 "services-consent")
    return see_other(f"/children/{student_id}", done="services-consent",
                     **fresh(result.get("position"), "planning"))


@router.post("/children/{student_id}/disputes")
async def file_dispute(request: Request, student_id: str) -> Response:
    _viewer, api = _parent(request)
    form = await request.form()
    kind = text(form, "kind")
    body: dict[str, Any] = {"kind": kind, "problem": text(form, "problem"),
                            "proposed_resolution": text(form, "proposed_resolution")}
    if kind in ("due_process_complaint", "state_complaint"):
        body["particulars"] = {"child_name": text(form, "child_name"),
                               "address": text(form, "address"), "school": text(form, "school")}
    if kind == "due_process_complaint":
        body["knew_on"] = optional(form, "knew_on")
    if kind == "state_complaint":
        body["violation_on"] = optional(form, "violation_on")
    try:
        result = await api.post(f"/api/planning/cases/{text(form, 'case_id')}/disputes",
                                body, key=optional(form, "idempotency_key"))
    except Problem as problem:
        return await _child_page(request, student_id, problem, problem.status, "dispute")
    return see_other(f"/children/{student_id}", done="dispute",
                     **fresh(result.get("position"), "planning"))


def _must_confirm(request: Request) -> str:
    from iep_web.render import speaker_of

    return speaker_of(request).gettext("Tick the box to sign: it is your electronic "
                                       "signature.")


@router.get("/children/{student_id}/progress-reports/{report_id}.pdf")
async def progress_report(request: Request, student_id: str, report_id: str) -> Response:
    """The progress report PDF, fetched with the parent's token (a link to the API would
    carry none)."""
    _viewer, api = _parent(request)
    found = await api.get_raw(f"/api/services-delivery/progress-reports/{report_id}.pdf")
    return Response(found.content, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="progress-report-{report_id}.pdf"'})


@router.get("/children/{student_id}/notices/{notice_id}.pdf")
async def notice_letter(request: Request, student_id: str, notice_id: str) -> Response:
    _viewer, api = _parent(request)
    found = await api.get_raw(f"/api/notifications/notifications/{notice_id}/letter")
    return Response(found.content, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="notice-{notice_id}.pdf"'})
