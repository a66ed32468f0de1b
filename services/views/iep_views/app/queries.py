"""The views' reads: caseload, compliance dashboard, case file, a guardian's children.

Scope is applied here, in SQL: staff see the schools in their token, administrators and
auditors the whole district (`schools=None`), a guardian the children whose student
record names them (`case_guardians`); a student's school is their record's.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from iep_views.app import tables
from iep_views.domain.case import Case
from iep_views.domain.rules import BucketSpec

_ROW = ("student_id, school_id, stage, deadline_kind, deadline_on, deadline_rule, "
        "referral->>'referral_id' AS referral_id, referral->>'grade' AS grade, "
        "evaluation->>'evaluation_id' AS evaluation_id, planning->>'case_id' AS case_id, "
        "planning->>'plan_id' AS plan_id, stay_put, services")


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


def _bucket_sql(specs: tuple[BucketSpec, ...]) -> str:
    """Which list a deadline row falls in: $1 today. Windows and kinds are the district's
    settings and this module's constants (integers and identifiers), never a request's."""
    cases = []
    for spec in specs:
        kinds = ", ".join(f"'{k}'" for k in spec.kinds)
        if spec.every:
            when = "true"
        elif spec.window is None:
            when = "d.due_on < $1::date"
        else:
            when = f"d.due_on >= $1::date AND d.due_on <= $1::date + {int(spec.window)}"
        cases.append(f"WHEN d.kind IN ({kinds}) AND {when} THEN '{spec.bucket}'")
    return f"CASE {' '.join(cases)} END"


async def compliance(pool: asyncpg.Pool, schools: list[str] | None, today: date,
                     specs: tuple[BucketSpec, ...], limit: int
                     ) -> tuple[dict[tuple[str, str], int], list[dict[str, Any]]]:
    """Counts by (school, list), and up to `limit` students of each, most urgent first
    (undated open disputes last). A row names the deadline that put it in the list."""
    bucketed = (
        f"SELECT d.student_id, d.school_id, d.kind, d.due_on, d.rule, d.about, "
        f"{_bucket_sql(specs)} AS bucket FROM case_deadlines d "
        "WHERE ($2::text[] IS NULL OR d.school_id = ANY($2::text[]))")
    counts = await pool.fetch(
        f"SELECT school_id, bucket, count(*) AS n FROM ({bucketed}) b "
        "WHERE bucket IS NOT NULL GROUP BY 1, 2", today, schools)
    listed = await pool.fetch(
        f"SELECT r.*, s.stage, s.stay_put, s.referral->>'referral_id' AS referral_id, "
        "s.referral->>'grade' AS grade, s.evaluation->>'evaluation_id' AS evaluation_id, "
        "s.planning->>'case_id' AS case_id, s.planning->>'plan_id' AS plan_id, s.services, "
        "r.kind AS deadline_kind, r.due_on AS deadline_on, r.rule AS deadline_rule "
        "FROM (SELECT b.*, row_number() OVER (PARTITION BY school_id, bucket "
        f"ORDER BY due_on NULLS LAST, student_id, about) AS n FROM ({bucketed}) b "
        "WHERE bucket IS NOT NULL) r JOIN case_students s USING (student_id) "
        "WHERE r.n <= $3 ORDER BY r.school_id, r.bucket, r.n", today, schools, limit)
    found = {(r["school_id"], r["bucket"]): r["n"] for r in counts}
    return found, [dict(r) for r in listed]


async def late_entries(pool: asyncpg.Pool, schools: list[str] | None, window: int,
                       limit: int) -> tuple[dict[str, int], list[asyncpg.Record]]:
    """Acts people recorded more than `window` days after they happened: how many per
    school (the student's school now), and up to `limit` of each school, most late first.
    An event the system appends (a process manager, a timer) is dated by the act that
    caused it: not a late entry of its own (that act is listed if it was late)."""
    # The first two conditions are the partial index's; the window is never below 0.
    late = ("SELECT e.student_id, s.school_id, e.source, e.position, e.event_type, e.kind, "
            "e.occurred_on, e.recorded_on, e.days_late, e.late_entry_reason_given, "
            "row_number() OVER (PARTITION BY s.school_id ORDER BY e.days_late DESC, "
            "e.recorded_at DESC, e.source, e.position) AS n "
            "FROM case_events e JOIN case_students s USING (student_id) "
            "WHERE e.days_late > 0 AND e.actor_role <> 'system' AND e.days_late > $1 "
            "AND ($2::text[] IS NULL OR s.school_id = ANY($2::text[])) "
            "AND s.school_id IS NOT NULL")
    rows = await pool.fetch(f"SELECT * FROM ({late}) l WHERE n <= $3 "
                            "ORDER BY school_id, n", window, schools, limit)
    counts = await pool.fetch(f"SELECT school_id, count(*) AS n FROM ({late}) l GROUP BY 1",
                              window, schools)
    return {r["school_id"]: r["n"] for r in counts}, list(rows)


async def school_services(pool: asyncpg.Pool, schools: list[str] | None
                          ) -> list[asyncpg.Record]:
    """Each school's students with services: their schedules, to count minutes."""
    return list(await pool.fetch(
        "SELECT school_id, student_id, services FROM case_students WHERE services IS NOT NULL "
        "AND ($1::text[] IS NULL OR school_id = ANY($1::text[]))", schools))


async def case_file(pool: asyncpg.Pool, student_id: str
                    ) -> tuple[asyncpg.Record, list[asyncpg.Record]] | None:
    row = await pool.fetchrow(
        f"SELECT {_ROW}, referral, evaluation, planning, delivery, records_destroyed_on, "
        "student FROM case_students "
        "WHERE student_id = $1", student_id)
    if row is None:
        return None
    entries = await pool.fetch(
        "SELECT source, position, event_type, kind, happened_on, recorded_at, actor_role, "
        "guardian_id, facts, personal, occurred_on, recorded_on, days_late, "
        "late_entry_reason_given FROM case_events WHERE student_id = $1 "
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
        "SELECT s.student_id, s.referral, s.evaluation, s.planning, s.delivery, "
        "s.records_destroyed_on, s.student, "
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
