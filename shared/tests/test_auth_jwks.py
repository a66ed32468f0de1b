"""Production sign-in: tokens verified against the identity provider's JWKS, fetched over
HTTP, cached, and fetched again when the provider rotates to a new key."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import HTTPException
from iep_kernel.auth import TokenVerifier
from iep_kernel.config import Settings


class IdentityProvider:
    """A JWKS endpoint on loopback whose keys the test can rotate."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.fetches = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                provider.fetches += 1
                body = json.dumps({"keys": [
                    {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(k.public_key())),
                     "kid": kid, "use": "sig", "alg": "RS256"}
                    for kid, k in provider.keys.items()]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/jwks"

    def add_key(self, kid: str) -> None:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def token(self, kid: str, **claims: object) -> str:
        now = int(time.time())
        body = {"iss": "https://idp.district.example", "aud": "iep-platform", "sub": "cm-7",
                "iat": now, "exp": now + 300, "role": "case_manager", "schools": ["sch-1"],
                **claims}
        return jwt.encode(body, self.keys[kid], algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def provider():
    idp = IdentityProvider()
    idp.add_key("2026-01")
    yield idp
    idp.server.shutdown()


def verifier_for(provider: IdentityProvider) -> TokenVerifier:
    return TokenVerifier(Settings(environment="production", auth_jwks_url=provider.url,
                                  auth_issuer="https://idp.district.example",
                                  auth_jwks_refresh_cooldown_seconds=0))


async def test_a_token_from_the_district_provider_is_accepted_and_keys_are_cached(provider):
    verifier = verifier_for(provider)
    for _ in range(3):
        principal = await verifier.verify(provider.token("2026-01"))
    assert (principal.subject, principal.role, principal.schools) == (
        "cm-7", "case_manager", ("sch-1",))
    assert provider.fetches == 1


async def test_after_the_provider_rotates_keys_new_tokens_are_accepted(provider):
    verifier = verifier_for(provider)
    await verifier.verify(provider.token("2026-01"))
    provider.add_key("2026-07")  # rotation: a new key id appears in the JWKS
    principal = await verifier.verify(provider.token("2026-07", sub="cm-8"))
    assert principal.subject == "cm-8"
    assert provider.fetches == 2


async def test_a_token_signed_by_a_key_the_provider_does_not_publish_is_refused(provider):
    verifier = verifier_for(provider)
    stranger = IdentityProvider()
    stranger.add_key("2026-01")  # same key id, another key
    try:
        with pytest.raises(HTTPException) as refused:
            await verifier.verify(stranger.token("2026-01"))
        assert refused.value.status_code == 401
    finally:
        stranger.server.shutdown()


async def test_the_dev_issuer_is_not_trusted_in_production(provider, tmp_path):
    from iep_kernel.auth import DevIssuer
    dev = DevIssuer(tmp_path / "dev.pem")
    settings = Settings(environment="production", auth_jwks_url=provider.url)
    with pytest.raises(HTTPException) as refused:
        await TokenVerifier(settings).verify(dev.token(settings, "x", "administrator"))
    assert refused.value.status_code == 401


async def test_a_token_naming_a_provider_key_with_another_algorithm_is_refused(provider):
    # The provider's key is RSA for RS256: an ES256 token naming it is refused as a bad
    # token (401), not tried with a key of the wrong type (a server error).
    from cryptography.hazmat.primitives.asymmetric import ec
    now = int(time.time())
    forged = jwt.encode({"iss": "https://idp.district.example", "aud": "iep-platform",
                         "sub": "cm-7", "exp": now + 300, "role": "case_manager"},
                        ec.generate_private_key(ec.SECP256R1()), algorithm="ES256",
                        headers={"kid": "2026-01"})
    with pytest.raises(HTTPException) as refused:
        await verifier_for(provider).verify(forged)
    assert refused.value.status_code == 401
