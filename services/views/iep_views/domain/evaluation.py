"""The evaluation service's events (`iep.evaluation.events`), one function each."""

from dataclasses import replace
from datetime import timedelta

from iep_views.domain import readings as read
from iep_views.domain.case import Case, Entry, EvaluationPart, Step
from iep_views.domain.table import EventTable, Seen

SOURCE = "evaluation"
table = EventTable()


def _with(case: Case, evaluation_id: str, **changes: object) -> Case:
    found = case.evaluation
    if found is None or found.evaluation_id != evaluation_id:
        return case  # an older evaluation's event: its timeline entry is all it adds
    return replace(case, evaluation=found.model_copy(update=changes))


@table.on(SOURCE, "EvaluationOpened")
def evaluation_opened(case: Case, seen: Seen) -> Step:
    opened = read.EvaluationOpened.model_validate(seen.data)
    part = EvaluationPart(
        evaluation_id=opened.evaluation_id, referral_id=opened.referral_id,
        school_id=opened.school_id, status="open",
        consent_received_on=opened.consent_received_on, due_on=opened.due_on,
        timeline_days=opened.timeline_days, day_count=opened.day_count)
    return Step(replace(case, evaluation=part), Entry(
        "evaluation_opened", opened.consent_received_on, facts={
            "evaluation_id": opened.evaluation_id, "referral_id": opened.referral_id,
            "due_on": opened.due_on.isoformat(), "timeline_days": opened.timeline_days,
            "day_count": opened.day_count}))


@table.on(SOURCE, "AssessmentCompleted")
def assessment_completed(case: Case, seen: Seen) -> Step:
    done = read.AssessmentCompleted.model_validate(seen.data)
    count = case.evaluation.assessments + 1 if case.evaluation else 1
    return Step(_with(case, done.evaluation_id, assessments=count), Entry(
        "assessment_completed", done.completed_on, facts={
            "evaluation_id": done.evaluation_id, "area": done.area,
            "evaluator_role": done.evaluator_role, "instrument": done.instrument},
        personal={"evaluator_name": done.evaluator_name, "summary": done.summary}))


@table.on(SOURCE, "EligibilityDetermined")
def eligibility_determined(case: Case, seen: Seen) -> Step:
    found = read.EligibilityDetermined.model_validate(seen.data)
    return Step(
        _with(case, found.evaluation_id,
              status="eligible" if found.eligible else "not_eligible",
              determined_on=found.determined_on, categories=found.categories,
              section_504_referral=found.section_504_referral),
        Entry("eligibility_determined", found.determined_on, facts={
            "evaluation_id": found.evaluation_id, "eligible": found.eligible,
            "categories": list(found.categories),
            "parent_participated": found.parent_participated,
            "within_timeline": found.within_timeline},
            personal={"rationale": found.rationale}))


@table.on(SOURCE, "Section504ReferralMade")
def section_504_referral(case: Case, seen: Seen) -> Step:
    made = read.Section504ReferralMade.model_validate(seen.data)
    return Step(_with(case, made.evaluation_id, section_504_referral=True), Entry(
        "section_504_referral", made.referred_on, facts={
            "evaluation_id": made.evaluation_id, "categories": list(made.categories)}))


@table.on(SOURCE, "EvaluationDeadlineApproaching")
def deadline_approaching(case: Case, seen: Seen) -> Step:
    warned = read.DeadlineApproaching.model_validate(seen.data)
    return Step(case, Entry("evaluation_deadline_approaching",
                            seen.recorded_at.date(), facts={
                                "evaluation_id": warned.evaluation_id,
                                "due_on": warned.due_on.isoformat(),
                                "days_remaining": warned.days_remaining}))


@table.on(SOURCE, "EvaluationOverdue")
def evaluation_overdue(case: Case, seen: Seen) -> Step:
    late = read.EvaluationOverdue.model_validate(seen.data)
    return Step(_with(case, late.evaluation_id, overdue_raised=True), Entry(
        "evaluation_overdue", late.due_on + timedelta(1), facts={
            "evaluation_id": late.evaluation_id, "due_on": late.due_on.isoformat()}))
