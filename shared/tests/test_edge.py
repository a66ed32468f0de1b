"""The edge of every app, over HTTP: identifiers have one grammar, text PostgreSQL cannot
store is refused wherever it is read, and every error answer carries its correlation id."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import asyncpg
import httpx
import pytest
import uvicorn
from iep_kernel.http import create_app
from iep_kernel.testing.infra import free_port
from iep_kernel.testing.sample import service

NUL_MESSAGE = "NUL character (U+0000)"
LOOK_ALIKES = {
    "zero-width space": "s\u200b1",
    "right-to-left override": "s\u202e1",
    "byte-order mark": "\ufeffs1",
    "NUL": "s\x001",
    "tab": "s\t1",
}


@pytest.fixture
async def system(isolation):
    return await isolation.system([service])


def errors_of(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {e["field"]: e["message"] for e in response.json()["errors"]}


async def test_nul_in_any_body_string_is_refused_naming_the_field(system):
    # `note` is a plain str in the request model: the kernel checks it all the same.
    response = await system.client.post(
        "/api/sample/counters", json={"student_id": "s1", "label": "l", "note": "Al\x00ice"},
        headers=system.auth("case_manager"))
    assert NUL_MESSAGE in errors_of(response)["note"]
    assert response.json()["correlation_id"] == response.headers["X-Correlation-ID"]
    assert await system.runtime("sample").store.read_all(0) == []


async def test_lone_surrogate_in_a_body_is_refused(system):
    for body in (b'{"student_id": "s1", "label": "l", "note": "a\\ud800b"}',
                 b'{"student_id": "s1", "label": "l", "note": "a\xed\xa0\x80b"}'):
        response = await system.client.post(
            "/api/sample/counters", content=body,
            headers={**system.auth("case_manager"), "Content-Type": "application/json"})
        assert set(errors_of(response)) == {"note"}


async def test_nul_in_path_query_and_header_is_refused_naming_it(system):
    auth = {**system.auth("auditor"), "X-Access-Purpose": "audit"}
    path = await system.client.get("/api/sample/counters/c%00x", headers=auth)
    assert set(errors_of(path)) == {"path.counter_id"}
    query = await system.client.get("/api/sample/record-accesses?student_id=a%00b",
                                    headers=auth)
    assert set(errors_of(query)) == {"query.student_id"}
    unread = await system.client.get("/api/sample/record-accesses?student_id=s1&x=%00",
                                     headers=auth)
    assert set(errors_of(unread)) == {"query.x"}
    header = await system.client.get("/api/sample/counters/c1",
                                     headers={**auth, "X-Access-Purpose": "au\x00dit"})
    assert set(errors_of(header)) == {"header.x-access-purpose"}


@pytest.mark.parametrize("kind", sorted(LOOK_ALIKES))
async def test_look_alike_ids_are_refused_in_bodies_paths_and_queries(system, kind):
    bad = LOOK_ALIKES[kind]
    body = await system.client.post(
        "/api/sample/counters", json={"student_id": bad, "label": "l"},
        headers=system.auth("case_manager"))
    assert set(errors_of(body)) == {"student_id"}
    auth = {**system.auth("auditor"), "X-Access-Purpose": "audit"}
    path = await system.client.get(f"/api/sample/counters/{quote(bad, safe='')}",
                                   headers=auth)
    assert set(errors_of(path)) == {"path.counter_id"}
    query = await system.client.get("/api/sample/record-accesses",
                                    params={"student_id": bad}, headers=auth)
    assert set(errors_of(query)) == {"query.student_id"}


async def test_an_id_says_what_is_wrong_with_it(system):
    async def message(student_id: str) -> str:
        response = await system.client.post(
            "/api/sample/counters", json={"student_id": student_id, "label": "l"},
            headers=system.auth("case_manager"))
        return errors_of(response)["student_id"]

    assert await message("s\u200b1") == (
        "an identifier may not contain control or invisible characters")
    assert await message("s 1") == "an identifier may not contain spaces"
    assert "private-use" in await message("s\ue0001")
    assert "normal form C" in await message("Jose\u0301")  # é decomposed
    assert "at most 200" in await message("s" * 201)
    # A Cyrillic O, a fullwidth D, an accented letter: each could pass for another id.
    for look_alike in ("D-1\u041e\u041e3", "\uff24-1003", "Jos\u00e9-42"):
        assert "ASCII" in await message(look_alike)
    accepted = await system.client.post(
        "/api/sample/counters", json={"student_id": "D-1003_a.b:c@d/e+f", "label": "l"},
        headers=system.auth("case_manager"))
    assert accepted.status_code == 201


async def test_a_correlation_id_that_is_not_an_id_is_refused(system):
    response = await system.client.get(
        "/api/sample/counters/c1", headers={**system.auth("auditor"),
                                            "X-Correlation-ID": "a\u200bb".encode()})
    assert set(errors_of(response)) == {"header.X-Correlation-ID"}
    assert response.headers["X-Correlation-ID"] == response.json()["correlation_id"]


async def test_every_error_answer_carries_the_correlation_id(system):
    sent = {"X-Correlation-ID": "trace-1"}
    answers = [
        await system.client.post("/api/sample/counters", json={}, headers=sent),  # 401
        await system.client.post("/api/sample/counters", json={"student_id": "s"},
                                 headers={**sent, **system.auth("case_manager")}),  # 422
        await system.client.post("/api/sample/counters/none/increments",
                                 json={"by": 1, "reason": "r"},
                                 headers={**sent, **system.auth("teacher")}),  # 404
        await system.client.post("/api/sample/counters",
                                  json={"student_id": "s", "label": "l"},
                                  headers={**sent, **system.auth("auditor")}),  # 403
    ]
    assert [a.status_code for a in answers] == [401, 422, 404, 403]
    for answer in answers:
        assert answer.headers["X-Correlation-ID"] == "trace-1"
        assert answer.json()["correlation_id"] == "trace-1"


# -- failures: 500 and 503 ---------------------------------------------------------------

def failing_app(dsn: str) -> object:
    """An app with the kernel's conventions and routes that fail as a real one can."""
    app = create_app([])

    @app.get("/bug")
    async def bug() -> None:
        raise RuntimeError("Alice Example")  # a message that could hold personal data

    @app.get("/database-gone")
    async def database_gone() -> None:
        conn = await asyncpg.connect(dsn)
        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute("SELECT pg_terminate_backend($1)", conn.get_server_pid())
            while not conn.is_closed():
                await asyncio.sleep(0.01)
            await conn.fetchval("SELECT 1")  # the server dropped this connection
        finally:
            await admin.close()
            await conn.close()

    @app.get("/refused")
    async def refused() -> None:
        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute('CREATE ROLE "iep_no_slots" LOGIN CONNECTION LIMIT 0')
            await asyncpg.connect(dsn, user="iep_no_slots")
        finally:
            await admin.execute('DROP ROLE "iep_no_slots"')
            await admin.close()

    @app.get("/no-server")
    async def no_server() -> None:
        await asyncpg.connect(host="127.0.0.1", port=free_port(), user="iep", timeout=2)

    @app.get("/pool-exhausted")
    async def pool_exhausted() -> None:
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=1)
        try:
            async with pool.acquire():
                async with pool.acquire(timeout=0.1):
                    pass
        finally:
            await pool.close()

    return app


