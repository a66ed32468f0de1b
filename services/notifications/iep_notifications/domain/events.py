"""The notifications service's events, published on `iep.notifications.events`.

Each notice is its own stream (`notice-<notice_id>`): queued once by the consumer, in the
transaction that records the event it answers; then sent, retried, failed, uncertain or
mailed. Personal fields (addresses, the rendered text, an SMTP server's reason, which may
quote an address) are sealed with the student's key. Fields may be added, never renamed.

`NoticeMailed` records an act of the school office: an `Act`, dated by the day the notice
went in the post (`occurred_on`, with `late_entry_reason` for an entry recorded long after).
"""

from datetime import date, datetime
from typing import Annotated, Literal

from iep_kernel.events import PII, Act, Event, EventRegistry

registry = EventRegistry("notifications")

Channel = Literal["email", "paper"]
RecipientRole = Literal["guardian", "case_manager", "administrator"]


@registry.register
class NoticeQueued(Event):
    """A message was written for one recipient and waits to go out (by email or paper).
    `student_id` is empty only for a case manager's daily digest, which covers many."""

    notice_id: str
    kind: str
    legal_basis: str
    school_id: str
    recipient_id: str
    recipient_role: RecipientRole
    channel: Channel
    address: Annotated[str | None, PII]
    requested_language: str
    language: str  # the language it is written in (English when there is no translation)
    fallback: bool  # written in English because the requested language has no templates
    subject: str
    body_text: Annotated[str, PII]
    body_html: Annotated[str, PII]
    message_id: str  # the Message-ID header: derived from the notice id, the same on resend
    attachments: tuple[str, ...]
    source_service: str
    source_event_type: str
    source_event_id: str
    queued_at: datetime
    # The day the notice was issued: the day of the act it answers (its source event's
    # `occurred_on`), else the district's date it was written. Absent on older notices.
    issued_on: date | None = None


@registry.register
class NoticeDeliveryAttemptFailed(Event):
    """One SMTP attempt failed; another is due at `retry_at`."""

    notice_id: str
    attempt: int
    reason: Annotated[str, PII]
    failed_at: datetime
    retry_at: datetime


@registry.register
class NoticeSent(Event):
    """The mail server accepted the message."""

    notice_id: str
    attempt: int
    sent_at: datetime
    message_id: str


@registry.register
class NoticeFailed(Event):
    """The last attempt failed: the notice was not delivered by email."""

    notice_id: str
    attempts: int
    reason: Annotated[str, PII]
    failed_at: datetime


@registry.register
class NoticeDeliveryUncertain(Event):
    """A sender stopped between handing the message to the mail server and recording the
    outcome: it may have gone out. It is not sent again automatically (never twice); the
    mail server's log shows whether `message_id` left."""

    notice_id: str
    attempt: int
    claimed_at: datetime
    message_id: str
    found_at: datetime


@registry.register
class NoticeMailed(Act):
    """The school office put the printed notice in the post (300.505: paper by choice)."""

    notice_id: str
    mailed_on: date
    mailed_by: str


@registry.register
class DeliveryPreferenceSet(Event):
    """A guardian chose how notices about this student reach them (300.505)."""

    guardian_id: str
    channel: Channel
    set_on: date


@registry.register
class CaseManagerAssigned(Event):
    """The staff member who manages this student's case, replacing the referrer."""

    staff_id: str
    assigned_on: date
