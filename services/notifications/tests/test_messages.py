"""Each event that calls for a message yields it, in each recipient's language (Spanish for
Maria, English for Luis), to the right recipients and no one else: never to the guardian
of another student."""

from __future__ import annotations

import pytest
from iep_kernel.consumer import Outcome
from notices_people import (
    LUIS,
    MARIA,
    OTHER,
    STUDENT,
    deliver,
    guardian,
    notices,
    other_family,
    published,
    queued,
    referral_made,
)

OPTIONS = [{"option": "Continue small-group reading", "why_rejected": "No progress in two terms"}]


async def _given_two_families(runtime) -> None:
    assert await deliver(runtime, referral_made(), other_family()) == [Outcome.APPLIED] * 2


async def _messages_of(runtime, kind: str) -> dict[str, object]:
    found = await notices(runtime, kind=kind)
    return {n["recipient_id"]: await queued(runtime, n["notice_id"]) for n in found}


async def test_procedural_safeguards_notice_goes_to_the_guardian_named_in_their_language(
        runtime):
    await _given_two_families(runtime)
    await deliver(runtime, published("referral", "ProceduralSafeguardsNoticeGiven", STUDENT, {
        "referral_id": "r-1", "school_id": "sch-1", "guardian_id": MARIA, "language": "es",
        "given_on": "2026-03-02", "occasion": "initial_referral"}))
    await deliver(runtime, published("referral", "ProceduralSafeguardsNoticeGiven", STUDENT, {
        "referral_id": "r-1", "school_id": "sch-1", "guardian_id": LUIS, "language": "en",
        "given_on": "2026-03-02", "occasion": "initial_referral"}))
    sent = await _messages_of(runtime, "procedural_safeguards")
    assert set(sent) == {MARIA, LUIS}
    assert sent[MARIA].language == "es"
    assert sent[MARIA].subject == "Aviso de garantías procesales"
    assert "2 de marzo de 2026" in sent[MARIA].body_text
    assert sent[MARIA].address == "maria@example.org"
    assert sent[LUIS].language == "en"
    assert sent[LUIS].subject == "Notice of procedural safeguards"
    assert "March 2, 2026" in sent[LUIS].body_text
    assert "Ana Lopez" in sent[LUIS].body_text and "Ana Lopez" in sent[LUIS].body_html
    assert sent[LUIS].legal_basis == "34 CFR 300.504"


PWN = {"referral_id": "r-1", "school_id": "sch-1", "issued_on": "2026-03-02",
       "action": "propose_initial_evaluation",
       "action_description": "We propose an initial evaluation in reading",
       "reasons": "Reading two grade levels behind after a year of support",
       "records_used": ["Teacher referral", "Benchmark scores, fall 2025"],
       "assessments_proposed": [{"area": "reading", "description": "Reading battery"}],
       "safeguards_statement": "You have protection under the procedural safeguards",
       "sources_of_help": ["State Parent Training and Information Center"],
       "options_considered": OPTIONS, "other_factors": "Attendance is regular"}


async def test_prior_written_notice_carries_every_element_of_the_event(runtime):
    await _given_two_families(runtime)
    for guardian_id, language in ((MARIA, "es"), (LUIS, "en")):
        await deliver(runtime, published("referral", "PriorWrittenNoticeIssued", STUDENT, {
            **PWN, "notice_id": f"pwn-{guardian_id}", "guardian_id": guardian_id,
            "language": language}))
    sent = await _messages_of(runtime, "prior_written_notice")
    assert set(sent) == {MARIA, LUIS}
    for notice in sent.values():
        for element in ("We propose an initial evaluation in reading",
                        "Reading two grade levels behind after a year of support",
                        "Teacher referral", "Benchmark scores, fall 2025", "Reading battery",
                        "You have protection under the procedural safeguards",
                        "State Parent Training and Information Center",
                        "Continue small-group reading", "No progress in two terms",
                        "Attendance is regular"):
            assert element in notice.body_text and element in notice.body_html, element
    assert sent[MARIA].subject == "Aviso previo por escrito"
    assert "Por qué:" in sent[MARIA].body_text and "lectura" in sent[MARIA].body_text
    assert sent[LUIS].subject == "Prior written notice"
    assert "Why:" in sent[LUIS].body_text


