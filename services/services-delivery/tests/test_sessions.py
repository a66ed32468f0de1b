"""Sessions, corrections, compensatory minutes and under-delivery, decided on history."""

from datetime import date

import pytest
from delivery_specs import READING, RULES, consented, log, on
from iep_kernel.decider import IllegalTransition, NotFound
from iep_services_delivery.domain import commands as c
from iep_services_delivery.domain.values import MissedCause, SessionOutcome

MONDAY = date(2026, 5, 18)
MISSED = SessionOutcome.MISSED


def test_a_delivered_session_is_logged_once():
    given = consented()
    schedule_id = given.schedule_id()
    (delivered,) = given.run(log(schedule_id, MONDAY, minutes=25))
    assert (type(delivered).__name__, delivered.minutes) == ("SessionDelivered", 25)
    with pytest.raises(IllegalTransition, match="already logged"):
        given.run(log(schedule_id, MONDAY))


def test_a_session_missed_by_the_provider_is_owed_back():
    given = consented()
    missed, owed = given.run(log(given.schedule_id(), MONDAY, MISSED,
                                 cause=MissedCause.PROVIDER_ABSENT))
    assert (missed.district_fault, owed.minutes, owed.owed_total) == (True, 30, 30)


def test_a_session_the_student_missed_is_not_owed():
    given = consented()
    (missed,) = given.run(log(given.schedule_id(), MONDAY, MISSED,
                              cause=MissedCause.STUDENT_ABSENT))
    assert missed.district_fault is False
    assert given.state.owed == {}


def test_a_correction_replaces_the_log_and_takes_back_minutes_owed():
    given = consented()
    schedule_id = given.schedule_id()
    given.run(log(schedule_id, MONDAY, MISSED, cause=MissedCause.PROVIDER_ABSENT))
    corrected, cancelled = given.run(log(schedule_id, MONDAY, minutes=30,
                                         correction="the substitute held the session"))
    assert (corrected.outcome, corrected.reason) == (SessionOutcome.DELIVERED,
                                                     "the substitute held the session")
    assert (cancelled.minutes, cancelled.owed_total) == (30, 0)
    assert len(given.of_type("SessionMissed")) == 1  # the original stays in the log
    assert given.state.sessions_of(schedule_id)[MONDAY].corrections == 1


def test_a_correction_needs_a_session_to_correct():
    given = consented()
    with pytest.raises(IllegalTransition, match="nothing to correct"):
        given.run(log(given.schedule_id(), MONDAY, correction="typo"))


def test_sessions_only_inside_the_schedule_and_not_in_the_future():
    given = consented()
    schedule_id = given.schedule_id()
    with pytest.raises(IllegalTransition, match="before the start of the speech language "
                                                "pathology service on May 18, 2026"):
        given.run(log(schedule_id, date(2026, 5, 15)))
    with pytest.raises(IllegalTransition, match="outside it"):
        given.run(log(schedule_id, date(2027, 5, 10)))
    with pytest.raises(IllegalTransition, match="after today"):
        given.run(log(schedule_id, MONDAY, today=date(2026, 5, 17)))
    with pytest.raises(NotFound):
        given.run(log("no-such-schedule", MONDAY))


def test_a_weekly_service_has_one_session_a_week():
    given = consented()
    schedule_id = given.schedule_id()
    given.run(log(schedule_id, MONDAY))
    with pytest.raises(IllegalTransition, match="1 session"):
        given.run(log(schedule_id, date(2026, 5, 20)))
    given.run(log(schedule_id, date(2026, 5, 25)))  # the next week


def test_a_session_longer_than_the_plan_says_is_refused():
    given = consented()
    with pytest.raises(IllegalTransition, match="30 minutes in the plan"):
        given.run(log(given.schedule_id(), MONDAY, minutes=45))


def test_compensatory_minutes_delivered_reduce_the_balance_and_never_exceed_it():
    given = consented()
    schedule_id = given.schedule_id()
    given.run(log(schedule_id, MONDAY, MISSED, cause=MissedCause.SCHOOL_CLOSURE))
    (made_up,) = given.run(c.DeliverCompensatory("comp-1", schedule_id, on(date(2026, 5, 21)),
                                                  20, "after school"))
    assert made_up.owed_total == 10
    with pytest.raises(IllegalTransition, match="10 compensatory minutes"):
        given.run(c.DeliverCompensatory("comp-2", schedule_id, on(date(2026, 5, 22)), 15, ""))


def test_a_period_below_the_threshold_is_under_delivered_once():
    given = consented(READING)
    schedule_id = given.schedule_id("specially_designed_instruction")
    for day in (18, 19, 20):
        given.run(log(schedule_id, date(2026, 5, day)))
    (under,) = given.run(c.ClosePeriod(schedule_id, MONDAY, RULES))
    assert (under.minutes_required, under.minutes_delivered, under.shortfall) == (225, 135, 90)
    assert given.run(c.ClosePeriod(schedule_id, MONDAY, RULES)) == []


def test_a_period_at_the_threshold_is_not_under_delivered():
    given = consented()
    schedule_id = given.schedule_id()
    given.run(log(schedule_id, MONDAY, minutes=27))  # 90% of 30
    assert given.run(c.ClosePeriod(schedule_id, MONDAY, RULES)) == []


def test_a_session_logged_past_the_late_entry_window_needs_a_reason_and_keeps_it():
    given = consented()
    schedule_id = given.schedule_id()
    with pytest.raises(IllegalTransition, match="31 days ago; an entry more than 30 days"):
        given.run(log(schedule_id, MONDAY, today=date(2026, 6, 18)))
    (logged,) = given.run(log(schedule_id, MONDAY, today=date(2026, 6, 18),
                              reason="paper log found in the therapy room"))
    assert (logged.occurred_on, logged.session_on) == (MONDAY, MONDAY)
    assert logged.late_entry_reason == "paper log found in the therapy room"


def test_compensatory_minutes_are_not_made_up_before_the_session_they_make_up():
    given = consented()
    schedule_id = given.schedule_id()
    given.run(log(schedule_id, date(2026, 5, 25), SessionOutcome.MISSED,
                  cause=MissedCause.PROVIDER_ABSENT))
    with pytest.raises(IllegalTransition, match="before the first missed session they make up"):
        given.run(c.DeliverCompensatory("comp-1", schedule_id,
                                        on(date(2026, 5, 22), date(2026, 6, 1)), 20, ""))
    (made_up,) = given.run(c.DeliverCompensatory(
        "comp-1", schedule_id, on(date(2026, 5, 27), date(2026, 6, 1)), 20, ""))
    assert (made_up.occurred_on, made_up.late_entry_reason) == (date(2026, 5, 27), None)
