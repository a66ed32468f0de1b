"""Disputes as specifications: filing with its contents and limits, every step of the due
process timeline, mediation, state complaints, team meeting requests and withdrawal."""

from __future__ import annotations

from datetime import date

import pytest
from iep_kernel.decider import IllegalTransition
from iep_planning.domain import commands as c
from iep_planning.domain.events import (
    DisputeFiled,
    DisputeResolved,
    DisputeResponseSent,
    DisputeWithdrawn,
    HearingDecisionIssued,
    MediationAgreed,
    ProceduralSafeguardsNoticeGiven,
    ResolutionMeetingHeld,
    ResolutionMeetingWaived,
    StateComplaintDecided,
)
from iep_planning.domain.values import (
    DisputeEnding,
    DisputeKind,
    LimitException,
    OptionConsidered,
)
from planning_specs import (
    IN_EFFECT,
    LUIS,
    MARIA,
    OPENED,
    RULES,
    file,
    given,
    of_type,
    on,
    story,
    when,
)

FILED = date(2026, 9, 1)
K = DisputeKind


def respond(**changes: object) -> c.SendDisputeResponse:
    values = {"dispute_id": "d-1", "explanation": "Speech continues at school",
              "options_considered": (OptionConsidered(option="Weekly", why_rejected="r"),),
              "records_used": ("Progress report",), "other_factors": "",
              "dated": on(date(2026, 9, 8)), **changes}
    return c.SendDisputeResponse(**values)  # type: ignore[arg-type]


def meet(resolved: bool = False, **changes: object) -> c.HoldResolutionMeeting:
    values = {"dispute_id": "d-1", "resolved": resolved,
              "agreement_terms": "Speech restored" if resolved else "",
              "dated": on(date(2026, 9, 12)), **changes}
    return c.HoldResolutionMeeting(**values)  # type: ignore[arg-type]


def decide(decided_on: date, today: date | None = None) -> c.RecordHearingDecision:
    return c.RecordHearingDecision(dispute_id="d-1", summary="Speech therapy restored",
                                   dated=on(decided_on, today), rules=RULES)


def pending(*commands: object):
    return given(*story(*IN_EFFECT, file(), *commands))


# -- filing ------------------------------------------------------------------------------

def test_a_due_process_complaint_has_its_timeline_and_brings_the_safeguards_notice():
    filed, *safeguards = when(given(*story(*IN_EFFECT)), file())
    assert isinstance(filed, DisputeFiled)
    assert (filed.kind, filed.filed_by, filed.knew_on) == (K.DUE_PROCESS_COMPLAINT, MARIA,
                                                           date(2026, 8, 20))
    assert (filed.response_due_on, filed.resolution_meeting_due_on,
            filed.resolution_period_ends_on, filed.decision_due_on) == (
        date(2026, 9, 11), date(2026, 9, 16), date(2026, 10, 1), None)
    assert [(s.guardian_id, s.language, s.school_year) for s in safeguards] == [
        (MARIA, "es", 2026), (LUIS, "en", 2026)]
    assert all(isinstance(s, ProceduralSafeguardsNoticeGiven) for s in safeguards)


def test_the_safeguards_notice_goes_with_the_first_complaint_of_each_school_year_only():
    once = story(*IN_EFFECT, file())
    later = when(given(*once), file(dispute_id="d-2", kind=K.STATE_COMPLAINT,
                                    violation_on=date(2026, 8, 1), dated=on(date(2027, 6, 1))))
    assert [type(e) for e in later] == [DisputeFiled]
    next_year = when(given(*once), file(dispute_id="d-3",
                                        dated=on(date(2027, 7, 1))))
    assert len(of_type(next_year, ProceduralSafeguardsNoticeGiven)) == 2


def test_a_complaint_already_covered_by_prior_written_notice_needs_no_response():
    (filed, *_) = when(given(*story(*IN_EFFECT)), file(covered_by_notice_id="case-1/notice-3"))
    assert (filed.covered_by_notice_id, filed.response_due_on) == ("case-1/notice-3", None)
    assert filed.resolution_meeting_due_on == date(2026, 9, 16)
    with pytest.raises(IllegalTransition, match="already covered this matter, so no response"):
        when(given(*story(*IN_EFFECT), filed), respond())


def test_a_notice_never_issued_in_the_case_cannot_cover_the_complaint():
    with pytest.raises(IllegalTransition, match="No prior written notice case-1/notice-99 was "
                                                "issued in this case"):
        when(given(*story(*IN_EFFECT)), file(covered_by_notice_id="case-1/notice-99"))


def test_a_due_process_complaint_names_the_child_the_problem_and_a_resolution():
    with pytest.raises(IllegalTransition) as refused:
        when(given(OPENED), file(particulars=None, proposed_resolution=" "))
    assert str(refused.value) == (
        "A due process complaint states the child's name, the child's address and the "
        "school the child attends and a proposed resolution (34 CFR 300.508(b)); this one "
        "does not.")


def test_a_due_process_complaint_more_than_two_years_after_the_parent_knew_is_refused():
    late = file(knew_on=date(2024, 8, 31))
    with pytest.raises(IllegalTransition) as refused:
        when(given(OPENED), late)
    assert str(refused.value).startswith(
        "This due process complaint concerns an action the parent knew of on August 31, "
        "2024, more than two years before it was filed on September 1, 2026; a due process "
        "complaint must be filed within two years")
    assert when(given(OPENED), file(knew_on=date(2024, 9, 1)))  # exactly two years: in time
    excepted = file(knew_on=date(2024, 8, 31),
                    limit_exception=LimitException.INFORMATION_WITHHELD)
    assert when(given(OPENED), excepted)[0].limit_exception is LimitException.INFORMATION_WITHHELD


