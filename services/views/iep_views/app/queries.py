"""The views' reads: caseload, compliance dashboard, case file, a guardian's children.

Scope is applied here, in SQL: staff see the schools in their token, administrators and
auditors the whole district (`schools=None`), a guardian the children whose referral
names them.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import asyncpg

from iep_views.app import tables
from iep_views.domain.case import Case
from iep_views.domain.rules import Bucket, Kind

_ROW = ("student_id, school_id, stage, deadline_kind, deadline_on, deadline_rule, "
        "referral->>'referral_id' AS referral_id, referral->>'grade' AS grade, "
        "evaluation->>'evaluation_id' AS evaluation_id")


@dataclass(frozen=True)
class CaseloadFilters:
    schools: list[str] | None  # None: the whole district
    stage: str | None
    overdue: bool | None
    limit: int
    offset: int


async def caseload(pool: asyncpg.Pool, filters: CaseloadFilters, today: date
                   ) -> tuple[int, list[asyncpg.Record]]:
    """Students in scope, most urgent first (the nearest or longest-passed deadline), with
    the number matching the filters."""
    rows = await pool.fetch(
        f"SELECT {_ROW}, count(*) OVER () AS total FROM case_students "
        "WHERE ($1::text[] IS NULL OR school_id = ANY($1::text[])) "
        "AND ($2::text IS NULL OR stage = $2) "
        "AND ($3::boolean IS NULL OR (deadline_on IS NOT NULL AND deadline_on < $4) = $3) "
        "ORDER BY deadline_on NULLS LAST, student_id LIMIT $5 OFFSET $6",
        filters.schools, filters.stage, filters.overdue, today, filters.limit,
        filters.offset)
    return (rows[0]["total"] if rows else 0), rows


# Which students fall in each bucket: $1 today, $2 the last day counted as "due soon".
_BUCKET = (
    f"CASE WHEN deadline_kind = '{Kind.EVALUATION_DUE}' AND deadline_on < $1 "
    f"THEN '{Bucket.EVALUATIONS_OVERDUE}' "
    f"WHEN deadline_kind = '{Kind.EVALUATION_DUE}' AND deadline_on >= $1 "
    f"THEN '{Bucket.EVALUATIONS_DUE_SOON}' "
    f"WHEN deadline_kind = '{Kind.CONSENT_FOLLOW_UP}' AND deadline_on < $1 "
    f"THEN '{Bucket.CONSENTS_UNANSWERED}' END")
_IN_SCOPE = (
    f"deadline_kind IN ('{Kind.EVALUATION_DUE}', '{Kind.CONSENT_FOLLOW_UP}') "
    "AND deadline_on <= $2 AND ($3::text[] IS NULL OR school_id = ANY($3::text[]))")


async def compliance(pool: asyncpg.Pool, schools: list[str] | None, today: date,
                     due_soon_days: int, limit: int
                     ) -> tuple[dict[tuple[str, str], int], list[dict[str, Any]]]:
    """Counts by (school, bucket), and up to `limit` students of each, most urgent first."""
    last = today + timedelta(due_soon_days)
    counts = await pool.fetch(
        f"SELECT school_id, {_BUCKET} AS bucket, count(*) AS n FROM case_students "
        f"WHERE {_IN_SCOPE} GROUP BY 1, 2", today, last, schools)
    listed = await pool.fetch(
        f"SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY school_id, bucket "
        f"ORDER BY deadline_on, student_id) AS n FROM (SELECT {_ROW}, {_BUCKET} AS bucket "
        f"FROM case_students WHERE {_IN_SCOPE}) b WHERE bucket IS NOT NULL) r "
        f"WHERE n <= $4 ORDER BY school_id, bucket, n", today, last, schools, limit)
    found = {(r["school_id"], r["bucket"]): r["n"] for r in counts if r["bucket"]}
    return found, [dict(r) for r in listed]


async def case_file(pool: asyncpg.Pool, student_id: str
                    ) -> tuple[asyncpg.Record, list[asyncpg.Record]] | None:
    row = await pool.fetchrow(
        f"SELECT {_ROW}, referral, evaluation, records_destroyed_on FROM case_students "
        "WHERE student_id = $1", student_id)
    if row is None:
        return None
    entries = await pool.fetch(
        "SELECT source, position, event_type, kind, happened_on, recorded_at, actor_role, "
        "guardian_id, facts, personal FROM case_events WHERE student_id = $1 "
        "ORDER BY happened_on DESC, recorded_at DESC, source, position DESC", student_id)
    return row, entries


@dataclass(frozen=True)
class Child:
    case: Case
    preferred_language: str
    entries: list[asyncpg.Record]


async def children_of(pool: asyncpg.Pool, guardian_id: str, kinds: list[str],
                      student_id: str | None = None) -> list[Child]:
    """The guardian's children (or the one asked for), with the timeline entries a parent
    sees: those about the case, and notices addressed to this guardian."""
    rows = await pool.fetch(
        "SELECT s.student_id, s.referral, s.evaluation, s.records_destroyed_on, "
        "g.preferred_language FROM case_guardians g JOIN case_students s USING (student_id) "
        "WHERE g.guardian_id = $1 AND ($2::text IS NULL OR g.student_id = $2) "
        "ORDER BY s.student_id", guardian_id, student_id)
    if not rows:
        return []
    entries = await pool.fetch(
        "SELECT student_id, kind, happened_on, recorded_at, facts FROM case_events "
        "WHERE student_id = ANY($1::text[]) AND kind = ANY($2::text[]) "
        "AND (guardian_id IS NULL OR guardian_id = $3) "
        "ORDER BY happened_on DESC, recorded_at DESC, source, position DESC",
        [r["student_id"] for r in rows], kinds, guardian_id)
    by_student: dict[str, list[asyncpg.Record]] = {}
    for entry in entries:
        by_student.setdefault(entry["student_id"], []).append(entry)
    return [Child(tables.case_of(r), r["preferred_language"], by_student.get(r["student_id"],
                                                                             []))
            for r in rows]


async def is_guardian_of(pool: asyncpg.Pool, guardian_id: str, student_id: str) -> bool:
    return bool(await pool.fetchval(
        "SELECT EXISTS (SELECT 1 FROM case_guardians WHERE guardian_id = $1 "
        "AND student_id = $2)", guardian_id, student_id))
