"""The query tables: the students (for scoping: the school and guardians of the student
record, see `students`; the case planning opened) and the progress reports by id. Rows are
written on the connection of the transaction that applied the consumed event or appended
the events."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from iep_kernel.auth import Principal
from iep_kernel.decider import CommandResult

from iep_services_delivery.domain.events import (
    ProgressReportDue,
    ProgressReportIssued,
    ProgressReportOverdue,
)
from iep_services_delivery.domain.state import Delivery
from iep_services_delivery.domain.values import Guardian


@dataclass(frozen=True)
class Student:
    student_id: str
    case_id: str
    school_id: str
    guardians: tuple[Guardian, ...]

    def readable_by(self, principal: Principal) -> bool:
        """Parents read their own child's services; staff those of the schools they serve."""
        if principal.role == "parent":
            return principal.subject in {g.guardian_id for g in self.guardians}
        return principal.serves_school(self.school_id)


async def student(conn: asyncpg.Connection | asyncpg.Pool, student_id: str
                  ) -> Student | None:
    """The student with their current school and guardians, once planning opened their
    case (a student known only from the record has no services here yet)."""
    row = await conn.fetchrow("SELECT case_id, school_id, guardians FROM students "
                              "WHERE student_id = $1 AND case_id IS NOT NULL", student_id)
    if row is None:
        return None
    return Student(student_id, row["case_id"], row["school_id"],
                   tuple(Guardian(**g) for g in row["guardians"]))


async def project(conn: asyncpg.Connection, result: CommandResult[Delivery]) -> None:
    """The reports' rows, brought up to date with the events just appended."""
    for envelope in result.events:
        match envelope.data:
            case ProgressReportDue() as due:
                await conn.execute(
                    "INSERT INTO reports (report_id, student_id, due_on) VALUES ($1, $2, $3) "
                    "ON CONFLICT (report_id) DO NOTHING",
                    due.report_id, due.student_id, due.due_on)
            case ProgressReportIssued() as issued:
                await conn.execute("UPDATE reports SET issued_on = $2 WHERE report_id = $1",
                                   issued.report_id, issued.issued_on)
            case ProgressReportOverdue() as overdue:
                await conn.execute("UPDATE reports SET overdue = true WHERE report_id = $1",
                                   overdue.report_id)


async def student_of_report(pool: asyncpg.Pool, report_id: str) -> str | None:
    found: str | None = await pool.fetchval(
        "SELECT student_id FROM reports WHERE report_id = $1", report_id)
    return found


async def is_guardian_of(pool: asyncpg.Pool, subject: str, student_id: str) -> bool:
    """Whether `subject` is a current guardian of the student, by the student record."""
    found: bool = await pool.fetchval(
        "SELECT EXISTS (SELECT 1 FROM students WHERE student_id = $1 "
        "AND guardians @> jsonb_build_array(jsonb_build_object('guardian_id', $2::text)))",
        student_id, subject)
    return found


async def purge(conn: asyncpg.Connection, student_id: str) -> None:
    """The student's records were destroyed: nothing personal is kept in these tables (the
    personal fields live sealed in the events), so nothing is removed."""
