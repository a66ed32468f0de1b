"""The student record: who a student is, the school they attend and their guardians.

One stream per student (`student-<student id>`), the one source every service takes a
student's school and guardians from. It begins with `StudentRegistered` (the first referral
of a child the district did not know, or the roster); after that only district roles change
it, each change an event of its own with its reason. A referral never does: that is what
keeps a stranger from claiming another family's child by writing a referral.

Pure functions: no I/O, no clock (commands carry their `Dated`: the day of the court
order, the adoption or the move, checked not to be in the future, and the district's today).
"""

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, assert_never

from iep_kernel.dates import Dated
from iep_kernel.decider import Decider, IllegalTransition, NotFound
from iep_kernel.events import Event

from iep_referral.domain.events import (
    Guardian,
    GuardianAdded,
    GuardianRemoved,
    Student,
    StudentRegistered,
    StudentSchoolChanged,
)

NO_SUCH_STUDENT = "no such student"


@dataclass(frozen=True)
class StudentRecord:
    student: Student
    school_id: str
    guardians: tuple[Guardian, ...]
    registered_on: date

    @property
    def guardian_ids(self) -> tuple[str, ...]:
        return tuple(g.guardian_id for g in self.guardians)

    def guardian(self, guardian_id: str) -> Guardian | None:
        return next((g for g in self.guardians if g.guardian_id == guardian_id), None)

    def as_enrolled(self) -> Student:
        """The student as recorded, at the school they attend now."""
        return self.student.model_copy(update={"school_id": self.school_id})


@dataclass(frozen=True)
class Students:
    """The state of one student stream: nothing until the student is registered."""

    record: StudentRecord | None = None


@dataclass(frozen=True)
class AddGuardian:
    student_id: str
    guardian: Guardian
    reason: str
    dated: Dated


@dataclass(frozen=True)
class RemoveGuardian:
    student_id: str
    guardian_id: str
    reason: str
    dated: Dated


@dataclass(frozen=True)
class ChangeSchool:
    student_id: str
    school_id: str
    reason: str
    dated: Dated


StudentCommand = AddGuardian | RemoveGuardian | ChangeSchool


def evolve(state: Students, event: Event) -> Students:
    record = state.record
    match event:
        case StudentRegistered():
            return Students(StudentRecord(event.student, event.school_id, event.guardians,
                                          event.registered_on))
        case GuardianAdded() if record is not None:
            return Students(replace(record, guardians=(*record.guardians, event.guardian)))
        case GuardianRemoved() if record is not None:
            kept = tuple(g for g in record.guardians if g.guardian_id != event.guardian_id)
            return Students(replace(record, guardians=kept))
        case StudentSchoolChanged() if record is not None:
            return Students(replace(record, school_id=event.school_id))
    return state


def decide(command: StudentCommand, state: Students) -> list[Event]:
    record = state.record
    if record is None:
        raise NotFound(NO_SUCH_STUDENT)
    match command:
        case AddGuardian():
            return add_guardian(command, record)
        case RemoveGuardian():
            return remove_guardian(command, record)
        case ChangeSchool():
            return change_school(command, record)
    assert_never(command)


def since_birth(record: StudentRecord) -> dict[str, Any]:
    """Nothing about a child's guardians or school happens before the child is born."""
    born = record.student.date_of_birth
    return {"not_before": born, "after": "the student's birth"} if isinstance(born, date) else {}


def add_guardian(command: AddGuardian, record: StudentRecord) -> list[Event]:
    if record.guardian(command.guardian.guardian_id) is not None:
        raise IllegalTransition(f"{command.guardian.guardian_id} is already a recorded "
                                "guardian of this student.")
    added_on = command.dated.check("the new guardian's addition", **since_birth(record))
    return [GuardianAdded(student_id=command.student_id, school_id=record.school_id,
                          guardian=command.guardian, added_on=added_on,
                          reason=command.reason, occurred_on=added_on,
                          late_entry_reason=command.dated.reason)]


def remove_guardian(command: RemoveGuardian, record: StudentRecord) -> list[Event]:
    if record.guardian(command.guardian_id) is None:
        raise IllegalTransition(f"{command.guardian_id} is not a recorded guardian of this "
                                "student; nothing to remove.")
    if len(record.guardians) == 1:
        # 300.30, 300.519: a child in special education always has a parent the notices go
        # to; without one the district appoints a surrogate parent first.
        raise IllegalTransition("This is the student's only recorded guardian; record the "
                                "new parent, guardian or surrogate parent first, then remove "
                                "this one.")
    removed_on = command.dated.check("the guardian's removal", **since_birth(record))
    return [GuardianRemoved(student_id=command.student_id, school_id=record.school_id,
                            guardian_id=command.guardian_id, removed_on=removed_on,
                            reason=command.reason, occurred_on=removed_on,
                            late_entry_reason=command.dated.reason)]


def change_school(command: ChangeSchool, record: StudentRecord) -> list[Event]:
    if command.school_id == record.school_id:
        raise IllegalTransition(f"The student already attends {record.school_id}.")
    changed_on = command.dated.check("the move to another school", **since_birth(record))
    return [StudentSchoolChanged(student_id=command.student_id, school_id=command.school_id,
                                 previous_school_id=record.school_id, changed_on=changed_on,
                                 reason=command.reason, occurred_on=changed_on,
                                 late_entry_reason=command.dated.reason)]


students = Decider(Students, evolve, decide)
