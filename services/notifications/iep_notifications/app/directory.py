"""Who receives notices: guardians from the referral, the district's staff directory, and
each student's case manager (the staff member who made the referral, unless assigned)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg


@dataclass(frozen=True)
class Recipient:
    recipient_id: str
    role: str  # guardian, case_manager, administrator
    name: str | None
    email: str | None
    language: str
    channel_preference: str | None


@dataclass(frozen=True)
class Student:
    student_id: str
    school_id: str
    name: str | None
    case_manager: str | None
    guardians: tuple[Recipient, ...]

    def guardian(self, guardian_id: str) -> Recipient | None:
        return next((g for g in self.guardians if g.recipient_id == guardian_id), None)


def _guardian(row: Any) -> Recipient:
    return Recipient(row["guardian_id"], "guardian", row["name"], row["email"],
                     row["language"], row["channel"])


async def student(conn: asyncpg.Connection, student_id: str) -> Student | None:
    row = await conn.fetchrow(
        "SELECT school_id, student_name, coalesce(case_manager, referred_by) AS case_manager "
        "FROM students WHERE student_id = $1", student_id)
    if row is None:
        return None
    guardians = await conn.fetch(
        "SELECT guardian_id, name, email, language, channel FROM guardians "
        "WHERE student_id = $1 ORDER BY guardian_id", student_id)
    return Student(student_id, row["school_id"], row["student_name"], row["case_manager"],
                   tuple(_guardian(g) for g in guardians))


def from_referral(student_id: str, data: dict[str, Any], referred_by: str | None,
                  known: Student | None) -> Student:
    """The student as a `ReferralMade` describes it (keeping choices already made)."""
    chosen = {g.recipient_id: g.channel_preference for g in known.guardians} if known else {}
    guardians = tuple(
        Recipient(g["guardian_id"], "guardian", g.get("name"), g.get("email"),
                  g.get("preferred_language") or "en", chosen.get(g["guardian_id"]))
        for g in data.get("guardians", ()))
    case_manager = known.case_manager if known else referred_by
    return Student(student_id, data["school_id"], (data.get("student") or {}).get("name"),
                   case_manager or referred_by, guardians)


async def save_referral(conn: asyncpg.Connection, student: Student, referred_by: str | None
                        ) -> None:
    await conn.execute(
        "INSERT INTO students (student_id, school_id, student_name, referred_by) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (student_id) DO UPDATE SET "
        "school_id = excluded.school_id, student_name = excluded.student_name, "
        "referred_by = coalesce(students.referred_by, excluded.referred_by)",
        student.student_id, student.school_id, student.name, referred_by)
    for g in student.guardians:
        await conn.execute(
            "INSERT INTO guardians (student_id, guardian_id, name, email, language) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (student_id, guardian_id) DO UPDATE SET "
            "name = excluded.name, email = excluded.email, language = excluded.language",
            student.student_id, g.recipient_id, g.name, g.email, g.language)


async def staff_member(conn: asyncpg.Connection | asyncpg.Pool, staff_id: str,
                       role: str) -> Recipient | None:
    row = await conn.fetchrow(
        "SELECT staff_id, name, email, language, channel FROM staff WHERE staff_id = $1",
        staff_id)
    if row is None:
        return None
    return Recipient(row["staff_id"], role, row["name"], row["email"], row["language"],
                     row["channel"])


async def administrators(conn: asyncpg.Connection, school_id: str) -> list[Recipient]:
    rows = await conn.fetch(
        "SELECT staff_id, name, email, language, channel FROM staff "
        "WHERE role = 'administrator' AND $1 = ANY(schools) ORDER BY staff_id", school_id)
    return [Recipient(r["staff_id"], "administrator", r["name"], r["email"], r["language"],
                      r["channel"]) for r in rows]


async def staff_of(conn: asyncpg.Connection, student: Student) -> list[Recipient]:
    """The case manager and the school's administrators, each once."""
    found: list[Recipient] = []
    if student.case_manager:
        manager = await staff_member(conn, student.case_manager, "case_manager")
        if manager is not None:
            found.append(manager)
    for admin in await administrators(conn, student.school_id):
        if all(admin.recipient_id != r.recipient_id for r in found):
            found.append(admin)
    return found


async def purge(conn: asyncpg.Connection, student_id: str) -> None:
    """Records destruction (300.624): personal data leaves the query tables."""
    await conn.execute("UPDATE students SET student_name = NULL WHERE student_id = $1",
                       student_id)
    await conn.execute("UPDATE guardians SET name = NULL, email = NULL WHERE student_id = $1",
                       student_id)
    await conn.execute("DELETE FROM attachments WHERE notice_id IN "
                       "(SELECT notice_id FROM notices WHERE student_id = $1)", student_id)
    await conn.execute("DELETE FROM awaiting_referral WHERE student_id = $1", student_id)
