"""The edge of every app: a correlation id on every request and every response, and an
answer a person can act on for every failure.

`Correlate` is the outermost middleware, so the id is set before anything runs and is
still set when a failure is answered: the 500 quotes it, the `X-Correlation-ID` header is
on every response (errors included), and the exception is answered here instead of being
re-raised to the server, which would close the client's connection. A database that is
down, restarting or out of connections is an outage, not a bug: 503 with `Retry-After`.
"""

from __future__ import annotations

import logging
import time
import uuid
from types import TracebackType
from typing import Any

import asyncpg
from pydantic_core import PydanticCustomError
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from iep_kernel.fields import ID_MAX_LENGTH, identifier
from iep_kernel.logs import correlation_id
from iep_kernel.metrics import HTTP_REQUESTS

log = logging.getLogger("iep.http")

HEADER = "X-Correlation-ID"
RETRY_AFTER_SECONDS = 5
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# PostgreSQL refusing or dropping connections: shutting down, starting up, crashed,
# out of connection slots.
_OUTAGES = (asyncpg.PostgresConnectionError, asyncpg.exceptions.OperatorInterventionError,
            asyncpg.exceptions.TooManyConnectionsError)


def problem(detail: str) -> dict[str, Any]:
    """An error body: a sentence, and the request's correlation id to quote."""
    return {"detail": detail, "correlation_id": correlation_id.get()}


def invalid_fields(errors: list[tuple[str, str]]) -> dict[str, Any]:
    """A 422 body: each field with what is wrong with it."""
    noun = "problem" if len(errors) == 1 else "problems"
    detail = (f"The request has {len(errors)} {noun}: "
              + "; ".join(f"{field}: {message}" for field, message in errors))
    return {**problem(detail),
            "errors": [{"field": field, "message": message} for field, message in errors]}


def _raised_in_asyncpg(tb: TracebackType | None) -> bool:
    while tb is not None:
        if str(tb.tb_frame.f_globals.get("__name__", "")).startswith("asyncpg"):
            return True
        tb = tb.tb_next
    return False


def database_unavailable(exc: BaseException) -> bool:
    """Whether the failure is the database being unreachable rather than a bug: asyncpg's
    connection errors, or a socket error or timeout (a pool acquire) raised inside asyncpg."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _OUTAGES):
            return True
        # asyncpg reports a connection the server dropped (or a pool being shut down) as an
        # InterfaceError, the class it also uses for misuse; only its wording tells them apart.
        if isinstance(current, asyncpg.InterfaceError) and (
                "closed" in str(current) or "closing" in str(current)):
            return True
        if isinstance(current, OSError | TimeoutError) and _raised_in_asyncpg(
                current.__traceback__):
            return True
        current = current.__cause__ or current.__context__
    return False


def failure_response(exc: BaseException, path: str) -> JSONResponse:
    """503 for a database outage, else 500; the message never repeats the exception's,
    which may carry personal data."""
    cid = correlation_id.get()
    if database_unavailable(exc):
        log.warning("database unavailable", extra={"error": type(exc).__name__, "path": path})
        return JSONResponse(problem(
            "The database is not available right now; try again in a few seconds (a retry "
            "with the same Idempotency-Key is safe). Quote reference "
            f"{cid} if it lasts."), status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    log.error("unhandled error", extra={"error": type(exc).__name__, "path": path})
    return JSONResponse(problem("Something went wrong on our side; nothing was changed. "
                                f"Quote reference {cid} when reporting it."),
                        status_code=500)


def _incoming_id(headers: Headers) -> tuple[str, str | None]:
    """The request's correlation id (or a new one), and why the sent one is refused."""
    sent = headers.get(HEADER)
    if sent is None:
        return str(uuid.uuid4()), None
    try:
        if not 1 <= len(sent) <= ID_MAX_LENGTH:
            raise PydanticCustomError("id_length", f"a correlation id has 1 to "
                                      f"{ID_MAX_LENGTH} characters")
        return identifier(sent), None
    except PydanticCustomError as err:
        return str(uuid.uuid4()), err.message()


class Correlate:
    """ASGI middleware: correlation ids, request metrics, and the answer to any failure."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cid, refused = _incoming_id(Headers(scope=scope))
        token = correlation_id.set(cid)
        started = time.perf_counter()
        status = 500
        responding = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, responding
            if message["type"] == "http.response.start":
                responding = True
                status = message["status"]
                message.setdefault("headers", [])
                MutableHeaders(scope=message)[HEADER] = cid
            await send(message)

        try:
            if refused is not None:
                await JSONResponse(invalid_fields([(f"header.{HEADER}", refused)]),
                                   status_code=422)(scope, receive, send_with_id)
            else:
                await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if responding:
                # Part of a streamed body is out: the server closes the connection, so the
                # client sees it cut short instead of taking it for whole.
                log.error("failed while sending a response",
                          extra={"error": type(exc).__name__, "path": scope["path"]})
            else:
                await failure_response(exc, scope["path"])(scope, receive, send_with_id)
        finally:
            method = scope["method"] if scope["method"] in METHODS else "other"
            HTTP_REQUESTS.labels(service=self.service, method=method,
                                 status=str(status)).observe(time.perf_counter() - started)
            correlation_id.reset(token)