async def test_consent_request_goes_to_each_guardian_the_request_names(runtime):
    await _given_two_families(runtime)
    await deliver(runtime, published("referral", "EvaluationConsentRequested", STUDENT, {
        "referral_id": "r-1", "school_id": "sch-1", "requested_on": "2026-03-02",
        "guardian_ids": [MARIA, LUIS],
        "assessments_proposed": [{"area": "reading", "description": "Reading battery"}]}))
    sent = await _messages_of(runtime, "consent_request")
    assert set(sent) == {MARIA, LUIS}
    assert sent[MARIA].subject == "Se solicita su consentimiento para una evaluación"
    assert "consentimiento informado por escrito" in sent[MARIA].body_text
    assert sent[LUIS].subject == "Your consent is requested for an evaluation"
    assert "informed written consent" in sent[LUIS].body_text


MEETING = {"case_id": "case-1", "meeting_id": "m-1", "issued_on": "2026-03-02",
           "purposes": ["initial_plan"], "meeting_on": "2026-03-20", "starts_at": "09:30:00",
           "location": "Lincoln Elementary, room 12",
           "attending": [{"name": "Jo Park", "roles": ["regular_education_teacher"]}],
           "right_to_bring_others": "You may bring others who know your child.",
           "transition_statement": None, "student_invited": False, "rescheduled": False}


async def test_meeting_notice_states_purpose_date_time_place_and_who_attends(runtime):
    await _given_two_families(runtime)
    for guardian_id, language in ((MARIA, "es"), (LUIS, "en")):
        await deliver(runtime, published("planning", "MeetingNoticeIssued", STUDENT, {
            **MEETING, "notice_id": f"mn-{guardian_id}", "guardian_id": guardian_id,
            "language": language}))
    sent = await _messages_of(runtime, "meeting_notice")
    assert set(sent) == {MARIA, LUIS}
    assert sent[MARIA].subject == "Está invitado/a a una reunión del IEP"
    assert "20 de marzo de 2026" in sent[MARIA].body_text
    assert "redactar el primer IEP" in sent[MARIA].body_text
    assert "Jo Park (maestro/a de educación general)" in sent[MARIA].body_text
    assert sent[LUIS].subject == "You are invited to an IEP meeting"
    for text in ("March 20, 2026", "9:30", "Lincoln Elementary, room 12", "Jo Park",
                 "writing the first IEP", "You may bring others who know your child."):
        assert text in sent[LUIS].body_text, text


PLAN = {"case_id": "case-1", "plan_id": "p-1", "version": 1, "meeting_id": "m-1",
        "written_on": "2026-03-20", "review_due_on": "2027-03-20", "consent_required": True,
        "stay_put_agreement": None,
        "content": {"services": [{"service": "speech_language_pathology",
                                  "provider_role": "speech-language pathologist",
                                  "minutes": 30, "frequency": "weekly",
                                  "location": "speech room", "starts_on": "2026-04-01",
                                  "ends_on": "2027-03-19"}]}}


async def test_plan_copy_goes_to_the_guardians_of_a_written_or_amended_plan(runtime):
    await _given_two_families(runtime)
    await deliver(runtime, published("planning", "PlanWritten", STUDENT,
                                     {**PLAN, "guardian_ids": [MARIA, LUIS]}))
    sent = await _messages_of(runtime, "plan_copy")
    assert set(sent) == {MARIA, LUIS}
    assert sent[MARIA].subject == "Una copia del IEP de su hijo o hija"
    assert "20 de marzo de 2026" in sent[MARIA].body_text
    assert sent[LUIS].subject == "A copy of your child's IEP"
    assert "30 min, weekly, speech room" in sent[LUIS].body_text
    assert "written consent" in sent[LUIS].body_text
    await deliver(runtime, published("planning", "PlanAmended", STUDENT, {
        **PLAN, "version": 2, "amends_version": 1, "amended_on": "2026-05-02"}))
    amended = await notices(runtime, kind="plan_copy", source_event_type="PlanAmended")
    assert {n["recipient_id"] for n in amended} == {MARIA, LUIS}
    assert "amended on May 2, 2026" in (await queued(runtime, next(
        n["notice_id"] for n in amended if n["recipient_id"] == LUIS))).body_text


