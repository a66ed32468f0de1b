"""The student record in the app: its stream, its query-table row, and the district's
commands on it (a guardian added or removed, a move to another school).

The `students` row (school and guardian ids, no personal data) is written in the transaction
of the record's events, so every reach check reads the record as it stands.
"""

from datetime import date

import asyncpg
from iep_kernel.decider import CommandHandler, CommandResult, NotFound
from iep_kernel.runtime import ServiceRuntime
from iep_kernel.store import AppendResult
from pydantic import BaseModel

from iep_referral.domain.students import NO_SUCH_STUDENT, StudentRecord, Students, students


def student_stream(student_id: str) -> str:
    return f"student-{student_id}"


class StudentRow(BaseModel):
    """Who a student belongs to, as the reach checks read it: ids only."""

    student_id: str
    school_id: str
    guardian_ids: list[str]
    registered_on: date


class StudentSummary(StudentRow):
    """The answer to a command on the record: ids and dates, never names."""

    position: int = 0


async def _save(conn: asyncpg.Connection, student_id: str, record: StudentRecord,
                position: int) -> None:
    await conn.execute(
        "INSERT INTO students (student_id, school_id, guardian_ids, registered_on, position) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (student_id) DO UPDATE SET "
        "school_id = $2, guardian_ids = $3, position = $5",
        student_id, record.school_id, list(record.guardian_ids), record.registered_on,
        position)


async def project_student(conn: asyncpg.Connection, appended: AppendResult) -> None:
    """The row of a student just registered, in the transaction of `StudentRegistered`."""
    record = students.fold([e.data for e in appended.envelopes]).record
    assert record is not None
    await _save(conn, appended.stream_id.removeprefix("student-"), record,
                appended.last_position)


async def project(conn: asyncpg.Connection, result: CommandResult[Students]) -> None:
    """The `project=` hook of the record's commands."""
    assert result.state.record is not None
    await _save(conn, result.stream_id.removeprefix("student-"), result.state.record,
                result.last_position or 0)


async def student_row(conn: asyncpg.Connection | asyncpg.Pool, student_id: str
                      ) -> StudentRow | None:
    row = await conn.fetchrow("SELECT student_id, school_id, guardian_ids, registered_on "
                              "FROM students WHERE student_id = $1", student_id)
    return None if row is None else StudentRow.model_validate(dict(row))


async def record_of(runtime: ServiceRuntime, student_id: str) -> StudentRecord:
    state, _ = await CommandHandler(runtime.store, students).load(student_stream(student_id))
    if state.record is None:
        raise NotFound(NO_SUCH_STUDENT)
    return state.record


def summary(result: CommandResult[Students]) -> StudentSummary:
    record = result.state.record
    assert record is not None
    return StudentSummary(student_id=result.stream_id.removeprefix("student-"),
                          school_id=record.school_id, guardian_ids=list(record.guardian_ids),
                          registered_on=record.registered_on)
