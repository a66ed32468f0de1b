"""The demo district (`iep seed --demo`, and `make up` on an empty store): the real
commands bring its students to every stage, for the people the dev sign-in lists."""

from datetime import UTC, datetime

from iep_views.seed.demo import SCHOOLS, STUDENTS, Demo
from iep_web import demo as people


def test_the_demo_district_is_made_for_the_people_of_the_dev_sign_in():
    subjects = {p.subject for p in people.PEOPLE}
    guardians = {row[4] for row in STUDENTS}
    assert {"demo-parent-miller", "demo-parent-hernandez"} <= guardians & subjects
    assert set(SCHOOLS) == set(people.SCHOOLS)
    languages = {p.language for p in people.PEOPLE if p.role == "parent"}
    assert languages == {"en", "es"}


async def test_the_demo_district_has_students_at_every_stage(site):
    system = site.system

    def token(sub, role, schools):
        return system.token(role, sub, schools)

    commands = await Demo(system.client, token, datetime.now(UTC).date()).run()
    assert commands > 40
    from iep_kernel.testing.waiting import eventually

    async def stages() -> bool:
        response = await system.client.get("/api/views/caseload",
                                           headers=site.staff("administrator", ()))
        seen = {s["stage"] for s in response.json()["students"]}
        return seen >= {"referred", "awaiting_consent", "consent_refused", "closed",
                        "evaluating", "not_eligible", "section_504", "eligible"}

    await eventually(stages, what="every stage in the caseload")
    cases = await system.client.get("/api/planning/cases", headers=site.staff())
    assert {c["status"] for c in cases.json()} >= {"awaiting_plan", "awaiting_consent"}
