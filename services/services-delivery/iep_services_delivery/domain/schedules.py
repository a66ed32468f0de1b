"""Plans become service schedules: received, taking effect with the parent's consent,
changed by an amendment from its date, replaced by a new plan, stopped after notice of a
revoked consent, ended on their planned end date."""

from __future__ import annotations

from datetime import date, timedelta

from iep_kernel.events import Event

from iep_services_delivery.domain import rules
from iep_services_delivery.domain.commands import (
    EndSchedule,
    GiveConsent,
    ReceivePlan,
    StopServices,
)
from iep_services_delivery.domain.events import (
    PlanReceived,
    PlanTookEffect,
    ServiceEnded,
    ServiceScheduled,
    ServicesStopped,
)
from iep_services_delivery.domain.state import Delivery, Schedule
from iep_services_delivery.domain.values import EndReason, PlanChange, PlannedService


def receive_plan(command: ReceivePlan, state: Delivery) -> list[Event]:
    if (command.plan_id, command.version) in state.received:
        return []  # the same plan version delivered again
    base = state.latest
    review_due_on = command.review_due_on or (base.review_due_on if base else None)
    if review_due_on is None:
        raise ValueError("an amendment arrived before its plan")  # to dead letters
    received = PlanReceived(
        student_id=command.student_id, case_id=command.case_id,
        school_id=command.school_id, plan_id=command.plan_id, version=command.version,
        change=command.change, dated_on=command.dated_on, review_due_on=review_due_on,
        consent_required=command.consent_required, services=command.services,
        goals=command.goals, guardians=command.guardians)
    in_effect = state.in_effect is not None and state.stopped is None
    amends_plan_in_effect = (command.change is PlanChange.AMENDED and in_effect
                             and state.in_effect is not None
                             and state.in_effect.plan_id == command.plan_id)
    # 300.300(b): the first plan waits for consent; a later plan, or an amendment of the
    # plan in effect, governs services from its date.
    if amends_plan_in_effect or (command.change is PlanChange.WRITTEN
                                 and not command.consent_required):
        return [received, *take_effect(state, received, command.dated_on, command.rules)]
    return [received]


def give_consent(command: GiveConsent, state: Delivery) -> list[Event]:
    plan = state.latest
    if plan is None or plan.plan_id != command.plan_id:
        return []  # consent to a plan this service has not received: nothing to start
    if state.in_effect is not None and state.in_effect.plan_id == plan.plan_id \
            and state.stopped is None:
        return []  # already in effect (a redelivered consent)
    return take_effect(state, plan, max(command.signed_on, plan.dated_on), command.rules)


def take_effect(state: Delivery, plan: PlanReceived, effective_on: date,
                district: rules.DeliveryRules) -> list[Event]:
    """The plan governs services from `effective_on`: its report dates, and the schedules
    its services call for. An amendment keeps the schedules it does not change and ends
    the others the day before; a new plan ends every schedule of the old one."""
    student = plan.student_id
    current = state.in_effect
    same_plan = current is not None and current.plan_id == plan.plan_id \
        and state.stopped is None
    cycle = state.cycle_starts_on if same_plan and state.cycle_starts_on else effective_on
    months = rules.report_months([g.progress_reports for g in plan.goals], district)
    events: list[Event] = [PlanTookEffect(
        student_id=student, plan_id=plan.plan_id, version=plan.version,
        effective_on=effective_on, review_due_on=plan.review_due_on,
        report_dates=rules.report_dates(cycle, plan.review_due_on, months))]
    lines = list(plan.services)
    reason = EndReason.PLAN_AMENDED if same_plan else EndReason.PLAN_REPLACED
    for schedule in state.schedules.values():
        if schedule.ended_on is not None or schedule.scheduled.ends_on < effective_on:
            continue
        kept = _unchanged(schedule, lines, effective_on) if same_plan else None
        if kept is not None:
            lines.remove(kept)
            continue
        events.append(_ended(schedule, effective_on - timedelta(1), reason, plan))
    number = len(state.schedules)
    for line in lines:
        if line.ends_on < effective_on:
            continue
        number += 1
        sessions, period = rules.cadence(line.frequency, district)
        events.append(ServiceScheduled(
            student_id=student, schedule_id=f"{plan.plan_id}-v{plan.version}-s{number}",
            school_id=plan.school_id, case_id=plan.case_id, plan_id=plan.plan_id,
            version=plan.version, service=line.service, provider_role=line.provider_role,
            frequency=line.frequency, minutes_per_session=line.minutes,
            sessions_per_period=sessions, period=period, location=line.location,
            starts_on=max(line.starts_on, effective_on), ends_on=line.ends_on))
    return events


def _unchanged(schedule: Schedule, lines: list[PlannedService], effective_on: date
               ) -> PlannedService | None:
    """The amended plan's line that is this schedule unchanged, if any."""
    s = schedule.scheduled
    for line in lines:
        same = (line.service, line.provider_role, line.minutes, line.frequency, line.location,
                line.ends_on) == (s.service, s.provider_role, s.minutes_per_session,
                                  s.frequency, s.location, s.ends_on)
        started_alike = line.starts_on == s.starts_on or max(line.starts_on,
                                                             s.starts_on) <= effective_on
        if same and started_alike:
            return line
    return None


def _ended(schedule: Schedule, last_day: date, reason: EndReason,
           plan: PlanReceived | None) -> ServiceEnded:
    s = schedule.scheduled
    return ServiceEnded(student_id=s.student_id, schedule_id=s.schedule_id,
                        school_id=s.school_id, service=s.service, ended_on=last_day,
                        reason=reason, plan_id=plan.plan_id if plan else None,
                        version=plan.version if plan else None)


def stop_services(command: StopServices, state: Delivery) -> list[Event]:
    """300.300(b)(4): after the prior written notice, services stop on its date."""
    if state.stopped is not None or state.in_effect is None or state.school_id is None:
        return []  # already stopped (a notice to each guardian), or nothing to stop
    last_day = command.stop_on - timedelta(1)
    ended: list[Event] = [_ended(s, last_day, command.reason, None)
                          for s in state.schedules.values()
                          if s.ended_on is None and s.scheduled.ends_on > last_day]
    return [*ended, ServicesStopped(student_id=state.in_effect.student_id,
                                    school_id=state.school_id, stopped_on=command.stop_on,
                                    reason=command.reason)]


def end_schedule(command: EndSchedule, state: Delivery) -> list[Event]:
    schedule = state.schedules.get(command.schedule_id)
    if schedule is None or schedule.ended_on is not None:
        return []
    return [_ended(schedule, schedule.scheduled.ends_on, EndReason.SCHEDULE_ENDED, None)]
