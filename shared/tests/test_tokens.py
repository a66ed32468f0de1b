"""Access tokens whose claims or algorithm are wrong are refused with 401, never read
loosely and never a server error: each case here was found by fuzzing the API."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from iep_kernel.auth import DEV_KEY_ID
from iep_kernel.testing.sample import service


@pytest.fixture
async def system(isolation):
    return await isolation.system([service])


def claims_of(system: Any, **changed: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": system.settings.auth_issuer, "aud": system.settings.auth_audience,
        "sub": "cm-1", "iat": now, "exp": now + 60, "role": "case_manager",
        "schools": ["sch-1"]}
    return {**claims, **changed}


async def open_counter(system: Any, token: str) -> Any:
    return await system.client.post(
        "/api/sample/counters", json={"student_id": "s1", "label": "reading"},
        headers={"Authorization": f"Bearer {token}"})


def dev_signed(system: Any, claims: dict[str, object]) -> str:
    return jwt.encode(claims, system.issuer._key, algorithm="RS256",
                      headers={"kid": DEV_KEY_ID})


async def test_a_well_formed_dev_token_is_accepted(system):
    response = await open_counter(system, dev_signed(system, claims_of(system)))
    assert response.status_code == 201, response.text


async def test_a_token_naming_the_dev_key_with_another_algorithm_is_401(system):
    # ES256 with an elliptic-curve key of the caller's own: the dev key is RSA and signs
    # RS256 only, so the token is refused before its signature is even tried.
    forged = jwt.encode(claims_of(system), ec.generate_private_key(ec.SECP256R1()),
                        algorithm="ES256", headers={"kid": DEV_KEY_ID})
    response = await open_counter(system, forged)
    assert response.status_code == 401, response.text
    assert "alg value is not allowed" in response.json()["detail"]


@pytest.mark.parametrize("exp", ["4102444800", True, None, [4102444800], {"at": 1}])
async def test_an_expiry_that_is_not_a_number_is_401(system, exp):
    response = await open_counter(system, dev_signed(system, claims_of(system, exp=exp)))
    assert response.status_code == 401, response.text


@pytest.mark.parametrize("sub", ["", "   ", "cm\n1", "x" * 256, 7])
async def test_a_subject_that_names_no_one_is_401(system, sub):
    response = await open_counter(system, dev_signed(system, claims_of(system, sub=sub)))
    assert response.status_code == 401, response.text


@pytest.mark.parametrize("schools", ["sch-1", {"sch-1": True}, [1, 2], [""]])
async def test_schools_must_be_a_list_of_school_ids(system, schools):
    # A string was read as one school per character ("s", "c", "h", ...).
    response = await open_counter(system, dev_signed(system, claims_of(system,
                                                                       schools=schools)))
    assert response.status_code == 401, response.text
    assert "schools" in response.json()["detail"]


async def test_a_role_that_is_not_text_is_401(system):
    response = await open_counter(system, dev_signed(
        system, claims_of(system, role=["case_manager"])))
    assert response.status_code == 401, response.text
