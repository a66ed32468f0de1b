"""The query tables: what the worker keeps of each student (school and guardians from the
student record, see `students`), determinations waiting for their referral, and one row
per planning case for lists. Who may read a case is decided by the student's row, never by
the copies the case was opened with.

Rows are written on the connection of the transaction that appended the events (or applied
the consumed event), so lists and access checks never disagree with the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg
from iep_kernel.auth import Principal
from iep_kernel.decider import CommandResult

from iep_planning.domain.state import Case
from iep_planning.domain.values import Guardian


@dataclass(frozen=True)
class Student:
    student_id: str
    school_id: str
    date_of_birth: date | None
    guardians: tuple[Guardian, ...]


_STUDENT = ("INSERT INTO students (student_id, school_id, date_of_birth, guardians) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (student_id) DO ")


async def record_student(conn: asyncpg.Connection, student: Student) -> None:
    """The student record's school, birth date and guardians."""
    await conn.execute(
        _STUDENT + "UPDATE SET school_id = $2, date_of_birth = $3, guardians = $4",
        student.student_id, student.school_id, student.date_of_birth,
        [g.model_dump() for g in student.guardians])


async def name_student_if_unknown(conn: asyncpg.Connection, student: Student) -> None:
    """What a referral says of a student the record never mentioned: kept, never over what
    is already known."""
    await conn.execute(
        _STUDENT + "NOTHING", student.student_id, student.school_id, student.date_of_birth,
        [g.model_dump() for g in student.guardians])


async def student(conn: asyncpg.Connection, student_id: str) -> Student | None:
    row = await conn.fetchrow("SELECT school_id, date_of_birth, guardians FROM students "
                              "WHERE student_id = $1", student_id)
    if row is None:
        return None
    return Student(student_id, row["school_id"], row["date_of_birth"],
                   tuple(Guardian(**g) for g in row["guardians"]))


@dataclass(frozen=True)
class Waiting:
    """An eligible determination that came before the student's referral."""

    determination: dict[str, Any]
    causation_id: str
    correlation_id: str


async def wait_for_referral(conn: asyncpg.Connection, student_id: str, waiting: Waiting
                            ) -> None:
    await conn.execute(
        "INSERT INTO awaiting_referral (student_id, determination, causation_id, "
        "correlation_id) VALUES ($1, $2, $3, $4) ON CONFLICT (student_id) DO UPDATE "
        "SET determination = $2, causation_id = $3, correlation_id = $4",
        student_id, waiting.determination, waiting.causation_id,
        waiting.correlation_id)


async def waiting_for(conn: asyncpg.Connection, student_id: str) -> Waiting | None:
    row = await conn.fetchrow(
        "SELECT determination, causation_id, correlation_id FROM awaiting_referral "
        "WHERE student_id = $1", student_id)
    if row is None:
        return None
    return Waiting(row["determination"], row["causation_id"], row["correlation_id"])


async def stop_waiting(conn: asyncpg.Connection, student_id: str) -> None:
    await conn.execute("DELETE FROM awaiting_referral WHERE student_id = $1", student_id)


@dataclass(frozen=True)
class CaseRow:
    case_id: str
    student_id: str
    school_id: str
    guardian_ids: tuple[str, ...]
    status: str
    meeting_due_on: date
    initial_meeting_held_on: date | None
    plan_version: int | None
    review_due_on: date | None
    reevaluation_due_on: date
    pending_due_process: bool
    open_disputes: int

    def readable_by(self, principal: Principal) -> bool:
        """Parents read their own child's case; staff those of the schools they serve (read
        back, `school_id` and `guardian_ids` are the student record's)."""
        if principal.role == "parent":
            return principal.subject in self.guardian_ids
        return principal.serves_school(self.school_id)


_COLUMNS = ("case_id, student_id, school_id, guardian_ids, status, meeting_due_on, "
            "initial_meeting_held_on, plan_version, review_due_on, reevaluation_due_on, "
            "pending_due_process, open_disputes")


