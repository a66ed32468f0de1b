"""The district clock: real time plus a number of days kept in PostgreSQL, so a district can
rehearse a year in minutes outside production.

One row in the kernel's schema `iep_clock` (after `IEP_SCHEMA_PREFIX`, so each test keeps a
clock of its own) holds how many days the district runs ahead of the real date. Every process
reads it into a `DistrictClock` and follows it in the background (LISTEN/NOTIFY, and a short
poll in case a notification is lost), so `now()` stays synchronous and cheap, and the APIs,
workers and timers of every service agree without a restart. The database refuses to move the
clock backwards, and production refuses to start on a moved clock.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import asyncpg

from iep_kernel.calendar import local_date
from iep_kernel.clock import Clock, SystemClock
from iep_kernel.config import Settings
from iep_kernel.db import connect, schema_name

log = logging.getLogger("iep.clock")

# The trigger refuses a move backwards and removing the row, and tells every listening
# process of a move (the channel is the schema's name, so test schemas do not hear each other).
CLOCK_SQL = """
CREATE TABLE IF NOT EXISTS district_clock (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    offset_days integer NOT NULL DEFAULT 0 CHECK (offset_days >= 0),
    moved_at    timestamptz
);
INSERT INTO district_clock (only_row) VALUES (true) ON CONFLICT DO NOTHING;
CREATE OR REPLACE FUNCTION district_clock_moves_forward() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'the district clock is kept: its row is never removed';
    END IF;
    IF NEW.offset_days < OLD.offset_days THEN
        RAISE EXCEPTION 'the district clock never moves backwards: it is % days ahead of the '
            'real date and cannot be set to % days', OLD.offset_days, NEW.offset_days
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM pg_notify(TG_TABLE_SCHEMA, NEW.offset_days::text);
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER district_clock_moves_forward
    BEFORE UPDATE OR DELETE ON district_clock
    FOR EACH ROW EXECUTE FUNCTION district_clock_moves_forward();
CREATE OR REPLACE TRIGGER district_clock_is_kept BEFORE TRUNCATE ON district_clock
    FOR EACH STATEMENT EXECUTE FUNCTION district_clock_moves_forward();
"""


def clock_schema(settings: Settings) -> str:
    return schema_name(f"{settings.schema_prefix}iep_clock")


async def create_clock(conn: asyncpg.Connection, schema: str) -> None:
    """Create the clock's schema and row (idempotent; `iep migrate` calls it)."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"migrate:{schema}")
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        await conn.execute(f'SET LOCAL search_path = "{schema}"')
        await conn.execute(CLOCK_SQL)


@dataclass(frozen=True)
class ClockReading:
    """Where the district clock stands: days ahead of the real date, and the district's now."""

    offset_days: int
    moved_at: datetime | None
    real_now: datetime

    @property
    def now(self) -> datetime:
        return self.real_now + timedelta(days=self.offset_days)

    def today(self, timezone: str) -> date:
        return local_date(self.now, timezone)

    @property
    def moved(self) -> bool:
        return self.offset_days > 0


class ClockRefused(Exception):
    """A move the district clock does not make; the message says why and what would do."""


async def offset_days(conn: asyncpg.Connection, schema: str) -> int:
    """Days the district runs ahead; 0 where the clock was never created (not migrated)."""
    try:
        found = await conn.fetchval(f'SELECT offset_days FROM "{schema}".district_clock')
    except (asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError):
        return 0
    return int(found or 0)


async def read_clock(conn: asyncpg.Connection, schema: str, real: Clock | None = None
                     ) -> ClockReading:
    row = await conn.fetchrow(f'SELECT offset_days, moved_at FROM "{schema}".district_clock')
    if row is None:
        raise ClockRefused("the district clock is not set up in this database; run "
                           "`iep migrate` first")
    return ClockReading(row["offset_days"], row["moved_at"], (real or SystemClock()).now())


