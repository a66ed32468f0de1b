"""The audit store: every events topic kept append-only, each event exactly as published.

`AuditLog` is a projection like any other (live as an idempotent consumer, rebuilt by
replaying the topics), but it receives personal fields sealed, as published: the hash chain
covers the ciphertext, and destroying a student's key must reach this copy too.
"""

from collections.abc import Sequence

import asyncpg
from iep_kernel.events import PublishedEvent
from iep_kernel.projection import Projection
from iep_kernel.service import discover_services

from iep_audit.domain.record import AuditedEvent

TABLE = "audit_events"
COLUMNS = ("service", "event_id", "stream_id", "stream_version", "global_position",
           "student_id", "event_type", "schema_version", "occurred_at", "recorded_at",
           "metadata", "payload", "prev_hash", "hash")

CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS audit_events (
    event_id        uuid PRIMARY KEY,
    service         text NOT NULL,
    stream_id       text NOT NULL,
    stream_version  integer NOT NULL,
    global_position bigint NOT NULL,
    student_id      text NOT NULL,
    event_type      text NOT NULL,
    schema_version  integer NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL,
    metadata        jsonb NOT NULL,
    payload         jsonb NOT NULL,
    prev_hash       text NOT NULL,
    hash            text NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    -- One event per place in a chain: a second, different event claiming the same place
    -- is refused (and goes to dead letters) rather than hidden. Also serves stream queries
    -- and verification, which walk chains in this order.
    CONSTRAINT audit_events_one_per_link UNIQUE (stream_id, service, stream_version),
    CONSTRAINT audit_events_one_per_position UNIQUE (service, global_position)
);
-- UPDATE, DELETE and TRUNCATE are refused by the database, as in every event table
-- (iep_refuse_change comes with the kernel's migration of this schema).
CREATE OR REPLACE TRIGGER audit_events_refuse_update_delete BEFORE UPDATE OR DELETE
    ON audit_events FOR EACH ROW EXECUTE FUNCTION iep_refuse_change();
CREATE OR REPLACE TRIGGER audit_events_refuse_truncate BEFORE TRUNCATE
    ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION iep_refuse_change();
"""

# Every query of the log reads in the order (recorded_at, service, global_position) with
# an optional equality filter in front: each index below serves one filter, already in
# that order, so a page is an index range scan that stops after `limit` rows.
INDEXES = {
    "audit_events_in_order": "(recorded_at, service, global_position)",
    "audit_events_by_student": "(student_id, recorded_at, service, global_position)",
    "audit_events_by_service": "(service, recorded_at, global_position)",
    "audit_events_by_type": "(event_type, recorded_at, service, global_position)",
    "audit_events_by_actor":
        "((metadata -> 'actor' ->> 'id'), recorded_at, service, global_position)",
}

INSERT = (
    f"INSERT INTO audit_events ({', '.join(COLUMNS)}) "
    f"VALUES ({', '.join(f'${i}' for i in range(1, len(COLUMNS) + 1))}) "
    "ON CONFLICT (event_id) DO NOTHING"
)


def publishing_services() -> tuple[str, ...]:
    """Every installed service that publishes an events topic."""
    return tuple(spec.name for spec in discover_services() if spec.publishes)


class AuditLog(Projection):
    name = "audit-log"
    tables = (TABLE,)
    sealed = True

    def __init__(self, sources: Sequence[str] | None = None) -> None:
        self._sources = tuple(sources) if sources is not None else None

    @property  # type: ignore[override]
    def sources(self) -> tuple[str, ...]:
        # Found when the worker starts, not at import: the installed services are known
        # only once every entry point can be loaded (this one included).
        if self._sources is None:
            self._sources = publishing_services()
        return self._sources

    async def create(self, conn: asyncpg.Connection) -> None:
        await self.create_table(conn)
        await self.create_indexes(conn)

    async def create_table(self, conn: asyncpg.Connection) -> None:
        await conn.execute(CREATE_TABLE)

    async def create_indexes(self, conn: asyncpg.Connection) -> None:
        for name, columns in INDEXES.items():
            await conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON audit_events {columns}")

    async def apply(self, conn: asyncpg.Connection, event: PublishedEvent) -> None:
        """Keep the event; a redelivered one (same event id) changes nothing."""
        record = AuditedEvent.published(event)
        await conn.execute(INSERT, *(getattr(record, column) for column in COLUMNS))
