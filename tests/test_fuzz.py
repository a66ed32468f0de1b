"""The whole API under schemathesis: no server error, and every answer one the OpenAPI
declares (status code, content type, body), as an administrator and as a case manager.

Every installed service runs with its workers behind a real HTTP server, in a thread whose
event loop owns the database pools. A district's story is played first (referral to a
consented plan), and its ids are offered to the generator beside random ones, so reads
return real records and commands meet real states. Each operation gets the examples of its
schema, the coverage phase's boundary cases and a bounded number of generated cases (valid
and invalid) from a fixed seed: a run is repeatable and fits CI's time. `pytest -s` prints
the run's figures.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings
from iep_kernel.clock import FixedClock
from iep_kernel.service import discover_services
from iep_kernel.testing.system import System
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from story import SCHOOL, STUDENT, People, drive_to_consented_plan

# Generated cases per operation in the fuzzing phase, for each of the two callers; CI's
# number, which a deeper local run raises (IEP_FUZZ_EXAMPLES=500).
EXAMPLES = int(os.environ.get("IEP_FUZZ_EXAMPLES", "20"))
SEED = 20261205
CALLERS = (("administrator", ()), ("case_manager", (SCHOOL,)))
CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance,
          content_type_conformance, response_schema_conformance]
# How often a generated id is one of the story's rather than a random one.
KNOWN_IDS = 0.5


@dataclass
class Served:
    """The system behind a local HTTP server, driven from pytest's thread."""

    base_url: str
    openapi: dict[str, Any]
    ids: dict[str, list[str]]
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    # (operation, status) -> requests answered, for the figures printed at the end
    answers: Counter[tuple[str, int]] = field(default_factory=Counter)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _drop_schemas(dsn: str, prefix: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        for row in await conn.fetch("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1",
                                    f"{prefix}_%"):
            await conn.execute(f'DROP SCHEMA "{row["nspname"]}" CASCADE')
    finally:
        await conn.close()


async def _story(system: System, clock: FixedClock) -> dict[str, list[str]]:
    """Play a student's way to a consented plan; the ids of the records it made."""
    people = People(system, clock)
    paths = await drive_to_consented_plan(people)
    case = (await system.client.get(paths["case"], headers=people.staff())).json()
    return {
        "student_id": [STUDENT], "school_id": [SCHOOL],
        "referral_id": [paths["referral"].rsplit("/", 1)[1]],
        "evaluation_id": [paths["evaluation"].rsplit("/", 1)[1]],
        "case_id": [case["case_id"]],
        "meeting_id": [m["meeting_id"] for m in case["meetings"]],
        "plan_id": [v["plan_id"] for v in case["versions"]],
    }


@pytest.fixture
def served(infra: Any, tmp_path: Path) -> Iterator[Served]:
    prefix = f"t{uuid.uuid4().hex[:10]}"
    port = _free_port()
    ready = threading.Event()
    found: dict[str, Any] = {}
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    async def serve() -> None:
        clock = FixedClock(datetime(2026, 3, 2, 15, tzinfo=UTC))
        system = await System.start(infra.dsn, infra.bootstrap, discover_services(), prefix,
                                    tmp_path, clock=clock, workers=True)
        try:
            ids = await _story(system, clock)
            app = system.client._transport.app  # type: ignore[attr-defined]
            server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                                   log_level="critical", lifespan="off"))
            task = asyncio.create_task(server.serve())
            while not server.started and not task.done():
                await asyncio.sleep(0.05)
            found["served"] = Served(
                f"http://127.0.0.1:{port}", app.openapi(), ids,
                {role: {**system.auth(role, f"{role}-1", schools),
                        "X-Access-Purpose": "fuzzing the API"} for role, schools in CALLERS})
            ready.set()
            await stop.wait()
            server.should_exit = True
            await task
        finally:
            await system.stop()
            await _drop_schemas(infra.dsn, prefix)

    def run() -> None:
        try:
            loop.run_until_complete(serve())
        except BaseException as err:
            found["error"] = err
            ready.set()
        finally:
            loop.close()

    thread = threading.Thread(target=run, name="fuzzed-system", daemon=True)
    thread.start()
    ready.wait(timeout=180)
    if "error" in found:
        raise found["error"]
    started = time.monotonic()
    yield found["served"]
    loop.call_soon_threadsafe(stop.set)
    thread.join(timeout=60)
    answers = found["served"].answers
    statuses = Counter[int]()
    for (_, status), count in answers.items():
        statuses[status] += count
    print(f"\nfuzzed {len({op for op, _ in answers})} operations with "
          f"{sum(answers.values())} requests in {time.monotonic() - started:.0f} s; "
          f"statuses {dict(sorted(statuses.items()))}")


@pytest.fixture
def api_schema(served: Served) -> Any:
    config = SchemathesisConfig.from_dict({
        "seed": SEED,
        "generation": {"mode": "all"},
        "dictionaries": {name: {"values": values} for name, values in served.ids.items()
                         if values},
        "parameters": {name: {"dictionary": name, "probability": KNOWN_IDS}
                       for name, values in served.ids.items() if values},
    })
    return schemathesis.openapi.from_dict(served.openapi, config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_error_and_every_answer_as_documented(case: Any, served: Served) -> None:
    for headers in served.headers.values():
        # The caller's token always; the generated X-Access-Purpose, when there is one.
        sent = {name: value for name, value in headers.items()
                if name not in (case.headers or {}) or name == "Authorization"}
        response = case.call(base_url=served.base_url, headers=sent)
        served.answers[(case.operation.label, response.status_code)] += 1
        case.validate_response(response, checks=CHECKS, headers=sent,
                               transport_kwargs={"base_url": served.base_url})
