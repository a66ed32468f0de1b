"""Small publishing services for the audit tests: a case is opened, noted, closed.

Each is a real service to the kernel (its own event store, relay and topic); the tests
append through its event store as an actor would, and the audit service collects.
"""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter
from iep_kernel.events import PII, Actor, Event, EventRegistry, Metadata
from iep_kernel.service import ServiceSpec


class CaseOpened(Event):
    school_id: str
    name: Annotated[str, PII]


class CaseNoted(Event):
    note: Annotated[str, PII]
    minutes: int


class CaseClosed(Event):
    reason: str


@dataclass(frozen=True)
class Publisher:
    spec: ServiceSpec

    @property
    def name(self) -> str:
        return self.spec.name

    def opened(self, student_id: str, name: str = "Ana Ruiz", school_id: str = "school-1"
               ) -> Event:
        return CaseOpened(student_id=student_id, school_id=school_id, name=name)

    def noted(self, student_id: str, note: str = "met the family", minutes: int = 30
              ) -> Event:
        return CaseNoted(student_id=student_id, note=note, minutes=minutes)

    def closed(self, student_id: str, reason: str = "done") -> Event:
        return CaseClosed(student_id=student_id, reason=reason)


def publisher(name: str) -> Publisher:
    registry = EventRegistry(name)
    for cls in (CaseOpened, CaseNoted, CaseClosed):
        registry.register(cls)
    return Publisher(ServiceSpec(name=name, registry=registry,
                                 router=APIRouter(prefix=f"/api/{name}")))


def by(actor: str, role: str = "case_manager", **extra: Any) -> Metadata:
    return Metadata(actor=Actor(id=actor, role=role, **extra), correlation_id=f"corr-{actor}")
