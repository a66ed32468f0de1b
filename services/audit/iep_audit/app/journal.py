"""The audit service's own record of every question put to it: who, when, what was asked.

Written before the answer is computed, so a query that fails or is cut short is recorded
too. Auditors list it like the log itself, a page at a time.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
from iep_kernel.auth import Principal

from iep_audit.app.filters import Cursor, Order


@dataclass(frozen=True)
class AskedQuery:
    id: int
    asked_at: datetime
    subject: str
    role: str
    action: str
    path: str
    parameters: dict[str, Any]
    correlation_id: str | None


async def record(pool: asyncpg.Pool, principal: Principal, action: str, path: str,
                 parameters: dict[str, Any], correlation_id: str | None) -> None:
    await pool.execute(
        "INSERT INTO audit_queries (subject, role, action, path, parameters, correlation_id) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        principal.subject, principal.role, action, path, parameters, correlation_id)


async def listed(pool: asyncpg.Pool, *, subject: str | None, action: str | None,
                 since: datetime | None, until: datetime | None, limit: int,
                 order: Order = "asc", cursor: str | None = None
                 ) -> tuple[list[AskedQuery], str | None]:
    clauses: list[str] = []
    params: list[Any] = []
    for template, value in (("subject = {}", subject), ("action = {}", action),
                            ("asked_at >= {}", since), ("asked_at < {}", until)):
        if value is not None:
            params.append(value)
            clauses.append(template.format(f"${len(params)}"))
    if cursor:
        after = Cursor.decode(cursor, order)
        params += [after.recorded_at, after.global_position]
        op = ">" if order == "asc" else "<"
        clauses.append(f"(asked_at, id) {op} (${len(params) - 1}, ${len(params)})")
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    direction = "" if order == "asc" else " DESC"
    params.append(limit + 1)
    rows = await pool.fetch(
        "SELECT id, asked_at, subject, role, action, path, parameters, correlation_id "
        f"FROM audit_queries{where} ORDER BY asked_at{direction}, id{direction} "
        f"LIMIT ${len(params)}", *params)
    found = [AskedQuery(**dict(r)) for r in rows[:limit]]
    following = None
    if len(rows) > limit:
        last = found[-1]
        following = Cursor(last.asked_at, "", last.id, order).encode()
    return found, following
