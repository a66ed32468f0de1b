"""The lists people read: notices by student or recipient, paper notices to mail, and the
checks of who may see what (a parent only what was addressed to them)."""

from __future__ import annotations

from datetime import date, datetime

import asyncpg
from iep_kernel.auth import Principal
from pydantic import BaseModel

from iep_notifications.domain.kinds import KINDS

COLUMNS = ("notice_id, student_id, school_id, kind, legal_basis, recipient_id, recipient_role, "
           "channel, requested_language, language, fallback, subject, message_id, status, "
           "attempts, queued_at, sent_at, mailed_on, failed_at, source_event_type")


class NoticeLine(BaseModel):
    """One notice: what was sent to whom, when, in which language, and how it went."""

    notice_id: str
    student_id: str
    school_id: str
    kind: str
    legal_basis: str
    legally_required: bool
    recipient_id: str
    recipient_role: str
    channel: str
    requested_language: str
    language: str
    fallback: bool
    subject: str
    message_id: str
    status: str
    attempts: int
    queued_at: datetime
    sent_at: datetime | None
    mailed_on: date | None
    failed_at: datetime | None
    source_event_type: str


def line(row: asyncpg.Record) -> NoticeLine:
    kind = KINDS.get(row["kind"])
    return NoticeLine(**dict(row), legally_required=bool(kind and kind.legally_required))


# Reach follows the student record as it stands: the school the student attends now (the
# notice's own school for a student the record never named) and the guardians recorded now,
# so a guardian the district removed reads none of the child's notices, earlier ones
# included, and a move takes the notices to the new school's staff.
CURRENT_SCHOOL = ("coalesce((SELECT st.school_id FROM students st "
                  "WHERE st.student_id = notices.student_id), notices.school_id)")
STILL_GUARDIAN = ("EXISTS (SELECT 1 FROM guardians g WHERE g.student_id = notices.student_id "
                  "AND g.guardian_id = notices.recipient_id)")


def _visible(principal: Principal, args: list[object]) -> str:
    """The SQL condition for what `principal` may see (its parameters appended to args)."""
    if principal.district_wide:
        return "true"
    args.append(principal.subject)
    if principal.role == "parent":
        return (f"recipient_id = ${len(args)} AND recipient_role = 'guardian' AND "
                f"{STILL_GUARDIAN}")
    own = f"(recipient_id = ${len(args)} AND recipient_role <> 'guardian')"
    args.append(list(principal.schools))
    return f"({own} OR {CURRENT_SCHOOL} = ANY(${len(args)}))"


async def notices(pool: asyncpg.Pool, principal: Principal, student_id: str | None,
                  limit: int) -> list[NoticeLine]:
    args: list[object] = []
    where = [_visible(principal, args)]
    if student_id is not None:
        args.append(student_id)
        where.append(f"student_id = ${len(args)}")
    args.append(limit)
    rows = await pool.fetch(
        f"SELECT {COLUMNS} FROM notices WHERE {' AND '.join(where)} "
        f"ORDER BY queued_at DESC, notice_id LIMIT ${len(args)}", *args)
    return [line(r) for r in rows]


async def notice(pool: asyncpg.Pool, principal: Principal, notice_id: str
                 ) -> NoticeLine | None:
    args: list[object] = [notice_id]
    condition = _visible(principal, args)
    row = await pool.fetchrow(
        f"SELECT {COLUMNS} FROM notices WHERE notice_id = $1 AND {condition}", *args)
    return line(row) if row else None


async def to_mail(pool: asyncpg.Pool, principal: Principal, school_id: str | None
                  ) -> list[NoticeLine]:
    args: list[object] = []
    # A letter to someone the district no longer records as a guardian is not mailed.
    where = ["status = 'to_mail'", f"(recipient_role <> 'guardian' OR {STILL_GUARDIAN})",
             _visible(principal, args)]
    if school_id is not None:
        args.append(school_id)
        where.append(f"{CURRENT_SCHOOL} = ${len(args)}")
    rows = await pool.fetch(f"SELECT {COLUMNS} FROM notices WHERE {' AND '.join(where)} "
                            "ORDER BY queued_at, notice_id", *args)
    return [line(r) for r in rows]


async def is_guardian_of(pool: asyncpg.Pool, subject: str, student_id: str) -> bool:
    return bool(await pool.fetchval(
        "SELECT 1 FROM guardians WHERE guardian_id = $1 AND student_id = $2",
        subject, student_id))


async def school_of(pool: asyncpg.Pool, student_id: str) -> str | None:
    school: str | None = await pool.fetchval(
        "SELECT school_id FROM students WHERE student_id = $1", student_id)
    return school


async def recipient_name(pool: asyncpg.Pool, notice: NoticeLine) -> str | None:
    if notice.recipient_role == "guardian":
        name: str | None = await pool.fetchval(
            "SELECT name FROM guardians WHERE student_id = $1 AND guardian_id = $2",
            notice.student_id, notice.recipient_id)
        return name
    found: str | None = await pool.fetchval("SELECT name FROM staff WHERE staff_id = $1",
                                            notice.recipient_id)
    return found
