"""The district clock moved through the real services: seventy days after the parent's
consent the evaluation is overdue in the caseload and on the compliance dashboard, and the
staff reminder went out once (referral, evaluation, views and notifications with their
workers, on the real PostgreSQL and broker)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import asyncpg
from iep_kernel.district_clock import move_clock
from iep_kernel.service import discover_services
from iep_kernel.testing.waiting import eventually
from story import MOTHER, NOTICE, REFERRAL, SCHOOL, STUDENT, People

SERVICES = ["referral", "evaluation", "views", "notifications"]


async def _get(people: People, path: str, **params: str) -> Any:
    response = await people.client.get(path, params=params,
                                       headers=people.staff("administrator"))
    assert response.status_code == 200, response.text
    return response.json()


async def _caseload_line(people: People) -> dict[str, Any] | None:
    caseload = await _get(people, "/api/views/caseload")
    return next((s for s in caseload["students"] if s["student_id"] == STUDENT), None)


async def _staff_reminders(people: People) -> list[str]:
    notices = await _get(people, "/api/notifications/notifications", student_id=STUDENT)
    return sorted(f"{n['kind']} to {n['recipient_id']}" for n in notices
                  if n["kind"] in ("deadline_approaching", "deadline_overdue"))


async def test_seventy_days_past_consent_the_evaluation_is_overdue_and_staff_reminded_once(
        isolation):
    system = await isolation.system(discover_services(SERVICES), workers=True)
    clock = system.runtime("evaluation").clock  # the district clock, as every service's
    people = People(system, clock)  # type: ignore[arg-type]
    directory = await system.client.put(
        "/api/notifications/staff/case_manager-1", headers=system.auth("administrator"),
        json={"name": "Casey Manager", "email": "casey@lincoln.example",
              "role": "case_manager", "schools": [SCHOOL]})
    assert directory.status_code == 200, directory.text

    referral = await people.post("/api/referral/referrals", REFERRAL, people.staff(), 201)
    path = f"/api/referral/referrals/{referral['referral_id']}"
    await people.post(f"{path}/consent-request", {
        **NOTICE, "assessments_proposed": [{"area": "reading", "description": "Reading"}]},
        people.staff())
    consented_on = date.fromisoformat(people.today())
    await people.post(f"{path}/consent", {"decision": "given", "signed_on": people.today()},
                      people.parent(MOTHER))
    (evaluation,) = await people.eventually_found("/api/evaluation/evaluations",
                                                  "the evaluation opened from consent")
    assert evaluation["due_on"] == (consented_on + timedelta(60)).isoformat()

    async def evaluating() -> bool:
        line = await _caseload_line(people)
        return bool(line and line["evaluation_id"] and line["next_deadline"])
    await eventually(evaluating, what="the evaluation with its deadline in the caseload")
    line = await _caseload_line(people)
    assert line is not None and line["next_deadline"]["overdue"] is False

    conn = await asyncpg.connect(isolation.dsn)
    try:  # what `iep clock advance 70` does
        await move_clock(conn, f"{isolation.prefix}_iep_clock", "UTC", days=70)
    finally:
        await conn.close()

    async def reminded() -> bool:
        return bool(await _staff_reminders(people))
    await eventually(reminded, what="the staff reminder of the overdue evaluation")
    line = await _caseload_line(people)
    assert line is not None and line["next_deadline"]["overdue"] is True
    assert line["next_deadline"]["days_remaining"] == -10
    dashboard = await _get(people, "/api/views/compliance")
    assert dashboard["today"] == (consented_on + timedelta(70)).isoformat()
    assert dashboard["totals"]["evaluations_overdue"] == 1
    (school,) = dashboard["schools"]
    assert [s["student_id"] for s in school["evaluations_overdue"]["students"]] == [STUDENT]

    evaluations = system.runtime("evaluation")
    assert await evaluations.pool.fetchval(
        "SELECT count(*) FROM timers WHERE fired_at IS NULL") == 0
    raised = [e.event_type for e in await evaluations.store.read_all(0)]
    assert raised.count("EvaluationOverdue") == 1
    assert "EvaluationDeadlineApproaching" not in raised  # past due: the overdue speaks
    (loop,) = [t for t in system.workers.timer_loops if t.runtime is evaluations]
    assert await loop.tick() == 0  # ticking again raises nothing more
    assert await _staff_reminders(people) == ["deadline_overdue to case_manager-1"]
