"""The written plan, consent to services, versions, amendments and stay-put, as
specifications: given these events, when this command, then these events or this refusal."""

from __future__ import annotations

from datetime import date

import pytest
from iep_kernel.decider import IllegalTransition
from iep_planning.domain import commands as c
from iep_planning.domain.events import (
    ConsentToServicesGiven,
    ConsentToServicesRefused,
    ConsentToServicesRevoked,
    PlanAmended,
    PlanWritten,
    PriorWrittenNoticeIssued,
    ReevaluationWaived,
)
from iep_planning.domain.rules import PlanningRules
from iep_planning.domain.values import (
    AmendmentMethod,
    Goal,
    MeetingPurpose,
    NoticeAction,
    NoticeContent,
    PlanContent,
    ProgressSchedule,
    TimeOutsideRegularClass,
    Transition,
    WrittenAgreement,
)
from planning_specs import (
    CONTENT,
    IN_EFFECT,
    LUIS,
    MARIA,
    NOTICE,
    OPENED,
    PLAN_WRITTEN,
    READING,
    RULES,
    consent,
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

REVOKED_ON = date(2026, 10, 1)


def revoke(**changes: object) -> c.RevokeConsent:
    values = {"guardian_id": LUIS, "signed_on": REVOKED_ON, "dated": on(REVOKED_ON), **changes}
    return c.RevokeConsent(**values)  # type: ignore[arg-type]


def older(born: date):
    return OPENED.model_copy(update={"date_of_birth": born})


# -- finalizing the plan (300.320, 300.324) ----------------------------------------------

def test_a_plan_finalized_at_a_held_meeting_is_written_whole_with_notice_to_each_guardian():
    written, *notices = when(given(*story(schedule(), hold(), draft())), finalize())
    assert isinstance(written, PlanWritten)
    assert (written.plan_id, written.version, written.meeting_id) == ("p-1", 1, "m-1")
    assert (written.written_on, written.review_due_on) == (date(2026, 5, 10),
                                                           date(2027, 5, 10))
    assert written.content == CONTENT and written.consent_required
    assert written.guardian_ids == (MARIA, LUIS)
    assert [(n.guardian_id, n.language, n.action) for n in notices] == [
        (MARIA, "es", NoticeAction.INITIATE_SERVICES),
        (LUIS, "en", NoticeAction.INITIATE_SERVICES)]
    notice = notices[0]
    assert isinstance(notice, PriorWrittenNoticeIssued)
    assert (notice.plan_id, notice.version, notice.reasons) == ("p-1", 1, NOTICE.reasons)
    assert "procedural safeguards" in notice.safeguards_statement
    assert "only after you consent in writing" in notice.action_description


def test_finalizing_a_plan_names_every_part_it_lacks():
    partial = PlanContent(present_levels=CONTENT.present_levels, services=CONTENT.services,
                          annual_goals=())
    with pytest.raises(IllegalTransition) as refused:
        when(given(*story(schedule(), hold(), draft(content=partial))), finalize())
    assert str(refused.value) == (
        "The plan cannot be finalized: it lacks supplementary aids and accommodations "
        "(300.320(a)(4)), program modifications (300.320(a)(4)), the extent of time outside "
        "the regular class, with the explanation (300.320(a)(5)), testing accommodations "
        "(300.320(a)(6)) and at least one measurable annual goal (300.320(a)(2)).")


def test_time_outside_the_regular_class_is_explained():
    unexplained = CONTENT.model_copy(update={"time_outside_regular_class":
                                             TimeOutsideRegularClass(minutes_per_week=60,
                                                                     explanation=" ")})
    with pytest.raises(IllegalTransition, match="lacks the explanation of the time outside"):
        when(given(*story(schedule(), hold(), draft(content=unexplained))), finalize())


def test_a_plan_is_finalized_only_at_a_held_meeting():
    with pytest.raises(IllegalTransition, match="the meeting on May 10, 2026 is not recorded "
                                                "as held; record it as held first"):
        when(given(*story(schedule(), draft())), finalize())


def test_a_meeting_writes_one_plan_and_a_finalized_draft_is_closed():
    history = story(*PLAN_WRITTEN, draft(plan_id="p-2"))
    with pytest.raises(IllegalTransition, match="A plan was already written at the meeting"):
        when(given(*history), finalize(plan_id="p-2"))
    with pytest.raises(IllegalTransition, match="its draft is closed; amend the plan"):
        when(given(*history), c.ReviseDraft(plan_id="p-1", content=CONTENT,
                                            today=date(2026, 5, 11)))
    with pytest.raises(IllegalTransition, match="already finalized"):
        when(given(*history), finalize())


def test_a_draft_is_revised_until_it_is_finalized():
    (revised,) = when(given(*story(draft(content=PlanContent()))), c.ReviseDraft(
        plan_id="p-1", content=CONTENT, today=date(2026, 5, 6)))
    assert revised.content == CONTENT
    assert given(*story(draft(content=PlanContent())), revised).draft("p-1").revisions == 1


def test_the_plan_in_effect_when_the_student_turns_16_has_transition_goals_and_services():
    turns_16 = older(date(2011, 3, 1))  # 16 on 1 March 2027, within the plan's year
    history = story(schedule(), hold(), draft(), start=(turns_16,))
    with pytest.raises(IllegalTransition, match=r"it lacks transition goals and services "
                                                r"\(300.320\(b\)\)\.$"):
        when(given(*history), finalize())
    transition = Transition(postsecondary_goals=("Community college",),
                            services=("Career exploration course",))
    with_transition = CONTENT.model_copy(update={"transition": transition})
    history = story(schedule(), hold(), draft(content=with_transition), start=(turns_16,))
    assert isinstance(when(given(*history), finalize())[0], PlanWritten)


def test_a_year_before_the_age_of_majority_the_plan_states_the_rights_transfer():
    turns_17 = older(date(2010, 3, 1))
    transition = Transition(postsecondary_goals=("Work",), services=("Job coaching",))
    content = CONTENT.model_copy(update={"transition": transition})
    history = story(schedule(), hold(), draft(content=content), start=(turns_17,))
    with pytest.raises(IllegalTransition, match="told their rights transfer at the age of "
                                                "majority"):
        when(given(*history), finalize())
    # A state where majority comes at 19 needs the statement only from 18.
    assert when(given(*history), finalize(rules=PlanningRules(age_of_majority=19)))
    informed = content.model_copy(update={"rights_transfer_informed_on": date(2026, 5, 10)})
    history = story(schedule(), hold(), draft(content=informed), start=(turns_17,))
    assert isinstance(when(given(*history), finalize())[0], PlanWritten)


def test_an_incomplete_prior_written_notice_is_refused_naming_its_missing_elements():
    bare = NoticeContent(reasons=" ", records_used=(), options_considered=(),
                         sources_of_help=("a parent center",))
    with pytest.raises(IllegalTransition) as refused:
        when(given(*story(schedule(), hold(), draft())), finalize(notice=bare))
    assert str(refused.value) == (
        "The prior written notice is missing why the district proposes this; each "
        "evaluation, record or report the proposal rests on; the other options considered "
        "and why they were rejected (34 CFR 300.503(b)).")


# -- consent to services (300.300(b)) ----------------------------------------------------

def test_a_recorded_guardians_consent_puts_the_plan_in_effect():
    state = given(*story(*PLAN_WRITTEN))
    assert (state.status, state.in_effect) == ("awaiting_consent", None)
    (given_,) = when(state, consent())
    assert isinstance(given_, ConsentToServicesGiven)
    assert (given_.guardian_id, given_.plan_id, given_.version) == (MARIA, "p-1", 1)
    after = given(*story(*PLAN_WRITTEN), given_)
    assert after.status == "in_effect" and after.in_effect.number == 1


def test_only_a_recorded_guardian_consents_to_services():
    with pytest.raises(IllegalTransition, match="g-neighbour is not a recorded guardian of "
                                                "this student; only a parent or guardian"):
        when(given(*story(*PLAN_WRITTEN)), consent(guardian_id="g-neighbour"))


def test_consent_comes_after_a_plan_is_written():
    with pytest.raises(IllegalTransition, match="No plan has been written yet"):
        when(given(*story(schedule(), hold(), draft())), consent())
    with pytest.raises(IllegalTransition, match="before the plan was written on May 10"):
        when(given(*story(*PLAN_WRITTEN)), consent(signed_on=date(2026, 5, 9)))


def test_a_refusal_leaves_no_plan_in_effect_and_the_parent_may_consent_later():
    refused = story(*PLAN_WRITTEN, consent(given=False))
    assert isinstance(refused[-1], ConsentToServicesRefused)
    assert given(*refused).status == "consent_refused"
    with pytest.raises(IllegalTransition, match="refusal signed on May 12, 2026 is already"):
        when(given(*refused), consent(given=False))
    assert isinstance(when(given(*refused), consent(dated=on(date(2026, 5, 20))))[0],
                      ConsentToServicesGiven)


def test_consent_is_given_once_and_withdrawn_by_revoking_it():
    with pytest.raises(IllegalTransition, match="revokes consent in writing"):
        when(given(*story(*IN_EFFECT)), consent(given=False))


def test_a_revocation_stops_services_only_after_prior_written_notice():
    revoked = story(*IN_EFFECT, revoke())
    assert isinstance(revoked[-1], ConsentToServicesRevoked)
    state = given(*revoked)
    assert (state.status, state.services_stop_on) == ("consent_revoked", None)
    notices = when(state, c.GiveNoticeOfServicesStopping(notice=NOTICE, dated=on(REVOKED_ON),
                                                         rules=RULES))
    assert [(n.guardian_id, n.action, n.effective_on) for n in notices] == [
        (MARIA, NoticeAction.STOP_SERVICES, date(2026, 10, 11)),
        (LUIS, NoticeAction.STOP_SERVICES, date(2026, 10, 11))]
    with pytest.raises(IllegalTransition, match="services stop on October 11, 2026"):
        when(given(*revoked, *notices), c.GiveNoticeOfServicesStopping(
            notice=NOTICE, dated=on(REVOKED_ON), rules=RULES))


def test_services_cannot_stop_without_a_revocation_nor_be_revoked_without_consent():
    with pytest.raises(IllegalTransition, match="no revocation is recorded"):
        when(given(*story(*IN_EFFECT)), c.GiveNoticeOfServicesStopping(
            notice=NOTICE, dated=on(REVOKED_ON), rules=RULES))
    with pytest.raises(IllegalTransition, match="there is no consent to revoke"):
        when(given(*story(*PLAN_WRITTEN)), revoke())


def test_after_a_revocation_the_plan_is_neither_amended_nor_rewritten():
    with pytest.raises(IllegalTransition, match="revoked consent to services on October 1, "
                                                "2026, so the district no longer provides"):
        when(given(*story(*IN_EFFECT, revoke())), amend_goals())


# -- versions and amendments (300.324(a)(4), (6)) ----------------------------------------

def amend_goals(**changes: object) -> c.AmendPlan:
    goal = Goal(area="writing", statement="Write a paragraph", baseline="one sentence",
                target="five sentences", measured_by="writing samples",
                progress_reports=ProgressSchedule.QUARTERLY)
    values = {"changes": PlanContent(annual_goals=(*CONTENT.annual_goals, goal)),
              "method": AmendmentMethod.WRITTEN_AGREEMENT, "meeting_id": None,
              "agreement": WrittenAgreement(guardian_id=MARIA, signed_on=date(2026, 9, 1)),
              "notice": NOTICE, "stay_put_agreement": None, "dated": on(date(2026, 9, 2)),
              "rules": RULES, **changes}
    return c.AmendPlan(**values)  # type: ignore[arg-type]


def drop_speech(**changes: object) -> c.AmendPlan:
    return amend_goals(**{"changes": PlanContent(services=(READING,)), **changes})


def test_an_amendment_by_written_agreement_is_a_new_version_and_the_old_one_is_kept():
    amended, *notices = when(given(*story(*IN_EFFECT)), drop_speech())
    assert isinstance(amended, PlanAmended)
    assert (amended.version, amended.amends_version, amended.changed_parts) == (
        2, 1, ("services",))
    assert amended.content.services == (READING,)
    assert amended.content.annual_goals == CONTENT.annual_goals  # the rest is unchanged
    assert [n.action for n in notices] == [NoticeAction.CHANGE_PLAN] * 2
    state = given(*story(*IN_EFFECT), amended, *notices)
    assert [v.number for v in state.versions] == [1, 2]
    assert state.versions[0].content == CONTENT and state.in_effect.number == 2


def test_an_amendment_without_a_meeting_needs_the_parents_written_agreement():
    with pytest.raises(IllegalTransition, match="needs the parent's and the district's "
                                                "written agreement"):
        when(given(*story(*IN_EFFECT)), drop_speech(agreement=None))


def test_an_amendment_by_the_team_is_agreed_at_a_held_meeting():
    amendment_meeting = schedule(meeting_id="m-2", purposes=(MeetingPurpose.AMENDMENT,),
                                 meeting_on=date(2026, 9, 2), today=date(2026, 8, 25))
    history = story(*IN_EFFECT, amendment_meeting)
    by_team = drop_speech(method=AmendmentMethod.TEAM_MEETING, meeting_id="m-2")
    with pytest.raises(IllegalTransition, match="is not recorded as held; an amendment by "
                                                "the team"):
        when(given(*history), by_team)
    history = story(*IN_EFFECT, amendment_meeting,
                    hold(meeting_id="m-2", dated=on(date(2026, 9, 2))))
    (amended, *_) = when(given(*history), by_team)
    assert (amended.method, amended.meeting_id, amended.agreement) == (
        AmendmentMethod.TEAM_MEETING, "m-2", None)


def test_an_amendment_that_changes_nothing_is_refused():
    with pytest.raises(IllegalTransition, match="changes nothing"):
        when(given(*story(*IN_EFFECT)), drop_speech(changes=PlanContent(
            services=CONTENT.services)))


def test_there_is_no_amending_before_the_plan_is_in_effect():
    with pytest.raises(IllegalTransition, match="There is no plan in effect to amend"):
        when(given(*story(*PLAN_WRITTEN)), drop_speech())


# -- stay put (300.518) ------------------------------------------------------------------

def test_while_a_due_process_complaint_is_pending_a_change_of_services_is_refused():
    pending = story(*IN_EFFECT, file())
    with pytest.raises(IllegalTransition) as refused:
        when(given(*pending), drop_speech())
    assert str(refused.value) == (
        "A due process complaint filed on September 1, 2026 (dispute d-1) is pending, and "
        "while it is pending the child stays in the current placement with the current "
        "services (34 CFR 300.518). This amendment changes the services: record the "
        "parent's and the district's written agreement to the change, or wait until the "
        "complaint is resolved.")


def test_a_change_of_placement_is_refused_too_and_named():
    more_time = PlanContent(time_outside_regular_class=TimeOutsideRegularClass(
        minutes_per_week=600, explanation="Most of the day in a special class"))
    with pytest.raises(IllegalTransition, match="This amendment changes the placement "
                                                r"\(time outside the regular class\)"):
        when(given(*story(*IN_EFFECT, file())), drop_speech(changes=more_time))


def test_with_the_parents_written_agreement_the_change_goes_ahead_while_pending():
    agreed = WrittenAgreement(guardian_id=MARIA, signed_on=date(2026, 9, 2))
    (amended, *_) = when(given(*story(*IN_EFFECT, file())),
                         drop_speech(stay_put_agreement=agreed))
    assert amended.stay_put_agreement == agreed


def test_a_change_that_leaves_placement_and_services_alone_goes_ahead_while_pending():
    (amended, *_) = when(given(*story(*IN_EFFECT, file())), amend_goals())
    assert amended.changed_parts == ("annual_goals",)


def test_a_new_plan_at_the_annual_review_is_held_to_stay_put_as_well():
    review = schedule(meeting_id="m-2", purposes=(MeetingPurpose.ANNUAL_REVIEW,),
                      meeting_on=date(2026, 9, 10), today=date(2026, 9, 2))
    fewer = CONTENT.model_copy(update={"services": (READING,)})
    history = story(*IN_EFFECT, file(), review, hold(meeting_id="m-2", dated=on(date(2026, 9, 10))),
                    draft(plan_id="p-2", content=fewer))
    with pytest.raises(IllegalTransition, match="This new plan changes the services"):
        when(given(*history), finalize(plan_id="p-2", meeting_id="m-2",
                                       dated=on(date(2026, 9, 10))))


def test_once_the_complaint_is_withdrawn_the_change_goes_ahead():
    withdrawn = story(*IN_EFFECT, file(), c.WithdrawDispute(
        dispute_id="d-1", guardian_id=MARIA, dated=on(date(2026, 9, 2))))
    assert isinstance(when(given(*withdrawn), drop_speech())[0], PlanAmended)


# -- annual review and reevaluation ------------------------------------------------------

def test_a_later_plan_needs_no_new_consent_and_resets_the_annual_review():
    review = schedule(meeting_id="m-2", purposes=(MeetingPurpose.ANNUAL_REVIEW,),
                      meeting_on=date(2027, 4, 20), today=date(2027, 4, 1))
    history = story(*IN_EFFECT, review, hold(meeting_id="m-2", dated=on(date(2027, 4, 20))),
                    draft(plan_id="p-2"))
    written, *notices = when(given(*history), finalize(plan_id="p-2", meeting_id="m-2",
                                                       dated=on(date(2027, 4, 20))))
    assert (written.version, written.consent_required, written.review_due_on) == (
        2, False, date(2028, 4, 20))
    assert notices[0].action is NoticeAction.CHANGE_PLAN
    state = given(*history, written)
    assert state.in_effect.plan_id == "p-2"


def test_agreeing_a_reevaluation_is_unnecessary_moves_it_three_years_on():
    (waived,) = when(given(OPENED), c.WaiveReevaluation(
        guardian_id=MARIA, dated=on(date(2029, 2, 1)), rules=RULES))
    assert isinstance(waived, ReevaluationWaived)
    assert (waived.waived_due_on, waived.reevaluation_due_on) == (date(2029, 4, 15),
                                                                  date(2032, 4, 15))
