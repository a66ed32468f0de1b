"""Two times on every fact: the day an act happened and the instant it was recorded, in the
query answer, both exports and the as-of case; an entry recorded past the district's
late-entry window shows how late it was."""

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta


async def streamed(scene, path: str, **params) -> list[str]:
    async with scene.system.client.stream(
            "GET", f"/api/audit{path}", params=params, headers=scene.auth()) as response:
        assert response.status_code == 200
        return [line async for line in response.aiter_lines()]


async def late_history(scene) -> date:
    """A family met 45 days before it was recorded (with a reason), one met yesterday, and
    an event that is not an act. Returns the late act's day."""
    today = datetime.now(UTC).date()
    late_day = today - timedelta(days=45)
    await scene.append(scene.intake, "case-1", [
        scene.intake.opened("s1"),
        scene.intake.met("s1", late_day, reason="the notes were found in a drawer"),
        scene.intake.met("s1", today - timedelta(days=1)),
    ], scene.by("cm"))
    await scene.deliver()
    return late_day


def days_between(event: dict) -> int:
    return (date.fromisoformat(event["recorded_on"])
            - date.fromisoformat(event["occurred_on"])).days


async def test_an_act_recorded_45_days_late_shows_both_dates_and_its_lateness(scene):
    late_day = await late_history(scene)
    opened, late, on_time = (await scene.get("/events", student_id="s1")).json()["events"]

    assert late["occurred_on"] == late_day.isoformat()
    recorded = datetime.fromisoformat(late["occurred_at"])  # the district clock's instant
    assert late["recorded_on"] == recorded.date().isoformat()  # the district is on UTC here
    assert late["days_late"] == days_between(late) >= 45
    assert late["late_entry"] is True and late["late_entry_reason_given"] is True
    assert late["payload"]["late_entry_reason"].startswith("pii:v1:")  # sealed as stored

    assert on_time["days_late"] == days_between(on_time) <= 2
    assert on_time["late_entry"] is False and on_time["late_entry_reason_given"] is False

    # not an act: no act date, never late
    assert opened["occurred_on"] is None and opened["days_late"] is None
    assert opened["late_entry"] is False and opened["recorded_on"]


async def test_both_exports_carry_the_dates_of_record(scene):
    late_day = await late_history(scene)
    lines = await streamed(scene, "/events.jsonl", event_type="FamilyMet")
    late, on_time = (json.loads(line) for line in lines)
    assert (late["occurred_on"], late["late_entry"]) == (late_day.isoformat(), True)
    assert late["days_late"] >= 45 and on_time["late_entry"] is False

    lines = await streamed(scene, "/events.csv", student_id="s1")
    header = next(csv.reader(io.StringIO(lines[0])))
    # the columns before keep their places; the dates of record come last
    assert header[:3] == ["recorded_at", "occurred_at", "service"]
    assert header[-6:] == ["hash", "occurred_on", "recorded_on", "days_late", "late_entry",
                           "late_entry_reason_given"]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    opened, late_row, on_time_row = rows
    assert late_row["occurred_on"] == late_day.isoformat()
    assert int(late_row["days_late"]) >= 45
    assert (late_row["late_entry"], late_row["late_entry_reason_given"]) == ("True", "True")
    assert on_time_row["late_entry"] == "False"
    assert opened["occurred_on"] == "" and opened["days_late"] == ""


async def test_the_as_of_case_lists_late_entries_with_the_reason_opened(scene):
    late_day = await late_history(scene)
    case = (await scene.get("/students/s1/as-of")).json()
    assert case["late_entry_rule"] == "recorded more than 30 days after the act"
    (entry,) = case["late_entries"]
    assert entry["event_type"] == "FamilyMet" and entry["stream_version"] == 2
    assert entry["occurred_on"] == late_day.isoformat() and entry["days_late"] >= 45
    assert entry["late_entry_reason"] == "the notes were found in a drawer"
    (record,) = case["stages"]["intake"]
    assert record["last_occurred_on"] == (late_day + timedelta(days=44)).isoformat()
    assert record["last_recorded_at"]


async def test_an_act_the_system_appends_is_dated_by_its_cause_and_never_late(scene):
    long_ago = datetime.now(UTC).date() - timedelta(days=50)
    await scene.append(scene.intake, "case-3", [scene.intake.met("s3", long_ago)],
                       scene.by("system", role="system"))
    await scene.deliver()
    (event,) = (await scene.get("/events", student_id="s3")).json()["events"]
    assert event["days_late"] >= 50 and event["late_entry"] is False
    assert (await scene.get("/students/s3/as-of")).json()["late_entries"] == []


async def test_an_act_published_before_acts_were_dated_is_not_late(scene):
    await scene.append(scene.intake, "case-2", [scene.intake.met("s2", None)], scene.by("cm"))
    await scene.deliver()
    (event,) = (await scene.get("/events", student_id="s2")).json()["events"]
    assert event["occurred_on"] is None and event["days_late"] is None
    assert event["late_entry"] is False
    assert (await scene.get("/students/s2/as-of")).json()["late_entries"] == []