async def test_a_database_outage_answers_503_with_retry_after(infra):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=failing_app(infra.dsn)),
                                 base_url="http://iep.test") as client:
        for path in ("/database-gone", "/refused", "/no-server", "/pool-exhausted"):
            response = await client.get(path, headers={"X-Correlation-ID": "outage-1"})
            assert response.status_code == 503, (path, response.text)
            assert response.headers["Retry-After"] == "5"
            assert response.headers["X-Correlation-ID"] == "outage-1"
            assert "try again in a few seconds" in response.json()["detail"]
            assert response.json()["correlation_id"] == "outage-1"


async def test_a_500_quotes_its_reference_and_the_connection_stays_usable(infra):
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(failing_app(infra.dsn), host="127.0.0.1",
                                           port=port, log_config=None, lifespan="off"))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        # Two requests on one connection: the second is answered after the first's 500.
        status, headers, body = await _exchange(reader, writer, "/bug", "ref-77")
        assert status == 500
        assert headers["x-correlation-id"] == "ref-77"
        assert "Quote reference ref-77" in body
        assert "Alice" not in body
        status, _, body = await _exchange(reader, writer, "/healthz", "ref-78")
        assert (status, body) == (200, '{"status":"ok"}')
        writer.close()
    finally:
        server.should_exit = True
        await serving


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str,
                    cid: str) -> tuple[int, dict[str, str], str]:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: iep.test\r\nX-Correlation-ID: {cid}\r\n\r\n"
                 .encode())
    await writer.drain()
    head = (await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)).decode()
    status_line, *lines = head.strip().split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
    body = await reader.readexactly(int(headers["content-length"]))
    return int(status_line.split()[1]), headers, body.decode()
