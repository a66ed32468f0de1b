"""What an auditor asks of the log, as SQL: equality filters, a time range, and a cursor.

Every filter is a fixed SQL fragment with a bound parameter; nothing the caller sends is
ever spliced into the SQL text. Pages are keyset pages on the order key
(recorded_at, service, global_position): a cursor is the key of the last row returned, so
pages are stable however many events arrive meanwhile.
"""

import base64
import binascii
import json
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Literal

Order = Literal["asc", "desc"]
SELECTED = ("service, event_id, stream_id, stream_version, global_position, student_id, "
            "event_type, schema_version, occurred_at, recorded_at, metadata, payload, "
            "prev_hash, hash")


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    recorded_at: datetime
    service: str
    global_position: int
    order: Order

    def encode(self) -> str:
        raw = json.dumps([self.recorded_at.isoformat(), self.service, self.global_position,
                          self.order], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, order: Order) -> "Cursor":
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            recorded, service, position, cursor_order = json.loads(raw)
            cursor = cls(datetime.fromisoformat(recorded), str(service), int(position),
                         cursor_order)
        except (ValueError, TypeError, binascii.Error) as err:
            raise BadCursor("this cursor is not one this service gave out; pass the "
                            "`next` value of the previous page unchanged") from err
        if cursor.order != order:
            raise BadCursor(f"this cursor belongs to a query in {cursor.order} order; "
                            f"ask with order={cursor.order} or start again without a cursor")
        return cursor


@dataclass(frozen=True)
class EventFilter:
    """Which events: each field set narrows the log; none set means the whole log."""

    student_id: str | None = None
    service: str | None = None
    stream_id: str | None = None
    event_type: str | None = None
    actor: str | None = None
    actor_role: str | None = None
    resource: str | None = None
    since: datetime | None = None  # recorded at or after
    until: datetime | None = None  # recorded before

    def as_parameters(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = value.isoformat() if isinstance(value, datetime) else value
        return out


_CLAUSES = {
    "student_id": "student_id = {}",
    "service": "service = {}",
    "stream_id": "stream_id = {}",
    "event_type": "event_type = {}",
    "actor": "(metadata -> 'actor' ->> 'id') = {}",
    "actor_role": "(metadata -> 'actor' ->> 'role') = {}",
    "resource": "(payload ->> 'resource') = {}",
    "since": "recorded_at >= {}",
    "until": "recorded_at < {}",
}


def where(flt: EventFilter, cursor: Cursor | None = None) -> tuple[str, list[Any]]:
    """The WHERE clause (or "") and its parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    for name, template in _CLAUSES.items():
        value = getattr(flt, name)
        if value is not None:
            params.append(value)
            clauses.append(template.format(f"${len(params)}"))
    if cursor is not None:
        params += [cursor.recorded_at, cursor.service, cursor.global_position]
        n = len(params)
        op = ">" if cursor.order == "asc" else "<"
        clauses.append(f"(recorded_at, service, global_position) {op} (${n - 2}, ${n - 1}, ${n})")
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def ordered(order: Order) -> str:
    direction = "" if order == "asc" else " DESC"
    return (f" ORDER BY recorded_at{direction}, service{direction}, "
            f"global_position{direction}")
