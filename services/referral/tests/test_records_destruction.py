"""Records destruction at the parent's request (34 CFR 300.624), through the API."""

DESTROY = "/api/referral/students/stu-100/records-destruction"
REQUEST = {"requested_by": "g-1", "requested_on": "2026-03-01",
           "parent_informed_on": "2026-02-20"}


async def test_an_administrator_destroys_a_students_records_at_the_parents_request(desk):
    referral_id = await desk.made()
    response = await desk.client.post(DESTROY, json=REQUEST,
                                      headers=desk.who("administrator"))
    assert response.status_code == 201
    assert response.json()["student_id"] == "stu-100"
    view = (await desk.read(referral_id)).json()
    assert view["student"]["name"] == "[destroyed]"
    assert view["guardians"][0]["email"] == "[destroyed]"
    store = desk.system.runtime("referral").store
    (event,) = await store.read_student("stu-100", ["StudentRecordsDestroyed"])
    assert event.data.requested_by == "g-1"
    assert event.metadata.actor.role == "administrator"
    for stream in await store.stream_ids():
        assert (await store.verify(stream)).ok  # the log is complete and still verifies


async def test_destruction_asked_by_someone_not_a_guardian_is_409(desk):
    await desk.made()
    response = await desk.client.post(DESTROY, json={**REQUEST, "requested_by": "g-9"},
                                      headers=desk.who("administrator"))
    assert response.status_code == 409
    assert "recorded guardian" in response.json()["detail"]
    view = (await desk.read(await desk.made())).json()
    assert view["student"]["name"] == "Maria Lopez"


async def test_destruction_of_an_unknown_student_is_404(desk):
    response = await desk.client.post(
        "/api/referral/students/nobody/records-destruction", json=REQUEST,
        headers=desk.who("administrator"))
    assert response.status_code == 404


async def test_only_an_administrator_may_destroy_records(desk):
    await desk.made()
    for role in ("case_manager", "teacher", "auditor", "parent"):
        response = await desk.client.post(DESTROY, json=REQUEST, headers=desk.who(role))
        assert response.status_code == 403, role


async def test_malformed_destruction_request_is_422(desk):
    await desk.made()
    response = await desk.client.post(DESTROY, json={"requested_by": "g-1"},
                                      headers=desk.who("administrator"))
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "requested_on", "parent_informed_on"}
