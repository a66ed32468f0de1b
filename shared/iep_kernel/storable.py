"""Text PostgreSQL can store, checked once at the edge of every app.

PostgreSQL's text and jsonb cannot hold the NUL character (U+0000), and UTF-8 cannot
encode an unpaired surrogate (U+D800-U+DFFF). A request carrying either, anywhere it is
read (a JSON body, the query, the path, a header), would be accepted by a request model
and fail later: in a command's idempotent reply, in every consumer that writes the event
into a read model. `RefuseUnstorableText` wraps the whole app, so no route, request model
or field can forget the check: the request is answered 422 naming the field.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from fastapi.routing import iter_route_contexts
from starlette.responses import JSONResponse
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from iep_kernel.edge import invalid_fields

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MESSAGE = ("this text contains a NUL character (U+0000) or an unpaired surrogate, which "
           "cannot be stored; remove it")
# Only a body with one of these can hold an unstorable string once parsed: a JSON escape
# (\u0000, \ud800), a raw NUL, or the UTF-8 form of a surrogate, which Python's JSON reader
# lets through.
_SUSPECT = re.compile(rb"\\u|\x00|\xed[\xa0-\xbf]")


def unstorable(value: str) -> bool:
    return UNSTORABLE.search(value) is not None


def first_unstorable(tree: Any) -> str | None:
    """The dotted path of the first string (or key) in a JSON value that cannot be stored.

    Iterative, as the parser accepts nesting deeper than a recursive walk could follow."""
    pending: list[tuple[tuple[str, ...], Any]] = [((), tree)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if unstorable(value):
                return ".".join(path) or "body"
        elif isinstance(value, dict):
            for key in value:
                if unstorable(key):
                    return ".".join((*path, key.encode("unicode_escape").decode()))
            pending += [((*path, key), item) for key, item in reversed(value.items())]
        elif isinstance(value, list):
            pending += [((*path, str(i)), item) for i, item in reversed(list(enumerate(value)))]
    return None


def _reads_json(scope: Scope) -> bool:
    # FastAPI parses a body as JSON when it has no content type or a JSON one.
    for name, value in scope["headers"]:
        if name == b"content-type":
            kind = bytes(value).split(b";", 1)[0].strip().lower()
            return kind == b"application/json" or kind.endswith(b"+json")
    return True


def _path_field(scope: Scope) -> str:
    """`path.<name>` of the route parameter holding the bad text, or `path`."""
    for route in iter_route_contexts(getattr(scope.get("app"), "routes", ())):
        pattern, _, _ = compile_path(str(route.path))
        match = pattern.match(scope["path"])
        if match is not None:
            for name, value in match.groupdict().items():
                if unstorable(value):
                    return f"path.{name}"
    return "path"


def _outside_body(scope: Scope) -> Iterator[str]:
    if unstorable(scope["path"]):
        yield _path_field(scope)
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if unstorable(name) or unstorable(value):
            yield f"query.{name.encode('unicode_escape').decode()}"
    for name, value in scope["headers"]:
        if b"\x00" in name or b"\x00" in value:
            yield "header." + name.replace(b"\x00", b"").decode("latin-1")


def refusal(field: str) -> JSONResponse:
    return JSONResponse(invalid_fields([(field, MESSAGE)]), status_code=422)


class RefuseUnstorableText:
    """ASGI middleware: a 422 for a request with text PostgreSQL cannot store."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        field = next(_outside_body(scope), None)
        if field is not None:
            await refusal(field)(scope, receive, send)
            return
        if not _reads_json(scope):
            await self.app(scope, receive, send)
            return
        body, more = await _read_body(receive)
        if _SUSPECT.search(body):
            try:
                field = first_unstorable(json.loads(body))
            except (ValueError, RecursionError):
                field = None  # not readable JSON: the route's own parsing answers
            if field is not None:
                await refusal(field)(scope, receive, send)
                return
        await self.app(scope, _replaying(body, more, receive), send)


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    """The whole body, and any message that came instead of the body's end (a disconnect)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), [message]
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), []


def _replaying(body: bytes, pending: list[Message], receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if pending:
            return pending.pop(0)
        # Yield first, as a server's receive does while it waits for a disconnect: a caller
        # that answers at once must not starve a streaming response listening for one.
        await asyncio.sleep(0)
        return await receive()

    return replay
