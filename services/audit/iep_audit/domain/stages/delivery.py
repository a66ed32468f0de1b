"""The services stage as of an instant, from `iep.services-delivery.events`: the plan in
effect, each service's schedule with the minutes logged against it, compensatory minutes
owed, under-delivered periods, goal observations and progress reports. Session notes and
goal wording stay in the event pages; the record keeps counts, dates and statuses."""

from typing import Any

from iep_audit.domain.fold import CaseEvent, FoldTable, State

table = FoldTable()
SERVICE = "services-delivery"


def _put(items: list[dict[str, Any]], key: str, value: Any, **changes: Any
         ) -> list[dict[str, Any]]:
    """`items` with the one whose `key` is `value` updated (or added)."""
    if any(item.get(key) == value for item in items):
        return [{**item, **changes} if item.get(key) == value else item for item in items]
    return [*items, {key: value, **changes}]


def _schedule(state: State, schedule_id: Any) -> dict[str, Any]:
    return next((s for s in state.get("schedules", []) if s.get("schedule_id") == schedule_id),
                {})


@table.on(SERVICE, "PlanReceived")
def plan_received(state: State, event: CaseEvent) -> State:
    # 34 CFR 300.300(b): the first plan's services wait for the parent's consent.
    waiting = bool(event.data.get("consent_required")) and "plan" not in state
    return {**state, "status": "awaiting_consent" if waiting else state.get("status"),
            "case_id": event.data.get("case_id"), "school_id": event.data.get("school_id"),
            "plans_received": [*state.get("plans_received", []),
                               {"plan_id": event.data.get("plan_id"),
                                "version": event.data.get("version"),
                                "change": event.data.get("change"),
                                "dated_on": event.data.get("dated_on")}],
            "schedules": state.get("schedules", []), "reports": state.get("reports", [])}


@table.on(SERVICE, "PlanTookEffect")
def plan_took_effect(state: State, event: CaseEvent) -> State:
    # 300.320(a)(3)(ii): the plan says when progress reports go to the parents.
    return {**state, "status": "in_effect", "stopped_on": None, "plan": {
        "plan_id": event.data.get("plan_id"), "version": event.data.get("version"),
        "effective_on": event.data.get("effective_on"),
        "review_due_on": event.data.get("review_due_on"),
        "report_dates": event.data.get("report_dates", [])}}


@table.on(SERVICE, "ServiceScheduled")
def service_scheduled(state: State, event: CaseEvent) -> State:
    d = event.data
    return {**state, "schedules": _put(
        state.get("schedules", []), "schedule_id", d.get("schedule_id"),
        service=d.get("service"), provider_role=d.get("provider_role"),
        minutes_per_session=d.get("minutes_per_session"),
        sessions_per_period=d.get("sessions_per_period"), period=d.get("period"),
        location=d.get("location"), starts_on=d.get("starts_on"), ends_on=d.get("ends_on"),
        ended_on=None, end_reason=None, sessions={}, minutes_delivered=0,
        minutes_missed=0, corrections=0, compensatory_owed=0, compensatory_delivered=0,
        under_delivered=[])}


@table.on(SERVICE, "ServiceEnded")
def service_ended(state: State, event: CaseEvent) -> State:
    return {**state, "schedules": _put(
        state.get("schedules", []), "schedule_id", event.data.get("schedule_id"),
        ended_on=event.data.get("ended_on"), end_reason=event.data.get("reason"))}


@table.on(SERVICE, "ServicesStopped")
def services_stopped(state: State, event: CaseEvent) -> State:
    # 300.300(b)(4): after a revoked consent, services stop once notice was given.
    return {**state, "status": "stopped", "stopped_on": event.data.get("stopped_on")}


@table.on(SERVICE, "SessionDelivered", "SessionMissed", "SessionCorrected")
def session_logged(state: State, event: CaseEvent) -> State:
    d = event.data
    schedule = _schedule(state, d.get("schedule_id"))
    sessions = dict(schedule.get("sessions", {}))
    missed = event.event_type == "SessionMissed" or d.get("outcome") == "missed"
    # A correction replaces the session it corrects in the counts; the original stays in
    # the log (and in the record's event count).
    sessions[str(d.get("session_on"))] = {"missed": missed, "minutes": d.get("minutes", 0),
                                          "cause": d.get("cause")}
    delivered = sum(s["minutes"] for s in sessions.values() if not s["missed"])
    lost = sum(s["minutes"] for s in sessions.values() if s["missed"])
    return {**state, "schedules": _put(
        state.get("schedules", []), "schedule_id", d.get("schedule_id"), sessions=sessions,
        minutes_delivered=delivered, minutes_missed=lost,
        corrections=schedule.get("corrections", 0)
        + (event.event_type == "SessionCorrected"))}


@table.on(SERVICE, "CompensatoryMinutesOwed", "CompensatoryMinutesCancelled",
          "CompensatoryMinutesDelivered")
def compensatory(state: State, event: CaseEvent) -> State:
    d = event.data
    schedule = _schedule(state, d.get("schedule_id"))
    delivered = schedule.get("compensatory_delivered", 0)
    if event.event_type == "CompensatoryMinutesDelivered":
        delivered += d.get("minutes", 0)
    return {**state, "schedules": _put(
        state.get("schedules", []), "schedule_id", d.get("schedule_id"),
        compensatory_owed=d.get("owed_total"), compensatory_delivered=delivered)}


@table.on(SERVICE, "ServiceUnderDelivered")
def under_delivered(state: State, event: CaseEvent) -> State:
    d = event.data
    schedule = _schedule(state, d.get("schedule_id"))
    period = {"from": d.get("period_starts_on"), "to": d.get("period_ends_on"),
              "required": d.get("minutes_required"), "delivered": d.get("minutes_delivered")}
    return {**state, "schedules": _put(
        state.get("schedules", []), "schedule_id", d.get("schedule_id"),
        under_delivered=[*schedule.get("under_delivered", []), period])}


@table.on(SERVICE, "GoalProgressObserved")
def goal_observed(state: State, event: CaseEvent) -> State:
    goal = str(event.data.get("goal_id"))
    counts = dict(state.get("observations_by_goal", {}))
    counts[goal] = counts.get(goal, 0) + 1
    return {**state, "observations_by_goal": counts}


@table.on(SERVICE, "ProgressReportDue")
def report_due(state: State, event: CaseEvent) -> State:
    return {**state, "reports": _put(
        state.get("reports", []), "report_id", event.data.get("report_id"),
        due_on=event.data.get("due_on"), issued_on=None, overdue=False, statuses={})}


@table.on(SERVICE, "ProgressReportIssued")
def report_issued(state: State, event: CaseEvent) -> State:
    statuses = {g.get("goal_id"): g.get("status") for g in event.data.get("goals", [])}
    return {**state, "reports": _put(
        state.get("reports", []), "report_id", event.data.get("report_id"),
        issued_on=event.data.get("issued_on"), late=event.data.get("late"),
        statuses=statuses)}


@table.on(SERVICE, "ProgressReportOverdue")
def report_overdue(state: State, event: CaseEvent) -> State:
    return {**state, "reports": _put(
        state.get("reports", []), "report_id", event.data.get("report_id"), overdue=True)}
