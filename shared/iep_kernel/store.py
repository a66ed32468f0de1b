"""The PostgreSQL event store of one service: append with optimistic concurrency, read back,
tail by global position without gaps, and verify each stream's hash chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from iep_kernel.clock import Clock, SystemClock
from iep_kernel.events import (
    Envelope,
    Event,
    EventRegistry,
    Metadata,
    PublishedEvent,
    has_personal_data,
    payload_of,
)
from iep_kernel.vault import KeyVault, open_trees, seal_model

GENESIS_HASH = "0" * 64

_COLUMNS = (
    "global_position, event_id, stream_id, stream_version, student_id, event_type, "
    "schema_version, occurred_at, recorded_at, metadata, payload, prev_hash, hash"
)

# Rows of transactions older than every running transaction: committed for good, and no
# row can later appear below them (see iep_allocate_positions in the migration).
_SAFE = "transaction_id < pg_snapshot_xmin(pg_current_snapshot())"


class ConcurrencyConflict(Exception):
    """Someone else appended to the stream first; the command should be decided again."""

    def __init__(self, stream_id: str, expected: int, actual: int) -> None:
        super().__init__(
            f"this record was changed by someone else while you were working on it "
            f"(expected version {expected}, found {actual}); reload it and try again"
        )
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


@dataclass(frozen=True)
class AppendResult:
    stream_id: str
    stream_version: int
    first_position: int
    last_position: int
    envelopes: tuple[Envelope, ...]


@dataclass(frozen=True)
class StoredEvent:
    """A row of the log as stored, without decoding its payload into a class."""

    global_position: int
    event_id: UUID
    stream_id: str
    stream_version: int
    student_id: str
    event_type: str
    schema_version: int
    occurred_at: datetime
    recorded_at: datetime
    metadata: dict[str, Any]
    payload: dict[str, Any]
    prev_hash: str
    hash: str

    def published(self, service: str) -> PublishedEvent:
        return PublishedEvent(
            event_id=self.event_id,
            stream_id=self.stream_id,
            stream_version=self.stream_version,
            global_position=self.global_position,
            student_id=self.student_id,
            event_type=self.event_type,
            schema_version=self.schema_version,
            occurred_at=self.occurred_at,
            recorded_at=self.recorded_at,
            metadata=Metadata.model_validate(self.metadata),
            data=self.payload,
            prev_hash=self.prev_hash,
            hash=self.hash,
            service=service,
        )


@dataclass(frozen=True)
class ChainReport:
    stream_id: str
    events_checked: int
    ok: bool
    broken_at_version: int | None = None
    broken_at_position: int | None = None
    reason: str | None = None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(prev_hash: str, header: dict[str, Any], metadata_json: str,
               payload_json: str) -> str:
    """sha256 (hex) over the previous hash and this event's stored content, all canonical."""
    digest = hashlib.sha256(prev_hash.encode())
    for part in (canonical_json(header), metadata_json, payload_json):
        digest.update(b"\n")
        digest.update(part.encode())
    return digest.hexdigest()


def hashed_header(row: StoredEvent) -> dict[str, Any]:
    return {
        "event_id": str(row.event_id), "stream_id": row.stream_id,
        "stream_version": row.stream_version, "global_position": row.global_position,
        "student_id": row.student_id, "event_type": row.event_type,
        "schema_version": row.schema_version, "occurred_at": _iso(row.occurred_at),
        "recorded_at": _iso(row.recorded_at),
    }


def stored_hash(row: StoredEvent) -> str:
    """The hash a stored row should carry, recomputed from what is stored."""
    return event_hash(row.prev_hash, hashed_header(row), canonical_json(row.metadata),
                      canonical_json(row.payload))


def _stored(record: asyncpg.Record) -> StoredEvent:
    return StoredEvent(**dict(record))


@dataclass(frozen=True)
class Append:
    """One stream's part of an append: the version the decision was based on, and events."""

    stream_id: str
    expected_version: int
    events: Sequence[Event]


