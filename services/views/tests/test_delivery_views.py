"""Services delivery in the views, on the real database and broker with every service and
worker from referral to services delivery: minutes delivered against required and owed in
the caseload and per school, and services received against promised in the parent view."""

from datetime import date
from typing import Any

from iep_kernel.testing.waiting import eventually
from iep_views.app.projection import rebuild_cases
from iep_views.domain.events import TABLE

from .conftest import Desk
from .test_rebuild import snapshot

DELIVERY = "/api/services-delivery/students"


async def test_minutes_delivered_missed_and_owed_reach_staff_and_parents(delivery_desk: Desk
                                                                         ) -> None:
    desk = delivery_desk
    desk.set_today(date(2026, 2, 1))
    await desk.eligible("stu-1", (("g-ana", "en"), ("g-luis", "es")))
    case_id = await desk.planning_case("stu-1")
    meeting_id, _ = await desk.schedule(case_id, date(2026, 2, 27), "15:30", "Room 4")
    desk.set_today(date(2026, 2, 27))
    await desk.write_plan(case_id, meeting_id, "g-ana")
    await desk.planning(f"{case_id}/consent", {"decision": "given", "signed_on": "2026-02-27"},
                        desk.parent("g-ana"))
    schedules: list[dict[str, Any]] = []

    async def scheduled() -> bool:
        response = await desk.client.get(f"{DELIVERY}/stu-1", headers=desk.staff())
        schedules[:] = response.json().get("schedules", []) if response.status_code == 200 \
            else []
        return bool(schedules)

    await eventually(scheduled, what="the plan's service scheduled")
    (schedule,) = schedules
    desk.set_today(date(2026, 3, 4))  # a Wednesday: 3 of the week's 5 daily sessions due
    provider = desk.staff("provider")
    for day, outcome in (("2026-03-02", "delivered"), ("2026-03-03", "missed")):
        response = await desk.client.post(f"{DELIVERY}/stu-1/sessions", json={
            "schedule_id": schedule["schedule_id"], "session_on": day, "outcome": outcome,
            **({"cause": "provider_absent"} if outcome == "missed" else {}),
            "note": "reading intervention"}, headers=provider)
        assert response.status_code == 201, response.text
        position = response.json()["position"]
    await desk.caught_up("services-delivery", position)

    response = await desk.view("caseload", desk.staff())
    (line,) = response.json()["students"]
    assert line["services"] == {"minutes_required": 135, "minutes_delivered": 45,
                                "minutes_missed": 45, "compensatory_owed": 45}
    dashboard = (await desk.view("compliance", desk.staff())).json()
    assert dashboard["schools"][0]["services"] == line["services"]
    assert dashboard["totals"]["services"] == line["services"]

    (child,) = (await desk.view("my-children", desk.parent("g-ana"))).json()["children"]
    (received,) = child["services"]
    assert received["text"] == ("specially designed instruction: 45 of 135 minutes received "
                                "so far. The school owes your child 45 minutes, to be made "
                                "up.")
    (spanish,) = (await desk.view("my-children", desk.parent("g-luis"))).json()["children"]
    assert spanish["services"][0]["text"].startswith(
        "instrucción especialmente diseñada: 45 de 135 minutos")
    other = await desk.view("caseload", desk.staff("teacher", schools=("sch-2",)))
    assert other.json()["students"] == []

    # Rebuilt from the four topics, the model is the live one.
    pool = desk.system.runtime("views").pool

    async def all_applied() -> bool:
        stored = 0
        for name in ("referral", "evaluation", "planning", "services-delivery"):
            events = await desk.system.runtime(name).store.read_all(0)
            stored += sum((name, e.event_type) in TABLE for e in events)
        return await pool.fetchval("SELECT count(*) FROM case_events") == stored

    await eventually(all_applied, what="every event applied live")
    live = await snapshot(pool)
    runtime = desk.system.runtime("views")
    await rebuild_cases(runtime, batch=4)
    assert await snapshot(pool) == live
