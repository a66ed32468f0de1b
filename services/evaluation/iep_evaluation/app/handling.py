"""Command handling for the API: loading, scope, rendering, and the effects of a command."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from iep_kernel.auth import Principal
from iep_kernel.decider import CommandHandler, CommandResult, NotFound
from iep_kernel.runtime import ServiceRuntime

from iep_evaluation.app import deadlines, queries
from iep_evaluation.app.context import rules_of, stream_of, today
from iep_evaluation.app.views import (
    EvaluationSummary,
    EvaluationView,
    evaluation_view,
    summary_view,
)
from iep_evaluation.domain.commands import Command
from iep_evaluation.domain.decider import NO_SUCH_EVALUATION, Evaluation, evaluation


def handler(runtime: ServiceRuntime) -> CommandHandler[Evaluation, Command]:
    return CommandHandler(runtime.store, evaluation)


async def readable(runtime: ServiceRuntime, principal: Principal, evaluation_id: str
                   ) -> queries.EvaluationRow:
    """The evaluation, if `principal` may see it; else 404, so existence does not leak."""
    row = await queries.evaluation_row(runtime.pool, evaluation_id)
    if row is None or not row.readable_by(principal):
        raise NotFound(NO_SUCH_EVALUATION)
    return row


async def load(runtime: ServiceRuntime, evaluation_id: str) -> Evaluation:
    state, _ = await handler(runtime).load(stream_of(evaluation_id))
    if state.opened is None:
        raise NotFound(NO_SUCH_EVALUATION)
    return state


def view(runtime: ServiceRuntime, state: Evaluation) -> EvaluationView:
    return evaluation_view(state, today(runtime), rules_of(runtime))


def renderer(runtime: ServiceRuntime
             ) -> Callable[[CommandResult[Evaluation]], EvaluationSummary]:
    """A command answers with the evaluation's summary: no personal data, since the answer
    is kept for idempotent replay and a command is not a read of the record."""
    on, district = today(runtime), rules_of(runtime)
    return lambda result: summary_view(queries.row_of(result.state), on, district)


async def project(conn: asyncpg.Connection, result: CommandResult[Evaluation]) -> None:
    """Effects in the command's transaction: the query row, and the deadlines' timers."""
    await queries.project(conn, result)
    if result.state.eligibility is not None and result.state.opened is not None:
        # Determined: the deadline timers have nothing left to say.
        await deadlines.cancel(conn, result.state.opened.evaluation_id)
