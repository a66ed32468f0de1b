"""Verification: every hash chain recomputed, and the first break named."""

import asyncio
import json
import os
import sys
from pathlib import Path


async def chains(scene) -> None:
    await scene.append(scene.intake, "case-1", [scene.intake.opened("s1")] +
                       [scene.intake.noted("s1", minutes=m) for m in range(4)], scene.by("cm"))
    await scene.append(scene.intake, "case-2", [scene.intake.opened("s2")], scene.by("cm"))
    await scene.append(scene.review, "review-1", [scene.review.opened("s1"),
                                                  scene.review.closed("s1")], scene.by("ev"))
    await scene.deliver()


async def tamper(scene, sql: str) -> None:
    async with scene.pool.acquire() as conn, conn.transaction():
        # A superuser sidesteps the triggers, as an attacker with database access might.
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute(sql)


async def position_of(scene, service: str, stream: str, version: int) -> int:
    return await scene.pool.fetchval(
        "SELECT global_position FROM audit_events WHERE service = $1 AND stream_id = $2 "
        "AND stream_version = $3", service, stream, version)


async def test_an_untouched_log_verifies_whole_and_by_student(scene):
    await chains(scene)
    whole = (await scene.get("/verify")).json()
    assert (whole["ok"], whole["streams_checked"], whole["events_checked"]) == (True, 3, 8)
    assert whole["scope"] == "the whole log" and whole["first_break"] is None
    student = (await scene.get("/verify", student_id="s1")).json()
    assert (student["ok"], student["streams_checked"], student["events_checked"]) == (True, 2, 7)
    service = (await scene.get("/verify", service="review")).json()
    assert (service["ok"], service["events_checked"]) == (True, 2)


async def test_an_altered_audit_row_is_named_in_the_report(scene):
    await chains(scene)
    await tamper(scene, "UPDATE audit_events SET payload = jsonb_set(payload, '{minutes}', "
                        "'99') WHERE stream_id = 'case-1' AND stream_version = 3")
    report = (await scene.get("/verify")).json()
    assert not report["ok"]
    assert report["first_break"] == {
        "service": "intake", "stream_id": "case-1", "stream_version": 3,
        "global_position": await position_of(scene, "intake", "case-1", 3),
        "recorded_at": report["first_break"]["recorded_at"],
        "reason": "content does not match its hash (the event was altered)"}
    assert len(report["breaks"]) == 1
    assert not (await scene.get("/verify", student_id="s1")).json()["ok"]
    assert (await scene.get("/verify", student_id="s2")).json()["ok"]  # other chains hold
    assert (await scene.get("/verify", service="review")).json()["ok"]


async def test_a_removed_event_breaks_the_chain_at_the_gap(scene):
    await chains(scene)
    await tamper(scene, "DELETE FROM audit_events WHERE stream_id = 'case-1' "
                        "AND stream_version = 2")
    first = (await scene.get("/verify", student_id="s1")).json()["first_break"]
    assert (first["stream_id"], first["stream_version"]) == ("case-1", 3)
    assert "missing event" in first["reason"]


async def test_an_altered_actor_breaks_the_chain(scene):
    await chains(scene)
    await tamper(scene, "UPDATE audit_events SET metadata = jsonb_set(metadata, "
                        "'{actor,id}', '\"someone-else\"') WHERE stream_id = 'review-1' "
                        "AND stream_version = 1")
    report = (await scene.get("/verify")).json()
    assert [(b["service"], b["stream_id"], b["stream_version"]) for b in report["breaks"]] \
        == [("review", "review-1", 1)]


async def test_breaks_in_several_chains_are_reported_earliest_first(scene):
    await chains(scene)
    await tamper(scene, "UPDATE audit_events SET recorded_at = recorded_at "
                        "+ interval '1 microsecond' WHERE stream_id IN ('review-1', 'case-2') "
                        "AND stream_version = 1")
    report = (await scene.get("/verify")).json()
    assert [b["stream_id"] for b in report["breaks"]] == ["case-2", "review-1"]
    assert report["first_break"]["stream_id"] == "case-2"


async def iep_audit_verify(scene, *args: str) -> tuple[int, dict]:
    settings = scene.system.settings
    env = {**os.environ, "IEP_DATABASE_URL": settings.database_url,
           "IEP_SCHEMA_PREFIX": settings.schema_prefix, "IEP_DATA_DIR": str(settings.data_dir)}
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("iep")), "audit", "verify", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode in (0, 1), err.decode()
    return process.returncode, json.loads(out)


async def test_the_verify_command_exits_with_failure_on_a_break_and_is_recorded(scene):
    await chains(scene)
    code, report = await iep_audit_verify(scene)
    assert (code, report["ok"], report["events_checked"]) == (0, True, 8)
    await tamper(scene, "UPDATE audit_events SET student_id = 's9' "
                        "WHERE stream_id = 'case-2' AND stream_version = 1")
    code, report = await iep_audit_verify(scene, "--service", "intake")
    assert code == 1
    assert (report["first_break"]["stream_id"], report["scope"]) == ("case-2",
                                                                     "service intake")
    asked = await scene.pool.fetch("SELECT role, path, parameters FROM audit_queries")
    assert [(r["role"], r["path"], r["parameters"]) for r in asked] == [
        ("operator", "iep audit verify", {}),
        ("operator", "iep audit verify", {"service": "intake"})]
