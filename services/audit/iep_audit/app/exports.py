"""Export lines: JSON Lines (one event per line, the fields of the query API) and CSV.

A JSON line carries what the kernel hashes, unchanged, so anyone holding an export can
recompute each chain with `iep_kernel.store.stored_hash` without this service; beside it,
the dates of record (`DATES`: the act's day, the district's day of recording, how late),
which are read from the event, not hashed. The CSV adds them as its last columns, so the
columns before keep their places.
"""

import csv
import io
import json
from collections.abc import AsyncIterator
from typing import Any

from iep_kernel.store import canonical_json

from iep_audit.domain.dates import RecordWindow, dates_of_record
from iep_audit.domain.record import AuditedEvent

EVENT_COLUMNS = ("recorded_at", "occurred_at", "service", "stream_id", "stream_version",
               "global_position", "event_id", "student_id", "event_type", "schema_version",
               "actor_id", "actor_role", "on_behalf_of", "correlation_id", "causation_id",
               "metadata", "payload", "prev_hash", "hash")
DATES = ("occurred_on", "recorded_on", "days_late", "late_entry", "late_entry_reason_given")
CSV_COLUMNS = (*EVENT_COLUMNS, *DATES)


def dates(event: AuditedEvent, window: RecordWindow) -> dict[str, Any]:
    """The event's dates of record, JSON-ready, in the order of `DATES`."""
    found = dates_of_record(event.payload, event.occurred_at, window,
                            event.actor.get("role"))
    return {"occurred_on": found.occurred_on and found.occurred_on.isoformat(),
            "recorded_on": found.recorded_on.isoformat(), "days_late": found.days_late,
            "late_entry": found.late_entry,
            "late_entry_reason_given": found.late_entry_reason_given}


def as_json(event: AuditedEvent, window: RecordWindow) -> dict[str, Any]:
    return {
        "service": event.service, "event_id": str(event.event_id),
        "stream_id": event.stream_id, "stream_version": event.stream_version,
        "global_position": event.global_position, "student_id": event.student_id,
        "event_type": event.event_type, "schema_version": event.schema_version,
        "occurred_at": event.occurred_at.isoformat(),
        "recorded_at": event.recorded_at.isoformat(),
        "metadata": event.metadata, "payload": event.payload,
        "prev_hash": event.prev_hash, "hash": event.hash,
        **dates(event, window),
    }


def json_line(event: AuditedEvent, window: RecordWindow) -> str:
    return json.dumps(as_json(event, window), ensure_ascii=False,
                      separators=(",", ":")) + "\n"


def _csv_row(values: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def csv_header() -> str:
    return _csv_row(list(CSV_COLUMNS))


def csv_line(event: AuditedEvent, window: RecordWindow) -> str:
    # Values are written as stored (no formula escaping): the export is evidence, and a
    # cell must read back exactly. Open it as data, not as a spreadsheet with formulas.
    actor = event.actor
    return _csv_row([
        event.recorded_at.isoformat(), event.occurred_at.isoformat(), event.service,
        event.stream_id, event.stream_version, event.global_position, str(event.event_id),
        event.student_id, event.event_type, event.schema_version, actor.get("id"),
        actor.get("role"), actor.get("on_behalf_of"), event.metadata.get("correlation_id"),
        event.metadata.get("causation_id"), canonical_json(event.metadata),
        canonical_json(event.payload), event.prev_hash, event.hash,
        *dates(event, window).values()])


async def json_lines(events: AsyncIterator[AuditedEvent], window: RecordWindow
                     ) -> AsyncIterator[str]:
    async for event in events:
        yield json_line(event, window)


async def csv_lines(events: AsyncIterator[AuditedEvent], window: RecordWindow
                    ) -> AsyncIterator[str]:
    yield csv_header()
    async for event in events:
        yield csv_line(event, window)


async def chunked(lines: AsyncIterator[str], size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """Lines gathered into chunks of about `size` bytes: fewer, larger writes."""
    parts: list[str] = []
    length = 0
    async for line in lines:
        parts.append(line)
        length += len(line)
        if length >= size:
            yield "".join(parts).encode()
            parts, length = [], 0
    if parts:
        yield "".join(parts).encode()


async def started(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """`chunks` with the first one already read (and the query behind it begun), so that
    a failure there is raised here, before any answer is sent."""
    first = await anext(chunks, None)

    async def all_of() -> AsyncIterator[bytes]:
        if first is not None:
            yield first
        async for chunk in chunks:
            yield chunk

    return all_of()
