"""The as-of fold, without I/O: given a student's events, the case each stage holds."""

from datetime import UTC, datetime, timedelta

import pytest
from iep_audit.domain.fold import CaseEvent, FoldTable
from iep_audit.domain.stages import CASE

START = datetime(2026, 3, 2, 15, tzinfo=UTC)


def events(*specs: tuple[str, str, str, dict]) -> list[CaseEvent]:
    return [CaseEvent(service=service, stream_id=stream, stream_version=i + 1,
                      event_type=event_type, occurred_at=START + timedelta(hours=i),
                      recorded_at=START + timedelta(hours=i), actor={}, data=data)
            for i, (service, stream, event_type, data) in enumerate(specs)]


REFERRED = ("referral", "referral-1", "ReferralMade",
            {"referral_id": "r-1", "school_id": "sch-1", "referred_on": "2026-03-02",
             "student": {"name": "Maria Lopez", "grade": "3"},
             "guardians": [{"guardian_id": "g-1"}], "concerns": {"areas": ["attention"]},
             "referred_by": {"role": "teacher"}})
ASKED = ("referral", "referral-1", "EvaluationConsentRequested",
         {"requested_on": "2026-03-03", "assessments_proposed": [{"area": "reading"}]})


def test_a_refused_consent_leaves_the_referral_refused_and_no_evaluation():
    case = CASE.fold("s1", START, events(REFERRED, ASKED, (
        "referral", "referral-1", "ConsentRefused",
        {"guardian_id": "g-1", "signed_on": "2026-03-05", "received_on": "2026-03-05",
         "method": "written"})))
    (referral,) = case.stages["referral"]
    assert referral.state["status"] == "consent_refused"
    assert referral.state["consent"]["given"] is False
    assert referral.state["assessments_proposed"] == ["reading"]
    assert "evaluation" not in case.stages


def test_a_closed_referral_says_why():
    case = CASE.fold("s1", START, events(REFERRED, (
        "referral", "referral-1", "ReferralClosed",
        {"closed_on": "2026-03-04", "reason": "withdrawn"})))
    state = case.stages["referral"][0].state
    assert (state["status"], state["close_reason"]) == ("closed", "withdrawn")


def test_two_referrals_of_one_student_are_two_records_of_the_stage():
    second = ("referral", "referral-2", *REFERRED[2:])
    case = CASE.fold("s1", START, events(REFERRED, second, ASKED))
    assert [(r.stream_id, r.state["status"]) for r in case.stages["referral"]] == [
        ("referral-1", "consent_requested"), ("referral-2", "referred")]


def test_records_destruction_in_any_service_is_folded():
    case = CASE.fold("s1", START, events(REFERRED, (
        "referral", "referral-1", "StudentRecordsDestroyed",
        {"requested_on": "2026-06-01", "parent_informed_on": "2026-05-20"})))
    assert case.stages["referral"][0].state["status"] == "records_destroyed"


def test_a_later_stage_without_fold_functions_is_still_shown_and_named():
    case = CASE.fold("s1", START, events(
        ("services-delivery", "delivery-1", "ServiceSessionDelivered", {})))
    (delivery,) = case.stages["services-delivery"]
    assert (delivery.state, delivery.events_folded, delivery.uninterpreted) == (
        {}, 1, ["ServiceSessionDelivered"])


def test_a_written_plan_is_in_effect_once_the_parent_consents_to_services():
    opened = ("planning", "planning-1", "PlanningOpened",
              {"case_id": "c-1", "meeting_due_on": "2026-05-15", "categories": ["autism"]})
    written = ("planning", "planning-1", "PlanWritten",
               {"plan_id": "p-1", "version": 1, "written_on": "2026-05-10",
                "review_due_on": "2027-05-10", "consent_required": True})
    consent = ("planning", "planning-1", "ConsentToServicesGiven",
               {"guardian_id": "g-1", "signed_on": "2026-05-12", "received_on": "2026-05-12"})
    statuses = [CASE.fold("s1", START, events(*steps)).stages["planning"][0].state["status"]
                for steps in ([opened], [opened, written], [opened, written, consent])]
    assert statuses == ["awaiting_plan", "awaiting_consent", "in_effect"]
    plan = CASE.fold("s1", START, events(opened, written)).stages["planning"][0].state
    assert (plan["plan"]["plan_id"], plan["annual_review_due_on"]) == ("p-1", "2027-05-10")


def test_a_dispute_is_followed_to_its_end():
    case = CASE.fold("s1", START, events(
        ("planning", "planning-1", "PlanningOpened", {"case_id": "c-1"}),
        ("planning", "planning-1", "DisputeFiled",
         {"dispute_id": "d-1", "kind": "due_process_complaint", "filed_on": "2026-06-01"}),
        ("planning", "planning-1", "DisputeWithdrawn",
         {"dispute_id": "d-1", "withdrawn_on": "2026-06-09"})))
    assert case.stages["planning"][0].state["disputes"] == [
        {"dispute_id": "d-1", "kind": "due_process_complaint", "filed_on": "2026-06-01",
         "status": "withdrawn", "status_on": "2026-06-09"}]


def test_a_fold_function_is_registered_once_per_service_and_type():
    table = FoldTable()
    table.on("planning", "PlanWritten")(lambda state, event: state)
    with pytest.raises(ValueError, match="already has a fold function"):
        table.on("planning", "PlanWritten")(lambda state, event: state)
    with pytest.raises(ValueError):
        FoldTable.merged(CASE, CASE)
