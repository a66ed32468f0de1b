"""Request bodies the API cannot read get a documented answer: 415 for a charset other than
UTF-8, 422 with field-level errors for bytes that are not UTF-8, nesting too deep to parse
and a reused Idempotency-Key. Each case was found by fuzzing the API."""

from __future__ import annotations

import json

import pytest
from iep_kernel.testing.sample import service

COUNTERS = "/api/sample/counters"
BODY = {"student_id": "s1", "label": "reading"}


@pytest.fixture
async def system(isolation):
    return await isolation.system([service])


async def post(system, content: bytes, content_type: str = "application/json", **headers):
    return await system.client.post(COUNTERS, content=content, headers={
        **system.auth("case_manager"), "Content-Type": content_type, **headers})


def assert_problem_with(response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_a_body_in_another_charset_is_415_not_read_as_utf8(system):
    response = await post(system, json.dumps(BODY).encode("utf-16"),
                          "application/json; charset=utf-16")
    assert response.status_code == 415, response.text
    assert "UTF-8" in response.json()["detail"]
    assert response.json()["correlation_id"] == response.headers["X-Correlation-ID"]
    assert await system.runtime("sample").store.read_all(0) == []


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "utf8"])
async def test_a_body_declared_utf8_is_read(system, charset):
    response = await post(system, json.dumps(BODY).encode(),
                          f"application/json; charset={charset}")
    assert response.status_code == 201, response.text


async def test_bytes_that_are_not_utf8_are_422(system):
    assert_problem_with(await post(system, b'{"student_id": "\xff\xfe", "label": "x"}'),
                        "body")
    assert_problem_with(await post(system, b"\x00d\xe9\x1b&]\x18"), "body")


async def test_nesting_too_deep_to_parse_is_422(system):
    assert_problem_with(await post(system, b"[" * 100_000 + b"]" * 100_000), "body")


async def test_a_reused_idempotency_key_is_422_naming_the_header(system):
    first = await post(system, json.dumps(BODY).encode(), **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201
    other = await post(system, json.dumps({**BODY, "student_id": "s2"}).encode(),
                       **{"Idempotency-Key": "k-1"})
    assert_problem_with(other, "Idempotency-Key")
    assert "different request" in other.json()["errors"][0]["message"]


async def test_the_openapi_declares_415_and_422_on_commands(system):
    spec = (await system.client.get("/openapi.json")).json()
    responses = spec["paths"][COUNTERS]["post"]["responses"]
    assert {"415", "422"} <= set(responses)
