"""A paper notice's mailing, dated by the day it went in the post, through the API on a real
database: not in the future, not before the notice was issued (the day of the act it
answers, not the day it was written here), and a late entry only with a reason, which the
`NoticeMailed` event keeps."""

from __future__ import annotations

from typing import Any

from notices_people import MARIA, STUDENT, deliver, published, referral_made

OFFICE_PURPOSE = {"X-Access-Purpose": "mailing paper notices"}


def consent_request(occurred_on: str | None = None) -> Any:
    """A consent request to Maria (paper: she has no email), dated `occurred_on`."""
    dated = {"occurred_on": occurred_on} if occurred_on else {}
    return published("referral", "EvaluationConsentRequested", STUDENT, {
        "referral_id": "r-1", "school_id": "sch-1", "requested_on": occurred_on or "2026-03-02",
        "guardian_ids": [MARIA], **dated,
        "assessments_proposed": [{"area": "reading", "description": "Reading battery"}]})


async def paper_notice(system: Any, runtime: Any, occurred_on: str | None = None) -> str:
    await deliver(runtime, referral_made(guardians=[
        {"guardian_id": MARIA, "name": "Maria", "email": None, "phone": None,
         "preferred_language": "es"}]), consent_request(occurred_on))
    (waiting,) = (await system.client.get("/api/notifications/mailings",
                                          headers=office(system))).json()
    return f"/api/notifications/notifications/{waiting['notice_id']}/mailed"


def office(system: Any) -> dict[str, str]:
    return {**system.auth("case_manager", "cm-1", ["sch-1"]), **OFFICE_PURPOSE}


async def mailed_events(runtime: Any, path: str) -> list[Any]:
    notice_id = path.split("/")[-2]
    return [e.data for e in await runtime.store.read_stream(f"notice-{notice_id}")
            if e.event_type == "NoticeMailed"]


async def test_a_mailing_dated_in_the_future_is_409(system, runtime):
    path = await paper_notice(system, runtime)
    refused = await system.client.post(path, json={"occurred_on": "2026-03-03"},
                                       headers=office(system))
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "This notice's mailing is dated March 3, 2026, after today (March 2, 2026); an act is "
        "recorded once it has happened.")


async def test_a_mailing_before_the_act_the_notice_answers_is_409_and_after_it_is_kept(
        system, runtime):
    path = await paper_notice(system, runtime, occurred_on="2026-02-25")
    refused = await system.client.post(path, json={"occurred_on": "2026-02-24"},
                                       headers=office(system))
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "This notice's mailing is dated February 24, 2026, before the notice, issued on "
        "February 25, 2026; it cannot come first, so check the date.")
    # Written here on March 2, but issued on the day of the request it carries.
    mailed = await system.client.post(path, json={"occurred_on": "2026-02-26"},
                                      headers=office(system))
    assert mailed.status_code == 200, mailed.text
    assert mailed.json()["mailed_on"] == "2026-02-26"
    (event,) = await mailed_events(runtime, path)
    assert (event.occurred_on.isoformat(), event.mailed_on.isoformat(),
            event.late_entry_reason) == ("2026-02-26", "2026-02-26", None)


async def test_a_late_mailing_needs_a_reason_and_the_event_keeps_it(system, runtime):
    path = await paper_notice(system, runtime, occurred_on="2026-01-05")
    late = {"mailed_on": "2026-01-10"}
    refused = await system.client.post(path, json=late, headers=office(system))
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "This notice's mailing happened on January 10, 2026, 51 days ago; an entry more than "
        "30 days after the act needs a late_entry_reason saying why it is recorded only now.")
    assert await mailed_events(runtime, path) == []
    accepted = await system.client.post(
        path, json={**late, "late_entry_reason": "the district went live in March"},
        headers=office(system))
    assert accepted.status_code == 200, accepted.text
    (event,) = await mailed_events(runtime, path)
    assert (event.occurred_on.isoformat(), event.late_entry_reason) == (
        "2026-01-10", "the district went live in March")


async def test_a_mailing_without_a_date_is_today_and_two_different_dates_are_422(
        system, runtime):
    path = await paper_notice(system, runtime)
    both = await system.client.post(path, json={"mailed_on": "2026-03-01",
                                                "occurred_on": "2026-03-02"},
                                    headers=office(system))
    assert both.status_code == 422
    assert [e["field"] for e in both.json()["errors"]] == ["occurred_on"]
    mailed = await system.client.post(path, json={}, headers=office(system))
    assert mailed.status_code == 200, mailed.text
    (event,) = await mailed_events(runtime, path)
    assert event.occurred_on.isoformat() == event.mailed_on.isoformat() == "2026-03-02"
