"""The outbox sender: one delivery timer per attempt, fired by the kernel's timer loop.

An attempt runs in the timer's transaction, which marks the timer fired together with the
outcome it appends (`NoticeSent`, `NoticeDeliveryAttemptFailed` with the next attempt's
timer, or `NoticeFailed` after the last). Before the SMTP exchange the sender commits a
claim on the attempt in its own short transaction. A crash after the mail server accepted
the message but before the outcome committed leaves the claim and the timer still due: the
next sender finds the claim, does not send again, and records `NoticeDeliveryUncertain`
with the Message-ID to look up in the mail server's log. Two senders never work on one
notice at once (a transaction advisory lock; the loser leaves the timer for later).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import asyncpg
from iep_kernel.events import DESTROYED, SYSTEM_ACTOR, Event, Metadata
from iep_kernel.runtime import ServiceRuntime
from iep_kernel.store import ConcurrencyConflict
from iep_kernel.timers import Timer

from iep_notifications.app.metrics import DELIVERED
from iep_notifications.app.outbox import Attachment, schedule_attempt
from iep_notifications.app.smtp import SMTP_ERRORS, mime_message, send
from iep_notifications.domain.events import (
    NoticeDeliveryAttemptFailed,
    NoticeDeliveryUncertain,
    NoticeFailed,
    NoticeQueued,
    NoticeSent,
)
from iep_notifications.domain.rules import retry_delay, stream_of
from iep_notifications.settings import NotificationsSettings, SmtpSettings

PENDING = ("queued", "retrying")


def sink_folder(runtime: ServiceRuntime) -> Path:
    configured = runtime.settings_of(NotificationsSettings).sink_dir
    folder: Path = configured or runtime.settings.data_dir / "outbox-sink"
    return folder


def mail_server(runtime: ServiceRuntime) -> tuple[str, int]:
    smtp = runtime.settings_of(SmtpSettings)
    if not smtp.embedded:
        return smtp.host, smtp.server_port
    if runtime.settings.environment != "embedded":
        raise OSError("IEP_SMTP_HOST is not set: no mail server to deliver to")
    return "127.0.0.1", smtp.server_port  # the sink the worker started


async def _record(runtime: ServiceRuntime, conn: asyncpg.Connection, notice: NoticeQueued,
                  version: int, event: Event, status: str, **columns: object) -> None:
    await runtime.store.append(stream_of(notice.notice_id), version, [event],
                               Metadata(actor=SYSTEM_ACTOR, correlation_id=notice.notice_id),
                               conn=conn)
    sets = ", ".join(f"{name} = ${i}" for i, name in enumerate(columns, start=4))
    await conn.execute(
        f"UPDATE notices SET status = $2, stream_version = $3{', ' + sets if sets else ''} "
        "WHERE notice_id = $1", notice.notice_id, status, version + 1, *columns.values())
    DELIVERED.labels(outcome=status).inc()


async def _claim(runtime: ServiceRuntime, notice_id: str, attempt: int, now: datetime
                 ) -> datetime | None:
    """Commit a claim on this attempt; an existing claim's time if one was there."""
    async with runtime.pool.acquire() as own:
        claimed = await own.fetchval(
            "INSERT INTO delivery_claims (notice_id, attempt, claimed_at) VALUES ($1, $2, $3) "
            "ON CONFLICT (notice_id, attempt) DO NOTHING RETURNING claimed_at",
            notice_id, attempt, now)
        if claimed is not None:
            return None
        found: datetime = await own.fetchval(
            "SELECT claimed_at FROM delivery_claims WHERE notice_id = $1 AND attempt = $2",
            notice_id, attempt)
        return found


async def attachments_of(conn: asyncpg.Connection, notice_id: str) -> list[Attachment]:
    rows = await conn.fetch("SELECT filename, content_type, content FROM attachments "
                            "WHERE notice_id = $1 ORDER BY filename", notice_id)
    return [Attachment(r["filename"], r["content_type"], r["content"]) for r in rows]


async def deliver(runtime: ServiceRuntime, conn: asyncpg.Connection, timer: Timer) -> None:
    """One delivery attempt of one email notice, in the timer's transaction."""
    notice_id = str(timer.payload["notice_id"])
    attempt = int(timer.payload["attempt"])
    if not await conn.fetchval("SELECT pg_try_advisory_xact_lock(hashtext($1))",
                               f"notice:{notice_id}"):
        raise ConcurrencyConflict(stream_of(notice_id), attempt, attempt)  # try again later
    row = await conn.fetchrow("SELECT status, stream_version FROM notices WHERE notice_id = $1",
                              notice_id)
    if row is None or row["status"] not in PENDING:
        return  # delivered, failed, uncertain or purged: nothing to do
    history = await runtime.store.read_stream(stream_of(notice_id), conn=conn)
    notice = history[0].data
    assert isinstance(notice, NoticeQueued)
    version = len(history)
    now = runtime.clock.now()
    if notice.address in (None, DESTROYED):
        # 300.624: the records were destroyed at the parent's request; nothing to send to.
        await _record(runtime, conn, notice, version, NoticeFailed(
            student_id=notice.student_id, notice_id=notice_id, attempts=attempt - 1,
            reason="no address: the student's records were destroyed", failed_at=now),
            "failed", attempts=attempt - 1, failed_at=now)
        return
    claimed_at = await _claim(runtime, notice_id, attempt, now)
    if claimed_at is not None:
        await _record(runtime, conn, notice, version, NoticeDeliveryUncertain(
            student_id=notice.student_id, notice_id=notice_id, attempt=attempt,
            claimed_at=claimed_at, message_id=notice.message_id, found_at=now),
            "uncertain", attempts=attempt)
        return
    smtp = runtime.settings_of(SmtpSettings)
    try:
        host, port = mail_server(runtime)
        message = mime_message(notice, await attachments_of(conn, notice_id), smtp.from_address)
        await send(smtp, message, host, port)
    except SMTP_ERRORS as err:
        await _failed(runtime, conn, notice, version, attempt, f"{type(err).__name__}: {err}")
        return
    await _record(runtime, conn, notice, version, NoticeSent(
        student_id=notice.student_id, notice_id=notice_id, attempt=attempt, sent_at=now,
        message_id=notice.message_id), "sent", attempts=attempt, sent_at=now)


async def _failed(runtime: ServiceRuntime, conn: asyncpg.Connection, notice: NoticeQueued,
                  version: int, attempt: int, reason: str) -> None:
    settings = runtime.settings_of(NotificationsSettings)
    now = runtime.clock.now()
    reason = reason[:500]
    if attempt >= settings.max_attempts:
        await _record(runtime, conn, notice, version, NoticeFailed(
            student_id=notice.student_id, notice_id=notice.notice_id, attempts=attempt,
            reason=reason, failed_at=now), "failed", attempts=attempt, failed_at=now)
        return
    retry_at = now + retry_delay(attempt, settings.retry_seconds, settings.retry_max_seconds)
    await _record(runtime, conn, notice, version, NoticeDeliveryAttemptFailed(
        student_id=notice.student_id, notice_id=notice.notice_id, attempt=attempt,
        reason=reason, failed_at=now, retry_at=retry_at), "retrying", attempts=attempt)
    await schedule_attempt(conn, notice.notice_id, notice.student_id, attempt + 1, retry_at)