class EventStore:
    def __init__(
        self,
        pool: asyncpg.Pool,
        registry: EventRegistry,
        *,
        schema: str,
        clock: Clock | None = None,
        on_append: Any = None,
        vault: KeyVault | None = None,
    ) -> None:
        self.pool = pool
        self.schema = schema
        self.vault = vault
        self.registry = registry
        self.service = registry.service
        self.clock: Clock = clock or SystemClock()
        self._on_append = on_append

    # -- writing ---------------------------------------------------------------------------

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        events: Sequence[Event],
        metadata: Metadata,
        *,
        conn: asyncpg.Connection | None = None,
    ) -> AppendResult:
        """Append events to a stream whose current version must be `expected_version`.

        All events of one call commit together or not at all. Pass `conn` (inside a
        transaction) to commit them with other effects; the append must come first.
        """
        results = await self.append_many([Append(stream_id, expected_version, events)],
                                         metadata, conn=conn)
        return results[0]

    async def append_many(
        self, appends: Sequence[Append], metadata: Metadata, *,
        conn: asyncpg.Connection | None = None,
    ) -> list[AppendResult]:
        """Append to several streams atomically, with one allocation of global positions."""
        if conn is None:
            async with self.pool.acquire() as own, own.transaction():
                return await self._append_many(own, appends, metadata)
        if not conn.is_in_transaction():
            raise RuntimeError("append with a connection needs an open transaction")
        return await self._append_many(conn, appends, metadata)

    async def _append_many(
        self, conn: asyncpg.Connection, appends: Sequence[Append], metadata: Metadata
    ) -> list[AppendResult]:
        count = sum(len(a.events) for a in appends)
        if count == 0:
            raise ValueError("nothing to append")
        # Seal personal fields first: the vault has its own connection, and this
        # transaction's first write must be the allocation below.
        payloads = [await self._stored_payload(e) for a in appends for e in a.events]
        # One round trip: positions for all events, and the head of every stream touched.
        streams = [a.stream_id for a in appends]
        heads = await conn.fetch(
            "SELECT a.first_position, a.transaction_id, a.recorded_at, s.stream_id, "
            "h.stream_version, h.hash FROM iep_allocate_positions($1) a "
            "CROSS JOIN unnest($2::text[]) AS s(stream_id) "
            "LEFT JOIN LATERAL (SELECT stream_version, hash FROM events e "
            "  WHERE e.stream_id = s.stream_id ORDER BY stream_version DESC LIMIT 1) h ON true",
            count, streams)
        alloc = heads[0]
        head_of = {r["stream_id"]: (r["stream_version"] or 0, r["hash"] or GENESIS_HASH)
                   for r in heads}
        position = alloc["first_position"]
        transaction_id = alloc["transaction_id"]
        recorded_at = alloc["recorded_at"]
        occurred_at = self.clock.now()
        meta_json = canonical_json(metadata.model_dump(mode="json"))
        occurred_iso, recorded_iso = _iso(occurred_at), _iso(recorded_at)
        rows: list[tuple[Any, ...]] = []
        results: list[AppendResult] = []
        for part in appends:
            actual, prev_hash = head_of[part.stream_id]
            if actual != part.expected_version:
                raise ConcurrencyConflict(part.stream_id, part.expected_version, actual)
            envelopes: list[Envelope] = []
            version = actual
            first = position
            for event in part.events:
                version += 1
                event_id = uuid4()
                event_type = event.event_type()
                payload_json = canonical_json(payloads[position - alloc["first_position"]])
                header = {
                    "event_id": str(event_id), "stream_id": part.stream_id,
                    "stream_version": version, "global_position": position,
                    "student_id": event.student_id, "event_type": event_type,
                    "schema_version": event.schema_version, "occurred_at": occurred_iso,
                    "recorded_at": recorded_iso,
                }
                digest = event_hash(prev_hash, header, meta_json, payload_json)
                rows.append((
                    position, transaction_id, event_id, part.stream_id, version,
                    event.student_id, event_type, event.schema_version, occurred_at,
                    recorded_at, meta_json, payload_json, prev_hash, digest,
                ))
                envelopes.append(Envelope.model_construct(
                    event_id=event_id, stream_id=part.stream_id,
                    stream_version=version, global_position=position,
                    student_id=event.student_id, event_type=event_type,
                    schema_version=event.schema_version, occurred_at=occurred_at,
                    recorded_at=recorded_at, metadata=metadata, data=event,
                    prev_hash=prev_hash, hash=digest,
                ))
                prev_hash = digest
                position += 1
            results.append(AppendResult(part.stream_id, version, first, position - 1,
                                        tuple(envelopes)))
        try:
            # One statement for all rows: arrays, unnested (fewer protocol messages than
            # one insert per row).
            columns = list(zip(*rows, strict=True))
            await conn.execute(
                "INSERT INTO events (global_position, transaction_id, event_id, stream_id, "
                "stream_version, student_id, event_type, schema_version, occurred_at, "
                "recorded_at, metadata, payload, prev_hash, hash) "
                "SELECT p, $2::xid8, e, s, v, st, t, sv, $9::timestamptz, $10::timestamptz, "
                "$11::jsonb, pl::jsonb, ph, h FROM unnest($1::bigint[], $3::uuid[], "
                "$4::text[], $5::int[], $6::text[], $7::text[], $8::int[], $12::text[], "
                "$13::text[], $14::text[]) AS u(p, e, s, v, st, t, sv, pl, ph, h)",
                list(columns[0]), transaction_id, list(columns[2]), list(columns[3]),
                list(columns[4]), list(columns[5]), list(columns[6]), list(columns[7]),
                occurred_at, recorded_at, meta_json, list(columns[11]), list(columns[12]),
                list(columns[13]),
            )
        except asyncpg.UniqueViolationError as err:
            # Another transaction took the same stream version between our read and insert.
            detail = err.detail or ""
            part = next((a for a in appends if f"=({a.stream_id}," in detail), appends[0])
            raise ConcurrencyConflict(part.stream_id, part.expected_version,
                                      part.expected_version + 1) from err
        if self._on_append is not None:
            self._on_append(self.service, count)
        return results

    async def _stored_payload(self, event: Event) -> dict[str, Any]:
        payload = payload_of(event)
        if self.vault is None or not has_personal_data(type(event)):
            return payload
        key_id, key = await self.vault.key_for_writing(event.student_id)
        return seal_model(event, payload, key_id, key)

    # -- reading ---------------------------------------------------------------------------

    async def _decode_all(self, rows: Sequence[StoredEvent]) -> list[Envelope]:
        payloads = await open_trees(self.vault, [r.payload for r in rows])
        return [self._decode(r, p) for r, p in zip(rows, payloads, strict=True)]

    def _decode(self, row: StoredEvent, payload: dict[str, Any]) -> Envelope:
        data = self.registry.decode(
            row.event_type, row.schema_version, payload,
            stream_id=row.stream_id, position=row.global_position,
        )
        return Envelope(
            event_id=row.event_id, stream_id=row.stream_id, stream_version=row.stream_version,
            global_position=row.global_position, student_id=row.student_id,
            event_type=row.event_type, schema_version=data.schema_version,
            occurred_at=row.occurred_at, recorded_at=row.recorded_at,
            metadata=Metadata.model_validate(row.metadata), data=data,
            prev_hash=row.prev_hash, hash=row.hash,
        )

    async def read_stream_raw(
        self, stream_id: str, *, up_to: int | None = None, as_of: datetime | None = None,
        conn: asyncpg.Connection | None = None,
    ) -> list[StoredEvent]:
        query = (
            f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 "
            "AND ($2::int IS NULL OR stream_version <= $2) "
            "AND ($3::timestamptz IS NULL OR recorded_at <= $3) ORDER BY stream_version"
        )
        if conn is not None:
            records = await conn.fetch(query, stream_id, up_to, as_of)
        else:
            records = await self.pool.fetch(query, stream_id, up_to, as_of)
        return [_stored(r) for r in records]

    async def read_stream(
        self, stream_id: str, *, up_to: int | None = None, as_of: datetime | None = None,
        conn: asyncpg.Connection | None = None,
    ) -> list[Envelope]:
        """The stream's events in order, up to a version or as recorded at an instant."""
        rows = await self.read_stream_raw(stream_id, up_to=up_to, as_of=as_of, conn=conn)
        return await self._decode_all(rows)

    async def read_all_raw(self, from_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        """Committed events after `from_position`, in position order, never skipping one."""
        records = await self.pool.fetch(
            f"SELECT {_COLUMNS} FROM events WHERE global_position > $1 AND {_SAFE} "
            "ORDER BY global_position LIMIT $2",
            from_position, limit,
        )
        return [_stored(r) for r in records]

    async def read_all(self, from_position: int = 0, limit: int = 1000) -> list[Envelope]:
        return await self._decode_all(await self.read_all_raw(from_position, limit))

    async def read_student(self, student_id: str, event_types: Sequence[str] | None = None
                           ) -> list[Envelope]:
        """Every event of one student in this log, in position order."""
        records = await self.pool.fetch(
            f"SELECT {_COLUMNS} FROM events WHERE student_id = $1 "
            "AND ($2::text[] IS NULL OR event_type = ANY($2)) ORDER BY global_position",
            student_id, list(event_types) if event_types is not None else None)
        return await self._decode_all([_stored(r) for r in records])

    async def head_position(self) -> int:
        """The highest position a tailing reader may read now."""
        value = await self.pool.fetchval(
            f"SELECT coalesce(max(global_position), 0) FROM events WHERE {_SAFE}"
        )
        return int(value)

    # -- verifying -------------------------------------------------------------------------

    async def verify(self, stream_id: str) -> ChainReport:
        """Recompute the stream's hash chain and report the first link that does not hold."""
        rows = await self.read_stream_raw(stream_id)
        return verify_chain(stream_id, rows)

    async def stream_ids(self) -> list[str]:
        return [r["stream_id"] for r in await self.pool.fetch(
            "SELECT DISTINCT stream_id FROM events ORDER BY stream_id")]


def verify_chain(stream_id: str, rows: Sequence[StoredEvent]) -> ChainReport:
    prev_hash = GENESIS_HASH
    for index, row in enumerate(rows, start=1):
        reason = None
        if row.stream_version != index:
            reason = f"version {row.stream_version} where {index} was expected (missing event)"
        elif row.prev_hash != prev_hash:
            reason = "previous-hash link does not match the event before it"
        elif stored_hash(row) != row.hash:
            reason = "content does not match its hash (the event was altered)"
        if reason:
            return ChainReport(stream_id, index, False, row.stream_version,
                               row.global_position, reason)
        prev_hash = row.hash
    return ChainReport(stream_id, len(rows), True)
