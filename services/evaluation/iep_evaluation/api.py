"""The evaluation's HTTP routes under `/api/evaluation/`: thin, one command or query each.

Evaluators and case managers record assessments; case managers and administrators determine
eligibility; staff read the evaluations of the schools they serve (administrators and
auditors all), parents their own child's. An evaluation out of the caller's scope answers
404, as if it did not exist. Both commands record acts: they take `occurred_on` (and a
`late_entry_reason`), the synonym of their own `completed_on` / `determined_on`.
"""

import asyncio
from datetime import date
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.exceptions import RequestValidationError
from iep_kernel.access import access_log_of, access_router
from iep_kernel.auth import Permissions, Principal
from iep_kernel.dates import LATE_ENTRY_DAYS, Dated, DatedRequest
from iep_kernel.fields import Id, IdPath
from iep_kernel.http import COMMAND_RESPONSES, commands_of, runtime_of
from iep_kernel.runtime import ServiceRuntime
from pydantic import BaseModel, ConfigDict, Field, field_validator

from iep_evaluation.app import handling, queries
from iep_evaluation.app.context import late_entry_days, rules_of, stream_of, today
from iep_evaluation.app.views import EvaluationSummary, EvaluationView, summary_view
from iep_evaluation.domain.commands import DetermineEligibility, RecordAssessment
from iep_evaluation.domain.events import Area, Category, EvaluatorRole, TeamMember

permit = Permissions("evaluation")
Runtime = Annotated[ServiceRuntime, Depends(runtime_of("evaluation"))]
if TYPE_CHECKING:  # the kernel builds these dependencies at run time
    from iep_kernel.access import AccessLog
    from iep_kernel.http import Commands
else:
    Commands = commands_of("evaluation")
    AccessLog = access_log_of("evaluation")
EvaluationId = IdPath
STAFF_READERS = ("teacher", "case_manager", "evaluator", "provider", "administrator",
                 "auditor")
router = APIRouter(prefix="/api/evaluation", tags=["evaluation"], responses=COMMAND_RESPONSES)

Text = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(min_length=1, max_length=10_000)]


class Body(BaseModel):
    # A field the API does not know is refused (422), as in every service, rather than
    # silently dropped: a misspelt field must not look accepted.
    model_config = ConfigDict(extra="forbid")


class ActRequest(Body, DatedRequest):
    """A body recording an act whose own date field (`date_field`) names the same day as
    `occurred_on`: either may be given, both only alike."""

    date_field: ClassVar[str]

    def dated(self, today: date, late_entry_days: int = LATE_ENTRY_DAYS) -> Dated:
        own: date | None = getattr(self, self.date_field)
        if own is not None and self.occurred_on is not None and own != self.occurred_on:
            raise RequestValidationError([{
                "loc": ("body", "occurred_on"), "type": "value_error",
                "msg": f"occurred_on and {self.date_field} both name the day of the act, and "
                       "they differ: give one"}])
        return Dated(self.occurred_on or own or today, today, self.late_entry_reason,
                     late_entry_days)


class Evaluator(Body):
    name: Text
    role: EvaluatorRole


class AssessmentRequest(ActRequest):
    date_field = "completed_on"
    area: Area
    evaluator: Evaluator
    instrument: Text = Field(description="The test or method used, e.g. WISC-V")
    completed_on: date | None = Field(None, description="The day the assessment was "
                                      "completed (the same as occurred_on; default: today)")
    summary: LongText

    def command(self, on: date, late_entry_days: int) -> RecordAssessment:
        return RecordAssessment(self.area, self.evaluator.name, self.evaluator.role,
                                self.instrument, self.summary,
                                self.dated(on, late_entry_days))


class TeamMemberRequest(TeamMember):
    name: Text


class EligibilityRequest(ActRequest):
    date_field = "determined_on"
    eligible: bool
    categories: list[Category] = Field(default=[], max_length=len(Category),
                                       description="IDEA categories found (34 CFR 300.8)")
    adverse_effect: bool = Field(description="The disability adversely affects "
                                             "educational performance")
    needs_special_education: bool
    team: list[TeamMemberRequest] = Field(min_length=1, max_length=30)
    parent_participated: bool
    determined_on: date | None = Field(None, description="The day the team decided (the "
                                       "same as occurred_on; default: today)")
    rationale: LongText
    section_504_referral: bool = Field(
        False, description="For a child not eligible: refer for a Section 504 plan")

    @field_validator("categories")
    @classmethod
    def _each_once(cls, value: list[Category]) -> list[Category]:
        if len(set(value)) != len(value):
            raise ValueError("list each category once")
        return value


