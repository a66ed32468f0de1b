"""Querying the log: each filter, the time range, and stable cursor pages."""

import asyncio
from datetime import timedelta

import pytest


async def history(scene) -> dict:
    """Five events across two services and two students; returns the instant in the middle."""
    first = await scene.append(scene.intake, "case-1", [scene.intake.opened("s1"),
                                                        scene.intake.noted("s1")], scene.by("cm-1"))
    await scene.append(scene.review, "review-1", [scene.review.opened("s1")],
                       scene.by("ev-1", "evaluator"))
    await asyncio.sleep(0.01)
    middle = scene.system.runtime("intake").clock.now()
    await asyncio.sleep(0.01)
    await scene.append(scene.intake, "case-2", [scene.intake.opened("s2")], scene.by("cm-1"))
    await scene.append(scene.intake, "case-2", [scene.intake.closed("s2")], scene.by("cm-2"))
    await scene.deliver()
    return {"middle": middle, "start": first.envelopes[0].recorded_at}


def keys(response) -> list[tuple[str, str, int]]:
    assert response.status_code == 200, response.text
    return [(e["service"], e["stream_id"], e["stream_version"])
            for e in response.json()["events"]]


ALL = [("intake", "case-1", 1), ("intake", "case-1", 2), ("review", "review-1", 1),
       ("intake", "case-2", 1), ("intake", "case-2", 2)]


@pytest.mark.parametrize("params, expected", [
    ({}, ALL),
    ({"student_id": "s1"}, ALL[:3]),
    ({"student_id": "s2"}, ALL[3:]),
    ({"service": "review"}, [ALL[2]]),
    ({"stream_id": "case-2"}, ALL[3:]),
    ({"event_type": "CaseOpened"}, [ALL[0], ALL[2], ALL[3]]),
    ({"actor": "cm-1"}, [ALL[0], ALL[1], ALL[3]]),
    ({"actor": "cm-1", "student_id": "s2"}, [ALL[3]]),
    ({"student_id": "nobody"}, []),
])
async def test_each_filter_selects_exactly_its_events_in_log_order(scene, params, expected):
    await history(scene)
    assert keys(await scene.get("/events", **params)) == expected


async def test_a_time_range_selects_events_recorded_within_it(scene):
    moments = await history(scene)
    middle = moments["middle"].isoformat()
    assert keys(await scene.get("/events", until=middle)) == ALL[:3]
    assert keys(await scene.get("/events", since=middle)) == ALL[3:]
    assert keys(await scene.get("/events", since=middle, student_id="s1")) == []
    later = (moments["middle"] + timedelta(days=1)).isoformat()
    assert keys(await scene.get("/events", since=later)) == []


async def test_events_come_back_exactly_as_stored(scene):
    await history(scene)
    (event,) = (await scene.get("/events", stream_id="case-1", event_type="CaseOpened")
                ).json()["events"]
    (row,) = await scene.system.runtime("intake").store.read_stream_raw("case-1", up_to=1)
    assert event["event_id"] == str(row.event_id)
    assert event["payload"] == row.payload and event["payload"]["name"].startswith("pii:v1:")
    assert event["metadata"] == row.metadata
    assert (event["prev_hash"], event["hash"]) == (row.prev_hash, row.hash)
    assert event["global_position"] == row.global_position


async def test_pages_follow_the_cursor_through_every_event_once(scene):
    await history(scene)
    seen, cursor, pages = [], None, 0
    while True:
        response = await scene.get("/events", limit=2, cursor=cursor)
        seen += keys(response)
        pages += 1
        cursor = response.json()["next"]
        if cursor is None:
            break
    assert (seen, pages) == (ALL, 3)


async def test_pages_stay_stable_when_events_arrive_between_them(scene):
    await history(scene)
    first = await scene.get("/events", limit=3)
    await scene.append(scene.intake, "case-3", [scene.intake.opened("s3")], scene.by("cm-3"))
    await scene.deliver()
    second = await scene.get("/events", limit=3, cursor=first.json()["next"])
    assert keys(first) + keys(second) == [*ALL, ("intake", "case-3", 1)]


async def test_newest_first_pages_run_backwards_through_the_log(scene):
    await history(scene)
    first = await scene.get("/events", limit=3, order="desc")
    second = await scene.get("/events", limit=3, order="desc", cursor=first.json()["next"])
    assert keys(first) + keys(second) == ALL[::-1]
    assert second.json()["next"] is None


@pytest.mark.parametrize("cursor, says", [
    ("not-a-cursor", "pass the `next` value"),
    (None, "belongs to a query in asc order"),
])
async def test_a_cursor_not_given_out_for_this_query_is_refused(scene, cursor, says):
    await history(scene)
    if cursor is None:
        cursor = (await scene.get("/events", limit=1)).json()["next"]
    response = await scene.get("/events", cursor=cursor, order="desc")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.cursor"
    assert says in response.json()["errors"][0]["message"]


async def test_a_time_without_an_offset_is_refused(scene):
    response = await scene.get("/events", since="2025-01-01T00:00:00")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.since"
