"""What each deadline timer raises, as specifications: once, only while the deadline
stands, never for a deadline that moved or was met."""

from __future__ import annotations

from datetime import date

from iep_planning.domain import commands as c
from iep_planning.domain.commands import Deadline
from iep_planning.domain.events import (
    AnnualReviewDue,
    AnnualReviewOverdue,
    DisputeDeadlineApproaching,
    DisputeDeadlineOverdue,
    MeetingDeadlineApproaching,
    MeetingOverdue,
    ReevaluationDue,
    ReevaluationOverdue,
    ResolutionPeriodEnded,
)
from iep_planning.domain.values import DisputeDeadline, MeetingPurpose
from planning_specs import (
    IN_EFFECT,
    LUIS,
    MARIA,
    OPENED,
    RULES,
    draft,
    file,
    finalize,
    given,
    hold,
    on,
    schedule,
    story,
    when,
)

D = Deadline
MEETING_DUE = date(2026, 5, 15)
REVIEW_DUE = date(2027, 5, 10)


def fire(deadline: Deadline, due_on: date, today: date, **dispute: object) -> c.RaiseDeadline:
    return c.RaiseDeadline(deadline=deadline, due_on=due_on, today=today, rules=RULES,
                           **dispute)  # type: ignore[arg-type]


def raised_then_silent(history, command) -> list:
    """The events the command raises, checking that firing it again raises nothing."""
    events = when(given(*history), command)
    assert when(given(*history, *events), command) == []
    return events


def test_the_meeting_deadline_warns_a_week_ahead_once():
    (warning,) = raised_then_silent((OPENED,), fire(D.MEETING_APPROACHING, MEETING_DUE,
                                                    date(2026, 5, 8)))
    assert isinstance(warning, MeetingDeadlineApproaching)
    assert (warning.due_on, warning.days_remaining, warning.school_id) == (MEETING_DUE, 7,
                                                                           "sch-1")


def test_the_meeting_is_overdue_from_the_day_after_its_due_date_once():
    assert when(given(OPENED), fire(D.MEETING_OVERDUE, MEETING_DUE, MEETING_DUE)) == []
    (overdue,) = raised_then_silent((OPENED,), fire(D.MEETING_OVERDUE, MEETING_DUE,
                                                    date(2026, 5, 16)))
    assert isinstance(overdue, MeetingOverdue) and overdue.due_on == MEETING_DUE
    # A warning that fires late gives way to the overdue event.
    overdue_state = given(OPENED, overdue)
    assert when(overdue_state, fire(D.MEETING_APPROACHING, MEETING_DUE,
                                    date(2026, 5, 14))) == []


def test_no_meeting_deadline_is_raised_once_the_initial_meeting_is_held():
    held = story(schedule(), hold())
    assert when(given(*held), fire(D.MEETING_OVERDUE, MEETING_DUE, date(2026, 5, 16))) == []


def test_a_meeting_held_for_another_purpose_does_not_meet_the_initial_deadline():
    other = story(schedule(purposes=(MeetingPurpose.REEVALUATION_REVIEW,)), hold())
    assert when(given(*other), fire(D.MEETING_OVERDUE, MEETING_DUE, date(2026, 5, 16)))


def test_a_timer_set_for_another_due_date_raises_nothing():
    assert when(given(OPENED), fire(D.MEETING_OVERDUE, date(2026, 5, 20),
                                    date(2026, 6, 1))) == []


def test_the_annual_review_comes_due_before_the_plans_anniversary_then_overdue():
    (due,) = raised_then_silent(story(*IN_EFFECT), fire(D.REVIEW_DUE, REVIEW_DUE,
                                                        date(2027, 4, 10)))
    assert isinstance(due, AnnualReviewDue)
    assert (due.plan_id, due.version, due.plan_written_on, due.days_remaining) == (
        "p-1", 1, date(2026, 5, 10), 30)
    (overdue,) = raised_then_silent(story(*IN_EFFECT), fire(D.REVIEW_OVERDUE, REVIEW_DUE,
                                                            date(2027, 5, 11)))
    assert isinstance(overdue, AnnualReviewOverdue) and overdue.due_on == REVIEW_DUE


def test_a_new_plan_at_the_review_silences_the_old_plans_timers():
    review = schedule(meeting_id="m-2", purposes=(MeetingPurpose.ANNUAL_REVIEW,),
                      meeting_on=date(2027, 4, 20), today=date(2027, 4, 1))
    reviewed = story(*IN_EFFECT, review, hold(meeting_id="m-2", dated=on(date(2027, 4, 20))),
                     draft(plan_id="p-2"),
                     finalize(plan_id="p-2", meeting_id="m-2", dated=on(date(2027, 4, 20))))
    assert when(given(*reviewed), fire(D.REVIEW_OVERDUE, REVIEW_DUE, date(2027, 5, 11))) == []
    assert when(given(*reviewed), fire(D.REVIEW_OVERDUE, date(2028, 4, 20),
                                       date(2028, 4, 21)))


