"""The referral API on a real PostgreSQL: commands, their 422s and 409s, idempotency, and
what the log and the query table hold afterwards."""

import asyncio

import pytest


async def test_referral_is_made_with_safeguards_notices_and_listed(desk):
    response = await desk.make()
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "referred"
    assert body["referred_on"] == "2026-03-02"  # today, by the service clock
    assert body["guardian_ids"] == ["g-1", "g-2"]
    assert body["position"] >= 1 and response.headers["X-IEP-Position"] == str(body["position"])
    assert "student" not in body  # command answers carry no personal data
    events = await desk.events()
    assert [e.event_type for e in events] == [
        "StudentRegistered", "ReferralMade", "ProceduralSafeguardsNoticeGiven",
        "ProceduralSafeguardsNoticeGiven"]
    assert {e.student_id for e in events} == {"stu-100"}
    listed = (await desk.find()).json()
    assert [r["referral_id"] for r in listed] == [body["referral_id"]]


async def test_whole_referral_reads_back_with_its_personal_data(desk):
    referral_id = await desk.made()
    await desk.ask(referral_id)
    view = (await desk.read(referral_id)).json()
    assert view["student"]["name"] == "Maria Lopez"
    assert view["student"]["date_of_birth"] == "2017-05-14"
    assert view["guardians"][0]["email"] == "ana.lopez@example.org"
    assert view["concerns"]["areas"] == ["schoolwork", "attention"]
    assert view["status"] == "consent_requested"
    assert [(n["notice"], n["guardian_id"], n["language"]) for n in view["notices"]] == [
        ("procedural_safeguards", "g-1", "es"), ("procedural_safeguards", "g-2", "en"),
        ("prior_written_notice", "g-1", "es"), ("prior_written_notice", "g-2", "en")]


async def test_personal_fields_are_sealed_at_rest_and_absent_from_the_query_table(desk):
    referral_id = await desk.made()
    runtime = desk.system.runtime("referral")
    stored = await runtime.pool.fetchval(
        "SELECT payload::text FROM events WHERE event_type = 'ReferralMade'")
    for personal in ("Maria", "2017-05-14", "ana.lopez", "555", "Grace", "decode"):
        assert personal not in stored
    assert '"school_id": "sch-1"' in stored
    row = await runtime.pool.fetchrow("SELECT * FROM referrals WHERE referral_id = $1",
                                      referral_id)
    assert "Maria" not in str(dict(row))


async def test_after_records_destruction_personal_fields_read_as_destroyed(desk):
    referral_id = await desk.made()
    assert await desk.system.runtime("referral").vault.destroy("stu-100") == 1
    response = await desk.read(referral_id)
    assert response.status_code == 200
    view = response.json()
    assert view["student"]["name"] == view["student"]["date_of_birth"] == "[destroyed]"
    assert view["guardians"][0]["email"] == "[destroyed]"
    assert view["student"]["school_id"] == "sch-1"
    assert view["status"] == "referred"


async def test_full_path_to_consent_given_with_the_paper_form_recorded_for_the_guardian(desk):
    referral_id = await desk.made()
    asked = await desk.ask(referral_id)
    assert asked.status_code == 200
    assert asked.json()["consent_requested_on"] == "2026-03-02"
    given = await desk.consent(referral_id, guardian_id="g-2")
    assert given.status_code == 200
    assert given.json()["status"] == "consent_given"
    assert given.json()["consent_method"] == "written"
    last = (await desk.events())[-1]
    assert last.event_type == "ConsentGiven"
    assert last.metadata.actor.role == "case_manager"
    assert last.metadata.actor.on_behalf_of == "g-2"
    pwn = [e for e in await desk.events() if e.event_type == "PriorWrittenNoticeIssued"]
    assert [(e.data.guardian_id, e.data.language) for e in pwn] == [("g-1", "es"),
                                                                    ("g-2", "en")]


async def test_a_guardian_gives_consent_electronically_themselves(desk):
    referral_id = await desk.made()
    await desk.ask(referral_id)
    response = await desk.consent(referral_id, headers=desk.who("parent", "g-1"),
                                  guardian_id=...)
    assert response.status_code == 200
    assert response.json()["consent_guardian_id"] == "g-1"
    assert response.json()["consent_method"] == "electronic"
    last = (await desk.events())[-1]
    assert (last.metadata.actor.id, last.metadata.actor.on_behalf_of) == ("g-1", None)


