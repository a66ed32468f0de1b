"""What the API answers: a student's services as staff and parents read them — the plan in
effect, each schedule with its compliance by period, the sessions as they count, goals
with their observations, and progress reports."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from iep_services_delivery.domain.minutes import period_minutes
from iep_services_delivery.domain.state import Delivery, Schedule
from iep_services_delivery.domain.values import (
    EndReason,
    Frequency,
    GoalStatus,
    MissedCause,
    Period,
    SessionOutcome,
)


class PlanView(BaseModel):
    plan_id: str
    version: int
    effective_on: date
    review_due_on: date
    report_dates: list[date]


class PeriodView(BaseModel):
    starts_on: date
    ends_on: date
    sessions_required: int
    minutes_required: int
    minutes_delivered: int
    minutes_missed: int
    missed_by_cause: dict[str, int]
    minutes_owed: int
    under_delivered: bool


class ScheduleView(BaseModel):
    schedule_id: str
    plan_id: str
    version: int
    service: str
    provider_role: str
    frequency: Frequency
    minutes_per_session: int
    sessions_per_period: int
    period: Period
    location: str
    starts_on: date
    ends_on: date
    ended_on: date | None
    end_reason: EndReason | None
    in_force: bool
    minutes_required: int  # through today
    minutes_delivered: int
    minutes_missed: int
    missed_by_cause: dict[str, int]
    compensatory_owed: int  # the balance still owed
    compensatory_delivered: int
    periods: list[PeriodView]


class SessionView(BaseModel):
    session_id: str
    schedule_id: str
    session_on: date
    outcome: SessionOutcome
    minutes: int
    cause: MissedCause | None
    district_fault: bool
    note: str
    corrections: int


class ObservationView(BaseModel):
    observation_id: str
    observed_on: date
    value: float
    note: str


class GoalView(BaseModel):
    goal_id: str
    area: str
    statement: str
    baseline: str
    target: str
    measured_by: str
    observations: list[ObservationView]


class ReportView(BaseModel):
    report_id: str
    due_on: date
    period_starts_on: date
    issued_on: date | None
    overdue: bool
    late: bool | None
    statuses: dict[str, GoalStatus]  # by goal id, once issued
    pdf: str | None  # where the issued report's PDF is


class DeliveryView(BaseModel):
    student_id: str
    case_id: str | None
    school_id: str | None
    plan_in_effect: PlanView | None
    awaiting_consent: bool
    stopped_on: date | None
    schedules: list[ScheduleView]
    sessions: list[SessionView]
    goals: list[GoalView]
    reports: list[ReportView]


def _schedule(state: Delivery, schedule: Schedule, today: date) -> ScheduleView:
    s = schedule.scheduled
    sessions = state.sessions_of(s.schedule_id)
    rows = period_minutes(schedule.cadence, sessions.values(),
                          window=(s.starts_on, today))
    by_cause: dict[str, int] = {}
    for row in rows:
        for cause, minutes in row.missed_by_cause.items():
            by_cause[cause] = by_cause.get(cause, 0) + minutes
    return ScheduleView(
        schedule_id=s.schedule_id, plan_id=s.plan_id, version=s.version, service=s.service,
        provider_role=s.provider_role, frequency=s.frequency,
        minutes_per_session=s.minutes_per_session, sessions_per_period=s.sessions_per_period,
        period=s.period, location=s.location, starts_on=s.starts_on, ends_on=s.ends_on,
        ended_on=schedule.ended_on, end_reason=schedule.end_reason,
        in_force=schedule.in_force(today),
        minutes_required=sum(r.minutes_required for r in rows),
        minutes_delivered=sum(r.minutes_delivered for r in rows),
        minutes_missed=sum(r.minutes_missed for r in rows), missed_by_cause=by_cause,
        compensatory_owed=state.owed.get(s.schedule_id, 0),
        compensatory_delivered=sum(c.minutes for c in state.compensatory
                                   if c.schedule_id == s.schedule_id),
        periods=[PeriodView(
            starts_on=r.starts_on, ends_on=r.ends_on, sessions_required=r.sessions_required,
            minutes_required=r.minutes_required, minutes_delivered=r.minutes_delivered,
            minutes_missed=r.minutes_missed, missed_by_cause=r.missed_by_cause,
            minutes_owed=r.minutes_owed,
            under_delivered=(s.schedule_id, r.starts_on) in state.under_delivered)
            for r in rows])


def delivery_view(state: Delivery, student_id: str, today: date, prefix: str) -> DeliveryView:
    effect, plan = state.in_effect, state.plan
    goals = plan.goals if plan else ()
    return DeliveryView(
        student_id=student_id, case_id=state.case_id, school_id=state.school_id,
        plan_in_effect=PlanView(plan_id=effect.plan_id, version=effect.version,
                                effective_on=effect.effective_on,
                                review_due_on=effect.review_due_on,
                                report_dates=list(effect.report_dates)) if effect else None,
        awaiting_consent=state.latest is not None and state.latest.consent_required
        and effect is None,
        stopped_on=state.stopped.stopped_on if state.stopped else None,
        schedules=[_schedule(state, s, today) for s in state.schedules.values()],
        sessions=[SessionView(session_id=x.session_id, schedule_id=x.schedule_id,
                              session_on=x.session_on, outcome=x.outcome, minutes=x.minutes,
                              cause=x.cause, district_fault=x.district_fault, note=x.note,
                              corrections=x.corrections)
                  for by_day in state.sessions.values()
                  for x in sorted(by_day.values(), key=lambda x: x.session_on)],
        goals=[GoalView(goal_id=g.goal_id, area=g.area, statement=g.statement,
                        baseline=g.baseline, target=g.target, measured_by=g.measured_by,
                        observations=[ObservationView(observation_id=o.observation_id,
                                                      observed_on=o.observed_on,
                                                      value=o.value, note=o.note)
                                      for o in state.observations
                                      if plan and o.plan_id == plan.plan_id
                                      and o.goal_id == g.goal_id])
               for g in goals],
        reports=[ReportView(
            report_id=r.due.report_id, due_on=r.due.due_on,
            period_starts_on=r.due.period_starts_on,
            issued_on=r.issued.issued_on if r.issued else None, overdue=r.overdue,
            late=r.issued.late if r.issued else None,
            statuses={g.goal_id: g.status for g in r.issued.goals} if r.issued else {},
            pdf=f"{prefix}/progress-reports/{r.due.report_id}.pdf" if r.issued else None)
            for r in sorted(state.reports.values(), key=lambda r: r.due.due_on)])
