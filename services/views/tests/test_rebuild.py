"""Rebuilt == live: the views replayed from the topics equal the model built event by
event as the events arrived, through `iep views rebuild` and the kernel's `rebuild`."""

import asyncio
import base64
import dataclasses
import os
from datetime import date
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from iep_kernel.projection import rebuild
from iep_kernel.testing.waiting import eventually
from iep_views.app import tables
from iep_views.app.projection import CASES, rebuild_cases
from iep_views.domain.events import TABLE
from pydantic import SecretStr

from .conftest import Desk


async def snapshot(pool: Any) -> dict[str, list[dict[str, Any]]]:
    return {
        "case_students": [dict(r) for r in await pool.fetch(
            "SELECT * FROM case_students ORDER BY student_id")],
        "case_deadlines": [dict(r) for r in await pool.fetch(
            "SELECT * FROM case_deadlines ORDER BY student_id, kind, about, due_on")],
        "case_guardians": [dict(r) for r in await pool.fetch(
            "SELECT * FROM case_guardians ORDER BY guardian_id, student_id")],
        "case_events": [dict(r) for r in await pool.fetch(
            "SELECT * FROM case_events ORDER BY source, position")],
        "applied": [dict(r) for r in await pool.fetch(
            "SELECT event_id FROM applied_events WHERE consumer = 'projection.cases' "
            "ORDER BY event_id")],
    }


async def a_district(desk: Desk) -> int:
    """Students at several stages; returns how many events the views should hold."""
    desk.set_today(date(2026, 1, 5))
    for n, school in enumerate(("sch-1", "sch-1", "sch-2")):
        made = await desk.refer(f"stu-{n}", school_id=school,
                                guardians=((f"g-{n}", "es" if n else "en"),))
        await desk.ask_consent(made["referral_id"], school)
        if n:
            await desk.answer(made["referral_id"], f"g-{n}")
    evaluation_id = await desk.evaluation_of("stu-1")
    desk.set_today(date(2026, 1, 20))
    await desk.assess(evaluation_id, "Dr. Lee")
    await desk.assess(evaluation_id, "Ms. Park", area="cognitive")
    await desk.determine(evaluation_id, eligible=False, section_504=True)
    await desk.evaluation_of("stu-2", "sch-2")
    closed = await desk.refer("stu-9", guardians=(("g-9", "en"),))
    response = await desk.client.post(
        f"/api/referral/referrals/{closed['referral_id']}/close",
        json={"reason": "withdrawn"}, headers=desk.staff())
    assert response.status_code == 200, response.text
    # referral: 4 students registered by their first referral, 3 x (made, safeguards,
    # requested, notice), 2 consents, stu-9's made, safeguards and closed; evaluation:
    # 2 opened, 2 assessments, determined, 504 referral
    return 4 + 3 * 4 + 2 + 3 + 2 + 2 + 1 + 1


async def test_rebuilt_views_equal_the_live_views(desk: Desk, monkeypatch: Any) -> None:
    expected = await a_district(desk)
    pool = desk.system.runtime("views").pool

    async def all_applied() -> bool:
        return await pool.fetchval("SELECT count(*) FROM case_events") == expected

    await eventually(all_applied, what=f"{expected} events applied live")
    live = await snapshot(pool)
    assert {r["stage"] for r in live["case_students"]} == {
        "awaiting_consent", "section_504", "evaluating", "closed"}
    runtime = desk.system.runtime("views")
    report = await rebuild_cases(runtime, workers=2, batch=7)  # two processes
    assert report.events_applied == expected
    assert await snapshot(pool) == live
    monkeypatch.setattr(tables, "BULK", 1)  # the COPY path a large rebuild takes
    await rebuild_cases(runtime, workers=1)  # in this process, where the patch holds
    assert await snapshot(pool) == live
    monkeypatch.undo()
    await pool.execute("UPDATE case_students SET stage = 'closed'")  # the model is disposable
    await rebuild(pool, CASES, runtime.bootstrap, runtime.settings.topic_prefix, runtime.vault)
    assert await snapshot(pool) == live