async def test_a_refusal_is_recorded_and_consent_can_be_asked_again(desk, clock):
    referral_id = await desk.made()
    await desk.ask(referral_id)
    refused = await desk.consent(referral_id, decision="refused")
    assert refused.json()["status"] == "consent_refused"
    clock.advance(days=30)
    again = await desk.ask(referral_id)
    assert again.status_code == 200
    assert again.json()["status"] == "consent_requested"
    given = await desk.consent(referral_id, signed_on="2026-04-01")
    assert given.json()["status"] == "consent_given"
    assert given.json()["consent_received_on"] == "2026-04-01"


async def test_district_declines_with_prior_written_notice_of_refusal(desk):
    referral_id = await desk.made()
    response = await desk.close(referral_id, reason="district_declined",
                                notice=desk.notice_body())
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert response.json()["close_reason"] == "district_declined"
    kinds = [(e.event_type, getattr(e.data, "action", None)) for e in await desk.events()]
    assert kinds[-3:] == [("PriorWrittenNoticeIssued", "refuse_initial_evaluation"),
                          ("PriorWrittenNoticeIssued", "refuse_initial_evaluation"),
                          ("ReferralClosed", None)]
    listed = (await desk.find(status="closed")).json()
    assert [r["referral_id"] for r in listed] == [referral_id]


# -- 422: the request is malformed ----------------------------------------------------------


@pytest.mark.parametrize("change, field", [
    ({"student__name": ""}, "student.name"),
    ({"student__date_of_birth": "14/05/2017"}, "student.date_of_birth"),
    ({"student__grade": "third"}, "student.grade"),
    ({"student__primary_language": "Spanish"}, "student.primary_language"),
    ({"student__district_student_id": "stu 100"}, "student.district_student_id"),
    ({"guardians": [{"guardian_id": "g-1"}]}, "guardians.0.name"),
    ({"guardians__0__email": "not-an-email"}, "guardians.0.email"),
    ({"guardians__1__preferred_language": ""}, "guardians.1.preferred_language"),
    ({"referred_by__role": "neighbour"}, "referred_by.role"),
    ({"concerns__areas": []}, "concerns.areas"),
    ({"concerns__areas": ["reading"]}, "concerns.areas.0"),
    ({"concerns__areas": ["coping", "coping"]}, "concerns.areas"),
    ({"concerns__text": ...}, "concerns.text"),
])
async def test_malformed_referral_is_422_naming_the_field(desk, change, field):
    response = await desk.make(desk.referral_body(**change))
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    assert await desk.events() == []


async def test_the_same_guardian_twice_is_422(desk):
    body = desk.referral_body()
    body["guardians"][1]["guardian_id"] = "g-1"
    response = await desk.make(body)
    assert response.status_code == 422
    assert response.json()["errors"] == [{
        "field": "guardians",
        "message": "each guardian is listed once: two have the same guardian_id"}]


@pytest.mark.parametrize("change, field", [
    ({"assessments_proposed": []}, "assessments_proposed"),
    ({"assessments_proposed": [{"area": "astrology", "description": "x"}]},
     "assessments_proposed.0.area"),
    ({"reasons": ""}, "reasons"),
    ({"records_used": []}, "records_used"),
    ({"options_considered": []}, "options_considered"),
    ({"sources_of_help": []}, "sources_of_help"),
])
async def test_incomplete_prior_written_notice_is_422(desk, change, field):
    referral_id = await desk.made()
    response = await desk.ask(referral_id, desk.consent_request_body(**change))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize("change, field", [
    ({"decision": "maybe"}, "decision"),
    ({"signed_on": "yesterday"}, "signed_on"),
    ({"method": "fax"}, "method"),
    ({"guardian_id": ...}, "guardian_id"),  # staff recording a form name the guardian
])
async def test_malformed_consent_is_422(desk, change, field):
    referral_id = await desk.made()
    await desk.ask(referral_id)
    response = await desk.consent(referral_id, **change)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_a_parent_recording_a_paper_form_themselves_is_422(desk):
    referral_id = await desk.made()
    await desk.ask(referral_id)
    response = await desk.consent(referral_id, headers=desk.who("parent", "g-1"),
                                  method="written")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "method"


@pytest.mark.parametrize("body, field", [
    ({"reason": "bored"}, "reason"),
    ({"reason": "district_declined"}, "notice"),
    ({"reason": "withdrawn", "notice": "see file"}, "notice"),
])
async def test_malformed_close_is_422(desk, body, field):
    referral_id = await desk.made()
    if isinstance(body.get("notice"), str):
        body = {**body, "notice": desk.notice_body()}
    response = await desk.close(referral_id, **body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_unknown_status_filter_is_422(desk):
    response = await desk.find(status="pending")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.status"


# -- 409: not allowed now, said in a sentence -----------------------------------------------


async def test_consent_before_the_request_is_409(desk):
    referral_id = await desk.made()
    response = await desk.consent(referral_id)
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Consent can only be recorded after the district has requested it; request consent "
        "first.")


