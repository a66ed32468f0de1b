"""Audit yardsticks: a district's log in the audit store, then queries by student.

The store is filled with a synthetic year of a district (20,000 students, 50 events each:
referral, evaluation and the record of access, personal fields in sealed form) by binary
COPY straight into the audit table, with every hash computed by the kernel's `event_hash`
so that verification holds; the secondary indexes are built after the load. A smaller
batch goes through the live code path (the audit consumer's `apply_message`) for its rate.
Then: query by student through the API (auth, permission, the recorded question, JSON) and
as plain SQL, as-of, verify and record of access by student, whole-log pages, and
verification of one service's log against a raw read of the same rows.
"""

from __future__ import annotations

import asyncio
import base64
import json
import multiprocessing
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from iep_audit.app import verification
from iep_audit.app.store import COLUMNS, INDEXES, AuditLog
from iep_audit.service import audit_service
from iep_kernel.auth import DevIssuer
from iep_kernel.config import Settings
from iep_kernel.consumer import Subscription, apply_message
from iep_kernel.events import Metadata, PublishedEvent
from iep_kernel.http import create_app
from iep_kernel.runtime import close_runtimes, migrate_services, open_runtimes
from iep_kernel.store import GENESIS_HASH, canonical_json, event_hash

EVENTS_PER_STUDENT = 50
SCHOOLS = 40
YEAR_START = datetime(2025, 8, 20, 7, 0, tzinfo=UTC)
DAY_US = 86_400_000_000
SERVICES = ("referral", "evaluation")
AREAS = ("reading", "math", "speech", "language", "behavior", "cognitive", "motor")


def _sealed(student: str, size: int) -> str:
    # The shape of a sealed field (pii:v1:<key id>:<base64 nonce + ciphertext + tag>).
    return f"pii:v1:{student}/1:{base64.b64encode(os.urandom(size + 28)).decode()}"


@dataclass(frozen=True)
class Planned:
    """One event of the synthetic year, before its payload is written."""

    at_us: int
    student: int
    kind: str
    n: int


def plan_student(i: int, rng: random.Random) -> list[Planned]:
    start = rng.randrange(0, 240 * DAY_US)
    day = DAY_US
    guardians = 1 + (rng.random() < 0.4)
    plan = [Planned(start, i, "ReferralMade", 0)]
    plan += [Planned(start + 1000 + g, i, "ProceduralSafeguardsNoticeGiven", g)
             for g in range(guardians)]
    plan.append(Planned(start + 2 * day, i, "EvaluationConsentRequested", 0))
    plan += [Planned(start + 2 * day + 1000 + g, i, "PriorWrittenNoticeIssued", g)
             for g in range(guardians)]
    consent = start + rng.randrange(3, 15) * day
    plan.append(Planned(consent, i, "ConsentGiven", 0))
    plan.append(Planned(consent + 5000, i, "EvaluationOpened", 0))
    for a in range(3):
        plan.append(Planned(consent + rng.randrange(5, 45) * day + a, i,
                            "AssessmentCompleted", a + 1))
    plan.append(Planned(consent + 50 * day, i, "EvaluationDeadlineApproaching", 0))
    plan.append(Planned(consent + rng.randrange(46, 58) * day + 1000, i,
                        "EligibilityDetermined", 0))
    accesses = EVENTS_PER_STUDENT - len(plan)
    plan += [Planned(start + rng.randrange(0, 150 * day), i, "RecordAccessed", k)
             for k in range(accesses)]
    return plan


STREAM_OF = {"ReferralMade": "referral", "ProceduralSafeguardsNoticeGiven": "referral",
             "EvaluationConsentRequested": "referral", "PriorWrittenNoticeIssued": "referral",
             "ConsentGiven": "referral", "EvaluationOpened": "evaluation",
             "AssessmentCompleted": "evaluation", "EvaluationDeadlineApproaching": "evaluation",
             "EligibilityDetermined": "evaluation"}


