"""`iep seed --students N`: drive the referral and evaluation services' real commands.

With `--url`, against a running system (`make up`), with tokens from its dev issuer: every
command happens on the services' today. Without, the services run in this process (the
kernel's `create_app` behind httpx's ASGI transport, and their workers on the broker),
with a clock that walks through the last `--days` days, so every stage and deadline state
appears. They are found through the `iep.services` entry points, never imported.
"""

import asyncio
import json
from collections.abc import Callable, Coroutine
from datetime import date
from typing import Annotated, Any, TypeVar

import httpx
import typer
from iep_kernel.auth import DevIssuer, dev_key_file
from iep_kernel.clock import FixedClock, SystemClock
from iep_kernel.config import Settings
from iep_kernel.http import create_app
from iep_kernel.runtime import Workers, close_runtimes, migrate_services, open_runtimes
from iep_kernel.service import discover_services
from iep_kernel.testing.infra import Broker, start_postgres

from iep_views.seed.demo import STUDENTS, Demo
from iep_views.seed.drive import Seeder, Tally, midday
from iep_views.seed.plan import district

T = TypeVar("T")

SERVICES = ["referral", "evaluation"]


def staff_headers(settings: Settings, schools: int) -> dict[str, str]:
    """A case manager of every school: may refer, ask consent, assess and determine."""
    issuer = DevIssuer(dev_key_file(settings))
    token = issuer.token(settings, "seed-case-manager", "case_manager",
                         [f"sch-{n + 1:03d}" for n in range(schools)])
    return {"Authorization": f"Bearer {token}"}


async def seed_over_http(url: str, settings: Settings, students: int, schools: int,
                         first: int) -> Tally:
    plans = district(students, schools=schools, today=SystemClock().today(), days=0, first=first)
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        return await Seeder(client, staff_headers(settings, schools)).run(plans)


async def _drained(runtimes: list, seconds: float = 30.0) -> None:  # type: ignore[type-arg]
    """Until each relay has published every event (or `seconds` pass)."""
    deadline = asyncio.get_running_loop().time() + seconds
    for runtime in runtimes:
        while asyncio.get_running_loop().time() < deadline:
            head = await runtime.store.head_position()
            done = await runtime.pool.fetchval(
                "SELECT coalesce(max(position), 0) FROM relay_checkpoints")
            if done >= head:
                break
            await asyncio.sleep(0.1)


async def seed_in_process(settings: Settings, dsn: str, bootstrap: str, students: int,
                          schools: int, days: int, today: date, first: int) -> Tally:
    specs = discover_services(SERVICES)
    await migrate_services(dsn, specs, settings.schema_prefix, settings.keys_database_url)
    plans = district(students, schools=schools, today=today, days=days, first=first)
    clock = FixedClock(midday(min(a.day for p in plans for a in p.actions)))
    runtimes = await open_runtimes(specs, settings, dsn, bootstrap, clock)
    stop = asyncio.Event()
    workers = asyncio.create_task(Workers(runtimes, "iep-seed").run(stop))
    try:
        transport = httpx.ASGITransport(app=create_app(runtimes))
        async with httpx.AsyncClient(transport=transport, base_url="http://seed") as client:
            tally = await Seeder(client, staff_headers(settings, schools),
                                 set_today=lambda day: clock.set(midday(day))).run(plans)
        clock.set(midday(today))
        await _drained(runtimes)
        return tally
    finally:
        stop.set()
        await workers
        await close_runtimes(runtimes)


DEMO_SERVICES = ["referral", "evaluation", "planning"]


def _tokens(settings: Settings) -> Any:
    issuer = DevIssuer(dev_key_file(settings))
    return lambda sub, role, schools: issuer.token(settings, sub, role, schools)


async def demo_over_http(url: str, settings: Settings) -> int:
    """The demo district on a running system (`make up` calls this when its store is
    empty)."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        return await Demo(client, _tokens(settings), SystemClock().today()).run()


async def demo_in_process(settings: Settings, dsn: str, bootstrap: str) -> int:
    specs = [s for s in discover_services() if s.name in DEMO_SERVICES]
    await migrate_services(dsn, specs, settings.schema_prefix, settings.keys_database_url)
    runtimes = await open_runtimes(specs, settings, dsn, bootstrap)
    stop = asyncio.Event()
    workers = asyncio.create_task(Workers(runtimes, "iep-seed-demo").run(stop))
    try:
        transport = httpx.ASGITransport(app=create_app(runtimes))
        async with httpx.AsyncClient(transport=transport, base_url="http://seed") as client:
            count = await Demo(client, _tokens(settings), SystemClock().today()).run()
        await _drained(runtimes)
        return count
    finally:
        stop.set()
        await workers
        await close_runtimes(runtimes)


def seed(
    demo: Annotated[bool, typer.Option(
        "--demo", help="The small demo district of the web app's demo people instead")
    ] = False,
    students: Annotated[int, typer.Option("--students", min=1, help="How many students")] = 100,
    schools: Annotated[int, typer.Option(min=1, help="Over how many schools")] = 5,
    days: Annotated[int, typer.Option(min=0, help="The stories span this many days before "
                                                  "today (in-process only)")] = 120,
    first: Annotated[int, typer.Option(help="The first student number (add to a district)")
                     ] = 0,
    url: Annotated[str | None, typer.Option(help="A running system, e.g. "
                                                 "http://127.0.0.1:8000")] = None,
) -> None:
    """Make a synthetic district with students at every stage, through the real commands."""
    settings = Settings()
    if settings.environment == "production":
        raise typer.BadParameter("synthetic students do not belong in production")
    if demo:
        _seed_demo(settings, url)
        return
    if url:
        tally = asyncio.run(seed_over_http(url, settings, students, schools, first))
    else:
        tally = _in_process(settings, lambda settings, dsn, bootstrap: seed_in_process(
            settings, dsn, bootstrap, students, schools, days, SystemClock().today(), first))
    typer.echo(json.dumps({"students": students, "schools": schools,
                           "commands": tally.commands, "by_kind": dict(tally.by_kind)}))


def _seed_demo(settings: Settings, url: str | None) -> None:
    if url:
        count = asyncio.run(demo_over_http(url, settings))
    else:
        count = _in_process(settings, demo_in_process)
    typer.echo(json.dumps({"demo": True, "students": len(STUDENTS), "commands": count}))


def _in_process(settings: Settings,
                run: Callable[[Settings, str, str], Coroutine[Any, Any, T]]) -> T:
    """Run `run` with the services in this process, on the configured PostgreSQL and broker
    or on embedded ones started for it."""
    settings = settings.model_copy(update={
        "auth_dev_issuer": True, "consumer_engine": "aiokafka",
        "relay_poll_seconds": 0.1, "timer_poll_seconds": 0.2})
    broker = None
    dsn = settings.database_url or start_postgres(settings.data_dir.resolve() / "pg")
    bootstrap = settings.kafka_bootstrap
    if not bootstrap:
        broker = Broker()
        broker.start()
        bootstrap = broker.bootstrap
    try:
        return asyncio.run(run(settings, dsn, bootstrap))
    finally:
        if broker is not None:
            broker.stop()
