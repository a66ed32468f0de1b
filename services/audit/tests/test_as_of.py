"""As-of: the case as it stood at a past instant, every stage folded from the log."""

import asyncio

from iep_audit.domain.fold import CaseEvent, FoldTable, State
from iep_kernel.access import AccessLog
from iep_kernel.auth import Principal

# The publishing services of these tests are two stages of a case; their fold table is
# written as a later stage would write its own.
STAGES = FoldTable()


@STAGES.on("intake", "CaseOpened")
def intake_opened(state: State, event: CaseEvent) -> State:
    return {**state, "status": "open", "name": event.data["name"],
            "school_id": event.data["school_id"]}


@STAGES.on("intake", "CaseClosed")
def intake_closed(state: State, event: CaseEvent) -> State:
    return {**state, "status": "closed", "reason": event.data["reason"]}


@STAGES.on("review", "CaseOpened")
def review_opened(state: State, event: CaseEvent) -> State:
    return {**state, "status": "reviewing"}


async def test_the_case_at_a_past_instant_differs_from_the_case_now(make_scene):
    scene = await make_scene(folds=STAGES)
    await scene.append(scene.intake, "case-1", [scene.intake.opened("s1", name="Ana Ruiz")],
                       scene.by("cm"))
    await asyncio.sleep(0.01)
    then = scene.system.runtime("intake").clock.now()
    await asyncio.sleep(0.01)
    await scene.append(scene.intake, "case-1", [scene.intake.noted("s1")], scene.by("cm"))
    await scene.append(scene.intake, "case-1", [scene.intake.closed("s1", "moved away")],
                       scene.by("cm"))
    await scene.append(scene.review, "review-1", [scene.review.opened("s1")], scene.by("ev"))
    await scene.deliver()

    past = (await scene.get("/students/s1/as-of", at=then.isoformat())).json()
    now = (await scene.get("/students/s1/as-of")).json()

    assert past["events_folded"] == 1
    assert list(past["stages"]) == ["intake"]
    (intake_then,) = past["stages"]["intake"]
    assert intake_then["state"] == {"status": "open", "name": "Ana Ruiz",
                                    "school_id": "school-1"}  # personal fields opened
    assert now["events_folded"] == 4
    (intake_now,) = now["stages"]["intake"]
    assert intake_now["state"]["status"] == "closed"
    assert intake_now["state"]["reason"] == "moved away"
    assert intake_now["uninterpreted"] == ["CaseNoted"]  # no fold function: counted, named
    assert now["stages"]["review"][0]["state"] == {"status": "reviewing"}


async def test_reads_of_the_record_are_counted_but_change_no_stage(make_scene):
    scene = await make_scene(folds=STAGES)
    await scene.append(scene.intake, "case-1", [scene.intake.opened("s1")], scene.by("cm"))
    access = AccessLog(scene.system.runtime("intake"), "annual review")
    await access.record(Principal(subject="t-1", role="teacher"), "s1", "case/1")
    await scene.deliver()
    case = (await scene.get("/students/s1/as-of")).json()
    assert case["accesses_recorded"] == 1
    assert [r["stream_id"] for r in case["stages"]["intake"]] == ["case-1"]


async def test_a_destroyed_key_shows_the_past_case_without_its_personal_data(make_scene):
    scene = await make_scene(folds=STAGES)
    await scene.append(scene.intake, "case-1", [scene.intake.opened("s1", name="Ana Ruiz")],
                       scene.by("cm"))
    await scene.deliver()
    await scene.system.runtime("intake").vault.destroy("s1")
    scene.system.runtime("audit").vault.forget("s1")
    case = (await scene.get("/students/s1/as-of")).json()
    assert case["stages"]["intake"][0]["state"]["name"] == "[destroyed]"
    assert (await scene.get("/verify", student_id="s1")).json()["ok"]


async def test_a_case_before_anything_was_recorded_is_empty(scene):
    await scene.append(scene.intake, "case-1", [scene.intake.opened("s1")], scene.by("cm"))
    await scene.deliver()
    case = (await scene.get("/students/s1/as-of", at="2000-01-01T00:00:00+00:00")).json()
    assert (case["events_folded"], case["stages"]) == (0, {})
