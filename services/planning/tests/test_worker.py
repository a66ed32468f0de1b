"""The worker as it runs in production: the evaluation and referral topics on a real broker
open a planning case once, and deadline timers fire once each by the service clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from aiokafka import AIOKafkaProducer
from iep_kernel.clock import FixedClock
from iep_kernel.config import topic_for
from iep_kernel.consumer import Outcome, list_dead_letters
from iep_kernel.relay import ensure_topics
from iep_kernel.testing.waiting import eventually
from iep_planning.app.context import case_id_for, stream_of
from iep_planning.service import service
from planning_people import (
    LUIS,
    MARIA,
    TEAM,
    Desk,
    deliver,
    eligibility_determined,
    open_case,
    referral_made,
)

DAY_AFTER_ELIGIBILITY = datetime(2026, 4, 16, 15, tzinfo=UTC)


async def produce(bootstrap: str, prefix: str, *events) -> None:
    topics = {e.service: topic_for(e.service, prefix) for e in events}
    await ensure_topics(bootstrap, list(topics.values()))
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(topics[event.service],
                                         event.model_dump_json().encode(),
                                         key=event.student_id.encode())
    finally:
        await producer.stop()


async def events_of(runtime, event_type: str) -> list:
    return [e for e in await runtime.store.read_all(0) if e.event_type == event_type]


async def count_is(runtime, event_type: str, n: int) -> bool:
    return len(await events_of(runtime, event_type)) == n


async def applied(runtime, n: int) -> bool:
    return await runtime.pool.fetchval(
        "SELECT count(*) FROM applied_events WHERE consumer = 'planning.process'") == n


async def test_an_eligible_determination_on_the_topic_opens_planning_once_with_its_deadlines(
        isolation):
    system = await isolation.system([service], clock=FixedClock(DAY_AFTER_ELIGIBILITY),
                                    workers=True)
    runtime = system.runtime("planning")
    determined = eligibility_determined()
    await produce(isolation.bootstrap, isolation.topic_prefix, referral_made(), determined,
                  determined)
    await eventually(lambda: applied(runtime, 2), what="the events applied")
    await asyncio.sleep(0.5)  # the redelivery has had its chance

    (opened,) = await events_of(runtime, "PlanningOpened")
    assert opened.stream_id == stream_of(case_id_for("S-1001"))
    assert (opened.data.determined_on, opened.data.meeting_due_on,
            opened.data.reevaluation_due_on) == (date(2026, 4, 15), date(2026, 5, 15),
                                                 date(2029, 4, 15))
    assert [(g.guardian_id, g.language) for g in opened.data.guardians] == [(MARIA, "es"),
                                                                            (LUIS, "en")]
    assert opened.data.date_of_birth == date(2018, 9, 14)
    assert opened.metadata.causation_id == str(determined.event_id)
    timers = await runtime.pool.fetch("SELECT kind, due_at FROM timers ORDER BY due_at")
    assert [(t["kind"], t["due_at"]) for t in timers] == [
        ("meeting_approaching", datetime(2026, 5, 8, tzinfo=UTC)),
        ("meeting_overdue", datetime(2026, 5, 16, tzinfo=UTC)),
        ("reevaluation_due", datetime(2029, 1, 15, tzinfo=UTC)),
        ("reevaluation_overdue", datetime(2029, 4, 16, tzinfo=UTC))]
    assert await list_dead_letters(runtime.pool) == []


async def test_a_determination_of_not_eligible_opens_nothing(isolation):
    system = await isolation.system([service], clock=FixedClock(DAY_AFTER_ELIGIBILITY))
    runtime = system.runtime("planning")
    outcomes = await deliver(runtime, referral_made(), eligibility_determined(eligible=False))
    assert outcomes == [Outcome.APPLIED, Outcome.APPLIED]
    assert await count_is(runtime, "PlanningOpened", 0)
    assert await runtime.pool.fetchval("SELECT count(*) FROM cases") == 0
    assert await runtime.pool.fetchval("SELECT count(*) FROM timers") == 0


async def test_a_determination_before_its_referral_opens_the_case_when_the_referral_comes(
        isolation):
    system = await isolation.system([service], clock=FixedClock(DAY_AFTER_ELIGIBILITY))
    runtime = system.runtime("planning")
    determined = eligibility_determined()
    assert await deliver(runtime, determined) == [Outcome.APPLIED]
    assert await count_is(runtime, "PlanningOpened", 0)
    kept = await runtime.pool.fetchval("SELECT determination::text FROM awaiting_referral")
    assert "Ruth Chen" not in kept and "rationale" not in kept  # nothing personal is kept
    assert await deliver(runtime, referral_made()) == [Outcome.APPLIED]
    (opened,) = await events_of(runtime, "PlanningOpened")
    assert opened.metadata.causation_id == str(determined.event_id)
    assert [g.guardian_id for g in opened.data.guardians] == [MARIA, LUIS]
    assert await runtime.pool.fetchval("SELECT count(*) FROM awaiting_referral") == 0


async def test_a_reevaluation_restarts_the_three_years_with_new_timers(isolation):
    system = await isolation.system([service], clock=FixedClock(DAY_AFTER_ELIGIBILITY))
    runtime = system.runtime("planning")
    await open_case(runtime)
    again = eligibility_determined(evaluation_id="ev-2", determined_on=date(2029, 2, 1))
    assert await deliver(runtime, again) == [Outcome.APPLIED]
    (redetermined,) = await events_of(runtime, "EligibilityRedetermined")
    assert redetermined.data.reevaluation_due_on == date(2032, 2, 1)
    due = await runtime.pool.fetch(
        "SELECT due_at FROM timers WHERE kind = 'reevaluation_overdue' ORDER BY due_at")
    assert [t["due_at"] for t in due] == [datetime(2029, 4, 16, tzinfo=UTC),
                                          datetime(2032, 2, 2, tzinfo=UTC)]


async def test_meeting_timers_fire_once_each_by_the_service_clock(isolation):
    clock = FixedClock(DAY_AFTER_ELIGIBILITY)
    system = await isolation.system([service], clock=clock, workers=True)
    runtime = system.runtime("planning")
    await open_case(runtime)
    loop = system.workers.timer_loops[0]  # also ticking in the background, by the clock
    assert await loop.tick() == 0

    clock.set(datetime(2026, 5, 7, 23, 59, tzinfo=UTC))
    assert await loop.tick() == 0  # not yet the warning day
    clock.set(datetime(2026, 5, 8, tzinfo=UTC))
    await eventually(lambda: count_is(runtime, "MeetingDeadlineApproaching", 1))
    (warning,) = await events_of(runtime, "MeetingDeadlineApproaching")
    assert (warning.data.due_on, warning.data.days_remaining) == (date(2026, 5, 15), 7)

    clock.set(datetime(2026, 5, 15, 23, tzinfo=UTC))
    assert await loop.tick() == 0  # the due date itself is not overdue
    clock.set(datetime(2026, 5, 16, tzinfo=UTC))
    await eventually(lambda: count_is(runtime, "MeetingOverdue", 1))
    assert await loop.tick() == 0
    await asyncio.sleep(1.0)  # the background loop has ticked several times more
    assert await count_is(runtime, "MeetingDeadlineApproaching", 1)
    assert await count_is(runtime, "MeetingOverdue", 1)


async def test_holding_the_initial_meeting_cancels_its_deadline_timers(isolation):
    clock = FixedClock(datetime(2026, 5, 1, 12, tzinfo=UTC))
    system = await isolation.system([service], clock=clock, workers=True)
    runtime = system.runtime("planning")
    desk = Desk(system, await open_case(runtime))
    await desk.meeting_held(TEAM)
    cancelled = await runtime.pool.fetch(
        "SELECT kind FROM timers WHERE cancelled_at IS NOT NULL ORDER BY kind")
    assert [t["kind"] for t in cancelled] == ["meeting_approaching", "meeting_overdue"]
    clock.set(datetime(2026, 6, 1, tzinfo=UTC))
    assert await system.workers.timer_loops[0].tick() == 0
    assert await count_is(runtime, "MeetingOverdue", 0)


async def test_a_written_plan_comes_due_for_review_and_timers_survive_a_restart(isolation):
    first = await isolation.system([service], clock=FixedClock(datetime(2026, 5, 1, 12,
                                                                        tzinfo=UTC)))
    desk = Desk(first, await open_case(first.runtime("planning")))
    await desk.in_effect()
    await first.stop()
    isolation.systems.remove(first)

    a_year_on = FixedClock(datetime(2027, 5, 11, 8, tzinfo=UTC))
    system = await isolation.system([service], clock=a_year_on, workers=True)
    runtime = system.runtime("planning")
    await eventually(lambda: count_is(runtime, "AnnualReviewOverdue", 1))
    await asyncio.sleep(0.5)
    # The warning came too late to be a warning: overdue speaks instead.
    assert await count_is(runtime, "AnnualReviewDue", 0)
    (overdue,) = await events_of(runtime, "AnnualReviewOverdue")
    assert (overdue.data.due_on, overdue.data.version) == (date(2027, 5, 10), 1)
    listed = await system.client.get("/api/planning/cases", params={"review_overdue": "true"},
                                     headers=desk.staff())
    assert [c["student_id"] for c in listed.json()] == ["S-1001"]


async def test_a_due_process_complaint_runs_its_timeline_by_the_clock(isolation):
    clock = FixedClock(datetime(2026, 5, 1, 12, tzinfo=UTC))
    system = await isolation.system([service], clock=clock, workers=True)
    runtime = system.runtime("planning")
    desk = Desk(system, await open_case(runtime))
    await desk.in_effect()
    desk.set_today(date(2026, 9, 1))
    assert (await desk.file()).status_code == 201
    loop = system.workers.timer_loops[0]

    clock.set(datetime(2026, 9, 12, tzinfo=UTC))  # no response by 11 September
    await eventually(lambda: count_is(runtime, "DisputeDeadlineOverdue", 1))
    (late,) = await events_of(runtime, "DisputeDeadlineOverdue")
    assert (late.data.deadline, late.data.due_on) == ("response", date(2026, 9, 11))

    clock.set(datetime(2026, 10, 2, tzinfo=UTC))  # 30 days unresolved
    await eventually(lambda: count_is(runtime, "ResolutionPeriodEnded", 1))
    (ended,) = await events_of(runtime, "ResolutionPeriodEnded")
    assert ended.data.hearing_decision_due_on == date(2026, 11, 15)
    await eventually(lambda: count_is(runtime, "DisputeDeadlineOverdue", 2))  # no meeting
    assert await loop.tick() == 0
    decision = await runtime.pool.fetchval(
        "SELECT due_at FROM timers WHERE kind = 'dispute_overdue' "
        "AND timer_id LIKE '%hearing_decision%'")
    assert decision == datetime(2026, 11, 16, tzinfo=UTC)
