"""A student's services as a fold over this service's events: the plans received and the
one in effect, the schedules, the sessions as they count, compensatory minutes, goal
observations and progress reports.

`evolve` updates the state it is given and returns it (a fold's accumulator: `Decider.fold`
always starts from a fresh `initial()`), which keeps a year of sessions cheap to fold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from iep_kernel.decider import NotFound
from iep_kernel.events import Event

from iep_services_delivery.domain.events import (
    CompensatoryMinutesCancelled,
    CompensatoryMinutesDelivered,
    CompensatoryMinutesOwed,
    GoalProgressObserved,
    PlanReceived,
    PlanTookEffect,
    ProgressReportDue,
    ProgressReportIssued,
    ProgressReportOverdue,
    ServiceEnded,
    ServiceScheduled,
    ServicesStopped,
    ServiceUnderDelivered,
    SessionCorrected,
    SessionDelivered,
    SessionMissed,
)
from iep_services_delivery.domain.minutes import Cadence
from iep_services_delivery.domain.values import EndReason, MissedCause, SessionOutcome

NO_SUCH_STUDENT = "No services are recorded for this student."


@dataclass
class Schedule:
    scheduled: ServiceScheduled
    ended_on: date | None = None
    end_reason: EndReason | None = None

    @property
    def schedule_id(self) -> str:
        return self.scheduled.schedule_id

    @property
    def last_day(self) -> date:
        """The last day the schedule is in force."""
        planned = self.scheduled.ends_on
        return planned if self.ended_on is None else min(planned, self.ended_on)

    @property
    def cadence(self) -> Cadence:
        s = self.scheduled
        return Cadence(s.minutes_per_session, s.sessions_per_period, s.period, s.starts_on,
                       self.last_day)

    def in_force(self, day: date) -> bool:
        return self.scheduled.starts_on <= day <= self.last_day


@dataclass
class Session:
    session_id: str
    schedule_id: str
    session_on: date
    outcome: SessionOutcome
    minutes: int
    cause: MissedCause | None
    district_fault: bool
    note: str
    corrections: int = 0

    @property
    def delivered(self) -> int:
        return self.minutes if self.outcome is SessionOutcome.DELIVERED else 0

    @property
    def missed(self) -> int:
        return 0 if self.outcome is SessionOutcome.DELIVERED else self.minutes

    @property
    def owed(self) -> int:
        return self.minutes if self.outcome is SessionOutcome.MISSED and self.district_fault \
            else 0


@dataclass
class Report:
    due: ProgressReportDue
    issued: ProgressReportIssued | None = None
    overdue: bool = False


@dataclass
class Delivery:
    student_id: str | None = None
    case_id: str | None = None
    school_id: str | None = None
    received: dict[tuple[str, int], PlanReceived] = field(default_factory=dict)
    latest: PlanReceived | None = None
    in_effect: PlanTookEffect | None = None
    cycle_starts_on: date | None = None  # the current plan's first day in effect
    schedules: dict[str, Schedule] = field(default_factory=dict)
    sessions: dict[str, dict[date, Session]] = field(default_factory=dict)  # by schedule
    owed: dict[str, int] = field(default_factory=dict)  # balance by schedule
    compensatory: list[CompensatoryMinutesDelivered] = field(default_factory=list)
    under_delivered: set[tuple[str, date]] = field(default_factory=set)
    observations: list[GoalProgressObserved] = field(default_factory=list)
    reports: dict[str, Report] = field(default_factory=dict)
    stopped: ServicesStopped | None = None

    @property
    def plan(self) -> PlanReceived | None:
        """The plan in effect, as received."""
        if self.in_effect is None:
            return None
        return self.received[(self.in_effect.plan_id, self.in_effect.version)]

    def schedule(self, schedule_id: str) -> Schedule:
        found = self.schedules.get(schedule_id)
        if found is None:
            raise NotFound(f"No service schedule {schedule_id} is recorded for this student.")
        return found

    def sessions_of(self, schedule_id: str) -> dict[date, Session]:
        return self.sessions.get(schedule_id, {})


def initial() -> Delivery:
    return Delivery()


def evolve(state: Delivery, event: Event) -> Delivery:
    state.student_id = event.student_id
    match event:
        case PlanReceived():
            state.case_id, state.school_id = event.case_id, event.school_id
            state.received[(event.plan_id, event.version)] = event
            state.latest = event
        case PlanTookEffect():
            same_plan = state.in_effect is not None and \
                state.in_effect.plan_id == event.plan_id
            if not same_plan:
                state.cycle_starts_on = event.effective_on
            state.in_effect = event
            state.stopped = None
        case ServiceScheduled():
            state.schedules[event.schedule_id] = Schedule(event)
        case ServiceEnded():
            ended = state.schedules[event.schedule_id]
            ended.ended_on, ended.end_reason = event.ended_on, event.reason
        case ServicesStopped():
            state.stopped = event
        case SessionDelivered() | SessionMissed() | SessionCorrected():
            _log(state, event)
        case CompensatoryMinutesOwed() | CompensatoryMinutesCancelled():
            state.owed[event.schedule_id] = event.owed_total
        case CompensatoryMinutesDelivered():
            state.owed[event.schedule_id] = event.owed_total
            state.compensatory.append(event)
        case ServiceUnderDelivered():
            state.under_delivered.add((event.schedule_id, event.period_starts_on))
        case GoalProgressObserved():
            state.observations.append(event)
        case ProgressReportDue():
            state.reports[event.report_id] = Report(event)
        case ProgressReportIssued():
            state.reports[event.report_id].issued = event
        case ProgressReportOverdue():
            state.reports[event.report_id].overdue = True
    return state


def _log(state: Delivery, event: SessionDelivered | SessionMissed | SessionCorrected) -> None:
    by_day = state.sessions.setdefault(event.schedule_id, {})
    match event:
        case SessionDelivered():
            by_day[event.session_on] = Session(
                event.session_id, event.schedule_id, event.session_on,
                SessionOutcome.DELIVERED, event.minutes, None, False, event.note)
        case SessionMissed():
            by_day[event.session_on] = Session(
                event.session_id, event.schedule_id, event.session_on, SessionOutcome.MISSED,
                event.minutes, event.cause, event.district_fault, event.note)
        case SessionCorrected():
            before = by_day.get(event.session_on)
            by_day[event.session_on] = Session(
                event.session_id, event.schedule_id, event.session_on, event.outcome,
                event.minutes, event.cause, event.district_fault, event.note,
                (before.corrections if before else 0) + 1)
