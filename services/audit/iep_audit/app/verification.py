"""Verification runs over the audit store: one student's streams, one service, or all.

Rows are read chain by chain through a server-side cursor, so the whole log is checked in
constant memory; each chain is checked by the kernel's own `verify_chain`.
"""

import asyncpg

from iep_audit.app.filters import SELECTED
from iep_audit.app.queries import audited
from iep_audit.domain.chains import Verification
from iep_audit.domain.record import AuditedEvent

# Chains in the order of the unique (stream_id, service, stream_version) index.
_CHAIN_ORDER = " ORDER BY stream_id, service, stream_version"


async def verify(pool: asyncpg.Pool, *, student_id: str | None = None,
                 service: str | None = None, batch: int = 2000) -> Verification:
    """Recompute every hash chain in scope; report each broken chain's first bad link.

    For a student, every stream holding one of their events is checked whole.
    """
    clauses, params = [], []
    if student_id is not None:
        params.append(student_id)
        clauses.append("(stream_id, service) IN (SELECT stream_id, service FROM audit_events "
                       f"WHERE student_id = ${len(params)})")
    if service is not None:
        params.append(service)
        clauses.append(f"service = ${len(params)}")
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    scope = " and ".join(part for part in (
        f"student {student_id}" if student_id is not None else "",
        f"service {service}" if service is not None else "") if part) or "the whole log"
    report = Verification(scope)
    chain: list[AuditedEvent] = []
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read",
                                                         readonly=True):
        async for record in conn.cursor(f"SELECT {SELECTED} FROM audit_events{where}"
                                        f"{_CHAIN_ORDER}", *params, prefetch=batch):
            event = audited(record)
            if chain and not _same_chain(chain[-1], event):
                report.add(chain)
                chain = []
            chain.append(event)
    if chain:
        report.add(chain)
    return report


def _same_chain(a: AuditedEvent, b: AuditedEvent) -> bool:
    return (a.stream_id, a.service) == (b.stream_id, b.service)

