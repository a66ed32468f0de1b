"""Services running inside a test as they run in production: migrated schemas, the API
app behind an HTTP client, tokens from a dev issuer, and (optionally) their workers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from iep_kernel.auth import DevIssuer
from iep_kernel.clock import Clock
from iep_kernel.config import Settings
from iep_kernel.http import create_app
from iep_kernel.runtime import (
    ServiceRuntime,
    Workers,
    close_runtimes,
    migrate_services,
    open_runtimes,
)
from iep_kernel.service import ServiceSpec


@dataclass
class System:
    settings: Settings
    runtimes: list[ServiceRuntime]
    client: httpx.AsyncClient
    issuer: DevIssuer
    workers: Workers | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, dsn: str, bootstrap: str, specs: Sequence[ServiceSpec], prefix: str,
                    key_dir: Path, *, clock: Clock | None = None, workers: bool = False
                    ) -> System:
        settings = Settings(
            database_url=dsn, kafka_bootstrap=bootstrap, schema_prefix=f"{prefix}_",
            topic_prefix=f"{prefix}.", auth_dev_issuer=True,
            dev_issuer_key_file=key_dir / "dev-issuer.pem", data_dir=key_dir,
            relay_poll_seconds=0.2,
            timer_poll_seconds=0.2, consumer_session_timeout_seconds=6.0)
        await migrate_services(dsn, specs, settings.schema_prefix)
        runtimes = await open_runtimes(specs, settings, dsn, bootstrap, clock)
        app = create_app(runtimes)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                   base_url="http://iep.test")
        system = cls(settings, runtimes, client, DevIssuer(settings.dev_issuer_key_file
                                                          or key_dir / "k.pem"))
        if workers:
            system.workers = Workers(runtimes, f"{prefix}-workers")
            system._task = asyncio.create_task(system.workers.run(system._stop))
        return system

    def runtime(self, name: str) -> ServiceRuntime:
        return next(rt for rt in self.runtimes if rt.name == name)

    def token(self, role: str, sub: str | None = None, schools: Iterable[str] = ()) -> str:
        return self.issuer.token(self.settings, sub or f"{role}-1", role, schools)

    def auth(self, role: str, sub: str | None = None, schools: Iterable[str] = ()
             ) -> dict[str, str]:
        """Headers for a request as this person."""
        return {"Authorization": f"Bearer {self.token(role, sub, schools)}"}

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await asyncio.wait_for(self._task, timeout=30)
        await self.client.aclose()
        await close_runtimes(self.runtimes)