def payload_of(p: Planned, student: str, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """The event's service and payload, personal fields sealed."""
    school = f"school-{p.student % SCHOOLS}"
    referral, evaluation = f"r-{p.student:06d}", f"e-{p.student:06d}"
    base: dict[str, Any] = {"student_id": student}
    if p.kind == "ReferralMade":
        return "referral", {**base, "referral_id": referral, "school_id": school,
                            "student": {"district_student_id": student,
                                        "name": _sealed(student, 16),
                                        "date_of_birth": _sealed(student, 12),
                                        "grade": str(p.student % 12 + 1), "school_id": school,
                                        "primary_language": "en"},
                            "guardians": [{"guardian_id": f"g-{student}-0",
                                           "name": _sealed(student, 16),
                                           "email": _sealed(student, 24),
                                           "phone": _sealed(student, 12),
                                           "preferred_language": "en"}],
                            "referred_by": {"name": _sealed(student, 16), "role": "teacher"},
                            "concerns": {"text": _sealed(student, 160),
                                         "areas": ["schoolwork", "attention"]},
                            "referred_on": "2025-09-01"}
    if p.kind == "ProceduralSafeguardsNoticeGiven":
        return "referral", {**base, "referral_id": referral, "school_id": school,
                            "guardian_id": f"g-{student}-{p.n}", "language": "en",
                            "given_on": "2025-09-01", "occasion": "initial_referral"}
    if p.kind == "EvaluationConsentRequested":
        return "referral", {**base, "referral_id": referral, "school_id": school,
                            "requested_on": "2025-09-03",
                            "guardian_ids": [f"g-{student}-0"],
                            "assessments_proposed": [{"area": a, "description": f"{a} battery"}
                                                     for a in rng.sample(AREAS, 3)]}
    if p.kind == "PriorWrittenNoticeIssued":
        return "referral", {**base, "referral_id": referral, "school_id": school,
                            "notice_id": f"n-{student}-{p.n}",
                            "guardian_id": f"g-{student}-{p.n}", "language": "en",
                            "issued_on": "2025-09-03", "action": "propose_initial_evaluation",
                            "action_description": "The district proposes an initial "
                                                  "evaluation.",
                            "reasons": _sealed(student, 200),
                            "records_used": _sealed(student, 80),
                            "assessments_proposed": [], "safeguards_statement": "You have "
                            "protection under the procedural safeguards.",
                            "sources_of_help": ["Parent Training and Information Center"],
                            "options_considered": [], "other_factors": _sealed(student, 60)}
    if p.kind == "ConsentGiven":
        return "referral", {**base, "referral_id": referral, "guardian_id": f"g-{student}-0",
                            "signed_on": "2025-09-10", "method": "written",
                            "school_id": school, "received_on": "2025-09-10"}
    if p.kind == "EvaluationOpened":
        return "evaluation", {**base, "evaluation_id": evaluation, "referral_id": referral,
                              "school_id": school, "consented_on": "2025-09-10",
                              "due_on": "2025-11-09", "timeline_days": 60,
                              "day_count": "calendar", "date_of_birth": _sealed(student, 12),
                              "guardian_ids": [f"g-{student}-0"]}
    if p.kind == "AssessmentCompleted":
        return "evaluation", {**base, "evaluation_id": evaluation, "assessment_number": p.n,
                              "area": AREAS[(p.student + p.n) % len(AREAS)],
                              "evaluator_name": _sealed(student, 16),
                              "evaluator_role": "psychologist", "instrument": "WISC-V",
                              "completed_on": "2025-10-01", "summary": _sealed(student, 240)}
    if p.kind == "EvaluationDeadlineApproaching":
        return "evaluation", {**base, "evaluation_id": evaluation, "school_id": school,
                              "due_on": "2025-11-09", "days_remaining": 10}
    if p.kind == "EligibilityDetermined":
        eligible = p.student % 3 != 0
        return "evaluation", {**base, "evaluation_id": evaluation, "school_id": school,
                              "eligible": eligible,
                              "categories": ["specific_learning_disability"] if eligible
                              else [], "adverse_effect": eligible,
                              "needs_special_education": eligible,
                              "team": [{"name": _sealed(student, 16), "role": r} for r in
                                       ("parent", "special_education_teacher",
                                        "district_representative")],
                              "parent_participated": True, "determined_on": "2025-11-01",
                              "rationale": _sealed(student, 200),
                              "section_504_referral": not eligible, "within_timeline": True}
    service = SERVICES[p.n % 2]
    return service, {**base, "resource": f"{service}/{student}",
                     "purpose": _sealed(student, 24)}


def actor_of(p: Planned, student: str, rng: random.Random) -> dict[str, Any]:
    """The actor as `Actor.model_dump(mode="json")` gives it."""
    school = p.student % SCHOOLS
    if p.kind == "RecordAccessed":
        role = rng.choice(("teacher", "case_manager", "evaluator", "parent", "administrator"))
        who = f"g-{student}-0" if role == "parent" else f"{role}-{school}-{rng.randrange(6)}"
    elif p.kind == "EvaluationDeadlineApproaching":
        who = role = "system"
    else:
        role = "evaluator" if STREAM_OF[p.kind] == "evaluation" else "case_manager"
        who = f"{role}-{school}-{p.student % 6}"
    return {"id": who, "role": role, "on_behalf_of": None}


class District:
    """Turns the planned year into stored rows, chaining each stream as its service did."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.positions = dict.fromkeys(SERVICES, 0)
        self.heads: dict[tuple[str, str], tuple[int, str]] = {}

    def row(self, p: Planned) -> tuple[Any, ...]:
        student = f"S-{p.student:06d}"
        service, payload = payload_of(p, student, self.rng)
        if p.kind == "RecordAccessed":
            stream = f"access-{uuid.uuid4()}"
        elif service == "referral":
            stream = f"referral-r-{p.student:06d}"
        else:
            stream = f"evaluation-e-{p.student:06d}"
        version, prev_hash = self.heads.get((service, stream), (0, GENESIS_HASH))
        version += 1
        self.positions[service] += 1
        position = self.positions[service]
        recorded_at = YEAR_START + timedelta(microseconds=p.at_us)
        occurred_at = recorded_at - timedelta(microseconds=800)
        event_id = uuid.uuid4()
        metadata = {"actor": actor_of(p, student, self.rng),
                    "correlation_id": str(uuid.uuid4()), "causation_id": None}
        meta_json, payload_json = canonical_json(metadata), canonical_json(payload)
        header = {"event_id": str(event_id), "stream_id": stream, "stream_version": version,
                  "global_position": position, "student_id": student, "event_type": p.kind,
                  "schema_version": 1, "occurred_at": occurred_at.isoformat(),
                  "recorded_at": recorded_at.isoformat()}
        digest = event_hash(prev_hash, header, meta_json, payload_json)
        if p.kind != "RecordAccessed":
            self.heads[(service, stream)] = (version, digest)
        return (service, event_id, stream, version, position, student, p.kind, 1,
                occurred_at, recorded_at, meta_json, payload_json, prev_hash, digest)

    def rows(self, students: int, first: int = 0) -> Iterator[tuple[Any, ...]]:
        planned = [p for i in range(first, first + students)
                   for p in plan_student(i, self.rng)]
        planned.sort(key=lambda p: p.at_us)  # the order in which the services recorded them
        for p in planned:
            yield self.row(p)


def published(row: tuple[Any, ...]) -> bytes:
    """A stored row as the relay publishes it on the service's topic."""
    values = dict(zip(COLUMNS, row, strict=True))
    return PublishedEvent(
        event_id=values["event_id"], stream_id=values["stream_id"],
        stream_version=values["stream_version"], global_position=values["global_position"],
        student_id=values["student_id"], event_type=values["event_type"],
        schema_version=1, occurred_at=values["occurred_at"],
        recorded_at=values["recorded_at"],
        metadata=Metadata.model_validate_json(values["metadata"]),
        data=json.loads(values["payload"]), prev_hash=values["prev_hash"],
        hash=values["hash"], service=values["service"]).model_dump_json().encode()


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49] * 1000, 2), "p99_ms": round(cuts[98] * 1000, 2),
            "mean_ms": round(statistics.fmean(samples) * 1000, 2), "samples": len(samples)}


