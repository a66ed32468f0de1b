"""Goal observations, progress reports due, issued with a status, overdue."""

from datetime import date

import pytest
from delivery_specs import consented, log, on
from iep_kernel.decider import IllegalTransition
from iep_services_delivery.domain import commands as c
from iep_services_delivery.domain.progress import first_number, goal_status
from iep_services_delivery.domain.values import GoalStatus, MissedCause, SessionOutcome

DUE = date(2026, 8, 12)


def observe(value: float, day: date, goal_id: str = "g1") -> c.ObserveProgress:
    return c.ObserveProgress(f"obs-{day}-{goal_id}", goal_id, on(day), value, "probe")


def test_the_status_rule():
    assert goal_status(40, 90, [], 0.25) is GoalStatus.NOT_ON_TRACK
    assert goal_status(40, 90, [50, 55], 0.25) is GoalStatus.ON_TRACK  # 30% of the way
    assert goal_status(40, 90, [45], 0.5) is GoalStatus.SOME_PROGRESS
    assert goal_status(40, 90, [38], 0.5) is GoalStatus.NOT_ON_TRACK
    assert goal_status(40, 90, [91], 0.5) is GoalStatus.MET
    assert goal_status(10, 2, [4], 0.5) is GoalStatus.ON_TRACK  # a goal that goes down
    assert goal_status(None, None, [3, 5], 0.5) is GoalStatus.SOME_PROGRESS
    assert first_number("40 words a minute") == 40 and first_number("most days") is None


def test_an_observation_names_a_goal_of_the_plan():
    given = consented()
    (observed,) = given.run(observe(48, date(2026, 6, 1)))
    assert (observed.goal_id, observed.value, observed.version) == ("g1", 48, 1)
    with pytest.raises(IllegalTransition, match="no goal g7"):
        given.run(observe(1, date(2026, 6, 1), "g7"))
    with pytest.raises(IllegalTransition, match="before the start of the plan in effect"):
        given.run(observe(1, date(2026, 5, 1)))


def test_a_report_falls_due_once_is_issued_with_each_goal_and_the_minutes():
    given = consented()
    schedule_id = given.schedule_id()
    given.run(log(schedule_id, date(2026, 5, 18)),
              log(schedule_id, date(2026, 5, 25), SessionOutcome.MISSED,
                  cause=MissedCause.PROVIDER_ABSENT),
              observe(45, date(2026, 6, 1)), observe(55, date(2026, 7, 20)))
    (due,) = given.run(c.RaiseReportDue(DUE))
    assert (due.period_starts_on, due.guardian_ids) == (date(2026, 5, 12), ("g-1",))
    assert given.run(c.RaiseReportDue(DUE)) == []
    assert given.run(c.RaiseReportDue(date(2026, 8, 13))) == []  # not a reporting date
    (issued,) = given.run(c.IssueReport(None, on(date(2026, 8, 12))))
    (goal,) = issued.goals
    assert (goal.baseline_value, goal.target_value, goal.latest_value) == (40, 90, 55)
    assert [m.value for m in goal.observations] == [45, 55]
    assert goal.status is GoalStatus.ON_TRACK  # 30% of the way, 25% of the year
    (speech,) = issued.services
    assert (speech.minutes_delivered, speech.minutes_missed, speech.compensatory_owed) == (
        30, 30, 30)
    assert issued.late is False
    with pytest.raises(IllegalTransition, match="already issued"):
        given.run(c.IssueReport(due.report_id, on(date(2026, 8, 13))))


def test_no_report_can_be_issued_before_one_is_due():
    given = consented()
    with pytest.raises(IllegalTransition, match="next is due on August 12, 2026"):
        given.run(c.IssueReport(None, on(date(2026, 6, 1))))


def test_an_unissued_report_is_overdue_once():
    given = consented()
    (due,) = given.run(c.RaiseReportDue(DUE))
    (overdue,) = given.run(c.RaiseReportOverdue(due.report_id))
    assert overdue.due_on == DUE
    assert given.run(c.RaiseReportOverdue(due.report_id)) == []


def test_an_issued_report_is_never_overdue():
    given = consented()
    (due,) = given.run(c.RaiseReportDue(DUE))
    given.run(c.IssueReport(due.report_id, on(DUE)))
    assert given.run(c.RaiseReportOverdue(due.report_id)) == []


def test_a_report_is_dated_the_day_it_went_out_not_before_its_period_and_late_by_that_day():
    given = consented()
    (due,) = given.run(c.RaiseReportDue(DUE))
    with pytest.raises(IllegalTransition, match="before the start of the period it reports on"):
        given.run(c.IssueReport(due.report_id, on(date(2026, 5, 11), date(2026, 8, 20))))
    (issued,) = given.run(c.IssueReport(due.report_id, on(DUE, date(2026, 8, 20))))
    assert (issued.issued_on, issued.occurred_on, issued.late) == (DUE, DUE, False)
