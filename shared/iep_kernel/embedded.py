"""Embedded mode (`make up`): a real PostgreSQL and a Kafka-protocol broker started here,
every service's API and worker in one process, all APIs under one port. Data is kept in
the data folder; the broker keeps nothing, so the relays republish from PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

import httpx

from iep_kernel.config import Settings
from iep_kernel.process import serve
from iep_kernel.runtime import (
    ServiceRuntime,
    Workers,
    close_runtimes,
    migrate_services,
    open_runtimes,
)
from iep_kernel.service import discover_services
from iep_kernel.testing.infra import Broker, start_postgres

log = logging.getLogger("iep.embedded")


def run_embedded(settings: Settings) -> None:
    if settings.environment == "production":
        raise SystemExit("embedded mode is not for production; run `iep api` and `iep worker`")
    settings.auth_dev_issuer = True
    if "consumer_engine" not in settings.model_fields_set:
        # The embedded broker holds each fetch for the consumer's whole fetch wait, which
        # faust fixes at 1.5 s; the aiokafka engine keeps a hop to a few milliseconds.
        settings.consumer_engine = "aiokafka"
    data = settings.data_dir.resolve()
    data.mkdir(parents=True, exist_ok=True)
    broker = None
    dsn = settings.database_url
    if not dsn:
        dsn = start_postgres(data / "pg")
    bootstrap = settings.kafka_bootstrap
    if not bootstrap:
        broker = Broker(port=settings.embedded_broker_port, log_path=data / "broker.log")
        broker.start()
        bootstrap = broker.bootstrap
    # A service manager stops with SIGTERM: the same orderly stop as Ctrl-C, so the broker
    # and the embedded PostgreSQL stop with this process instead of outliving it.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        asyncio.run(_main(settings, dsn, bootstrap))
    except KeyboardInterrupt:
        pass
    finally:
        if broker is not None:
            broker.stop()
        # embedded PostgreSQL stops itself at interpreter exit; its data stays in data_dir


def mount_apps(app: object) -> None:
    """Installed apps served beside the APIs (the web app at `/`): `iep.apps` entry points,
    each a function taking the API app."""
    from importlib.metadata import entry_points

    for entry in entry_points(group="iep.apps"):
        entry.load()(app)


async def _main(settings: Settings, dsn: str, bootstrap: str) -> None:
    specs = discover_services([s for s in settings.services.split(",") if s])
    await migrate_services(dsn, specs, settings.schema_prefix, settings.keys_database_url)
    runtimes = await open_runtimes(specs, settings, dsn, bootstrap)
    url = f"http://{settings.http_host}:{settings.http_port}"
    print(f"IEP Lifecycle Platform is up at {url}/  (services: "
          f"{', '.join(s.name for s in specs) or 'none'}; API docs at {url}/docs)", flush=True)
    print("A token for trying the API:  .venv/bin/iep token --sub cm-1 --role case_manager "
          "--school sch-1", flush=True)
    print("Stop with Ctrl-C; data is kept in " + str(settings.data_dir), flush=True)
    seeding = None
    if settings.demo_seed and await _store_is_empty(runtimes):
        seeding = asyncio.create_task(_seed_demo(settings))
    try:
        await serve(settings, runtimes, Workers(runtimes, "iep-embedded"),
                    extra_app=mount_apps)
    finally:
        if seeding is not None:
            seeding.cancel()
        await close_runtimes(runtimes)


async def _store_is_empty(runtimes: list[ServiceRuntime]) -> bool:
    for runtime in runtimes:
        if runtime.spec.publishes and await runtime.store.head_position() > 0:
            return False
    return True


async def _seed_demo(settings: Settings) -> None:
    """A fresh machine shows a living district: once the server answers, the demo seed
    (`iep seed --demo`, when installed) drives the real commands against it."""
    from importlib.metadata import entry_points

    if not list(entry_points(group="iep.commands", name="seed")):
        return
    host = "127.0.0.1" if settings.http_host in ("0.0.0.0", "::") else settings.http_host
    url = f"http://{host}:{settings.http_port}"
    async with httpx.AsyncClient(base_url=url, timeout=2) as client:
        for _ in range(300):
            try:
                if (await client.get("/healthz")).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    print("An empty store: seeding the demo district (iep seed --demo)...", flush=True)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from iep_kernel.cli import main; main()", "seed", "--demo",
        "--url", url, stdout=asyncio.subprocess.PIPE)
    out, _ = await process.communicate()
    if process.returncode == 0:
        print(f"Demo district ready: {out.decode().strip()}. Sign in at {url}/", flush=True)
    else:
        log.warning("the demo seed failed", extra={"exit_code": process.returncode})
