"""Pages from Jinja2 templates, in the person's language, with the session's CSRF token."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from iep_web import labels
from iep_web.i18n import LANGUAGE_NAMES, Speaker, languages, supported
from iep_web.session import csrf_token, viewer_of

TEMPLATES = Path(__file__).resolve().parent / "templates"
env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                  extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)


def language_of(request: Request) -> str:
    return supported(request.session.get("lang") or "en")


def speaker_of(request: Request) -> Speaker:
    return Speaker(language_of(request))


def page(request: Request, template: str, status_code: int = 200, **context: Any
         ) -> HTMLResponse:
    speaker = speaker_of(request)
    viewer = viewer_of(request)
    base = {
        "request": request, "viewer": viewer, "lang": speaker.language,
        "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in languages()],
        "csrf_token": csrf_token(request), "_": speaker.gettext, "gettext": speaker.gettext,
        "ngettext": speaker.ngettext, "day": speaker.day, "new_key": lambda: str(uuid.uuid4()),
        "path": request.url.path, **labels.ALL,
        "purpose": request.session.get("purpose") or request.app.state.web.access_purpose,
        "full_path": _full_path(request),
        "district": getattr(request.state, "district", None),
    }
    html = env.get_template(template).render(**base, **context)
    return HTMLResponse(html, status_code=status_code)


def _full_path(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")
