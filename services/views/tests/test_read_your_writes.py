"""Read-your-writes: a view request with a command's position waits until the view has
applied it; every view answer says how far each source has been applied."""

from iep_views.app.projection import CASES
from iep_views.domain.rules import ViewRules

from .conftest import Desk


async def test_a_view_request_with_a_commands_position_sees_that_command(desk: Desk) -> None:
    made = await desk.refer("stu-1")
    response = await desk.view("caseload", desk.staff(), source="referral",
                               position=made["position"])
    body = response.json()
    assert body["caught_up"] is True
    assert [s["student_id"] for s in body["students"]] == ["stu-1"]
    assert body["applied"]["referral"] >= made["position"]
    assert set(body["applied"]) == {"referral", "evaluation", "planning", "services-delivery"}
    asked = await desk.ask_consent(made["referral_id"])
    (child,) = (await desk.view("my-children", desk.parent("g-1"), source="referral",
                                position=asked["position"])).json()["children"]
    assert child["stage"] == "awaiting_consent"


async def test_the_wait_is_bounded_and_the_answer_says_it_did_not_catch_up(
        desk: Desk, monkeypatch) -> None:
    monkeypatch.setattr(CASES, "rules", ViewRules(read_your_writes_seconds=0.3))
    made = await desk.refer("stu-1")
    await desk.caught_up("referral", made["position"])
    response = await desk.view("caseload", desk.staff(), source="referral",
                               position=made["position"] + 1000)
    assert response.status_code == 200
    assert response.json()["caught_up"] is False
    assert response.json()["applied"]["referral"] == made["position"]
    plain = await desk.view("caseload", desk.staff())
    assert plain.json()["caught_up"] is None


async def test_a_position_needs_the_service_that_returned_it(desk: Desk) -> None:
    response = await desk.view("caseload", desk.staff(), min_position=3)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.source"
    unknown = await desk.view("caseload", desk.staff(), source="billing", position=3)
    assert unknown.status_code == 422