async def move_clock(conn: asyncpg.Connection, schema: str, timezone: str, *,
                     days: int | None = None, to: date | None = None,
                     real: Clock | None = None) -> ClockReading:
    """Move the district clock forward by `days`, or to the district date `to` (whole days,
    so the time of day stays the real one). Earlier than the district's date is refused."""
    async with conn.transaction():
        await conn.execute(f'SELECT 1 FROM "{schema}".district_clock FOR UPDATE')
        before = await read_clock(conn, schema, real)
        today = before.today(timezone)
        if to is not None:
            if to < today:
                raise ClockRefused(
                    f"the district clock never moves backwards: the district's date is "
                    f"{today.isoformat()}, so {to.isoformat()} cannot be set; choose "
                    f"{today.isoformat()} or a later date")
            days = (to - today).days
        if days is None or days < 0:
            raise ClockRefused("the district clock moves forward only: give a number of days "
                               "of 0 or more")
        if days:
            await conn.execute(
                f'UPDATE "{schema}".district_clock SET offset_days = offset_days + $1, '
                "moved_at = now()", days)
        return await read_clock(conn, schema, real)


class DistrictClock:
    """Real time plus the district's days ahead, followed in the background."""

    def __init__(self, dsn: str, schema: str, *, real: Clock | None = None,
                 poll_seconds: float = 2.0) -> None:
        self.dsn = dsn
        self.schema = schema_name(schema)
        self.real = real or SystemClock()
        self.poll_seconds = poll_seconds
        self._offset_days = 0
        self._moved = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def offset_days(self) -> int:
        return self._offset_days

    def now(self) -> datetime:
        return self.real.now().astimezone(UTC) + timedelta(days=self._offset_days)

    def today(self) -> date:
        return self.now().date()

    async def start(self) -> None:
        """Read the clock once, then follow it until `close`."""
        conn = await connect(self.dsn)
        try:
            self._take(await offset_days(conn, self.schema))
        finally:
            await conn.close()
        self._task = asyncio.create_task(self._follow(), name=f"clock:{self.schema}")

    async def close(self) -> None:
        self._stop.set()
        if self._task is not None:
            try:
                # A follower stuck connecting to a database that is down is not waited for.
                await asyncio.wait_for(self._task, timeout=5)
            except TimeoutError:
                log.warning("the district clock's follower did not stop in time; cancelled")
            self._task = None

    async def next_move(self) -> None:
        """Returns when the clock next moves (the timer loop wakes on it)."""
        await self._moved.wait()

    def _take(self, days: int) -> None:
        # Never backwards, even if a stale read arrives after a notification.
        if days > self._offset_days:
            self._offset_days = days
            moved, self._moved = self._moved, asyncio.Event()
            moved.set()
            log.info("the district clock moved", extra={"offset_days": days})

    def _notified(self, conn: object, pid: int, channel: str, payload: object) -> None:
        try:
            self._take(int(str(payload)))
        except ValueError:
            log.warning("an unreadable clock notification; rereading at the next poll")

    async def _follow(self) -> None:
        while not self._stop.is_set():
            conn: asyncpg.Connection | None = None
            try:
                conn = await connect(self.dsn)
                await conn.add_listener(self.schema, self._notified)
                while not self._stop.is_set():
                    self._take(await offset_days(conn, self.schema))
                    await self._pause()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
                log.warning("the district clock could not be read; retrying",
                            extra={"error": type(err).__name__})
                await self._pause()
            finally:
                if conn is not None and not conn.is_closed():
                    await conn.close()

    async def _pause(self) -> None:
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=self.poll_seconds)
        except TimeoutError:
            pass


def moved_clock_refusal(days: int) -> str:
    return (f"The district clock of this database is {days} days ahead of the real date: it "
            f"was moved by `iep clock` for a rehearsal outside production. Production runs on "
            f"the real date only; point IEP_DATABASE_URL at a database that was never "
            f"rehearsed on.")


async def clock_for(settings: Settings, dsn: str) -> Clock:
    """The clock of a running process: the district clock outside production; the real
    clock in production, which refuses to start on a moved district clock."""
    schema = clock_schema(settings)
    if settings.environment == "production":
        conn = await connect(dsn)
        try:
            days = await offset_days(conn, schema)
        finally:
            await conn.close()
        if days:
            raise SystemExit(moved_clock_refusal(days))
        return SystemClock()
    clock = DistrictClock(dsn, schema, poll_seconds=settings.clock_poll_seconds)
    await clock.start()
    return clock


def offset_of(clock: Clock) -> int:
    """Days the clock runs ahead of the real date (0 but for a moved district clock)."""
    return clock.offset_days if isinstance(clock, DistrictClock) else 0
