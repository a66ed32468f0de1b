"""Goal progress: observations against the plan's goals, progress reports falling due on
the plan's reporting dates, issued with each goal's status, and overdue.

The status rule (one rule for every goal):

- The baseline and target are the first numbers written in the goal's baseline and target
  ("40 words a minute" → 40). Without a numeric baseline the first observation is the
  baseline. The goal is measured by its latest observation on or before the report's date.
- No observation yet: **not on track** (there is no evidence of progress).
- With a numeric target, progress is the share of the way from baseline to target covered
  by the latest value (it works for goals that go down, too). Progress of 100% or more:
  **met**. Otherwise the share of the plan's year that has passed at the report's date is
  the progress expected: at least that much is **on track**, some but less is **some
  progress**, none or a step back is **not on track**.
- Without a numeric target the goal cannot be met by measurement: a latest value above
  the baseline is **some progress**, otherwise **not on track**.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from iep_kernel.decider import IllegalTransition, NotFound
from iep_kernel.events import Event

from iep_services_delivery.domain.commands import (
    IssueReport,
    ObserveProgress,
    RaiseReportDue,
    RaiseReportOverdue,
)
from iep_services_delivery.domain.events import (
    GoalProgressObserved,
    PlanReceived,
    ProgressReportDue,
    ProgressReportIssued,
    ProgressReportOverdue,
)
from iep_services_delivery.domain.minutes import period_minutes
from iep_services_delivery.domain.state import Delivery, Report
from iep_services_delivery.domain.values import (
    GoalProgress,
    GoalStatus,
    Measurement,
    PlanGoal,
    ServiceCompliance,
)
from iep_services_delivery.domain.words import spoken

_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def first_number(text: str) -> float | None:
    """The first number written in a goal's baseline or target, if any."""
    found = _NUMBER.search(text)
    return None if found is None else float(found.group().replace(",", "."))


def goal_status(baseline: float | None, target: float | None, values: list[float],
                expected: float) -> GoalStatus:
    """The rule in this module's docstring; `values` in date order, `expected` the share of
    the plan's year passed (0 to 1)."""
    if not values:
        return GoalStatus.NOT_ON_TRACK
    start = values[0] if baseline is None else baseline
    latest = values[-1]
    if target is None:
        return GoalStatus.SOME_PROGRESS if latest > start else GoalStatus.NOT_ON_TRACK
    if target == start:
        return GoalStatus.MET if latest >= target else GoalStatus.NOT_ON_TRACK
    share = (latest - start) / (target - start)
    if share >= 1:
        return GoalStatus.MET
    if share >= expected:
        return GoalStatus.ON_TRACK
    return GoalStatus.SOME_PROGRESS if share > 0 else GoalStatus.NOT_ON_TRACK


def year_share(cycle_starts_on: date, review_due_on: date, on: date) -> float:
    """The share of the plan's year passed on `on`, between 0 and 1."""
    length = (review_due_on - cycle_starts_on).days
    if length <= 0:
        return 1.0
    return min(1.0, max(0.0, (on - cycle_starts_on).days / length))


def observe_progress(command: ObserveProgress, state: Delivery) -> list[Event]:
    plan = _plan_in_effect(state, "record progress on its goals")
    goal_ids = [g.goal_id for g in plan.goals]
    if command.goal_id not in goal_ids:
        listed = ", ".join(goal_ids) or "none"
        raise IllegalTransition(f"The plan in effect has goals {listed}; there is no goal "
                                f"{command.goal_id}.")
    assert state.cycle_starts_on is not None
    # Progress is measured against the plan in effect (300.320(a)(3)): not before it started.
    observed_on = command.dated.check(f"an observation of goal {command.goal_id}",
                                      not_before=state.cycle_starts_on,
                                      after="the start of the plan in effect")
    if not math.isfinite(command.value):
        raise IllegalTransition("A measured value is a finite number.")
    if any(o.observation_id == command.observation_id for o in state.observations):
        return []
    return [GoalProgressObserved(
        student_id=plan.student_id, observation_id=command.observation_id,
        school_id=plan.school_id, plan_id=plan.plan_id, version=plan.version,
        goal_id=command.goal_id, observed_on=observed_on, value=command.value,
        note=command.note, occurred_on=observed_on, late_entry_reason=command.dated.reason)]


def _plan_in_effect(state: Delivery, purpose: str) -> PlanReceived:
    plan = state.plan
    if plan is None:
        raise IllegalTransition(f"No plan is in effect for this student (the parent has not "
                                f"consented to services yet), so there is no plan to {purpose}.")
    return plan


def report_id_for(plan_id: str, due_on: date) -> str:
    return f"{plan_id}-{due_on:%Y%m%d}"


