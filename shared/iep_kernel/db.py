"""PostgreSQL connections: one pool per service schema, JSON codecs, schema names made safe."""

from __future__ import annotations

import json
import re
from typing import Any

import asyncpg

_SAFE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def schema_name(name: str) -> str:
    """A service or test name as a PostgreSQL schema identifier, refusing anything odd."""
    candidate = name.replace("-", "_").lower()
    if not _SAFE_NAME.match(candidate):
        raise ValueError(f"{name!r} is not usable as a schema name")
    return candidate


def _encode_json(value: Any) -> str:
    # A str is taken as JSON text already serialized (the event store passes canonical JSON).
    return value if isinstance(value, str) else json.dumps(value)


JSONB_VERSION = b"\x01"  # the first byte of jsonb's binary form


def _encode_jsonb(value: Any) -> bytes:
    return JSONB_VERSION + _encode_json(value).encode()


def _decode_jsonb(data: bytes) -> Any:
    return json.loads(data[1:])


async def _init_connection(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("json", encoder=_encode_json, decoder=json.loads,
                              schema="pg_catalog")
    # jsonb in its binary form (a version byte, then the text), so that a binary COPY can
    # write jsonb columns straight away.
    await conn.set_type_codec("jsonb", encoder=_encode_jsonb, decoder=_decode_jsonb,
                              schema="pg_catalog", format="binary")



async def create_pool(dsn: str, schema: str, **kwargs: Any) -> asyncpg.Pool:
    """A pool whose connections see `schema` first, so service SQL stays unqualified."""
    schema = schema_name(schema)
    settings = {"search_path": f"{schema}, public", "application_name": f"iep-{schema}"}
    pool = await asyncpg.create_pool(
        dsn,
        server_settings=settings,
        init=_init_connection,
        min_size=kwargs.pop("min_size", 1),
        max_size=kwargs.pop("max_size", 10),
        **kwargs,
    )
    assert pool is not None
    return pool


async def connect(dsn: str, schema: str | None = None) -> asyncpg.Connection:
    settings = {"search_path": f"{schema_name(schema)}, public"} if schema else {}
    conn = await asyncpg.connect(dsn, server_settings=settings)
    await _init_connection(conn)
    return conn
