"""The registry of commands: each command type and the function that decides it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from iep_kernel.decider import Decider
from iep_kernel.events import Event

from iep_services_delivery.domain import commands as c
from iep_services_delivery.domain import progress, schedules, sessions
from iep_services_delivery.domain.state import Delivery, evolve, initial

DECISIONS: dict[type, Callable[[Any, Delivery], list[Event]]] = {
    c.ReceivePlan: schedules.receive_plan,
    c.GiveConsent: schedules.give_consent,
    c.StopServices: schedules.stop_services,
    c.EndSchedule: schedules.end_schedule,
    c.LogSession: sessions.log_session,
    c.DeliverCompensatory: sessions.deliver_compensatory,
    c.ClosePeriod: sessions.close_period,
    c.ObserveProgress: progress.observe_progress,
    c.RaiseReportDue: progress.raise_report_due,
    c.IssueReport: progress.issue_report,
    c.RaiseReportOverdue: progress.raise_report_overdue,
}


def decide(command: c.Command, state: Delivery) -> Sequence[Event]:
    return DECISIONS[type(command)](command, state)


delivery: Decider[Delivery, c.Command] = Decider(initial, evolve, decide)
