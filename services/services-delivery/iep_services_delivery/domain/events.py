"""What happens to a student's services, in the past tense: the facts this service
publishes on `iep.services-delivery.events`.

The field names are a published contract (the views, audit and notifications services read
them): fields may be added, never renamed or dropped. Every event names its student (the
district id); personal fields are marked `PII`. All of a student's events are in one
stream, `delivery-<student_id>`.

Events recording an act of a person (a session given or missed, compensatory minutes made
up, a measurement, a report issued) are `Act`s: they carry `occurred_on`, the day it
happened as the person recording it said, and `late_entry_reason` for an entry recorded
long after; the envelope's `recorded_at` says when it was recorded. They keep their own
date fields too (`session_on`, `observed_on`, ...), the same day.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from iep_kernel.events import PII, Act, Event, EventRegistry

from iep_services_delivery.domain.values import (
    EndReason,
    Frequency,
    GoalProgress,
    Guardian,
    MissedCause,
    Period,
    PlanChange,
    PlanGoal,
    PlannedService,
    ServiceCompliance,
    SessionOutcome,
)

registry = EventRegistry("services-delivery")


# -- the plan ----------------------------------------------------------------------------


@registry.register
class PlanReceived(Event):
    """The planning service wrote or amended the student's plan: what services delivery
    needs of it (services, goals, reporting schedule, guardians). It governs services only
    once it takes effect (`PlanTookEffect`)."""

    case_id: str
    school_id: str
    plan_id: str
    version: int
    change: PlanChange
    dated_on: date  # the day the plan was written or amended
    review_due_on: date  # 300.324(b)(1)(i): the plan's year ends at its annual review
    consent_required: bool  # 300.300(b): the first plan waits for the parent's consent
    services: tuple[PlannedService, ...]
    goals: tuple[PlanGoal, ...]
    guardians: tuple[Guardian, ...]


@registry.register
class PlanTookEffect(Event):
    """A received plan governs services from `effective_on` (consent given, or a later plan
    or amendment of a consented plan); its progress reports fall due on `report_dates`."""

    plan_id: str
    version: int
    effective_on: date
    review_due_on: date
    report_dates: tuple[date, ...]  # 300.320(a)(3)(ii): when progress goes to the parents


@registry.register
class ServicesStopped(Event):
    """All services stopped: consent revoked, after prior written notice (300.300(b)(4))."""

    school_id: str
    stopped_on: date  # the first day without services
    reason: EndReason


# -- schedules ---------------------------------------------------------------------------


@registry.register
class ServiceScheduled(Event):
    """A service of a plan in effect, with the parent's consent, became a schedule
    (300.320(a)(7): start date, frequency, location and duration)."""

    schedule_id: str
    school_id: str
    case_id: str
    plan_id: str
    version: int  # the plan version the schedule comes from
    service: str  # 300.39 / 300.34 service type, e.g. "speech_language_pathology"
    provider_role: str
    frequency: Frequency  # as the plan writes it
    minutes_per_session: int
    sessions_per_period: int
    period: Period  # "week" or "month"
    location: str
    starts_on: date
    ends_on: date


@registry.register
class ServiceEnded(Event):
    """A schedule stopped before (or on) its planned end; `ended_on` is its last day."""

    schedule_id: str
    school_id: str
    service: str
    ended_on: date
    reason: EndReason
    plan_id: str | None  # the plan (amended or newly written) that ended it, if any
    version: int | None


# -- sessions ----------------------------------------------------------------------------


@registry.register
class SessionDelivered(Act):
    session_id: str
    schedule_id: str
    service: str
    school_id: str
    session_on: date
    minutes: int  # minutes delivered, at most the session's scheduled minutes
    note: Annotated[str, PII]


@registry.register
class SessionMissed(Act):
    session_id: str
    schedule_id: str
    service: str
    school_id: str
    session_on: date
    minutes: int  # the scheduled minutes that were not delivered
    cause: MissedCause
    district_fault: bool  # owed back as compensatory services (rules.DISTRICT_CAUSES)
    note: Annotated[str, PII]


@registry.register
class SessionCorrected(Act):
    """A provider corrected a logged session; the original event stays in the log, this
    one replaces it in every count."""

    session_id: str  # the corrected session (the same id as the original)
    schedule_id: str
    service: str
    school_id: str
    session_on: date
    outcome: SessionOutcome
    minutes: int
    cause: MissedCause | None  # for a missed session
    district_fault: bool
    note: Annotated[str, PII]
    reason: Annotated[str, PII]  # why the log was corrected


# -- compensatory services ---------------------------------------------------------------


@registry.register
class CompensatoryMinutesOwed(Event):
    """Minutes missed through the district's fault are owed back."""

    schedule_id: str
    service: str
    school_id: str
    session_id: str
    session_on: date
    minutes: int
    cause: MissedCause
    owed_total: int  # the service's balance owed after this event


@registry.register
class CompensatoryMinutesCancelled(Event):
    """A correction took back minutes owed (the session was delivered after all, or missed
    for a cause that is not the district's)."""

    schedule_id: str
    service: str
    school_id: str
    session_id: str
    session_on: date
    minutes: int
    owed_total: int


@registry.register
class CompensatoryMinutesDelivered(Act):
    compensatory_id: str
    schedule_id: str
    service: str
    school_id: str
    delivered_on: date
    minutes: int
    owed_total: int  # the balance still owed after this delivery
    note: Annotated[str, PII]


# -- compliance --------------------------------------------------------------------------


@registry.register
class ServiceUnderDelivered(Event):
    """A closed period delivered less than the threshold share of its required minutes."""

    schedule_id: str
    service: str
    school_id: str
    period_starts_on: date
    period_ends_on: date
    minutes_required: int
    minutes_delivered: int
    minutes_missed: int
    shortfall: int  # required minus delivered
    threshold_percent: int  # the delivered share below which a period is under-delivered


# -- goal progress and progress reports ----------------------------------------------------


@registry.register
class GoalProgressObserved(Act):
    """A provider measured progress on one of the plan's goals."""

    observation_id: str
    school_id: str
    plan_id: str
    version: int
    goal_id: str  # "g1", "g2", ...: the goal's place in the plan in effect
    observed_on: date
    value: float
    note: Annotated[str, PII]


@registry.register
class ProgressReportDue(Event):
    """A reporting date of the plan came (300.320(a)(3)(ii)): a report is due to the
    parents."""

    report_id: str
    school_id: str
    plan_id: str
    version: int
    due_on: date
    period_starts_on: date
    guardian_ids: tuple[str, ...]


@registry.register
class ProgressReportIssued(Act):
    """A progress report went to the parents: each goal's baseline, target, measurements
    and status, and the minutes of each service over the report's period."""

    report_id: str
    school_id: str
    case_id: str
    plan_id: str
    version: int
    due_on: date
    issued_on: date
    period_starts_on: date
    period_ends_on: date
    goals: tuple[GoalProgress, ...]
    services: tuple[ServiceCompliance, ...]
    guardians: tuple[Guardian, ...]  # each guardian gets it in their language
    late: bool  # issued after its due date


@registry.register
class ProgressReportOverdue(Event):
    report_id: str
    school_id: str
    plan_id: str
    version: int
    due_on: date
