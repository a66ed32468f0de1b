"""The query tables: what the worker keeps from referrals, and one row per evaluation.

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
from iep_kernel.events import Event

from iep_evaluation.domain.decider import Evaluation
from iep_evaluation.domain.events import (
    AssessmentCompleted,
    DayCount,
    EligibilityDetermined,
    EvaluationDeadlineApproaching,
    EvaluationOpened,
    EvaluationOverdue,
)


@dataclass(frozen=True)
class Referral:
    referral_id: str
    student_id: str
    school_id: str
    date_of_birth: date | None
    guardian_ids: tuple[str, ...]


@dataclass(frozen=True)
class EvaluationRow:
    evaluation_id: str
    referral_id: str
    student_id: str
    school_id: str
    guardian_ids: tuple[str, ...]
    status: str
    consent_received_on: date
    due_on: date
    day_count: DayCount
    assessments: int
    determined_on: date | None

    def readable_by(self, principal: Principal) -> bool:
        """Parents read their own child's evaluation; staff those of the schools they serve."""
        if principal.role == "parent":
            return principal.subject in self.guardian_ids
        return principal.serves_school(self.school_id)


_ROW = ("evaluation_id, referral_id, student_id, school_id, guardian_ids, status, "
        "consent_received_on, due_on, day_count, assessments, determined_on")


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


async def _apply(conn: asyncpg.Connection, event: Event, position: int) -> None:
    if isinstance(event, EvaluationOpened):
        await conn.execute(
            "INSERT INTO evaluations (evaluation_id, referral_id, student_id, school_id, "
            "guardian_ids, status, consent_received_on, due_on, day_count, position) "
            "VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9) "
            "ON CONFLICT (evaluation_id) DO NOTHING",
            event.evaluation_id, event.referral_id, event.student_id, event.school_id,
            list(event.guardian_ids), event.consent_received_on, event.due_on,
            event.day_count.value, position)
        return
    values: list[object] = []
    if isinstance(event, AssessmentCompleted):
        change, values = "assessments = $3", [event.assessment_number]
    elif isinstance(event, EligibilityDetermined):
        change = "status = $3, determined_on = $4"
        values = ["eligible" if event.eligible else "not_eligible", event.determined_on]
    elif isinstance(event, EvaluationDeadlineApproaching):
        change = "deadline_warned = true"
    elif isinstance(event, EvaluationOverdue):
        change = "overdue_raised = true"
    else:
        return
    await conn.execute(
        f"UPDATE evaluations SET {change}, position = $2 WHERE evaluation_id = $1",
        event.evaluation_id, position, *values)


async def project(conn: asyncpg.Connection, result: CommandResult[Evaluation]) -> None:
    """Bring the evaluation's row up to date with the events just appended."""
    for envelope in result.events:
        await _apply(conn, envelope.data, envelope.global_position)


async def evaluation_row(pool: asyncpg.Pool, evaluation_id: str) -> EvaluationRow | None:
    record = await pool.fetchrow(
        f"SELECT {_ROW} FROM evaluations WHERE evaluation_id = $1", evaluation_id)
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
        f"SELECT {_ROW} FROM evaluations "
        "WHERE ($1::text IS NULL OR student_id = $1) "
        "AND ($2::text IS NULL OR status = $2) "
        "AND ($3::boolean IS NULL OR (status = 'open' AND due_on < $4) = $3) "
        "AND CASE WHEN $5::text IS NOT NULL THEN $5 = ANY(guardian_ids) "
        "         ELSE $6 OR school_id = ANY($7::text[]) END "
        "ORDER BY due_on, evaluation_id LIMIT $8",
        filters.student_id, filters.status, filters.overdue, today, parent,
        principal.district_wide, list(principal.schools), filters.limit)
    return [_row(r) for r in records]


async def is_guardian_of(pool: asyncpg.Pool, subject: str, student_id: str) -> bool:
    found: bool = await pool.fetchval(
        "SELECT EXISTS (SELECT 1 FROM referrals WHERE student_id = $1 AND $2 = ANY(guardian_ids)"
        " UNION ALL SELECT 1 FROM evaluations WHERE student_id = $1 "
        "AND $2 = ANY(guardian_ids))", student_id, subject)
    return found


async def purge(conn: asyncpg.Connection, student_id: str) -> None:
    """The student's records were destroyed: forget the personal data kept here."""
    await conn.execute("UPDATE referrals SET date_of_birth = NULL WHERE student_id = $1",
                       student_id)
