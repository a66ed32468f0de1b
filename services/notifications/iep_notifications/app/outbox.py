"""Writing and queueing notices: a draft becomes a `NoticeQueued` event in the recipient's
language, appended in the caller's transaction (the consumer's, with the applied event id;
or the digest timer's), with its query row and, for email, its delivery timer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parseaddr
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from iep_kernel.events import SYSTEM_ACTOR, Metadata
from iep_kernel.runtime import ServiceRuntime
from iep_kernel.store import Append
from iep_kernel.timers import Timer, schedule

from iep_notifications.app import i18n
from iep_notifications.app.directory import Recipient
from iep_notifications.app.metrics import LANGUAGE_FALLBACKS
from iep_notifications.domain.events import NoticeQueued
from iep_notifications.domain.kinds import KINDS
from iep_notifications.domain.rules import (
    channel_for,
    choose_language,
    message_id_for,
    notice_id_for,
    stream_of,
)
from iep_notifications.settings import NotificationsSettings, SmtpSettings

DELIVER = "deliver"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Source:
    """What called for the notices: an event of another service, or a timer."""

    service: str
    event_type: str
    event_id: str
    correlation_id: str
    occurred_on: date | None = None  # the day of the act it records, when it records one


@dataclass(frozen=True)
class Draft:
    kind: str
    recipient: Recipient
    student_id: str
    school_id: str
    context: dict[str, Any]
    source: Source
    attachments: tuple[Attachment, ...] = field(default=())


def _mail_domain(runtime: ServiceRuntime) -> str:
    address = parseaddr(runtime.settings_of(SmtpSettings).from_address)[1]
    return address.rpartition("@")[2] or "iep.notifications"


def district_date(runtime: ServiceRuntime, moment: datetime) -> date:
    """The district's date at `moment`, in its time zone (`IEP_NOTIFICATIONS_TIMEZONE`)."""
    return moment.astimezone(ZoneInfo(runtime.settings_of(NotificationsSettings).timezone)
                             ).date()


def compose(draft: Draft, now: datetime, domain: str, today: date | None = None
            ) -> NoticeQueued:
    """The notice for `draft`, written at `now` (`today` is the district's date then)."""
    source = draft.source
    kind = KINDS[draft.kind]
    recipient = draft.recipient
    language, fallback = choose_language(recipient.language, i18n.languages())
    if fallback:
        LANGUAGE_FALLBACKS.labels(kind=kind.name, language=recipient.language[:16]).inc()
    context = {**draft.context, "recipient_name": recipient.name or "",
               "fallback": fallback, "requested_language": recipient.language,
               "legal_basis": kind.legal_basis}
    subject, text, html = i18n.render(kind.name, language, context)
    notice_id = notice_id_for(source.event_id, kind.name, recipient.recipient_id)
    return NoticeQueued(
        student_id=draft.student_id, notice_id=notice_id, kind=kind.name,
        legal_basis=kind.legal_basis, school_id=draft.school_id,
        recipient_id=recipient.recipient_id, recipient_role=recipient.role,
        channel=channel_for(recipient.channel_preference, recipient.email),
        address=recipient.email, requested_language=recipient.language, language=language,
        fallback=fallback, subject=subject, body_text=text, body_html=html,
        message_id=message_id_for(notice_id, domain),
        attachments=tuple(a.filename for a in draft.attachments),
        source_service=source.service, source_event_type=source.event_type,
        source_event_id=source.event_id, queued_at=now,
        issued_on=source.occurred_on or today or now.date())


async def queue(runtime: ServiceRuntime, conn: asyncpg.Connection, drafts: list[Draft]
                ) -> list[NoticeQueued]:
    """Append one `NoticeQueued` per draft (the transaction's first write), then the query
    rows, the attachments and the delivery timers of email notices."""
    now = runtime.clock.now()
    today = district_date(runtime, now)
    domain = _mail_domain(runtime)
    notices: dict[str, tuple[NoticeQueued, Draft]] = {}
    for draft in drafts:
        notice = compose(draft, now, domain, today)
        notices.setdefault(notice.notice_id, (notice, draft))
    if not notices:
        return []
    source = drafts[0].source
    metadata = Metadata(actor=SYSTEM_ACTOR, correlation_id=source.correlation_id,
                        causation_id=source.event_id)
    await runtime.store.append_many(
        [Append(stream_of(n.notice_id), 0, [n]) for n, _ in notices.values()], metadata,
        conn=conn)
    for notice, draft in notices.values():
        await conn.execute(
            "INSERT INTO notices (notice_id, student_id, school_id, kind, legal_basis, "
            "recipient_id, recipient_role, channel, requested_language, language, fallback, "
            "subject, message_id, source_event_type, queued_at, status, stream_version) "
            "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,1)",
            notice.notice_id, notice.student_id, notice.school_id, notice.kind,
            notice.legal_basis, notice.recipient_id, notice.recipient_role, notice.channel,
            notice.requested_language, notice.language, notice.fallback, notice.subject,
            notice.message_id, notice.source_event_type, now,
            "queued" if notice.channel == "email" else "to_mail")
        for attachment in draft.attachments:
            await conn.execute(
                "INSERT INTO attachments (notice_id, filename, content_type, content) "
                "VALUES ($1, $2, $3, $4)", notice.notice_id, attachment.filename,
                attachment.content_type, attachment.content)
        if notice.channel == "email":
            await schedule_attempt(conn, notice.notice_id, notice.student_id, 1, now)
    return [n for n, _ in notices.values()]


async def schedule_attempt(conn: asyncpg.Connection, notice_id: str, student_id: str,
                           attempt: int, due_at: datetime) -> None:
    await schedule(conn, Timer(f"{DELIVER}:{notice_id}:{attempt}", stream_of(notice_id),
                               student_id, DELIVER, due_at,
                               {"notice_id": notice_id, "attempt": attempt}))
