"""Sessions logged by providers, their corrections, the compensatory minutes they owe,
and the check of each closed period against the threshold."""

from __future__ import annotations

from datetime import date

from iep_kernel.decider import IllegalTransition
from iep_kernel.events import Event

from iep_services_delivery.domain import rules
from iep_services_delivery.domain.commands import ClosePeriod, DeliverCompensatory, LogSession
from iep_services_delivery.domain.events import (
    CompensatoryMinutesCancelled,
    CompensatoryMinutesDelivered,
    CompensatoryMinutesOwed,
    ServiceUnderDelivered,
    SessionCorrected,
    SessionDelivered,
    SessionMissed,
)
from iep_services_delivery.domain.minutes import period_minutes, sessions_in_period
from iep_services_delivery.domain.state import Delivery, Schedule, Session
from iep_services_delivery.domain.values import SessionOutcome
from iep_services_delivery.domain.words import service_name, spoken


def session_id_for(schedule_id: str, session_on: date) -> str:
    """One session per service and date: its id says which."""
    return f"{schedule_id}:{session_on}"


def log_session(command: LogSession, state: Delivery) -> list[Event]:
    schedule = state.schedule(command.schedule_id)
    s = schedule.scheduled
    name = service_name(s.service)
    # Dates of record: not in the future, not before the schedule starts (the later of the
    # service's start and the plan's taking effect, 300.320(a)(7)), and a late entry says why.
    day = command.dated.check(f"a {name} session", not_before=s.starts_on,
                              after=f"the start of the {name} service")
    if not schedule.in_force(day):
        raise IllegalTransition(
            f"The {name} schedule runs from {spoken(s.starts_on)} to "
            f"{spoken(schedule.last_day)}; {spoken(day)} is outside it, so no session of it "
            "can be logged that day.")
    minutes = s.minutes_per_session if command.minutes is None else command.minutes
    if minutes > s.minutes_per_session:
        raise IllegalTransition(
            f"A {name} session is {s.minutes_per_session} minutes in the plan; {minutes} "
            "minutes cannot be logged for one session.")
    existing = state.sessions_of(s.schedule_id).get(day)
    if existing is None and command.correction_reason is not None:
        raise IllegalTransition(f"No {name} session is logged on {spoken(day)}, so there is "
                                "nothing to correct; log it without a correction reason.")
    if existing is not None and command.correction_reason is None:
        raise IllegalTransition(
            f"A {name} session on {spoken(day)} is already logged ({existing.outcome.value}, "
            f"{existing.minutes} minutes); to change it, log it again with a "
            "correction_reason.")
    fault = command.outcome is SessionOutcome.MISSED and command.cause is not None \
        and rules.district_fault(command.cause, command.rules)
    if existing is None:
        _require_room(schedule, state, day)
        return _first_log(command, schedule, minutes, fault, state)
    return _correction(command, schedule, existing, minutes, fault, state)


def _require_room(schedule: Schedule, state: Delivery, day: date) -> None:
    first, last, allowed = sessions_in_period(schedule.cadence, day)
    logged = sum(1 for d in state.sessions_of(schedule.schedule_id) if first <= d <= last)
    if logged >= allowed:
        s = schedule.scheduled
        raise IllegalTransition(
            f"The {service_name(s.service)} schedule has {allowed} session(s) from "
            f"{spoken(first)} to {spoken(last)}, and {logged} are already logged; correct "
            "one of them instead.")


def _first_log(command: LogSession, schedule: Schedule, minutes: int, fault: bool,
               state: Delivery) -> list[Event]:
    s = schedule.scheduled
    session_id = session_id_for(s.schedule_id, command.session_on)
    common = {"student_id": s.student_id, "session_id": session_id,
              "schedule_id": s.schedule_id, "service": s.service, "school_id": s.school_id,
              "session_on": command.session_on, "minutes": minutes, "note": command.note,
              "occurred_on": command.session_on, "late_entry_reason": command.dated.reason}
    if command.outcome is SessionOutcome.DELIVERED:
        return [SessionDelivered(**common)]
    assert command.cause is not None  # the request requires a cause for a missed session
    events: list[Event] = [SessionMissed(**common, cause=command.cause, district_fault=fault)]
    if fault:
        events.append(CompensatoryMinutesOwed(
            student_id=s.student_id, schedule_id=s.schedule_id, service=s.service,
            school_id=s.school_id, session_id=session_id, session_on=command.session_on,
            minutes=minutes, cause=command.cause,
            owed_total=state.owed.get(s.schedule_id, 0) + minutes))
    return events


