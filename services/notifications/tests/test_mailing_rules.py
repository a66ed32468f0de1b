"""The mailing of a paper notice, decided without I/O: given the notice's events, when the
office records the mailing on a day, then `NoticeMailed` dated that day, or a refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from iep_kernel.dates import Dated
from iep_kernel.decider import IllegalTransition
from iep_notifications.domain.commands import RecordMailing
from iep_notifications.domain.decider import notice
from iep_notifications.domain.events import NoticeMailed, NoticeQueued

WRITTEN = datetime(2026, 3, 2, 15, tzinfo=UTC)


def queued(issued_on: date | None) -> NoticeQueued:
    return NoticeQueued(
        student_id="S-1", notice_id="n-1", kind="consent_request", legal_basis="300.300(a)",
        school_id="sch-1", recipient_id="g-1", recipient_role="guardian", channel="paper",
        address=None, requested_language="es", language="es", fallback=False, subject="s",
        body_text="t", body_html="h", message_id="<m>", attachments=(),
        source_service="referral", source_event_type="EvaluationConsentRequested",
        source_event_id="e-1", queued_at=WRITTEN, issued_on=issued_on)


def mail(day: date, today: date = date(2026, 3, 2), reason: str | None = None,
         issued_on: date | None = date(2026, 2, 20)) -> NoticeMailed:
    state = notice.fold([queued(issued_on)])
    (mailed,) = notice.decide(RecordMailing("n-1", Dated(day, today, reason), "cm-1"), state)
    assert isinstance(mailed, NoticeMailed)
    return mailed


def test_a_mailing_is_dated_the_day_it_was_posted_from_the_act_the_notice_answers():
    mailed = mail(date(2026, 2, 21))
    assert (mailed.mailed_on, mailed.occurred_on, mailed.late_entry_reason) == (
        date(2026, 2, 21), date(2026, 2, 21), None)


def test_a_mailing_in_the_future_or_before_the_notice_was_issued_is_refused():
    with pytest.raises(IllegalTransition, match="after today"):
        mail(date(2026, 3, 3))
    with pytest.raises(IllegalTransition, match="before the notice, issued on February 20"):
        mail(date(2026, 2, 19))


def test_an_older_notice_without_an_issue_day_is_issued_the_day_it_was_written():
    with pytest.raises(IllegalTransition, match="issued on March 2, 2026"):
        mail(date(2026, 3, 1), issued_on=None)


def test_a_late_mailing_needs_a_reason_and_keeps_it():
    with pytest.raises(IllegalTransition, match="needs a late_entry_reason"):
        mail(date(2026, 2, 21), today=date(2026, 4, 1))
    mailed = mail(date(2026, 2, 21), today=date(2026, 4, 1), reason="found the post log")
    assert mailed.late_entry_reason == "found the post log"
