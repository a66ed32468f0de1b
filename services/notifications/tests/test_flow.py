"""End to end on the real broker: a referral and its consent request through the referral
service's API reach the guardian by email, in Spanish, from the notifications worker."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from iep_kernel.clock import FixedClock
from iep_kernel.service import discover_services
from iep_kernel.testing.waiting import eventually

REFERRALS = "/api/referral/referrals"
WHY = {"X-Access-Purpose": "initial evaluation of a referred student"}
REFERRAL = {
    "student": {"district_student_id": "stu-1", "name": "Maria Lopez",
                "date_of_birth": "2017-05-14", "grade": "3", "school_id": "sch-1",
                "primary_language": "es"},
    "guardians": [{"guardian_id": "g-stu-1", "name": "Ana Lopez",
                   "email": "ana.lopez@example.org", "preferred_language": "es"}],
    "referred_by": {"name": "Grace Park", "role": "teacher"},
    "concerns": {"text": "struggles to decode words", "areas": ["schoolwork"]},
}
CONSENT_REQUEST = {
    "reasons": "Reading two grade levels behind after a year of small-group support",
    "records_used": ["Teacher referral"],
    "options_considered": [{"option": "Continue small-group reading",
                            "why_rejected": "No progress in two terms"}],
    "sources_of_help": ["State Parent Training and Information Center"],
    "assessments_proposed": [{"area": "reading", "description": "Reading battery"}],
}


@pytest.fixture
async def district(isolation, inbox):
    specs = discover_services(["referral", "notifications"])
    clock = FixedClock(datetime(2026, 3, 2, 15, tzinfo=UTC))
    return await isolation.system(specs, clock=clock, workers=True)


async def test_a_referral_and_its_consent_request_reach_the_parent_in_spanish(district, inbox):
    staff = {**district.auth("case_manager", "cm-1", ["sch-1"]), **WHY}
    made = await district.client.post(REFERRALS, json=REFERRAL, headers=staff)
    assert made.status_code == 201, made.text
    referral_id = made.json()["referral_id"]
    asked = await district.client.post(f"{REFERRALS}/{referral_id}/consent-request",
                                       json=CONSENT_REQUEST, headers=staff)
    assert asked.status_code == 200, asked.text

    async def delivered() -> bool:
        return len(inbox.to("ana.lopez@example.org")) >= 3
    await eventually(delivered, what="the safeguards, the notice and the consent request")
    subjects = sorted(m["Subject"] for m in inbox.to("ana.lopez@example.org"))
    assert subjects == ["Aviso de garantías procesales", "Aviso previo por escrito",
                        "Se solicita su consentimiento para una evaluación"]

    async def all_sent() -> bool:
        found = await district.client.get("/api/notifications/notifications",
                                          params={"student_id": "stu-1"},
                                          headers=district.auth("parent", "g-stu-1"))
        return {n["status"] for n in found.json()} == {"sent"}
    await eventually(all_sent, what="every notice recorded as sent")
    listed = await district.client.get("/api/notifications/notifications",
                                       params={"student_id": "stu-1"},
                                       headers=district.auth("parent", "g-stu-1"))
    assert len(listed.json()) == 3
    assert {n["language"] for n in listed.json()} == {"es"}


SCHOOL = "sch-lincoln"
STUDENT = "S-4711"
MOTHER, FATHER = "g-rosa", "g-tomas"
NOTICE = {"reasons": "The evaluation found a learning disability in reading",
          "records_used": ["Evaluation report"],
          "options_considered": [{"option": "General education only",
                                  "why_rejected": "Not enough progress"}],
          "sources_of_help": ["State Parent Training and Information Center"]}
TEAM = [{"name": "Rosa Garcia", "roles": ["parent"]},
        {"name": "Grace Park", "roles": ["regular_education_teacher"]},
        {"name": "Ana Ruiz", "roles": ["special_education_teacher"]},
        {"name": "Dr. Lee", "roles": ["district_representative", "evaluation_interpreter"]}]
PLAN = {
    "present_levels": {"academic_achievement": "Reads at a first-grade level",
                       "functional_performance": "Follows two-step directions",
                       "effect_on_general_curriculum": "Cannot read grade-level texts"},
    "annual_goals": [{"area": "reading", "statement": "Read grade-level text fluently",
                      "baseline": "40 words a minute", "target": "90 words a minute",
                      "measured_by": "weekly fluency probes",
                      "progress_reports": "quarterly"}],
    "services": [{"service": "specially_designed_instruction",
                  "provider_role": "special education teacher", "minutes": 45,
                  "frequency": "daily", "location": "resource room",
                  "starts_on": "2026-05-18", "ends_on": "2027-05-09"}],
    "supplementary_aids": ["audiobooks"], "program_modifications": [],
    "time_outside_regular_class": {"minutes_per_week": 225,
                                   "explanation": "Reading in the resource room"},
    "testing_accommodations": ["extended time"]}
EXPECTED = {  # what each parent is told along the way, and in which language
    MOTHER: ("es", ["consent_request", "dispute_acknowledgement", "meeting_notice", "plan_copy",
                    "prior_written_notice", "prior_written_notice", "procedural_safeguards",
                    "procedural_safeguards"]),
    FATHER: ("en", ["consent_request", "meeting_notice", "plan_copy", "prior_written_notice",
                    "prior_written_notice", "procedural_safeguards",
                    "procedural_safeguards"]),
}


class Lifecycle:
    """The district's people through referral, evaluation and planning, by HTTP."""

    def __init__(self, system, clock: FixedClock) -> None:
        self.system, self.clock, self.client = system, clock, system.client
        self.staff = {**system.auth("case_manager", "case_manager-1", [SCHOOL]),
                      "X-Access-Purpose": "developing the student's IEP"}

    def on(self, day: str) -> None:
        self.clock.set(datetime.fromisoformat(f"{day}T15:00:00+00:00"))

    async def post(self, path: str, body: dict, headers: dict, expect: int = 200) -> dict:
        response = await self.client.post(path, json=body, headers=headers)
        assert response.status_code == expect, response.text
        return dict(response.json())

    async def found(self, path: str) -> list:
        response = await self.client.get(path, params={"student_id": STUDENT},
                                         headers=self.staff)
        return list(response.json()) if response.status_code == 200 else []

    async def to_a_written_plan(self) -> str:
        """Referral, consent, evaluation, eligibility, the meeting and the plan: the case."""
        post, staff, system = self.post, self.staff, self.system
        referral = await post("/api/referral/referrals", {
            "student": {"district_student_id": STUDENT, "name": "Lucia Garcia",
                        "date_of_birth": "2017-05-14", "grade": "3", "school_id": SCHOOL,
                        "primary_language": "es"},
            "guardians": [{"guardian_id": MOTHER, "name": "Rosa Garcia",
                           "email": "rosa@example.org", "preferred_language": "es"},
                          {"guardian_id": FATHER, "name": "Tomas Garcia",
                           "email": "tomas@example.org", "preferred_language": "en"}],
            "referred_by": {"name": "Grace Park", "role": "teacher"},
            "concerns": {"text": "Lucia struggles to decode words",
                         "areas": ["schoolwork"]}}, staff, 201)
        referral_path = f"/api/referral/referrals/{referral['referral_id']}"
        await post(f"{referral_path}/consent-request", {
            **NOTICE, "assessments_proposed": [{"area": "reading", "description": "Reading"}]},
            staff)
        await post(f"{referral_path}/consent",
                   {"decision": "given", "signed_on": "2026-03-02"},
                   system.auth("parent", MOTHER))

        async def evaluation_opened() -> bool:
            return bool(await self.found("/api/evaluation/evaluations"))
        await eventually(evaluation_opened, what="the evaluation opened from consent")
        (evaluation,) = await self.found("/api/evaluation/evaluations")
        evaluation_path = f"/api/evaluation/evaluations/{evaluation['evaluation_id']}"
        self.on("2026-04-15")
        for evaluator, role in (("Dr. Ruth Chen", "psychologist"), ("Sam Okafor", "teacher")):
            await post(f"{evaluation_path}/assessments", {
                "area": "reading", "evaluator": {"name": evaluator, "role": role},
                "instrument": "WIAT-4", "completed_on": "2026-04-01",
                "summary": "reads two grades below level"},
                {**system.auth("evaluator", "evaluator-1", [SCHOOL]),
                 "X-Access-Purpose": "evaluation"}, 201)
        await post(f"{evaluation_path}/eligibility", {
            "eligible": True, "categories": ["specific_learning_disability"],
            "adverse_effect": True, "needs_special_education": True,
            "team": [{"name": "Rosa Garcia", "role": "parent"},
                     {"name": "Dr. Ruth Chen", "role": "psychologist"}],
            "parent_participated": True, "determined_on": "2026-04-15",
            "rationale": "a learning disability in reading"}, staff, 201)

        async def planning_opened() -> bool:
            return bool(await self.found("/api/planning/cases"))
        await eventually(planning_opened, what="the planning case opened from eligibility")
        (case,) = await self.found("/api/planning/cases")
        case_path = f"/api/planning/cases/{case['case_id']}"
        self.on("2026-05-01")
        scheduled = await post(f"{case_path}/meetings", {
            "purposes": ["initial_plan"], "meeting_on": "2026-05-10", "starts_at": "09:30",
            "location": "Lincoln Elementary", "invited": TEAM[1:]}, staff, 201)
        meeting_id = scheduled["meetings"][0]["meeting_id"]
        self.on("2026-05-10")
        await post(f"{case_path}/meetings/{meeting_id}/held", {"attendees": TEAM}, staff)
        drafted = await post(f"{case_path}/plans", {"content": PLAN}, staff, 201)
        await post(f"{case_path}/plans/{drafted['drafts'][0]['plan_id']}/finalize",
                   {"meeting_id": meeting_id, "notice": NOTICE}, staff)
        return case_path


