"""Command handling for the API: scope, loading, rendering, and a command's effects in its
own transaction (the query row, the deadline timers)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
from iep_kernel.auth import Principal
from iep_kernel.decider import CommandHandler, CommandResult, NotFound
from iep_kernel.runtime import ServiceRuntime

from iep_planning.app import deadlines, queries
from iep_planning.app.context import rules_of, stream_of, today
from iep_planning.app.views import CaseView, case_view
from iep_planning.domain.commands import Command
from iep_planning.domain.decider import planning
from iep_planning.domain.state import NO_SUCH_CASE, Case


def handler(runtime: ServiceRuntime) -> CommandHandler[Case, Command]:
    return CommandHandler(runtime.store, planning)


async def readable(runtime: ServiceRuntime, principal: Principal, case_id: str
                   ) -> queries.CaseRow:
    """The case, if `principal` may see it; else 404, so its existence does not leak."""
    row = await queries.case_row(runtime.pool, case_id)
    if row is None or not row.readable_by(principal):
        raise NotFound(NO_SUCH_CASE)
    return row


async def load(runtime: ServiceRuntime, case_id: str) -> Case:
    state, _ = await handler(runtime).load(stream_of(case_id))
    if state.opened is None:
        raise NotFound(NO_SUCH_CASE)
    return state


def view(runtime: ServiceRuntime, state: Case) -> CaseView:
    return case_view(state, today(runtime))


def renderer(runtime: ServiceRuntime) -> Callable[[CommandResult[Case]], CaseView]:
    return lambda result: view(runtime, result.state)


def projector(runtime: ServiceRuntime
              ) -> Callable[[asyncpg.Connection, CommandResult[Case]], Awaitable[None]]:
    """Effects in the command's transaction: the case's row, and its timers."""

    async def project(conn: asyncpg.Connection, result: CommandResult[Case]) -> None:
        await queries.project(conn, result)
        await deadlines.follow(conn, result, rules_of(runtime))

    return project
