"""Request bodies: JSON in UTF-8, and a documented answer when a body cannot be read.

JSON exchanged between systems is UTF-8 (RFC 8259, 8.1). A body declaring another charset
gets 415 rather than being read as if it were UTF-8. A body that cannot be parsed at all
(bytes that are not UTF-8, arrays or objects nested past the parser's limit) gets the usual
422 with a field-level message, where FastAPI would answer an undocumented 400.
"""

from collections.abc import Awaitable, Callable, MutableMapping
from email.message import Message
from typing import Any

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from iep_kernel.edge import problem

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
_UTF8 = frozenset({"utf-8", "utf8"})
_UNREADABLE = {
    UnicodeDecodeError: "the body is not valid UTF-8 text; send JSON encoded as UTF-8",
    RecursionError: "the body nests arrays or objects too deeply to be read; "
                    "no request of this API nests more than a few levels",
}


def declared_charset(content_type: str) -> str | None:
    """The `charset` parameter of a Content-Type header, lower case, or None."""
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return str(charset).strip().lower() if isinstance(charset, str) else None


class Utf8Bodies:
    """Refuses (415) a request body declared in a charset other than UTF-8."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in _WITH_BODY:
            content_type = next((value.decode("latin-1") for name, value in scope["headers"]
                                 if name == b"content-type"), "")
            charset = declared_charset(content_type) if content_type else None
            if charset is not None and charset not in _UTF8:
                response = JSONResponse(problem(
                    f"This API reads JSON bodies in UTF-8 only; the body was sent as "
                    f"{charset[:40]!r}. Send it encoded as UTF-8 (charset=utf-8 or no "
                    "charset)."), status_code=415)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def unreadable_body(validation_problem: Callable[[str, str], JSONResponse]
                    ) -> Callable[[Request, Exception], Awaitable[Response]]:
    """An HTTPException handler turning FastAPI's 400 for an unparsable body into a 422
    made by `validation_problem(field, message)`; every other HTTPException as FastAPI
    answers it."""

    async def handler(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        cause = exc.__cause__
        if exc.status_code == 400 and cause is not None:
            for kind, message in _UNREADABLE.items():
                if isinstance(cause, kind):
                    return validation_problem("body", message)
        return await http_exception_handler(request, exc)

    return handler
