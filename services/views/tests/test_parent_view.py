"""The parent view: a guardian's own children, where things stand in plain language, what
is waiting for them and what happened, in their language; each read recorded."""

from datetime import date

from iep_kernel.testing.waiting import eventually

from .conftest import Desk


async def test_a_parent_sees_only_their_own_children(desk: Desk) -> None:
    mine = await desk.refer("stu-1", guardians=(("g-ana", "en"), ("g-luis", "en")))
    theirs = await desk.refer("stu-2", guardians=(("g-other", "en"),), name="Sam Lee")
    await desk.caught_up("referral", mine["position"])
    await desk.caught_up("referral", theirs["position"])
    response = await desk.view("my-children", desk.parent("g-luis"))
    assert response.status_code == 200, response.text
    assert [c["student_id"] for c in response.json()["children"]] == ["stu-1"]
    assert response.json()["children"][0]["name"] == "Maria Lopez"
    assert (await desk.view("my-children/stu-2", desk.parent("g-luis"))).status_code == 404
    assert (await desk.view("my-children/stu-1", desk.parent("g-luis"))).status_code == 200
    assert (await desk.view("my-children", desk.staff())).status_code == 403
    accesses = await desk.system.runtime("views").store.read_student("stu-1",
                                                                      ["RecordAccessed"])
    assert [(a.metadata.actor.id, a.data.resource) for a in accesses] == [
        ("g-luis", "views/parent-view"), ("g-luis", "views/parent-view")]
    assert await desk.system.runtime("views").store.read_student(
        "stu-2", ["RecordAccessed"]) == []


async def test_a_parent_is_told_their_signature_is_awaited_and_what_happened(
        desk: Desk) -> None:
    desk.set_today(date(2026, 2, 2))
    made = await desk.refer("stu-1", guardians=(("g-ana", "en"),))
    desk.set_today(date(2026, 2, 3))
    asked = await desk.ask_consent(made["referral_id"])
    await desk.caught_up("referral", asked["position"])
    (child,) = (await desk.view("my-children", desk.parent("g-ana"))).json()["children"]
    assert child["language"] == "en"
    assert child["stage"] == "awaiting_consent"
    assert child["summary"] == ("We are waiting for your signature on the evaluation consent "
                                "form.")
    assert [(a["action"], a["referral_id"]) for a in child["actions"]] == [
        ("answer_evaluation_consent", made["referral_id"])]
    assert [(e["on_text"], e["text"]) for e in child["timeline"]] == [
        ("February 3, 2026", "The school sent you a written notice explaining the evaluation "
                             "it proposes."),
        ("February 3, 2026", "The school asked for your consent to evaluate your child."),
        ("February 2, 2026", "You were given the notice of your rights (procedural "
                             "safeguards)."),
        ("February 2, 2026", "Your child was referred for an evaluation."),
    ]


async def test_a_spanish_speaking_guardian_reads_the_view_in_spanish(desk: Desk) -> None:
    desk.set_today(date(2026, 1, 2))
    made = await desk.refer("stu-1", guardians=(("g-ana", "es-MX"), ("g-luis", "en")))
    await desk.ask_consent(made["referral_id"])
    await desk.answer(made["referral_id"], "g-ana")

    async def evaluating() -> bool:
        children = (await desk.view("my-children", desk.parent("g-ana"))).json()["children"]
        return bool(children) and children[0]["summary"].startswith("La evaluación")

    await eventually(evaluating, what="the evaluation in the parent view")
    (child,) = (await desk.view("my-children", desk.parent("g-ana"))).json()["children"]
    assert child["language"] == "es"
    assert child["summary"] == ("La evaluación de su hijo o hija está en curso y debe terminar "
                                "a más tardar el 3 de marzo de 2026.")
    assert child["actions"] == []
    assert child["timeline"][0]["text"] == ("La evaluación comenzó. Debe terminar a más tardar "
                                            "el 3 de marzo de 2026.")
    assert child["timeline"][0]["on_text"] == "2 de enero de 2026"
    (english,) = (await desk.view("my-children", desk.parent("g-luis"))).json()["children"]
    assert english["summary"] == ("Your child's evaluation is under way and must be finished "
                                  "by March 3, 2026.")
