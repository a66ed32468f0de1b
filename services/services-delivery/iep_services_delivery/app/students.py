"""The student record: whose child a student is and which school serves them, as the
referral service records it (stream `student-<id>`, on `iep.referral.events`).

It is the one source of a student's school and guardians here: who may read or act on a
student's services is decided by the `students` row these events keep. Planning's
`PlanningOpened` names them only for a student the record has not mentioned yet (older
data), and never changes them.
"""

from __future__ import annotations

import asyncpg
from iep_kernel.events import PublishedEvent
from pydantic import BaseModel, ConfigDict

from iep_services_delivery.domain.values import Guardian

RECORD_EVENTS = frozenset({"StudentRegistered", "GuardianAdded", "GuardianRemoved",
                           "StudentSchoolChanged"})


class _Reading(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class RecordedGuardian(_Reading):
    guardian_id: str
    preferred_language: str

    def as_guardian(self) -> Guardian:
        return Guardian(guardian_id=self.guardian_id, language=self.preferred_language)


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


_UPSERT = ("INSERT INTO students (student_id, school_id, guardians) VALUES ($1, $2, $3) "
           "ON CONFLICT (student_id) DO UPDATE SET ")
# The student's guardians but the one named by $4.
_OTHERS = ("(SELECT coalesce(jsonb_agg(g), '[]'::jsonb) FROM "
           "jsonb_array_elements(students.guardians) g WHERE g->>'guardian_id' <> $4)")


async def follow(conn: asyncpg.Connection, event: PublishedEvent) -> None:
    """Apply one of the record's events to the student's row. Each carries the student's
    school as of the event, so a row missing for any reason is made whole again."""
    student_id, kind = event.student_id, event.event_type
    if kind == "StudentRegistered":
        registered = Registered.model_validate(event.data)
        await conn.execute(
            _UPSERT + "school_id = $2, guardians = $3", student_id, registered.school_id,
            [g.as_guardian().model_dump() for g in registered.guardians])
    elif kind == "GuardianAdded":
        added = GuardianAddedData.model_validate(event.data)
        guardian = [added.guardian.as_guardian().model_dump()]
        await conn.execute(
            _UPSERT + f"school_id = $2, guardians = {_OTHERS} || $3", student_id,
            added.school_id, guardian, added.guardian.guardian_id)
    elif kind == "GuardianRemoved":
        removed = GuardianRemovedData.model_validate(event.data)
        await conn.execute(
            _UPSERT + f"school_id = $2, guardians = {_OTHERS}", student_id,
            removed.school_id, [], removed.guardian_id)
    elif kind == "StudentSchoolChanged":
        changed = SchoolChangedData.model_validate(event.data)
        await conn.execute(_UPSERT + "school_id = $2", student_id, changed.school_id, [])


async def case_opened(conn: asyncpg.Connection, student_id: str, case_id: str,
                      school_id: str, guardians: tuple[Guardian, ...]) -> None:
    """Planning opened the student's case. The school and guardians it names are kept only
    for a student the record never mentioned, never over what is known."""
    await conn.execute(
        "INSERT INTO students (student_id, case_id, school_id, guardians) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (student_id) DO UPDATE SET case_id = $2",
        student_id, case_id, school_id, [g.model_dump() for g in guardians])
