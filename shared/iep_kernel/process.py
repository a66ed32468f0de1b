"""Process entry points: an API server or a worker for some services, against external
PostgreSQL and Kafka (docker-compose, Kubernetes) or the embedded ones (`make up`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

import asyncpg
import uvicorn

from iep_kernel.config import Settings
from iep_kernel.db import create_pool
from iep_kernel.http import create_app
from iep_kernel.runtime import ServiceRuntime, Workers, close_runtimes, open_runtimes
from iep_kernel.service import ServiceSpec, discover_services


def require_database(settings: Settings) -> str:
    if not settings.database_url:
        raise SystemExit("IEP_DATABASE_URL is not set (make up starts an embedded database)")
    return settings.database_url


def require_broker(settings: Settings) -> str:
    if not settings.kafka_bootstrap:
        raise SystemExit("IEP_KAFKA_BOOTSTRAP is not set (make up starts an embedded broker)")
    return settings.kafka_bootstrap


async def serve(settings: Settings, runtimes: Sequence[ServiceRuntime],
                workers: Workers | None, extra_app: object = None, *, routes: bool = True
                ) -> None:
    """Serve the APIs (and run workers) until SIGINT/SIGTERM, then shut down cleanly."""
    app = create_app(runtimes, routes=routes)
    if extra_app is not None:
        extra_app(app)  # type: ignore[operator]
    config = uvicorn.Config(app, host=settings.http_host, port=settings.http_port,
                            log_config=None, access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    stop = asyncio.Event()
    worker_task = asyncio.create_task(workers.run(stop)) if workers else None
    try:
        await server.serve()  # returns when uvicorn receives SIGINT or SIGTERM
    finally:
        stop.set()
        if worker_task is not None:
            await asyncio.wait_for(worker_task, timeout=30)


async def serve_api(settings: Settings, specs: Sequence[ServiceSpec]) -> None:
    runtimes = await open_runtimes(specs, settings, require_database(settings),
                                   require_broker(settings))
    try:
        await serve(settings, runtimes, None)
    finally:
        await close_runtimes(runtimes)


async def run_worker(settings: Settings, specs: Sequence[ServiceSpec]) -> None:
    """Relays, stream processors and timers, with /healthz, /readyz and /metrics served on
    the HTTP port (the relay and consumer lag metrics live in this process)."""
    runtimes = await open_runtimes(specs, settings, require_database(settings),
                                   require_broker(settings))
    group = "iep-" + "-".join(spec.name for spec in specs)
    try:
        await serve(settings, runtimes, Workers(runtimes, group), routes=False)
    finally:
        await close_runtimes(runtimes)


@contextlib.asynccontextmanager
async def service_pools(dsn: str, settings: Settings, specs: Sequence[ServiceSpec]
                        ) -> AsyncIterator[dict[str, asyncpg.Pool]]:
    pools = {s.name: await create_pool(dsn, f"{settings.schema_prefix}{s.schema}")
             for s in specs}
    try:
        yield pools
    finally:
        for pool in pools.values():
            await pool.close()


@contextlib.asynccontextmanager
async def open_service(settings: Settings, name: str) -> AsyncIterator[ServiceRuntime]:
    (spec,) = discover_services([name])
    runtimes = await open_runtimes([spec], settings, require_database(settings),
                                   settings.kafka_bootstrap or "")
    try:
        yield runtimes[0]
    finally:
        await close_runtimes(runtimes)
