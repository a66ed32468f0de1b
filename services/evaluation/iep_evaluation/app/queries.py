"""The query tables: what the worker keeps from referrals, and one row per evaluation.
Who may read an evaluation is decided by the student's row in `students` (the student
record, see `students`), never by the copies the evaluation was opened with.

Rows are written on the connection of the transaction that appended the events (or applied
the consumed event), so lists and access checks never disagree with the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import asyncpg
from iep_kernel.auth import Principal
from iep_kernel.decider import CommandResult

from iep_evaluation.domain.decider import Evaluation
from iep_evaluation.domain.events import DayCount


@dataclass(frozen=True)
class Referral:
    referral_id: str
    student_id: str
    school_id: str
    date_of_birth: date | None
    guardian_ids: tuple[str, ...]


@dataclass(frozen=True)
class EvaluationRow:
    """An evaluation in brief: ids, status, dates and counts; never personal data. Read
    back, `school_id` and `guardian_ids` are the student's current ones (the record's)."""

    evaluation_id: str
    referral_id: str
    student_id: str
    school_id: str
    guardian_ids: tuple[str, ...]
    status: str
    consent_signed_on: date
    consent_received_on: date
    due_on: date
    day_count: DayCount
    assessments: int
    evaluators: int
    determined_on: date | None
    section_504_referral: bool
    deadline_warned: bool
    overdue_raised: bool

    def readable_by(self, principal: Principal) -> bool:
        """Parents read their own child's evaluation; staff those of the schools they serve."""
        if principal.role == "parent":
            return principal.subject in self.guardian_ids
        return principal.serves_school(self.school_id)


def row_of(state: Evaluation) -> EvaluationRow:
    opened = state.opened
    assert opened is not None  # only opened evaluations have rows
    found = state.eligibility
    return EvaluationRow(
        evaluation_id=opened.evaluation_id, referral_id=opened.referral_id,
        student_id=opened.student_id, school_id=opened.school_id,
        guardian_ids=opened.guardian_ids, status=state.status,
        consent_signed_on=opened.consent_signed_on,
        consent_received_on=opened.consent_received_on, due_on=opened.due_on,
        day_count=opened.day_count, assessments=len(state.assessments),
        evaluators=len(state.evaluators),
        determined_on=None if found is None else found.determined_on,
        section_504_referral=found is not None and found.section_504_referral,
        deadline_warned=state.deadline_warned, overdue_raised=state.overdue_raised)


_FIELDS = tuple(EvaluationRow.__dataclass_fields__)
_ROW = ", ".join(_FIELDS)
_FROM_RECORD = ("school_id", "guardian_ids")  # read from the student's row, not the copy
_READ = ", ".join(f"s.{f}" if f in _FROM_RECORD else f"e.{f}" for f in _FIELDS)
_SCOPED = "evaluations e JOIN students s USING (student_id)"


def _row(record: asyncpg.Record) -> EvaluationRow:
    values = dict(record)
    values["guardian_ids"] = tuple(values["guardian_ids"])
    values["day_count"] = DayCount(values["day_count"])
    return EvaluationRow(**values)


async def remember_referral(conn: asyncpg.Connection, referral: Referral) -> None:
    await conn.execute(
        "INSERT INTO referrals (referral_id, student_id, school_id, date_of_birth, "
        "guardian_ids) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (referral_id) DO UPDATE SET "
        "school_id = $3, date_of_birth = $4, guardian_ids = $5",
        referral.referral_id, referral.student_id, referral.school_id,
        referral.date_of_birth, list(referral.guardian_ids))


async def referral(conn: asyncpg.Connection, referral_id: str) -> Referral | None:
    record = await conn.fetchrow(
        "SELECT referral_id, student_id, school_id, date_of_birth, guardian_ids "
        "FROM referrals WHERE referral_id = $1", referral_id)
    if record is None:
        return None
    return Referral(**{**dict(record), "guardian_ids": tuple(record["guardian_ids"])})


_CHANGING = ("status", "assessments", "evaluators", "determined_on", "section_504_referral",
             "deadline_warned", "overdue_raised", "position")
_SAVE = (
    f"INSERT INTO evaluations ({_ROW}, position) VALUES "
    f"({', '.join(f'${n}' for n in range(1, len(_FIELDS) + 2))}) "
    "ON CONFLICT (evaluation_id) DO UPDATE SET "
    + ", ".join(f"{f} = EXCLUDED.{f}" for f in _CHANGING))


async def project(conn: asyncpg.Connection, result: CommandResult[Evaluation]) -> None:
    """Bring the evaluation's row up to date with the events just appended (if any)."""
    if result.last_position is None or result.state.opened is None:
        return
    row = row_of(result.state)
    values = [getattr(row, f) for f in _FIELDS]
    values[_FIELDS.index("guardian_ids")] = list(row.guardian_ids)
    values[_FIELDS.index("day_count")] = row.day_count.value
    await conn.execute(_SAVE, *values, result.last_position)


async def evaluation_row(pool: asyncpg.Pool, evaluation_id: str) -> EvaluationRow | None:
    record = await pool.fetchrow(
        f"SELECT {_READ} FROM {_SCOPED} WHERE e.evaluation_id = $1", evaluation_id)
    return None if record is None else _row(record)


@dataclass(frozen=True)
class Filters:
    student_id: str | None = None
    status: str | None = None
    overdue: bool | None = None
    limit: int = 100


async def evaluations_for(pool: asyncpg.Pool, principal: Principal, filters: Filters,
                          today: date) -> Sequence[EvaluationRow]:
    """The evaluations `principal` may read that match `filters`, soonest due first.

    Overdue means still open on a day after the due date (34 CFR 300.301(c)).
    """
    parent = principal.subject if principal.role == "parent" else None
    records = await pool.fetch(
        f"SELECT {_READ} FROM {_SCOPED} "
        "WHERE ($1::text IS NULL OR e.student_id = $1) "
        "AND ($2::text IS NULL OR e.status = $2) "
        "AND ($3::boolean IS NULL OR (e.status = 'open' AND e.due_on < $4) = $3) "
        "AND CASE WHEN $5::text IS NOT NULL THEN $5 = ANY(s.guardian_ids) "
        "         ELSE $6 OR s.school_id = ANY($7::text[]) END "
        "ORDER BY e.due_on, e.evaluation_id LIMIT $8",
        filters.student_id, filters.status, filters.overdue, today, parent,
        principal.district_wide, list(principal.schools), filters.limit)
    return [_row(r) for r in records]


async def is_guardian_of(pool: asyncpg.Pool, subject: str, student_id: str) -> bool:
    """Whether `subject` is a current guardian of the student, by the student record."""
    found: bool = await pool.fetchval(
        "SELECT EXISTS (SELECT 1 FROM students WHERE student_id = $1 "
        "AND $2 = ANY(guardian_ids))", student_id, subject)
    return found


async def purge(conn: asyncpg.Connection, student_id: str) -> None:
    """The student's records were destroyed: forget the personal data kept here."""
    await conn.execute("UPDATE referrals SET date_of_birth = NULL WHERE student_id = $1",
                       student_id)
