"""Paging numbers past what the database holds are refused as malformed (422), never a
failed query. Found by fuzzing: `offset=9223372036854775808` was a server error."""

from typing import Any

import pytest
from iep_kernel.service import discover_services


@pytest.fixture
async def system(isolation: Any) -> Any:
    return await isolation.system(discover_services(["views"]))


@pytest.mark.parametrize("params", [
    {"offset": 2**63}, {"offset": 10**30}, {"min_position": 2**63, "source": "referral"}])
async def test_numbers_past_64_bits_are_422(system: Any, params: dict[str, int]) -> None:
    headers = {**system.auth("administrator"), "X-Access-Purpose": "caseload review"}
    response = await system.client.get("/api/views/caseload", params=params,
                                       headers=headers)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [f"query.{next(iter(params))}"]


async def test_a_large_offset_within_bounds_is_an_empty_page(system: Any) -> None:
    headers = {**system.auth("administrator"), "X-Access-Purpose": "caseload review"}
    response = await system.client.get("/api/views/caseload", params={"offset": 1_000_000},
                                       headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["students"] == []
