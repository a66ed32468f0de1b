"""The deadline arithmetic, as properties that hold for any dates and any district rules."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from iep_evaluation.domain import rules
from iep_evaluation.domain.rules import EvaluationRules

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
timelines = st.integers(min_value=1, max_value=120)
warnings = st.integers(min_value=1, max_value=30)
closures = st.frozensets(st.dates(min_value=date(2025, 6, 1), max_value=date(2027, 6, 30)),
                         max_size=120)
school_year = st.dates(min_value=date(2025, 8, 1), max_value=date(2026, 12, 31))


def calendar(timeline: int = 60, warning: int = 7) -> EvaluationRules:
    return EvaluationRules(timeline_days=timeline, warning_days=warning)


def school(timeline: int, warning: int, closed: frozenset[date]) -> EvaluationRules:
    return EvaluationRules(day_count="school", timeline_days=timeline, warning_days=warning,
                           non_school_days=closed)


def school_days_between(first: date, last: date, district: EvaluationRules) -> int:
    """School days after `first`, up to and including `last`, counted one by one."""
    return sum(rules.is_school_day(first + timedelta(n), district)
               for n in range(1, (last - first).days + 1))


@given(days, timelines)
def test_by_default_the_due_date_is_the_timeline_in_calendar_days_after_consent(consent, n):
    assert (rules.evaluation_due_on(consent, calendar(n)) - consent).days == n


@given(days)
def test_the_federal_default_is_sixty_days_with_a_seven_day_warning(consent):
    district = EvaluationRules()
    due = rules.evaluation_due_on(consent, district)
    assert due == consent + timedelta(60)
    assert rules.deadline_warning_on(due, district) == due - timedelta(7)


@given(school_year, timelines, warnings, closures)
def test_counting_school_days_lands_on_a_school_day_after_exactly_the_timeline(
        consent, n, warning, closed):
    district = school(n, warning, closed)
    due = rules.evaluation_due_on(consent, district)
    assert rules.is_school_day(due, district)
    assert school_days_between(consent, due, district) == n
    assert rules.days_until(consent, due, district) == n


@given(school_year, timelines, warnings, closures)
def test_the_school_day_warning_is_a_school_day_the_warning_days_before_the_due_date(
        consent, n, warning, closed):
    district = school(n, warning, closed)
    due = rules.evaluation_due_on(consent, district)
    warn_on = rules.deadline_warning_on(due, district)
    assert rules.is_school_day(warn_on, district)
    assert rules.days_until(warn_on, due, district) == warning


@given(school_year, school_year, timelines, closures)
def test_a_later_consent_never_has_an_earlier_due_date(first, second, n, closed):
    district = school(n, 7, closed)
    early, late = sorted((first, second))
    assert rules.evaluation_due_on(early, district) <= rules.evaluation_due_on(late, district)


@given(days, days, st.sampled_from(["calendar", "school"]))
def test_days_until_is_antisymmetric(one, other, day_count):
    district = EvaluationRules(day_count=day_count)
    assert rules.days_until(one, other, district) == -rules.days_until(other, one, district)


@given(days, days)
def test_an_evaluation_is_overdue_exactly_on_the_days_after_its_due_date(today, due):
    assert rules.is_overdue(today, due) is (today > due)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
       st.integers(min_value=0, max_value=20))
def test_a_child_is_k_on_their_kth_birthday_and_k_minus_one_the_day_before(born, k):
    try:
        birthday = born.replace(year=born.year + k)
    except ValueError:  # born 29 February, no such day that year: the birthday is 1 March
        birthday = date(born.year + k, 3, 1)
    assert rules.age_on(born, birthday) == k
    if k:
        assert rules.age_on(born, birthday - timedelta(1)) == k - 1


@given(st.integers(min_value=0, max_value=20))
def test_developmental_delay_covers_ages_three_through_nine_by_default(age):
    assert rules.developmental_delay_applies(age, EvaluationRules()) is (3 <= age <= 9)


def test_breaks_are_configured_as_ranges_from_the_environment(monkeypatch):
    monkeypatch.setenv("IEP_EVALUATION_DAY_COUNT", "school")
    monkeypatch.setenv("IEP_EVALUATION_NON_SCHOOL_DAYS",
                       '["2026-12-21..2027-01-01", "2026-11-26"]')
    monkeypatch.setenv("IEP_EVALUATION_TIMELINE_DAYS", "45")
    district = EvaluationRules()
    assert district.timeline_days == 45 and district.day_count == "school"
    assert len(district.non_school_days) == 12 + 1
    assert date(2026, 12, 25) in district.non_school_days


def test_a_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends before it starts"):
        EvaluationRules(non_school_days=["2027-01-01..2026-12-21"])


def test_developmental_delay_ages_must_be_in_order():
    with pytest.raises(ValueError, match="youngest age for developmental delay is above"):
        EvaluationRules(developmental_delay_min_age=6, developmental_delay_max_age=5)


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ValueError, match="not a known time zone"):
        EvaluationRules(timezone="Mars/Olympus_Mons")


def test_a_district_day_begins_at_its_own_midnight():
    chicago = EvaluationRules(timezone="America/Chicago")
    assert rules.start_of_day(date(2026, 5, 2), chicago).astimezone(UTC).hour == 5
    assert rules.start_of_day(date(2026, 1, 2), chicago).astimezone(UTC).hour == 6
