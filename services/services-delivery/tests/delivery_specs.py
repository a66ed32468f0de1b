"""Given/when builders for the domain tests: a plan as received, commands, a fold."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from iep_kernel.dates import Dated
from iep_kernel.events import Event
from iep_services_delivery.domain import commands as c
from iep_services_delivery.domain.decider import delivery
from iep_services_delivery.domain.rules import DeliveryRules
from iep_services_delivery.domain.state import Delivery
from iep_services_delivery.domain.values import (
    Frequency,
    Guardian,
    MissedCause,
    PlanChange,
    PlanGoal,
    PlannedService,
    SessionOutcome,
)

RULES = DeliveryRules()
STUDENT = "S-1"
SPEECH = PlannedService(service="speech_language_pathology",
                        provider_role="speech-language pathologist", minutes=30,
                        frequency=Frequency.WEEKLY, location="speech room",
                        starts_on=date(2026, 5, 18), ends_on=date(2027, 5, 9))
READING = PlannedService(service="specially_designed_instruction",
                         provider_role="special education teacher", minutes=45,
                         frequency=Frequency.DAILY, location="resource room",
                         starts_on=date(2026, 5, 18), ends_on=date(2027, 5, 9))
GOAL = PlanGoal(goal_id="g1", area="reading", statement="Read grade-level text fluently",
                baseline="40 words a minute", target="90 words a minute",
                measured_by="weekly fluency probes", progress_reports="quarterly")


def plan(services: Sequence[PlannedService] = (SPEECH,), *, version: int = 1,
         change: PlanChange = PlanChange.WRITTEN, dated_on: date = date(2026, 5, 10),
         consent_required: bool = True, plan_id: str = "plan-1",
         goals: Sequence[PlanGoal] = (GOAL,), rules: DeliveryRules = RULES) -> c.ReceivePlan:
    return c.ReceivePlan(
        student_id=STUDENT, case_id="case-1", school_id="sch-1", plan_id=plan_id,
        version=version, change=change, dated_on=dated_on,
        review_due_on=date(2027, 5, 10) if change is PlanChange.WRITTEN else None,
        consent_required=consent_required, services=tuple(services), goals=tuple(goals),
        guardians=(Guardian(guardian_id="g-1", language="es"),), rules=rules)


def consent(signed_on: date = date(2026, 5, 12), plan_id: str = "plan-1") -> c.GiveConsent:
    return c.GiveConsent(plan_id=plan_id, version=1, signed_on=signed_on, rules=RULES)


def on(day: date, today: date | None = None, reason: str | None = None) -> Dated:
    """An act on `day`, recorded on `today` (by default the same day)."""
    return Dated(day, today or day, reason)


def log(schedule_id: str, day: date, outcome: SessionOutcome = SessionOutcome.DELIVERED, *,
        minutes: int | None = None, cause: MissedCause | None = None,
        correction: str | None = None, today: date | None = None,
        reason: str | None = None, rules: DeliveryRules = RULES) -> c.LogSession:
    return c.LogSession(schedule_id=schedule_id, dated=on(day, today, reason),
                        outcome=outcome, minutes=minutes, cause=cause,
                        note="worked on /r/ sounds", correction_reason=correction, rules=rules)


class Given:
    """A student's history built by running commands, as the service would."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    @property
    def state(self) -> Delivery:
        return delivery.fold(self.events)

    def run(self, *commands: Any) -> list[Event]:
        new: list[Event] = []
        for command in commands:
            decided = list(delivery.decide(command, self.state))
            self.events += decided
            new += decided
        return new

    def of_type(self, name: str) -> list[Any]:
        return [e for e in self.events if type(e).__name__ == name]

    def schedule_id(self, service: str = "speech_language_pathology") -> str:
        return next(s.schedule_id for s in self.state.schedules.values()
                    if s.scheduled.service == service and s.ended_on is None)


def consented(*services: PlannedService) -> Given:
    given = Given()
    given.run(plan(services or (SPEECH,)), consent())
    return given
