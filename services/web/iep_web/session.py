"""Who is signed in (kept in the signed session cookie), and the CSRF token of the session.

The session cookie is HttpOnly, SameSite=Lax and Secure (see settings); it holds the
person's access token, which the web app passes to the APIs and never shows. Every POST
carries the session's CSRF token in a hidden field, checked before the route runs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import jwt
from fastapi import HTTPException, Request

STAFF = ("teacher", "case_manager", "evaluator", "provider", "administrator")
DISTRICT = ("case_manager", "administrator")


@dataclass(frozen=True)
class Viewer:
    subject: str
    role: str
    name: str
    schools: tuple[str, ...]
    token: str

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF

    @property
    def is_parent(self) -> bool:
        return self.role == "parent"

    @property
    def is_auditor(self) -> bool:
        return self.role in ("auditor", "administrator")

    def may(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def home(self) -> str:
        if self.role == "parent":
            return "/children"
        if self.role == "auditor":
            return "/audit"
        return "/caseload"


def claims_of(token: str, role_claim: str = "role") -> dict[str, Any]:
    """The token's claims, read for the pages only: every API verifies the token itself."""
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    claims["role"] = claims.get(role_claim)
    return claims


def sign_in(request: Request, token: str, name: str, role_claim: str = "role") -> Viewer:
    claims = claims_of(token, role_claim)
    language = request.session.get("lang")
    request.session.clear()  # a new session on sign-in: nothing carried over but the language
    request.session.update({
        "token": token, "sub": str(claims["sub"]), "role": str(claims["role"]),
        "schools": list(claims.get("schools") or []), "name": name,
        "csrf": secrets.token_urlsafe(32)})
    if language:
        request.session["lang"] = language
    return viewer_of(request)  # type: ignore[return-value]


def viewer_of(request: Request) -> Viewer | None:
    session = request.session
    if not session.get("token"):
        return None
    return Viewer(session["sub"], session["role"], session.get("name") or session["sub"],
                  tuple(session.get("schools") or ()), session["token"])


class SignInRequired(Exception):
    pass


def require_viewer(request: Request) -> Viewer:
    viewer = viewer_of(request)
    if viewer is None:
        raise SignInRequired()
    return viewer


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


async def csrf_guard(request: Request) -> None:
    """Refuse any POST whose form lacks this session's CSRF token (403)."""
    if request.method != "POST":
        return
    expected = request.session.get("csrf")
    form = await request.form()
    sent = form.get("csrf_token")
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise HTTPException(403, "csrf")
