"""The HTTP conventions, through a real app on a real database."""

from __future__ import annotations

import time

import jwt
import pytest
from iep_kernel.testing.sample import service


@pytest.fixture
async def system(isolation):
    return await isolation.system([service])


async def open_counter(system, **headers):
    return await system.client.post(
        "/api/sample/counters", json={"student_id": "s1", "label": "reading"},
        headers={**system.auth("case_manager"), **headers})


async def test_command_returns_state_and_position(system):
    response = await open_counter(system)
    assert response.status_code == 201
    body = response.json()
    assert body["total"] == 0
    assert body["position"] >= 1
    assert response.headers["X-IEP-Position"] == str(body["position"])


async def test_malformed_request_is_422_with_field_messages(system):
    response = await system.client.post(
        "/api/sample/counters", json={"student_id": "", "label": "x" * 30},
        headers=system.auth("case_manager"))
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert set(fields) == {"student_id", "label"}
    assert "at least 1 character" in fields["student_id"]
    assert "student_id" in response.json()["detail"]


async def test_illegal_step_is_409_with_a_sentence(system):
    counter_id = (await open_counter(system)).json()["counter_id"]
    response = await system.client.post(
        f"/api/sample/counters/{counter_id}/increments", json={"by": 11, "reason": "r"},
        headers=system.auth("teacher"))
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "the counter is at 0 and may not pass 10; add at most 10")


async def test_unknown_record_is_404(system):
    response = await system.client.post(
        "/api/sample/counters/nope/increments", json={"by": 1, "reason": "r"},
        headers=system.auth("teacher"))
    assert response.status_code == 404


async def test_retried_post_with_idempotency_key_acts_once(system):
    first = await open_counter(system, **{"Idempotency-Key": "k-1"})
    again = await open_counter(system, **{"Idempotency-Key": "k-1"})
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    store = system.runtime("sample").store
    assert len(await store.read_all(0)) == 1
    other = await system.client.post(
        "/api/sample/counters", json={"student_id": "s2", "label": "math"},
        headers={**system.auth("case_manager"), "Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert "different request" in other.json()["detail"]


async def test_concurrent_retries_with_one_key_act_once(system):
    import asyncio
    responses = await asyncio.gather(*[
        open_counter(system, **{"Idempotency-Key": "k-race"}) for _ in range(5)])
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["counter_id"] for r in responses}) == 1
    assert len(await system.runtime("sample").store.read_all(0)) == 1


async def test_role_not_in_permission_table_is_403(system):
    response = await system.client.post(
        "/api/sample/counters", json={"student_id": "s1", "label": "reading"},
        headers=system.auth("auditor"))
    assert response.status_code == 403
    assert response.json()["detail"] == "a auditor may not open counter"


@pytest.mark.parametrize("problem", ["missing", "expired", "forged", "audience", "issuer"])
async def test_bad_tokens_are_401(system, problem):
    from cryptography.hazmat.primitives.asymmetric import rsa
    settings = system.settings
    now = int(time.time())
    claims = {"iss": settings.auth_issuer, "aud": settings.auth_audience, "sub": "x",
              "iat": now, "exp": now + 60, "role": "case_manager"}
    key = system.issuer._key
    if problem == "expired":
        claims["exp"] = now - 10
    elif problem == "audience":
        claims["aud"] = "another-app"
    elif problem == "issuer":
        claims["iss"] = "https://elsewhere.example"
    elif problem == "forged":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "iep-dev"})
    headers = {} if problem == "missing" else {"Authorization": f"Bearer {token}"}
    response = await system.client.post(
        "/api/sample/counters", json={"student_id": "s1", "label": "reading"}, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_health_ready_and_metrics_need_no_token(system):
    assert (await system.client.get("/healthz")).json() == {"status": "ok"}
    ready = await system.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database:sample": "ok", "broker": "ok"}
    await open_counter(system)
    metrics = (await system.client.get("/metrics")).text
    assert 'iep_events_appended_total{service="sample"}' in metrics


async def test_openapi_documents_every_route(system):
    spec = (await system.client.get("/openapi.json")).json()
    assert "/api/sample/counters" in spec["paths"]
    post = spec["paths"]["/api/sample/counters"]["post"]
    assert {"201", "409", "422"} <= set(post["responses"])
