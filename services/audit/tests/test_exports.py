"""Streaming exports: the same filters as the query, as JSON Lines and CSV."""

import csv
import io
import json
from dataclasses import fields
from datetime import datetime

from iep_kernel.store import StoredEvent, stored_hash


async def some_history(scene) -> None:
    for s in range(3):
        await scene.append(scene.intake, f"case-{s}", [scene.intake.opened(f"s{s}"),
                                                       scene.intake.noted(f"s{s}")], scene.by("cm"))
    await scene.append(scene.review, "review-0", [scene.review.opened("s0")], scene.by("ev"))
    await scene.deliver()


async def streamed(scene, path: str, **params) -> tuple[dict, list[str]]:
    async with scene.system.client.stream(
            "GET", f"/api/audit{path}", params=params, headers=scene.auth()) as response:
        assert response.status_code == 200
        lines = [line async for line in response.aiter_lines()]
        return dict(response.headers), lines


async def test_json_lines_export_holds_what_the_query_returns_for_the_same_filters(scene):
    await some_history(scene)
    headers, lines = await streamed(scene, "/events.jsonl", student_id="s0")
    assert headers["content-type"] == "application/x-ndjson"
    queried = (await scene.get("/events", student_id="s0")).json()["events"]
    exported = [json.loads(line) for line in lines]
    assert len(exported) == 3
    assert [e["event_id"] for e in exported] == [e["event_id"] for e in queried]
    assert [e["payload"] for e in exported] == [e["payload"] for e in queried]


async def test_an_exported_line_verifies_with_the_kernels_hash_alone(scene):
    await some_history(scene)
    _, lines = await streamed(scene, "/events.jsonl", event_type="CaseNoted")
    hashed = {f.name for f in fields(StoredEvent)}
    for line in lines:
        # the service and the dates of record are read beside the event, not hashed
        event = {k: v for k, v in json.loads(line).items() if k in hashed}
        for moment in ("occurred_at", "recorded_at"):
            event[moment] = datetime.fromisoformat(event[moment])
        assert stored_hash(StoredEvent(**event)) == event["hash"]


async def test_csv_export_has_a_header_and_one_row_per_event(scene):
    await some_history(scene)
    headers, lines = await streamed(scene, "/events.csv", order="desc")
    assert headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    assert len(rows) == 7
    assert rows[0]["stream_id"] == "review-0"  # newest first
    assert {r["actor_id"] for r in rows} == {"cm", "ev"}
    noted = next(r for r in rows if r["event_type"] == "CaseNoted")
    assert json.loads(noted["payload"])["note"].startswith("pii:v1:")
    assert json.loads(noted["payload"])["minutes"] == 30


async def test_an_export_streams_more_events_than_any_page_holds(scene):
    count = 1200
    await scene.append(scene.intake, "busy", [scene.intake.noted("s9", minutes=i)
                                              for i in range(count)], scene.by("cm"))
    await scene.deliver()
    _, lines = await streamed(scene, "/events.jsonl")
    assert [json.loads(line)["payload"]["minutes"] for line in lines] == list(range(count))
