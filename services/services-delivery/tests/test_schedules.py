"""Plans become schedules: with consent, amended from their date, replaced, stopped."""

from datetime import date

from delivery_specs import READING, SPEECH, Given, consent, consented, plan
from iep_services_delivery.domain import commands as c
from iep_services_delivery.domain.values import EndReason, Frequency, Period, PlanChange


def test_a_written_plan_waits_for_consent_then_each_service_becomes_a_schedule():
    given = Given()
    assert [type(e).__name__ for e in given.run(plan((READING, SPEECH)))] == ["PlanReceived"]
    assert given.state.schedules == {}
    events = given.run(consent(date(2026, 5, 12)))
    assert [type(e).__name__ for e in events] == ["PlanTookEffect", "ServiceScheduled",
                                                  "ServiceScheduled"]
    reading, speech = events[1], events[2]
    assert (reading.sessions_per_period, reading.period, reading.minutes_per_session) == (
        5, Period.WEEK, 45)
    assert (speech.sessions_per_period, speech.period, speech.starts_on, speech.ends_on) == (
        1, Period.WEEK, date(2026, 5, 18), date(2027, 5, 9))


def test_quarterly_reports_fall_due_every_three_months_through_the_annual_review():
    given = consented()
    (effect,) = given.of_type("PlanTookEffect")
    assert effect.report_dates == (date(2026, 8, 12), date(2026, 11, 12), date(2027, 2, 12),
                                   date(2027, 5, 10))


def test_a_redelivered_plan_or_consent_changes_nothing():
    given = consented()
    assert given.run(plan((SPEECH,)), consent()) == []


def test_an_amendment_changes_only_the_services_it_changes_from_its_date():
    given = consented(READING, SPEECH)
    reading_id = given.schedule_id("specially_designed_instruction")
    more_speech = SPEECH.model_copy(update={"minutes": 45})
    events = given.run(plan((READING, more_speech), version=2, change=PlanChange.AMENDED,
                            dated_on=date(2026, 9, 16)))
    names = [type(e).__name__ for e in events]
    assert names == ["PlanReceived", "PlanTookEffect", "ServiceEnded", "ServiceScheduled"]
    ended, scheduled = events[2], events[3]
    assert (ended.ended_on, ended.reason) == (date(2026, 9, 15), EndReason.PLAN_AMENDED)
    assert (scheduled.starts_on, scheduled.minutes_per_session) == (date(2026, 9, 16), 45)
    assert given.state.schedules[reading_id].ended_on is None  # unchanged: it continues
    # The reporting cycle continues from the plan's start.
    assert events[1].report_dates == given.of_type("PlanTookEffect")[0].report_dates


def test_a_new_plan_without_consent_needed_replaces_every_schedule():
    given = consented(SPEECH)
    events = given.run(plan((SPEECH,), plan_id="plan-2", dated_on=date(2027, 5, 5),
                            consent_required=False))
    assert [type(e).__name__ for e in events] == ["PlanReceived", "PlanTookEffect",
                                                  "ServiceEnded", "ServiceScheduled"]
    assert events[2].reason is EndReason.PLAN_REPLACED
    assert events[2].ended_on == date(2027, 5, 4)


def test_notice_after_revoked_consent_stops_every_service_once():
    given = consented(READING, SPEECH)
    stop = c.StopServices(stop_on=date(2026, 10, 1), reason=EndReason.CONSENT_REVOKED)
    events = given.run(stop)
    assert [type(e).__name__ for e in events] == ["ServiceEnded", "ServiceEnded",
                                                  "ServicesStopped"]
    assert {e.ended_on for e in events[:2]} == {date(2026, 9, 30)}
    assert given.run(stop) == []  # the notice to a second guardian


def test_a_schedule_ends_on_its_planned_end_date():
    given = consented(SPEECH)
    schedule_id = given.schedule_id()
    (ended,) = given.run(c.EndSchedule(schedule_id))
    assert (ended.ended_on, ended.reason) == (date(2027, 5, 9), EndReason.SCHEDULE_ENDED)
    assert given.run(c.EndSchedule(schedule_id)) == []


def test_monthly_services_are_counted_by_calendar_month():
    monthly = SPEECH.model_copy(update={"frequency": Frequency.MONTHLY})
    given = consented(monthly)
    (scheduled,) = given.of_type("ServiceScheduled")
    assert (scheduled.sessions_per_period, scheduled.period) == (1, Period.MONTH)
