"""Records destruction at the parent's request (34 CFR 300.624): a decider of its own, over
the stream `records-<student id>`. Pure: the guardians known for the student come in with
the command."""

from dataclasses import dataclass
from datetime import date

from iep_kernel.decider import Decider, IllegalTransition
from iep_kernel.events import Event, StudentRecordsDestroyed


@dataclass(frozen=True)
class DestroyRecords:
    student_id: str
    requested_by: str
    requested_on: date
    parent_informed_on: date
    guardian_ids: frozenset[str]
    today: date


@dataclass(frozen=True)
class Destructions:
    count: int = 0


def decide(command: DestroyRecords, state: Destructions) -> list[Event]:
    # 34 CFR 300.624(b): destroyed at the parent's request, once the parent has been told
    # the information is no longer needed.
    if command.requested_by not in command.guardian_ids:
        raise IllegalTransition(
            "Records are destroyed only at the request of a recorded guardian of the "
            f"student; {command.requested_by} is not one.")
    if command.requested_on > command.today or command.parent_informed_on > command.today:
        raise IllegalTransition(
            "The parent's request and the notice to the parent must have happened already; "
            "a date in the future cannot be recorded.")
    return [StudentRecordsDestroyed(
        student_id=command.student_id, requested_by=command.requested_by,
        requested_on=command.requested_on, parent_informed_on=command.parent_informed_on)]


def evolve(state: Destructions, event: Event) -> Destructions:
    if isinstance(event, StudentRecordsDestroyed):
        return Destructions(state.count + 1)
    return state


destructions = Decider(Destructions, evolve, decide)
