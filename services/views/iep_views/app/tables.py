"""The views' tables: one row per student, their open deadlines, their guardians, and their
timeline.

Created by the projection (at migration, and again by a rebuild). `case_events` has a row
for every event the views applied, keyed by (source, position): it is the timeline, and
it answers "has the view applied this event yet?" for read-your-writes.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import asyncpg
from pydantic_core import to_json

from iep_views.domain.case import (
    Case,
    DeliveryPart,
    Entry,
    EvaluationPart,
    PlanningPart,
    ReferralPart,
    StudentPart,
)
from iep_views.domain.rules import ViewRules, local_today

TABLES = ("case_students", "case_deadlines", "case_guardians", "case_events")

CREATE = """
CREATE TABLE IF NOT EXISTS case_students (
    student_id           text PRIMARY KEY,
    school_id            text,
    stage                text NOT NULL,
    deadline_kind        text,
    deadline_on          date,
    deadline_rule        text,
    referral             jsonb,
    evaluation           jsonb,
    records_destroyed_on date,
    planning             jsonb,
    stay_put             boolean NOT NULL DEFAULT false,
    delivery             jsonb,
    services             jsonb,
    minutes_owed         integer NOT NULL DEFAULT 0,
    student              jsonb
);
ALTER TABLE case_students ADD COLUMN IF NOT EXISTS planning jsonb;
ALTER TABLE case_students ADD COLUMN IF NOT EXISTS stay_put boolean NOT NULL DEFAULT false;
ALTER TABLE case_students ADD COLUMN IF NOT EXISTS delivery jsonb;
ALTER TABLE case_students ADD COLUMN IF NOT EXISTS services jsonb;
ALTER TABLE case_students ADD COLUMN IF NOT EXISTS minutes_owed integer NOT NULL DEFAULT 0;
-- The student record's school and guardians (ids and languages, nothing personal).
ALTER TABLE case_students ADD COLUMN IF NOT EXISTS student jsonb;
CREATE INDEX IF NOT EXISTS case_students_by_school
    ON case_students (school_id, deadline_on, student_id);
CREATE INDEX IF NOT EXISTS case_students_by_deadline
    ON case_students (deadline_kind, deadline_on) WHERE deadline_kind IS NOT NULL;

