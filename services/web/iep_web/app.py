"""The web app: pages for staff, parents and auditors, a thin client of the APIs.

`create_web` builds the ASGI app; `mount` serves it at `/` beside the APIs (`make up`,
where its API calls go to the same server in-process); `iep web` serves it alone
(a container of its own, calling the APIs at `IEP_WEB_API_URL`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from iep_kernel.config import Settings
from starlette.middleware.sessions import SessionMiddleware

from iep_web import auth, district, i18n
from iep_web.client import Problem
from iep_web.pages import auditor, commands, parent, staff
from iep_web.render import page
from iep_web.session import SignInRequired, csrf_guard, viewer_of
from iep_web.settings import WebSettings, check_production, cookie_secure, secret_key

STATIC = Path(__file__).resolve().parent / "static"
SESSION_COOKIE = "iep_session"


def create_web(kernel: Settings | None = None, web: WebSettings | None = None,
               api_app: Any = None) -> FastAPI:
    """The web app; its API calls go to `web.api_url`, else to `api_app` in-process."""
    kernel = kernel or Settings()
    web = web or WebSettings()
    check_production(kernel, web)
    app = FastAPI(title="IEP Lifecycle Platform: web", docs_url=None, redoc_url=None,
                  openapi_url=None, dependencies=[Depends(csrf_guard)])
    app.state.kernel = kernel
    app.state.web = web
    if web.api_url:
        app.state.http = httpx.AsyncClient(base_url=web.api_url,
                                           timeout=web.api_timeout_seconds)
    elif api_app is not None:
        app.state.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=api_app),
                                           base_url="http://iep.internal",
                                           timeout=web.api_timeout_seconds)
    else:
        raise ValueError("set IEP_WEB_API_URL: the web app needs the APIs")
    app.add_middleware(SessionMiddleware, secret_key=secret_key(kernel, web),
                       session_cookie=SESSION_COOKIE, max_age=web.session_max_age_seconds,
                       same_site="lax", https_only=cookie_secure(kernel, web))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    auth.install(app, kernel, web)
    for module in (parent, staff, commands, auditor):
        app.include_router(module.router)
    _install_pages(app)
    district.install(app)
    return app


def _install_pages(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
            "style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
        return response

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/", include_in_schema=False)
    async def home(request: Request) -> Response:
        viewer = viewer_of(request)
        return RedirectResponse(viewer.home if viewer else "/sign-in", status_code=303)

    @app.post("/language", include_in_schema=False)
    async def language(request: Request) -> Response:
        form = await request.form()
        request.session["lang"] = i18n.supported(str(form.get("lang") or "en"))
        request.session["lang_chosen"] = True
        back = str(form.get("next") or "/")
        if not back.startswith("/") or back.startswith("//"):
            back = "/"
        return RedirectResponse(back, status_code=303)

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, exc: Exception) -> Response:
        return RedirectResponse("/sign-in", status_code=303)

    @app.exception_handler(Problem)
    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        if exc.status == 401:
            request.session.clear()
            return RedirectResponse("/sign-in", status_code=303)
        return page(request, "problem.html", status_code=exc.status if exc.status in (
            403, 404, 409, 422) else 502, problem=exc)

    @app.exception_handler(HTTPException)
    async def http_problem(request: Request, exc: Exception) -> HTMLResponse:
        assert isinstance(exc, HTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else ""
        return page(request, "problem.html", status_code=exc.status_code,
                    problem=Problem(exc.status_code, detail))


def mount(outer: FastAPI) -> None:
    """Serve the web app at `/` of the app that serves the APIs (embedded mode)."""
    runtimes = getattr(outer.state, "runtimes", {})
    kernel = next(iter(runtimes.values())).settings if runtimes else Settings()
    outer.mount("/", create_web(kernel, WebSettings(), api_app=outer))
