"""The student record: whose child a student is and which school serves them, as the
referral service records it (stream `student-<id>`, on `iep.referral.events`).

It is the one source of a student's school and guardians here: read scopes decide by the
`students` row, and the case follows it (`GuardiansAndSchoolUpdated`), so notices go to
the current guardians. A `ReferralMade` names them only for a student the record has not
mentioned yet (older data), and never changes them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from iep_kernel.events import DESTROYED, PublishedEvent
from pydantic import BaseModel, ConfigDict, field_validator

from iep_planning.app.queries import Student
from iep_planning.domain.values import Guardian

RECORD_EVENTS = frozenset({"StudentRegistered", "GuardianAdded", "GuardianRemoved",
                           "StudentSchoolChanged"})


class _Reading(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class RecordedGuardian(_Reading):
    guardian_id: str
    preferred_language: str

    def as_guardian(self) -> Guardian:
        return Guardian(guardian_id=self.guardian_id, language=self.preferred_language)


class RecordedStudent(_Reading):
    date_of_birth: date | None = None

    @field_validator("date_of_birth", mode="before")
    @classmethod
    def _destroyed_is_unknown(cls, value: Any) -> Any:
        return None if value == DESTROYED else value


class Registered(_Reading):
    school_id: str
    student: RecordedStudent
    guardians: list[RecordedGuardian]
    registered_on: date


class GuardianAddedData(_Reading):
    school_id: str
    guardian: RecordedGuardian
    added_on: date


class GuardianRemovedData(_Reading):
    school_id: str
    guardian_id: str
    removed_on: date


class SchoolChangedData(_Reading):
    school_id: str
    changed_on: date


def followed(event: PublishedEvent, known: Student | None) -> tuple[Student, date]:
    """The student as the record's event leaves them, and the day of the change. Each event
    carries the student's school as of the event, so a row missing for any reason is made
    whole again."""
    guardians = known.guardians if known else ()
    born = known.date_of_birth if known else None
    data = event.data
    if event.event_type == "StudentRegistered":
        registered = Registered.model_validate(data)
        return Student(event.student_id, registered.school_id,
                       registered.student.date_of_birth,
                       tuple(g.as_guardian() for g in registered.guardians)
                       ), registered.registered_on
    if event.event_type == "GuardianAdded":
        added = GuardianAddedData.model_validate(data)
        others = tuple(g for g in guardians if g.guardian_id != added.guardian.guardian_id)
        return Student(event.student_id, added.school_id, born,
                       (*others, added.guardian.as_guardian())), added.added_on
    if event.event_type == "GuardianRemoved":
        removed = GuardianRemovedData.model_validate(data)
        return Student(event.student_id, removed.school_id, born,
                       tuple(g for g in guardians if g.guardian_id != removed.guardian_id)
                       ), removed.removed_on
    changed = SchoolChangedData.model_validate(data)
    return Student(event.student_id, changed.school_id, born, guardians), changed.changed_on
