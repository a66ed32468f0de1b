"""The rules of delivery, without I/O: identities, language, channel, retry waits."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from iep_notifications.domain.rules import (
    channel_for,
    choose_language,
    message_id_for,
    notice_id_for,
    retry_delay,
)


def test_one_notice_per_event_kind_and_recipient():
    assert notice_id_for("e-1", "meeting_notice", "g-1") == notice_id_for(
        "e-1", "meeting_notice", "g-1")
    assert len({notice_id_for("e-1", "meeting_notice", "g-1"),
                notice_id_for("e-1", "meeting_notice", "g-2"),
                notice_id_for("e-2", "meeting_notice", "g-1"),
                notice_id_for("e-1", "plan_copy", "g-1")}) == 4


def test_the_message_id_is_the_notices_on_every_attempt():
    assert message_id_for("n-1", "lincoln.example") == "<notice-n-1@lincoln.example>"


def test_the_language_is_the_primary_subtag_with_a_catalog_else_english():
    available = ("en", "es")
    assert choose_language("es-MX", available) == ("es", False)
    assert choose_language("ES", available) == ("es", False)
    assert choose_language("en", available) == ("en", False)
    assert choose_language("vi", available) == ("en", True)
    assert choose_language(None, available) == ("en", False)


def test_paper_when_chosen_or_without_an_address():
    assert channel_for(None, "a@b.org") == "email"
    assert channel_for("email", "a@b.org") == "email"
    assert channel_for("paper", "a@b.org") == "paper"
    assert channel_for("email", None) == "paper"


@given(st.integers(min_value=1, max_value=40), st.floats(min_value=1, max_value=600),
       st.floats(min_value=1, max_value=86400))
def test_retry_waits_double_and_never_pass_the_cap(attempt, first, cap):
    wait = retry_delay(attempt, first, cap)
    assert wait <= timedelta(seconds=cap)
    assert wait >= min(retry_delay(max(1, attempt - 1), first, cap), timedelta(seconds=cap))
    assert retry_delay(1, first, cap) == timedelta(seconds=min(first, cap))