# Read back, a case's school and guardians are the student's current ones.
_READ = ", ".join(
    "s.school_id" if c == "school_id" else
    "ARRAY(SELECT g->>'guardian_id' FROM jsonb_array_elements(s.guardians) g) AS guardian_ids"
    if c == "guardian_ids" else f"c.{c}" for c in _COLUMNS.split(", "))
_SCOPED = "cases c JOIN students s USING (student_id)"


def _row(record: asyncpg.Record) -> CaseRow:
    return CaseRow(**{**dict(record), "guardian_ids": tuple(record["guardian_ids"])})


async def project(conn: asyncpg.Connection, result: CommandResult[Case]) -> None:
    """Bring the case's row up to date with the state the events just appended made."""
    state = result.state
    opened = state.opened
    if opened is None or not result.events:
        return
    held = state.initial_meeting_held
    written = state.written
    await conn.execute(
        f"INSERT INTO cases ({_COLUMNS}, position) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
        "ON CONFLICT (case_id) DO UPDATE SET school_id = $3, guardian_ids = $4, "
        "status = $5, initial_meeting_held_on = $7, "
        "plan_version = $8, review_due_on = $9, reevaluation_due_on = $10, "
        "pending_due_process = $11, open_disputes = $12, position = $13",
        opened.case_id, opened.student_id, state.school_id,
        [g.guardian_id for g in state.guardians], state.status, opened.meeting_due_on,
        held.held_on if held else None,
        state.current_version.number if state.current_version else None,
        written.review_due_on if written and state.revoked is None else None,
        state.reevaluation_due_on, state.pending_due_process is not None,
        sum(d.pending for d in state.disputes), result.events[-1].global_position)


async def case_row(pool: asyncpg.Pool, case_id: str) -> CaseRow | None:
    record = await pool.fetchrow(f"SELECT {_READ} FROM {_SCOPED} WHERE c.case_id = $1",
                                 case_id)
    return None if record is None else _row(record)


@dataclass(frozen=True)
class Filters:
    student_id: str | None = None
    status: str | None = None
    meeting_overdue: bool | None = None
    review_overdue: bool | None = None
    limit: int = 100


async def cases_for(pool: asyncpg.Pool, principal: Principal, filters: Filters, today: date
                    ) -> Sequence[CaseRow]:
    """The cases `principal` may read that match `filters`, soonest meeting due first.

    A meeting is overdue when no initial-plan meeting was held by its due date (300.323(c));
    an annual review when the plan's anniversary has passed (300.324(b)).
    """
    parent = principal.subject if principal.role == "parent" else None
    records = await pool.fetch(
        f"SELECT {_READ} FROM {_SCOPED} "
        "WHERE ($1::text IS NULL OR c.student_id = $1) "
        "AND ($2::text IS NULL OR c.status = $2) "
        "AND ($3::boolean IS NULL OR (c.initial_meeting_held_on IS NULL "
        "     AND c.meeting_due_on < $5) = $3) "
        "AND ($4::boolean IS NULL OR (c.review_due_on IS NOT NULL "
        "     AND c.review_due_on < $5) = $4) "
        "AND CASE WHEN $6::text IS NOT NULL "
        "         THEN s.guardians @> jsonb_build_array(jsonb_build_object('guardian_id', $6)) "
        "         ELSE $7 OR s.school_id = ANY($8::text[]) END "
        "ORDER BY c.meeting_due_on, c.case_id LIMIT $9",
        filters.student_id, filters.status, filters.meeting_overdue, filters.review_overdue,
        today, parent, principal.district_wide, list(principal.schools), filters.limit)
    return [_row(r) for r in records]


async def is_guardian_of(pool: asyncpg.Pool, subject: str, student_id: str) -> bool:
    """Whether `subject` is a current guardian of the student, by the student record."""
    found: bool = await pool.fetchval(
        "SELECT EXISTS (SELECT 1 FROM students WHERE student_id = $1 "
        "AND guardians @> jsonb_build_array(jsonb_build_object('guardian_id', $2::text)))",
        student_id, subject)
    return found


async def purge(conn: asyncpg.Connection, student_id: str) -> None:
    """The student's records were destroyed: forget the personal data kept here."""
    await conn.execute("UPDATE students SET date_of_birth = NULL WHERE student_id = $1",
                       student_id)