async def timed(calls: list[Callable[[], Awaitable[Any]]]) -> list[float]:
    out = []
    for call in calls:
        started = time.perf_counter()
        await call()
        out.append(time.perf_counter() - started)
    return out


CHUNK = 20_000


def _generate(students: int, chunks: Any) -> None:
    """In a child process: the district's rows, a chunk at a time (then None)."""
    rows = District().rows(students)
    while chunk := [r for _, r in zip(range(CHUNK), rows, strict=False)]:
        chunks.put(chunk)
    chunks.put(None)


async def fill(dsn: str, schema: str, students: int) -> dict[str, Any]:
    """COPY the district into the audit table while a child process writes the rows
    (on two cores: one generates, PostgreSQL ingests on the other)."""
    conn = await asyncpg.connect(dsn, server_settings={"search_path": schema})
    chunks: Any = multiprocessing.get_context("fork").Queue(maxsize=4)
    child = multiprocessing.get_context("fork").Process(target=_generate,
                                                        args=(students, chunks))
    try:
        for name in INDEXES:
            await conn.execute(f"DROP INDEX IF EXISTS {name}")
        started = time.perf_counter()
        child.start()
        total = 0
        while (chunk := await asyncio.to_thread(chunks.get)) is not None:
            await conn.copy_records_to_table("audit_events", records=chunk,
                                             columns=list(COLUMNS))
            total += len(chunk)
        copied = time.perf_counter() - started
        started = time.perf_counter()
        await AuditLog(SERVICES).create_indexes(conn)
        indexed = time.perf_counter() - started
        started = time.perf_counter()
        await conn.execute("VACUUM ANALYZE audit_events")
        vacuumed = time.perf_counter() - started
        sizes = await conn.fetchrow(
            "SELECT pg_table_size('audit_events') AS t, pg_indexes_size('audit_events') AS i")
    finally:
        child.join(timeout=5)
        if child.is_alive():
            child.terminate()
        await conn.close()
    return {"events": total, "generate_and_copy_seconds": round(copied, 1),
            "copy_events_per_s": round(total / copied), "index_seconds": round(indexed, 1),
            "vacuum_analyze_seconds": round(vacuumed, 1),
            "table_mb": round(sizes["t"] / 2**20), "indexes_mb": round(sizes["i"] / 2**20)}