REPORT = {"report_id": "pr-1", "school_id": "sch-1", "case_id": "case-1", "plan_id": "p-1",
          "version": 1, "due_on": "2026-06-01", "issued_on": "2026-06-01",
          "period_starts_on": "2026-04-01", "period_ends_on": "2026-05-31",
          "goals": [], "services": [], "late": False}


async def test_progress_report_goes_with_its_pdf_to_the_guardians_it_names(runtime):
    pytest.importorskip("iep_services_delivery.reports")
    await _given_two_families(runtime)
    await deliver(runtime, published("services-delivery", "ProgressReportIssued", STUDENT, {
        **REPORT, "guardians": [{"guardian_id": MARIA, "language": "es"},
                                {"guardian_id": LUIS, "language": "en"}]}))
    sent = await _messages_of(runtime, "progress_report")
    assert set(sent) == {MARIA, LUIS}
    assert sent[MARIA].subject == ("Informe de progreso sobre las metas del IEP de su hijo "
                                   "o hija")
    assert "del 1 de abril de 2026 al 31 de mayo de 2026" in sent[MARIA].body_text
    assert sent[LUIS].subject == "Progress report on your child's IEP goals"
    assert "The report is attached." in sent[LUIS].body_text
    for notice in sent.values():
        assert notice.attachments == ("pr-1.pdf",)
    pdf = await runtime.pool.fetchval("SELECT content FROM attachments WHERE notice_id = $1",
                                      sent[MARIA].notice_id)
    assert pdf.startswith(b"%PDF")


DISPUTE = {"case_id": "case-1", "dispute_id": "d-1", "school_id": "sch-1",
           "kind": "due_process_complaint", "filed_on": "2026-03-02",
           "problem": "Speech was cut", "proposed_resolution": "Restore speech",
           "particulars": None, "knew_on": "2026-02-20", "violation_on": None,
           "limit_exception": None, "covered_by_notice_id": None,
           "response_due_on": "2026-03-12", "resolution_meeting_due_on": "2026-03-17",
           "resolution_period_ends_on": "2026-04-01", "decision_due_on": None}


async def test_dispute_acknowledgement_goes_to_the_guardian_who_filed_only(runtime):
    await _given_two_families(runtime)
    await deliver(runtime, published("planning", "DisputeFiled", STUDENT,
                                     {**DISPUTE, "filed_by": MARIA}))
    sent = await _messages_of(runtime, "dispute_acknowledgement")
    assert set(sent) == {MARIA}
    assert sent[MARIA].subject == "Recibimos su solicitud para resolver un desacuerdo"
    assert "queja de debido proceso" in sent[MARIA].body_text
    assert "12 de marzo de 2026" in sent[MARIA].body_text
    await deliver(runtime, published("planning", "DisputeFiled", STUDENT,
                                     {**DISPUTE, "dispute_id": "d-2", "filed_by": LUIS}))
    english = [n for n in await notices(runtime, kind="dispute_acknowledgement")
               if n["recipient_id"] == LUIS]
    notice = await queued(runtime, english[0]["notice_id"])
    assert notice.subject == "We received your request to resolve a disagreement"
    assert "due process complaint" in notice.body_text


