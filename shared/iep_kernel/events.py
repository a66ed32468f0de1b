"""The event model: typed domain events, their envelope, and the registry that reads them back.

A service declares its events as pydantic classes registered in its own `EventRegistry`
by name and `schema_version`. Old stored versions are turned into the current class by
upcasters when read, so a stored row is never rewritten.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from functools import cache
from typing import Annotated, Any, ClassVar, TypeVar, get_args
from uuid import UUID

from annotated_types import GroupedMetadata
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    WrapSerializer,
    WrapValidator,
)
from pydantic.fields import FieldInfo

DESTROYED = "[destroyed]"


def _keep_destroyed(value: Any, handler: Any) -> Any:
    # A field whose student's key was destroyed reads back as DESTROYED, whatever its type,
    # and is written out as such (no type coercion, no serializer warning).
    if value == DESTROYED:
        return value
    return handler(value)


class Personal(GroupedMetadata):
    """Marks a field as personal data: `name: Annotated[str, PII]`.

    Names, dates of birth, contact details and free-text notes are personal. Such fields
    are encrypted at rest with the student's key, never appear in logs or metric labels,
    and read back as "[destroyed]" once the student's records are destroyed.
    """

    def __iter__(self) -> Iterator[Any]:
        yield WrapValidator(_keep_destroyed)
        yield WrapSerializer(_keep_destroyed)

    def __repr__(self) -> str:
        return "PII"


PII = Personal()


def is_personal(info: FieldInfo) -> bool:
    return any(isinstance(m, Personal) for m in info.metadata)


def personal_fields(model: type[BaseModel]) -> set[str]:
    """The names of a model's fields marked personal (top level)."""
    return {name for name, info in model.model_fields.items() if is_personal(info)}


@cache
def has_personal_data(model: type[BaseModel]) -> bool:
    """Whether a model or any model nested in its fields has personal fields."""
    return _has_personal(model, set())


def _has_personal(model: type[BaseModel], seen: set[type]) -> bool:
    if model in seen:
        return False
    seen.add(model)
    for info in model.model_fields.values():
        if is_personal(info):
            return True
        for inner in _models_in(info.annotation):
            if _has_personal(inner, seen):
                return True
    return False


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


