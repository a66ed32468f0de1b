"""The permission table, read back from the routes, is what the routes enforce."""

from __future__ import annotations

import pytest
from iep_kernel.auth import ROLES
from iep_kernel.permissions import render_markdown, route_permissions, unguarded_routes
from iep_kernel.testing.sample import service


@pytest.fixture
async def system(isolation):
    return await isolation.system([service])


async def test_every_route_but_health_and_docs_declares_its_roles(system):
    app = system.client._transport.app
    assert unguarded_routes(app) == []
    rows = {(r.method, r.path): r for r in route_permissions(app)}
    assert rows["POST", "/api/sample/counters"].roles == {"case_manager"}
    table = render_markdown(list(rows.values()))
    assert "| `POST /api/sample/counters` | open counter |" in table


async def test_each_role_on_each_route_is_allowed_or_refused_as_the_table_says(system):
    app = system.client._transport.app
    for row in route_permissions(app):
        path = row.path.replace("{counter_id}", "no-such-counter")
        for role in ROLES:
            response = await system.client.request(
                row.method, path, json={}, params={"student_id": "s"},
                headers={**system.auth(role, schools=["sch-1"]), "X-Access-Purpose": "test"})
            if role in row.roles:
                assert response.status_code != 403, (row, role, response.text)
            else:
                assert response.status_code == 403, (row, role, response.text)
