"""The deadline arithmetic, as properties that hold for any dates and any district rules."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from iep_planning.domain import rules
from iep_planning.domain.rules import PlanningRules

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
births = st.dates(min_value=date(1990, 1, 1), max_value=date(2025, 12, 31))
DEFAULT = PlanningRules()


def birthday(born: date, age: int) -> date:
    """The day a child born on `born` turns `age` (29 February birthdays: 1 March)."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return date(born.year + age, 3, 1)


@given(days, st.integers(min_value=1, max_value=120))
def test_the_meeting_is_due_the_configured_days_after_the_determination(determined, n):
    assert (rules.meeting_due_on(determined, PlanningRules(meeting_days=n)) - determined
            ).days == n


@given(days)
def test_the_federal_defaults_are_30_days_to_the_meeting_and_75_to_a_hearing_decision(filed):
    assert rules.meeting_due_on(filed, DEFAULT) == filed + timedelta(30)
    assert rules.response_due_on(filed, DEFAULT) == filed + timedelta(10)
    assert rules.resolution_meeting_due_on(filed, DEFAULT) == filed + timedelta(15)
    period_ends = rules.resolution_period_ends_on(filed, DEFAULT)
    assert period_ends == filed + timedelta(30)
    assert rules.hearing_decision_due_on(period_ends, DEFAULT) == filed + timedelta(75)
    assert rules.state_complaint_decision_due_on(filed, DEFAULT) == filed + timedelta(60)


@given(days, st.integers(min_value=-5, max_value=5))
def test_adding_years_keeps_the_day_of_the_year_and_spans_whole_years(day, years):
    later = rules.add_years(day, years)
    assert later.year == day.year + years
    if (day.month, day.day) == (2, 29):
        assert (later.month, later.day) in ((2, 28), (2, 29))
    else:
        assert (later.month, later.day) == (day.month, day.day)
    assert abs((later - day).days - 365.25 * years) <= 1.25


@given(days)
def test_the_annual_review_falls_on_the_plans_first_anniversary(written):
    due = rules.review_due_on(written)
    assert 365 <= (due - written).days <= 366
    assert due.year == written.year + 1


@given(days, st.integers(min_value=1, max_value=3))
def test_the_reevaluation_is_due_the_configured_years_after_the_determination(determined, n):
    due = rules.reevaluation_due_on(determined, PlanningRules(reevaluation_years=n))
    assert due.year == determined.year + n
    assert 365 * n <= (due - determined).days <= 365 * n + 1


@given(days, days, st.integers(min_value=1, max_value=5))
def test_a_due_process_complaint_is_in_time_exactly_up_to_the_limits_anniversary(
        knew, filed, years):
    district = PlanningRules(due_process_limit_years=years)
    assert rules.due_process_in_time(knew, filed, district) is (
        filed <= rules.add_years(knew, years))


@given(days, st.integers(min_value=0, max_value=2000), st.integers(min_value=0, max_value=2000))
def test_filing_earlier_is_never_later_than_the_limit(knew, first, second):
    early, late = sorted((knew + timedelta(first), knew + timedelta(second)))
    for check in (rules.due_process_in_time, rules.state_complaint_in_time):
        if check(knew, late, DEFAULT):
            assert check(knew, early, DEFAULT)


@given(days)
def test_a_state_complaint_may_reach_back_one_year_to_the_day(filed):
    a_year_before = rules.add_years(filed, -1)
    assert rules.state_complaint_in_time(a_year_before + timedelta(1), filed, DEFAULT)
    assert not rules.state_complaint_in_time(a_year_before - timedelta(1), filed, DEFAULT)


@given(days, st.integers(min_value=0, max_value=90))
def test_the_warning_comes_the_warning_days_before_the_due_date(due, warning):
    warn_on = rules.warning_on(due, warning)
    assert rules.days_between(warn_on, due) == warning


@given(days, days)
def test_a_deadline_is_overdue_exactly_on_the_days_after_it(today, due):
    assert rules.is_overdue(today, due) is (today > due)
    assert rules.days_between(today, due) == -rules.days_between(due, today)


@given(births, st.integers(min_value=0, max_value=25))
def test_a_child_is_k_on_their_kth_birthday_and_k_minus_one_the_day_before(born, k):
    assert rules.age_on(born, birthday(born, k)) == k
    if k:
        assert rules.age_on(born, birthday(born, k) - timedelta(1)) == k - 1


@given(births, days, st.integers(min_value=14, max_value=18))
def test_transition_is_required_once_the_child_reaches_the_age_within_the_plans_term(
        born, term_ends, age):
    district = PlanningRules(transition_age=age)
    assert rules.transition_required(born, term_ends, district) is (
        birthday(born, age) <= term_ends)
    assert not rules.transition_required(None, term_ends, district)


@given(births, days, st.integers(min_value=17, max_value=21))
def test_the_rights_statement_is_required_from_a_year_before_majority(born, term_ends,
                                                                      majority):
    district = PlanningRules(age_of_majority=majority)
    assert rules.rights_transfer_required(born, term_ends, district) is (
        birthday(born, majority - 1) <= term_ends)


@given(days, st.sampled_from(["07-01", "08-15", "09-01", "01-01"]))
def test_a_day_belongs_to_the_school_year_that_started_last_before_it(day, starts):
    district = PlanningRules(school_year_starts=starts)
    year = rules.school_year_of(day, district)
    month, first = (int(p) for p in starts.split("-"))
    assert date(year, month, first) <= day < date(year + 1, month, first)


def test_a_district_sets_its_own_numbers_through_the_environment(monkeypatch):
    monkeypatch.setenv("IEP_PLANNING_MEETING_DAYS", "20")
    monkeypatch.setenv("IEP_PLANNING_AGE_OF_MAJORITY", "19")
    monkeypatch.setenv("IEP_PLANNING_DUE_PROCESS_LIMIT_YEARS", "3")
    district = PlanningRules()
    assert (district.meeting_days, district.age_of_majority,
            district.due_process_limit_years) == (20, 19, 3)


@pytest.mark.parametrize("setting, refusal", [
    ({"timezone": "Mars/Olympus_Mons"}, "not a known time zone"),
    ({"school_year_starts": "02-30"}, "day is out of range"),
    ({"meeting_days": 0}, "greater than or equal to 1"),
])
def test_impossible_settings_are_refused(setting, refusal):
    with pytest.raises(ValueError, match=refusal):
        PlanningRules(**setting)


def test_a_district_day_begins_at_its_own_midnight():
    chicago = PlanningRules(timezone="America/Chicago")
    assert rules.start_of_day(date(2026, 5, 2), chicago).astimezone(UTC).hour == 5
