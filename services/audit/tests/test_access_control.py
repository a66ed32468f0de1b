"""Only auditors and administrators reach the audit service, and every question is recorded."""

import asyncpg
import pytest
from fastapi import FastAPI
from iep_audit.api import router
from iep_kernel.auth import ROLES
from iep_kernel.permissions import route_permissions, unguarded_routes

APP = FastAPI()
APP.include_router(router)
ROUTES = route_permissions(APP)
ALLOWED = {"auditor", "administrator"}


def concrete(path: str) -> str:
    return path.replace("{student_id}", "s1")


def test_every_audit_route_is_guarded_and_open_to_auditors_and_administrators_only():
    assert unguarded_routes(APP) == []
    assert len(ROUTES) == 7
    assert all(r.roles == ALLOWED for r in ROUTES)


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_is_let_in_or_refused_on_every_route(scene, role):
    for route in ROUTES:
        response = await scene.get(concrete(route.path.removeprefix("/api/audit")), role=role)
        expected = 200 if role in ALLOWED else 403
        assert response.status_code == expected, (route.path, role, response.text)


async def test_a_request_without_a_token_is_refused(scene):
    response = await scene.system.client.get("/api/audit/events")
    assert response.status_code == 401


async def test_every_question_is_recorded_with_who_when_and_what(scene):
    await scene.append(scene.intake, "case-1", [scene.intake.opened("s1")], scene.by("cm"))
    await scene.deliver()
    asked = [
        ("/events", {"student_id": "s1", "event_type": "CaseOpened"}),
        ("/events.jsonl", {"actor": "cm"}),
        ("/events.csv", {"service": "intake"}),
        ("/students/s1/as-of", {"at": "2030-01-01T00:00:00+00:00"}),
        ("/verify", {"student_id": "s1"}),
        ("/record-accesses", {"student_id": "s1"}),
    ]
    for path, params in asked:
        assert (await scene.get(path, sub="auditor-7", **params)).status_code == 200
    await scene.get("/events", role="teacher")  # refused: not an audit query
    listed = await scene.get("/queries", role="administrator", sub="admin-1")
    queries = listed.json()["queries"]
    assert [(q["subject"], q["role"], q["path"], q["parameters"]) for q in queries] == [
        *(("auditor-7", "auditor", f"/api/audit{path}", params) for path, params in asked),
        ("admin-1", "administrator", "/api/audit/queries", {}),  # listing is a query too
    ]
    assert [q["action"] for q in queries] == [
        "query_events", "export_events_jsonl", "export_events_csv", "case_as_of_instant",
        "verify_log", "record_of_access", "audit_queries"]
    assert all(q["asked_at"] for q in queries)


async def test_recorded_questions_are_listed_by_who_asked_a_page_at_a_time(scene):
    for sub in ("a-1", "a-2", "a-1", "a-1"):
        await scene.get("/events", sub=sub)
    first = await scene.get("/queries", subject="a-1", limit=2)
    second = await scene.get("/queries", subject="a-1", limit=2, cursor=first.json()["next"])
    got = first.json()["queries"] + second.json()["queries"]
    assert [q["subject"] for q in got] == ["a-1"] * 3
    assert second.json()["next"] is None
    newest = await scene.get("/queries", order="desc", limit=1)
    assert newest.json()["queries"][0]["path"] == "/api/audit/queries"


async def test_the_record_of_questions_cannot_be_changed(scene):
    await scene.get("/events")
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await scene.pool.execute("DELETE FROM audit_queries")
