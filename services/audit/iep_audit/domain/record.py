"""An event as the audit store keeps it: the envelope exactly as its service published it."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from iep_kernel.events import PublishedEvent
from iep_kernel.store import StoredEvent

# The order of the audit log: by recording time, ties broken by service and position,
# which together name one event. Every page, export and fold follows it.
ORDER_KEY = ("recorded_at", "service", "global_position")


@dataclass(frozen=True)
class AuditedEvent:
    service: str
    event_id: UUID
    stream_id: str
    stream_version: int
    global_position: int
    student_id: str
    event_type: str
    schema_version: int
    occurred_at: datetime
    recorded_at: datetime
    metadata: dict[str, Any]
    payload: dict[str, Any]
    prev_hash: str
    hash: str

    @classmethod
    def published(cls, event: PublishedEvent) -> "AuditedEvent":
        """The audit record of an event received from a topic, sealed fields still sealed."""
        if not event.service:
            raise ValueError("the event does not name the service that published it, so "
                             "its hash chain cannot be known; publish it through the relay")
        return cls(
            service=event.service, event_id=event.event_id, stream_id=event.stream_id,
            stream_version=event.stream_version, global_position=event.global_position,
            student_id=event.student_id, event_type=event.event_type,
            schema_version=event.schema_version, occurred_at=event.occurred_at,
            recorded_at=event.recorded_at, metadata=event.metadata.model_dump(mode="json"),
            payload=event.data, prev_hash=event.prev_hash, hash=event.hash)

    def stored(self) -> StoredEvent:
        """The row as its service's event store holds it, for the kernel's hash functions."""
        return StoredEvent(
            global_position=self.global_position, event_id=self.event_id,
            stream_id=self.stream_id, stream_version=self.stream_version,
            student_id=self.student_id, event_type=self.event_type,
            schema_version=self.schema_version, occurred_at=self.occurred_at,
            recorded_at=self.recorded_at, metadata=self.metadata, payload=self.payload,
            prev_hash=self.prev_hash, hash=self.hash)

    @property
    def actor(self) -> dict[str, Any]:
        actor: dict[str, Any] = self.metadata.get("actor") or {}
        return actor

    @property
    def order_key(self) -> tuple[datetime, str, int]:
        return (self.recorded_at, self.service, self.global_position)
