"""A meeting's time of day, as sent and as returned, matches what the OpenAPI declares: the
school's local time without an offset. Found by fuzzing: "15:30:00" came back against a
declared `format: time`, which JSON Schema reads as RFC 3339 full-time (with offset)."""

from __future__ import annotations

from datetime import UTC, datetime

import jsonschema_rs
import pytest
from iep_kernel.clock import FixedClock
from iep_planning.service import service
from planning_people import Desk, open_case


@pytest.fixture
async def desk(isolation):
    system = await isolation.system([service], clock=FixedClock(datetime(2026, 5, 1, 12,
                                                                         tzinfo=UTC)))
    return Desk(system, await open_case(system.runtime("planning")))


def declared(spec: dict, model: str) -> jsonschema_rs.Validator:
    schema = spec["components"]["schemas"][model]["properties"]["starts_at"]
    return jsonschema_rs.validator_for(schema, validate_formats=True)


async def test_the_returned_time_of_day_is_in_the_declared_form(desk):
    scheduled = await desk.schedule(starts_at="15:30")
    assert scheduled.status_code == 201, scheduled.text
    (meeting,) = scheduled.json()["meetings"]
    assert meeting["starts_at"] == "15:30:00"
    spec = (await desk.client.get("/openapi.json")).json()
    for model in ("MeetingView", "ScheduleEntry"):
        assert declared(spec, model).is_valid(meeting["starts_at"]), model
    assert declared(spec, "MeetingRequest").is_valid("15:30")


@pytest.mark.parametrize("starts_at", ["15:30Z", "15:30:00+02:00"])
async def test_a_time_with_an_offset_is_refused(desk, starts_at):
    response = await desk.schedule(starts_at=starts_at)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["starts_at"]
