"""The student record as of an instant, from its stream (`student-<id>`) on
`iep.referral.events`: the one source of the school whose staff serve the student and of
the guardians who read the child's record. A referral's own record keeps what the referral
named; who the student belonged to at an instant is read here."""

from typing import Any

from iep_audit.domain.fold import CaseEvent, FoldTable, State

table = FoldTable()
SERVICE = "referral"


def _ids(items: Any) -> list[Any]:
    return [g.get("guardian_id") for g in items or () if isinstance(g, dict)]


def _changed(state: State, change: dict[str, Any]) -> list[dict[str, Any]]:
    return [*state.get("changes", []), change]


@table.on(SERVICE, "StudentRegistered")
def student_registered(state: State, event: CaseEvent) -> State:
    student = event.data.get("student") or {}
    return {**state, "record": "student", "school_id": event.data.get("school_id"),
            "guardian_ids": _ids(event.data.get("guardians")),
            "registered_on": event.data.get("registered_on"),
            "source": event.data.get("source"), "referral_id": event.data.get("referral_id"),
            "student_name": student.get("name"), "grade": student.get("grade"),
            "changes": state.get("changes", [])}


@table.on(SERVICE, "GuardianAdded")
def guardian_added(state: State, event: CaseEvent) -> State:
    guardian_id = (event.data.get("guardian") or {}).get("guardian_id")
    kept = [g for g in state.get("guardian_ids", []) if g != guardian_id]
    return {**state, "guardian_ids": [*kept, guardian_id], "changes": _changed(state, {
        "guardian_added": guardian_id, "on": event.data.get("added_on"),
        "reason": event.data.get("reason")})}


@table.on(SERVICE, "GuardianRemoved")
def guardian_removed(state: State, event: CaseEvent) -> State:
    guardian_id = event.data.get("guardian_id")
    return {**state, "guardian_ids": [g for g in state.get("guardian_ids", [])
                                      if g != guardian_id],
            "changes": _changed(state, {"guardian_removed": guardian_id,
                                        "on": event.data.get("removed_on"),
                                        "reason": event.data.get("reason")})}


@table.on(SERVICE, "StudentSchoolChanged")
def school_changed(state: State, event: CaseEvent) -> State:
    return {**state, "school_id": event.data.get("school_id"), "changes": _changed(state, {
        "school_changed_to": event.data.get("school_id"),
        "from": event.data.get("previous_school_id"), "on": event.data.get("changed_on"),
        "reason": event.data.get("reason")})}