def _correction(command: LogSession, schedule: Schedule, existing: Session, minutes: int,
                fault: bool, state: Delivery) -> list[Event]:
    s = schedule.scheduled
    missed = command.outcome is SessionOutcome.MISSED
    if (existing.outcome, existing.minutes, existing.cause, existing.note) == (
            command.outcome, minutes, command.cause if missed else None, command.note):
        raise IllegalTransition("The correction is the same as the session already logged.")
    assert command.correction_reason is not None
    events: list[Event] = [SessionCorrected(
        student_id=s.student_id, session_id=existing.session_id, schedule_id=s.schedule_id,
        service=s.service, school_id=s.school_id, session_on=command.session_on,
        outcome=command.outcome, minutes=minutes, cause=command.cause if missed else None,
        district_fault=fault, note=command.note, reason=command.correction_reason,
        occurred_on=command.session_on, late_entry_reason=command.dated.reason)]
    was, now = existing.owed, minutes if fault else 0
    balance = state.owed.get(s.schedule_id, 0)
    common = {"student_id": s.student_id, "schedule_id": s.schedule_id,
              "service": s.service, "school_id": s.school_id,
              "session_id": existing.session_id, "session_on": command.session_on}
    if now > was:
        assert command.cause is not None
        events.append(CompensatoryMinutesOwed(**common, minutes=now - was, cause=command.cause,
                                              owed_total=balance + now - was))
    elif was > now:
        taken = min(was - now, balance)  # minutes already made up stay delivered
        if taken:
            events.append(CompensatoryMinutesCancelled(**common, minutes=taken,
                                                       owed_total=balance - taken))
    return events


def deliver_compensatory(command: DeliverCompensatory, state: Delivery) -> list[Event]:
    schedule = state.schedule(command.schedule_id)
    s = schedule.scheduled
    owed = state.owed.get(s.schedule_id, 0)
    # Minutes are made up after they were missed: not before the first session still owed.
    owing = [d for d, session in state.sessions_of(s.schedule_id).items() if session.owed]
    delivered_on = command.dated.check(
        f"a compensatory session of {service_name(s.service)}",
        not_before=min(owing, default=None), after="the first missed session they make up")
    if any(c.compensatory_id == command.compensatory_id for c in state.compensatory):
        return []
    if command.minutes > owed:
        raise IllegalTransition(
            f"{owed} compensatory minutes of {service_name(s.service)} are owed; "
            f"{command.minutes} cannot be logged against them.")
    return [CompensatoryMinutesDelivered(
        student_id=s.student_id, compensatory_id=command.compensatory_id,
        schedule_id=s.schedule_id, service=s.service, school_id=s.school_id,
        delivered_on=delivered_on, minutes=command.minutes,
        owed_total=owed - command.minutes, note=command.note, occurred_on=delivered_on,
        late_entry_reason=command.dated.reason)]


def close_period(command: ClosePeriod, state: Delivery) -> list[Event]:
    """A period below the threshold share of its required minutes is under-delivered."""
    schedule = state.schedules.get(command.schedule_id)
    if schedule is None or (command.schedule_id, command.period_starts_on) in \
            state.under_delivered:
        return []
    first, last, _ = sessions_in_period(schedule.cadence, command.period_starts_on)
    if last < first:
        return []  # the schedule ended before this period
    rows = period_minutes(schedule.cadence,
                          state.sessions_of(command.schedule_id).values(),
                          window=(first, last))
    if not rows or rows[0].minutes_required == 0:
        return []
    row = rows[0]  # the window lies inside one period
    threshold = command.rules.under_delivery_threshold_percent
    if row.minutes_delivered * 100 >= threshold * row.minutes_required:
        return []
    s = schedule.scheduled
    return [ServiceUnderDelivered(
        student_id=s.student_id, schedule_id=s.schedule_id, service=s.service,
        school_id=s.school_id, period_starts_on=row.starts_on, period_ends_on=row.ends_on,
        minutes_required=row.minutes_required, minutes_delivered=row.minutes_delivered,
        minutes_missed=row.minutes_missed,
        shortfall=row.minutes_required - row.minutes_delivered,
        threshold_percent=threshold)]
