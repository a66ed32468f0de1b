"""The permission table of every installed service is what the routes enforce, and what the
README shows. Generated from the routes: each route is called as each role."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from iep_kernel.auth import ROLES
from iep_kernel.clock import FixedClock
from iep_kernel.permissions import render_markdown, route_permissions, table_of, unguarded_routes
from iep_kernel.service import discover_services

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


@pytest.fixture
async def system(isolation):
    clock = FixedClock(datetime(2026, 3, 2, 15, tzinfo=UTC))
    return await isolation.system(discover_services(), clock=clock)


def test_the_readme_shows_the_permission_table_of_the_code():
    assert render_markdown(table_of(discover_services())) in README


async def test_every_route_but_health_and_docs_declares_its_roles(system):
    assert unguarded_routes(system.client._transport.app) == []


async def test_every_role_on_every_route_is_allowed_or_refused_as_the_table_says(system):
    app = system.client._transport.app
    rows = route_permissions(app)
    assert len(rows) > 10
    for row in rows:
        path = re.sub(r"\{[^}]+\}", "no-such-record", row.path)
        for role in ROLES:
            headers = {**system.auth(role, f"{role}-1", ["sch-1"]),
                       "X-Access-Purpose": "permission check"}
            response = await system.client.request(row.method, path, json={},
                                                   headers=headers)
            allowed = response.status_code != 403
            assert allowed == (role in row.roles), (row.method, row.path, role,
                                                    response.status_code, response.text)


async def test_an_injected_query_string_finds_nothing_and_breaks_nothing(system, district_of):
    district = district_of(system)
    await district.refer_and_consent("stu-1")
    headers = district.staff()
    # With spaces they are not identifiers (422); without, they reach the query as a value.
    for value in ("' OR '1'='1", "stu-1' OR student_id <> '", "stu-1; DROP TABLE events; --"):
        response = await system.client.get("/api/referral/referrals",
                                           params={"student_id": value}, headers=headers)
        assert response.status_code == 422
    for value in ("'OR'1'='1", "stu-1'OR'x'<>'", "stu-1;DROP/**/TABLE/**/events;--"):
        response = await system.client.get("/api/referral/referrals",
                                           params={"student_id": value}, headers=headers)
        assert response.status_code == 200
        assert response.json() == []
    found = await system.client.get("/api/referral/referrals", params={"student_id": "stu-1"},
                                    headers=headers)
    assert len(found.json()) == 1  # the data is there, and the log is intact
    referral = next(rt for rt in system.runtimes if rt.name == "referral")
    for stream in await referral.store.stream_ids():
        assert (await referral.store.verify(stream)).ok