def test_after_consent_is_revoked_nothing_comes_due():
    revoked = story(*IN_EFFECT, c.RevokeConsent(guardian_id=MARIA, signed_on=date(2026, 6, 1),
                                                dated=on(date(2026, 6, 1))))
    assert when(given(*revoked), fire(D.REVIEW_OVERDUE, REVIEW_DUE, date(2027, 5, 11))) == []
    assert when(given(*revoked), fire(D.REEVALUATION_DUE, date(2029, 4, 15),
                                      date(2029, 1, 15))) == []


def test_the_reevaluation_comes_due_ninety_days_ahead_then_overdue():
    (due,) = raised_then_silent((OPENED,), fire(D.REEVALUATION_DUE, date(2029, 4, 15),
                                                date(2029, 1, 15)))
    assert isinstance(due, ReevaluationDue)
    assert (due.last_determined_on, due.days_remaining, due.guardian_ids) == (
        date(2026, 4, 15), 90, (MARIA, LUIS))
    (overdue,) = raised_then_silent((OPENED,), fire(D.REEVALUATION_OVERDUE, date(2029, 4, 15),
                                                    date(2029, 4, 16)))
    assert isinstance(overdue, ReevaluationOverdue)


def test_a_reevaluation_before_the_due_date_silences_the_old_timers():
    again = when(given(OPENED), c.OpenPlanning(
        case_id="case-1", student_id="S-1001", school_id="sch-1", evaluation_id="ev-2",
        determined_on=date(2029, 2, 1), categories=(), date_of_birth=None, guardians=(),
        rules=RULES))
    assert when(given(OPENED, *again), fire(D.REEVALUATION_OVERDUE, date(2029, 4, 15),
                                            date(2029, 4, 16))) == []


# -- dispute deadlines -------------------------------------------------------------------

def on_dispute(deadline: DisputeDeadline, kind: Deadline, due_on: date, today: date
               ) -> c.RaiseDeadline:
    return fire(kind, due_on, today, dispute_id="d-1", dispute_deadline=deadline)


PENDING = (*story(*IN_EFFECT), *when(given(*story(*IN_EFFECT)), file()))


def test_the_response_deadline_is_raised_approaching_then_overdue_once_each():
    (near,) = raised_then_silent(PENDING, on_dispute(
        DisputeDeadline.RESPONSE, D.DISPUTE_APPROACHING, date(2026, 9, 11), date(2026, 9, 8)))
    assert isinstance(near, DisputeDeadlineApproaching)
    assert (near.deadline, near.days_remaining) == (DisputeDeadline.RESPONSE, 3)
    (late,) = raised_then_silent(PENDING, on_dispute(
        DisputeDeadline.RESPONSE, D.DISPUTE_OVERDUE, date(2026, 9, 11), date(2026, 9, 12)))
    assert isinstance(late, DisputeDeadlineOverdue) and late.dispute_id == "d-1"


def test_a_met_dispute_deadline_raises_nothing():
    responded = story(c.SendDisputeResponse(
        dispute_id="d-1", explanation="e", options_considered=(), records_used=("r",),
        other_factors="", dated=on(date(2026, 9, 5))), start=PENDING)
    assert when(given(*responded), on_dispute(
        DisputeDeadline.RESPONSE, D.DISPUTE_OVERDUE, date(2026, 9, 11), date(2026, 9, 12))) == []


def test_thirty_days_unresolved_the_hearing_may_go_ahead_with_its_decision_due():
    end = on_dispute(DisputeDeadline.HEARING_DECISION, D.RESOLUTION_PERIOD_END,
                     date(2026, 10, 1), date(2026, 10, 1))
    assert when(given(*PENDING), end) == []  # the 30th day is still in the period
    later = on_dispute(DisputeDeadline.HEARING_DECISION, D.RESOLUTION_PERIOD_END,
                       date(2026, 10, 1), date(2026, 10, 2))
    (ended,) = raised_then_silent(PENDING, later)
    assert isinstance(ended, ResolutionPeriodEnded)
    assert (ended.ended_on, ended.hearing_decision_due_on) == (date(2026, 10, 1),
                                                               date(2026, 11, 15))
    (late,) = when(given(*PENDING, ended), on_dispute(
        DisputeDeadline.HEARING_DECISION, D.DISPUTE_OVERDUE, date(2026, 11, 15),
        date(2026, 11, 16)))
    assert late.deadline is DisputeDeadline.HEARING_DECISION


def test_a_waived_resolution_meeting_ends_no_resolution_period():
    waived = story(c.WaiveResolutionMeeting(dispute_id="d-1", dated=on(date(2026, 9, 5)),
                                            rules=RULES), start=PENDING)
    assert when(given(*waived), on_dispute(
        DisputeDeadline.HEARING_DECISION, D.RESOLUTION_PERIOD_END, date(2026, 10, 1),
        date(2026, 10, 2))) == []
    assert when(given(*waived), on_dispute(
        DisputeDeadline.RESOLUTION_MEETING, D.DISPUTE_OVERDUE, date(2026, 9, 16),
        date(2026, 9, 17))) == []
