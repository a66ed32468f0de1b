"""The evaluation's rules as specifications: given these events, when this command, then
these events, or this refusal. No I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from iep_evaluation.domain.commands import (
    DetermineEligibility,
    MarkOverdue,
    OpenEvaluation,
    RecordAssessment,
    WarnOfDeadline,
)
from iep_evaluation.domain.decider import Evaluation, evaluation
from iep_evaluation.domain.events import (
    Area,
    AssessmentCompleted,
    Category,
    DayCount,
    EligibilityDetermined,
    EvaluationDeadlineApproaching,
    EvaluationOpened,
    EvaluationOverdue,
    EvaluatorRole,
    Section504ReferralMade,
    TeamMember,
    TeamRole,
)
from iep_evaluation.domain.rules import EvaluationRules
from iep_kernel.dates import Dated
from iep_kernel.decider import IllegalTransition, NotFound
from iep_kernel.events import DESTROYED

DISTRICT = EvaluationRules()
CONSENT = date(2026, 3, 2)
DUE = date(2026, 5, 1)
TODAY = date(2026, 4, 20)

OPENED = EvaluationOpened(
    student_id="S-1001", evaluation_id="ev-1", referral_id="r-1", school_id="sch-1",
    consent_signed_on=CONSENT, consent_received_on=CONSENT, due_on=DUE, timeline_days=60,
    day_count=DayCount.CALENDAR,
    date_of_birth=date(2018, 9, 14), guardian_ids=("guardian-maria",), occurred_on=CONSENT)


def assessed(number: int, evaluator: str, on: date = date(2026, 4, 1),
             area: Area = Area.READING) -> AssessmentCompleted:
    return AssessmentCompleted(
        student_id="S-1001", evaluation_id="ev-1", assessment_number=number, area=area,
        evaluator_name=evaluator, evaluator_role=EvaluatorRole.PSYCHOLOGIST,
        instrument="WIAT-4", completed_on=on, summary="reads two grades below level",
        occurred_on=on)


TWO_SOURCES = (OPENED, assessed(1, "Dr. Ruth Chen"), assessed(2, "Sam Okafor", area=Area.SPEECH))
TEAM = (TeamMember(name="Maria Lopez", role=TeamRole.PARENT),
        TeamMember(name="Dr. Ruth Chen", role=TeamRole.PSYCHOLOGIST))


def given(*events: object) -> Evaluation:
    return evaluation.fold(list(events))  # type: ignore[arg-type]


def when(state: Evaluation, command: object) -> list[object]:
    return list(evaluation.decide(command, state))  # type: ignore[arg-type]


def determine(determined_on: date = date(2026, 4, 15), today: date = TODAY,
              late_entry_reason: str | None = None, **changes: object
              ) -> DetermineEligibility:
    command = DetermineEligibility(
        eligible=True, categories=(Category.SPECIFIC_LEARNING_DISABILITY,),
        adverse_effect=True, needs_special_education=True, team=TEAM,
        parent_participated=True,
        rationale="the team agreed on a learning disability in reading",
        section_504_referral=False, dated=Dated(determined_on, today, late_entry_reason),
        rules=DISTRICT)
    return replace(command, **changes)  # type: ignore[arg-type]


def record(completed_on: date = date(2026, 4, 1), today: date = TODAY,
           late_entry_reason: str | None = None, **changes: object) -> RecordAssessment:
    command = RecordAssessment(
        area=Area.READING, evaluator_name="Dr. Ruth Chen",
        evaluator_role=EvaluatorRole.PSYCHOLOGIST, instrument="WIAT-4",
        summary="reads two grades below level",
        dated=Dated(completed_on, today, late_entry_reason))
    return replace(command, **changes)  # type: ignore[arg-type]


def refusal(state: Evaluation, command: object) -> str:
    with pytest.raises(IllegalTransition) as refused:
        when(state, command)
    return str(refused.value)


# -- opening -----------------------------------------------------------------------------

def open_command(**changes: object) -> OpenEvaluation:
    command = OpenEvaluation(
        evaluation_id="ev-1", referral_id="r-1", student_id="S-1001", school_id="sch-1",
        consent_signed_on=CONSENT, consent_received_on=CONSENT,
        date_of_birth=date(2018, 9, 14),
        guardian_ids=("guardian-maria",), rules=DISTRICT)
    return replace(command, **changes)  # type: ignore[arg-type]


def test_consent_opens_the_evaluation_due_sixty_calendar_days_later():
    assert when(given(), open_command()) == [OPENED]


def test_the_timeline_runs_from_the_day_the_district_received_consent():
    (opened,) = when(given(), open_command(consent_received_on=date(2026, 3, 5)))
    assert (opened.consent_signed_on, opened.due_on) == (CONSENT, date(2026, 5, 4))


def test_consent_delivered_again_opens_nothing():
    assert when(given(OPENED), open_command()) == []


def test_a_school_day_district_counts_only_school_days_to_the_due_date():
    school_days = EvaluationRules(day_count="school", timeline_days=10,
                                  non_school_days=["2026-03-09..2026-03-13"])
    (opened,) = when(given(), open_command(rules=school_days))
    # From Monday 2 March: 3-6 March (4), spring break 9-13, 16-20 March (5), 23 March (1).
    assert opened.due_on == date(2026, 3, 23)
    assert (opened.timeline_days, opened.day_count) == (10, DayCount.SCHOOL)


# -- assessments -------------------------------------------------------------------------

def test_a_completed_assessment_is_recorded_with_its_number():
    (event,) = when(given(OPENED, assessed(1, "Sam Okafor")), record())
    assert event == assessed(2, "Dr. Ruth Chen")


def test_an_assessment_of_an_evaluation_never_opened_is_not_found():
    with pytest.raises(NotFound, match="no such evaluation"):
        when(given(), record())


def test_an_assessment_before_consent_is_refused():
    message = refusal(given(OPENED), record(completed_on=date(2026, 2, 27)))
    assert message == (
        "The assessment is dated February 27, 2026, before the district's receipt of the "
        "parent's consent on March 2, 2026; it cannot come first, so check the date.")


def test_an_assessment_is_not_dated_before_the_consent_was_received_even_if_signed():
    received_later = OPENED.model_copy(update={"consent_received_on": date(2026, 3, 6),
                                               "occurred_on": date(2026, 3, 6)})
    message = refusal(given(received_later), record(completed_on=date(2026, 3, 4)))
    assert "before the district's receipt of the parent's consent on March 6, 2026" in message


def test_an_assessment_is_dated_when_completed_and_a_late_entry_keeps_its_reason():
    long_ago = date(2026, 3, 6)  # 45 days before today
    assert "45 days ago; an entry more than 30 days after the act needs a " \
        "late_entry_reason" in refusal(given(OPENED), record(completed_on=long_ago))
    (event,) = when(given(OPENED), record(completed_on=long_ago,
                                          late_entry_reason="report arrived by post"))
    assert (event.completed_on, event.occurred_on, event.late_entry_reason) == (
        long_ago, long_ago, "report arrived by post")


def test_an_assessment_on_the_day_of_consent_counts():
    assert when(given(OPENED), record(completed_on=CONSENT, today=CONSENT))


def test_an_assessment_dated_after_today_is_refused():
    message = refusal(given(OPENED), record(completed_on=date(2026, 4, 21)))
    assert message == ("The assessment is dated April 21, 2026, after today (April 20, 2026); "
                       "an act is recorded once it has happened.")


def test_no_assessment_is_added_after_eligibility_is_determined():
    state = given(*TWO_SOURCES, *when(given(*TWO_SOURCES), determine()))
    message = refusal(state, record())
    assert message == (
        "Eligibility was already determined on April 15, 2026 (the child was found "
        "eligible); no assessments are added after the determination.")


# -- eligibility: sources ----------------------------------------------------------------

@pytest.mark.parametrize("assessments, has", [
    ((), "none"),
    ((assessed(1, "Dr. Ruth Chen"),), "one"),
    ((assessed(1, "Dr. Ruth Chen"), assessed(2, "Dr. Ruth Chen", area=Area.MATH)),
     "two assessments, all from one evaluator"),
])
def test_eligibility_needs_assessments_from_two_different_evaluators(assessments, has):
    message = refusal(given(OPENED, *assessments), determine())
    assert message == ("Eligibility needs assessments from at least two different "
                       f"evaluators; this evaluation has {has}.")


def test_one_evaluator_typed_two_ways_is_still_one_evaluator():
    state = given(OPENED, assessed(1, "Dr. Ruth Chen"), assessed(2, "  dr. ruth   CHEN "))
    assert "all from one evaluator" in refusal(state, determine())


def test_an_eligible_child_with_two_sources_and_all_findings_is_determined_eligible():
    (event,) = when(given(*TWO_SOURCES), determine())
    assert event == EligibilityDetermined(
        student_id="S-1001", evaluation_id="ev-1", school_id="sch-1", eligible=True,
        categories=(Category.SPECIFIC_LEARNING_DISABILITY,), adverse_effect=True,
        needs_special_education=True, team=TEAM, parent_participated=True,
        determined_on=date(2026, 4, 15),
        rationale="the team agreed on a learning disability in reading",
        section_504_referral=False, within_timeline=True, occurred_on=date(2026, 4, 15))


# -- eligibility: findings ---------------------------------------------------------------

@pytest.mark.parametrize("change, lacks", [
    ({"categories": ()}, "a disability category (34 CFR 300.8)"),
    ({"adverse_effect": False}, "an adverse effect on educational performance"),
    ({"needs_special_education": False}, "a need for special education and related services"),
    ({"categories": (), "adverse_effect": False, "needs_special_education": False},
     "a disability category (34 CFR 300.8), an adverse effect on educational performance "
     "and a need for special education and related services"),
])
def test_eligible_needs_a_category_an_adverse_effect_and_a_need(change, lacks):
    message = refusal(given(*TWO_SOURCES), determine(**change))
    assert message == (
        "A child found eligible needs a disability category, an adverse effect on "
        "educational performance and a need for special education; this determination "
        f"lacks {lacks}.")


def test_not_eligible_with_a_504_referral_raises_both_events():
    events = when(given(*TWO_SOURCES), determine(
        eligible=False, categories=(Category.OTHER_HEALTH_IMPAIRMENT,),
        needs_special_education=False, section_504_referral=True))
    assert [type(e) for e in events] == [EligibilityDetermined, Section504ReferralMade]
    assert events[0].eligible is False and events[0].section_504_referral is True
    assert events[1] == Section504ReferralMade(
        student_id="S-1001", evaluation_id="ev-1", school_id="sch-1",
        referred_on=date(2026, 4, 15), categories=(Category.OTHER_HEALTH_IMPAIRMENT,),
        occurred_on=date(2026, 4, 15))


def test_not_eligible_without_a_504_referral_raises_only_the_determination():
    events = when(given(*TWO_SOURCES), determine(eligible=False, categories=(),
                                                 adverse_effect=False))
    assert [type(e) for e in events] == [EligibilityDetermined]


def test_an_eligible_child_is_not_referred_for_section_504():
    message = refusal(given(*TWO_SOURCES), determine(section_504_referral=True))
    assert message.startswith("A Section 504 referral is for a child found not eligible")


def test_all_three_findings_make_the_child_eligible_so_not_eligible_is_refused():
    message = refusal(given(*TWO_SOURCES), determine(eligible=False))
    assert "which makes the child eligible (34 CFR 300.8(a))" in message


# -- eligibility: developmental delay ----------------------------------------------------

@pytest.mark.parametrize("born, allowed", [
    (date(2023, 4, 16), False),  # 2 on the determination date: turns 3 the next day
    (date(2023, 4, 15), True),   # 3 that very day
    (date(2016, 4, 16), True),   # still 9
    (date(2016, 4, 15), False),  # 10 that very day
])
def test_developmental_delay_only_for_ages_three_through_nine_on_the_determination_date(
        born, allowed):
    state = given(OPENED.model_copy(update={"date_of_birth": born}), *TWO_SOURCES[1:])
    command = determine(categories=(Category.DEVELOPMENTAL_DELAY,))
    if allowed:
        assert when(state, command)
    else:
        age = 2 if born.year == 2023 else 10
        assert refusal(state, command) == (
            "Developmental delay applies only to children aged 3 through 9; on April 15, "
            f"2026 this child is {age}. Choose the category that describes the child's "
            "disability.")


def test_developmental_delay_needs_the_childs_date_of_birth():
    state = given(OPENED.model_copy(update={"date_of_birth": DESTROYED}), *TWO_SOURCES[1:])
    message = refusal(state, determine(categories=(Category.DEVELOPMENTAL_DELAY,)))
    assert "date of birth is not on record" in message


def test_a_state_may_narrow_the_developmental_delay_ages():
    narrow = EvaluationRules(developmental_delay_max_age=5)
    state = given(OPENED, *TWO_SOURCES[1:])  # the child is 7
    command = determine(categories=(Category.DEVELOPMENTAL_DELAY,), rules=narrow)
    assert "aged 3 through 5" in refusal(state, command)


# -- eligibility: once, and dated sensibly -----------------------------------------------

def test_eligibility_is_determined_once():
    state = given(*TWO_SOURCES, *when(given(*TWO_SOURCES), determine()))
    assert refusal(state, determine(eligible=False, categories=())) == (
        "Eligibility was already determined on April 15, 2026 (the child was found "
        "eligible); it is determined once per evaluation.")


def test_a_determination_dated_before_the_last_assessment_is_refused():
    message = refusal(given(*TWO_SOURCES), determine(determined_on=date(2026, 3, 31)))
    assert message == ("The eligibility determination is dated March 31, 2026, before the "
                       "last assessment, completed on April 1, 2026; it cannot come first, so "
                       "check the date.")


def test_a_determination_dated_after_today_is_refused():
    message = refusal(given(*TWO_SOURCES), determine(determined_on=date(2026, 4, 21)))
    assert "after today (April 20, 2026)" in message


def test_a_determination_after_the_due_date_is_recorded_as_late():
    (event,) = when(given(*TWO_SOURCES), determine(determined_on=date(2026, 5, 2),
                                                   today=date(2026, 5, 2)))
    assert event.within_timeline is False


# -- deadlines ---------------------------------------------------------------------------

def test_the_warning_names_the_days_remaining():
    (event,) = when(given(OPENED), WarnOfDeadline(date(2026, 4, 24), DISTRICT))
    assert event == EvaluationDeadlineApproaching(
        student_id="S-1001", evaluation_id="ev-1", school_id="sch-1", due_on=DUE,
        days_remaining=7)


@pytest.mark.parametrize("history, today", [
    ((*TWO_SOURCES,), date(2026, 4, 24)),  # determined (added below)
    ((OPENED, EvaluationDeadlineApproaching(student_id="S-1001", evaluation_id="ev-1",
                                            school_id="sch-1", due_on=DUE,
                                            days_remaining=7)), date(2026, 4, 25)),
    ((OPENED,), date(2026, 5, 2)),  # already past due: the overdue timer speaks
    ((), date(2026, 4, 24)),  # no such evaluation
], ids=["determined", "warned-already", "past-due", "unknown"])
def test_the_warning_raises_nothing_once_determined_twice_past_due_or_unknown(history, today):
    state = given(*history)
    if history == TWO_SOURCES:
        state = given(*TWO_SOURCES, *when(state, determine()))
    assert when(state, WarnOfDeadline(today, DISTRICT)) == []


def test_overdue_is_raised_the_day_after_the_due_date():
    assert when(given(OPENED), MarkOverdue(DUE)) == []
    assert when(given(OPENED), MarkOverdue(date(2026, 5, 2))) == [EvaluationOverdue(
        student_id="S-1001", evaluation_id="ev-1", school_id="sch-1", due_on=DUE)]


def test_overdue_raises_nothing_once_determined_or_twice():
    determined = given(*TWO_SOURCES, *when(given(*TWO_SOURCES), determine()))
    assert when(determined, MarkOverdue(date(2026, 5, 2))) == []
    overdue = given(OPENED, *when(given(OPENED), MarkOverdue(date(2026, 5, 2))))
    assert when(overdue, MarkOverdue(date(2026, 5, 3))) == []
    assert when(overdue, WarnOfDeadline(date(2026, 5, 3), DISTRICT)) == []
