"""Running services: their connections, their API app, and their worker tasks.

The same pieces serve every running mode: one service per process (API or worker, as in
docker-compose and Kubernetes) or every service in one process (`make up`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import asyncpg

from iep_kernel.clock import Clock
from iep_kernel.config import Settings, topic_for
from iep_kernel.consumer import Handler, Subscription
from iep_kernel.db import connect, create_pool, schema_name
from iep_kernel.district_clock import DistrictClock, clock_for, create_clock
from iep_kernel.metrics import count_appended
from iep_kernel.migrations import migrate
from iep_kernel.relay import Relay
from iep_kernel.service import ServiceSpec
from iep_kernel.store import EventStore
from iep_kernel.streams import AiokafkaStreamProcessor, StreamProcessor
from iep_kernel.timers import TimerLoop
from iep_kernel.vault import VAULT_SQL, KeyVault, LocalMasterKey, MasterKey, dev_master_key

log = logging.getLogger("iep.runtime")
T = TypeVar("T")


@dataclass
class ServiceRuntime:
    """One service's live resources, handed to its routes, handlers and timers."""

    spec: ServiceSpec
    settings: Settings
    dsn: str
    bootstrap: str
    pool: asyncpg.Pool
    store: EventStore
    clock: Clock
    vault: KeyVault
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def schema(self) -> str:
        return f"{self.settings.schema_prefix}{self.spec.schema}"

    @property
    def topic(self) -> str:
        return topic_for(self.spec.name, self.settings.topic_prefix)

    def settings_of(self, cls: type[T]) -> T:
        """A service's own settings class (`IEP_<SERVICE>_*`), read once per runtime."""
        found = self.extras.get(cls.__qualname__)
        if not isinstance(found, cls):
            found = self.extras[cls.__qualname__] = cls()
        return found


def vault_schema(settings: Settings) -> str:
    return f"{settings.schema_prefix}iep_keys"


def master_key(settings: Settings) -> MasterKey:
    if settings.master_key is not None:
        return LocalMasterKey.from_base64(settings.master_key.get_secret_value())
    if settings.environment == "production":
        raise SystemExit("IEP_MASTER_KEY is required in production")
    return dev_master_key(settings.data_dir / "master-key")


async def open_vault(settings: Settings, dsn: str) -> KeyVault:
    pool = await create_pool(settings.keys_database_url or dsn, vault_schema(settings),
                             max_size=5)
    return KeyVault(pool, master_key(settings), cache_seconds=settings.key_cache_seconds)


async def migrate_services(dsn: str, specs: Sequence[ServiceSpec], schema_prefix: str = "",
                           keys_dsn: str | None = None) -> dict[str, list[str]]:
    keys = await connect(keys_dsn or dsn)
    try:
        schema = schema_name(f"{schema_prefix}iep_keys")
        await keys.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"; '
                           f'SET search_path = "{schema}"; {VAULT_SQL}')
    finally:
        await keys.close()
    conn = await connect(dsn)
    try:
        await create_clock(conn, schema_name(f"{schema_prefix}iep_clock"))
        applied = {}
        for spec in specs:
            schema = f"{schema_prefix}{spec.schema}"
            applied[spec.name] = await migrate(conn, schema, spec.migrations)
            async with conn.transaction():
                await conn.execute(f'SET LOCAL search_path = "{schema}", public')
                for projection in spec.projections:
                    await projection.create(conn)
        return applied
    finally:
        await conn.close()


async def open_runtimes(specs: Sequence[ServiceSpec], settings: Settings, dsn: str,
                        bootstrap: str, clock: Clock | None = None) -> list[ServiceRuntime]:
    """Every service's pool and store, on one clock: `clock` if given (tests), else the
    district clock (production: the real clock, refusing a moved district clock)."""
    runtimes = []
    clock = clock or await clock_for(settings, dsn)
    vault = await open_vault(settings, dsn)
    for spec in specs:
        schema = f"{settings.schema_prefix}{spec.schema}"
        pool = await create_pool(dsn, schema)
        store = EventStore(pool, spec.registry, schema=schema, clock=clock,
                           on_append=count_appended, vault=vault)
        runtimes.append(ServiceRuntime(spec, settings, dsn, bootstrap, pool, store, clock,
                                       vault))
    return runtimes


async def close_runtimes(runtimes: Sequence[ServiceRuntime]) -> None:
    vaults = {id(rt.vault): rt.vault for rt in runtimes}
    clocks = {id(rt.clock): rt.clock for rt in runtimes}
    for runtime in runtimes:
        await runtime.pool.close()
    for clock in clocks.values():
        if isinstance(clock, DistrictClock):
            await clock.close()
    for vault in vaults.values():
        await vault.pool.close()


def handlers_of(rt: ServiceRuntime) -> list[Handler]:
    """Every stream processor of a service: its own handlers, its projections, and the
    kernel's records-destruction handler."""
    from iep_kernel.access import destruction_handler

    return [*rt.spec.handlers(rt), *(p.handler() for p in rt.spec.projections),
            destruction_handler(rt, rt.spec.purge)]


@dataclass
class Workers:
    """The background work of some services: relays, stream processors, deadline timers."""

    runtimes: Sequence[ServiceRuntime]
    group_id: str
    relays: list[Relay] = field(default_factory=list)
    processor: StreamProcessor | AiokafkaStreamProcessor | None = None
    timer_loops: list[TimerLoop] = field(default_factory=list)

    def __post_init__(self) -> None:
        subscriptions = []
        for rt in self.runtimes:
            if rt.spec.publishes:
                self.relays.append(Relay(
                    rt.store, rt.dsn, rt.bootstrap, rt.topic,
                    idempotence=rt.settings.kafka_idempotence,
                    batch_size=rt.settings.relay_batch_size,
                    poll_seconds=rt.settings.relay_poll_seconds))
            subscriptions += [Subscription(h, rt.pool, rt.vault) for h in handlers_of(rt)]
            if rt.spec.timers is not None:
                self.timer_loops.append(TimerLoop(rt, rt.spec.timers(rt),
                                                  rt.settings.timer_poll_seconds))
        if subscriptions:
            first = self.runtimes[0].settings
            bootstrap = self.runtimes[0].bootstrap
            if first.consumer_engine == "aiokafka":
                self.processor = AiokafkaStreamProcessor(
                    self.group_id, bootstrap, subscriptions, topic_prefix=first.topic_prefix,
                    session_timeout=first.consumer_session_timeout_seconds,
                    fetch_max_wait_ms=first.consumer_fetch_max_wait_ms)
            else:
                self.processor = StreamProcessor(
                    self.group_id, bootstrap, subscriptions, topic_prefix=first.topic_prefix,
                    session_timeout=first.consumer_session_timeout_seconds)

    async def run(self, stop: asyncio.Event) -> None:
        tasks = [asyncio.create_task(r.run(stop), name=f"relay:{r.topic}") for r in self.relays]
        tasks += [asyncio.create_task(t.run(stop), name=f"timers:{t.runtime.name}")
                  for t in self.timer_loops]
        if self.processor is not None:
            tasks.append(asyncio.create_task(self.processor.run(stop), name="streams"))
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
