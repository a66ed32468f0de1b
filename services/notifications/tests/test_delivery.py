"""Delivery by SMTP against a real aiosmtpd server: the message as sent, retries with
backoff and failure after the last, and never a second send: not under redelivery of the
source event, not after a restart, not when a sender dies between the mail server's
acceptance and the record of it, not with two senders at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from iep_kernel.consumer import Outcome
from notices_people import (
    LUIS,
    MARIA,
    STUDENT,
    deliver,
    notices,
    published,
    queued,
    referral_made,
    tick,
)


def consent_request(*guardian_ids: str):
    return published("referral", "EvaluationConsentRequested", STUDENT, {
        "referral_id": "r-1", "school_id": "sch-1", "requested_on": "2026-03-02",
        "guardian_ids": list(guardian_ids or (MARIA, LUIS)),
        "assessments_proposed": [{"area": "reading", "description": "Reading battery"}]})


async def stream_types(runtime, notice_id: str) -> list[str]:
    return [e.event_type for e in await runtime.store.read_stream(f"notice-{notice_id}")]


async def test_an_email_notice_goes_out_once_with_text_html_and_its_message_id(runtime, inbox):
    await deliver(runtime, referral_made(), consent_request())
    assert await tick(runtime) == 2
    (to_maria,) = inbox.to("maria@example.org")
    (to_luis,) = inbox.to("luis@example.org")
    maria = next(n for n in await notices(runtime) if n["recipient_id"] == MARIA)
    assert to_maria["Message-ID"] == f"<notice-{maria['notice_id']}@lincoln.example>"
    assert to_maria["Subject"] == "Se solicita su consentimiento para una evaluación"
    assert to_maria["From"] == "Lincoln Schools <notices@lincoln.example>"
    assert to_maria["Content-Language"] == "es"
    text = to_maria.get_body(("plain",)).get_content()
    html = to_maria.get_body(("html",)).get_content()
    assert "consentimiento informado por escrito" in text and "<p>" in html
    assert to_luis["Subject"] == "Your consent is requested for an evaluation"
    assert maria["status"] == "sent" and maria["sent_at"] is not None
    assert await stream_types(runtime, maria["notice_id"]) == ["NoticeQueued", "NoticeSent"]
    assert await tick(runtime) == 0  # nothing left to send
    assert len(inbox.messages) == 2


async def test_a_progress_report_goes_with_its_pdf_attached(runtime, inbox):
    import pytest

    pytest.importorskip("iep_services_delivery.reports")
    await deliver(runtime, referral_made(), published(
        "services-delivery", "ProgressReportIssued", STUDENT, {
            "report_id": "pr-1", "school_id": "sch-1", "case_id": "c", "plan_id": "p",
            "version": 1, "due_on": "2026-06-01", "issued_on": "2026-06-01",
            "period_starts_on": "2026-04-01", "period_ends_on": "2026-05-31", "goals": [],
            "services": [], "late": False,
            "guardians": [{"guardian_id": MARIA, "language": "es"}]}))
    await tick(runtime)
    (message,) = inbox.messages
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "pr-1.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF")


async def test_a_refusing_server_is_retried_with_backoff_then_the_notice_fails(
        runtime, inbox, clock):
    inbox.refuse = True
    await deliver(runtime, referral_made(), consent_request())
    assert await tick(runtime) == 2
    maria = next(n for n in await notices(runtime) if n["recipient_id"] == MARIA)
    assert (maria["status"], maria["attempts"]) == ("retrying", 1)
    assert await tick(runtime) == 0  # the next attempt waits 60 s by the service clock
    clock.advance(seconds=60)
    assert await tick(runtime) == 2
    clock.advance(seconds=60)
    assert await tick(runtime) == 0  # the wait doubled: 120 s
    clock.advance(seconds=60)
    assert await tick(runtime) == 2  # the third and last attempt
    maria = next(n for n in await notices(runtime) if n["recipient_id"] == MARIA)
    assert (maria["status"], maria["attempts"]) == ("failed", 3)
    history = await runtime.store.read_stream(f"notice-{maria['notice_id']}")
    assert [e.event_type for e in history] == [
        "NoticeQueued", "NoticeDeliveryAttemptFailed", "NoticeDeliveryAttemptFailed",
        "NoticeFailed"]
    assert "mailbox unavailable" in history[-1].data.reason
    waits = [e.data.retry_at - e.data.failed_at for e in history[1:3]]
    assert waits == [timedelta(seconds=60), timedelta(seconds=120)]
    clock.advance(days=1)
    assert await tick(runtime) == 0
    assert inbox.messages == []


async def test_a_server_back_after_a_refusal_gets_the_message_once(runtime, inbox, clock):
    inbox.refuse = True
    await deliver(runtime, referral_made(), consent_request())
    await tick(runtime)
    inbox.refuse = False
    clock.advance(seconds=60)
    assert await tick(runtime) == 2
    assert len(inbox.to("maria@example.org")) == 1
    maria = next(n for n in await notices(runtime) if n["recipient_id"] == MARIA)
    assert await stream_types(runtime, maria["notice_id"]) == [
        "NoticeQueued", "NoticeDeliveryAttemptFailed", "NoticeSent"]


async def test_redelivery_of_the_source_event_and_a_restart_send_nothing_twice(
        runtime, inbox, system):
    event = consent_request()
    assert await deliver(runtime, referral_made(), event) == [Outcome.APPLIED] * 2
    assert await deliver(runtime, event) == [Outcome.DUPLICATE]
    assert len(await notices(runtime)) == 2
    await tick(runtime)
    assert await deliver(runtime, event) == [Outcome.DUPLICATE]
    # A restarted worker: new runtimes on the same database, its own timer loop.
    from iep_kernel.runtime import close_runtimes, open_runtimes
    from iep_notifications.service import service

    (restarted,) = await open_runtimes([service], system.settings, runtime.dsn,
                                       runtime.bootstrap, runtime.clock)
    try:
        assert await tick(restarted) == 0
        assert await deliver(restarted, event) == [Outcome.DUPLICATE]
    finally:
        await close_runtimes([restarted])
    assert len(inbox.messages) == 2


async def test_a_sender_killed_after_the_server_accepted_never_sends_again(runtime, inbox):
    await deliver(runtime, referral_made(guardians=[
        {"guardian_id": MARIA, "name": "Maria", "email": "maria@example.org", "phone": None,
         "preferred_language": "es"}]), consent_request(MARIA))
    (notice,) = await notices(runtime)
    inbox.hold = True  # the server keeps the message, then the sender is killed
    sender = asyncio.create_task(tick(runtime))
    assert await asyncio.to_thread(inbox.received.wait, 60)
    sender.cancel()
    await asyncio.gather(sender, return_exceptions=True)
    (still,) = await notices(runtime)
    assert still["status"] == "queued"  # the outcome never committed
    assert await runtime.pool.fetchval("SELECT count(*) FROM delivery_claims") == 1
    inbox.hold = False
    assert await tick(runtime) == 1  # the restarted sender finds the claim
    (after,) = await notices(runtime)
    assert after["status"] == "uncertain"
    history = await runtime.store.read_stream(f"notice-{notice['notice_id']}")
    assert [e.event_type for e in history] == ["NoticeQueued", "NoticeDeliveryUncertain"]
    assert history[-1].data.message_id == notice["message_id"]
    assert await tick(runtime) == 0
    assert len(inbox.messages) == 1  # the one the mail server accepted, never a second


async def test_two_senders_at_once_send_one_message(runtime, inbox):
    await deliver(runtime, referral_made(guardians=[
        {"guardian_id": MARIA, "name": "Maria", "email": "maria@example.org", "phone": None,
         "preferred_language": "es"}]), consent_request(MARIA))
    inbox.hold = True
    first = asyncio.create_task(tick(runtime))
    assert await asyncio.to_thread(inbox.received.wait, 60)
    assert await tick(runtime) == 0  # the second sender finds the notice taken
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)
    assert len(inbox.messages) == 1


async def test_a_paper_notice_is_printed_listed_for_the_office_and_recorded_mailed(
        runtime, system):
    await deliver(runtime, referral_made(guardians=[
        {"guardian_id": MARIA, "name": "Maria", "email": None, "phone": None,
         "preferred_language": "es"}]), consent_request(MARIA))
    office = {**system.auth("case_manager", "cm-1", ["sch-1"]),
              "X-Access-Purpose": "mailing paper notices"}
    listed = await system.client.get("/api/notifications/mailings", headers=office)
    assert listed.status_code == 200, listed.text
    (waiting,) = listed.json()
    assert (waiting["recipient_id"], waiting["channel"], waiting["status"]) == (
        MARIA, "paper", "to_mail")
    letter = await system.client.get(
        f"/api/notifications/notifications/{waiting['notice_id']}/letter", headers=office)
    assert letter.status_code == 200
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")
    path = f"/api/notifications/notifications/{waiting['notice_id']}/mailed"
    mailed = await system.client.post(path, json={"mailed_on": "2026-03-02"}, headers=office)
    assert mailed.status_code == 200, mailed.text
    assert mailed.json()["status"] == "mailed"
    again = await system.client.post(path, json={"mailed_on": "2026-03-02"}, headers=office)
    assert again.status_code == 409
    assert "already recorded as mailed on 2026-03-02" in again.json()["detail"]
    assert (await system.client.get("/api/notifications/mailings", headers=office)).json() == []
    history = await runtime.store.read_stream(f"notice-{waiting['notice_id']}")
    assert [e.event_type for e in history] == ["NoticeQueued", "NoticeMailed"]
    assert (await queued(runtime, waiting["notice_id"])).channel == "paper"
