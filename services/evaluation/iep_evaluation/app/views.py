"""What the API answers: an evaluation in full, or a line of a list. Nouns, not events."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from iep_evaluation.app.queries import EvaluationRow
from iep_evaluation.domain import rules
from iep_evaluation.domain.decider import Evaluation
from iep_evaluation.domain.events import (
    Area,
    Category,
    DayCount,
    EvaluatorRole,
    TeamMember,
)


class Deadline(BaseModel):
    """Where the evaluation stands against its due date, on the district's today."""

    overdue: bool = Field(description="Still open on a day after the due date")
    days_remaining: int | None = Field(
        None, description="Counted days (as the timeline counts them) until the due date; "
                          "null once determined or overdue")
    days_overdue: int | None = Field(
        None, description="Calendar days since the due date, while overdue; else null")


def deadline(due_on: date, day_count: DayCount, determined: bool, today: date,
             district: rules.EvaluationRules) -> Deadline:
    if determined:
        return Deadline(overdue=False)
    if rules.is_overdue(today, due_on):
        return Deadline(overdue=True, days_overdue=(today - due_on).days)
    counted = rules.counting(district, day_count)
    return Deadline(overdue=False, days_remaining=rules.days_until(today, due_on, counted))


class AssessmentView(BaseModel):
    number: int
    area: Area
    evaluator_name: str
    evaluator_role: EvaluatorRole
    instrument: str
    completed_on: date
    summary: str


class EligibilityView(BaseModel):
    eligible: bool
    categories: list[Category]
    adverse_effect: bool
    needs_special_education: bool
    team: list[TeamMember]
    parent_participated: bool
    determined_on: date
    rationale: str
    section_504_referral: bool
    within_timeline: bool = Field(description="Determined on or before the due date")


class EvaluationView(BaseModel):
    evaluation_id: str
    student_id: str
    referral_id: str
    school_id: str
    status: str = Field(description="open, eligible or not_eligible")
    consent_signed_on: date
    consent_received_on: date = Field(description="The timeline runs from this day")
    due_on: date
    timeline: str = Field(description="How the due date was counted, e.g. 60 calendar days")
    deadline: Deadline
    assessments: list[AssessmentView]
    evaluators: int = Field(description="Different evaluators among the assessments")
    eligibility: EligibilityView | None


def evaluation_view(state: Evaluation, today: date, district: rules.EvaluationRules
                    ) -> EvaluationView:
    opened = state.opened
    assert opened is not None  # callers answer 404 before rendering an unopened evaluation
    found = state.eligibility
    return EvaluationView(
        evaluation_id=opened.evaluation_id, student_id=opened.student_id,
        referral_id=opened.referral_id, school_id=opened.school_id, status=state.status,
        consent_signed_on=opened.consent_signed_on,
        consent_received_on=opened.consent_received_on, due_on=opened.due_on,
        timeline=f"{opened.timeline_days} {opened.day_count.value} days",
        deadline=deadline(opened.due_on, opened.day_count, found is not None, today,
                          district),
        assessments=[AssessmentView(
            number=a.assessment_number, area=a.area, evaluator_name=a.evaluator_name,
            evaluator_role=a.evaluator_role, instrument=a.instrument,
            completed_on=a.completed_on, summary=a.summary) for a in state.assessments],
        evaluators=len(state.evaluators),
        eligibility=None if found is None else EligibilityView(
            eligible=found.eligible, categories=list(found.categories),
            adverse_effect=found.adverse_effect,
            needs_special_education=found.needs_special_education, team=list(found.team),
            parent_participated=found.parent_participated,
            determined_on=found.determined_on, rationale=found.rationale,
            section_504_referral=found.section_504_referral,
            within_timeline=found.within_timeline))


class EvaluationSummary(BaseModel):
    """An evaluation in brief, without personal data: lists, and the answer to a command
    (which is not a read of the record; GET the evaluation for the rest)."""

    evaluation_id: str
    student_id: str
    referral_id: str
    school_id: str
    status: str = Field(description="open, eligible or not_eligible")
    consent_signed_on: date
    consent_received_on: date
    due_on: date
    deadline: Deadline
    assessments: int
    evaluators: int = Field(description="Different evaluators among the assessments")
    determined_on: date | None
    section_504_referral: bool


def summary_view(row: EvaluationRow, today: date, district: rules.EvaluationRules
                 ) -> EvaluationSummary:
    return EvaluationSummary(
        evaluation_id=row.evaluation_id, student_id=row.student_id,
        referral_id=row.referral_id, school_id=row.school_id, status=row.status,
        consent_signed_on=row.consent_signed_on, consent_received_on=row.consent_received_on,
        due_on=row.due_on,
        deadline=deadline(row.due_on, row.day_count, row.status != "open", today, district),
        assessments=row.assessments, evaluators=row.evaluators,
        determined_on=row.determined_on, section_504_referral=row.section_504_referral)