-- Every deadline a student's case has to meet now (the dashboard's lists): one row each;
-- an open dispute without a deadline has a row with no date.
CREATE TABLE IF NOT EXISTS case_deadlines (
    student_id text NOT NULL,
    school_id  text,
    kind       text NOT NULL,
    due_on     date,
    rule       text NOT NULL,
    about      text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS case_deadlines_by_student ON case_deadlines (student_id);
CREATE INDEX IF NOT EXISTS case_deadlines_by_kind ON case_deadlines (kind, due_on);

CREATE TABLE IF NOT EXISTS case_guardians (
    guardian_id        text NOT NULL,
    student_id         text NOT NULL,
    preferred_language text NOT NULL,
    PRIMARY KEY (guardian_id, student_id)
);
CREATE INDEX IF NOT EXISTS case_guardians_by_student ON case_guardians (student_id);

CREATE TABLE IF NOT EXISTS case_events (
    source      text NOT NULL,
    position    bigint NOT NULL,
    student_id  text NOT NULL,
    event_id    uuid NOT NULL,
    event_type  text NOT NULL,
    kind        text NOT NULL,
    happened_on date NOT NULL,
    recorded_at timestamptz NOT NULL,
    actor_role  text NOT NULL,
    guardian_id text,
    facts       jsonb NOT NULL,
    personal    jsonb,
    PRIMARY KEY (source, position)
);
CREATE INDEX IF NOT EXISTS case_events_by_student
    ON case_events (student_id, happened_on DESC, recorded_at DESC);
-- The two times of an act: the day it happened (the producer's occurred_on, null for an
-- event that is not an act) beside the district's day it was recorded, and the days
-- between; the dashboard's late entries are people's entries past the window (an event a
-- process manager or timer appends is dated by the act that caused it, which is listed).
ALTER TABLE case_events ADD COLUMN IF NOT EXISTS occurred_on date;
ALTER TABLE case_events ADD COLUMN IF NOT EXISTS recorded_on date;
ALTER TABLE case_events ADD COLUMN IF NOT EXISTS days_late integer;
ALTER TABLE case_events ADD COLUMN IF NOT EXISTS late_entry_reason_given boolean
    NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS case_events_late_entries ON case_events (days_late DESC)
    WHERE days_late > 0 AND actor_role <> 'system';
"""

_CASE_COLUMNS = ("student_id, school_id, stage, deadline_kind, deadline_on, deadline_rule, "
                 "referral, evaluation, records_destroyed_on, planning, stay_put, delivery, "
                 "services, minutes_owed, student")
_UPSERT_CASE = (
    f"INSERT INTO case_students ({_CASE_COLUMNS}) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10::jsonb, $11, $12::jsonb, "
    "$13::jsonb, $14, $15::jsonb) "
    "ON CONFLICT (student_id) DO UPDATE SET school_id = $2, stage = $3, deadline_kind = $4, "
    "deadline_on = $5, deadline_rule = $6, referral = $7::jsonb, evaluation = $8::jsonb, "
    "records_destroyed_on = $9, planning = $10::jsonb, stay_put = $11, delivery = $12::jsonb, "
    "services = $13::jsonb, minutes_owed = $14, student = $15::jsonb")
_DEADLINE_COLUMNS = ["student_id", "school_id", "kind", "due_on", "rule", "about"]
_ENTRY_COLUMNS = ("source, position, student_id, event_id, event_type, kind, happened_on, "
                  "recorded_at, actor_role, guardian_id, facts, personal, occurred_on, "
                  "recorded_on, days_late, late_entry_reason_given")
_INSERT_ENTRY = (
    f"INSERT INTO case_events ({_ENTRY_COLUMNS}) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb, $13, $14, $15, "
    "$16)")
BULK = 50  # from this many rows on, COPY is faster than one statement per row


async def create(conn: asyncpg.Connection) -> None:
    await conn.execute(CREATE)


def _json(value: Any) -> str | None:
    return None if value is None else to_json(value).decode()


def case_of(record: asyncpg.Record) -> Case:
    referral, evaluation, planning, delivery = record["referral"], record["evaluation"], \
        record["planning"], record["delivery"]
    student = record["student"]
    return Case(
        student_id=record["student_id"],
        student=None if student is None else StudentPart.model_validate(student),
        referral=None if referral is None else ReferralPart.model_validate(referral),
        evaluation=None if evaluation is None else EvaluationPart.model_validate(evaluation),
        planning=None if planning is None else PlanningPart.model_validate(planning),
        delivery=None if delivery is None else DeliveryPart.model_validate(delivery),
        records_destroyed_on=record["records_destroyed_on"])


async def load_cases(conn: asyncpg.Connection, student_ids: Iterable[str]) -> dict[str, Case]:
    rows = await conn.fetch(
        "SELECT student_id, referral, evaluation, planning, delivery, records_destroyed_on, "
        "student FROM case_students WHERE student_id = ANY($1::text[])", list(student_ids))
    return {r["student_id"]: case_of(r) for r in rows}


def case_row(case: Case, district: ViewRules) -> tuple[Any, ...]:
    deadline = case.next_deadline(district)
    return (case.student_id, case.school_id, case.stage,
            deadline.kind if deadline else None, deadline.due_on if deadline else None,
            deadline.rule if deadline else None,
            case.referral.model_dump_json() if case.referral else None,
            case.evaluation.model_dump_json() if case.evaluation else None,
            case.records_destroyed_on,
            case.planning.model_dump_json() if case.planning else None,
            case.stay_put,
            case.delivery.model_dump_json() if case.delivery else None,
            _json(services_of(case)), case.delivery.owed if case.delivery else 0,
            case.student.model_dump_json() if case.student else None)


def services_of(case: Case) -> list[dict[str, Any]] | None:
    """Each scheduled service without its sessions: what lists need to count minutes."""
    if case.delivery is None or not case.delivery.schedules:
        return None
    return [{"schedule_id": s.schedule_id, "service": s.service,
             "minutes_per_session": s.minutes_per_session,
             "sessions_per_period": s.sessions_per_period, "period": s.period,
             "starts_on": s.starts_on.isoformat(), "ends_on": s.ends_on.isoformat(),
             "delivered": s.delivered, "missed": s.missed, "owed": s.owed}
            for s in case.delivery.schedules]


def deadline_rows(case: Case, district: ViewRules) -> list[tuple[Any, ...]]:
    return [(case.student_id, case.school_id, d.kind, d.due_on, d.rule, d.about or "")
            for d in case.deadlines(district)]


async def save_cases(conn: asyncpg.Connection, cases: Sequence[Case],
                     district: ViewRules) -> None:
    rows = [case_row(c, district) for c in cases]
    deadlines = [row for c in cases for row in deadline_rows(c, district)]
    await conn.execute("DELETE FROM case_deadlines WHERE student_id = ANY($1::text[])",
                       [c.student_id for c in cases])
    if deadlines:
        await conn.copy_records_to_table("case_deadlines", records=deadlines,
                                         columns=_DEADLINE_COLUMNS)
    if len(rows) < BULK:
        await conn.executemany(_UPSERT_CASE, rows)
        return
    await _upsert(conn, "case_students", rows, _CASE_COLUMNS,
                  "ON CONFLICT (student_id) DO UPDATE SET school_id = EXCLUDED.school_id, "
                  "stage = EXCLUDED.stage, deadline_kind = EXCLUDED.deadline_kind, "
                  "deadline_on = EXCLUDED.deadline_on, deadline_rule = EXCLUDED.deadline_rule, "
                  "referral = EXCLUDED.referral, evaluation = EXCLUDED.evaluation, "
                  "records_destroyed_on = EXCLUDED.records_destroyed_on, "
                  "planning = EXCLUDED.planning, stay_put = EXCLUDED.stay_put, "
                  "delivery = EXCLUDED.delivery, services = EXCLUDED.services, "
                  "minutes_owed = EXCLUDED.minutes_owed, student = EXCLUDED.student")


def entry_row(source: str, position: int, student_id: str, event_id: Any, event_type: str,
              recorded_at: datetime, actor_role: str, entry: Entry, district: ViewRules,
              clock_at: datetime) -> tuple[Any, ...]:
    """`clock_at` is the envelope's `occurred_at`: the district clock's instant when the
    event was recorded (the instant of `recorded_at` in production). Lateness is counted to
    the district's date then, as the producers' own late-entry check counts it, so a
    rehearsal on a moved clock shows the late entries it made."""
    recorded_on = local_today(clock_at, district)
    days_late = None if entry.occurred_on is None else (recorded_on - entry.occurred_on).days
    return (source, position, student_id, event_id, event_type, entry.kind, entry.on,
            recorded_at, actor_role, entry.guardian_id, _json(entry.facts),
            _json(entry.personal or None), entry.occurred_on, recorded_on, days_late,
            entry.late_entry_reason_given)


async def add_entries(conn: asyncpg.Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    if len(rows) < BULK:
        await conn.executemany(_INSERT_ENTRY, rows)
        return
    await conn.copy_records_to_table("case_events", records=rows, columns=_names(_ENTRY_COLUMNS))


async def _upsert(conn: asyncpg.Connection, table: str, rows: Sequence[tuple[Any, ...]],
                  columns: str, on_conflict: str) -> None:
    """Many rows at once, where some may exist: binary COPY into a scratch table, then one
    INSERT ... ON CONFLICT (a COPY cannot update)."""
    scratch = f"{table}_in"
    await conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {scratch} (LIKE {table}) "
                       f"ON COMMIT DROP; TRUNCATE {scratch}")
    await conn.copy_records_to_table(scratch, records=rows, columns=_names(columns))
    await conn.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {scratch} "
                       f"{on_conflict}")


def _names(columns: str) -> list[str]:
    return [c.strip() for c in columns.split(",")]


async def save_guardians(conn: asyncpg.Connection, cases: Sequence[Case]) -> None:
    """Each student's guardians are those of their student record."""
    await conn.execute("DELETE FROM case_guardians WHERE student_id = ANY($1::text[])",
                       [c.student_id for c in cases])
    await conn.copy_records_to_table(
        "case_guardians", columns=["guardian_id", "student_id", "preferred_language"],
        records=[(g.guardian_id, c.student_id, g.preferred_language)
                 for c in cases for g in c.guardians])


async def forget_personal(conn: asyncpg.Connection, student_ids: Sequence[str]) -> None:
    """Drop the personal data the views keep about these students (34 CFR 300.624)."""
    await conn.execute(
        "UPDATE case_events SET personal = NULL "
        "WHERE student_id = ANY($1::text[]) AND personal IS NOT NULL", list(student_ids))
    await conn.execute(
        "UPDATE case_students SET referral = jsonb_set(referral, '{student_name}', "
        "'\"[destroyed]\"') WHERE student_id = ANY($1::text[]) AND referral IS NOT NULL",
        list(student_ids))


async def purge(conn: asyncpg.Connection, student_id: str) -> None:
    """`ServiceSpec.purge`: a student's records were destroyed."""
    await forget_personal(conn, [student_id])

