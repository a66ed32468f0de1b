"""The student record's events (stream `student-<id>` on `iep.referral.events`), one
function each: the one source of the school whose staff serve a student and of the
guardians who read the child's record as parents.

Each event is dated by the district's act; its timeline entry is for staff (the reason
and the guardian's name and contact are personal).
"""

from dataclasses import replace

from iep_views.domain import readings as read
from iep_views.domain.case import Case, Entry, GuardianPart, Step, StudentPart
from iep_views.domain.table import EventTable, Seen

SOURCE = "referral"
table = EventTable()


def _guardian(g: read.ReferredGuardian) -> GuardianPart:
    return GuardianPart(guardian_id=g.guardian_id, preferred_language=g.preferred_language)


def _contact(g: read.ReferredGuardian) -> dict[str, str | None]:
    return {"guardian_id": g.guardian_id, "name": g.name, "email": g.email, "phone": g.phone}


def _record(case: Case, school_id: str) -> StudentPart:
    """The record as it stands; a change arriving for a student the views do not know yet
    starts one at the school the event names."""
    return case.student or StudentPart(school_id=school_id, guardians=(), registered=True)


@table.on(SOURCE, "StudentRegistered")
def student_registered(case: Case, seen: Seen) -> Step:
    # The district's record replaces whatever a referral alone had established.
    registered = read.StudentRegistered.model_validate(seen.data)
    part = StudentPart(school_id=registered.school_id,
                       guardians=tuple(_guardian(g) for g in registered.guardians),
                       registered=True)
    return Step(replace(case, student=part), Entry(
        "student_registered", registered.registered_on, facts={
            "school_id": registered.school_id, "grade": registered.student.grade,
            "source": registered.source, "referral_id": registered.referral_id,
            "guardian_ids": [g.guardian_id for g in registered.guardians]},
        personal={"student_name": registered.student.name,
                  "guardians": [_contact(g) for g in registered.guardians]}))


@table.on(SOURCE, "GuardianAdded")
def guardian_added(case: Case, seen: Seen) -> Step:
    added = read.GuardianAdded.model_validate(seen.data)
    part = _record(case, added.school_id).with_guardian(_guardian(added.guardian))
    return Step(replace(case, student=part), Entry(
        "guardian_added", added.added_on,
        facts={"guardian_id": added.guardian.guardian_id,
               "preferred_language": added.guardian.preferred_language},
        personal={**_contact(added.guardian), "reason": added.reason}))


@table.on(SOURCE, "GuardianRemoved")
def guardian_removed(case: Case, seen: Seen) -> Step:
    removed = read.GuardianRemoved.model_validate(seen.data)
    part = _record(case, removed.school_id).without_guardian(removed.guardian_id)
    return Step(replace(case, student=part), Entry(
        "guardian_removed", removed.removed_on, facts={"guardian_id": removed.guardian_id},
        personal={"reason": removed.reason}))


@table.on(SOURCE, "StudentSchoolChanged")
def school_changed(case: Case, seen: Seen) -> Step:
    changed = read.StudentSchoolChanged.model_validate(seen.data)
    part = _record(case, changed.school_id).model_copy(update={"school_id": changed.school_id})
    return Step(replace(case, student=part), Entry(
        "school_changed", changed.changed_on, facts={
            "school_id": changed.school_id,
            "previous_school_id": changed.previous_school_id},
        personal={"reason": changed.reason}))
