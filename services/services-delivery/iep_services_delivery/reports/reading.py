"""The published report read back leniently: a later field added to the event is ignored,
a destroyed personal field (`"[destroyed]"`) is shown as it is."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict


class _Reading(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class MeasurementRead(_Reading):
    observed_on: date
    value: float


class GoalRead(_Reading):
    goal_id: str
    area: str = ""
    statement: Any = ""
    baseline: Any = ""
    target: Any = ""
    measured_by: Any = ""
    target_value: float | None = None
    latest_value: float | None = None
    observations: list[MeasurementRead] = []
    status: str = ""


class ServiceRead(_Reading):
    service: str
    minutes_required: int = 0
    minutes_delivered: int = 0
    minutes_missed: int = 0
    compensatory_owed: int = 0


class ReportRead(_Reading):
    report_id: str
    student_id: str = ""
    due_on: date
    issued_on: date
    period_starts_on: date
    period_ends_on: date
    goals: list[GoalRead] = []
    services: list[ServiceRead] = []