async def test_the_lifecycle_from_referral_to_a_complaint_reaches_each_parent_once(
        isolation, inbox):
    clock = FixedClock(datetime(2026, 3, 2, 15, tzinfo=UTC))
    system = await isolation.system(
        discover_services(["referral", "evaluation", "planning", "notifications"]),
        clock=clock, workers=True)
    people = Lifecycle(system, clock)
    client, post, on = system.client, people.post, people.on
    case_path = await people.to_a_written_plan()
    on("2026-09-01")
    await post(f"{case_path}/disputes", {
        "kind": "due_process_complaint", "problem": "Reading support is not enough",
        "proposed_resolution": "A reading specialist daily",
        "particulars": {"child_name": "Lucia Garcia", "address": "4 Oak Lane",
                        "school": "Lincoln Elementary"},
        "knew_on": "2026-08-25"}, system.auth("parent", MOTHER), 201)

    async def everything_sent() -> bool:
        lines = (await client.get("/api/notifications/notifications",
                                  params={"student_id": STUDENT, "limit": 100}, headers={
                                      **system.auth("auditor", "auditor-1"),
                                      "X-Access-Purpose": "proving notice"})).json()
        return (len(lines) == sum(len(k) for _, k in EXPECTED.values())
                and {n["status"] for n in lines} == {"sent"})
    await eventually(everything_sent, what="every notice of the lifecycle sent")
    for guardian_id, (language, kinds) in EXPECTED.items():
        lines = (await client.get("/api/notifications/notifications",
                                  headers=system.auth("parent", guardian_id))).json()
        assert sorted(n["kind"] for n in lines) == kinds
        assert {n["language"] for n in lines} == {language}
    assert len(inbox.to("rosa@example.org")) == len(EXPECTED[MOTHER][1])
    assert len(inbox.to("tomas@example.org")) == len(EXPECTED[FATHER][1])
    meeting = next(m for m in inbox.to("rosa@example.org")
                   if m["Subject"] == "Está invitado/a a una reunión del IEP")
    assert "10 de mayo de 2026" in meeting.get_body(("plain",)).get_content()


