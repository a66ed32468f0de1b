"""Dates of record, as specifications: every act is dated by the day it happened, in the
order of the law's steps, and deadlines run from that day."""

from __future__ import annotations

from datetime import date

import pytest
from iep_kernel.decider import IllegalTransition
from iep_planning.domain import commands as c
from iep_planning.domain.events import ConsentToServicesGiven, PlanWritten
from planning_specs import (
    IN_EFFECT,
    MARIA,
    MEETING_DAY,
    NOTICE,
    OPENED,
    RULES,
    amend,
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

REASON = "the form was found in the school's mail tray"


def test_a_meeting_held_after_its_day_is_recorded_on_the_day_it_was_held():
    (held,) = when(given(*story(schedule())), hold(dated=on(date(2026, 5, 12),
                                                            date(2026, 5, 14))))
    assert (held.held_on, held.occurred_on, held.late_entry_reason) == (
        date(2026, 5, 12), date(2026, 5, 12), None)


def test_a_plan_written_long_ago_reviews_from_its_meeting_and_keeps_the_reason():
    long_after = date(2027, 6, 14)
    history = story(schedule(), hold(dated=on(MEETING_DAY, long_after, REASON)), draft())
    written, *notices = when(given(*history), finalize(dated=on(MEETING_DAY, long_after,
                                                                REASON)))
    assert isinstance(written, PlanWritten)
    assert (written.written_on, written.review_due_on, written.occurred_on) == (
        MEETING_DAY, date(2027, 5, 10), MEETING_DAY)
    assert written.late_entry_reason == REASON
    assert {n.issued_on for n in notices} == {MEETING_DAY}
    with pytest.raises(IllegalTransition, match="400 days ago; an entry more than 30 days"):
        when(given(*history), finalize(dated=on(MEETING_DAY, long_after)))


def test_a_plan_is_not_finalized_before_its_meeting_was_held():
    history = story(schedule(), hold(), draft())
    with pytest.raises(IllegalTransition, match="before the meeting it was written at on "
                                                "May 10, 2026"):
        when(given(*history), finalize(dated=on(date(2026, 5, 9), MEETING_DAY)))


def test_consent_is_received_after_the_plan_is_finalized_and_signed_before_receipt():
    finalized_later = story(schedule(), hold(), draft(),
                            finalize(dated=on(date(2026, 5, 11))))
    with pytest.raises(IllegalTransition, match="before the plan's finalizing on May 11"):
        when(given(*finalized_later), consent(dated=on(date(2026, 5, 10), date(2026, 5, 12))))
    with pytest.raises(IllegalTransition, match="after the district received it on May 11"):
        when(given(*finalized_later), consent(dated=on(date(2026, 5, 11), date(2026, 5, 12))))
    (given_,) = when(given(*finalized_later), consent(dated=on(date(2026, 5, 13))))
    assert isinstance(given_, ConsentToServicesGiven)
    assert (given_.signed_on, given_.received_on, given_.occurred_on) == (
        date(2026, 5, 12), date(2026, 5, 13), date(2026, 5, 13))


def test_services_stop_counted_from_the_notices_day_not_before_the_revocation():
    revoked = story(*IN_EFFECT, c.RevokeConsent(guardian_id=MARIA, signed_on=date(2026, 10, 1),
                                                dated=on(date(2026, 10, 2))))
    with pytest.raises(IllegalTransition, match="before the revocation's receipt"):
        when(given(*revoked), c.GiveNoticeOfServicesStopping(
            notice=NOTICE, dated=on(date(2026, 10, 1), date(2026, 10, 5)), rules=RULES))
    notices = when(given(*revoked), c.GiveNoticeOfServicesStopping(
        notice=NOTICE, dated=on(date(2026, 10, 3), date(2026, 10, 5)), rules=RULES))
    assert {(n.issued_on, n.effective_on) for n in notices} == {
        (date(2026, 10, 3), date(2026, 10, 13))}


def test_a_dispute_entered_late_keeps_its_deadlines_from_the_filing():
    (filed, *_) = when(given(*story(*IN_EFFECT)),
                       file(dated=on(date(2026, 9, 1), date(2026, 10, 15), REASON)))
    assert (filed.filed_on, filed.response_due_on, filed.resolution_period_ends_on) == (
        date(2026, 9, 1), date(2026, 9, 11), date(2026, 10, 1))
    assert (filed.occurred_on, filed.late_entry_reason) == (date(2026, 9, 1), REASON)


def test_no_dispute_step_comes_before_its_filing_or_after_today():
    pending = given(*story(*IN_EFFECT, file()))
    withdraw = c.WithdrawDispute(dispute_id="d-1", guardian_id=MARIA,
                                 dated=on(date(2026, 8, 31), date(2026, 9, 2)))
    with pytest.raises(IllegalTransition, match="before the due process complaint's filing"):
        when(pending, withdraw)
    with pytest.raises(IllegalTransition, match="after today"):
        when(pending, c.RecordMediationAgreement(
            dispute_id="d-1", terms="t", dated=on(date(2026, 9, 3), date(2026, 9, 2))))


def test_an_amendment_comes_on_or_after_the_agreement_it_rests_on():
    with pytest.raises(IllegalTransition, match="before the written agreement on "
                                                "September 1, 2026"):
        when(given(*story(*IN_EFFECT)), amend(dated=on(date(2026, 8, 31), date(2026, 9, 2))))
    (amended, *_) = when(given(*story(*IN_EFFECT)), amend())
    assert (amended.amended_on, amended.occurred_on) == (date(2026, 9, 2), date(2026, 9, 2))


def test_a_reevaluation_waiver_follows_the_determination():
    with pytest.raises(IllegalTransition, match="before the last eligibility determination"):
        when(given(OPENED), c.WaiveReevaluation(
            guardian_id=MARIA, dated=on(date(2026, 4, 1), date(2026, 5, 1)), rules=RULES))
