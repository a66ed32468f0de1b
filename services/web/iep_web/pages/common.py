"""What every page module needs: the person, their API client, form reading, redirects."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from iep_web.client import Api
from iep_web.district import today_of
from iep_web.session import Viewer, require_viewer


def api(request: Request, viewer: Viewer, purpose: str | None = None) -> Api:
    """The person's API client; staff and auditors' reads carry the reason they chose (or
    the default), as the record of access requires."""
    if purpose is None and viewer.role != "parent":
        purpose = request.session.get("purpose") or request.app.state.web.access_purpose
    return Api(request.app.state.http, viewer.token, purpose)


def signed_in(request: Request) -> tuple[Viewer, Api]:
    viewer = require_viewer(request)
    return viewer, api(request, viewer)


def see_other(path: str, **params: Any) -> RedirectResponse:
    query = "&".join(f"{k}={v}" for k, v in params.items() if v is not None)
    return RedirectResponse(path + (f"?{query}" if query else ""), status_code=303)


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def optional(form: FormData, name: str) -> str | None:
    return text(form, name) or None


def lines(form: FormData, name: str) -> list[str]:
    return [line.strip() for line in text(form, name).splitlines() if line.strip()]


def checked(form: FormData, name: str) -> bool:
    return form.get(name) in ("on", "true", "yes", "1")


def many(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


def today_iso(request: Request) -> str:
    """Today for a signature or a default date: the district's, as the services count it."""
    return today_of(request).isoformat()


VIEW_SOURCES = ("referral", "evaluation", "planning")  # the services the views read


def fresh(position: Any, source: str) -> dict[str, Any]:
    """Query parameters asking the views to show a command's result (read-your-writes)."""
    if not position or source not in VIEW_SOURCES:
        return {}
    return {"min_position": position, "source": source}
