"""The referral stage as of an instant, from `iep.referral.events` (field names are that
service's published contract; only fields it promises are read, each with a default).

A referral's record keeps the school and guardians the referral named, as evidence of what
was written; the student's school and guardians are the student record's (`student.py`)."""

from typing import Any

from iep_audit.domain.fold import CaseEvent, FoldTable, State

table = FoldTable()
SERVICE = "referral"


def _ids(items: Any, key: str) -> list[Any]:
    return [item.get(key) for item in items or () if isinstance(item, dict)]


@table.on(SERVICE, "ReferralMade")
def referral_made(state: State, event: CaseEvent) -> State:
    student = event.data.get("student") or {}
    return {**state, "status": "referred", "referral_id": event.data.get("referral_id"),
            "school_id": event.data.get("school_id"),
            "referred_on": event.data.get("referred_on"),
            "student_name": student.get("name"), "grade": student.get("grade"),
            "guardian_ids": _ids(event.data.get("guardians"), "guardian_id"),
            "concern_areas": (event.data.get("concerns") or {}).get("areas", []),
            "referred_by_role": (event.data.get("referred_by") or {}).get("role")}


@table.on(SERVICE, "ProceduralSafeguardsNoticeGiven")
def safeguards_notice_given(state: State, event: CaseEvent) -> State:
    given = {"guardian_id": event.data.get("guardian_id"),
             "given_on": event.data.get("given_on"), "language": event.data.get("language")}
    return {**state, "safeguards_notices": [*state.get("safeguards_notices", []), given]}


@table.on(SERVICE, "EvaluationConsentRequested")
def consent_requested(state: State, event: CaseEvent) -> State:
    return {**state, "status": "consent_requested",
            "consent_requested_on": event.data.get("requested_on"),
            "assessments_proposed": _ids(event.data.get("assessments_proposed"), "area")}


@table.on(SERVICE, "PriorWrittenNoticeIssued")
def prior_written_notice(state: State, event: CaseEvent) -> State:
    notice = {"notice_id": event.data.get("notice_id"), "action": event.data.get("action"),
              "guardian_id": event.data.get("guardian_id"),
              "issued_on": event.data.get("issued_on"), "language": event.data.get("language")}
    return {**state, "prior_written_notices": [*state.get("prior_written_notices", []),
                                               notice]}


@table.on(SERVICE, "ConsentGiven", "ConsentRefused")
def consent_decided(state: State, event: CaseEvent) -> State:
    given = event.event_type == "ConsentGiven"
    return {**state, "status": "consent_given" if given else "consent_refused",
            "consent": {"given": given, "guardian_id": event.data.get("guardian_id"),
                        "signed_on": event.data.get("signed_on"),
                        "received_on": event.data.get("received_on"),
                        "method": event.data.get("method")}}


@table.on(SERVICE, "ReferralClosed")
def referral_closed(state: State, event: CaseEvent) -> State:
    return {**state, "status": "closed", "closed_on": event.data.get("closed_on"),
            "close_reason": event.data.get("reason")}
