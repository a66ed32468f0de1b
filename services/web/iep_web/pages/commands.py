"""The commands staff issue from a student's file. Each form posts here; the API decides.
A refusal comes back to the same page: 422 messages beside their fields, a 409 sentence at
the top of the form, in the API's words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from iep_web.client import Problem
from iep_web.pages.common import checked, fresh, lines, many, optional, see_other, text
from iep_web.pages.staff import notice_body, staff, student_page
from iep_web.session import DISTRICT, STAFF

router = APIRouter(include_in_schema=False)
Build = Callable[[FormData], tuple[str, dict[str, Any]]]


async def _run(request: Request, student_id: str, name: str, roles: tuple[str, ...],
               build: Build, source: str, rename: Callable[[str], str] = lambda f: f,
               method: str = "POST") -> Response:
    _viewer, api = staff(request, *roles)
    form = await request.form()
    try:
        path, body = build(form)
        result = await api.send(method, path, body, key=optional(form, "idempotency_key"))
    except Problem as problem:
        problem.fields = {rename(k): v for k, v in problem.fields.items()}
        return await student_page(request, student_id, problem, name, dict(form),
                                  problem.status)
    return see_other(f"/students/{student_id}", done=name,
                     **fresh(result.get("position"), source))


def _notice_field(name: str) -> str:
    if name.startswith("options_considered"):
        return "notice." + name.rsplit(".", 1)[-1]
    if name.startswith("notice.options_considered"):
        return "notice." + name.rsplit(".", 1)[-1]
    if name in ("reasons", "records_used", "sources_of_help", "other_factors"):
        return f"notice.{name}"
    if name.startswith(("records_used.", "sources_of_help.")):
        return "notice." + name.split(".")[0]
    return name


# -- referral ----------------------------------------------------------------------------

@router.post("/students/{student_id}/consent-request")
async def request_consent(request: Request, student_id: str) -> Response:
    def build(form: FormData) -> tuple[str, dict[str, Any]]:
        body = notice_body(form)
        body["assessments_proposed"] = [
            {"area": area, "description": text(form, f"describe.{area}")}
            for area in many(form, "assessments")]
        return f"/api/referral/referrals/{text(form, 'referral_id')}/consent-request", body
    return await _run(request, student_id, "consent-request", DISTRICT, build, "referral",
                      _notice_field)


@router.post("/students/{student_id}/paper-consent")
async def record_paper_consent(request: Request, student_id: str) -> Response:
    def build(form: FormData) -> tuple[str, dict[str, Any]]:
        return (f"/api/referral/referrals/{text(form, 'referral_id')}/consent",
                {"decision": text(form, "decision"), "guardian_id": text(form, "guardian_id"),
                 "signed_on": text(form, "signed_on"), "method": "written"})
    return await _run(request, student_id, "paper-consent", DISTRICT, build, "referral")


# -- evaluation --------------------------------------------------------------------------

@router.post("/students/{student_id}/assessments")
async def record_assessment(request: Request, student_id: str) -> Response:
    def build(form: FormData) -> tuple[str, dict[str, Any]]:
        return (f"/api/evaluation/evaluations/{text(form, 'evaluation_id')}/assessments",
                {"area": text(form, "area"),
                 "evaluator": {"name": text(form, "evaluator.name"),
                               "role": text(form, "evaluator.role")},
                 "instrument": text(form, "instrument"),
                 "completed_on": text(form, "completed_on"), "summary": text(form, "summary")})
    return await _run(request, student_id, "assessment", ("evaluator", "case_manager"), build,
                      "evaluation")


@router.post("/students/{student_id}/eligibility")
async def determine_eligibility(request: Request, student_id: str) -> Response:
    def build(form: FormData) -> tuple[str, dict[str, Any]]:
        team = [{"name": text(form, f"team.{i}.name"), "role": text(form, f"team.{i}.role")}
                for i in range(4) if text(form, f"team.{i}.name")]
        return (f"/api/evaluation/evaluations/{text(form, 'evaluation_id')}/eligibility",
                {"eligible": text(form, "eligible") == "yes",
                 "categories": many(form, "categories"),
                 "adverse_effect": checked(form, "adverse_effect"),
                 "needs_special_education": checked(form, "needs_special_education"),
                 "team": team, "parent_participated": checked(form, "parent_participated"),
                 "determined_on": text(form, "determined_on"),
                 "rationale": text(form, "rationale"),
                 "section_504_referral": checked(form, "section_504_referral")})
    return await _run(request, student_id, "eligibility", DISTRICT, build, "evaluation")


# -- planning ----------------------------------------------------------------------------

def _members(form: FormData, prefix: str) -> list[dict[str, Any]]:
    members = []
    for i in range(6):
        name = text(form, f"{prefix}.{i}.name")
        if name:
            members.append({"name": name, "roles": many(form, f"{prefix}.{i}.roles")})
    return members


@router.post("/students/{student_id}/meetings")
async def schedule_meeting(request: Request, student_id: str) -> Response:
    def build(form: FormData) -> tuple[str, dict[str, Any]]:
        return (f"/api/planning/cases/{text(form, 'case_id')}/meetings",
                {"purposes": many(form, "purposes") or ["initial_plan"],
                 "meeting_on": text(form, "meeting_on"), "starts_at": text(form, "starts_at"),
                 "location": text(form, "location"), "invited": _members(form, "invited")})
    return await _run(request, student_id, "meeting", DISTRICT, build, "planning")


@router.post("/students/{student_id}/meetings/held")
async def hold_meeting(request: Request, student_id: str) -> Response:
    def build(form: FormData) -> tuple[str, dict[str, Any]]:
        return (f"/api/planning/cases/{text(form, 'case_id')}/meetings/"
                f"{text(form, 'meeting_id')}/held", {"attendees": _members(form, "attendees")})
    return await _run(request, student_id, "held", DISTRICT, build, "planning")


def _plan_content(form: FormData) -> dict[str, Any]:
    content: dict[str, Any] = {}
    if text(form, "present.academic"):
        content["present_levels"] = {
            "academic_achievement": text(form, "present.academic"),
            "functional_performance": text(form, "present.functional"),
            "effect_on_general_curriculum": text(form, "present.effect")}
    if text(form, "goal.statement"):
        content["annual_goals"] = [{
            "area": text(form, "goal.area"), "statement": text(form, "goal.statement"),
            "baseline": text(form, "goal.baseline"), "target": text(form, "goal.target"),
            "measured_by": text(form, "goal.measured_by"),
            "progress_reports": text(form, "goal.progress_reports") or "quarterly"}]
    if text(form, "service.service"):
        content["services"] = [{
            "service": text(form, "service.service"),
            "provider_role": text(form, "service.provider_role"),
            "minutes": text(form, "service.minutes"),
            "frequency": text(form, "service.frequency") or "weekly",
            "location": text(form, "service.location"),
            "starts_on": text(form, "service.starts_on"),
            "ends_on": text(form, "service.ends_on")}]
    for part in ("supplementary_aids", "program_modifications", "testing_accommodations"):
        if f"{part}" in form:
            content[part] = lines(form, part)
    if text(form, "outside.minutes"):
        content["time_outside_regular_class"] = {
            "minutes_per_week": text(form, "outside.minutes"),
            "explanation": text(form, "outside.explanation")}
    return content


def _plan_field(name: str) -> str:
    name = name.removeprefix("content.")
    for api_part, form_part in (("annual_goals.0.", "goal."), ("services.0.", "service."),
                                ("present_levels.academic_achievement", "present.academic"),
                                ("present_levels.functional_performance", "present.functional"),
                                ("present_levels.effect_on_general_curriculum",
                                 "present.effect")):
        name = name.replace(api_part, form_part)
    return name


@router.post("/students/{student_id}/plans")
async def draft_plan(request: Request, student_id: str) -> Response:
    def build(form: FormData) -> tuple[str, dict[str, Any]]:
        return (f"/api/planning/cases/{text(form, 'case_id')}/plans",
                {"content": _plan_content(form)})
    return await _run(request, student_id, "plan", (*STAFF,), build, "planning", _plan_field)


@router.post("/students/{student_id}/plans/finalize")
async def finalize_plan(request: Request, student_id: str) -> Response:
    def build(form: FormData) -> tuple[str, dict[str, Any]]:
        return (f"/api/planning/cases/{text(form, 'case_id')}/plans/{text(form, 'plan_id')}/"
                "finalize", {"meeting_id": text(form, "meeting_id"),
                             "notice": notice_body(form)})
    return await _run(request, student_id, "finalize", DISTRICT, build, "planning",
                      _notice_field)


DISPUTE_STEPS: dict[str, Callable[[FormData], dict[str, Any]]] = {
    "response": lambda f: {"explanation": text(f, "explanation"),
                           "options_considered": [{"option": text(f, "notice.option"),
                                                   "why_rejected": text(f, "notice.why_rejected")}],
                           "records_used": lines(f, "notice.records_used")},
    "resolution-meeting": lambda f: {"held_on": text(f, "on"),
                                     "resolved": checked(f, "resolved"),
                                     "agreement_terms": text(f, "summary")},
    "resolution-meeting-waiver": lambda f: {"waived_on": text(f, "on")},
    "mediation-agreement": lambda f: {"agreed_on": text(f, "on"), "terms": text(f, "summary")},
    "hearing-decision": lambda f: {"decided_on": text(f, "on"), "summary": text(f, "summary")},
    "state-complaint-decision": lambda f: {"decided_on": text(f, "on"),
                                           "findings": text(f, "summary")},
    "team-meeting-resolution": lambda f: {"resolved_on": text(f, "on"),
                                          "summary": text(f, "summary")},
}


@router.post("/students/{student_id}/disputes")
async def file_dispute(request: Request, student_id: str) -> Response:
    def build(form: FormData) -> tuple[str, dict[str, Any]]:
        body: dict[str, Any] = {"kind": text(form, "kind"),
                                "guardian_id": text(form, "guardian_id"),
                                "problem": text(form, "problem"),
                                "proposed_resolution": text(form, "proposed_resolution")}
        if body["kind"] in ("due_process_complaint", "state_complaint"):
            body["particulars"] = {"child_name": text(form, "child_name"),
                                   "address": text(form, "address"),
                                   "school": text(form, "school")}
        if body["kind"] == "due_process_complaint":
            body["knew_on"] = optional(form, "knew_on")
        if body["kind"] == "state_complaint":
            body["violation_on"] = optional(form, "violation_on")
        return f"/api/planning/cases/{text(form, 'case_id')}/disputes", body
    return await _run(request, student_id, "dispute", DISTRICT, build, "planning")


@router.post("/students/{student_id}/disputes/advance")
async def advance_dispute(request: Request, student_id: str) -> Response:
    def build(form: FormData) -> tuple[str, dict[str, Any]]:
        step = text(form, "step")
        if step not in DISPUTE_STEPS:
            raise Problem(422, "", {"step": "choose a step"})
        return (f"/api/planning/cases/{text(form, 'case_id')}/disputes/"
                f"{text(form, 'dispute_id')}/{step}", DISPUTE_STEPS[step](form))
    return await _run(request, student_id, "advance", DISTRICT, build, "planning",
                      _notice_field)



# -- services delivery -------------------------------------------------------------------

@router.post("/students/{student_id}/sessions")
async def log_session(request: Request, student_id: str) -> Response:
    def build(form: FormData) -> tuple[str, dict[str, Any]]:
        body: dict[str, Any] = {"schedule_id": text(form, "schedule_id"),
                                "session_on": text(form, "session_on"),
                                "outcome": text(form, "outcome"), "note": text(form, "note")}
        if text(form, "minutes"):
            body["minutes"] = text(form, "minutes")
        if body["outcome"] == "missed":
            body["cause"] = text(form, "cause")
        return f"/api/services-delivery/students/{student_id}/sessions", body
    return await _run(request, student_id, "session", ("provider", "teacher"), build,
                      "services-delivery")


@router.post("/students/{student_id}/progress-reports")
async def issue_progress_report(request: Request, student_id: str) -> Response:
    def build(form: FormData) -> tuple[str, dict[str, Any]]:
        return (f"/api/services-delivery/students/{student_id}/progress-reports",
                {"report_id": optional(form, "report_id")})
    return await _run(request, student_id, "report",
                      ("provider", "teacher", "case_manager", "administrator"), build,
                      "services-delivery")
