"""The lists: what was sent to whom, when, in which language and how it went, for the
school's staff, auditors and administrators; a parent sees only their own notices, never
another family's. Every read is recorded (FERPA)."""

from __future__ import annotations

from notices_people import (
    LUIS,
    MARIA,
    OTHER,
    OTHER_STUDENT,
    STUDENT,
    deliver,
    other_family,
    published,
    referral_made,
    tick,
)

LIST = "/api/notifications/notifications"
WHY = {"X-Access-Purpose": "proving notice was given"}


async def _sent(runtime) -> None:
    await deliver(runtime, referral_made(), other_family())
    for student, guardian_id in ((STUDENT, MARIA), (STUDENT, LUIS), (OTHER_STUDENT, OTHER)):
        await deliver(runtime, published("referral", "ProceduralSafeguardsNoticeGiven",
                                         student, {
            "referral_id": f"r-{student}", "school_id": "sch-1", "guardian_id": guardian_id,
            "language": "en", "given_on": "2026-03-02", "occasion": "initial_referral"}))
    assert await tick(runtime) == 3


async def test_an_auditor_sees_every_required_notice_as_sent_with_its_date(system, runtime):
    await _sent(runtime)
    listed = await system.client.get(LIST, params={"student_id": STUDENT},
                                     headers={**system.auth("auditor"), **WHY})
    assert listed.status_code == 200, listed.text
    lines = listed.json()
    assert {(n["recipient_id"], n["kind"], n["status"], n["language"], n["legally_required"])
            for n in lines} == {(MARIA, "procedural_safeguards", "sent", "es", True),
                                (LUIS, "procedural_safeguards", "sent", "en", True)}
    assert all(n["sent_at"].startswith("2026-03-02") for n in lines)
    assert all(n["legal_basis"] == "34 CFR 300.504" for n in lines)


async def test_staff_of_the_school_see_its_notices_and_staff_elsewhere_none(system, runtime):
    await _sent(runtime)
    ours = await system.client.get(LIST, params={"student_id": STUDENT},
                                   headers={**system.auth("teacher", "t-1", ["sch-1"]), **WHY})
    assert len(ours.json()) == 2
    theirs = await system.client.get(LIST, params={"student_id": STUDENT}, headers={
        **system.auth("teacher", "t-9", ["sch-9"]), **WHY})
    assert theirs.status_code == 200 and theirs.json() == []
    no_reason = await system.client.get(LIST, params={"student_id": STUDENT},
                                        headers=system.auth("teacher", "t-1", ["sch-1"]))
    assert no_reason.status_code == 422


async def test_a_parent_sees_their_own_notices_and_never_another_familys(system, runtime):
    await _sent(runtime)
    maria = await system.client.get(LIST, headers=system.auth("parent", MARIA))
    assert [(n["recipient_id"], n["student_id"]) for n in maria.json()] == [(MARIA, STUDENT)]
    other = await system.client.get(LIST, params={"student_id": STUDENT},
                                    headers=system.auth("parent", OTHER))
    assert other.status_code == 200 and other.json() == []
    notice_id = maria.json()[0]["notice_id"]
    mine = await system.client.get(f"{LIST}/{notice_id}", headers=system.auth("parent", MARIA))
    assert mine.status_code == 200
    detail = mine.json()
    assert detail["body_text"].startswith("Estimado/a Name of g-maria:")
    assert [h["event_type"] for h in detail["history"]] == ["NoticeQueued", "NoticeSent"]
    stolen = await system.client.get(f"{LIST}/{notice_id}", headers=system.auth("parent", OTHER))
    assert stolen.status_code == 404
    letter = await system.client.get(f"{LIST}/{notice_id}/letter",
                                      headers=system.auth("parent", OTHER))
    assert letter.status_code == 404


async def test_every_read_of_the_notices_is_recorded(system, runtime):
    await _sent(runtime)
    await system.client.get(LIST, params={"student_id": STUDENT},
                            headers={**system.auth("auditor", "aud-1"), **WHY})
    accesses = await system.client.get("/api/notifications/record-accesses",
                                       params={"student_id": STUDENT},
                                       headers=system.auth("parent", MARIA))
    assert accesses.status_code == 200
    assert [(a["accessor_id"], a["purpose"]) for a in accesses.json()] == [
        ("aud-1", "proving notice was given")]


async def test_a_parent_chooses_only_their_own_delivery_and_a_bad_choice_is_explained(
        system, runtime):
    await deliver(runtime, referral_made())
    path = f"/api/notifications/students/{STUDENT}/guardians/{LUIS}/delivery"
    bad = await system.client.put(path, json={"channel": "pigeon"},
                                  headers=system.auth("parent", LUIS))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "channel"
    other = await system.client.put(path, json={"channel": "paper"},
                                    headers=system.auth("parent", MARIA))
    assert other.status_code == 404
    staff = await system.client.put(path, json={"channel": "paper"},
                                    headers=system.auth("case_manager", "cm-1", ["sch-1"]))
    assert staff.status_code == 200
    assert staff.json()["channel"] == "paper"
    unknown = await system.client.put(
        f"/api/notifications/students/{STUDENT}/guardians/g-nobody/delivery",
        json={"channel": "paper"}, headers=system.auth("administrator"))
    assert unknown.status_code == 404


async def test_an_email_notice_cannot_be_recorded_as_mailed(system, runtime):
    await _sent(runtime)
    (line, *_) = (await system.client.get(LIST, params={"student_id": STUDENT}, headers={
        **system.auth("administrator"), **WHY})).json()
    refused = await system.client.post(f"{LIST}/{line['notice_id']}/mailed",
                                       json={"mailed_on": "2026-03-03"},
                                       headers=system.auth("administrator"))
    assert refused.status_code == 409
    assert "only notices on paper are mailed" in refused.json()["detail"]


async def test_the_staff_directory_is_kept_by_administrators(system):
    body = {"name": "Casey Manager", "email": "cm1@lincoln.example", "role": "case_manager",
            "schools": ["sch-1"]}
    put = await system.client.put("/api/notifications/staff/cm-1", json=body,
                                  headers=system.auth("administrator"))
    assert put.status_code == 200
    bad = await system.client.put("/api/notifications/staff/cm-1",
                                  json={**body, "email": "not an address", "role": "janitor"},
                                  headers=system.auth("administrator"))
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"email", "role"}
    listed = await system.client.get("/api/notifications/staff",
                                     headers=system.auth("administrator"))
    assert [s["staff_id"] for s in listed.json()] == ["cm-1"]
    refused = await system.client.get("/api/notifications/staff",
                                       headers=system.auth("case_manager", "cm-1"))
    assert refused.status_code == 403
