"""The worker as it runs in production: the referral topic on a real broker opens
evaluations once, and deadline timers fire once by the service clock, across restarts."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from aiokafka import AIOKafkaProducer
from iep_evaluation.app import deadlines
from iep_evaluation.app.context import evaluation_id_for, rules_of
from iep_evaluation.service import service
from iep_kernel.access import destruction_handler
from iep_kernel.clock import FixedClock
from iep_kernel.config import topic_for
from iep_kernel.consumer import (
    Outcome,
    Subscription,
    apply_message,
    list_dead_letters,
    replay_dead_letter,
)
from iep_kernel.relay import ensure_topics
from iep_kernel.testing.waiting import eventually

DAY_AFTER_CONSENT = datetime(2026, 3, 3, 15, tzinfo=UTC)


async def produce(bootstrap: str, topic: str, *events) -> None:
    await ensure_topics(bootstrap, [topic])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(topic, event.model_dump_json().encode(),
                                         key=event.student_id.encode())
    finally:
        await producer.stop()


async def events_of(runtime, event_type: str) -> list:
    return [e for e in await runtime.store.read_all(0) if e.event_type == event_type]


async def count_is(runtime, event_type: str, n: int) -> bool:
    return len(await events_of(runtime, event_type)) == n


async def test_consent_on_the_referral_topic_opens_the_evaluation_once_with_its_due_date(
        isolation, referrals):
    system = await isolation.system([service], clock=FixedClock(DAY_AFTER_CONSENT),
                                    workers=True)
    runtime = system.runtime("evaluation")
    consent = referrals.consent(signed_on=date(2026, 2, 27), received_on=date(2026, 3, 2))
    again_with_a_new_id = referrals.consent(signed_on=date(2026, 2, 27),
                                            received_on=date(2026, 3, 2))
    await produce(isolation.bootstrap, topic_for("referral", isolation.topic_prefix),
                  referrals.made(), consent, consent, again_with_a_new_id)

    async def all_applied() -> bool:
        return await runtime.pool.fetchval("SELECT count(*) FROM applied_events "
                                           "WHERE consumer = 'evaluation.referral-process'") == 3
    await eventually(all_applied, what="the referral events applied")
    await asyncio.sleep(0.5)  # the duplicate delivery has had its chance

    (opened,) = await events_of(runtime, "EvaluationOpened")
    assert opened.stream_id == f"evaluation-{evaluation_id_for('r-1')}"
    assert (opened.data.consent_signed_on, opened.data.consent_received_on,
            opened.data.due_on) == (date(2026, 2, 27), date(2026, 3, 2), date(2026, 5, 1))
    assert (opened.data.school_id, opened.data.guardian_ids) == ("sch-1", ("guardian-maria",))
    assert opened.metadata.causation_id == str(consent.event_id)
    timers = await runtime.pool.fetch("SELECT kind, due_at FROM timers ORDER BY due_at")
    assert [(t["kind"], t["due_at"]) for t in timers] == [
        ("deadline_approaching", datetime(2026, 4, 24, tzinfo=UTC)),
        ("overdue", datetime(2026, 5, 2, tzinfo=UTC))]
    assert await list_dead_letters(runtime.pool) == []


async def test_consent_for_a_referral_not_yet_seen_waits_in_dead_letters_until_replayed(
        isolation, referrals):
    system = await isolation.system([service], clock=FixedClock(DAY_AFTER_CONSENT))
    runtime = system.runtime("evaluation")
    assert await referrals.deliver(runtime, referrals.consent()) == [Outcome.DEAD_LETTER]
    (letter,) = await list_dead_letters(runtime.pool)
    assert "no ReferralMade was applied for referral r-1" in letter.reason
    assert await referrals.deliver(runtime, referrals.made()) == [Outcome.APPLIED]
    assert await replay_dead_letter(runtime.pool, letter.id,
                                    [referrals.handler(runtime)]) is Outcome.APPLIED
    assert await count_is(runtime, "EvaluationOpened", 1)


async def test_destroying_a_students_records_purges_the_date_of_birth_kept_here(
        isolation, referrals):
    system = await isolation.system([service], clock=FixedClock(DAY_AFTER_CONSENT))
    runtime = system.runtime("evaluation")
    await referrals.open_evaluation(runtime)
    kept = "SELECT date_of_birth FROM referrals WHERE student_id = 'S-1001'"
    assert await runtime.pool.fetchval(kept) == date(2018, 9, 14)
    destroyed = referrals.published("StudentRecordsDestroyed", "S-1001", "r-1", 9, {
        "requested_by": "guardian-maria", "requested_on": "2026-03-03",
        "parent_informed_on": "2026-03-03"})
    sub = Subscription(destruction_handler(runtime, service.purge), runtime.pool)
    raw = destroyed.model_dump_json().encode()
    assert await apply_message(sub, "iep.referral.events", raw) is Outcome.APPLIED
    assert await runtime.pool.fetchval(kept) is None


async def test_deadline_timers_fire_once_each_by_the_service_clock(isolation, referrals):
    clock = FixedClock(DAY_AFTER_CONSENT)
    system = await isolation.system([service], clock=clock, workers=True)
    runtime = system.runtime("evaluation")
    evaluation_id = await referrals.open_evaluation(runtime)
    loop = system.workers.timer_loops[0]  # also ticking in the background, by the clock
    assert await loop.tick() == 0

    clock.set(datetime(2026, 4, 23, 23, 59, tzinfo=UTC))
    assert await loop.tick() == 0  # not yet the warning day
    clock.set(datetime(2026, 4, 24, 0, 0, tzinfo=UTC))
    await eventually(lambda: count_is(runtime, "EvaluationDeadlineApproaching", 1))
    (warning,) = await events_of(runtime, "EvaluationDeadlineApproaching")
    assert (warning.data.due_on, warning.data.days_remaining) == (date(2026, 5, 1), 7)

    clock.set(datetime(2026, 5, 1, 23, 0, tzinfo=UTC))
    assert await loop.tick() == 0  # the due date itself is not overdue
    clock.set(datetime(2026, 5, 2, 0, 0, tzinfo=UTC))
    await eventually(lambda: count_is(runtime, "EvaluationOverdue", 1))
    assert await loop.tick() == 0
    await asyncio.sleep(1.0)  # the background loop has ticked several times more
    assert await count_is(runtime, "EvaluationDeadlineApproaching", 1)
    assert await count_is(runtime, "EvaluationOverdue", 1)
    row = await runtime.pool.fetchrow(
        "SELECT deadline_warned, overdue_raised FROM evaluations WHERE evaluation_id = $1",
        evaluation_id)
    assert (row["deadline_warned"], row["overdue_raised"]) == (True, True)


async def test_timers_raise_nothing_once_eligibility_is_determined(isolation, referrals):
    clock = FixedClock(datetime(2026, 4, 20, 12, tzinfo=UTC))
    system = await isolation.system([service], clock=clock, workers=True)
    runtime = system.runtime("evaluation")
    evaluation_id = await referrals.open_evaluation(runtime)
    headers = system.auth("case_manager", "cm-1", ["sch-1"])
    for evaluator in ("Dr. Ruth Chen", "Sam Okafor"):
        await system.client.post(
            f"/api/evaluation/evaluations/{evaluation_id}/assessments", headers=headers,
            json={"area": "reading", "evaluator": {"name": evaluator, "role": "psychologist"},
                  "instrument": "WIAT-4", "completed_on": "2026-04-01", "summary": "s"})
    determined = await system.client.post(
        f"/api/evaluation/evaluations/{evaluation_id}/eligibility", headers=headers,
        json={"eligible": False, "categories": [], "adverse_effect": False,
              "needs_special_education": False, "team": [{"name": "M", "role": "parent"}],
              "parent_participated": True, "determined_on": "2026-04-20", "rationale": "r"})
    assert determined.status_code == 201
    cancelled = await runtime.pool.fetchval(
        "SELECT count(*) FROM timers WHERE cancelled_at IS NOT NULL")
    assert cancelled == 2

    clock.set(datetime(2026, 6, 1, tzinfo=UTC))
    assert await system.workers.timer_loops[0].tick() == 0  # cancelled timers are never due
    # A timer that fires in a race with the determination raises nothing either.
    (opened,) = await events_of(runtime, "EvaluationOpened")
    fire = deadlines.fire_of(runtime)
    async with runtime.pool.acquire() as conn, conn.transaction():
        for timer in deadlines.timers_for(opened.data, rules_of(runtime)):
            await fire(conn, timer)
    assert await count_is(runtime, "EvaluationDeadlineApproaching", 0)
    assert await count_is(runtime, "EvaluationOverdue", 0)


async def test_timers_survive_a_restart_and_a_late_warning_gives_way_to_overdue(
        isolation, referrals):
    first = await isolation.system([service], clock=FixedClock(DAY_AFTER_CONSENT),
                                   workers=True)
    await referrals.open_evaluation(first.runtime("evaluation"))
    await first.stop()
    isolation.systems.remove(first)

    later = FixedClock(datetime(2026, 5, 10, 8, tzinfo=UTC))
    system = await isolation.system([service], clock=later, workers=True)
    runtime = system.runtime("evaluation")
    await eventually(lambda: count_is(runtime, "EvaluationOverdue", 1))
    await asyncio.sleep(0.5)
    assert await count_is(runtime, "EvaluationDeadlineApproaching", 0)
    fired = await runtime.pool.fetchval("SELECT count(*) FROM timers WHERE fired_at IS NOT NULL")
    assert fired == 2