class Listing(BaseModel):
    student_id: Id | None = None
    status: Literal["open", "eligible", "not_eligible"] | None = None
    overdue: bool | None = Field(None, description="true: only open evaluations past due")
    limit: int = Field(100, ge=1, le=500)


def _as_members(team: list[TeamMemberRequest]) -> tuple[TeamMember, ...]:
    return tuple(TeamMember(name=m.name, role=m.role) for m in team)


@router.post("/evaluations/{evaluation_id}/assessments", status_code=201)
async def record_assessment(
        evaluation_id: EvaluationId, body: AssessmentRequest, commands: Commands,
        runtime: Runtime,
        who: Annotated[Principal, permit("record_assessment", "evaluator", "case_manager")],
) -> EvaluationSummary:
    """Record a completed assessment of the child."""
    await handling.readable(runtime, who, evaluation_id)
    return await commands.execute(  # type: ignore[return-value]  # rendered as the view
        handling.handler(runtime), stream_of(evaluation_id),
        body.command(today(runtime), late_entry_days(runtime)), who,
        handling.renderer(runtime), status_code=201, project=handling.project)


@router.post("/evaluations/{evaluation_id}/eligibility", status_code=201)
async def determine_eligibility(
        evaluation_id: EvaluationId, body: EligibilityRequest, commands: Commands,
        runtime: Runtime,
        who: Annotated[Principal, permit("determine_eligibility", "case_manager",
                                         "administrator")],
) -> EvaluationSummary:
    """Record the team's eligibility determination (and a Section 504 referral)."""
    await handling.readable(runtime, who, evaluation_id)
    command = DetermineEligibility(
        body.eligible, tuple(body.categories), body.adverse_effect,
        body.needs_special_education, _as_members(body.team), body.parent_participated,
        body.rationale, body.section_504_referral,
        body.dated(today(runtime), late_entry_days(runtime)), rules_of(runtime))
    return await commands.execute(  # type: ignore[return-value]  # rendered as the view
        handling.handler(runtime), stream_of(evaluation_id), command, who,
        handling.renderer(runtime), status_code=201, project=handling.project)


@router.get("/evaluations/{evaluation_id}")
async def read_evaluation(
        evaluation_id: EvaluationId, runtime: Runtime, access: AccessLog,
        who: Annotated[Principal, permit("read_evaluation", "parent", *STAFF_READERS)],
) -> EvaluationView:
    """An evaluation: status, due date, assessments, eligibility (the read is recorded)."""
    access.require_purpose(who)
    row = await handling.readable(runtime, who, evaluation_id)
    state = await handling.load(runtime, evaluation_id)
    await access.record(who, row.student_id, f"evaluation/{evaluation_id}")
    return handling.view(runtime, state)


@router.get("/evaluations")
async def list_evaluations(
        query: Annotated[Listing, Query()], runtime: Runtime, access: AccessLog,
        who: Annotated[Principal, permit("list_evaluations", "parent", *STAFF_READERS)],
) -> list[EvaluationSummary]:
    """Evaluations in the caller's reach, soonest due first (each student's is recorded)."""
    access.require_purpose(who)
    on, district = today(runtime), rules_of(runtime)
    rows = await queries.evaluations_for(runtime.pool, who, queries.Filters(
        query.student_id, query.status, query.overdue, query.limit), on)
    await asyncio.gather(*(access.record(who, student_id, "evaluations")
                           for student_id in dict.fromkeys(r.student_id for r in rows)))
    return [summary_view(row, on, district) for row in rows]


async def _is_guardian(runtime: ServiceRuntime, subject: str, student_id: str) -> bool:
    return await queries.is_guardian_of(runtime.pool, subject, student_id)


router.include_router(access_router("evaluation", _is_guardian))
