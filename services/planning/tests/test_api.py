"""The planning API through a real app on a real database: commands and their effects, each
422 and 409, 404 and 403, who may see what, and the record of access."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime

import pytest
from iep_kernel.auth import ROLES
from iep_kernel.clock import FixedClock
from iep_kernel.permissions import route_permissions, unguarded_routes
from iep_planning.service import service
from planning_people import CONTENT, LUIS, MARIA, NOTICE, READING, TEAM, Desk, open_case

MAY_FIRST = datetime(2026, 5, 1, 12, tzinfo=UTC)


@pytest.fixture
async def system(isolation):
    return await isolation.system([service], clock=FixedClock(MAY_FIRST))


@pytest.fixture
async def desk(system):
    return Desk(system, await open_case(system.runtime("planning")))


async def events(system, event_type: str) -> list:
    store = system.runtime("planning").store
    return [e for e in await store.read_all(0) if e.event_type == event_type]


# -- commands ----------------------------------------------------------------------------

async def test_a_scheduled_meeting_is_shown_and_each_guardian_gets_notice_in_their_language(
        system, desk):
    response = await desk.schedule()
    assert response.status_code == 201
    (meeting,) = response.json()["meetings"]
    assert (meeting["meeting_on"], meeting["starts_at"], meeting["purposes"]) == (
        "2026-05-10", "09:30:00", ["initial_plan"])
    assert response.json()["initial_meeting"] == {
        "due_on": "2026-05-15", "met": False, "overdue": False, "days_remaining": 14}
    notices = await events(system, "MeetingNoticeIssued")
    assert [(n.data.guardian_id, n.data.language) for n in notices] == [(MARIA, "es"),
                                                                       (LUIS, "en")]


async def test_from_referral_to_consent_the_plan_comes_into_effect(system, desk):
    await desk.in_effect()
    body = (await desk.read()).json()
    assert body["status"] == "in_effect"
    assert body["plan_in_effect"]["version"] == 1
    assert body["plan_in_effect"]["content"]["services"][0]["service"] == (
        "specially_designed_instruction")
    assert body["annual_review"] == {"due_on": "2027-05-10", "met": False, "overdue": False,
                                     "days_remaining": 365}
    assert body["consent"] == {"decision": "given", "guardian_id": MARIA,
                               "signed_on": "2026-05-10", "services_stop_on": None}
    (written,) = await events(system, "PlanWritten")
    assert written.data.content.annual_goals[0].target == "90 words a minute"


async def test_staff_record_a_guardians_paper_form_on_their_behalf(system, desk):
    await desk.plan_written()
    response = await desk.consent(headers=desk.staff(), guardian_id=LUIS)
    assert response.status_code == 200
    (given,) = await events(system, "ConsentToServicesGiven")
    assert given.data.guardian_id == LUIS
    assert (given.metadata.actor.role, given.metadata.actor.on_behalf_of) == ("case_manager",
                                                                              LUIS)


async def test_an_amendment_is_a_new_version_and_every_version_stays_readable(system, desk):
    await desk.in_effect()
    desk.set_today(date(2026, 9, 2))
    amended = await desk.post("/amendments", {
        "changes": {"services": [READING]}, "method": "written_agreement",
        "agreement": {"guardian_id": MARIA, "signed_on": "2026-09-01"}, "notice": NOTICE})
    assert amended.status_code == 201, amended.text
    assert [v["version"] for v in amended.json()["versions"]] == [1, 2]
    first = await desk.client.get(f"{desk.case}/versions/1", headers=desk.staff())
    assert len(first.json()["content"]["services"]) == 2
    second = await desk.client.get(f"{desk.case}/versions/2", headers=desk.parent())
    assert (second.json()["amended_by"], second.json()["changed_parts"]) == (
        "written_agreement", ["services"])
    missing = await desk.client.get(f"{desk.case}/versions/3", headers=desk.staff())
    assert (missing.status_code, missing.json()["detail"]) == (
        404, "this plan has 2 versions; there is no version 3")


async def test_a_retried_schedule_with_the_same_key_schedules_one_meeting(system, desk):
    headers = {**desk.staff(), "Idempotency-Key": "schedule-1"}
    first = await desk.schedule(headers=headers)
    again = await desk.schedule(headers=headers)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert len(await events(system, "MeetingScheduled")) == 1


async def test_a_kept_reply_holds_no_readable_personal_data_and_goes_with_the_students_key(
        system, desk):
    headers = {**desk.staff(), "Idempotency-Key": "schedule-pii"}
    first = await desk.schedule(headers=headers)
    invited = first.json()["meetings"][0]["invited"][0]["name"]
    runtime = system.runtime("planning")
    kept = await runtime.pool.fetchval("SELECT body::text FROM idempotency_keys")
    assert invited not in kept and "sealed" in kept
    assert (await desk.schedule(headers=headers)).json() == first.json()

    await runtime.vault.destroy("S-1001")  # the records destruction of 34 CFR 300.624
    gone = await desk.schedule(headers=headers)
    assert gone.status_code == 410 and invited not in gone.text
    assert gone.headers["X-IEP-Position"] == str(first.json()["position"])
    assert len(await events(system, "MeetingScheduled")) == 1


# -- 422: malformed requests -------------------------------------------------------------

@pytest.mark.parametrize("change, field", [
    ({"purposes": []}, "purposes"),
    ({"purposes": ["birthday"]}, "purposes.0"),
    ({"starts_at": "after lunch"}, "starts_at"),
    ({"invited": [{"name": "Jo Park", "roles": ["janitor"]}]}, "invited.0.roles.0"),
    ({"invited": []}, "invited"),
    ({"location": ""}, "location"),
])
async def test_a_malformed_meeting_is_422_naming_the_field(desk, change, field):
    response = await desk.schedule(**change)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize("change, field", [
    ({"services": [{**READING, "ends_on": "2026-01-01"}]}, "content.services.0.ends_on"),
    ({"services": [{**READING, "minutes": 0}]}, "content.services.0.minutes"),
    ({"services": [{**READING, "service": "astrology"}]}, "content.services.0.service"),
    ({"annual_goals": [{"area": "reading"}]}, "content.annual_goals.0.statement"),
    ({"wishes": ["a pony"]}, "content.wishes"),
])
async def test_a_malformed_draft_is_422_naming_the_field(desk, change, field):
    response = await desk.post("/plans", {"content": {**copy.deepcopy(CONTENT), **change}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


async def test_staff_recording_consent_name_the_guardian_who_signed(desk):
    await desk.plan_written()
    response = await desk.consent(headers=desk.staff())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "guardian_id"


async def test_an_unknown_dispute_kind_is_422(desk):
    response = await desk.file(kind="duel")
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "kind")


async def test_staff_must_say_why_they_read_a_case(system, desk):
    response = await desk.read(headers=system.auth("case_manager", schools=["sch-1"]))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "header.X-Access-Purpose"


# -- 409: steps the case's state does not allow ------------------------------------------

async def test_holding_a_meeting_without_the_required_team_is_409_naming_who_is_missing(desk):
    meeting_id = (await desk.schedule()).json()["meetings"][0]["meeting_id"]
    desk.set_today(date(2026, 5, 10))
    response = await desk.post(f"/meetings/{meeting_id}/held", {"attendees": TEAM[:3]})
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The meeting cannot be recorded as held. It lacks a district representative and "
        "someone who can interpret the evaluation results (34 CFR 300.321(a)): add them to "
        "the attendees, or record each one's excusal with the parent's written agreement "
        "(300.321(e)).")


async def test_finalizing_an_incomplete_plan_is_409_naming_the_missing_parts(desk):
    meeting_id = await desk.meeting_held()
    plan_id = await desk.draft({"present_levels": CONTENT["present_levels"]})
    response = await desk.finalize(plan_id, meeting_id)
    assert response.status_code == 409
    assert response.json()["detail"].startswith(
        "The plan cannot be finalized: it lacks measurable annual goals (300.320(a)(2)), "
        "special education and related services (300.320(a)(4)), supplementary aids")


async def test_consent_from_someone_not_a_recorded_guardian_is_409(system, desk):
    await desk.plan_written()
    response = await desk.consent(headers=desk.staff(), guardian_id="g-neighbour")
    assert response.status_code == 409
    assert "g-neighbour is not a recorded guardian" in response.json()["detail"]


async def test_a_services_change_while_a_due_process_complaint_is_pending_is_409(desk):
    await desk.in_effect()
    desk.set_today(date(2026, 9, 1))
    filed = await desk.file()
    assert filed.status_code == 201, filed.text
    dispute_id = filed.json()["disputes"][0]["dispute_id"]
    response = await desk.post("/amendments", {
        "changes": {"services": [READING]}, "method": "written_agreement",
        "agreement": {"guardian_id": MARIA, "signed_on": "2026-09-01"}, "notice": NOTICE})
    assert response.status_code == 409
    assert response.json()["detail"].startswith(
        f"A due process complaint filed on September 1, 2026 (dispute {dispute_id}) is "
        "pending, and while it is pending the child stays in the current placement")


async def test_a_due_process_complaint_filed_too_late_is_409_with_the_reason(desk):
    response = await desk.file(knew_on="2024-04-01")
    assert response.status_code == 409
    assert "must be filed within two years" in response.json()["detail"]


async def test_a_state_complaint_about_an_old_violation_is_409(desk):
    response = await desk.file(kind="state_complaint", knew_on=None,
                               violation_on="2025-04-01")
    assert response.status_code == 409
    assert "not more than that before it is received (34 CFR 300.153(c))" in (
        response.json()["detail"])


async def test_a_due_process_complaint_without_the_childs_particulars_is_409(desk):
    response = await desk.file(particulars=None)
    assert response.status_code == 409
    assert response.json()["detail"].startswith(
        "A due process complaint states the child's name, the child's address and the school")


# -- 404 and 403: scope and roles --------------------------------------------------------

async def test_an_unknown_case_is_404(system):
    desk = Desk(system, "no-such-case")
    response = await desk.read()
    assert (response.status_code, response.json()["detail"]) == (404, "no such planning case")


async def test_staff_of_another_school_get_404_for_reads_and_commands(desk):
    elsewhere = desk.staff(schools=("sch-2",))
    assert (await desk.read(headers=elsewhere)).status_code == 404
    assert (await desk.schedule(headers=elsewhere)).status_code == 404


async def test_a_parent_reads_their_own_childs_case_and_no_other(system, desk):
    own = await desk.read(headers=desk.parent(LUIS))
    assert (own.status_code, own.json()["student_id"]) == (200, "S-1001")
    stranger = desk.parent("g-stranger")
    assert (await desk.read(headers=stranger)).status_code == 404
    assert (await desk.file(headers=stranger)).status_code == 404


async def test_a_parent_signs_only_for_themselves(desk):
    await desk.plan_written()
    response = await desk.consent(guardian_id=LUIS)
    assert (response.status_code, response.json()["detail"]) == (
        403, "a parent may sign only for themselves")


async def test_administrators_and_auditors_read_district_wide(desk):
    for role in ("administrator", "auditor"):
        assert (await desk.read(headers=desk.staff(role, schools=()))).status_code == 200


@pytest.mark.parametrize("role, path", [
    ("teacher", "/meetings"), ("parent", "/meetings"), ("auditor", "/plans"),
    ("parent", "/plans"), ("evaluator", "/disputes"), ("auditor", "/consent"),
    ("teacher", "/amendments"),
])
async def test_a_role_that_may_never_act_is_403(desk, role, path):
    headers = desk.parent() if role == "parent" else desk.staff(role)
    response = await desk.post(path, {}, headers)
    assert response.status_code == 403


async def test_every_role_on_every_route_is_allowed_or_refused_as_the_table_says(system):
    app = system.client._transport.app
    assert unguarded_routes(app) == []
    rows = route_permissions(app)
    assert {r.action for r in rows} >= {"schedule_meeting", "hold_meeting", "finalize_plan",
                                        "record_consent_to_services", "file_dispute",
                                        "record_dispute_step", "read_case", "list_cases"}
    desk = Desk(system, "no-such-case")
    for row in rows:
        path = (row.path.replace("{case_id}", "no-such-case").replace("{meeting_id}", "m")
                .replace("{plan_id}", "p").replace("{dispute_id}", "d")
                .replace("{version}", "1"))
        for role in ROLES:
            response = await system.client.request(
                row.method, path, json={}, params={"student_id": "S-1"},
                headers=desk.staff(role))
            assert (response.status_code == 403) is (role not in row.roles), (row, role)


# -- reads and lists ---------------------------------------------------------------------

async def test_every_read_is_recorded_in_the_record_of_access(system, desk):
    await desk.read()
    await system.client.get("/api/planning/cases", headers=desk.staff())
    await desk.read(headers=desk.parent())
    accesses = await system.client.get("/api/planning/record-accesses",
                                       params={"student_id": "S-1001"},
                                       headers=desk.parent())
    assert [(a["accessor_role"], a["resource"]) for a in accesses.json()] == [
        ("case_manager", f"planning-case/{desk.case.rsplit('/', 1)[1]}"),
        ("case_manager", "planning-cases"),
        ("parent", f"planning-case/{desk.case.rsplit('/', 1)[1]}")]


async def test_personal_fields_are_ciphertext_at_rest(system, desk):
    await desk.plan_written()
    stored = await system.runtime("planning").pool.fetchval(
        "SELECT payload::text FROM events WHERE event_type = 'PlanWritten'")
    assert "first-grade" not in stored and "90 words" not in stored
    assert '"minutes": 45' in stored


async def test_the_list_finds_meetings_overdue_and_keeps_to_the_callers_reach(system, desk):
    runtime = system.runtime("planning")
    await open_case(runtime, "S-2002", "sch-2", guardians=(("g-other", "vi"),))
    listed = await system.client.get("/api/planning/cases", headers=desk.staff())
    assert [c["student_id"] for c in listed.json()] == ["S-1001"]
    everyone = desk.staff("administrator", schools=())
    assert len((await system.client.get("/api/planning/cases", headers=everyone)).json()) == 2
    desk.set_today(date(2026, 5, 16))
    overdue = await system.client.get("/api/planning/cases", headers=everyone,
                                      params={"meeting_overdue": "true"})
    assert [c["initial_meeting"]["overdue"] for c in overdue.json()] == [True, True]
    await desk.schedule(meeting_on="2026-05-16")
    await desk.post(f"/meetings/{(await desk.read()).json()['meetings'][0]['meeting_id']}"
                    "/held", {"attendees": TEAM})
    overdue = await system.client.get("/api/planning/cases", headers=everyone,
                                      params={"meeting_overdue": "true"})
    assert [c["student_id"] for c in overdue.json()] == ["S-2002"]
    own = await system.client.get("/api/planning/cases", headers=desk.parent("g-other"))
    assert [c["student_id"] for c in own.json()] == ["S-2002"]

