"""Two times on every fact: an act's date beside the day it was recorded. The compliance
dashboard lists each act recorded more than the district's late-entry window after it
happened, per school and in total, with how late; the case file's timeline shows both
dates, and the reason to staff. The acts are appended to the referral service's log as it
records them and reach the views through its relay and the broker."""

import uuid
from datetime import UTC, date, timedelta
from typing import Any

from iep_kernel.events import SYSTEM_ACTOR, Act, Actor, Metadata
from iep_referral.domain import events as referral
from iep_views.app.projection import rebuild_cases

from .conftest import Desk
from .test_rebuild import snapshot


class ReferralMade(referral.ReferralMade, Act):
    """The referral service's event as an act dated by its producer (whichever version of
    the referral service is installed)."""


def referral_of(student_id: str, school_id: str, occurred_on: date,
                reason: str | None) -> ReferralMade:
    return ReferralMade(
        student_id=student_id, referral_id=f"r-{student_id}", school_id=school_id,
        student=referral.Student(district_student_id=student_id, name="Maria Lopez",
                                 date_of_birth=date(2017, 5, 14), grade="3",
                                 school_id=school_id, primary_language="en"),
        guardians=(referral.Guardian(guardian_id=f"g-{student_id}", name="Ana Lopez",
                                     preferred_language="en"),),
        referred_by=referral.Referrer(name="Grace Park", role="teacher"),
        concerns=referral.Concerns(text="struggles to decode words", areas=("schoolwork",)),
        referred_on=occurred_on, occurred_on=occurred_on, late_entry_reason=reason)


TEACHER = Actor(id="teacher-1", role="teacher")


async def record(desk: Desk, event: ReferralMade, actor: Actor = TEACHER) -> int:
    """Append as the referral service records it; the event's global position."""
    store = desk.system.runtime("referral").store
    done = await store.append(f"referral-{event.referral_id}", 0, [event], Metadata(
        actor=actor,
        correlation_id=f"corr-{uuid.uuid4().hex[:8]}"))
    return done.last_position


def recorded_day(desk: Desk) -> date:
    # Lateness counts to the district's date of recording: the district clock's (the
    # test's) when the referral service appends, as its own late-entry check counts.
    return desk.clock.now().astimezone(UTC).date()


async def test_acts_recorded_past_the_window_are_listed_as_a_risk_with_how_late(
        desk: Desk) -> None:
    today = recorded_day(desk)
    await record(desk, referral_of("stu-late", "sch-1", today - timedelta(45),
                                   "the form was found in a drawer"))
    await record(desk, referral_of("stu-later", "sch-2", today - timedelta(60), None))
    await record(desk, referral_of("stu-on-time", "sch-1", today - timedelta(3), None))
    # appended by the system (a process manager), dated by the act that caused it
    last = await record(desk, referral_of("stu-follow-on", "sch-1", today - timedelta(50),
                                          None), SYSTEM_ACTOR)
    await desk.caught_up("referral", last)
    admin = desk.staff("administrator", schools=())

    body = (await desk.view("compliance", admin)).json()
    assert body["late_entry_days"] == 30
    assert body["totals"]["late_entries"] == 2
    one, two = body["schools"]
    late = one["late_entries"]
    assert late["rule"].startswith("recorded more than 30 days after the act")
    assert late["count"] == 1
    (entry,) = late["entries"]
    assert entry["student_id"] == "stu-late" and entry["event_type"] == "ReferralMade"
    assert entry["occurred_on"] == (today - timedelta(45)).isoformat()
    assert (entry["recorded_on"], entry["days_late"]) == (today.isoformat(), 45)
    assert entry["late_entry_reason_given"] is True
    assert "drawer" not in str(body)  # the reason's text is not on the dashboard
    (later,) = two["late_entries"]["entries"]
    assert (later["student_id"], later["late_entry_reason_given"]) == ("stu-later", False)
    assert later["days_late"] == 60

    # a teacher of one school sees that school's only
    mine = (await desk.view("compliance", desk.staff("teacher", schools=("sch-2",)))).json()
    assert mine["totals"]["late_entries"] == 1
    assert [s["late_entries"]["count"] for s in mine["schools"]] == [1]


async def test_the_timeline_shows_the_act_date_the_recorded_date_and_the_reason(
        desk: Desk) -> None:
    today = recorded_day(desk)
    position = await record(desk, referral_of("stu-late", "sch-1", today - timedelta(45),
                                              "the form was found in a drawer"))
    await desk.caught_up("referral", position)
    body = (await desk.view("students/stu-late", desk.staff())).json()
    (entry,) = body["timeline"]
    assert entry["on"] == entry["occurred_on"] == (today - timedelta(45)).isoformat()
    assert entry["recorded_on"] == today.isoformat() and entry["recorded_at"]
    assert entry["days_late"] == 45 and entry["late_entry"] is True
    assert entry["personal"]["late_entry_reason"] == "the form was found in a drawer"
    assert body["referral"]["referred_on"] == entry["occurred_on"]


async def test_rebuilt_late_entries_equal_the_live_ones(desk: Desk) -> None:
    today = recorded_day(desk)
    await record(desk, referral_of("stu-late", "sch-1", today - timedelta(45), "found late"))
    last = await record(desk, referral_of("stu-on-time", "sch-1", today, None))
    await desk.caught_up("referral", last)
    runtime = desk.system.runtime("views")
    live: dict[str, Any] = await snapshot(runtime.pool)
    late, on_time = live["case_events"]
    assert late["days_late"] == 45 and late["late_entry_reason_given"] is True
    assert on_time["days_late"] == 0 and on_time["late_entry_reason_given"] is False
    await rebuild_cases(runtime, workers=1)
    assert await snapshot(runtime.pool) == live
