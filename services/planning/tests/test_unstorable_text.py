"""A NUL in a plan draft once made every later command on the case answer 500 when it was
sent with an Idempotency-Key (as the web app always sends one): the case's state could not
be kept as a reply. The kernel now refuses text PostgreSQL cannot store at the edge."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest
from iep_kernel.clock import FixedClock
from iep_planning.service import service
from planning_people import CONTENT, Desk, open_case


@pytest.fixture
async def desk(isolation):
    system = await isolation.system(
        [service], clock=FixedClock(datetime(2026, 5, 1, 12, tzinfo=UTC)))
    return Desk(system, await open_case(system.runtime("planning")))


def keyed(desk: Desk, key: str) -> dict[str, str]:
    return {**desk.staff(), "Idempotency-Key": key}


async def test_a_nul_in_a_draft_is_refused_and_keyed_commands_go_on_working(desk):
    poisoned = copy.deepcopy(CONTENT)
    poisoned["annual_goals"][0]["statement"] = "Read grade-level text\x00 fluently"
    refused = await desk.post("/plans", {"content": poisoned}, keyed(desk, "draft-1"))
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == [
        "content.annual_goals.0.statement"]
    assert "NUL" in refused.json()["errors"][0]["message"]

    drafted = await desk.post("/plans", {"content": copy.deepcopy(CONTENT)},
                              keyed(desk, "draft-2"))
    assert drafted.status_code == 201, drafted.text
    scheduled = await desk.schedule(headers=keyed(desk, "schedule-1"))
    assert scheduled.status_code == 201, scheduled.text
    plan_id = drafted.json()["drafts"][-1]["plan_id"]
    revised = await desk.client.put(f"{desk.case}/plans/{plan_id}",
                                    json={"content": copy.deepcopy(CONTENT)},
                                    headers=keyed(desk, "revise-1"))
    assert revised.status_code == 200, revised.text
    assert (await desk.read()).status_code == 200


async def test_a_look_alike_case_id_is_a_422_not_a_500(desk):
    for case_id in ("case\u200b1", "case%001", "%EF%BB%BFcase"):
        response = await desk.client.get(f"/api/planning/cases/{case_id}",
                                         headers=desk.staff())
        assert response.status_code == 422, (case_id, response.text)
        assert [e["field"] for e in response.json()["errors"]] == ["path.case_id"]
