"""The evaluation's decider: `decide(command, state)` and `evolve(state, event)`, pure.

A refusal is an `IllegalTransition` whose message a district staff member understands:
what is wrong and what would be right. Every act is dated when it happened and checked in
the law's order (`rules.py`): the consent's receipt opens the evaluation, each assessment
follows it, and eligibility follows the last assessment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from iep_kernel.decider import Decider, IllegalTransition, NotFound
from iep_kernel.events import Event

from iep_evaluation.domain import rules
from iep_evaluation.domain.commands import (
    Command,
    DetermineEligibility,
    MarkOverdue,
    OpenEvaluation,
    RecordAssessment,
    WarnOfDeadline,
)
from iep_evaluation.domain.events import (
    AssessmentCompleted,
    Category,
    EligibilityDetermined,
    EvaluationDeadlineApproaching,
    EvaluationOpened,
    EvaluationOverdue,
    Section504ReferralMade,
)

NO_SUCH_EVALUATION = "no such evaluation"
_NUMBERS = ("none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@dataclass(frozen=True)
class Evaluation:
    opened: EvaluationOpened | None = None
    assessments: tuple[AssessmentCompleted, ...] = ()
    eligibility: EligibilityDetermined | None = None
    deadline_warned: bool = False
    overdue_raised: bool = False

    @property
    def status(self) -> str:
        if self.eligibility is None:
            return "open"
        return "eligible" if self.eligibility.eligible else "not_eligible"

    @property
    def evaluators(self) -> set[str]:
        return {rules.evaluator_key(a.evaluator_name) for a in self.assessments}


def spoken(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _count(n: int) -> str:
    return _NUMBERS[n] if n < len(_NUMBERS) else str(n)


def _opened(state: Evaluation) -> EvaluationOpened:
    if state.opened is None:
        raise NotFound(NO_SUCH_EVALUATION)
    return state.opened


def _refuse_if_determined(state: Evaluation, doing: str) -> None:
    if state.eligibility is not None:
        outcome = "eligible" if state.eligibility.eligible else "not eligible"
        raise IllegalTransition(
            f"Eligibility was already determined on {spoken(state.eligibility.determined_on)} "
            f"(the child was found {outcome}); {doing}.")


def _open(command: OpenEvaluation, state: Evaluation) -> list[Event]:
    if state.opened is not None:
        return []  # the same consent, delivered again: the evaluation is already open
    return [EvaluationOpened(
        student_id=command.student_id, evaluation_id=command.evaluation_id,
        referral_id=command.referral_id, school_id=command.school_id,
        consent_signed_on=command.consent_signed_on,
        consent_received_on=command.consent_received_on,
        due_on=rules.evaluation_due_on(command.consent_received_on, command.rules),
        timeline_days=command.rules.timeline_days, day_count=command.rules.day_count,
        date_of_birth=command.date_of_birth, guardian_ids=command.guardian_ids,
        occurred_on=command.consent_received_on)]


def _record(command: RecordAssessment, state: Evaluation) -> list[Event]:
    opened = _opened(state)
    _refuse_if_determined(state, "no assessments are added after the determination")
    completed_on = command.dated.check(
        "the assessment", not_before=rules.evaluation_begins_on(opened),
        after="the district's receipt of the parent's consent")
    return [AssessmentCompleted(
        student_id=opened.student_id, evaluation_id=opened.evaluation_id,
        assessment_number=len(state.assessments) + 1, area=command.area,
        evaluator_name=command.evaluator_name, evaluator_role=command.evaluator_role,
        instrument=command.instrument, completed_on=completed_on,
        summary=command.summary, occurred_on=completed_on,
        late_entry_reason=command.dated.reason)]


def _check_sources(state: Evaluation) -> None:
    # 34 CFR 300.304(b)(2): no single measure or assessment is the sole criterion.
    evaluators = len(state.evaluators)
    if evaluators >= rules.MINIMUM_EVALUATORS:
        return
    assessments = len(state.assessments)
    if assessments <= 1:
        has = _count(assessments)
    else:
        has = f"{_count(assessments)} assessments, all from one evaluator"
    raise IllegalTransition(
        f"Eligibility needs assessments from at least {_count(rules.MINIMUM_EVALUATORS)} "
        f"different evaluators; this evaluation has {has}.")


def _check_dates(command: DetermineEligibility, state: Evaluation) -> date:
    # 34 CFR 300.306(a): the team decides on the evaluation's results, so after the last
    # assessment it rests on.
    last = max(a.completed_on for a in state.assessments)
    return command.dated.check("the eligibility determination", not_before=last,
                               after="the last assessment, completed")


def _check_findings(command: DetermineEligibility) -> None:
    # 34 CFR 300.8(a)(1) and 300.306(c)(2): a disability in a listed category that
    # adversely affects educational performance, and a need for special education.
    found = bool(command.categories), command.adverse_effect, command.needs_special_education
    if command.eligible:
        names = ("a disability category (34 CFR 300.8)",
                 "an adverse effect on educational performance",
                 "a need for special education and related services")
        missing = [name for name, present in zip(names, found, strict=True) if not present]
        if missing:
            raise IllegalTransition(
                "A child found eligible needs a disability category, an adverse effect on "
                "educational performance and a need for special education; this "
                f"determination lacks {_joined(missing)}.")
        if command.section_504_referral:
            raise IllegalTransition(
                "A Section 504 referral is for a child found not eligible under IDEA; an "
                "eligible child gets an IEP instead, so leave the 504 referral out.")
    elif all(found):
        raise IllegalTransition(
            "The team found a disability category, an adverse effect on educational "
            "performance and a need for special education, which makes the child eligible "
            "(34 CFR 300.8(a)); record the child as eligible, or correct the findings.")


def _check_developmental_delay(command: DetermineEligibility, opened: EvaluationOpened,
                               determined_on: date) -> None:
    if Category.DEVELOPMENTAL_DELAY not in command.categories:
        return
    low = command.rules.developmental_delay_min_age
    high = command.rules.developmental_delay_max_age
    if not isinstance(opened.date_of_birth, date):
        raise IllegalTransition(
            "Developmental delay depends on the child's age, and this child's date of birth "
            "is not on record; choose another category.")
    age = rules.age_on(opened.date_of_birth, determined_on)
    if not rules.developmental_delay_applies(age, command.rules):
        raise IllegalTransition(
            f"Developmental delay applies only to children aged {low} through {high}; on "
            f"{spoken(determined_on)} this child is {age}. Choose the category "
            "that describes the child's disability.")


def _determine(command: DetermineEligibility, state: Evaluation) -> list[Event]:
    opened = _opened(state)
    _refuse_if_determined(state, "it is determined once per evaluation")
    _check_sources(state)
    determined_on = _check_dates(command, state)
    _check_findings(command)
    _check_developmental_delay(command, opened, determined_on)
    late_entry_reason = command.dated.reason
    determined = EligibilityDetermined(
        student_id=opened.student_id, evaluation_id=opened.evaluation_id,
        school_id=opened.school_id, eligible=command.eligible,
        categories=command.categories, adverse_effect=command.adverse_effect,
        needs_special_education=command.needs_special_education, team=command.team,
        parent_participated=command.parent_participated,
        determined_on=determined_on, rationale=command.rationale,
        section_504_referral=command.section_504_referral,
        within_timeline=determined_on <= opened.due_on, occurred_on=determined_on,
        late_entry_reason=late_entry_reason)
    if not command.section_504_referral:
        return [determined]
    return [determined, Section504ReferralMade(
        student_id=opened.student_id, evaluation_id=opened.evaluation_id,
        school_id=opened.school_id, referred_on=determined_on,
        categories=command.categories, occurred_on=determined_on,
        late_entry_reason=late_entry_reason)]


def _warn(command: WarnOfDeadline, state: Evaluation) -> list[Event]:
    # A timer raises nothing once eligibility is determined, or twice.
    opened = state.opened
    if opened is None or state.eligibility or state.deadline_warned or state.overdue_raised:
        return []
    counted = rules.counting(command.rules, opened.day_count)
    remaining = rules.days_until(command.today, opened.due_on, counted)
    if remaining < 0:
        return []  # already past due: the overdue timer speaks instead
    return [EvaluationDeadlineApproaching(
        student_id=opened.student_id, evaluation_id=opened.evaluation_id,
        school_id=opened.school_id, due_on=opened.due_on, days_remaining=remaining)]


def _mark_overdue(command: MarkOverdue, state: Evaluation) -> list[Event]:
    opened = state.opened
    if opened is None or state.eligibility or state.overdue_raised:
        return []
    if not rules.is_overdue(command.today, opened.due_on):
        return []
    return [EvaluationOverdue(student_id=opened.student_id,
                              evaluation_id=opened.evaluation_id,
                              school_id=opened.school_id, due_on=opened.due_on)]


def decide(command: Command, state: Evaluation) -> Sequence[Event]:
    if isinstance(command, OpenEvaluation):
        return _open(command, state)
    if isinstance(command, RecordAssessment):
        return _record(command, state)
    if isinstance(command, DetermineEligibility):
        return _determine(command, state)
    if isinstance(command, WarnOfDeadline):
        return _warn(command, state)
    return _mark_overdue(command, state)


def evolve(state: Evaluation, event: Event) -> Evaluation:
    if isinstance(event, EvaluationOpened):
        return replace(state, opened=event)
    if isinstance(event, AssessmentCompleted):
        return replace(state, assessments=(*state.assessments, event))
    if isinstance(event, EligibilityDetermined):
        return replace(state, eligibility=event)
    if isinstance(event, EvaluationDeadlineApproaching):
        return replace(state, deadline_warned=True)
    if isinstance(event, EvaluationOverdue):
        return replace(state, overdue_raised=True)
    return state


def _joined(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


evaluation: Decider[Evaluation, Command] = Decider(Evaluation, evolve, decide)
