"""Personal data at rest: per-student data keys, wrapped by a master key, and crypto-shredding.

Every field marked `PII` is stored (and published) as `pii:v1:<key id>:<base64>`: AES-256-GCM
under the student's data key, with the key id as associated data. Data keys live in the key
vault (schema `iep_keys`, in the same PostgreSQL by default), each wrapped by the master key
from configuration; the `MasterKey` protocol lets a cloud KMS take its place. The hash chain
covers the ciphertext, so verification never needs a key. Destroying a student's keys
(records destruction at the parent's request, 34 CFR 300.624) leaves every copy of that
data — event tables, Kafka, the audit store — unreadable, while the log stays complete.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import asyncpg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel

from iep_kernel.events import DESTROYED, _models_in, has_personal_data, is_personal

PREFIX = "pii:v1:"


class MasterKey(Protocol):
    """Wraps and unwraps data keys. A cloud KMS client can implement this."""

    @property
    def key_id(self) -> str: ...

    def wrap(self, data_key: bytes, context: str) -> bytes: ...

    def unwrap(self, wrapped: bytes, context: str) -> bytes: ...


class LocalMasterKey:
    """A 256-bit master key from configuration (`IEP_MASTER_KEY`, base64)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the master key must be 32 bytes (base64 of 32 random bytes)")
        self._aead = AESGCM(key)
        self.key_id = hashlib.sha256(key).hexdigest()[:16]

    @classmethod
    def from_base64(cls, text: str) -> LocalMasterKey:
        return cls(base64.b64decode(text))

    def wrap(self, data_key: bytes, context: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, data_key, context.encode())

    def unwrap(self, wrapped: bytes, context: str) -> bytes:
        return self._aead.decrypt(wrapped[:12], wrapped[12:], context.encode())


def dev_master_key(path: Path) -> LocalMasterKey:
    """Embedded mode's master key, made once and kept in the data folder."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(base64.b64encode(os.urandom(32)).decode())
        path.chmod(0o600)
    return LocalMasterKey.from_base64(path.read_text().strip())


VAULT_SQL = """
CREATE TABLE IF NOT EXISTS student_keys (
    key_id        text PRIMARY KEY,
    student_id    text NOT NULL,
    version       integer NOT NULL,
    wrapped_key   bytea,
    master_key_id text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    destroyed_at  timestamptz,
    UNIQUE (student_id, version)
);
"""


class KeyVault:
    def __init__(self, pool: asyncpg.Pool, master: MasterKey, *, cache_seconds: float = 30.0
                 ) -> None:
        self.pool = pool
        self.master = master
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, bytes | None]] = {}
        self._writing: dict[str, tuple[float, str, bytes]] = {}

    async def key_for_writing(self, student_id: str) -> tuple[str, bytes]:
        """The student's current data key, made on first use (or after destruction)."""
        cached = self._writing.get(student_id)
        if cached and time.monotonic() - cached[0] < self.cache_seconds:
            return cached[1], cached[2]
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))",
                               f"key:{student_id}")
            row = await conn.fetchrow(
                "SELECT key_id, wrapped_key, destroyed_at, version FROM student_keys "
                "WHERE student_id = $1 ORDER BY version DESC LIMIT 1", student_id)
            if row is not None and row["destroyed_at"] is None:
                key_id = row["key_id"]
                data_key = self.master.unwrap(row["wrapped_key"], key_id)
            else:
                version = (row["version"] + 1) if row is not None else 1
                key_id = f"{student_id}/{version}"
                data_key = AESGCM.generate_key(bit_length=256)
                await conn.execute(
                    "INSERT INTO student_keys (key_id, student_id, version, wrapped_key, "
                    "master_key_id) VALUES ($1, $2, $3, $4, $5)", key_id, student_id,
                    version, self.master.wrap(data_key, key_id), self.master.key_id)
        self._writing[student_id] = (time.monotonic(), key_id, data_key)
        return key_id, data_key

    async def keys(self, key_ids: Iterable[str]) -> dict[str, bytes | None]:
        """Data keys by id; None for a destroyed (or unknown) key."""
        now = time.monotonic()
        found: dict[str, bytes | None] = {}
        missing = []
        for key_id in set(key_ids):
            cached = self._cache.get(key_id)
            if cached and now - cached[0] < self.cache_seconds:
                found[key_id] = cached[1]
            else:
                missing.append(key_id)
        if missing:
            rows = await self.pool.fetch(
                "SELECT key_id, wrapped_key FROM student_keys WHERE key_id = ANY($1)", missing)
            by_id = {r["key_id"]: r["wrapped_key"] for r in rows}
            for key_id in missing:
                wrapped = by_id.get(key_id)
                key = self.master.unwrap(wrapped, key_id) if wrapped is not None else None
                self._cache[key_id] = (now, key)
                found[key_id] = key
        return found

    async def destroy(self, student_id: str) -> int:
        """Destroy every data key of the student; returns how many were destroyed."""
        result = await self.pool.execute(
            "UPDATE student_keys SET wrapped_key = NULL, destroyed_at = now() "
            "WHERE student_id = $1 AND destroyed_at IS NULL", student_id)
        self.forget(student_id)
        return int(result.split()[-1])

    def forget(self, student_id: str) -> None:
        """Drop cached keys of a student (another process destroyed them)."""
        self._writing.pop(student_id, None)
        for key_id in [k for k in self._cache if k.rsplit("/", 1)[0] == student_id]:
            del self._cache[key_id]

    async def rewrap(self, new_master: MasterKey) -> int:
        """Wrap every live data key with a new master key (master key rotation)."""
        count = 0
        async with self.pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "SELECT key_id, wrapped_key FROM student_keys WHERE wrapped_key IS NOT NULL "
                "FOR UPDATE")
            for row in rows:
                data_key = self.master.unwrap(row["wrapped_key"], row["key_id"])
                await conn.execute(
                    "UPDATE student_keys SET wrapped_key = $2, master_key_id = $3 "
                    "WHERE key_id = $1", row["key_id"],
                    new_master.wrap(data_key, row["key_id"]), new_master.key_id)
                count += 1
        self.master = new_master
        self._cache.clear()
        self._writing.clear()
        return count