async def test_consent_twice_is_409(desk):
    referral_id = await desk.made()
    await desk.ask(referral_id)
    assert (await desk.consent(referral_id)).status_code == 200
    response = await desk.consent(referral_id, headers=desk.who("parent", "g-2"),
                                  guardian_id=...)
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Consent was already given on 2026-03-02 by guardian g-1; it cannot be recorded twice.")


async def test_consent_after_closing_is_409(desk):
    referral_id = await desk.made()
    await desk.ask(referral_id)
    await desk.close(referral_id)
    response = await desk.consent(referral_id)
    assert response.status_code == 409
    assert "closed on 2026-03-02" in response.json()["detail"]


async def test_consent_for_someone_not_a_guardian_is_409(desk):
    referral_id = await desk.made()
    await desk.ask(referral_id)
    response = await desk.consent(referral_id, guardian_id="aunt-3")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("aunt-3 is not a recorded guardian")


async def test_consent_form_dated_tomorrow_is_409(desk):
    referral_id = await desk.made()
    await desk.ask(referral_id)
    response = await desk.consent(referral_id, signed_on="2026-03-03")
    assert response.status_code == 409
    assert "after today (2026-03-02)" in response.json()["detail"]


async def test_asking_for_consent_twice_is_409(desk):
    referral_id = await desk.made()
    await desk.ask(referral_id)
    response = await desk.ask(referral_id)
    assert response.status_code == 409
    assert "already requested on 2026-03-02" in response.json()["detail"]


async def test_closing_after_consent_and_closing_twice_are_409(desk):
    consented = await desk.made()
    await desk.ask(consented)
    await desk.consent(consented)
    response = await desk.close(consented)
    assert response.status_code == 409
    assert "cannot be closed once consent is given" in response.json()["detail"]
    closed = await desk.made()
    await desk.close(closed)
    again = await desk.close(closed)
    assert again.status_code == 409
    assert again.json()["detail"] == "This referral was already closed on 2026-03-02."


async def test_a_referral_dated_in_the_future_is_409(desk):
    response = await desk.make(desk.referral_body(referred_on="2026-03-05"))
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The referral is dated March 5, 2026, after today (March 2, 2026); an act is recorded "
        "once it has happened.")


async def test_a_birth_date_after_the_referral_is_409_without_quoting_it(desk):
    body = desk.referral_body(referred_on="2026-02-20", student__date_of_birth="2026-02-27")
    response = await desk.make(body)
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The date of birth is not before the referral date; check the date of birth.")


async def test_command_on_an_unknown_referral_is_404(desk):
    response = await desk.ask("no-such-referral")
    assert response.status_code == 404
    assert response.json()["detail"] == "no such referral"


# -- idempotency ----------------------------------------------------------------------------


async def test_retried_referral_with_the_same_idempotency_key_is_made_once(desk):
    headers = {**desk.who(), "Idempotency-Key": "ref-2026-03-02-1"}
    first = await desk.make(headers=headers)
    again = await desk.make(headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert [e.event_type for e in await desk.events()].count("ReferralMade") == 1
    assert len((await desk.find()).json()) == 1
    other = await desk.make(desk.referral_body(student__grade="4"), headers=headers)
    assert other.status_code == 422
    assert "different request" in other.json()["detail"]


async def test_concurrent_retries_with_one_key_make_one_referral(desk):
    headers = {**desk.who(), "Idempotency-Key": "ref-race"}
    responses = await asyncio.gather(*[desk.make(headers=headers) for _ in range(4)])
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["referral_id"] for r in responses}) == 1
    assert [e.event_type for e in await desk.events()].count("ReferralMade") == 1


async def test_openapi_documents_every_route_with_its_answers(desk):
    spec = (await desk.client.get("/openapi.json")).json()
    base = "/api/referral/referrals"
    made = spec["paths"][base]["post"]["responses"]
    assert {"201", "403", "409", "422"} <= set(made)
    assert made["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ReferralSummary")
    for step in ("consent-request", "consent", "close"):
        post = spec["paths"][f"{base}/{{referral_id}}/{step}"]["post"]
        assert {"200", "404", "409", "422"} <= set(post["responses"])
        assert post["description"] or post["summary"]
