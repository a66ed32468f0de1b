"""A minimal aggregate for benchmarking the kernel without any service's rules."""

from __future__ import annotations

from dataclasses import dataclass

from iep_kernel.decider import Decider
from iep_kernel.events import Event, EventRegistry

registry = EventRegistry("bench")


@registry.register
class NoteRecorded(Event):
    note: str
    sent_at: float = 0.0


@dataclass(frozen=True)
class RecordNote:
    student_id: str
    note: str
    sent_at: float


def _decide(command: RecordNote, state: int) -> list[Event]:
    return [NoteRecorded(student_id=command.student_id, note=command.note,
                         sent_at=command.sent_at)]


notes = Decider(lambda: 0, lambda state, event: state + 1, _decide)

NOTE = "x" * 200  # a payload about the size of a typical domain event
