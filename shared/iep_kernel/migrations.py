"""Versioned schema migrations, applied by a command, idempotently.

The kernel's own migrations (the event store) come first in every service schema, then the
service's. Each file runs once, in its own transaction, under a lock so that two migration
jobs started together cannot both apply it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import asyncpg

from iep_kernel.db import schema_name

KERNEL_MIGRATIONS = Path(str(resources.files("iep_kernel") / "migrations"))


@dataclass(frozen=True)
class Migration:
    version: str
    sql: str


def load_migrations(folder: Path, prefix: str) -> list[Migration]:
    return [
        Migration(f"{prefix}:{path.stem}", path.read_text())
        for path in sorted(folder.glob("*.sql"))
    ]


async def migrate(conn: asyncpg.Connection, schema: str, service_migrations: Path | None = None
                  ) -> list[str]:
    """Bring `schema` up to date; returns the versions applied by this call."""
    schema = schema_name(schema)
    pending = load_migrations(KERNEL_MIGRATIONS, "kernel")
    if service_migrations is not None and service_migrations.exists():
        pending += load_migrations(service_migrations, "service")
    applied: list[str] = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"migrate:{schema}")
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        await conn.execute(f'SET LOCAL search_path = "{schema}", public')
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        for migration in pending:
            if migration.version in done:
                continue
            await conn.execute(migration.sql)
            await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)",
                               migration.version)
            applied.append(migration.version)
    return applied
