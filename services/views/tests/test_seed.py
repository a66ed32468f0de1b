"""The synthetic district: the real referral and evaluation commands, day by day, leave
students at every stage, and the views show them all."""

from datetime import date

from iep_kernel.testing.waiting import eventually
from iep_views.seed.drive import Seeder, midday
from iep_views.seed.plan import TARGETS, district

from .conftest import Desk

EXPECTED = {
    "referred": "referred", "awaiting_consent": "awaiting_consent",
    "consent_unanswered": "awaiting_consent", "consent_refused": "consent_refused",
    "closed": "closed", "evaluating": "evaluating", "evaluation_overdue": "evaluating",
    "eligible": "eligible", "not_eligible": "not_eligible", "section_504": "section_504",
}


async def test_seeding_makes_students_at_every_stage(desk: Desk) -> None:
    today = date(2026, 3, 2)
    plans = district(len(TARGETS) * 2, schools=2, today=today, days=120)
    seeder = Seeder(desk.client, desk.system.auth("case_manager", "seeder",
                                                  ("sch-001", "sch-002")),
                    set_today=lambda day: desk.clock.set(midday(day)))
    tally = await seeder.run(plans)
    desk.set_today(today)
    assert tally.by_kind["refer"] == len(plans)
    admin = desk.staff("administrator", schools=())

    async def stages() -> dict[str, str]:
        body = (await desk.view("caseload", admin, limit=100)).json()
        return {s["student_id"]: s["stage"] for s in body["students"]}

    async def all_placed() -> bool:
        return await stages() == {p.student_id: EXPECTED[p.target] for p in plans}

    await eventually(all_placed, within=60, what="every seeded student in the caseload")
    overdue = (await desk.view("caseload", admin, stage="evaluating", overdue="true")).json()
    late = {p.student_id for p in plans if p.target == "evaluation_overdue"}
    assert {s["student_id"] for s in overdue["students"]} == late
    assert all(s["next_deadline"]["kind"] == "evaluation_due" for s in overdue["students"])


def test_the_plan_is_the_same_for_the_same_seed_and_within_its_days() -> None:
    today = date(2026, 3, 2)
    plans = district(50, schools=3, today=today, days=90)
    assert plans == district(50, schools=3, today=today, days=90)
    assert {p.school_id for p in plans} == {"sch-001", "sch-002", "sch-003"}
    days = [a.day for p in plans for a in p.actions]
    assert min(days) >= date(2025, 12, 2) and max(days) <= today
    assert all(p.actions[0].kind == "refer" for p in plans)


def test_the_seed_command_is_installed() -> None:
    from importlib.metadata import entry_points

    from iep_views.seed import seed

    (entry,) = [e for e in entry_points(group="iep.commands") if e.name == "seed"]
    assert entry.load() is seed
