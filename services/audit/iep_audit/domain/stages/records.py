"""Kernel events, in every service's log: the record of access and records destruction."""

from iep_audit.domain.fold import ANY_SERVICE, CaseEvent, FoldTable, State

table = FoldTable()
# Reading a record is recorded (34 CFR 300.614) but changes nothing in the case.
table.ignore("RecordAccessed")


@table.on(ANY_SERVICE, "StudentRecordsDestroyed")
def records_destroyed(state: State, event: CaseEvent) -> State:
    # 34 CFR 300.624: personal data destroyed at the parent's request; the log stays.
    return {**state, "status": "records_destroyed",
            "destruction_requested_on": event.data.get("requested_on"),
            "parent_informed_on": event.data.get("parent_informed_on")}
