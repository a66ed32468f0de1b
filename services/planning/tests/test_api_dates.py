"""Dates of record through a real app on a real database: an act is recorded with the day it
happened, after it happened, in the law's order, and a late entry says why; deadlines run
from the act, so a plan written long ago is overdue for review and its timer fires."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime

import pytest
from iep_kernel.clock import FixedClock
from iep_kernel.testing.waiting import eventually
from iep_planning.service import service
from planning_people import CONTENT, TEAM, Desk, open_case

MAY_FIRST = datetime(2026, 5, 1, 12, tzinfo=UTC)
LATE = "the paper file reached the district office only now"


@pytest.fixture
async def system(isolation):
    return await isolation.system([service], clock=FixedClock(MAY_FIRST), workers=True)


@pytest.fixture
async def desk(system):
    return Desk(system, await open_case(system.runtime("planning")))


async def scheduled(desk: Desk) -> str:
    response = await desk.schedule()  # for 10 May 2026
    assert response.status_code == 201, response.text
    return str(response.json()["meetings"][0]["meeting_id"])


async def events_of(desk: Desk, event_type: str) -> list:
    store = desk.system.runtime("planning").store
    return [e for e in await store.read_all(0) if e.event_type == event_type]


async def test_a_meeting_is_recorded_as_held_yesterday(desk):
    meeting_id = await scheduled(desk)
    desk.set_today(date(2026, 5, 11))
    held = await desk.post(f"/meetings/{meeting_id}/held",
                           {"attendees": TEAM, "occurred_on": "2026-05-10"})
    assert held.status_code == 200, held.text
    assert held.json()["meetings"][0]["held"]["held_on"] == "2026-05-10"
    (event,) = await events_of(desk, "MeetingHeld")
    assert (event.data.held_on, event.data.occurred_on, event.data.late_entry_reason) == (
        date(2026, 5, 10), date(2026, 5, 10), None)
    assert event.recorded_at.date() >= date.today()  # the server's instant, not the act's


async def test_a_meeting_cannot_be_recorded_as_held_tomorrow(desk):
    meeting_id = await scheduled(desk)
    desk.set_today(date(2026, 5, 10))
    held = await desk.post(f"/meetings/{meeting_id}/held",
                           {"attendees": TEAM, "occurred_on": "2026-05-11"})
    assert (held.status_code, held.json()["detail"]) == (
        409, "The meeting is dated May 11, 2026, after today (May 10, 2026); an act is "
             "recorded once it has happened.")


async def test_a_late_entry_without_a_reason_is_refused_and_with_one_kept(desk):
    meeting_id = await scheduled(desk)
    desk.set_today(date(2026, 6, 20))  # 41 days after the meeting
    body = {"attendees": TEAM, "occurred_on": "2026-05-10"}
    refused = await desk.post(f"/meetings/{meeting_id}/held", body)
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "The meeting happened on May 10, 2026, 41 days ago; an entry more than 30 days after "
        "the act needs a late_entry_reason saying why it is recorded only now.")
    held = await desk.post(f"/meetings/{meeting_id}/held", {**body, "late_entry_reason": LATE})
    assert held.status_code == 200, held.text
    (event,) = await events_of(desk, "MeetingHeld")
    assert (event.data.occurred_on, event.data.late_entry_reason) == (date(2026, 5, 10), LATE)


async def test_a_plan_finalized_400_days_back_is_overdue_for_review_and_its_timer_fires(desk):
    meeting_id = await scheduled(desk)
    desk.set_today(date(2027, 6, 14))  # 400 days after the meeting of 10 May 2026
    back = {"occurred_on": "2026-05-10", "late_entry_reason": LATE}
    held = await desk.post(f"/meetings/{meeting_id}/held", {"attendees": TEAM, **back})
    assert held.status_code == 200, held.text
    plan_id = await desk.draft(copy.deepcopy(CONTENT))
    unexplained = await desk.finalize(plan_id, meeting_id, occurred_on="2026-05-10")
    assert unexplained.status_code == 409
    assert "400 days ago" in unexplained.json()["detail"]
    finalized = await desk.finalize(plan_id, meeting_id, **back)
    assert finalized.status_code == 200, finalized.text

    case = (await desk.read()).json()
    review = case["annual_review"]
    assert (review["due_on"], review["met"], review["overdue"]) == ("2027-05-10", False, True)
    notices = await events_of(desk, "PriorWrittenNoticeIssued")
    assert {n.data.issued_on for n in notices} == {date(2026, 5, 10)}  # with the plan
    runtime = desk.system.runtime("planning")

    async def raised() -> bool:
        return len(await events_of(desk, "AnnualReviewOverdue")) == 1

    await eventually(raised)
    (overdue,) = await events_of(desk, "AnnualReviewOverdue")
    assert overdue.data.due_on == date(2027, 5, 10)
    listed = await desk.client.get("/api/planning/cases", params={"review_overdue": "true"},
                                   headers=desk.staff())
    assert [c["student_id"] for c in listed.json()] == ["S-1001"]
    assert await runtime.pool.fetchval(
        "SELECT count(*) FROM timers WHERE kind = 'review_overdue' AND fired_at IS NULL") == 0


async def filed(desk: Desk) -> str:
    await desk.in_effect()
    desk.set_today(date(2026, 9, 1))
    response = await desk.file()
    assert response.status_code == 201, response.text
    return f"/disputes/{response.json()['disputes'][0]['dispute_id']}"


async def test_a_dispute_step_dated_before_its_filing_is_refused(desk):
    path = await filed(desk)
    desk.set_today(date(2026, 9, 8))
    met = await desk.post(f"{path}/resolution-meeting",
                          {"occurred_on": "2026-08-31", "resolved": False})
    assert (met.status_code, met.json()["detail"]) == (
        409, "The resolution meeting is dated August 31, 2026, before the due process "
             "complaint's filing on September 1, 2026; it cannot come first, so check the "
             "date.")
    response = await desk.post(f"{path}/response", {
        "explanation": "e", "records_used": ["r"], "occurred_on": "2026-08-30",
        "options_considered": [{"option": "o", "why_rejected": "w"}]})
    assert response.status_code == 409
    assert "before the due process complaint's filing" in response.json()["detail"]


async def test_a_step_naming_two_different_days_is_a_422_on_occurred_on(desk):
    path = await filed(desk)
    desk.set_today(date(2026, 9, 8))
    met = await desk.post(f"{path}/resolution-meeting", {
        "held_on": "2026-09-08", "occurred_on": "2026-09-07", "resolved": False})
    assert met.status_code == 422
    assert [e["field"] for e in met.json()["errors"]] == ["occurred_on"]
    same = await desk.post(f"{path}/resolution-meeting", {
        "held_on": "2026-09-07", "occurred_on": "2026-09-07", "resolved": False})
    assert same.status_code == 200, same.text


async def test_a_dispute_entered_late_runs_its_deadlines_from_the_filing(desk):
    await desk.in_effect()
    desk.set_today(date(2026, 10, 15))
    unexplained = await desk.file(occurred_on="2026-09-01")
    assert unexplained.status_code == 409
    assert "needs a late_entry_reason" in unexplained.json()["detail"]
    response = await desk.file(occurred_on="2026-09-01", late_entry_reason=LATE)
    assert response.status_code == 201, response.text
    (dispute,) = response.json()["disputes"]
    deadlines = {d["deadline"]: (d["due_on"], d["overdue"]) for d in dispute["deadlines"]}
    assert deadlines["response"] == ("2026-09-11", True)
    assert deadlines["resolution_meeting"] == ("2026-09-16", True)
