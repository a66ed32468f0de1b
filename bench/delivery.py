"""Services-delivery yardstick: the compliance calculation for a district.

20,000 students (2,000 with `--quick`), each with a year of services from a consented plan
(speech-language therapy 30 minutes weekly, specially designed instruction 45 minutes each
school day), and a school year of sessions logged: about 240 sessions a student, most
delivered, some missed by the student, the provider or a school closure, a few corrected.
The data is built in memory through the pure domain (the decider receives the plan and the
consent; the sessions are the domain's events, folded by its `evolve`), one student at a
time, so the district never has to fit in memory at once.

Timed per student: the compliance calculation (`minutes.period_minutes` for each schedule
over the year: minutes required, delivered, missed by cause and owed, per week). Its
physical limit, measured in the same run on the same sessions: a plain Python loop summing
the delivered and missed minutes of the student's sessions. The ratio says how far the
calculation (periods, proration, causes, corrections) is from merely touching each number.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta
from typing import Any

from iep_services_delivery.domain import commands as c
from iep_services_delivery.domain.decider import delivery
from iep_services_delivery.domain.events import (
    SessionCorrected,
    SessionDelivered,
    SessionMissed,
)
from iep_services_delivery.domain.minutes import period_minutes
from iep_services_delivery.domain.rules import DeliveryRules, district_fault
from iep_services_delivery.domain.state import Delivery
from iep_services_delivery.domain.values import (
    Frequency,
    Guardian,
    MissedCause,
    PlanChange,
    PlanGoal,
    PlannedService,
    SessionOutcome,
)

RULES = DeliveryRules()
YEAR_STARTS, YEAR_ENDS = date(2025, 9, 1), date(2026, 6, 12)
SERVICES = (
    PlannedService(service="speech_language_pathology", provider_role="SLP", minutes=30,
                   frequency=Frequency.WEEKLY, location="speech room", starts_on=YEAR_STARTS,
                   ends_on=YEAR_ENDS),
    PlannedService(service="specially_designed_instruction", provider_role="teacher",
                   minutes=45, frequency=Frequency.DAILY, location="resource room",
                   starts_on=YEAR_STARTS, ends_on=YEAR_ENDS),
)
GOAL = PlanGoal(goal_id="g1", area="reading", statement="Reads fluently", baseline="40",
                target="90", measured_by="probes", progress_reports="quarterly")
CAUSES = (MissedCause.STUDENT_ABSENT, MissedCause.PROVIDER_ABSENT, MissedCause.SCHOOL_CLOSURE)


def _student(student_id: str, rng: random.Random) -> Delivery:
    """A student's year, folded: the plan and consent decided, the sessions evolved."""
    received = c.ReceivePlan(
        student_id=student_id, case_id=f"case-{student_id}", school_id="sch-1",
        plan_id=f"plan-{student_id}", version=1, change=PlanChange.WRITTEN,
        dated_on=date(2025, 8, 25), review_due_on=date(2026, 8, 25), consent_required=True,
        services=SERVICES, goals=(GOAL,),
        guardians=(Guardian(guardian_id=f"g-{student_id}", language="en"),), rules=RULES)
    state = delivery.fold(delivery.decide(received, Delivery()))
    for event in delivery.decide(c.GiveConsent(received.plan_id, 1, date(2025, 8, 28), RULES),
                                 state):
        state = delivery.evolve(state, event)
    for schedule in list(state.schedules.values()):
        s = schedule.scheduled
        day = s.starts_on
        while day <= s.ends_on:
            weekly = s.frequency is Frequency.WEEKLY
            if day.weekday() < 5 and (not weekly or day.weekday() == 1):
                for event in _sessions(s, day, rng):
                    state = delivery.evolve(state, event)
            day += timedelta(1)
    return state


def _sessions(s: Any, day: date, rng: random.Random) -> list[Any]:
    common = {"student_id": s.student_id, "session_id": f"{s.schedule_id}:{day}",
              "schedule_id": s.schedule_id, "service": s.service, "school_id": s.school_id,
              "session_on": day, "note": ""}
    roll = rng.random()
    if roll < 0.9:
        first: Any = SessionDelivered(**common, minutes=s.minutes_per_session)
    else:
        cause = CAUSES[int((roll - 0.9) * 30) % 3]
        first = SessionMissed(**common, minutes=s.minutes_per_session, cause=cause,
                              district_fault=district_fault(cause, RULES))
    if rng.random() < 0.01:  # a few corrected: delivered after all, a little short
        return [first, SessionCorrected(**common, outcome=SessionOutcome.DELIVERED,
                                        minutes=s.minutes_per_session - 5, cause=None,
                                        district_fault=False, reason="corrected")]
    return [first]


def _compliance(state: Delivery) -> tuple[int, int, int, int]:
    required = delivered = missed = owed = 0
    for schedule in state.schedules.values():
        logged = state.sessions_of(schedule.schedule_id).values()
        for row in period_minutes(schedule.cadence, logged):
            required += row.minutes_required
            delivered += row.minutes_delivered
            missed += row.minutes_missed
            owed += row.minutes_owed
    return required, delivered, missed, owed


def _raw_sum(minutes: list[tuple[int, int]]) -> tuple[int, int]:
    delivered = missed = 0
    for d, m in minutes:
        delivered += d
        missed += m
    return delivered, missed


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def run(quick: bool = False) -> dict[str, Any]:
    students = 2_000 if quick else 20_000
    rng = random.Random(2026)
    calc: list[float] = []
    raw: list[float] = []
    sessions = build = 0.0
    totals = [0, 0, 0, 0]
    for n in range(students):
        started = time.perf_counter()
        state = _student(f"S-{n:06d}", rng)
        build += time.perf_counter() - started
        logged = [(x.delivered, x.missed) for by_day in state.sessions.values()
                  for x in by_day.values()]
        sessions += len(logged)

        started = time.perf_counter()
        figures = _compliance(state)
        calc.append(time.perf_counter() - started)

        started = time.perf_counter()
        delivered, missed = _raw_sum(logged)
        raw.append(time.perf_counter() - started)
        assert (delivered, missed) == figures[1:3]  # the same minutes, two ways
        totals = [t + f for t, f in zip(totals, figures, strict=True)]
    calc_total, raw_total = sum(calc), sum(raw)
    return {
        "students": students,
        "sessions": int(sessions),
        "sessions_per_student": round(sessions / students, 1),
        "build_seconds": round(build, 2),
        "compliance": {
            "total_seconds": round(calc_total, 3),
            "per_student_p50_ms": round(statistics.median(calc) * 1000, 3),
            "per_student_p99_ms": round(_percentile(calc, 0.99) * 1000, 3),
            "minutes_required": totals[0], "minutes_delivered": totals[1],
            "minutes_missed": totals[2], "minutes_owed": totals[3],
        },
        "physical_limit": {
            "what": "a plain Python loop summing the same sessions' delivered and missed "
                    "minutes",
            "total_seconds": round(raw_total, 3),
            "per_student_p99_ms": round(_percentile(raw, 0.99) * 1000, 4),
        },
        "ratio_to_limit": round(calc_total / raw_total, 1),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run("--quick" in __import__("sys").argv), indent=2))