def test_a_state_complaint_is_decided_within_60_days_about_a_violation_at_most_a_year_old():
    state_complaint = file(kind=K.STATE_COMPLAINT, knew_on=None, violation_on=date(2025, 9, 1))
    (filed, *_) = when(given(OPENED), state_complaint)
    assert (filed.decision_due_on, filed.response_due_on, filed.knew_on) == (
        date(2026, 10, 31), None, None)
    with pytest.raises(IllegalTransition, match="occurred on August 31, 2025, more than one year "
                                                "before the complaint was filed"):
        when(given(OPENED), file(kind=K.STATE_COMPLAINT, violation_on=date(2025, 8, 31)))


def test_a_dispute_is_filed_by_a_recorded_guardian():
    with pytest.raises(IllegalTransition, match="g-advocate is not a recorded guardian"):
        when(given(OPENED), file(guardian_id="g-advocate"))


def test_a_request_for_mediation_has_no_statutory_deadline_and_no_safeguards_notice():
    (filed,) = when(given(OPENED), file(kind=K.MEDIATION, particulars=None, knew_on=None))
    assert (filed.response_due_on, filed.resolution_meeting_due_on, filed.particulars) == (
        None, None, None)


# -- the due process timeline (300.508(e), 300.510, 300.515) ----------------------------

def test_the_district_responds_once():
    (sent,) = when(pending(), respond())
    assert isinstance(sent, DisputeResponseSent) and sent.sent_on == date(2026, 9, 8)
    with pytest.raises(IllegalTransition, match="The district responded on September 8"):
        when(pending(respond()), respond())


def test_a_resolution_meeting_that_resolves_the_complaint_ends_the_dispute():
    held, resolved = when(pending(), meet(resolved=True))
    assert isinstance(held, ResolutionMeetingHeld) and held.resolved
    assert isinstance(resolved, DisputeResolved)
    assert (resolved.ending, resolved.resolved_on) == (DisputeEnding.RESOLUTION_AGREEMENT,
                                                       date(2026, 9, 12))
    assert pending(meet(resolved=True)).pending_due_process is None


def test_a_resolution_agreement_has_written_terms():
    with pytest.raises(IllegalTransition, match="signed written agreement"):
        when(pending(), meet(resolved=True, agreement_terms=" "))


def test_the_hearing_decision_waits_for_the_end_of_the_resolution_period():
    with pytest.raises(IllegalTransition, match="only after the 30-day resolution period, "
                                                "which ends on October 1, 2026"):
        when(pending(meet()), decide(date(2026, 10, 1)))
    decided, resolved = when(pending(meet()), decide(date(2026, 11, 10)))
    assert isinstance(decided, HearingDecisionIssued)
    assert (decided.due_on, decided.within_timeline) == (date(2026, 11, 15), True)
    assert resolved.ending is DisputeEnding.HEARING_DECISION


def test_waiving_the_resolution_meeting_starts_the_45_days_the_next_day():
    waive = c.WaiveResolutionMeeting(dispute_id="d-1", dated=on(date(2026, 9, 5)),
                                     rules=RULES)
    (waived,) = when(pending(), waive)
    assert isinstance(waived, ResolutionMeetingWaived)
    assert waived.hearing_decision_due_on == date(2026, 10, 20)
    decided, _ = when(pending(waive), decide(date(2026, 10, 25)))
    assert (decided.due_on, decided.within_timeline) == (date(2026, 10, 20), False)
    with pytest.raises(IllegalTransition, match="waived in writing on September 5, 2026"):
        when(pending(waive), meet())


def test_a_mediation_agreement_resolves_a_due_process_complaint():
    agreed, resolved = when(pending(), c.RecordMediationAgreement(
        dispute_id="d-1", terms="Speech restored", dated=on(date(2026, 9, 20))))
    assert isinstance(agreed, MediationAgreed)
    assert resolved.ending is DisputeEnding.MEDIATION_AGREEMENT


def test_a_state_complaint_decision_records_whether_it_came_in_time():
    history = story(*IN_EFFECT, file(kind=K.STATE_COMPLAINT, violation_on=date(2026, 8, 1)))
    decided, resolved = when(given(*history), c.RecordStateComplaintDecision(
        dispute_id="d-1", findings="A violation was found", dated=on(date(2026, 11, 2))))
    assert isinstance(decided, StateComplaintDecided)
    assert (decided.due_on, decided.within_timeline) == (date(2026, 10, 31), False)
    assert resolved.ending is DisputeEnding.STATE_COMPLAINT_DECISION


def test_a_step_that_belongs_to_another_kind_of_dispute_is_refused():
    history = story(*IN_EFFECT, file(kind=K.TEAM_MEETING_REQUEST, particulars=None))
    with pytest.raises(IllegalTransition, match="A request for a team meeting has no hearing "
                                                "decision; that step belongs to a due "
                                                "process complaint"):
        when(given(*history), decide(date(2026, 11, 10)))
    (resolved,) = when(given(*history), c.ResolveAtTeamMeeting(
        dispute_id="d-1", summary="Goals revised", dated=on(date(2026, 9, 10))))
    assert resolved.ending is DisputeEnding.TEAM_MEETING


def test_a_withdrawn_dispute_takes_no_further_step_and_no_longer_holds_the_placement():
    withdraw = c.WithdrawDispute(dispute_id="d-1", guardian_id=LUIS,
                                 dated=on(date(2026, 9, 3)))
    (withdrawn,) = when(pending(), withdraw)
    assert isinstance(withdrawn, DisputeWithdrawn) and withdrawn.guardian_id == LUIS
    with pytest.raises(IllegalTransition, match="was withdrawn on September 3, 2026; nothing "
                                                "more is recorded on it"):
        when(pending(withdraw), respond())
    assert pending(withdraw).pending_due_process is None
