"""Signing in: the district's OIDC provider in production (authorization code flow with
PKCE, Authlib's Starlette client), or, in embedded mode only, a page listing the demo
people whose tokens the kernel's dev issuer signs. Production refuses the dev sign-in."""

from __future__ import annotations

from typing import Any

from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from iep_kernel.auth import DevIssuer, dev_key_file
from iep_kernel.config import Settings

from iep_web import demo
from iep_web.render import page
from iep_web.session import claims_of, sign_in
from iep_web.settings import WebSettings, dev_sign_in_enabled


def install(app: FastAPI, kernel: Settings, web: WebSettings) -> None:
    dev = dev_sign_in_enabled(kernel, web)
    oauth: OAuth | None = None
    if web.oidc_metadata_url and web.oidc_client_id:
        oauth = OAuth()
        oauth.register(
            "district", server_metadata_url=web.oidc_metadata_url,
            client_id=web.oidc_client_id,
            client_secret=(web.oidc_client_secret.get_secret_value()
                           if web.oidc_client_secret else None),
            client_kwargs={"scope": web.oidc_scope, "code_challenge_method": "S256"})

    @app.get("/sign-in", include_in_schema=False)
    async def sign_in_page(request: Request) -> Response:
        return page(request, "sign_in.html", dev=dev, oidc=oauth is not None,
                    people=demo.PEOPLE if dev else ())

    @app.post("/sign-in/dev", include_in_schema=False)
    async def dev_sign_in(request: Request) -> Response:
        if not dev:
            raise HTTPException(404, "")
        form = await request.form()
        person = demo.person(str(form.get("subject") or ""))
        if person is None:
            raise HTTPException(422, "")
        issuer = DevIssuer(dev_key_file(kernel))
        token = issuer.token(kernel, person.subject, person.role, person.schools,
                             ttl_seconds=web.session_max_age_seconds)
        viewer = sign_in(request, token, person.name, kernel.auth_role_claim)
        if "lang" not in request.session:
            request.session["lang"] = person.language
        return RedirectResponse(viewer.home, status_code=303)

    @app.get("/sign-in/oidc", include_in_schema=False)
    async def oidc_start(request: Request) -> Response:
        if oauth is None:
            raise HTTPException(404, "")
        redirect_uri = str(request.url_for("oidc_callback"))
        response: Response = await oauth.district.authorize_redirect(request, redirect_uri)
        return response

    @app.get("/auth/callback", include_in_schema=False, name="oidc_callback")
    async def oidc_callback(request: Request) -> Response:
        if oauth is None:
            raise HTTPException(404, "")
        try:
            token: dict[str, Any] = await oauth.district.authorize_access_token(request)
        except OAuthError as err:
            raise HTTPException(401, "") from err
        access = token["access_token"]
        info = token.get("userinfo") or {}
        claims = claims_of(access, kernel.auth_role_claim)
        name = str(info.get("name") or claims.get("name") or claims["sub"])
        viewer = sign_in(request, access, name, kernel.auth_role_claim)
        return RedirectResponse(viewer.home, status_code=303)

    @app.post("/sign-out", include_in_schema=False)
    async def sign_out(request: Request) -> Response:
        language = request.session.get("lang")
        request.session.clear()
        if language:
            request.session["lang"] = language
        return RedirectResponse("/sign-in", status_code=303)
