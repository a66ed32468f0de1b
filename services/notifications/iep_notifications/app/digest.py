"""The case managers' daily digest, a kernel timer per case manager and day.

At the digest hour (district time) each case manager in the staff directory gets one
message: the deadline reminders of the last day about their students, and their students'
notices that need a person (failed, uncertain, or waiting to be mailed). Nothing to say,
no message. The next day's timer is scheduled in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import asyncpg
from iep_kernel.runtime import ServiceRuntime
from iep_kernel.timers import Timer, schedule

from iep_notifications.app import directory
from iep_notifications.app.outbox import Draft, Source, queue
from iep_notifications.settings import NotificationsSettings

DIGEST = "digest"


def digest_due(runtime: ServiceRuntime, day: date) -> datetime:
    settings = runtime.settings_of(NotificationsSettings)
    return datetime.combine(day, time(settings.digest_hour), ZoneInfo(settings.timezone))


def next_digest_day(runtime: ServiceRuntime, now: datetime) -> date:
    zone = ZoneInfo(runtime.settings_of(NotificationsSettings).timezone)
    today = now.astimezone(zone).date()
    return today if digest_due(runtime, today) > now else today + timedelta(days=1)


async def schedule_digest(runtime: ServiceRuntime, conn: asyncpg.Connection, staff_id: str,
                          day: date) -> None:
    await schedule(conn, Timer(f"{DIGEST}:{staff_id}:{day.isoformat()}", f"digest-{staff_id}",
                               "", DIGEST, digest_due(runtime, day),
                               {"staff_id": staff_id, "day": day.isoformat()}))


async def fire(runtime: ServiceRuntime, conn: asyncpg.Connection, timer: Timer) -> None:
    staff_id = str(timer.payload["staff_id"])
    day = date.fromisoformat(str(timer.payload["day"]))
    manager = await directory.staff_member(conn, staff_id, "case_manager")
    role = await conn.fetchval("SELECT role FROM staff WHERE staff_id = $1", staff_id)
    if manager is None or role != "case_manager":
        return  # no longer a case manager: the digest stops
    since = timer.due_at - timedelta(days=1)
    reminders = await conn.fetch(
        "SELECT student_id, kind, subject, queued_at FROM notices WHERE recipient_id = $1 "
        "AND kind IN ('deadline_approaching', 'deadline_overdue') AND queued_at > $2 "
        "AND queued_at <= $3 ORDER BY queued_at", staff_id, since, timer.due_at)
    attention = await conn.fetch(
        "SELECT n.student_id, n.kind, n.status, n.recipient_id FROM notices n "
        "JOIN students s ON s.student_id = n.student_id "
        "WHERE coalesce(s.case_manager, s.referred_by) = $1 AND n.recipient_role = 'guardian' "
        "AND n.status IN ('failed', 'uncertain', 'to_mail') ORDER BY n.student_id, n.queued_at",
        staff_id)
    if reminders or attention:
        source = Source("notifications", "DailyDigestDue", timer.timer_id, timer.timer_id)
        context = {"student_id": "", "student_name": "", "school_id": "", "day": day,
                   "reminders": [dict(r) for r in reminders],
                   "attention": [dict(r) for r in attention]}
        await queue(runtime, conn, [Draft("daily_digest", manager, "", "", context, source)])
    await schedule_digest(runtime, conn, staff_id, day + timedelta(days=1))