async def test_a_progress_report_on_the_services_delivery_topic_reaches_the_parents_with_its_pdf(
        isolation, inbox):
    """The report is appended to the services-delivery store as its decider would write it
    (the real event class, with goals and services) and published by its relay."""
    events = pytest.importorskip("iep_services_delivery.domain.events")
    values = pytest.importorskip("iep_services_delivery.domain.values")
    from iep_kernel.events import Metadata

    clock = FixedClock(datetime(2026, 11, 10, 15, tzinfo=UTC))
    system = await isolation.system(discover_services(
        ["referral", "services-delivery", "notifications"]), clock=clock, workers=True)
    people = Lifecycle(system, clock)
    await people.post("/api/referral/referrals", {
        "student": {"district_student_id": STUDENT, "name": "Lucia Garcia",
                    "date_of_birth": "2017-05-14", "grade": "3", "school_id": SCHOOL,
                    "primary_language": "es"},
        "guardians": [{"guardian_id": MOTHER, "name": "Rosa Garcia",
                       "email": "rosa@example.org", "preferred_language": "es"},
                      {"guardian_id": FATHER, "name": "Tomas Garcia",
                       "email": "tomas@example.org", "preferred_language": "en"}],
        "referred_by": {"name": "Grace Park", "role": "teacher"},
        "concerns": {"text": "decoding", "areas": ["schoolwork"]}}, people.staff, 201)
    report = events.ProgressReportIssued(
        student_id=STUDENT, report_id="rep-1", school_id=SCHOOL, case_id="case-1",
        plan_id="plan-1", version=1, due_on="2026-11-10", issued_on="2026-11-10",
        period_starts_on="2026-05-10", period_ends_on="2026-11-10",
        goals=[values.GoalProgress(
            goal_id="g1", area="reading", statement="Read grade-level text fluently",
            baseline="40 words a minute", target="90 words a minute",
            measured_by="weekly fluency probes", baseline_value=40, target_value=90,
            latest_value=62, observations=[values.Measurement(observed_on="2026-10-01",
                                                              value=62)],
            status="on_track")],
        services=[values.ServiceCompliance(
            schedule_id="sch-a", service="specially_designed_instruction",
            minutes_required=1800, minutes_delivered=1710, minutes_missed=90,
            compensatory_owed=45)],
        guardians=[values.Guardian(guardian_id=MOTHER, language="es"),
                   values.Guardian(guardian_id=FATHER, language="en")], late=False)
    await system.runtime("services-delivery").store.append(
        "reports-S-4711", 0, [report], Metadata(correlation_id="report-1"))

    async def delivered() -> bool:
        return any(m["Subject"] == "Progress report on your child's IEP goals"
                   for m in inbox.to("tomas@example.org")) and any(
            m["Subject"].startswith("Informe de progreso") for m in inbox.to("rosa@example.org"))
    await eventually(delivered, what="the progress report by email to both parents")
    spanish = next(m for m in inbox.to("rosa@example.org")
                   if m["Subject"].startswith("Informe de progreso"))
    (pdf,) = spanish.iter_attachments()
    assert (pdf.get_filename(), pdf.get_content_type()) == ("rep-1.pdf", "application/pdf")
    assert pdf.get_content().startswith(b"%PDF")
    text = spanish.get_body(("plain",)).get_content()
    assert "del 10 de mayo de 2026 al 10 de noviembre de 2026" in text
    (english,) = [m for m in inbox.to("tomas@example.org")
                  if m["Subject"] == "Progress report on your child's IEP goals"]
    assert "The report is attached." in english.get_body(("plain",)).get_content()
