"""Who receives notices: a student's school and guardians from the student record, the
district's staff directory, and each student's case manager (the staff member who made the
referral, unless assigned).

The student record's events (`StudentRegistered`, `GuardianAdded`, `GuardianRemoved`,
`StudentSchoolChanged`) are the one source of a student's school and guardians. A referral
establishes them only for a student the record has not told us of; a later referral never
changes them, whoever wrote it."""

from __future__ import annotations

from dataclasses import dataclass, replace
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


def from_referral(student_id: str, data: dict[str, Any], referred_by: str | None
                  ) -> Student:
    """A student the record has not told us of, as their first referral describes them."""
    return Student(student_id, data["school_id"], (data.get("student") or {}).get("name"),
                   referred_by, tuple(_recipient(g, None) for g in data.get("guardians", ())))


def _recipient(g: dict[str, Any], channel: str | None) -> Recipient:
    return Recipient(g["guardian_id"], "guardian", g.get("name"), g.get("email"),
                     g.get("preferred_language") or "en", channel)


def after_record_event(student_id: str, event_type: str, data: dict[str, Any],
                       known: Student | None) -> Student:
    """The student after one of the record's events (keeping the channels chosen)."""
    school_id = str(data["school_id"])
    student = known or Student(student_id, school_id, None, None, ())
    chosen = {g.recipient_id: g.channel_preference for g in student.guardians}
    if event_type == "StudentRegistered":
        return replace(student, school_id=school_id,
                       name=(data.get("student") or {}).get("name"),
                       guardians=tuple(_recipient(g, chosen.get(g["guardian_id"]))
                                       for g in data.get("guardians", ())))
    if event_type == "GuardianAdded":
        added = _recipient(data["guardian"], chosen.get(data["guardian"]["guardian_id"]))
        return replace(student, guardians=(*(g for g in student.guardians
                                             if g.recipient_id != added.recipient_id), added))
    if event_type == "GuardianRemoved":
        return replace(student, guardians=tuple(
            g for g in student.guardians if g.recipient_id != data["guardian_id"]))
    if event_type == "StudentSchoolChanged":
        return replace(student, school_id=school_id)
    raise ValueError(f"{event_type} is not an event of the student record")


async def save_record(conn: asyncpg.Connection, student: Student) -> None:
    """The student's row and exactly their recorded guardians (a removed one's row goes:
    they receive nothing further about the child and read nothing of it)."""
    await conn.execute(
        "INSERT INTO students (student_id, school_id, student_name) VALUES ($1, $2, $3) "
        "ON CONFLICT (student_id) DO UPDATE SET school_id = excluded.school_id, "
        "student_name = coalesce(excluded.student_name, students.student_name)",
        student.student_id, student.school_id, student.name)
    await conn.execute(
        "DELETE FROM guardians WHERE student_id = $1 AND NOT guardian_id = ANY($2::text[])",
        student.student_id, [g.recipient_id for g in student.guardians])
    await _save_guardians(conn, student)


async def note_referrer(conn: asyncpg.Connection, student_id: str, referred_by: str | None
                        ) -> None:
    """A referral of a known student: only who referred (the case manager until one is
    assigned) is taken from it, if the student had none."""
    await conn.execute("UPDATE students SET referred_by = coalesce(referred_by, $2) "
                       "WHERE student_id = $1", student_id, referred_by)


async def save_referral(conn: asyncpg.Connection, student: Student, referred_by: str | None
                        ) -> None:
    """The first referral of a student the record has not told us of."""
    await conn.execute(
        "INSERT INTO students (student_id, school_id, student_name, referred_by) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (student_id) DO NOTHING",
        student.student_id, student.school_id, student.name, referred_by)
    await _save_guardians(conn, student)


async def _save_guardians(conn: asyncpg.Connection, student: Student) -> None:
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