async def test_a_failed_rebuild_leaves_the_views_as_they_were_and_live_events_flow_on(
        desk: Desk) -> None:
    expected = await a_district(desk)
    runtime = desk.system.runtime("views")
    pool = runtime.pool
    await eventually(lambda: _count_is(pool, expected), what=f"{expected} events applied live")
    live = await snapshot(pool)
    # Worker processes that cannot open the sealed fields (another master key) fail.
    other_key = base64.b64encode(os.urandom(32)).decode()
    broken = dataclasses.replace(runtime, settings=runtime.settings.model_copy(
        update={"master_key": SecretStr(other_key)}))
    with pytest.raises(InvalidTag):
        await rebuild_cases(broken, workers=2)
    assert await snapshot(pool) == live
    assert not await _scratch_exists(pool, runtime.schema)
    rebuilding = asyncio.create_task(rebuild_cases(runtime, workers=2))
    await eventually(lambda: _scratch_exists(pool, runtime.schema), what="a rebuild under way")
    # While the workers replay, staff read the old tables without waiting for them.
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL lock_timeout = '1s'")
        assert await conn.fetchval("SELECT count(*) FROM case_events") == expected
    assert not rebuilding.done()
    await rebuilding
    # The live handler writes into the tables the rebuild put in place.
    await desk.refer("stu-new", guardians=(("g-new", "en"),))
    # registered, referred, safeguards notice
    await eventually(lambda: _count_is(pool, expected + 3), what="the new referral applied")
    assert await pool.fetchval(
        "SELECT stage FROM case_students WHERE student_id = 'stu-new'") == "referred"


async def _scratch_exists(pool: Any, schema: str) -> bool:
    return bool(await pool.fetchval("SELECT count(*) FROM pg_namespace WHERE nspname = $1",
                                    f"{schema}_rebuild"))


async def _count_is(pool: Any, count: int) -> bool:
    return await pool.fetchval("SELECT count(*) FROM case_events") == count


async def test_rebuilt_views_equal_the_live_views_through_planning(planning_desk: Desk,
                                                                    monkeypatch: Any) -> None:
    desk = planning_desk
    desk.set_today(date(2026, 2, 1))
    await desk.eligible("stu-1", (("g-1", "en"), ("g-2", "es")))
    await desk.eligible("stu-2", (("g-3", "es"),), school_id="sch-2")
    await desk.refer("stu-3", guardians=(("g-4", "en"),))
    first, second = await desk.planning_case("stu-1"), await desk.planning_case("stu-2",
                                                                                "sch-2")
    meeting_id, _ = await desk.schedule(first, date(2026, 2, 10), "09:30", "Room 4")
    await desk.schedule(second, date(2026, 2, 12), "14:00", "Library", "sch-2")
    desk.set_today(date(2026, 2, 10))
    await desk.write_plan(first, meeting_id, "g-1")
    await desk.planning(f"{first}/consent", {"decision": "given", "signed_on": "2026-02-10"},
                        desk.parent("g-1"))
    await desk.planning(f"{first}/disputes", {
        "kind": "state_complaint", "problem": "Services were not delivered",
        "proposed_resolution": "Make up the minutes",
        "particulars": {"child_name": "Maria Lopez", "address": "4 Oak Lane",
                        "school": "Lincoln Elementary"},
        "violation_on": "2026-02-09"}, desk.parent("g-1"), 201)
    pool = desk.system.runtime("views").pool

    async def stored() -> int:
        count = 0
        for name in ("referral", "evaluation", "planning"):
            events = await desk.system.runtime(name).store.read_all(0)
            count += sum((name, e.event_type) in TABLE for e in events)
        return count

    async def all_applied() -> bool:
        return await pool.fetchval("SELECT count(*) FROM case_events") == await stored()

    await eventually(all_applied, what="every event applied live")
    live = await snapshot(pool)
    assert {r["stage"] for r in live["case_students"]} == {
        "in_dispute", "meeting_scheduled", "referred"}
    assert {r["kind"] for r in live["case_deadlines"]} >= {
        "annual_review_due", "complaint_decision_due", "iep_meeting_due", "reevaluation_due"}
    runtime = desk.system.runtime("views")
    await rebuild_cases(runtime, workers=2, batch=5)
    assert await snapshot(pool) == live
    monkeypatch.setattr(tables, "BULK", 1)
    await rebuild_cases(runtime, workers=1)
    assert await snapshot(pool) == live
    monkeypatch.undo()
    await rebuild(pool, CASES, runtime.bootstrap, runtime.settings.topic_prefix, runtime.vault)
    assert await snapshot(pool) == live


async def test_the_views_rebuild_command_is_installed() -> None:
    from importlib.metadata import entry_points

    from iep_views.cli import views
    from typer.testing import CliRunner

    (entry,) = [e for e in entry_points(group="iep.commands") if e.name == "views"]
    assert entry.load() is views
    shown = CliRunner().invoke(views, ["--help"])
    assert "rebuild" in shown.output and "Replay the views from the topics" in shown.output