async def through_the_consumer(pool: asyncpg.Pool, events: int, students: int,
                               copy_rate: float) -> dict[str, Any]:
    """The live path: each event applied by the audit consumer in its own transaction
    (students and positions beyond the filled log)."""
    district = District(seed=11)
    district.positions = dict.fromkeys(SERVICES, 10**9)
    raws = [published(r) for r in district.rows(events // EVENTS_PER_STUDENT, students)]
    handler = AuditLog(SERVICES).handler()
    started = time.perf_counter()
    for raw in raws:
        await apply_message(Subscription(handler, pool), "bench", raw)
    seconds = time.perf_counter() - started
    rate = len(raws) / seconds
    return {"events": len(raws), "events_per_s": round(rate),
            "ratio_to_copy": round(rate / copy_rate, 3)}


async def run(dsn: str, bootstrap: str, quick: bool) -> dict[str, Any]:
    students = 20_000
    samples = 300 if quick else 1000
    prefix = f"bench_{uuid.uuid4().hex[:8]}_"
    folder = Path(tempfile.mkdtemp(prefix="iep-bench-audit-"))
    settings = Settings(database_url=dsn, kafka_bootstrap=bootstrap, schema_prefix=prefix,
                        auth_dev_issuer=True, dev_issuer_key_file=folder / "dev.pem",
                        data_dir=folder)
    spec = audit_service(sources=SERVICES)
    await migrate_services(dsn, [spec], prefix)
    schema = f"{prefix}audit"
    result: dict[str, Any] = {
        "students": students,
        "fill": "binary COPY into audit_events (hashes by the kernel's event_hash, "
                "secondary indexes built after); a sample through the consumer's "
                "apply_message for the live rate",
    }
    result["store"] = await fill(dsn, schema, students)
    runtimes = await open_runtimes([spec], settings, dsn, bootstrap)
    runtime = runtimes[0]
    try:
        result["consumer_path"] = await through_the_consumer(
            runtime.pool, 2000 if quick else 10_000, students,
            result["store"]["copy_events_per_s"])
        result.update(await queries(runtime, settings, folder, students, samples))
        if quick:
            result["verify_service"] = "skipped in --quick (about a minute per 500,000 events)"
            return result
        started = time.perf_counter()
        report = await verification.verify(runtime.pool, service="evaluation")
        verify_seconds = time.perf_counter() - started
        raw_seconds = await raw_read(dsn, schema, "evaluation")
        result["verify_service"] = {
            "service": "evaluation", "events": report.events_checked, "ok": report.ok,
            "events_per_s": round(report.events_checked / verify_seconds),
            "raw_read_events_per_s": round(report.events_checked / raw_seconds),
            "ratio": round(raw_seconds / verify_seconds, 3)}
    finally:
        await close_runtimes(runtimes)
        conn = await asyncpg.connect(dsn)
        for name in (schema, f"{prefix}iep_keys"):
            await conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        await conn.close()
    return result


async def raw_read(dsn: str, schema: str, service: str) -> float:
    """The physical limit of verification: the same rows read in the same order, as text."""
    conn = await asyncpg.connect(dsn, server_settings={"search_path": schema})
    try:
        started = time.perf_counter()
        async with conn.transaction():
            async for _ in conn.cursor(
                    "SELECT * FROM audit_events WHERE service = $1 "
                    "ORDER BY stream_id, service, stream_version", service, prefetch=2000):
                pass
        return time.perf_counter() - started
    finally:
        await conn.close()


async def queries(runtime: Any, settings: Settings, folder: Path, students: int,
                  samples: int) -> dict[str, Any]:
    rng = random.Random(3)
    app = create_app([runtime])
    token = DevIssuer(folder / "dev.pem").token(settings, "auditor-1", "auditor")
    headers = {"Authorization": f"Bearer {token}"}
    picks = [f"S-{rng.randrange(students):06d}" for _ in range(samples)]
    pool = runtime.pool
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://bench") as client:

        def api(path: str, **params: Any) -> Callable[[], Awaitable[Any]]:
            async def call() -> None:
                response = await client.get(f"/api/audit{path}", params=params,
                                            headers=headers)
                assert response.status_code == 200, response.text
            return call

        def sql(student: str) -> Callable[[], Awaitable[Any]]:
            async def call() -> None:
                await pool.fetch(
                    "SELECT * FROM audit_events WHERE student_id = $1 "
                    "ORDER BY recorded_at, service, global_position LIMIT 101", student)
            return call

        await timed([api("/events", student_id=s) for s in picks[:50]])  # warm up
        by_student = await timed([api("/events", student_id=s) for s in picks])
        raw = await timed([sql(s) for s in picks])
        sizes = [len((await client.get("/api/audit/events", params={"student_id": s},
                                       headers=headers)).json()["events"]) for s in picks[:20]]
        middle = (YEAR_START + timedelta(days=150)).isoformat()
        out: dict[str, Any] = {
            "query_by_student": {
                "api": percentiles(by_student), "sql": percentiles(raw),
                "events_per_student": statistics.fmean(sizes),
                "ratio_sql_to_api_p50": round(statistics.median(raw)
                                              / statistics.median(by_student), 3),
                "target_p99_ms": 50,
                "met": percentiles(by_student)["p99_ms"] < 50},
            "as_of_by_student": percentiles(await timed(
                [api(f"/students/{s}/as-of", at=middle) for s in picks])),
            "verify_by_student": percentiles(await timed(
                [api("/verify", student_id=s) for s in picks])),
            "record_of_access_by_student": percentiles(await timed(
                [api("/record-accesses", student_id=s) for s in picks])),
        }
        some = picks[: max(50, samples // 5)]
        out["whole_log_pages"] = {
            "event_type": percentiles(await timed(
                [api("/events", event_type="EligibilityDetermined",
                     since=(YEAR_START + timedelta(days=rng.randrange(200))).isoformat())
                 for _ in some])),
            "actor": percentiles(await timed(
                [api("/events", actor=f"case_manager-{rng.randrange(SCHOOLS)}-1")
                 for _ in some])),
            "time_range": percentiles(await timed(
                [api("/events", since=(YEAR_START + timedelta(days=d)).isoformat(),
                     until=(YEAR_START + timedelta(days=d + 1)).isoformat())
                 for d in (rng.randrange(300) for _ in some)])),
            "record_of_access_all": percentiles(await timed(
                [api("/record-accesses", accessor_role="administrator") for _ in some])),
        }
    return out