async def test_reevaluation_due_tells_the_guardians_and_reminds_the_staff(runtime, system):
    await _given_two_families(runtime)
    await directory_of_staff(system)
    await deliver(runtime, published("planning", "ReevaluationDue", STUDENT, {
        "case_id": "case-1", "school_id": "sch-1", "last_determined_on": "2023-04-15",
        "due_on": "2026-04-15", "days_remaining": 44, "guardian_ids": [MARIA, LUIS]}))
    sent = await _messages_of(runtime, "deadline_notice")
    assert set(sent) == {MARIA, LUIS}
    assert sent[MARIA].subject == "Se acerca la reevaluación de su hijo o hija"
    assert "15 de abril de 2026" in sent[MARIA].body_text
    assert "April 15, 2026" in sent[LUIS].body_text
    staff = await _messages_of(runtime, "deadline_approaching")
    assert set(staff) == {"cm-1", "adm-1"}
    assert staff["cm-1"].subject == "Deadline approaching for student S-1001"
    assert "the three-year reevaluation is due on April 15, 2026" in staff["cm-1"].body_text
    assert staff["adm-1"].language == "es"
    assert staff["adm-1"].subject == "Plazo próximo para el estudiante S-1001"


async def directory_of_staff(system) -> None:
    """cm-1 made the referral of S-1001 and cm-2 that of S-2002; adm-1 runs sch-1 (in
    Spanish), adm-2 another school."""
    admin = system.auth("administrator", "adm-0")
    for staff_id, body in (
            ("cm-1", {"name": "Casey Manager", "email": "cm1@lincoln.example",
                      "role": "case_manager", "schools": ["sch-1"]}),
            ("cm-2", {"name": "Cam Other", "email": "cm2@lincoln.example",
                      "role": "case_manager", "schools": ["sch-1"]}),
            ("adm-1", {"name": "Ada Min", "email": "adm1@lincoln.example",
                       "role": "administrator", "schools": ["sch-1"], "language": "es"}),
            ("adm-2", {"name": "Al Else", "email": "adm2@lincoln.example",
                       "role": "administrator", "schools": ["sch-9"]})):
        put = await system.client.put(f"/api/notifications/staff/{staff_id}", json=body,
                                      headers=admin)
        assert put.status_code == 200, put.text


@pytest.mark.parametrize(("source", "event_type", "deadline", "words"), [
    ("evaluation", "EvaluationDeadlineApproaching", "evaluation", "the initial evaluation"),
    ("planning", "MeetingDeadlineApproaching", "meeting", "the meeting to write the IEP"),
    ("planning", "DisputeDeadlineApproaching", "dispute",
     "the district's response to a due process complaint"),
])
async def test_deadline_approaching_reminds_the_case_manager_and_school_administrator(
        runtime, system, source, event_type, deadline, words):
    await _given_two_families(runtime)
    await directory_of_staff(system)
    await deliver(runtime, published(source, event_type, STUDENT, {
        "evaluation_id": "ev-1", "case_id": "case-1", "dispute_id": "d-1",
        "deadline": "response", "school_id": "sch-1", "due_on": "2026-03-09",
        "days_remaining": 7}))
    staff = await _messages_of(runtime, "deadline_approaching")
    assert set(staff) == {"cm-1", "adm-1"}  # not cm-2 (another case), not adm-2 (sch-9)
    assert f"{words} is due on March 9, 2026 (7 days left)" in staff["cm-1"].body_text
    assert "vence el 9 de marzo de 2026 (quedan 7 días)" in staff["adm-1"].body_text
    assert await notices(runtime, recipient_role="guardian") == []


async def test_overdue_reminds_the_assigned_case_manager_instead_of_the_referrer(
        runtime, system):
    await _given_two_families(runtime)
    await directory_of_staff(system)
    assigned = await system.client.put(
        f"/api/notifications/students/{STUDENT}/case-manager", json={"staff_id": "cm-2"},
        headers=system.auth("administrator", "adm-0"))
    assert assigned.status_code == 200, assigned.text
    await deliver(runtime, published("planning", "MeetingOverdue", STUDENT, {
        "case_id": "case-1", "school_id": "sch-1", "due_on": "2026-03-01"}))
    staff = await _messages_of(runtime, "deadline_overdue")
    assert set(staff) == {"cm-2", "adm-1"}
    assert staff["cm-2"].subject == "Deadline passed for student S-1001"
    assert "was due on March 1, 2026 and has not happened" in staff["cm-2"].body_text


