"""Auditors: search the event log, a student's case as of a past date, verify the hash
chains, export what a search finds (through the audit API, with the auditor's token)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from iep_web.client import Api, Problem
from iep_web.pages.common import signed_in
from iep_web.render import page
from iep_web.session import Viewer

router = APIRouter(include_in_schema=False)
FILTERS = ("student_id", "service", "event_type", "actor")


def _auditor(request: Request) -> tuple[Viewer, Api]:
    viewer, api = signed_in(request)
    if not viewer.is_auditor:
        raise Problem(403, "")
    return viewer, api


def _query(request: Request) -> dict[str, str]:
    q = request.query_params
    params = {k: q[k].strip() for k in FILTERS if q.get(k, "").strip()}
    if q.get("since"):
        params["since"] = f"{q['since']}T00:00:00+00:00"
    if q.get("until"):
        params["until"] = f"{q['until']}T23:59:59+00:00"
    return params


@router.get("/audit")
async def search(request: Request) -> Response:
    _viewer, api = _auditor(request)
    params = _query(request)
    found: dict[str, Any] = {"events": [], "next": None}
    problem = None
    try:
        found = await api.get("/api/audit/events", order="desc", limit=50,
                              cursor=request.query_params.get("cursor"), **params)
    except Problem as refused:
        problem = refused
    q = request.query_params
    export = "&".join(f"{k}={q[k]}" for k in (*FILTERS, "since", "until") if q.get(k))
    return page(request, "audit/search.html", found=found, filters=dict(q), problem=problem,
                export=export, summary=_summary)


def _summary(event: dict[str, Any]) -> str:
    actor = (event.get("metadata") or {}).get("actor") or {}
    return f"{actor.get('id', '')} ({actor.get('role', '')})"


@router.get("/audit/export.{kind}")
async def export(request: Request, kind: str) -> Response:
    _viewer, api = _auditor(request)
    if kind not in ("csv", "jsonl"):
        raise Problem(404, "")
    response = await api.get_raw(f"/api/audit/events.{kind}", order="asc", **_query(request))
    media = "text/csv" if kind == "csv" else "application/x-ndjson"
    return StreamingResponse(iter([response.content]), media_type=media, headers={
        "Content-Disposition": f'attachment; filename="audit-events.{kind}"'})


@router.get("/audit/verify")
async def verify(request: Request) -> Response:
    _viewer, api = _auditor(request)
    q = request.query_params
    report = None
    if q.get("run"):
        report = await api.get("/api/audit/verify", student_id=q.get("student_id") or None,
                               service=q.get("service") or None)
    return page(request, "audit/verify.html", report=report, filters=dict(q))


@router.get("/audit/as-of")
async def as_of(request: Request) -> Response:
    _viewer, api = _auditor(request)
    q = request.query_params
    case = None
    problem = None
    if q.get("student_id"):
        at = f"{q['at']}T23:59:59+00:00" if q.get("at") else None
        try:
            case = await api.get(f"/api/audit/students/{q['student_id'].strip()}/as-of", at=at)
        except Problem as refused:
            problem = refused
    return page(request, "audit/as_of.html", case=case, filters=dict(q), problem=problem,
                pretty=lambda value: json.dumps(value, indent=2, ensure_ascii=False,
                                                default=str))
