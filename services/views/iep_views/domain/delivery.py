"""The services-delivery service's events (`iep.services-delivery.events`), one function
each, and the minutes a schedule requires up to a day.

The delivery part keeps each schedule's cadence and its sessions as logged (a correction
replaces the session it names), the compensatory balance as the service reports it, the
plan's reporting dates and each progress report. Minutes *required* depend on the day they
are counted to, so they are computed when read (`minutes_required`), with the service's
arithmetic: calendar weeks (Monday to Sunday) or months, a period covered in part requiring
its share of sessions by school days covered, rounded up.
"""

from dataclasses import replace
from datetime import date, timedelta

from iep_views.domain import readings as read
from iep_views.domain.case import (
    Case,
    DeliveryPart,
    Entry,
    ReportPart,
    SchedulePart,
    Step,
)
from iep_views.domain.table import EventTable, Seen

SOURCE = "services-delivery"
table = EventTable()


# -- the minutes arithmetic -------------------------------------------------------------


def _period_of(day: date, period: str) -> tuple[date, date]:
    if period == "week":
        start = day - timedelta(day.weekday())
        return start, start + timedelta(6)
    start = day.replace(day=1)
    return start, (start + timedelta(32)).replace(day=1) - timedelta(1)


def _school_days(first: date, last: date) -> int:
    if last < first:
        return 0
    weeks, rest = divmod((last - first).days + 1, 7)
    return weeks * 5 + sum(1 for i in range(rest) if (first.weekday() + i) % 7 < 5)


