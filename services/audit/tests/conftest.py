"""A scene for audit tests: two small publishing services and the audit service, running.

The publishers (`intake` and `review`) are real services to the kernel: their own event
store, relay and topic. Tests append through their event stores as an actor would; with
workers the audit service collects through the broker, without them `scene.deliver()`
hands each stored event to the audit consumer exactly as the broker would.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

import pytest
from fastapi import APIRouter
from iep_audit.app.store import AuditLog
from iep_audit.domain.fold import FoldTable
from iep_audit.domain.stages import CASE
from iep_audit.service import audit_service
from iep_kernel.config import topic_for
from iep_kernel.consumer import Subscription, apply_message
from iep_kernel.events import PII, Act, Actor, Event, EventRegistry, Metadata
from iep_kernel.relay import message_for
from iep_kernel.service import ServiceSpec
from iep_kernel.store import AppendResult
from iep_kernel.testing.system import System
from iep_kernel.testing.waiting import eventually


class CaseOpened(Event):
    school_id: str
    name: Annotated[str, PII]


class CaseNoted(Event):
    note: Annotated[str, PII]
    minutes: int


class CaseClosed(Event):
    reason: str


class FamilyMet(Act):
    """An act in the world, dated by the day it happened (the kernel's `Act`)."""

    place: str


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

    def met(self, student_id: str, occurred_on: date | None, reason: str | None = None
            ) -> Event:
        return FamilyMet(student_id=student_id, place="school", occurred_on=occurred_on,
                         late_entry_reason=reason)


def publisher(name: str) -> Publisher:
    registry = EventRegistry(name)
    for cls in (CaseOpened, CaseNoted, CaseClosed, FamilyMet):
        registry.register(cls)
    return Publisher(ServiceSpec(name=name, registry=registry,
                                 router=APIRouter(prefix=f"/api/{name}")))


@dataclass
class Scene:
    system: System
    intake: Publisher
    review: Publisher
    delivered: dict[str, int] = field(default_factory=dict)

    @property
    def pool(self) -> Any:
        return self.system.runtime("audit").pool

    @staticmethod
    def by(actor: str, role: str = "case_manager") -> Metadata:
        return Metadata(actor=Actor(id=actor, role=role), correlation_id=f"corr-{actor}")

    async def append(self, pub: Publisher, stream: str, events: Sequence[Event],
                     meta: Metadata) -> AppendResult:
        store = self.system.runtime(pub.name).store
        expected = len(await store.read_stream_raw(stream))
        return await store.append(stream, expected, list(events), meta)

    async def deliver(self) -> int:
        """Hand every event appended so far to the audit store's consumer, as the broker
        would (the live code path: sealed handler, applied-event record)."""
        handler = AuditLog((self.intake.name, self.review.name)).handler()
        audit = self.system.runtime("audit")
        applied = 0
        for pub in (self.intake, self.review):
            store = self.system.runtime(pub.name).store
            rows = await store.read_all_raw(self.delivered.get(pub.name, 0), 100_000)
            for row in rows:
                _, raw, _ = message_for(row, pub.name)
                await apply_message(Subscription(handler, audit.pool, audit.vault),
                                    topic_for(pub.name), raw)
                applied += 1
            if rows:
                self.delivered[pub.name] = rows[-1].global_position
        return applied

    def auth(self, role: str = "auditor", sub: str | None = None) -> dict[str, str]:
        return self.system.auth(role, sub)

    async def get(self, path: str, role: str = "auditor", sub: str | None = None,
                  **params: Any) -> Any:
        return await self.system.client.get(
            f"/api/audit{path}", params={k: v for k, v in params.items() if v is not None},
            headers=self.auth(role, sub))

    async def count(self) -> int:
        return int(await self.pool.fetchval("SELECT count(*) FROM audit_events"))

    async def wait_for(self, events: int, within: float = 60.0) -> None:
        async def arrived() -> bool:
            return await self.count() >= events
        await eventually(arrived, within=within, what=f"{events} events in the audit store")


SceneFactory = Callable[..., Awaitable[Scene]]


@pytest.fixture
def make_scene(isolation: Any) -> SceneFactory:
    """`await make_scene(workers=..., folds=...)`: the publishers and the audit service;
    `folds` extends the as-of table with the publishers' own stages."""

    async def make(*, workers: bool = False, folds: FoldTable | None = None) -> Scene:
        intake, review = publisher("intake"), publisher("review")
        table = FoldTable.merged(CASE, folds) if folds is not None else CASE
        audit = audit_service(sources=(intake.name, review.name), folds=table)
        system = await isolation.system([intake.spec, review.spec, audit], workers=workers)
        return Scene(system, intake, review)

    return make


@pytest.fixture
async def scene(make_scene: SceneFactory) -> Scene:
    """The services without workers: tests deliver events to the audit store themselves."""
    return await make_scene()
