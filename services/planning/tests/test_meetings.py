"""Opening the case and the IEP meeting, as specifications: given these events, when this
command, then these events or this refusal."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest
from iep_kernel.decider import IllegalTransition, NotFound
from iep_planning.domain import commands as c
from iep_planning.domain.events import (
    EligibilityRedetermined,
    MeetingHeld,
    MeetingNoticeIssued,
    MeetingRescheduled,
    MeetingScheduled,
    MemberExcused,
)
from iep_planning.domain.rules import PlanningRules
from iep_planning.domain.values import ContactMethod, MeetingPurpose, TeamRole
from planning_specs import (
    DETERMINED,
    FULL_TEAM,
    GUARDIANS,
    LUIS,
    MARIA,
    MEETING_DAY,
    OPENED,
    PARENT,
    PLAN_WRITTEN,
    PRINCIPAL,
    PSYCHOLOGIST,
    RULES,
    SPECIAL_EDUCATOR,
    TEACHER,
    given,
    hold,
    of_type,
    on,
    schedule,
    story,
    when,
)

R = TeamRole


def open_planning(**changes: object) -> c.OpenPlanning:
    return replace(c.OpenPlanning(
        case_id="case-1", student_id="S-1001", school_id="sch-1", evaluation_id="ev-1",
        determined_on=DETERMINED, categories=("specific_learning_disability",),
        date_of_birth=date(2018, 9, 14), guardians=GUARDIANS, rules=RULES), **changes)


def excuse(role: TeamRole = R.REGULAR_EDUCATION_TEACHER, **changes: object) -> c.ExcuseMember:
    return replace(c.ExcuseMember(
        meeting_id="m-1", role=role, guardian_id=MARIA, area_discussed=False,
        written_input_on=None, dated=on(date(2026, 5, 8))), **changes)


def attempt(day: date, method: ContactMethod = ContactMethod.PHONE_CALL
            ) -> c.RecordContactAttempt:
    return c.RecordContactAttempt(meeting_id="m-1", method=method, note="no answer",
                                  dated=on(day, date(2026, 5, 9)))


# -- opening the case --------------------------------------------------------------------

def test_an_eligible_determination_opens_the_case_with_the_meeting_due_in_30_days():
    (opened,) = when(given(), open_planning())
    assert opened == OPENED
    assert (opened.meeting_due_on, opened.reevaluation_due_on) == (date(2026, 5, 15),
                                                                   date(2029, 4, 15))


def test_the_same_determination_delivered_again_opens_nothing_more():
    assert when(given(OPENED), open_planning()) == []


def test_a_reevaluations_determination_starts_the_three_years_again():
    (again,) = when(given(OPENED), open_planning(evaluation_id="ev-2",
                                                 determined_on=date(2029, 3, 1)))
    assert isinstance(again, EligibilityRedetermined)
    assert again.reevaluation_due_on == date(2032, 3, 1)
    state = given(OPENED, again)
    assert state.reevaluation_due_on == date(2032, 3, 1)
    assert when(state, open_planning(evaluation_id="ev-0",
                                     determined_on=date(2027, 1, 1))) == []


def test_a_command_on_a_case_never_opened_is_not_found():
    with pytest.raises(NotFound, match="no such planning case"):
        when(given(), schedule())


# -- scheduling --------------------------------------------------------------------------

def test_scheduling_sends_each_guardian_a_notice_in_their_language_with_every_element():
    scheduled, *notices = when(given(OPENED), schedule())
    assert isinstance(scheduled, MeetingScheduled)
    assert (scheduled.purposes, scheduled.student_invited) == (
        (MeetingPurpose.INITIAL_PLAN,), False)
    assert [(n.guardian_id, n.language) for n in notices] == [(MARIA, "es"), (LUIS, "en")]
    first = notices[0]
    assert isinstance(first, MeetingNoticeIssued)
    assert (first.purposes, first.meeting_on, first.starts_at, first.location) == (
        (MeetingPurpose.INITIAL_PLAN,), MEETING_DAY, time(9, 30),
        "Lincoln Elementary, room 12")
    assert first.attending == FULL_TEAM[1:]
    assert "other people who have knowledge" in first.right_to_bring_others
    assert first.transition_statement is None
    assert [n.notice_id for n in notices] == ["case-1/notice-1", "case-1/notice-2"]


def test_a_meeting_in_the_past_is_refused():
    with pytest.raises(IllegalTransition, match="April 30, 2026 is in the past; schedule"):
        when(given(OPENED), schedule(meeting_on=date(2026, 4, 30)))


def test_a_state_notice_period_refuses_a_meeting_too_soon():
    ten_days = PlanningRules(meeting_notice_days=10)
    with pytest.raises(IllegalTransition) as refused:
        when(given(OPENED), schedule(rules=ten_days, meeting_on=date(2026, 5, 8)))
    assert str(refused.value) == (
        "The meeting on May 8, 2026 leaves the parents less than ten days of notice (34 CFR "
        "300.322(a)); schedule it on or after May 11, 2026.")


def test_a_student_turning_16_within_the_plan_is_invited_and_transition_is_a_purpose():
    sixteen_next_spring = OPENED.model_copy(update={"date_of_birth": date(2011, 5, 10)})
    scheduled, first, _ = when(given(sixteen_next_spring), schedule())
    assert scheduled.purposes == (MeetingPurpose.INITIAL_PLAN, MeetingPurpose.TRANSITION)
    assert scheduled.student_invited and first.student_invited
    assert "postsecondary goals" in first.transition_statement
    fifteen_then = OPENED.model_copy(update={"date_of_birth": date(2011, 5, 11)})
    assert not when(given(fifteen_then), schedule())[0].student_invited


@pytest.mark.parametrize("purposes, refusal", [
    ((MeetingPurpose.ANNUAL_REVIEW,), "There is no written plan yet for a meeting about "
                                      "annual review"),
    ((MeetingPurpose.RESOLUTION,), "A resolution meeting is held on a pending due process"),
])
def test_a_meeting_for_a_purpose_the_case_cannot_have_yet_is_refused(purposes, refusal):
    with pytest.raises(IllegalTransition, match=refusal):
        when(given(OPENED), schedule(purposes=purposes))


def test_a_second_initial_plan_meeting_is_refused_once_the_plan_is_written():
    with pytest.raises(IllegalTransition, match="The initial plan was already written on "
                                                "May 10, 2026"):
        when(given(*story(*PLAN_WRITTEN)), schedule(meeting_id="m-2",
                                                    meeting_on=date(2026, 6, 1)))


def test_rescheduling_keeps_the_earlier_schedule_and_notifies_each_guardian_again():
    history = story(schedule())
    moved, *notices = when(given(*history), c.RescheduleMeeting(
        meeting_id="m-1", meeting_on=date(2026, 5, 12), starts_at=time(15), location="Library",
        reason="the parent works mornings", today=date(2026, 5, 2), rules=RULES))
    assert isinstance(moved, MeetingRescheduled)
    assert [(n.meeting_on, n.rescheduled) for n in notices] == [(date(2026, 5, 12), True)] * 2
    meeting = given(*history, moved).meeting("m-1")
    assert meeting.scheduled.meeting_on == MEETING_DAY  # the history is kept
    assert (meeting.meeting_on, meeting.location) == (date(2026, 5, 12), "Library")


def test_a_held_meeting_cannot_be_rescheduled():
    with pytest.raises(IllegalTransition, match="This meeting was held on May 10, 2026"):
        when(given(*story(schedule(), hold())), c.RescheduleMeeting(
            meeting_id="m-1", meeting_on=date(2026, 6, 1), starts_at=time(9), location="x",
            reason="r", today=MEETING_DAY, rules=RULES))


# -- holding: the team (300.321) and the parents (300.322(d)) ----------------------------

def test_a_meeting_with_the_full_team_is_held_on_its_date():
    (held,) = when(given(*story(schedule())), hold())
    assert isinstance(held, MeetingHeld)
    assert (held.held_on, held.parent_attended, held.attendees) == (MEETING_DAY, True,
                                                                    FULL_TEAM)


def test_one_person_may_hold_several_roles():
    both = PRINCIPAL.model_copy(update={"roles": (R.DISTRICT_REPRESENTATIVE,
                                              R.EVALUATION_INTERPRETER)})
    assert when(given(*story(schedule())),
                hold(attendees=(PARENT, TEACHER, SPECIAL_EDUCATOR, both)))


def test_holding_without_required_members_names_exactly_what_is_missing():
    with pytest.raises(IllegalTransition) as refused:
        when(given(*story(schedule())), hold(attendees=(PARENT, SPECIAL_EDUCATOR, PRINCIPAL)))
    assert str(refused.value) == (
        "The meeting cannot be recorded as held. It lacks a regular education teacher and "
        "someone who can interpret the evaluation results (34 CFR 300.321(a)): add them to "
        "the attendees, or record each one's excusal with the parent's written agreement "
        "(300.321(e)).")


def test_an_excused_member_need_not_attend():
    history = story(schedule(), excuse())
    (excused,) = of_type(history, MemberExcused)
    assert (excused.role, excused.guardian_id) == (R.REGULAR_EDUCATION_TEACHER, MARIA)
    (held,) = when(given(*history), hold(attendees=(PARENT, SPECIAL_EDUCATOR, PRINCIPAL,
                                                    PSYCHOLOGIST)))
    assert held.excused_roles == (R.REGULAR_EDUCATION_TEACHER,)


def test_when_their_area_is_discussed_an_excused_member_gives_written_input_before_the_meeting():
    with pytest.raises(IllegalTransition, match="written input goes to the parent and the "
                                                "team before the meeting on May 10, 2026"):
        when(given(*story(schedule())), excuse(area_discussed=True))
    with pytest.raises(IllegalTransition, match="written input"):
        when(given(*story(schedule())), excuse(area_discussed=True,
                                               written_input_on=date(2026, 5, 11)))
    (excused,) = when(given(*story(schedule())), excuse(area_discussed=True,
                                                        written_input_on=date(2026, 5, 7)))
    assert excused.written_input_on == date(2026, 5, 7)


def test_an_excusal_is_agreed_by_a_recorded_guardian_before_the_meeting():
    with pytest.raises(IllegalTransition, match="g-aunt is not a recorded guardian"):
        when(given(*story(schedule())), excuse(guardian_id="g-aunt"))
    with pytest.raises(IllegalTransition, match="after the meeting on May 10, 2026"):
        when(given(*story(schedule())), excuse(dated=on(date(2026, 5, 11))))


def test_a_parent_cannot_be_excused():
    with pytest.raises(IllegalTransition, match="Only a required member other than the "
                                                "parents may be excused"):
        when(given(*story(schedule())), excuse(role=R.PARENT))


def test_without_a_parent_the_meeting_goes_ahead_only_after_two_recorded_attempts():
    no_parent = FULL_TEAM[1:]
    with pytest.raises(IllegalTransition) as refused:
        when(given(*story(schedule(), attempt(date(2026, 5, 2)))), hold(attendees=no_parent))
    assert str(refused.value) == (
        "The meeting cannot be recorded as held. No parent attended, and one attempt to "
        "arrange the meeting with the parents is recorded: a meeting goes ahead without them "
        "only after at least two attempts recorded with their dates and methods, such as "
        "calls, letters or visits (34 CFR 300.322(d)).")
    history = story(schedule(), attempt(date(2026, 5, 2)),
                    attempt(date(2026, 5, 6), ContactMethod.LETTER))
    (held,) = when(given(*history), hold(attendees=no_parent))
    assert (held.parent_attended, held.contact_attempts) == (False, 2)


def test_a_missing_parent_and_a_missing_member_are_named_together():
    with pytest.raises(IllegalTransition) as refused:
        when(given(*story(schedule())), hold(attendees=FULL_TEAM[2:]))
    assert "It lacks a regular education teacher" in str(refused.value)
    assert "No parent attended, and no attempts" in str(refused.value)


def test_a_meeting_is_not_held_before_it_was_scheduled():
    with pytest.raises(IllegalTransition, match=r"^The meeting is dated April 30, 2026, before "
                                                r"the day it was scheduled and the parents "
                                                r"given notice on May 1, 2026"):
        when(given(*story(schedule())), hold(dated=on(date(2026, 4, 30))))


def test_a_meeting_moved_up_is_recorded_on_the_day_it_was_held():
    (held, *_) = when(given(*story(schedule())), hold(dated=on(date(2026, 5, 9))))
    assert held.held_on == date(2026, 5, 9)  # type: ignore[attr-defined]


def test_a_meeting_is_held_once():
    with pytest.raises(IllegalTransition, match="it is held once"):
        when(given(*story(schedule(), hold())), hold())


def test_an_unknown_meeting_is_not_found():
    with pytest.raises(NotFound, match="no such meeting"):
        when(given(OPENED), hold())