def raise_report_due(command: RaiseReportDue, state: Delivery) -> list[Event]:
    plan, effect = state.plan, state.in_effect
    if plan is None or effect is None or command.due_on not in effect.report_dates:
        return []  # the plan changed its reporting dates, or is no longer in effect
    if state.stopped is not None and state.stopped.stopped_on <= command.due_on:
        return []  # services stopped: no report falls due
    report_id = report_id_for(plan.plan_id, command.due_on)
    if report_id in state.reports:
        return []
    earlier = [d for d in effect.report_dates if d < command.due_on]
    assert state.cycle_starts_on is not None
    starts_on = earlier[-1] + timedelta(1) if earlier else state.cycle_starts_on
    return [ProgressReportDue(
        student_id=plan.student_id, report_id=report_id, school_id=plan.school_id,
        plan_id=plan.plan_id, version=plan.version, due_on=command.due_on,
        period_starts_on=starts_on, guardian_ids=tuple(g.guardian_id for g in plan.guardians))]


def issue_report(command: IssueReport, state: Delivery) -> list[Event]:
    report = _report_to_issue(command, state)
    plan = state.received.get((report.due.plan_id, report.due.version))
    current = state.plan
    if current is not None and current.plan_id == report.due.plan_id:
        plan = current  # the goals as the plan now states them (an amendment's wording)
    assert plan is not None and state.cycle_starts_on is not None
    due = report.due
    # A report is issued on the day it went to the parents, not before the period it reports
    # on began; whether it was late (300.320(a)(3)(ii)) is judged by that day.
    on = command.dated.check("the progress report", not_before=due.period_starts_on,
                             after="the start of the period it reports on")
    expected = year_share(state.cycle_starts_on, plan.review_due_on, min(on, due.due_on))
    goals = tuple(_progress(goal, state, plan.plan_id, on, expected) for goal in plan.goals)
    return [ProgressReportIssued(
        student_id=plan.student_id, report_id=due.report_id, school_id=plan.school_id,
        case_id=plan.case_id, plan_id=plan.plan_id, version=plan.version, due_on=due.due_on,
        issued_on=on, period_starts_on=due.period_starts_on, period_ends_on=due.due_on,
        goals=goals, services=services_over(state, due.period_starts_on, due.due_on),
        guardians=plan.guardians, late=on > due.due_on, occurred_on=on,
        late_entry_reason=command.dated.reason)]


def _report_to_issue(command: IssueReport, state: Delivery) -> Report:
    if command.report_id is not None:
        report = state.reports.get(command.report_id)
        if report is None:
            raise NotFound(f"No progress report {command.report_id} is due for this student.")
        if report.issued is not None:
            raise IllegalTransition(f"This progress report was already issued on "
                                    f"{spoken(report.issued.issued_on)}.")
        return report
    waiting = sorted((r for r in state.reports.values() if r.issued is None),
                     key=lambda r: r.due.due_on)
    if waiting:
        return waiting[0]
    upcoming = [d for d in (state.in_effect.report_dates if state.in_effect else ())
                if d >= command.dated.today]
    later = f"; the next is due on {spoken(upcoming[0])}" if upcoming else ""
    raise IllegalTransition(f"No progress report is due for this student{later}.")


def _progress(goal: PlanGoal, state: Delivery, plan_id: str, on: date, expected: float
              ) -> GoalProgress:
    observed = sorted((o for o in state.observations
                       if o.plan_id == plan_id and o.goal_id == goal.goal_id
                       and o.observed_on <= on), key=lambda o: o.observed_on)
    baseline, target = first_number(goal.baseline), first_number(goal.target)
    values = [o.value for o in observed]
    return GoalProgress(
        goal_id=goal.goal_id, area=goal.area, statement=goal.statement,
        baseline=goal.baseline, target=goal.target, measured_by=goal.measured_by,
        baseline_value=baseline, target_value=target,
        latest_value=values[-1] if values else None,
        observations=tuple(Measurement(observed_on=o.observed_on, value=o.value)
                           for o in observed),
        status=goal_status(baseline, target, values, expected))


def services_over(state: Delivery, first: date, last: date) -> tuple[ServiceCompliance, ...]:
    """Each schedule's minutes over [first, last] and its compensatory balance."""
    lines = []
    for schedule in state.schedules.values():
        rows = period_minutes(schedule.cadence,
                              state.sessions_of(schedule.schedule_id).values(),
                              window=(first, last))
        if not rows:
            continue
        lines.append(ServiceCompliance(
            schedule_id=schedule.schedule_id, service=schedule.scheduled.service,
            minutes_required=sum(r.minutes_required for r in rows),
            minutes_delivered=sum(r.minutes_delivered for r in rows),
            minutes_missed=sum(r.minutes_missed for r in rows),
            compensatory_owed=state.owed.get(schedule.schedule_id, 0)))
    return tuple(lines)


def raise_report_overdue(command: RaiseReportOverdue, state: Delivery) -> list[Event]:
    report = state.reports.get(command.report_id)
    if report is None or report.issued is not None or report.overdue:
        return []
    due = report.due
    return [ProgressReportOverdue(student_id=due.student_id, report_id=due.report_id,
                                  school_id=due.school_id, plan_id=due.plan_id,
                                  version=due.version, due_on=due.due_on)]