class Event(BaseModel):
    """A fact that happened, in the past tense. Every event names its student."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: ClassVar[int] = 1
    student_id: str

    @classmethod
    def event_type(cls) -> str:
        return cls.__name__


class Act(Event):
    """An event recording an act in the world: dated by the day it happened (`occurred_on`,
    given by the person recording it, checked against the law's order of steps), while the
    envelope's `recorded_at` says when it was recorded. `late_entry_reason` says why an act
    was recorded long after it happened. Every subscriber finds the date of any act under the
    same name; older events without it read `null`."""

    occurred_on: date | None = None
    late_entry_reason: Annotated[str | None, PII] = None


class Actor(BaseModel):
    """Who caused an event: the token subject and role, and on whose behalf staff acted."""

    model_config = ConfigDict(frozen=True)

    id: str
    role: str
    on_behalf_of: str | None = None


SYSTEM_ACTOR = Actor(id="system", role="system")


class Metadata(BaseModel):
    model_config = ConfigDict(frozen=True)

    actor: Actor = SYSTEM_ACTOR
    correlation_id: str
    causation_id: str | None = None


class Envelope(BaseModel):
    """A stored event with everything the log knows about it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    event_id: UUID
    stream_id: str
    stream_version: int
    global_position: int
    student_id: str
    event_type: str
    schema_version: int
    occurred_at: datetime
    recorded_at: datetime
    metadata: Metadata
    data: Event
    prev_hash: str = Field(description="hex sha256 of the previous event in the stream")
    hash: str = Field(description="hex sha256 over this event's stored content and prev_hash")


class PublishedEvent(BaseModel):
    """An event as another service sees it on Kafka: the envelope with the payload as JSON.

    Services never import each other, so a consumer reads the fields it needs from `data`.
    """

    model_config = ConfigDict(frozen=True)

    event_id: UUID
    stream_id: str
    stream_version: int
    global_position: int
    student_id: str
    event_type: str
    schema_version: int
    occurred_at: datetime
    recorded_at: datetime
    metadata: Metadata
    data: dict[str, Any]
    prev_hash: str
    hash: str
    service: str = ""

    @classmethod
    def from_json(cls, raw: bytes | str) -> PublishedEvent:
        return cls.model_validate_json(raw)


class UnknownEventType(Exception):
    def __init__(self, service: str, event_type: str, stream_id: str, position: int) -> None:
        super().__init__(
            f"{service}: unknown event type {event_type!r} in stream {stream_id!r} "
            f"at global position {position}; register the class or an upcaster for it"
        )
        self.event_type = event_type
        self.stream_id = stream_id
        self.position = position


class MalformedEvent(Exception):
    def __init__(self, event_type: str, stream_id: str, position: int, detail: str) -> None:
        super().__init__(
            f"malformed {event_type} in stream {stream_id!r} at global position {position}: "
            f"{detail}"
        )
        self.stream_id = stream_id
        self.position = position


E = TypeVar("E", bound=type[Event])
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class EventRegistry:
    """The event classes of one service, by name, with upcasters for older versions."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._classes: dict[str, type[Event]] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}
        for cls in KERNEL_EVENTS:
            self._classes[cls.event_type()] = cls

    def register(self, cls: E) -> E:
        name = cls.event_type()
        if name in self._classes:
            raise ValueError(f"{self.service}: event type {name} registered twice")
        self._classes[name] = cls
        return cls

    def upcaster(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Register a function turning a `from_version` payload into `from_version + 1`."""

        def decorate(fn: Upcaster) -> Upcaster:
            self._upcasters[(event_type, from_version)] = fn
            return fn

        return decorate

    def __contains__(self, event_type: str) -> bool:
        return event_type in self._classes

    @property
    def types(self) -> list[str]:
        return sorted(self._classes)

    def decode(
        self,
        event_type: str,
        schema_version: int,
        payload: dict[str, Any] | str,
        *,
        stream_id: str,
        position: int,
    ) -> Event:
        cls = self._classes.get(event_type)
        if cls is None:
            raise UnknownEventType(self.service, event_type, stream_id, position)
        data = json.loads(payload) if isinstance(payload, str) else dict(payload)
        version = schema_version
        while version < cls.schema_version:
            step = self._upcasters.get((event_type, version))
            if step is None:
                raise MalformedEvent(
                    event_type, stream_id, position,
                    f"stored as version {version}, no upcaster to {version + 1}",
                )
            data = step(data)
            version += 1
        if version > cls.schema_version:
            raise MalformedEvent(
                event_type, stream_id, position,
                f"stored as version {version}, newer than this code's {cls.schema_version}",
            )
        try:
            return cls.model_validate(data)
        except ValidationError as err:
            detail = "; ".join(
                f"{'.'.join(str(part) for part in e['loc']) or 'payload'}: {e['msg']}"
                for e in err.errors())
            raise MalformedEvent(event_type, stream_id, position, detail) from err


def payload_of(event: Event) -> dict[str, Any]:
    """The JSON form of an event as stored and published."""
    return event.model_dump(mode="json")


# -- events every service knows -------------------------------------------------------------


class RecordAccessed(Event):
    """Someone read a student's record through an API (34 CFR 300.614, FERPA 99.32)."""

    resource: str
    purpose: Annotated[str, PII]


class StudentRecordsDestroyed(Event):
    """The student's personal data is destroyed at the parent's request (34 CFR 300.624):
    every service that receives this destroys the student's data keys, so every copy of
    that data reads as "[destroyed]" while the log stays complete and verifiable."""

    requested_by: str
    requested_on: date
    parent_informed_on: date


KERNEL_EVENTS: tuple[type[Event], ...] = (RecordAccessed, StudentRecordsDestroyed)