def seal(value: Any, key_id: str, key: bytes) -> str:
    nonce = os.urandom(12)
    box = AESGCM(key).encrypt(nonce, json.dumps(value).encode(), key_id.encode())
    return f"{PREFIX}{key_id}:{base64.b64encode(nonce + box).decode()}"


def _key_id_of(text: str) -> str:
    return text[len(PREFIX):].rsplit(":", 1)[0]


def _open(text: str, keys: dict[str, bytes | None]) -> Any:
    key_id, blob = text[len(PREFIX):].rsplit(":", 1)
    key = keys.get(key_id)
    if key is None:
        return DESTROYED
    raw = base64.b64decode(blob)
    return json.loads(AESGCM(key).decrypt(raw[:12], raw[12:], key_id.encode()))


def sealed_key_ids(tree: Any) -> set[str]:
    """The key ids of every sealed value in a JSON tree."""
    if isinstance(tree, str):
        return {_key_id_of(tree)} if tree.startswith(PREFIX) else set()
    if isinstance(tree, dict):
        return set().union(*(sealed_key_ids(v) for v in tree.values())) if tree else set()
    if isinstance(tree, list):
        return set().union(*(sealed_key_ids(v) for v in tree)) if tree else set()
    return set()


def open_tree(tree: Any, keys: dict[str, bytes | None]) -> Any:
    """A JSON tree with every sealed value opened (or DESTROYED where its key is gone)."""
    if isinstance(tree, str):
        return _open(tree, keys) if tree.startswith(PREFIX) else tree
    if isinstance(tree, dict):
        return {k: open_tree(v, keys) for k, v in tree.items()}
    if isinstance(tree, list):
        return [open_tree(v, keys) for v in tree]
    return tree


def seal_model(model: BaseModel, dumped: dict[str, Any], key_id: str, key: bytes
               ) -> dict[str, Any]:
    """`dumped` (the model's JSON form) with every PII-marked field sealed, in nested models
    and lists too."""
    out = dict(dumped)
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if name not in out or out[name] is None:
            continue
        if is_personal(info):
            out[name] = seal(out[name], key_id, key)
        elif isinstance(value, BaseModel) and _models_in(info.annotation):
            out[name] = seal_model(value, out[name], key_id, key)
        elif isinstance(value, list | tuple):
            out[name] = [seal_model(v, d, key_id, key) if isinstance(v, BaseModel) else d
                         for v, d in zip(value, out[name], strict=True)]
    return out


async def open_trees(vault: KeyVault | None, trees: list[Any]) -> list[Any]:
    """Open many JSON trees with one vault lookup."""
    if vault is None:
        return trees
    ids = set().union(*(sealed_key_ids(t) for t in trees)) if trees else set()
    if not ids:
        return trees
    keys = await vault.keys(ids)
    return [open_tree(t, keys) for t in trees]


# A sealed value inside a JSON document: `"pii:v1:<key id>:<base64>"` (key ids and base64 need
# no JSON escapes; the key id is everything up to the last colon).
_SEALED_JSON = re.compile(rb'"' + re.escape(PREFIX.encode()) + rb'([^"\\]*):([A-Za-z0-9+/=]*)"')
_DESTROYED_JSON = json.dumps(DESTROYED).encode()


async def open_documents(vault: KeyVault | None, documents: list[bytes]) -> list[bytes]:
    """Many JSON documents (published events as they travel) with every sealed value opened
    in place, with one vault lookup and without parsing them: each sealed string is replaced
    by its plaintext, which is the value's JSON text (or by DESTROYED where its key is gone).

    Parsing the result gives what parsing the document and `open_trees` on it would give, at
    a fraction of the cost: the form a replay of thousands of events uses.
    """
    if vault is None:
        return documents
    found = [list(_SEALED_JSON.finditer(doc)) for doc in documents]
    ids = {m.group(1).decode() for matches in found for m in matches}
    if not ids:
        return documents
    keys = await vault.keys(ids)
    ciphers = {key_id.encode(): AESGCM(key) for key_id, key in keys.items() if key is not None}

    def opened(doc: bytes, matches: list[re.Match[bytes]]) -> bytes:
        parts: list[bytes] = []
        last = 0
        for match in matches:
            cipher = ciphers.get(match.group(1))
            if cipher is None:
                plain = _DESTROYED_JSON
            else:
                raw = base64.b64decode(match.group(2))
                plain = cipher.decrypt(raw[:12], raw[12:], match.group(1))
            parts += (doc[last:match.start()], plain)
            last = match.end()
        return b"".join([*parts, doc[last:]]) if matches else doc

    return [opened(doc, matches) for doc, matches in zip(documents, found, strict=True)]


__all__ = ["DESTROYED", "KeyVault", "LocalMasterKey", "MasterKey", "has_personal_data",
           "open_documents", "open_trees", "seal_model"]
