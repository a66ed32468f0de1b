"""The HTTP conventions every service shares.

422 with field-level messages for malformed requests; 409 with a sentence for an illegal
step or a lost race; `Idempotency-Key` so a retried POST creates nothing twice; every
command response carries the global position of its last event; `/healthz`, `/readyz`
and `/metrics` on every app; correlation ids on every request and log line.
"""


import hashlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, TypeVar

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient
from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from iep_kernel.auth import Principal, TokenVerifier
from iep_kernel.bodies import Utf8Bodies, unreadable_body
from iep_kernel.clock_api import clock_router
from iep_kernel.decider import CommandHandler, CommandResult, IllegalTransition, NotFound
from iep_kernel.edge import Correlate, invalid_fields, problem
from iep_kernel.events import DESTROYED, Metadata
from iep_kernel.logs import correlation_id
from iep_kernel.runtime import ServiceRuntime
from iep_kernel.storable import RefuseUnstorableText
from iep_kernel.store import ConcurrencyConflict
from iep_kernel.vault import open_trees, seal

log = logging.getLogger("iep.http")

POSITION_HEADER = "X-IEP-Position"
GONE_REPLY = ("This request was carried out, but its answer held personal data of a student "
              "whose records have since been destroyed, so it cannot be shown again.")
S = TypeVar("S")
C = TypeVar("C")
Projector = Callable[[asyncpg.Connection, CommandResult[S]], Awaitable[None]]


class Problem(BaseModel):
    detail: str
    correlation_id: str | None = None


class FieldError(BaseModel):
    field: str
    message: str


class ValidationProblem(BaseModel):
    detail: str
    errors: list[FieldError]
    correlation_id: str | None = None


COMMAND_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "No valid access token"},
    403: {"model": Problem, "description": "The caller's role or scope does not allow this"},
    404: {"model": Problem, "description": "No such record"},
    409: {"model": Problem, "description": "Not allowed in the record's current state"},
    415: {"model": Problem, "description": "The body is declared in a charset other than UTF-8"},
    422: {"model": ValidationProblem, "description": "The request is malformed"},
    503: {"model": Problem, "description": "The database is unavailable; retry after the "
                                           "Retry-After header's seconds"},
}


def validation_problem(field: str, message: str) -> JSONResponse:
    """A 422 naming one field, in the form of every other malformed-request answer."""
    return JSONResponse(invalid_fields([(field, message)]), status_code=422)


def _field_name(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [(_field_name(e["loc"]), e["msg"]) for e in exc.errors()]
    return JSONResponse(invalid_fields(errors), status_code=422)


def _problem(status: int) -> Callable[[Request, Exception], Any]:
    async def handler(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(problem(str(exc)), status_code=status)
    return handler


_unreadable_body = unreadable_body(validation_problem)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:  # FastAPI's answer to a body it could not parse
        return await _unreadable_body(request, exc)
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=exc.headers)
    return JSONResponse(problem(str(exc.detail)), status_code=exc.status_code,
                        headers=exc.headers)


def install_conventions(app: FastAPI, runtimes: Sequence[ServiceRuntime]) -> None:
    """Error mapping, correlation ids, storable text, metrics and health endpoints."""
    app.state.runtimes = {rt.name: rt for rt in runtimes}
    app.state.token_verifier = TokenVerifier(runtimes[0].settings) if runtimes else None
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IllegalTransition, _problem(409))
    app.add_exception_handler(ConcurrencyConflict, _problem(409))
    app.add_exception_handler(NotFound, _problem(404))
    # Any other failure is answered by `Correlate` (the outermost middleware, added last),
    # while the request's correlation id is still set.
    app.add_middleware(RefuseUnstorableText)
    app.add_middleware(Utf8Bodies)
    app.add_middleware(Correlate, service=",".join(rt.name for rt in runtimes) or "none")

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"])
    async def readyz() -> JSONResponse:
        """The database and the broker are reachable."""
        checks: dict[str, str] = {}
        for rt in runtimes:
            try:
                await rt.pool.fetchval("SELECT 1", timeout=2)
                checks[f"database:{rt.name}"] = "ok"
            except (OSError, asyncpg.PostgresError, TimeoutError) as err:
                checks[f"database:{rt.name}"] = type(err).__name__
        if runtimes:
            checks["broker"] = await _broker_check(runtimes[0].bootstrap)
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"status": "ready" if ready else "unavailable", "checks": checks},
                            status_code=200 if ready else 503)

    @app.get("/metrics", tags=["operations"], response_class=Response)
    async def metrics() -> Response:
        """Prometheus metrics."""
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def _broker_check(bootstrap: str) -> str:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=2000)
    try:
        await admin.start()
        await admin.list_topics()
        return "ok"
    except Exception as err:  # any failure means not ready
        return type(err).__name__
    finally:
        await admin.close()


def runtime_of(name: str) -> Callable[[Request], ServiceRuntime]:
    def get(request: Request) -> ServiceRuntime:
        runtime: ServiceRuntime = request.app.state.runtimes[name]
        return runtime
    get.__name__ = f"runtime_{name.replace('-', '_')}"
    return get


