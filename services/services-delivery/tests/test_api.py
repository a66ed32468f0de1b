"""The services-delivery API through a real app on a real database: the worker's schedules
from planning's events, each 422 and 409, 404 and 403, who may see what."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from delivery_people import (
    LUIS,
    MARIA,
    SPEECH,
    STUDENT,
    Desk,
    consent_given,
    consented_plan,
    deliver,
    plan_amended,
    plan_written,
    planning_opened,
    stop_notice,
)
from iep_kernel.auth import ROLES
from iep_kernel.clock import FixedClock
from iep_kernel.consumer import Outcome
from iep_kernel.permissions import route_permissions, unguarded_routes
from iep_services_delivery.service import service

JUNE = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
async def system(isolation):
    return await isolation.system([service], clock=FixedClock(JUNE))


@pytest.fixture
def runtime(system):
    return system.runtime("services-delivery")


@pytest.fixture
async def desk(system, runtime):
    await consented_plan(runtime)
    return Desk(system)


async def events(runtime, event_type: str) -> list:
    return [e for e in await runtime.store.read_all(0) if e.event_type == event_type]


# -- the worker --------------------------------------------------------------------------

async def test_a_consented_plan_schedules_its_services(desk):
    body = (await desk.read()).json()
    (speech,) = body["schedules"]
    assert (speech["service"], speech["minutes_per_session"], speech["period"],
            speech["starts_on"]) == ("speech_language_pathology", 30, "week", "2026-05-18")
    assert body["plan_in_effect"]["report_dates"][0] == "2026-08-12"
    assert [g["goal_id"] for g in body["goals"]] == ["g1", "g2"]


async def test_redelivered_planning_events_have_no_second_effect(runtime, desk):
    written, consent = plan_written(), consent_given()
    assert await deliver(runtime, written, consent) == [Outcome.APPLIED, Outcome.APPLIED]
    assert await deliver(runtime, written, consent) == [Outcome.DUPLICATE, Outcome.DUPLICATE]
    assert len(await events(runtime, "ServiceScheduled")) == 1


async def test_a_plan_without_consent_schedules_nothing(system, runtime):
    await deliver(runtime, planning_opened(), plan_written())
    body = (await Desk(system).read()).json()
    assert (body["schedules"], body["awaiting_consent"]) == ([], True)


async def test_an_amendment_and_a_stop_notice_end_schedules(runtime, desk):
    old = await desk.schedule_id()
    await deliver(runtime, plan_amended([{**SPEECH, "minutes": 45}], "2026-06-01"))
    body = (await desk.read()).json()
    ended = next(s for s in body["schedules"] if s["schedule_id"] == old)
    assert (ended["ended_on"], ended["end_reason"]) == ("2026-05-31", "plan_amended")
    await deliver(runtime, stop_notice("2026-10-01"), stop_notice("2026-10-01", LUIS))
    body = (await desk.read()).json()
    assert body["stopped_on"] == "2026-10-01"
    assert len(await events(runtime, "ServicesStopped")) == 1


# -- sessions ----------------------------------------------------------------------------

async def test_a_missed_session_is_owed_back_and_shown_in_compliance(desk, runtime):
    schedule_id = await desk.schedule_id()
    assert (await desk.log(schedule_id, "2026-05-18")).status_code == 201
    missed = await desk.log(schedule_id, "2026-05-25", "missed", cause="provider_absent",
                            note="provider out sick")
    assert missed.status_code == 201, missed.text
    (speech,) = missed.json()["schedules"]
    assert (speech["minutes_delivered"], speech["minutes_missed"],
            speech["compensatory_owed"]) == (30, 30, 30)
    assert speech["missed_by_cause"] == {"provider_absent": 30}
    (owed,) = await events(runtime, "CompensatoryMinutesOwed")
    assert owed.data.minutes == 30
    made_up = await desk.post("/compensatory-sessions", {
        "schedule_id": schedule_id, "delivered_on": "2026-05-28", "minutes": 30})
    assert made_up.status_code == 201
    assert made_up.json()["schedules"][0]["compensatory_owed"] == 0


async def test_a_second_log_is_409_unless_it_corrects_the_first(desk, runtime):
    schedule_id = await desk.schedule_id()
    await desk.log(schedule_id, "2026-05-18")
    again = await desk.log(schedule_id, "2026-05-18")
    assert again.status_code == 409
    assert again.json()["detail"] == (
        "A speech language pathology session on May 18, 2026 is already logged (delivered, "
        "30 minutes); to change it, log it again with a correction_reason.")
    corrected = await desk.log(schedule_id, "2026-05-18", "missed", cause="student_absent",
                               correction_reason="logged under the wrong student")
    assert corrected.status_code == 201
    assert corrected.json()["sessions"][0]["corrections"] == 1
    assert len(await events(runtime, "SessionDelivered")) == 1  # the original is kept
    assert len(await events(runtime, "SessionCorrected")) == 1


@pytest.mark.parametrize(("day", "changes", "sentence"), [
    ("2026-05-15", {}, "before the start of the speech language pathology service on May 18"),
    ("2026-06-02", {}, "after today (June 1, 2026); an act is recorded once it has happened"),
    ("2026-05-18", {"minutes": 45}, "30 minutes in the plan"),
    ("2026-05-18", {"correction_reason": "typo"}, "nothing to correct"),
])
async def test_sessions_the_schedule_does_not_allow_are_409(desk, day, changes, sentence):
    refused = await desk.log(await desk.schedule_id(), day, **changes)
    assert refused.status_code == 409
    assert sentence in refused.json()["detail"]


async def test_a_second_session_in_a_weekly_service_week_is_409(desk):
    schedule_id = await desk.schedule_id()
    await desk.log(schedule_id, "2026-05-18")
    refused = await desk.log(schedule_id, "2026-05-20")
    assert refused.status_code == 409
    assert "1 session(s) from May 18, 2026 to May 24, 2026" in refused.json()["detail"]


async def test_more_compensatory_minutes_than_owed_is_409(desk):
    refused = await desk.post("/compensatory-sessions", {
        "schedule_id": await desk.schedule_id(), "delivered_on": "2026-05-28",
        "minutes": 10})
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("0 compensatory minutes")


@pytest.mark.parametrize(("body", "field"), [
    ({"outcome": "missed"}, "cause"),
    ({"outcome": "delivered", "cause": "student_absent"}, "cause"),
    ({"outcome": "sideways"}, "outcome"),
    ({"outcome": "delivered", "minutes": -5}, "minutes"),
    ({"outcome": "delivered", "session_on": "yesterday"}, "session_on"),
    ({"outcome": "delivered", "surprise": 1}, "surprise"),
    ({"outcome": "missed", "cause": "weather"}, "cause"),
])
async def test_malformed_sessions_are_422_with_field_messages(desk, body, field):
    refused = await desk.post("/sessions", {"schedule_id": await desk.schedule_id(),
                                            "session_on": "2026-05-18", **body})
    assert refused.status_code == 422
    assert any(e["field"].startswith(field) for e in refused.json()["errors"]), refused.text


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/compensatory-sessions", {"schedule_id": "x", "delivered_on": "2026-05-28",
                                "minutes": 0}, "minutes"),
    ("/observations", {"goal_id": "g1", "observed_on": "2026-05-28"}, "value"),
    ("/observations", {"goal_id": "g1", "observed_on": "2026-05-28", "value": "lots"},
     "value"),
    ("/progress-reports", {"report_id": "has space"}, "report_id"),
])
async def test_malformed_bodies_are_422(desk, path, body, field):
    refused = await desk.post(path, body)
    assert refused.status_code == 422
    assert any(e["field"].startswith(field) for e in refused.json()["errors"]), refused.text


async def test_an_observation_of_a_goal_the_plan_lacks_is_409(desk):
    refused = await desk.post("/observations", {"goal_id": "g9", "observed_on": "2026-05-28",
                                                "value": 3})
    assert refused.status_code == 409
    assert refused.json()["detail"] == "The plan in effect has goals g1, g2; there is no goal g9."


async def test_issuing_a_report_before_one_is_due_is_409(desk):
    refused = await desk.post("/progress-reports", {})
    assert refused.status_code == 409
    assert refused.json()["detail"] == ("No progress report is due for this student; the next "
                                        "is due on August 12, 2026.")


async def test_an_unknown_schedule_is_404(desk):
    refused = await desk.log("no-such-schedule", "2026-05-18")
    assert refused.status_code == 404


# -- who may act and see -----------------------------------------------------------------

async def test_a_provider_of_another_school_gets_404_and_a_parent_403(desk):
    schedule_id = await desk.schedule_id()
    elsewhere = await desk.log(schedule_id, "2026-05-18",
                               headers=desk.staff(schools=("sch-other",)))
    assert elsewhere.status_code == 404
    parent = await desk.log(schedule_id, "2026-05-18", headers=desk.parent())
    assert parent.status_code == 403


async def test_parents_read_only_their_own_childs_services(system, runtime, desk):
    assert (await desk.read(desk.parent(MARIA))).status_code == 200
    assert (await desk.read(desk.parent("g-stranger"))).status_code == 404
    staff_elsewhere = await desk.read(desk.staff("teacher", ("sch-other",)))
    assert staff_elsewhere.status_code == 404
    no_purpose = await desk.client.get(desk.path, headers=system.auth("teacher", "t", [
        "sch-1"]))
    assert no_purpose.status_code == 422
    accesses = await desk.client.get("/api/services-delivery/record-accesses",
                                     params={"student_id": STUDENT},
                                     headers=desk.parent(MARIA))
    assert accesses.status_code == 200 and len(accesses.json()) >= 1


def test_every_route_decides_every_role():
    assert unguarded_routes_of_service() == []
    for route in route_permissions(service.router):
        assert set(route.roles) <= set(ROLES)


def unguarded_routes_of_service() -> list:
    from fastapi import FastAPI

    app = FastAPI()
    app.include_router(service.router)
    return [r for r in unguarded_routes(app) if "/api/services-delivery" in str(r)]


async def test_the_day_is_the_service_clocks(desk):
    desk.set_today(date(2026, 5, 19))
    schedule_id = await desk.schedule_id()
    assert (await desk.log(schedule_id, "2026-05-20")).status_code == 409


# -- progress reports --------------------------------------------------------------------

async def test_a_report_pdf_is_served_in_the_readers_language_once_issued(system, runtime,
                                                                          desk):
    from iep_kernel.timers import TimerLoop
    from iep_services_delivery.app.timers import fire_of

    desk.set_today(date(2026, 8, 12))
    await TimerLoop(runtime, fire_of(runtime)).tick(datetime(2026, 8, 12, 12, tzinfo=UTC))
    (report,) = (await desk.read()).json()["reports"]
    pdf_path = f"/api/services-delivery/progress-reports/{report['report_id']}.pdf"
    not_yet = await desk.client.get(pdf_path, headers=desk.staff())
    assert not_yet.status_code == 404
    issued = await desk.post("/progress-reports", {"report_id": report["report_id"]},
                             desk.staff("case_manager"))
    assert issued.status_code == 201, issued.text
    assert issued.json()["reports"][0]["pdf"] == pdf_path
    again = await desk.post("/progress-reports", {"report_id": report["report_id"]},
                            desk.staff("case_manager"))
    assert again.status_code == 409
    father = await desk.client.get(pdf_path, headers=desk.parent(LUIS))
    assert father.status_code == 200 and b"Progress report on annual goals" in father.content
    mother = await desk.client.get(pdf_path, headers=desk.parent(MARIA))
    assert b"Informe de progreso" in mother.content
    staff = await desk.client.get(pdf_path, params={"language": "es"}, headers=desk.staff())
    assert b"Informe de progreso" in staff.content
    unknown = await desk.client.get("/api/services-delivery/progress-reports/nope.pdf",
                                    headers=desk.staff())
    assert unknown.status_code == 404
    elsewhere = await desk.client.get(pdf_path, headers=desk.staff("teacher", ("sch-9",)))
    assert elsewhere.status_code == 404


async def test_a_correction_that_changes_nothing_is_409(desk):
    schedule_id = await desk.schedule_id()
    await desk.log(schedule_id, "2026-05-18")
    same = await desk.log(schedule_id, "2026-05-18", correction_reason="checking")
    assert same.status_code == 409
    assert same.json()["detail"] == "The correction is the same as the session already logged."


async def test_compensatory_minutes_in_the_future_are_409(desk):
    refused = await desk.post("/compensatory-sessions", {
        "schedule_id": await desk.schedule_id(), "delivered_on": "2026-06-05", "minutes": 5})
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "A compensatory session of speech language pathology is dated June 5, 2026, after today "
        "(June 1, 2026); an act is recorded once it has happened.")


async def test_an_observation_dated_before_the_plan_is_409(desk):
    refused = await desk.post("/observations", {"goal_id": "g1", "observed_on": "2026-04-01",
                                                "value": 3})
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "An observation of goal g1 is dated April 1, 2026, before the start of the plan in "
        "effect on May 12, 2026; it cannot come first, so check the date.")


async def test_progress_before_a_plan_is_in_effect_is_409(system, runtime):
    await deliver(runtime, planning_opened(), plan_written())
    desk = Desk(system)
    refused = await desk.post("/observations", {"goal_id": "g1", "observed_on": "2026-05-28",
                                                "value": 3})
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("No plan is in effect for this student")
