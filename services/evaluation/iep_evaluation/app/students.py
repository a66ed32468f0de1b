"""The student record: whose child a student is and which school serves them, as the
referral service records it (stream `student-<id>`, on `iep.referral.events`).

It is the one source of a student's school and guardians here: every read scope decides by
the `students` row these events keep. A `ReferralMade` names them only for a student the
record has not mentioned yet (older data), and never changes them: a referral naming another
school or guardian must not hand the child's evaluation to them.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from iep_kernel.events import PublishedEvent
from pydantic import BaseModel, ConfigDict

RECORD_EVENTS = frozenset({"StudentRegistered", "GuardianAdded", "GuardianRemoved",
                           "StudentSchoolChanged"})


class _Reading(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class RecordedGuardian(_Reading):
    guardian_id: str


class Registered(_Reading):
    school_id: str
    guardians: list[RecordedGuardian]


class GuardianAddedData(_Reading):
    school_id: str
    guardian: RecordedGuardian


class GuardianRemovedData(_Reading):
    school_id: str
    guardian_id: str


class SchoolChangedData(_Reading):
    school_id: str


@dataclass(frozen=True)
class Student:
    """Who may read a student's evaluations: the school that serves them, their guardians."""

    student_id: str
    school_id: str
    guardian_ids: tuple[str, ...]


_UPSERT = ("INSERT INTO students (student_id, school_id, guardian_ids) VALUES ($1, $2, $3) "
           "ON CONFLICT (student_id) DO UPDATE SET ")


async def follow(conn: asyncpg.Connection, event: PublishedEvent) -> None:
    """Apply one of the record's events to the student's row. Each carries the student's
    school as of the event, so a row missing for any reason is made whole again."""
    student_id, kind = event.student_id, event.event_type
    if kind == "StudentRegistered":
        registered = Registered.model_validate(event.data)
        await conn.execute(
            _UPSERT + "school_id = $2, guardian_ids = $3", student_id, registered.school_id,
            [g.guardian_id for g in registered.guardians])
    elif kind == "GuardianAdded":
        added = GuardianAddedData.model_validate(event.data)
        await conn.execute(
            _UPSERT + "school_id = $2, guardian_ids = array_remove(students.guardian_ids, "
            "$4) || $4", student_id, added.school_id, [added.guardian.guardian_id],
            added.guardian.guardian_id)
    elif kind == "GuardianRemoved":
        removed = GuardianRemovedData.model_validate(event.data)
        await conn.execute(
            _UPSERT + "school_id = $2, guardian_ids = array_remove(students.guardian_ids, "
            "$4)", student_id, removed.school_id, [], removed.guardian_id)
    elif kind == "StudentSchoolChanged":
        changed = SchoolChangedData.model_validate(event.data)
        await conn.execute(_UPSERT + "school_id = $2", student_id, changed.school_id, [])


async def name_if_unknown(conn: asyncpg.Connection, student: Student) -> None:
    """What a referral says of a student the record never mentioned: kept, never over what
    is already known."""
    await conn.execute(
        "INSERT INTO students (student_id, school_id, guardian_ids) VALUES ($1, $2, $3) "
        "ON CONFLICT (student_id) DO NOTHING",
        student.student_id, student.school_id, list(student.guardian_ids))


async def student(conn: asyncpg.Connection | asyncpg.Pool, student_id: str
                  ) -> Student | None:
    row = await conn.fetchrow(
        "SELECT school_id, guardian_ids FROM students WHERE student_id = $1", student_id)
    if row is None:
        return None
    return Student(student_id, row["school_id"], tuple(row["guardian_ids"]))
