"""What can be asked of a student's services, in the imperative. The process manager sends
the plan's commands, providers the sessions and observations, staff the reports, timers
the deadlines. Each carries the district's rules where a rule needs them, and each act
recorded by a person its `Dated`: the day it happened, the district's today, and the reason
for a late entry, so that the law's order of dates is decided here, without a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from iep_kernel.dates import Dated

from iep_services_delivery.domain.rules import DeliveryRules
from iep_services_delivery.domain.values import (
    EndReason,
    Guardian,
    MissedCause,
    PlanChange,
    PlanGoal,
    PlannedService,
    SessionOutcome,
)


@dataclass(frozen=True)
class ReceivePlan:
    """A plan written or amended by the planning service."""

    student_id: str
    case_id: str
    school_id: str
    plan_id: str
    version: int
    change: PlanChange
    dated_on: date
    review_due_on: date | None  # None for an amendment: the plan's year does not change
    consent_required: bool
    services: tuple[PlannedService, ...]
    goals: tuple[PlanGoal, ...]
    guardians: tuple[Guardian, ...]
    rules: DeliveryRules


@dataclass(frozen=True)
class GiveConsent:
    """A guardian consented to the plan's services (300.300(b))."""

    plan_id: str
    version: int
    signed_on: date
    rules: DeliveryRules


@dataclass(frozen=True)
class StopServices:
    """Prior written notice after a revocation: services stop on `stop_on`."""

    stop_on: date
    reason: EndReason


@dataclass(frozen=True)
class EndSchedule:
    """A schedule's planned end date passed (a timer)."""

    schedule_id: str


@dataclass(frozen=True)
class LogSession:
    schedule_id: str
    dated: Dated  # the session's day
    outcome: SessionOutcome
    minutes: int | None  # None: the session's scheduled minutes
    cause: MissedCause | None
    note: str
    correction_reason: str | None  # given: this log corrects the one already there
    rules: DeliveryRules

    @property
    def session_on(self) -> date:
        return self.dated.occurred_on


@dataclass(frozen=True)
class DeliverCompensatory:
    compensatory_id: str
    schedule_id: str
    dated: Dated  # the day the minutes were made up
    minutes: int
    note: str

    @property
    def delivered_on(self) -> date:
        return self.dated.occurred_on


@dataclass(frozen=True)
class ClosePeriod:
    """A schedule's period ended (a timer): compare delivered with required."""

    schedule_id: str
    period_starts_on: date
    rules: DeliveryRules


@dataclass(frozen=True)
class ObserveProgress:
    observation_id: str
    goal_id: str
    dated: Dated  # the day of the measurement
    value: float
    note: str

    @property
    def observed_on(self) -> date:
        return self.dated.occurred_on


@dataclass(frozen=True)
class RaiseReportDue:
    due_on: date


@dataclass(frozen=True)
class IssueReport:
    report_id: str | None  # None: the earliest report due and not yet issued
    dated: Dated  # the day the report went to the parents


@dataclass(frozen=True)
class RaiseReportOverdue:
    report_id: str


Command = (ReceivePlan | GiveConsent | StopServices | EndSchedule | LogSession
           | DeliverCompensatory | ClosePeriod | ObserveProgress | RaiseReportDue
           | IssueReport | RaiseReportOverdue)
