"""The web app's security over plain HTTP (no browser, no services needed): CSRF on
every POST, the dev sign-in refused in production, the session cookie's flags."""

import re
from pathlib import Path

import httpx
import pytest
from iep_kernel.config import Settings
from iep_web.app import create_web
from iep_web.settings import WebSettings

PRODUCTION = {"environment": "production", "auth_jwks_url": "https://idp.example/jwks",
              "master_key": "A" * 43 + "="}
PRODUCTION_WEB = {"api_url": "https://iep.example", "secret_key": "s" * 40,
                  "oidc_metadata_url": "https://idp.example/.well-known/openid-configuration",
                  "oidc_client_id": "iep-web"}


def client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                             base_url="https://iep.example")


def embedded(tmp_path: Path):
    return create_web(Settings(data_dir=tmp_path, auth_dev_issuer=True),
                      WebSettings(api_url="http://127.0.0.1:9", secret_key="k" * 40))


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


async def test_a_post_without_the_session_csrf_token_is_refused(tmp_path):
    async with client(embedded(tmp_path)) as http:
        page = await http.get("/sign-in")
        token = csrf_of(page.text)
        missing = await http.post("/sign-in/dev", data={"subject": "demo-case-manager"})
        wrong = await http.post("/sign-in/dev", data={"subject": "demo-case-manager",
                                                      "csrf_token": "not-the-token"})
        assert (missing.status_code, wrong.status_code) == (403, 403)
        assert "This form has expired" in missing.text
        signed = await http.post("/sign-in/dev", data={"subject": "demo-case-manager",
                                                       "csrf_token": token})
        assert signed.status_code == 303 and signed.headers["location"] == "/caseload"
        # a new session after signing in, with a new token: the old one no longer works
        stale = await http.post("/sign-out", data={"csrf_token": token})
        assert stale.status_code == 403


async def test_a_post_from_another_session_is_refused(tmp_path):
    app = embedded(tmp_path)
    async with client(app) as mine, client(app) as theirs:
        token = csrf_of((await theirs.get("/sign-in")).text)
        await mine.get("/sign-in")
        refused = await mine.post("/sign-in/dev", data={"subject": "demo-administrator",
                                                        "csrf_token": token})
        assert refused.status_code == 403


def test_production_refuses_to_start_with_the_dev_sign_in(tmp_path):
    with pytest.raises(ValueError, match="IEP_WEB_DEV_SIGN_IN must be off in production"):
        create_web(Settings(data_dir=tmp_path, **PRODUCTION),
                   WebSettings(dev_sign_in=True, **PRODUCTION_WEB))


def test_production_needs_its_sign_in_and_secret(tmp_path):
    with pytest.raises(ValueError, match="IEP_WEB_SECRET_KEY"):
        create_web(Settings(data_dir=tmp_path, **PRODUCTION),
                   WebSettings(**{**PRODUCTION_WEB, "secret_key": None}))


async def test_production_offers_no_dev_sign_in(tmp_path):
    app = create_web(Settings(data_dir=tmp_path, **PRODUCTION), WebSettings(**PRODUCTION_WEB))
    async with client(app) as http:
        page = await http.get("/sign-in")
        assert "Demo people" not in page.text and "demo-case-manager" not in page.text
        assert "Sign in with your district account" in page.text
        refused = await http.post("/sign-in/dev", data={"subject": "demo-administrator",
                                                        "csrf_token": csrf_of(page.text)})
        assert refused.status_code == 404
        home = await http.get("/")
        assert home.headers["location"] == "/sign-in"  # still nobody signed in


async def test_the_session_cookie_is_httponly_secure_and_samesite_lax(tmp_path):
    app = create_web(Settings(data_dir=tmp_path, **PRODUCTION), WebSettings(**PRODUCTION_WEB))
    async with client(app) as http:
        page = await http.get("/sign-in")
        cookie = page.headers["set-cookie"]
        assert cookie.startswith("iep_session=")
        flags = {part.strip().lower() for part in cookie.split(";")}
        assert {"httponly", "secure", "samesite=lax"} <= flags


async def test_pages_carry_a_content_security_policy_without_inline_script(tmp_path):
    async with client(embedded(tmp_path)) as http:
        page = await http.get("/sign-in")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert "<script>" not in page.text
