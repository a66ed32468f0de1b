"""Dates of record: the kernel's rule every service's decider applies to an act's date."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from iep_kernel.dates import Dated, DatedRequest
from iep_kernel.decider import IllegalTransition

TODAY = date(2026, 3, 2)


def test_an_act_defaults_to_today_and_is_kept_as_given():
    assert DatedRequest().dated(TODAY).check("the referral") == TODAY
    given_on = DatedRequest(occurred_on=date(2026, 2, 25)).dated(TODAY)
    assert given_on.check("the consent form's receipt") == date(2026, 2, 25)


def test_no_act_in_the_future():
    with pytest.raises(IllegalTransition, match=r"^The meeting is dated March 3, 2026, after "
                       r"today \(March 2, 2026\)"):
        Dated(TODAY + timedelta(days=1), TODAY).check("the meeting")


def test_no_act_before_the_act_it_follows():
    with pytest.raises(IllegalTransition, match="before the request for consent on February "
                       "27, 2026; it cannot come first"):
        Dated(date(2026, 2, 26), TODAY).check("the consent form's receipt",
                                              not_before=date(2026, 2, 27),
                                              after="the request for consent")


def test_a_late_entry_needs_a_reason_and_keeps_it():
    late = date(2026, 1, 15)  # 46 days before today
    with pytest.raises(IllegalTransition, match="46 days ago; an entry more than 30 days"):
        Dated(late, TODAY).check("the meeting")
    explained = Dated(late, TODAY, "paper form found in the office mail")
    assert explained.check("the meeting") == late
    assert explained.reason == "paper form found in the office mail"
    assert Dated(TODAY, TODAY, "not late at all").reason is None


@given(st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=120))
def test_within_the_window_no_reason_is_needed(days_ago, window):
    dated = Dated(TODAY - timedelta(days=days_ago), TODAY, None, window)
    if days_ago <= window:
        assert dated.check("the session") == TODAY - timedelta(days=days_ago)
    else:
        with pytest.raises(IllegalTransition, match="late_entry_reason"):
            dated.check("the session")
