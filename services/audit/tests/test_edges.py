"""Questions at the edges get an answer, never a server error: instants at the ends of the
calendar, and exports that fail midway. Each case was found by fuzzing the API."""

import pytest

ROUTES = ("/events", "/events.csv", "/events.jsonl", "/record-accesses", "/queries")
ENDS = ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("end", ENDS)
@pytest.mark.parametrize("bound", ["since", "until"])
async def test_an_instant_past_the_ends_of_the_calendar_is_422(scene, route, end, bound):
    response = await scene.get(route, **{bound: end})
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert error["field"] == f"query.{bound}"
    assert "UTC" in error["message"]


@pytest.mark.parametrize("end", ENDS)
async def test_a_case_as_of_past_the_ends_of_the_calendar_is_422(scene, end):
    response = await scene.get("/students/s1/as-of", at=end)
    assert response.status_code == 422, response.text


async def test_instants_just_inside_the_calendar_are_answered(scene):
    for route in ROUTES:
        response = await scene.get(route, since="0001-01-01T14:00:00+14:00",
                                   until="9999-12-31T09:59:59-14:00")
        assert response.status_code == 200, (route, response.text)


async def unreadable_row(scene) -> None:
    """A row this service cannot read back (recorded in year 20000, past Python's
    calendar): the export's query fails when it reaches it."""
    await scene.pool.execute(
        "INSERT INTO audit_events (event_id, service, stream_id, stream_version, "
        "global_position, student_id, event_type, schema_version, occurred_at, recorded_at, "
        "metadata, payload, prev_hash, hash) VALUES (gen_random_uuid(), 'intake', 'odd', 1, "
        "999999, 's0', 'CaseOpened', 1, now(), '20000-01-01T00:00:00Z', '{}', '{}', '', '')")


async def exported(scene, route: str, **params) -> list[dict]:
    """The ASGI messages of one export, straight from the app: what a server sends on."""
    app = scene.system.client._transport.app
    query = "&".join(f"{k}={v}" for k, v in params.items()).encode()
    headers = [(k.lower().encode(), v.encode()) for k, v in scene.auth().items()]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": f"/api/audit{route}",
             "raw_path": f"/api/audit{route}".encode(), "query_string": query,
             "root_path": "", "headers": [(b"host", b"iep.test"), *headers],
             "client": ("127.0.0.1", 1), "server": ("iep.test", 80)}
    messages: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        messages.append(message)

    await app(scope, receive, send)
    return messages


@pytest.mark.parametrize("route", ["/events.csv", "/events.jsonl"])
async def test_an_export_failing_at_its_start_is_an_error_not_an_empty_200(scene, route):
    await scene.append(scene.intake, "case-0", [scene.intake.opened("s0")], scene.by("cm"))
    await scene.deliver()
    await unreadable_row(scene)
    response = await scene.get(route, order="desc")  # the unreadable row comes first
    assert response.status_code == 500, response.text
    assert "Quote reference" in response.json()["detail"]


@pytest.mark.parametrize("route", ["/events.csv", "/events.jsonl"])
async def test_an_export_failing_midway_is_cut_short_never_ended(scene, route):
    # More than a chunk (64 KB) and a fetch (500 rows) of good events, then the bad row.
    await scene.append(scene.intake, "busy", [scene.intake.noted("s9", minutes=i)
                                              for i in range(1200)], scene.by("cm"))
    await scene.deliver()
    await unreadable_row(scene)
    messages = await exported(scene, route, order="asc")
    assert messages[0]["type"] == "http.response.start"
    assert messages[0]["status"] == 200
    bodies = [m for m in messages if m["type"] == "http.response.body"]
    assert bodies and bodies[0]["body"]  # the events before the failure went out...
    assert all(m.get("more_body") for m in bodies)  # ...but the body was never ended
