"""The permission table: every route of every service, the action it performs, and the roles
allowed. Routes declare it with `permit`; this module reads it back from the app, so the
table the README shows and the test that tries every role on every route are the code's own.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from iep_kernel.auth import ROLES
from iep_kernel.service import ServiceSpec


@dataclass(frozen=True)
class RoutePermission:
    method: str
    path: str
    action: str
    roles: frozenset[str]


def _api_routes(app: FastAPI) -> list[tuple[str, set[str], APIRoute]]:
    """Every API route with its full path, through included routers."""
    return [(str(ctx.path), set(ctx.methods or ()), ctx.original_route)
            for ctx in iter_route_contexts(app.routes)
            if isinstance(ctx.original_route, APIRoute)]


def route_permissions(app: FastAPI) -> list[RoutePermission]:
    rows = []
    for path, methods, route in _api_routes(app):
        for dependency in route.dependant.dependencies:
            call = dependency.call
            allowed = getattr(call, "allowed_roles", None)
            if allowed is None:
                continue
            rows += [RoutePermission(m, path, getattr(call, "action", ""), allowed)
                     for m in sorted(methods)]
    return sorted(rows, key=lambda r: (r.path, r.method))


def unguarded_routes(app: FastAPI, public: frozenset[str] = frozenset(
        {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/redoc",
         "/docs/oauth2-redirect"})) -> list[str]:
    """Routes with no permission check (only health, metrics, docs and routes marked
    public, such as the district date, may be)."""
    guarded = {(r.method, r.path) for r in route_permissions(app)}
    missing = []
    for path, methods, route in _api_routes(app):
        if path not in public and not (route.openapi_extra or {}).get("x-iep-public"):
            missing += [f"{m} {path}" for m in methods if (m, path) not in guarded]
    return sorted(missing)


def table_of(specs: Sequence[ServiceSpec]) -> list[RoutePermission]:
    """The permission table of the given services, read from their routers."""
    app = FastAPI()
    for spec in specs:
        app.include_router(spec.router)
    return route_permissions(app)


def render_markdown(rows: list[RoutePermission]) -> str:
    header = "| route | action | " + " | ".join(r.replace("_", " ") for r in ROLES) + " |"
    rule = "|---|---|" + "---|" * len(ROLES)
    lines = [header, rule]
    for row in rows:
        marks = " | ".join("yes" if role in row.roles else "" for role in ROLES)
        lines.append(f"| `{row.method} {row.path}` | {row.action.replace('_', ' ')} | "
                     f"{marks} |")
    return "\n".join(lines)