async def test_a_language_without_templates_gets_english_with_a_note_and_is_counted(runtime):
    from prometheus_client import REGISTRY

    def counted() -> float:
        return REGISTRY.get_sample_value("iep_notifications_language_fallback_total",
                                         {"kind": "consent_request", "language": "vi"}) or 0.0

    before = counted()
    await deliver(runtime, referral_made(guardians=[guardian("g-vi", "vi", "vi@example.org")]))
    await deliver(runtime, published("referral", "EvaluationConsentRequested", STUDENT, {
        "referral_id": "r-1", "school_id": "sch-1", "requested_on": "2026-03-02",
        "guardian_ids": ["g-vi"], "assessments_proposed": []}))
    (notice,) = (await _messages_of(runtime, "consent_request")).values()
    assert (notice.language, notice.requested_language, notice.fallback) == ("en", "vi", True)
    assert notice.body_text.startswith("This message is in English because we do not yet "
                                       "have it in your language (vi).")
    assert counted() == before + 1


async def test_a_notice_for_a_guardian_not_yet_known_waits_for_the_referral(runtime):
    consent = published("referral", "EvaluationConsentRequested", STUDENT, {
        "referral_id": "r-1", "school_id": "sch-1", "requested_on": "2026-03-02",
        "guardian_ids": [MARIA], "assessments_proposed": []})
    assert await deliver(runtime, consent) == [Outcome.APPLIED]
    assert await notices(runtime) == []
    await deliver(runtime, referral_made(), other_family())
    sent = await _messages_of(runtime, "consent_request")
    assert set(sent) == {MARIA}
    assert sent[MARIA].language == "es"


async def test_a_guardian_without_email_or_choosing_paper_gets_a_paper_notice(runtime, system):
    await deliver(runtime, referral_made(guardians=[guardian(MARIA, "es", None),
                                                    guardian(LUIS, "en", "luis@example.org")]))
    chose = await system.client.put(
        f"/api/notifications/students/{STUDENT}/guardians/{LUIS}/delivery",
        json={"channel": "paper"}, headers=system.auth("parent", LUIS))
    assert chose.status_code == 200, chose.text
    assert chose.json()["channel"] == "paper"
    await deliver(runtime, published("referral", "EvaluationConsentRequested", STUDENT, {
        "referral_id": "r-1", "school_id": "sch-1", "requested_on": "2026-03-02",
        "guardian_ids": [MARIA, LUIS], "assessments_proposed": []}))
    found = await notices(runtime, kind="consent_request")
    assert {(n["recipient_id"], n["channel"], n["status"]) for n in found} == {
        (MARIA, "paper", "to_mail"), (LUIS, "paper", "to_mail")}
    timers = await runtime.pool.fetchval("SELECT count(*) FROM timers WHERE kind = 'deliver'")
    assert timers == 0  # nothing for the mail server


async def test_nothing_reaches_the_other_family(runtime, system):
    await _given_two_families(runtime)
    await directory_of_staff(system)
    for event in (
            published("referral", "EvaluationConsentRequested", STUDENT, {
                "referral_id": "r-1", "school_id": "sch-1", "requested_on": "2026-03-02",
                "guardian_ids": [MARIA, LUIS, OTHER], "assessments_proposed": []}),
            published("planning", "PlanAmended", STUDENT, {
                **PLAN, "version": 2, "amends_version": 1, "amended_on": "2026-05-02"}),
            published("planning", "DisputeFiled", STUDENT, {**DISPUTE, "filed_by": OTHER})):
        await deliver(runtime, event)
    everyone = await notices(runtime)
    assert everyone and OTHER not in {n["recipient_id"] for n in everyone}
    assert "cm-2" not in {n["recipient_id"] for n in everyone}
