"""Idempotent stream processing: the one pattern every consumer uses.

A `Handler` names the topics it reads and an async function that applies one event inside
a PostgreSQL transaction. `apply_message` wraps it: the applied event id is recorded in
the same transaction as the effect, so a redelivered event has no second effect; an event
that cannot be handled goes to the dead-letter table with the reason and processing goes
on. Kafka offsets are only a hint; the database is the truth.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
from pydantic import ValidationError

from iep_kernel.events import PublishedEvent
from iep_kernel.logs import correlation_id
from iep_kernel.metrics import (
    CONSUMER_APPLIED,
    CONSUMER_DEAD_LETTERS,
    CONSUMER_DUPLICATES,
    CONSUMER_LAG,
)
from iep_kernel.store import ConcurrencyConflict
from iep_kernel.vault import KeyVault, open_trees

log = logging.getLogger("iep.consumer")

HandleFn = Callable[[asyncpg.Connection, PublishedEvent], Awaitable[None]]

# Failures of the infrastructure, not of the event: wait and try the same event again.
TRANSIENT = (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError, ConnectionError,
             asyncpg.exceptions.TooManyConnectionsError)


@dataclass(frozen=True)
class Handler:
    """A stream processor: its durable name, the services whose events it reads, its effect."""

    name: str
    sources: tuple[str, ...]
    handle: HandleFn
    event_types: frozenset[str] | None = None
    # Personal fields arrive opened, unless the handler keeps events exactly as published
    # (the audit store: its hash chain covers the ciphertext, and shredding must reach it).
    sealed: bool = False

    def wants(self, event_type: str) -> bool:
        return self.event_types is None or event_type in self.event_types


@dataclass
class Subscription:
    """A handler bound to the database pool of the service that owns it."""

    handler: Handler
    pool: asyncpg.Pool
    vault: KeyVault | None = None  # opens sealed personal fields before the handler sees them
    applied: int = field(default=0)


class Outcome(enum.Enum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    SKIPPED = "skipped"
    DEAD_LETTER = "dead_letter"


# One row per consumer and event: a redelivered or republished poison event counts a failure
# on the row it already has (and keeps the latest reason) instead of adding one.
_DEAD_LETTER_ONCE = """
    INSERT INTO dead_letters (consumer, topic, event_id, event_type, reason, message)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT {target} DO UPDATE SET
        failures = dead_letters.failures + 1, last_failed_at = now(),
        reason = excluded.reason, topic = excluded.topic
    RETURNING failures = 1"""
_BY_EVENT = _DEAD_LETTER_ONCE.format(target="(consumer, event_id)")
_BY_BYTES = _DEAD_LETTER_ONCE.format(
    target="(consumer, sha256(message)) WHERE event_id IS NULL")


async def record_dead_letter(pool: asyncpg.Pool, consumer: str, topic: str, raw: bytes,
                             reason: str, event: PublishedEvent | None = None) -> None:
    first = await pool.fetchval(
        _BY_EVENT if event else _BY_BYTES,
        consumer, topic, event.event_id if event else None,
        event.event_type if event else None, reason[:2000], raw,
    )
    if first:
        CONSUMER_DEAD_LETTERS.labels(consumer=consumer).inc()
    log.error("event sent to dead letters" if first else "dead letter failed again",
              extra={"consumer": consumer, "topic": topic,
                     "event_id": str(event.event_id) if event else None,
                     "event_type": event.event_type if event else None})


async def _apply_once(sub: Subscription, event: PublishedEvent) -> Outcome:
    handler = sub.handler
    async with sub.pool.acquire() as conn, conn.transaction():
        seen = await conn.fetchval(
            "SELECT 1 FROM applied_events WHERE consumer = $1 AND event_id = $2",
            handler.name, event.event_id)
        if seen:
            return Outcome.DUPLICATE
        await handler.handle(conn, event)
        await conn.execute(
            "INSERT INTO applied_events (consumer, event_id) VALUES ($1, $2)",
            handler.name, event.event_id)
    return Outcome.APPLIED


async def apply_message(sub: Subscription, topic: str, raw: bytes,
                        *, max_conflict_retries: int = 5) -> Outcome:
    """Apply one Kafka message to one handler, exactly once in effect."""
    handler = sub.handler
    try:
        event = PublishedEvent.from_json(raw)
    except ValidationError as err:
        await record_dead_letter(sub.pool, handler.name, topic, raw,
                                 f"not an IEP event envelope: {err.errors()[:3]}")
        return Outcome.DEAD_LETTER
    if not handler.wants(event.event_type):
        return Outcome.SKIPPED
    if sub.vault is not None and not handler.sealed:
        (data,) = await open_trees(sub.vault, [event.data])
        event = event.model_copy(update={"data": data})
    token = correlation_id.set(event.metadata.correlation_id)
    try:
        attempt = 0
        backoff = 0.2
        while True:
            try:
                outcome = await _apply_once(sub, event)
            except asyncpg.UniqueViolationError as err:
                if err.table_name == "applied_events":
                    outcome = Outcome.DUPLICATE  # a concurrent delivery won the race
                else:
                    await record_dead_letter(sub.pool, handler.name, topic, raw,
                                             f"{type(err).__name__}: {err}", event)
                    return Outcome.DEAD_LETTER
            except ConcurrencyConflict:
                attempt += 1
                if attempt <= max_conflict_retries:
                    continue
                await record_dead_letter(sub.pool, handler.name, topic, raw,
                                         "stream kept changing; gave up after retries", event)
                return Outcome.DEAD_LETTER
            except TRANSIENT as err:
                log.warning("database unavailable; retrying the same event",
                            extra={"consumer": handler.name, "error": type(err).__name__})
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            except Exception as err:  # a poison event: record it and go on
                await record_dead_letter(sub.pool, handler.name, topic, raw,
                                         f"{type(err).__name__}: {err}", event)
                return Outcome.DEAD_LETTER
            break
        if outcome is Outcome.APPLIED:
            sub.applied += 1
            CONSUMER_APPLIED.labels(consumer=handler.name).inc()
            lag = (datetime.now(UTC) - event.recorded_at).total_seconds()
            CONSUMER_LAG.labels(consumer=handler.name).set(max(0.0, lag))
        else:
            CONSUMER_DUPLICATES.labels(consumer=handler.name).inc()
        return outcome
    finally:
        correlation_id.reset(token)


@dataclass(frozen=True)
class DeadLetter:
    id: int
    consumer: str
    topic: str
    event_id: Any
    event_type: str | None
    reason: str
    recorded_at: datetime
    replayed_at: datetime | None
    failures: int = 1  # deliveries that failed: a redelivery counts here, adds no row


async def list_dead_letters(pool: asyncpg.Pool, *, include_replayed: bool = False
                            ) -> list[DeadLetter]:
    rows = await pool.fetch(
        "SELECT id, consumer, topic, event_id, event_type, reason, recorded_at, replayed_at, "
        "failures FROM dead_letters WHERE $1 OR replayed_at IS NULL ORDER BY id", include_replayed)
    return [DeadLetter(**dict(r)) for r in rows]


async def replay_dead_letter(pool: asyncpg.Pool, letter_id: int,
                             handlers: Iterable[Handler], vault: KeyVault | None = None
                             ) -> Outcome:
    """Run a dead letter through its consumer again; it is marked replayed once applied."""
    row = await pool.fetchrow(
        "SELECT consumer, topic, message FROM dead_letters WHERE id = $1", letter_id)
    if row is None:
        raise LookupError(f"no dead letter {letter_id}")
    handler = next((h for h in handlers if h.name == row["consumer"]), None)
    if handler is None:
        raise LookupError(f"no consumer named {row['consumer']!r} in this service")
    outcome = await apply_message(Subscription(handler, pool, vault), row["topic"],
                                  row["message"])
    if outcome in (Outcome.APPLIED, Outcome.DUPLICATE, Outcome.SKIPPED):
        await pool.execute("UPDATE dead_letters SET replayed_at = now() WHERE id = $1",
                           letter_id)
    return outcome
