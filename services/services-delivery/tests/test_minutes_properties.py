"""Properties of the minutes arithmetic: whatever is logged, delivered and missed never
exceed what was scheduled; an amendment splits a period into parts that cover it exactly
and owe at least its sessions."""

import itertools
from datetime import date, timedelta

from delivery_specs import SPEECH, Given, consent, log, plan
from hypothesis import given, settings
from hypothesis import strategies as st
from iep_kernel.decider import IllegalTransition
from iep_services_delivery.domain.minutes import (
    Cadence,
    period_minutes,
    period_of,
    periods,
    required_sessions,
    school_days,
)
from iep_services_delivery.domain.values import (
    Frequency,
    MissedCause,
    Period,
    PlanChange,
    SessionOutcome,
)

START = date(2026, 5, 18)
days = st.integers(min_value=0, max_value=120).map(lambda n: START + timedelta(n))
frequencies = st.sampled_from(list(Frequency))
outcomes = st.tuples(days, st.booleans(), st.integers(min_value=0, max_value=40),
                     st.sampled_from(list(MissedCause)))


@settings(max_examples=60, deadline=None)
@given(frequencies, st.lists(outcomes, max_size=40))
def test_delivered_and_missed_never_exceed_scheduled(frequency, logs):
    service = SPEECH.model_copy(update={"frequency": frequency,
                                        "ends_on": START + timedelta(120)})
    history = Given()
    history.run(plan((service,)), consent())
    schedule_id = history.schedule_id()
    for day, delivered, minutes, cause in logs:
        outcome = SessionOutcome.DELIVERED if delivered else SessionOutcome.MISSED
        try:
            history.run(log(schedule_id, day, outcome, minutes=minutes,
                            cause=None if delivered else cause))
        except IllegalTransition:
            pass  # a refused log (a second one in a day, a full period, too long) counts not
    state = history.state
    schedule = state.schedules[schedule_id]
    rows = period_minutes(schedule.cadence,
                          state.sessions_of(schedule_id).values())
    for row in rows:
        assert row.minutes_delivered + row.minutes_missed <= row.minutes_required
        assert row.minutes_owed <= row.minutes_missed
    assert state.owed.get(schedule_id, 0) == sum(r.minutes_owed for r in rows)


@settings(max_examples=200, deadline=None)
@given(days, st.integers(min_value=1, max_value=60), st.sampled_from(list(Period)),
       st.integers(min_value=1, max_value=7))
def test_periods_cover_the_schedule_exactly_once(starts_on, length, period, sessions):
    ends_on = starts_on + timedelta(length)
    parts = list(periods(starts_on, ends_on, period))
    assert parts[0][0] == starts_on and parts[-1][1] == ends_on
    for (_, last), (first, _) in itertools.pairwise(parts):
        assert first == last + timedelta(1)
    for first, last in parts:
        assert period_of(first, period) == period_of(last, period)  # within one period
        assert 0 <= required_sessions(sessions, first, last, period) <= sessions


@settings(max_examples=200, deadline=None)
@given(days, st.sampled_from(list(Period)), st.integers(min_value=1, max_value=7))
def test_an_amendment_splits_a_period_into_parts_owing_at_least_the_whole(day, period,
                                                                        sessions):
    first, last = period_of(day, period)
    whole = required_sessions(sessions, first, last, period)
    assert whole == sessions
    before = required_sessions(sessions, first, day - timedelta(1), period) \
        if day > first else 0
    after = required_sessions(sessions, day, last, period)
    assert school_days(first, day - timedelta(1)) + school_days(day, last) == \
        school_days(first, last)
    assert whole <= before + after <= whole + 1


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=200))
def test_an_amended_schedule_counts_each_day_under_the_plan_in_force(offset):
    amended_on = START + timedelta(offset)
    history = Given()
    history.run(plan((SPEECH,)), consent())
    old = history.schedule_id()
    longer = SPEECH.model_copy(update={"minutes": 45})
    history.run(plan((longer,), version=2, change=PlanChange.AMENDED, dated_on=amended_on))
    state = history.state
    new = next(s for s in state.schedules.values() if s.ended_on is None)
    before = state.schedules[old].cadence
    after = new.cadence
    assert before.ends_on == amended_on - timedelta(1)
    assert after.starts_on == amended_on
    week_first, week_last = period_of(amended_on, Period.WEEK)
    old_rows = period_minutes(before, [], window=(week_first, week_last))
    new_rows = period_minutes(after, [], window=(week_first, week_last))
    covered = [(r.starts_on, r.ends_on) for r in old_rows + new_rows]
    # The week of the amendment is split at its date: the old plan's rate before, the
    # amended rate from it, and the parts meet without a gap or an overlap.
    assert covered[-1] == (amended_on, week_last)
    if amended_on > week_first:
        assert covered[0] == (week_first, amended_on - timedelta(1))
    assert all(r.minutes_required % 30 == 0 for r in old_rows)
    assert all(r.minutes_required % 45 == 0 for r in new_rows)


def test_cadence_of_a_daily_service_is_one_session_per_school_day():
    cadence = Cadence(45, 5, Period.WEEK, date(2026, 5, 20), date(2026, 5, 26))
    rows = period_minutes(cadence, [])
    assert [(r.starts_on, r.sessions_required) for r in rows] == [
        (date(2026, 5, 20), 3), (date(2026, 5, 25), 2)]
