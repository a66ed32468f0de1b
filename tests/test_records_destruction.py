"""Crypto-shredding across services: at the parent's request an administrator destroys a
student's records; every service then shows that student's personal data as destroyed, the
logs stay complete and verifiable, and rebuilding a read model cannot bring the data back."""

from __future__ import annotations

from datetime import UTC, datetime

from iep_kernel.clock import FixedClock
from iep_kernel.events import DESTROYED
from iep_kernel.projection import Projection, rebuild
from iep_kernel.service import discover_services
from iep_kernel.testing.waiting import eventually

REFERRALS = "/api/referral/referrals"
EVALUATIONS = "/api/evaluation/evaluations"




class StudentNames(Projection):
    """A read model that keeps a name in plain text, as a staff view would."""

    name = "student-names"
    sources = ("referral",)
    tables = ("student_names",)
    event_types = frozenset({"ReferralMade"})

    async def create(self, conn) -> None:
        await conn.execute("CREATE TABLE IF NOT EXISTS student_names "
                           "(student_id text PRIMARY KEY, name text NOT NULL)")

    async def apply(self, conn, event) -> None:
        await conn.execute("INSERT INTO student_names VALUES ($1, $2) ON CONFLICT DO NOTHING",
                           event.student_id, event.data["student"]["name"])


async def test_destroyed_records_read_as_destroyed_in_every_service(isolation, district_of):
    clock = FixedClock(datetime(2026, 3, 2, 15, tzinfo=UTC))
    system = await isolation.system(discover_services(["referral", "evaluation"]),
                                    clock=clock, workers=True)
    district = district_of(system)
    referral_id = await district.refer_and_consent("stu-1")
    await district.refer_and_consent("stu-2")  # another family, untouched
    evaluation_id = await district.evaluation_of("stu-1")
    clock.set(datetime(2026, 3, 12, 15, tzinfo=UTC))
    await district.assess_and_determine(evaluation_id)

    names = StudentNames()
    referral = system.runtime("referral")
    async with referral.pool.acquire() as conn:
        await names.create(conn)
    await rebuild(referral.pool, names, isolation.bootstrap, system.settings.topic_prefix,
                  vault=referral.vault)
    assert await referral.pool.fetchval(
        "SELECT name FROM student_names WHERE student_id = 'stu-1'") == "Maria Lopez"

    destroyed = await system.client.post(
        "/api/referral/students/stu-1/records-destruction",
        json={"requested_by": "g-stu-1", "requested_on": "2026-03-12",
              "parent_informed_on": "2026-03-05"},
        headers=district.staff("administrator"))
    assert destroyed.status_code == 201, destroyed.text

    view = (await system.client.get(f"{REFERRALS}/{referral_id}",
                                    headers=district.staff())).json()
    assert view["student"]["name"] == view["student"]["date_of_birth"] == DESTROYED
    assert view["guardians"][0]["email"] == DESTROYED
    evaluation = (await system.client.get(f"{EVALUATIONS}/{evaluation_id}",
                                          headers=district.staff())).json()
    assert {a["evaluator_name"] for a in evaluation["assessments"]} == {DESTROYED}
    assert {a["summary"] for a in evaluation["assessments"]} == {DESTROYED}
    assert evaluation["eligibility"]["rationale"] == DESTROYED
    assert evaluation["eligibility"]["categories"] == ["specific_learning_disability"]

    other = (await system.client.get(REFERRALS, params={"student_id": "stu-2"},
                                     headers=district.staff())).json()
    other_view = (await system.client.get(f"{REFERRALS}/{other[0]['referral_id']}",
                                          headers=district.staff())).json()
    assert other_view["student"]["name"] == "Maria Lopez"  # same name, another student

    for runtime in system.runtimes:  # complete logs, still verifying
        for stream in await runtime.store.stream_ids():
            assert (await runtime.store.verify(stream)).ok, (runtime.name, stream)

    async def evaluation_worker_handled_it() -> bool:
        return bool(await system.runtime("evaluation").pool.fetchval(
            "SELECT count(*) FROM applied_events WHERE consumer = "
            "'evaluation.records-destroyed'"))
    await eventually(evaluation_worker_handled_it, what="the evaluation worker's destruction")

    await rebuild(referral.pool, names, isolation.bootstrap, system.settings.topic_prefix,
                  vault=referral.vault)
    assert await referral.pool.fetchval(
        "SELECT name FROM student_names WHERE student_id = 'stu-1'") == DESTROYED
    assert await referral.pool.fetchval(
        "SELECT name FROM student_names WHERE student_id = 'stu-2'") == "Maria Lopez"
