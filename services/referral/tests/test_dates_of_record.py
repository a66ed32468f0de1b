"""Dates of record through HTTP on PostgreSQL: a paper form is entered with the day the
district received it, the law's order of dates is a 409 sentence, and an entry long after
the act needs a reason that the event keeps."""

from datetime import date

STUDENT = "/api/referral/students/stu-100"


async def consent_requested_on(desk, day: str, **referral: str) -> str:
    referral_id = await desk.made(occurred_on=referral.get("referred", day))
    asked = await desk.ask(referral_id, desk.consent_request_body(occurred_on=day))
    assert asked.status_code == 200, asked.text
    return referral_id


async def test_a_consent_form_received_five_days_ago_is_entered_with_its_date(desk):
    referral_id = await consent_requested_on(desk, "2026-02-20")
    given = await desk.consent(referral_id, signed_on="2026-02-24", occurred_on="2026-02-25")
    assert given.status_code == 200, given.text
    assert (given.json()["consent_signed_on"], given.json()["consent_received_on"]) == (
        "2026-02-24", "2026-02-25")
    consent = (await desk.events())[-1]
    assert consent.event_type == "ConsentGiven"
    assert (consent.data.received_on, consent.data.occurred_on) == (
        date(2026, 2, 25), date(2026, 2, 25))
    # recorded_at is the server's instant of recording, whatever date the act was given
    assert consent.recorded_at.date() > consent.data.occurred_on


async def test_a_consent_form_received_before_its_request_is_refused(desk):
    referral_id = await consent_requested_on(desk, "2026-02-25", referred="2026-02-20")
    refused = await desk.consent(referral_id, signed_on="2026-02-25", occurred_on="2026-02-24")
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "The receipt of the consent form is dated February 24, 2026, before the request for "
        "consent on February 25, 2026; it cannot come first, so check the date.")


async def test_an_act_dated_in_the_future_is_refused(desk):
    referral_id = await desk.made()
    asked = await desk.ask(referral_id, desk.consent_request_body(occurred_on="2026-03-03"))
    assert asked.status_code == 409
    assert asked.json()["detail"] == (
        "The request for consent is dated March 3, 2026, after today (March 2, 2026); an act "
        "is recorded once it has happened.")
    moved = await desk.client.post(f"{STUDENT}/school", headers=desk.who("administrator"),
                                   json={"school_id": "sch-2", "occurred_on": "2026-03-09"})
    assert moved.status_code == 409 and "after today" in moved.json()["detail"]


async def test_a_late_entry_needs_a_reason_and_the_event_keeps_it(desk):
    long_ago = "2026-01-16"  # 45 days before today
    referral_id = await desk.made(occurred_on="2026-01-10", late_entry_reason="paper file")
    asked = await desk.ask(referral_id, desk.consent_request_body(
        occurred_on="2026-01-12", late_entry_reason="paper file"))
    assert asked.status_code == 200, asked.text
    unexplained = await desk.consent(referral_id, signed_on=long_ago, occurred_on=long_ago)
    assert unexplained.status_code == 409
    assert "45 days ago; an entry more than 30 days after the act needs a late_entry_reason" \
        in unexplained.json()["detail"]
    explained = await desk.consent(referral_id, signed_on=long_ago, occurred_on=long_ago,
                                   late_entry_reason="form found in the office mail")
    assert explained.status_code == 200, explained.text
    consent = (await desk.events())[-1]
    assert consent.data.late_entry_reason == "form found in the office mail"
    assert consent.data.received_on == date(2026, 1, 16)


async def test_referred_on_and_occurred_on_name_one_date(desk):
    same = await desk.make(desk.referral_body(referred_on="2026-02-27",
                                              occurred_on="2026-02-27"))
    assert same.status_code == 201 and same.json()["referred_on"] == "2026-02-27"
    differ = await desk.make(desk.referral_body(referred_on="2026-02-27",
                                                occurred_on="2026-02-26"))
    assert differ.status_code == 422
    assert [e["field"] for e in differ.json()["errors"]] == ["occurred_on"]


async def test_a_parent_recording_their_own_decision_is_received_today(desk):
    referral_id = await consent_requested_on(desk, "2026-02-20")
    parent = desk.who("parent", "g-1")
    backdated = await desk.consent(referral_id, parent, guardian_id=..., method=...,
                                   occurred_on="2026-02-25")
    assert backdated.status_code == 422
    assert [e["field"] for e in backdated.json()["errors"]] == ["occurred_on"]
    given = await desk.consent(referral_id, parent, guardian_id=..., method=...)
    assert given.status_code == 200 and given.json()["consent_received_on"] == "2026-03-02"


async def test_a_guardian_added_by_court_order_is_dated_by_the_order(desk):
    await desk.made()
    added = await desk.client.post(
        f"{STUDENT}/guardians", headers=desk.who("administrator"),
        json={"guardian": {"guardian_id": "g-3", "name": "Rosa Diaz",
                           "preferred_language": "es"},
              "reason": "court order", "occurred_on": "2026-02-27"})
    assert added.status_code == 200, added.text
    event = (await desk.events())[-1]
    assert (event.data.added_on, event.data.occurred_on) == (
        date(2026, 2, 27), date(2026, 2, 27))
