"""The parts that services-delivery events are made of.

Immutable values, strict about unknown fields. Free text about the child (goal wording,
session notes) is personal (`PII`): sealed with the student's key at rest and on the topic.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from iep_kernel.events import PII
from pydantic import BaseModel, ConfigDict


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Period(StrEnum):
    """The span a schedule's sessions are counted over (and compliance is checked on)."""

    WEEK = "week"  # Monday to Sunday
    MONTH = "month"  # a calendar month


class EndReason(StrEnum):
    PLAN_AMENDED = "plan_amended"  # the amendment changed this service from its date
    PLAN_REPLACED = "plan_replaced"  # a newly written plan (annual review) took over
    CONSENT_REVOKED = "consent_revoked"  # 300.300(b)(4), after prior written notice
    SCHEDULE_ENDED = "schedule_ended"  # the service's end date in the plan passed


class MissedCause(StrEnum):
    """Who caused a missed session; the district's causes are owed back (rules.py)."""

    STUDENT_ABSENT = "student_absent"
    PROVIDER_ABSENT = "provider_absent"
    SCHOOL_CLOSURE = "school_closure"
    OTHER = "other"


class SessionOutcome(StrEnum):
    DELIVERED = "delivered"
    MISSED = "missed"


class GoalStatus(StrEnum):
    """A goal's progress at a report (the rule is `progress.goal_status`)."""

    MET = "met"
    ON_TRACK = "on_track"
    SOME_PROGRESS = "some_progress"
    NOT_ON_TRACK = "not_on_track"


class Guardian(Value):
    guardian_id: str
    language: str  # the language the guardian's reports are written in ("en", "es", ...)


class Frequency(StrEnum):
    """How often a plan's service happens (planning's `Frequency`)."""

    DAILY = "daily"  # every school day: five sessions a week
    WEEKLY = "weekly"  # one session a week
    MONTHLY = "monthly"  # one session a month


class PlannedService(Value):
    """A service as the plan writes it (300.320(a)(7)); `minutes` is per session."""

    service: str
    provider_role: str
    minutes: int
    frequency: Frequency
    location: str
    starts_on: date
    ends_on: date


class PlanGoal(Value):
    """A measurable annual goal of the plan (300.320(a)(2)-(3)), numbered by its place."""

    goal_id: str  # "g1", "g2", ...
    area: str
    statement: Annotated[str, PII]
    baseline: Annotated[str, PII]
    target: Annotated[str, PII]
    measured_by: Annotated[str, PII]
    progress_reports: str  # monthly, quarterly, with_report_cards, twice_a_year


class PlanChange(StrEnum):
    WRITTEN = "written"  # a new plan (the first, or at an annual review)
    AMENDED = "amended"  # an amendment between reviews (300.324(a)(4), (6))


class Measurement(Value):
    """One progress observation as a report shows it (the note stays in the log)."""

    observed_on: date
    value: float


class GoalProgress(Value):
    """One goal in a progress report: what the plan says, what was measured, the status."""

    goal_id: str  # "g1", "g2", ...: the goal's place in the plan in effect
    area: str
    statement: Annotated[str, PII]
    baseline: Annotated[str, PII]
    target: Annotated[str, PII]
    measured_by: Annotated[str, PII]
    baseline_value: float | None  # the first number in `baseline`, if any
    target_value: float | None  # the first number in `target`, if any
    latest_value: float | None
    observations: tuple[Measurement, ...]
    status: GoalStatus


class ServiceCompliance(Value):
    """A service's minutes over a report's period, as the report shows them."""

    schedule_id: str
    service: str
    minutes_required: int
    minutes_delivered: int
    minutes_missed: int
    compensatory_owed: int  # balance still owed at the report's date
