"""As-of: a student's case as it stood at an instant, folded from the events recorded by then.

The fold is generic. Each stage of the lifecycle is the service that published the events
(referral, evaluation, planning, ...); each stream of that service is one record of the
stage (a referral, an evaluation). A `FoldTable` maps (service, event type) to a small
pure function that takes the record's state so far and one event and returns the new
state. A later stage extends the case by adding its own table: no service is imported,
only event names and payload fields are read. Events no function knows still count, and
are named in the record, so an auditor sees what the table does not yet interpret.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from iep_audit.domain.dates import LateEntry, act_date

State = dict[str, Any]
ANY_SERVICE = "*"  # kernel events (records destruction) appear in every service's log


@dataclass(frozen=True)
class CaseEvent:
    """What a fold function sees: one event, personal fields opened (or "[destroyed]")."""

    service: str
    stream_id: str
    stream_version: int
    event_type: str
    occurred_at: datetime
    recorded_at: datetime
    actor: dict[str, Any]
    data: dict[str, Any]


Fold = Callable[[State, CaseEvent], State]


@dataclass
class CaseRecord:
    """One stream of one stage, as folded so far."""

    stream_id: str
    state: State = field(default_factory=dict)
    events_folded: int = 0
    last_event_type: str = ""
    last_recorded_at: datetime | None = None
    last_occurred_on: date | None = None  # the last event's act date, if it is a dated act
    uninterpreted: list[str] = field(default_factory=list)


@dataclass
class Case:
    student_id: str
    at: datetime
    stages: dict[str, list[CaseRecord]] = field(default_factory=dict)
    events_folded: int = 0
    accesses_recorded: int = 0
    late_entries: list[LateEntry] = field(default_factory=list)


class FoldTable:
    """(service, event type) → fold function; plus event types that are not case facts."""

    def __init__(self) -> None:
        self.folds: dict[tuple[str, str], Fold] = {}
        self.not_case_facts: set[str] = set()

    def on(self, service: str, *event_types: str) -> Callable[[Fold], Fold]:
        """Register a function for these event types of a service (`ANY_SERVICE`: all)."""

        def register(fn: Fold) -> Fold:
            for event_type in event_types:
                key = (service, event_type)
                if key in self.folds:
                    raise ValueError(f"{service} {event_type} already has a fold function")
                self.folds[key] = fn
            return fn

        return register

    def ignore(self, *event_types: str) -> None:
        """Event types that record something about the case but change none of it."""
        self.not_case_facts.update(event_types)

    @classmethod
    def merged(cls, *tables: "FoldTable") -> "FoldTable":
        merged = cls()
        for table in tables:
            for (service, event_type), fn in table.folds.items():
                merged.on(service, event_type)(fn)
            merged.ignore(*table.not_case_facts)
        return merged

    def function_for(self, service: str, event_type: str) -> Fold | None:
        return self.folds.get((service, event_type)) or self.folds.get((ANY_SERVICE, event_type))

    def fold(self, student_id: str, at: datetime, events: Iterable[CaseEvent]) -> Case:
        """Fold events (in recording order) into the case as it stood at `at`."""
        case = Case(student_id, at)
        records: dict[tuple[str, str], CaseRecord] = {}
        for event in events:
            if event.event_type in self.not_case_facts:
                if event.event_type == "RecordAccessed":
                    case.accesses_recorded += 1
                continue
            record = records.get((event.service, event.stream_id))
            if record is None:
                record = records[(event.service, event.stream_id)] = CaseRecord(event.stream_id)
                case.stages.setdefault(event.service, []).append(record)
            fn = self.function_for(event.service, event.event_type)
            if fn is None:
                if event.event_type not in record.uninterpreted:
                    record.uninterpreted.append(event.event_type)
            else:
                record.state = fn(record.state, event)
            record.events_folded += 1
            record.last_event_type = event.event_type
            record.last_recorded_at = event.recorded_at
            record.last_occurred_on = act_date(event.data)
            case.events_folded += 1
        return case
