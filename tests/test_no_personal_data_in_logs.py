"""No personal data in logs: a whole referral-to-eligibility run, with its workers, logs
nothing that names the child, the family or the staff, nor the child's date of birth."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime

import pytest
from iep_kernel.clock import FixedClock
from iep_kernel.logs import configure_logging
from iep_kernel.service import discover_services

PERSONAL = ("Maria Lopez", "Ana Lopez", "Grace Park", "Dr. Ruth Chen", "Sam Okafor",
            "2017-05-14", "ana.lopez@example.org", "decode words")


@pytest.fixture
def json_logs():
    """Every logger's output as a district runs it (JSON lines), at DEBUG, into a buffer."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    buffer = io.StringIO()
    configure_logging("DEBUG", stream=buffer)
    yield buffer
    root.handlers[:], level = saved
    root.setLevel(level)


async def test_a_full_run_logs_no_names_or_birth_dates(isolation, district_of, json_logs,
                                                       capfd):
    clock = FixedClock(datetime(2026, 3, 2, 15, tzinfo=UTC))
    system = await isolation.system(discover_services(["referral", "evaluation"]),
                                    clock=clock, workers=True)
    district = district_of(system)
    referral_id = await district.refer_and_consent("stu-1")
    evaluation_id = await district.evaluation_of("stu-1")
    clock.set(datetime(2026, 3, 12, 15, tzinfo=UTC))
    await district.assess_and_determine(evaluation_id)
    # and the unhappy paths: a refused step, a malformed request
    refused = await system.client.post(
        f"/api/referral/referrals/{referral_id}/consent",
        json={"decision": "given", "signed_on": "2026-03-02", "guardian_id": "g-stu-1"},
        headers=district.staff())
    assert refused.status_code == 409
    malformed = await system.client.post(
        "/api/referral/referrals", json={"student": {"name": "Maria Lopez"}},
        headers=district.staff())
    assert malformed.status_code == 422
    await system.stop()

    logged = json_logs.getvalue()
    assert logged.count("\n") > 20  # the run did log, as JSON lines
    assert '"correlation_id"' in logged
    out, err = capfd.readouterr()
    for text in (logged, out, err):
        for personal in PERSONAL:
            assert personal not in text, personal
