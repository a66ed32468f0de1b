"""Embedded mode with no mail server configured: the worker starts a local SMTP sink that
keeps each message in a folder, and administrators list it."""

from __future__ import annotations

import logging
import socket

import pytest
from notices_people import MARIA, STUDENT, deliver, published, referral_made, tick


@pytest.fixture
async def embedded(isolation, clock, monkeypatch, tmp_path):
    from iep_notifications.service import service
    from iep_notifications.worker import SINK, start_sink

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("IEP_SMTP_HOST", "embedded")
    monkeypatch.setenv("IEP_SMTP_PORT", str(port))
    monkeypatch.setenv("IEP_NOTIFICATIONS_SINK_DIR", str(tmp_path / "sink"))
    system = await isolation.system([service], clock=clock)
    runtime = system.runtime("notifications")
    start_sink(runtime)
    yield system
    controller = runtime.extras.get(SINK)
    if controller is not None:
        controller.stop()


async def test_the_embedded_sink_keeps_messages_and_lists_them_for_administrators(
        embedded, caplog):
    caplog.set_level(logging.DEBUG)
    runtime = embedded.runtime("notifications")
    await deliver(runtime, referral_made(), published(
        "referral", "EvaluationConsentRequested", STUDENT, {
            "referral_id": "r-1", "school_id": "sch-1", "requested_on": "2026-03-02",
            "guardian_ids": [MARIA], "assessments_proposed": []}))
    assert await tick(runtime) == 1
    listed = await embedded.client.get("/api/notifications/outbox-sink",
                                       headers=embedded.auth("administrator"))
    assert listed.status_code == 200, listed.text
    (message,) = listed.json()
    assert message["to"] == "maria@example.org"
    assert message["subject"] == "Se solicita su consentimiento para una evaluación"
    assert message["language"] == "es"
    refused = await embedded.client.get("/api/notifications/outbox-sink",
                                        headers=embedded.auth("case_manager"))
    assert refused.status_code == 403
    assert "maria@example.org" not in caplog.text  # the sink logs no addresses