class Commands:
    """Runs one request's command: idempotency, actor metadata, the position of the result."""

    def __init__(self, request: Request, runtime: ServiceRuntime, key: str | None) -> None:
        self.request = request
        self.runtime = runtime
        self.key = key

    def metadata(self, principal: Principal, on_behalf_of: str | None = None) -> Metadata:
        return Metadata(actor=principal.actor(on_behalf_of),
                        correlation_id=correlation_id.get() or str(uuid.uuid4()))

    async def _request_hash(self) -> str:
        body = await self.request.body()
        return hashlib.sha256(body).hexdigest()

    async def _replay(self, conn: asyncpg.Connection | asyncpg.Pool, route: str,
                      request_hash: str) -> JSONResponse | None:
        row = await conn.fetchrow(
            "SELECT request_hash, status_code, body FROM idempotency_keys "
            "WHERE key = $1 AND route = $2", self.key, route)
        if row is None:
            return None
        if row["request_hash"] != request_hash:
            return validation_problem(
                "Idempotency-Key", "this key was already used for a different request; "
                "use a new key for a new request")
        stored: dict[str, Any] = row["body"]
        body, status = stored, row["status_code"]
        if "sealed" in stored:
            [body] = await open_trees(self.runtime.vault, [stored["sealed"]])
            if body == DESTROYED:
                body, status = {"detail": GONE_REPLY, "position": stored["position"]}, 410
        response = JSONResponse(body, status_code=status)
        response.headers["Idempotent-Replayed"] = "true"
        if "position" in stored:
            response.headers[POSITION_HEADER] = str(stored["position"])
        return response

    async def _sealed(self, student_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """The reply as kept for replays: sealed whole under the student's data key, so the
        table holds no readable personal data and destroying the student's records
        (34 CFR 300.624) destroys the reply too. The position stays readable for the
        header."""
        key_id, key = await self.runtime.vault.key_for_writing(student_id)
        return {"position": body["position"], "sealed": seal(body, key_id, key)}

    async def execute(
        self,
        handler: CommandHandler[S, C],
        stream_id: str,
        command: C,
        principal: Principal,
        render: Callable[[CommandResult[S]], BaseModel],
        *,
        status_code: int = 200,
        on_behalf_of: str | None = None,
        project: Projector[S] | None = None,
        retries: int = 3,
    ) -> JSONResponse:
        """Decide and append; the response is the resulting state plus `position`.

        `project` runs in the same transaction after the append, for a service's own query
        tables (so a list endpoint never disagrees with the log). A lost race is decided
        again on fresh state; a retried request with the same key gets the first answer.
        """
        route = f"{self.request.method} {self.request.url.path}:{principal.subject}"
        request_hash = await self._request_hash() if self.key else ""
        if self.key:
            replay = await self._replay(self.runtime.pool, route, request_hash)
            if replay is not None:
                return replay
        meta = self.metadata(principal, on_behalf_of)
        for attempt in range(retries + 1):
            try:
                async with self.runtime.pool.acquire() as conn, conn.transaction():
                    result = await handler.execute(stream_id, command, meta, conn=conn)
                    if project is not None and result.events:
                        await project(conn, result)
                    body = self._body(result, render)
                    if self.key and result.events:
                        # A command that changed nothing keeps no reply: its retry changes
                        # nothing again and answers the same.
                        await conn.execute(
                            "INSERT INTO idempotency_keys (key, route, request_hash, "
                            "status_code, body) VALUES ($1, $2, $3, $4, $5)",
                            self.key, route, request_hash, status_code,
                            await self._sealed(result.events[0].student_id, body))
                break
            except (asyncpg.UniqueViolationError, ConcurrencyConflict):
                # A concurrent retry with the same key committed first: answer as it did.
                if self.key:
                    replay = await self._replay(self.runtime.pool, route, request_hash)
                    if replay is not None:
                        return replay
                if attempt == retries:
                    raise
        response = JSONResponse(body, status_code=status_code)
        response.headers[POSITION_HEADER] = str(body["position"])
        return response

    @staticmethod
    def _body(result: CommandResult[S], render: Callable[[CommandResult[S]], BaseModel]
              ) -> dict[str, Any]:
        body = render(result).model_dump(mode="json")
        body["position"] = result.last_position or 0
        return body


def commands_of(name: str) -> Any:
    get_runtime = runtime_of(name)

    def get(
        request: Request,
        runtime: Annotated[ServiceRuntime, Depends(get_runtime)],
        idempotency_key: Annotated[str | None, Header(
            alias="Idempotency-Key", max_length=200,
            description="Send the same key when retrying a POST: it will not act twice")
        ] = None,
    ) -> Commands:
        return Commands(request, runtime, idempotency_key)

    return Annotated[Commands, Depends(get)]


def create_app(runtimes: Sequence[ServiceRuntime], *, title: str = "IEP Lifecycle Platform",
               routes: bool = True) -> FastAPI:
    """One app serving the given services' routes under `/api/<service>/`; without
    `routes`, only health, readiness and metrics (what a worker serves)."""
    names = ", ".join(rt.name for rt in runtimes)
    app = FastAPI(title=title, version="0.1.0",
                  description=f"Services: {names}. Every route but /healthz, /readyz and "
                              "/metrics needs a bearer token.")
    install_conventions(app, runtimes)
    for rt in runtimes if routes else ():
        app.include_router(rt.spec.router)
        app.include_router(clock_router(rt.name))
    return app
