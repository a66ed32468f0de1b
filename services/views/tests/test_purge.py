"""Records destruction (34 CFR 300.624): the views forget a student's personal data, keep
the facts, and a rebuild after the destruction equals the purged live model."""

from iep_kernel.testing.waiting import eventually
from iep_views.app.projection import rebuild_cases

from .conftest import Desk
from .test_rebuild import snapshot


async def destroy(desk: Desk, student_id: str) -> None:
    """An administrator destroys the records at the parent's request (referral service)."""
    response = await desk.client.post(
        f"/api/referral/students/{student_id}/records-destruction",
        json={"requested_by": "g-1", "requested_on": "2026-03-02",
              "parent_informed_on": "2026-02-20"},
        headers=desk.staff("administrator", schools=()))
    assert response.status_code == 201, response.text


async def test_destruction_purges_personal_data_and_keeps_the_facts(desk: Desk) -> None:
    made = await desk.refer("stu-1", name="Maria Lopez")
    kept = await desk.refer("stu-2", name="Sam Lee", guardians=(("g-2", "en"),))
    await desk.caught_up("referral", made["position"])
    await desk.caught_up("referral", kept["position"])
    await destroy(desk, "stu-1")
    pool = desk.system.runtime("views").pool

    async def purged() -> bool:
        return await pool.fetchval(
            "SELECT records_destroyed_on FROM case_students WHERE student_id = 'stu-1'"
        ) is not None

    await eventually(purged, what="the destruction applied")
    body = (await desk.view("students/stu-1", desk.staff())).json()
    assert body["student_name"] == "[destroyed]"
    assert body["records_destroyed_on"] == "2026-03-02"
    assert all(e["personal"] is None for e in body["timeline"])
    (referred,) = [e for e in body["timeline"] if e["kind"] == "referred"]
    assert (referred["kind"], referred["facts"]["concern_areas"]) == (
        "referred", ["schoolwork", "attention"])
    text = await pool.fetchval("SELECT string_agg(coalesce(personal::text, '') || "
                               "referral::text, ' ') FROM case_events JOIN case_students "
                               "USING (student_id) WHERE student_id = 'stu-1'")
    assert "Maria" not in text and "decode" not in text and "Grace" not in text
    other = (await desk.view("students/stu-2", desk.staff())).json()
    assert other["student_name"] == "Sam Lee"
    (child,) = (await desk.view("my-children", desk.parent("g-1"))).json()["children"]
    assert child["timeline"][0]["text"] == ("Your child's records were destroyed at your "
                                            "request.")

    live = await snapshot(pool)
    runtime = desk.system.runtime("views")
    await rebuild_cases(runtime)
    assert await snapshot(pool) == live
