"""A scene for audit tests: two publishing services and the audit service, running."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from iep_audit.app.store import AuditLog
from iep_audit.service import audit_service
from iep_kernel.config import topic_for
from iep_kernel.consumer import Subscription, apply_message
from iep_kernel.events import Event, Metadata
from iep_kernel.relay import message_for
from iep_kernel.store import AppendResult
from iep_kernel.testing.system import System
from iep_kernel.testing.waiting import eventually

from .publishers import Publisher, publisher


@dataclass
class Scene:
    system: System
    intake: Publisher
    review: Publisher
    delivered: dict[str, int] = field(default_factory=dict)

    @property
    def pool(self) -> Any:
        return self.system.runtime("audit").pool

    async def append(self, pub: Publisher, stream: str, events: Sequence[Event],
                     meta: Metadata, expected: int | None = None) -> AppendResult:
        store = self.system.runtime(pub.name).store
        if expected is None:
            expected = len(await store.read_stream_raw(stream))
        return await store.append(stream, expected, list(events), meta)

    async def deliver(self) -> int:
        """Hand every event appended so far to the audit store's consumer, as the broker
        would (the same code path as live: sealed handler, applied-event record)."""
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
        response = await self.system.client.get(
            f"/api/audit{path}", params={k: v for k, v in params.items() if v is not None},
            headers=self.auth(role, sub))
        return response

    async def count(self) -> int:
        return int(await self.pool.fetchval("SELECT count(*) FROM audit_events"))

    async def wait_for(self, events: int, within: float = 60.0) -> None:
        async def arrived() -> bool:
            return await self.count() >= events
        await eventually(arrived, within=within, what=f"{events} events in the audit store")


async def start_scene(isolation: Any, *, workers: bool = False) -> Scene:
    intake, review = publisher("intake"), publisher("review")
    audit = audit_service(sources=(intake.name, review.name))
    system = await isolation.system([intake.spec, review.spec, audit], workers=workers)
    return Scene(system, intake, review)


@pytest.fixture
async def scene(isolation: Any) -> Scene:
    """The services without workers: tests deliver events to the audit store themselves."""
    return await start_scene(isolation)
