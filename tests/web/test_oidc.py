"""Production sign-in starts the authorization code flow with PKCE at the district's
provider (its discovery document served here by a stand-in on a real port)."""

import asyncio
from urllib.parse import parse_qs, urlparse

import httpx
import uvicorn
from iep_kernel.config import Settings
from iep_web.app import create_web
from iep_web.settings import WebSettings
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def test_sign_in_redirects_to_the_provider_with_pkce_and_state(tmp_path, port):
    issuer = f"http://127.0.0.1:{port}"

    async def discovery(request):
        return JSONResponse({
            "issuer": issuer, "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token", "jwks_uri": f"{issuer}/jwks",
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"]})

    provider = uvicorn.Server(uvicorn.Config(
        Starlette(routes=[Route("/.well-known/openid-configuration", discovery)]),
        host="127.0.0.1", port=port, log_config=None, lifespan="off"))
    task = asyncio.create_task(provider.serve())
    while not provider.started:
        await asyncio.sleep(0.02)
    try:
        app = create_web(
            Settings(data_dir=tmp_path, environment="production",
                     auth_jwks_url=f"{issuer}/jwks", master_key="A" * 43 + "="),
            WebSettings(api_url="https://iep.example", secret_key="s" * 40,
                        oidc_metadata_url=f"{issuer}/.well-known/openid-configuration",
                        oidc_client_id="iep-web"))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="https://iep.example") as http:
            response = await http.get("/sign-in/oidc")
        assert response.status_code == 302
        target = urlparse(response.headers["location"])
        query = parse_qs(target.query)
        assert f"{target.scheme}://{target.netloc}{target.path}" == f"{issuer}/authorize"
        assert query["response_type"] == ["code"] and query["client_id"] == ["iep-web"]
        assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
        assert query["state"][0]
        assert query["redirect_uri"] == ["https://iep.example/auth/callback"]
        cookie = {p.strip().lower() for p in response.headers["set-cookie"].split(";")}
        assert {"httponly", "secure", "samesite=lax"} <= cookie
    finally:
        provider.should_exit = True
        await task
