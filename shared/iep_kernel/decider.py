"""Command handling: load a stream, fold it into state, decide, append.

A service's domain supplies a `Decider` of pure functions (no I/O): `evolve(state, event)`
folds history into state and `decide(command, state)` returns new events or raises
`IllegalTransition` with a sentence a person understands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

import asyncpg

from iep_kernel.events import Envelope, Event, Metadata
from iep_kernel.store import ConcurrencyConflict, EventStore

S = TypeVar("S")
C = TypeVar("C")


class IllegalTransition(Exception):
    """The command is not allowed in the record's current state (HTTP 409)."""


class NotFound(Exception):
    """The record does not exist (HTTP 404)."""


@dataclass(frozen=True)
class Decider(Generic[S, C]):
    initial: Callable[[], S]
    evolve: Callable[[S, Event], S]
    decide: Callable[[C, S], Sequence[Event]]

    def fold(self, events: Sequence[Event], state: S | None = None) -> S:
        current = self.initial() if state is None else state
        for event in events:
            current = self.evolve(current, event)
        return current


@dataclass(frozen=True)
class CommandResult(Generic[S]):
    stream_id: str
    version: int
    state: S
    events: tuple[Envelope, ...]
    last_position: int | None  # None when the command changed nothing


class CommandHandler(Generic[S, C]):
    """Runs commands of one decider against one event store, retrying lost races."""

    def __init__(self, store: EventStore, decider: Decider[S, C], *, retries: int = 3) -> None:
        self.store = store
        self.decider = decider
        self.retries = retries

    async def load(self, stream_id: str, *, as_of: datetime | None = None,
                   conn: asyncpg.Connection | None = None) -> tuple[S, int]:
        history = await self.store.read_stream(stream_id, as_of=as_of, conn=conn)
        return self.decider.fold([e.data for e in history]), len(history)

    async def execute(self, stream_id: str, command: C, metadata: Metadata, *,
                      conn: asyncpg.Connection | None = None) -> CommandResult[S]:
        """Decide on the latest state and append; a lost race is decided again on fresh state.

        With `conn`, the caller's transaction holds the append (no retry: the caller decides).
        """
        attempts = 1 if conn is not None else self.retries + 1
        for attempt in range(attempts):
            state, version = await self.load(stream_id, conn=conn)
            new_events = list(self.decider.decide(command, state))
            if not new_events:
                return CommandResult(stream_id, version, state, (), None)
            try:
                result = await self.store.append(stream_id, version, new_events, metadata,
                                                 conn=conn)
            except ConcurrencyConflict:
                if attempt + 1 >= attempts:
                    raise
                continue
            state = self.decider.fold(new_events, state)
            return CommandResult(stream_id, result.stream_version, state, result.envelopes,
                                 result.last_position)
        raise AssertionError("unreachable")