def minutes_required(schedule: SchedulePart, through: date) -> int:
    """Minutes the schedule requires from its start to `through` (or its last day)."""
    last = min(schedule.ends_on, through)
    day, sessions = schedule.starts_on, 0
    while day <= last:
        first, end = _period_of(day, schedule.period)
        a, b = max(first, schedule.starts_on), min(end, last)
        if (a, b) == (first, end):
            sessions += schedule.sessions_per_period
        else:
            whole = _school_days(first, end)
            sessions += -(-schedule.sessions_per_period * _school_days(a, b) // whole)
        day = end + timedelta(1)
    return sessions * schedule.minutes_per_session


def minutes_delivered(schedule: SchedulePart, through: date) -> int:
    return sum(s[2] for s in schedule.sessions if s[1] <= through)


# -- folding ----------------------------------------------------------------------------


def _part(case: Case) -> DeliveryPart:
    return case.delivery or DeliveryPart()


def _schedule(case: Case, schedule_id: str, **changes: object) -> Case:
    part = _part(case)
    schedules = tuple(s.model_copy(update=changes) if s.schedule_id == schedule_id else s
                      for s in part.schedules)
    return replace(case, delivery=part.model_copy(update={"schedules": schedules}))


def _log(case: Case, schedule_id: str, session: tuple[str, date, int, int]) -> Case:
    for found in _part(case).schedules:
        if found.schedule_id == schedule_id:
            kept = tuple(s for s in found.sessions if s[0] != session[0])
            return _schedule(case, schedule_id, sessions=tuple(sorted(
                (*kept, session), key=lambda s: (s[1], s[0]))))
    return case


def _report(case: Case, report: ReportPart) -> Case:
    part = _part(case)
    others = tuple(r for r in part.reports if r.report_id != report.report_id)
    return replace(case, delivery=part.model_copy(update={"reports": tuple(sorted(
        (*others, report), key=lambda r: (r.due_on, r.report_id)))}))


@table.on(SOURCE, "PlanReceived")
def plan_received(case: Case, seen: Seen) -> Step:
    plan_id, version = seen.data.get("plan_id"), seen.data.get("version")
    on = date.fromisoformat(str(seen.data.get("dated_on")))
    return Step(case, Entry("services_plan_received", on, facts={
        "plan_id": plan_id, "version": version, "change": seen.data.get("change")}))


@table.on(SOURCE, "PlanTookEffect")
def plan_took_effect(case: Case, seen: Seen) -> Step:
    took = read.PlanTookEffect.model_validate(seen.data)
    part = _part(case).model_copy(update={"plan_id": took.plan_id,
                                          "report_dates": tuple(sorted(took.report_dates)),
                                          "stopped_on": None})
    return Step(replace(case, delivery=part), Entry("services_plan_in_effect",
                                                    took.effective_on, facts={
        "plan_id": took.plan_id, "version": took.version,
        "report_dates": [d.isoformat() for d in sorted(took.report_dates)]}))


@table.on(SOURCE, "ServiceScheduled")
def service_scheduled(case: Case, seen: Seen) -> Step:
    made = read.ServiceScheduled.model_validate(seen.data)
    part = _part(case)
    schedule = SchedulePart(schedule_id=made.schedule_id, service=made.service,
                            minutes_per_session=made.minutes_per_session,
                            sessions_per_period=made.sessions_per_period, period=made.period,
                            starts_on=made.starts_on, ends_on=made.ends_on)
    others = tuple(s for s in part.schedules if s.schedule_id != made.schedule_id)
    part = part.model_copy(update={"school_id": made.school_id, "schedules": tuple(sorted(
        (*others, schedule), key=lambda s: (s.starts_on, s.schedule_id)))})
    return Step(replace(case, delivery=part), Entry("service_scheduled", made.starts_on,
                                                    facts={
        "schedule_id": made.schedule_id, "service": made.service,
        "provider_role": made.provider_role, "minutes_per_session": made.minutes_per_session,
        "sessions_per_period": made.sessions_per_period, "period": made.period,
        "location": made.location, "starts_on": made.starts_on.isoformat(),
        "ends_on": made.ends_on.isoformat()}))


@table.on(SOURCE, "ServiceEnded")
def service_ended(case: Case, seen: Seen) -> Step:
    ended = read.ServiceEnded.model_validate(seen.data)
    return Step(_schedule(case, ended.schedule_id, ends_on=ended.ended_on), Entry(
        "service_ended", ended.ended_on, facts={
            "schedule_id": ended.schedule_id, "service": ended.service,
            "reason": ended.reason}))


@table.on(SOURCE, "ServicesStopped")
def services_stopped(case: Case, seen: Seen) -> Step:
    stopped = read.ServicesStopped.model_validate(seen.data)
    part = _part(case).model_copy(update={"stopped_on": stopped.stopped_on})
    return Step(replace(case, delivery=part), Entry("services_stopped", stopped.stopped_on,
                                                    facts={"reason": stopped.reason}))


def _session(case: Case, seen: Seen, kind: str) -> Step:
    logged = read.SessionLogged.model_validate(seen.data)
    missed = kind == "session_missed" or logged.outcome == "missed"
    session = (logged.session_id, logged.session_on, 0 if missed else logged.minutes,
               logged.minutes if missed else 0)
    return Step(_log(case, logged.schedule_id, session), Entry(kind, logged.session_on, facts={
        "session_id": logged.session_id, "schedule_id": logged.schedule_id,
        "service": logged.service, "minutes": logged.minutes,
        "outcome": "missed" if missed else "delivered", "cause": logged.cause,
        "district_fault": logged.district_fault}, personal={"note": logged.note}))


@table.on(SOURCE, "SessionDelivered")
def session_delivered(case: Case, seen: Seen) -> Step:
    return _session(case, seen, "session_delivered")


@table.on(SOURCE, "SessionMissed")
def session_missed(case: Case, seen: Seen) -> Step:
    return _session(case, seen, "session_missed")


@table.on(SOURCE, "SessionCorrected")
def session_corrected(case: Case, seen: Seen) -> Step:
    return _session(case, seen, "session_corrected")


def _compensatory(case: Case, seen: Seen, kind: str) -> Step:
    moved = read.CompensatoryMoved.model_validate(seen.data)
    on = moved.delivered_on or moved.session_on or seen.recorded_at.date()
    return Step(_schedule(case, moved.schedule_id, owed=moved.owed_total), Entry(kind, on, facts={
        "schedule_id": moved.schedule_id, "service": moved.service, "minutes": moved.minutes,
        "owed_total": moved.owed_total}))


@table.on(SOURCE, "CompensatoryMinutesOwed")
def compensatory_owed(case: Case, seen: Seen) -> Step:
    return _compensatory(case, seen, "compensatory_owed")


@table.on(SOURCE, "CompensatoryMinutesCancelled")
def compensatory_cancelled(case: Case, seen: Seen) -> Step:
    return _compensatory(case, seen, "compensatory_cancelled")


@table.on(SOURCE, "CompensatoryMinutesDelivered")
def compensatory_delivered(case: Case, seen: Seen) -> Step:
    return _compensatory(case, seen, "compensatory_delivered")


@table.on(SOURCE, "ServiceUnderDelivered")
def under_delivered(case: Case, seen: Seen) -> Step:
    short = read.ServiceUnderDelivered.model_validate(seen.data)
    return Step(case, Entry("service_under_delivered", short.period_ends_on, facts={
        "schedule_id": short.schedule_id, "service": short.service,
        "period_starts_on": short.period_starts_on.isoformat(),
        "minutes_required": short.minutes_required,
        "minutes_delivered": short.minutes_delivered, "shortfall": short.shortfall}))


@table.on(SOURCE, "GoalProgressObserved")
def goal_progress(case: Case, seen: Seen) -> Step:
    seen_progress = read.GoalProgressObserved.model_validate(seen.data)
    return Step(case, Entry("goal_progress_observed", seen_progress.observed_on, facts={
        "observation_id": seen_progress.observation_id, "goal_id": seen_progress.goal_id,
        "value": seen_progress.value}, personal={"note": seen_progress.note}))


@table.on(SOURCE, "ProgressReportDue")
def report_due(case: Case, seen: Seen) -> Step:
    due = read.ProgressReport.model_validate(seen.data)
    known = next((r for r in _part(case).reports if r.report_id == due.report_id), None)
    report = known or ReportPart(report_id=due.report_id, due_on=due.due_on)
    return Step(_report(case, report), Entry("progress_report_due", due.due_on, facts={
        "report_id": due.report_id, "plan_id": due.plan_id, "due_on": due.due_on.isoformat()}))


@table.on(SOURCE, "ProgressReportIssued")
def report_issued(case: Case, seen: Seen) -> Step:
    issued = read.ProgressReport.model_validate(seen.data)
    on = issued.issued_on or seen.recorded_at.date()
    known = next((r for r in _part(case).reports if r.report_id == issued.report_id), None)
    report = (known or ReportPart(report_id=issued.report_id, due_on=issued.due_on)
              ).model_copy(update={"issued_on": on})
    return Step(_report(case, report), Entry("progress_report_issued", on, facts={
        "report_id": issued.report_id, "plan_id": issued.plan_id,
        "due_on": issued.due_on.isoformat(), "late": issued.late,
        "period_starts_on": issued.period_starts_on.isoformat()
        if issued.period_starts_on else None,
        "period_ends_on": issued.period_ends_on.isoformat() if issued.period_ends_on else None}))


@table.on(SOURCE, "ProgressReportOverdue")
def report_overdue(case: Case, seen: Seen) -> Step:
    late = read.ProgressReport.model_validate(seen.data)
    known = next((r for r in _part(case).reports if r.report_id == late.report_id), None)
    report = (known or ReportPart(report_id=late.report_id, due_on=late.due_on)
              ).model_copy(update={"overdue_raised": True})
    return Step(_report(case, report), Entry("progress_report_overdue",
                                             late.due_on + timedelta(1), facts={
        "report_id": late.report_id, "due_on": late.due_on.isoformat()}))


def summary(services: list[dict[str, object]] | None, through: date) -> dict[str, int] | None:
    """Minutes required to `through`, delivered, missed and owed, over the services listed
    with a student's line (`tables.services_of`)."""
    if not services:
        return None
    found = {"minutes_required": 0, "minutes_delivered": 0, "minutes_missed": 0,
             "compensatory_owed": 0}
    for service in services:
        schedule = SchedulePart.model_validate(service)
        found["minutes_required"] += minutes_required(schedule, through)
        found["minutes_delivered"] += int(str(service["delivered"]))
        found["minutes_missed"] += int(str(service["missed"]))
        found["compensatory_owed"] += int(str(service["owed"]))
    return found
