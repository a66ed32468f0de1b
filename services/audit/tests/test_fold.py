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
    case = CASE.fold("s1", START, events(("planning", "plan-1", "PlanWritten", {})))
    (plan,) = case.stages["planning"]
    assert (plan.state, plan.events_folded, plan.uninterpreted) == ({}, 1, ["PlanWritten"])


def test_a_fold_function_is_registered_once_per_service_and_type():
    table = FoldTable()
    table.on("planning", "PlanWritten")(lambda state, event: state)
    with pytest.raises(ValueError, match="already has a fold function"):
        table.on("planning", "PlanWritten")(lambda state, event: state)
    with pytest.raises(ValueError):
        FoldTable.merged(CASE, CASE)
