"""Command handling for the API: scope, loading, rendering, and a command's effects in its
own transaction (the report rows, the timers)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
from iep_kernel.auth import Principal
from iep_kernel.decider import CommandHandler, CommandResult, NotFound
from iep_kernel.runtime import ServiceRuntime

from iep_services_delivery.app import queries, timers
from iep_services_delivery.app.context import rules_of, stream_of, today
from iep_services_delivery.app.views import DeliveryView, delivery_view
from iep_services_delivery.domain.commands import Command
from iep_services_delivery.domain.decider import delivery
from iep_services_delivery.domain.state import NO_SUCH_STUDENT, Delivery

PREFIX = "/api/services-delivery"


def handler(runtime: ServiceRuntime) -> CommandHandler[Delivery, Command]:
    return CommandHandler(runtime.store, delivery)


async def readable(runtime: ServiceRuntime, principal: Principal, student_id: str
                   ) -> queries.Student:
    """The student, if `principal` may see their services; else 404, so nothing leaks."""
    found = await queries.student(runtime.pool, student_id)
    if found is None or not found.readable_by(principal):
        raise NotFound(NO_SUCH_STUDENT)
    return found


async def load(runtime: ServiceRuntime, student_id: str) -> Delivery:
    state, _ = await handler(runtime).load(stream_of(student_id))
    return state


def view(runtime: ServiceRuntime, state: Delivery, student_id: str) -> DeliveryView:
    return delivery_view(state, student_id, today(runtime), PREFIX)


def renderer(runtime: ServiceRuntime, student_id: str
             ) -> Callable[[CommandResult[Delivery]], DeliveryView]:
    return lambda result: view(runtime, result.state, student_id)


def projector(runtime: ServiceRuntime
              ) -> Callable[[asyncpg.Connection, CommandResult[Delivery]], Awaitable[None]]:
    async def project(conn: asyncpg.Connection, result: CommandResult[Delivery]) -> None:
        await queries.project(conn, result)
        await timers.follow(conn, result, rules_of(runtime))

    return project
