"""Dates of record through the API on a real database: every act is dated by the day it
happened (`occurred_on`, or the request's own date field naming the same day) and kept on
its event; a future day, a day before the act it follows, and a late entry without a
reason are 409s a person can act on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from delivery_people import Desk, consented_plan
from iep_kernel.clock import FixedClock
from iep_services_delivery.service import service

JULY = datetime(2026, 7, 1, 12, tzinfo=UTC)  # 44 days after the service's first Monday


@pytest.fixture
async def system(isolation):
    return await isolation.system([service], clock=FixedClock(JULY))


@pytest.fixture
def runtime(system):
    return system.runtime("services-delivery")


@pytest.fixture
async def desk(system, runtime):
    await consented_plan(runtime)
    return Desk(system)


async def recorded(runtime, event_type: str) -> list:
    return [e.data for e in await runtime.store.read_all(0) if e.event_type == event_type]


async def test_a_session_dated_in_the_future_is_409(desk):
    refused = await desk.post("/sessions", {"schedule_id": await desk.schedule_id(),
                                            "occurred_on": "2026-07-02", "outcome": "delivered"})
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "A speech language pathology session is dated July 2, 2026, after today (July 1, "
        "2026); an act is recorded once it has happened.")


async def test_a_session_before_its_service_starts_is_409(desk):
    refused = await desk.post("/sessions", {"schedule_id": await desk.schedule_id(),
                                            "occurred_on": "2026-05-11", "outcome": "delivered"})
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "A speech language pathology session is dated May 11, 2026, before the start of the "
        "speech language pathology service on May 18, 2026; it cannot come first, so check "
        "the date.")


async def test_a_late_session_needs_a_reason_and_its_event_keeps_it(desk, runtime):
    schedule_id = await desk.schedule_id()
    late = {"schedule_id": schedule_id, "occurred_on": "2026-05-18", "outcome": "delivered"}
    refused = await desk.post("/sessions", late)
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "A speech language pathology session happened on May 18, 2026, 44 days ago; an entry "
        "more than 30 days after the act needs a late_entry_reason saying why it is recorded "
        "only now.")
    assert await recorded(runtime, "SessionDelivered") == []
    accepted = await desk.post("/sessions", {**late, "late_entry_reason": "paper log found"})
    assert accepted.status_code == 201, accepted.text
    (session,) = await recorded(runtime, "SessionDelivered")
    assert (session.occurred_on.isoformat(), session.session_on.isoformat(),
            session.late_entry_reason) == ("2026-05-18", "2026-05-18", "paper log found")


async def test_a_backdated_session_counts_in_the_week_it_happened(desk, runtime):
    schedule_id = await desk.schedule_id()
    logged = await desk.post("/sessions", {"schedule_id": schedule_id, "outcome": "delivered",
                                           "occurred_on": "2026-06-10"})
    assert logged.status_code == 201, logged.text
    (speech,) = logged.json()["schedules"]
    (week,) = [p for p in speech["periods"] if p["starts_on"] == "2026-06-08"]
    assert (week["minutes_delivered"], week["under_delivered"]) == (30, False)
    (session,) = await recorded(runtime, "SessionDelivered")
    assert (session.session_on.isoformat(), session.late_entry_reason) == ("2026-06-10", None)


async def test_a_session_without_a_date_is_dated_today(desk, runtime):
    logged = await desk.post("/sessions", {"schedule_id": await desk.schedule_id(),
                                           "outcome": "delivered"})
    assert logged.status_code == 201, logged.text
    (session,) = await recorded(runtime, "SessionDelivered")
    assert session.occurred_on.isoformat() == session.session_on.isoformat() == "2026-07-01"


async def test_session_on_and_a_different_occurred_on_is_422_naming_occurred_on(desk):
    refused = await desk.post("/sessions", {
        "schedule_id": await desk.schedule_id(), "outcome": "delivered",
        "session_on": "2026-06-29", "occurred_on": "2026-06-30"})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["occurred_on"]
    same = await desk.post("/sessions", {
        "schedule_id": await desk.schedule_id(), "outcome": "delivered",
        "session_on": "2026-06-29", "occurred_on": "2026-06-29"})
    assert same.status_code == 201, same.text


async def test_an_observation_in_the_future_or_late_without_reason_is_409(desk, runtime):
    future = await desk.post("/observations", {"goal_id": "g1", "occurred_on": "2026-07-03",
                                               "value": 50})
    assert future.status_code == 409
    assert "after today (July 1, 2026)" in future.json()["detail"]
    late = {"goal_id": "g1", "observed_on": "2026-05-20", "value": 50}
    refused = await desk.post("/observations", late)
    assert refused.status_code == 409
    assert "needs a late_entry_reason" in refused.json()["detail"]
    accepted = await desk.post("/observations", {**late, "late_entry_reason": "probe sheets"})
    assert accepted.status_code == 201, accepted.text
    (observed,) = await recorded(runtime, "GoalProgressObserved")
    assert (observed.occurred_on.isoformat(), observed.late_entry_reason) == (
        "2026-05-20", "probe sheets")


async def test_compensatory_minutes_before_the_session_they_make_up_are_409(desk, runtime):
    schedule_id = await desk.schedule_id()
    missed = await desk.post("/sessions", {"schedule_id": schedule_id, "outcome": "missed",
                                           "cause": "provider_absent",
                                           "occurred_on": "2026-06-15"})
    assert missed.status_code == 201, missed.text
    early = {"schedule_id": schedule_id, "occurred_on": "2026-06-12", "minutes": 30}
    refused = await desk.post("/compensatory-sessions", early)
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "A compensatory session of speech language pathology is dated June 12, 2026, before "
        "the first missed session they make up on June 15, 2026; it cannot come first, so "
        "check the date.")
    made_up = await desk.post("/compensatory-sessions", {**early, "occurred_on": "2026-06-17"})
    assert made_up.status_code == 201, made_up.text
    (delivered,) = await recorded(runtime, "CompensatoryMinutesDelivered")
    assert delivered.occurred_on.isoformat() == delivered.delivered_on.isoformat() == (
        "2026-06-17")
