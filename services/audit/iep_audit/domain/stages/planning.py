"""The planning stage as of an instant, from `iep.planning.events`: the meeting within 30
days, the plan and consent to services, reviews and reevaluation, disputes."""

from typing import Any

from iep_audit.domain.fold import CaseEvent, FoldTable, State

table = FoldTable()
SERVICE = "planning"


def _put(items: list[dict[str, Any]], key: str, value: Any, **changes: Any
         ) -> list[dict[str, Any]]:
    """`items` with the one whose `key` is `value` updated (or added)."""
    if any(item.get(key) == value for item in items):
        return [{**item, **changes} if item.get(key) == value else item for item in items]
    return [*items, {key: value, **changes}]


@table.on(SERVICE, "PlanningOpened")
def planning_opened(state: State, event: CaseEvent) -> State:
    # 34 CFR 300.323(c)(1): the meeting within 30 days of the determination.
    return {**state, "status": "awaiting_plan", "case_id": event.data.get("case_id"),
            "school_id": event.data.get("school_id"),
            "evaluation_id": event.data.get("evaluation_id"),
            "categories": event.data.get("categories", []),
            "meeting_due_on": event.data.get("meeting_due_on"),
            "reevaluation_due_on": event.data.get("reevaluation_due_on"),
            "meetings": [], "disputes": [], "notices": []}


@table.on(SERVICE, "EligibilityRedetermined")
def eligibility_redetermined(state: State, event: CaseEvent) -> State:
    return {**state, "categories": event.data.get("categories", []),
            "reevaluation_due_on": event.data.get("reevaluation_due_on")}


@table.on(SERVICE, "MeetingScheduled", "MeetingRescheduled")
def meeting_scheduled(state: State, event: CaseEvent) -> State:
    return {**state, "meetings": _put(
        state.get("meetings", []), "meeting_id", event.data.get("meeting_id"),
        meeting_on=event.data.get("meeting_on"), purposes=event.data.get("purposes", []),
        rescheduled=event.event_type == "MeetingRescheduled")}


@table.on(SERVICE, "MeetingHeld")
def meeting_held(state: State, event: CaseEvent) -> State:
    return {**state, "meetings": _put(
        state.get("meetings", []), "meeting_id", event.data.get("meeting_id"),
        held_on=event.data.get("held_on"),
        parent_attended=event.data.get("parent_attended"))}


@table.on(SERVICE, "MeetingDeadlineApproaching")
def meeting_deadline_approaching(state: State, event: CaseEvent) -> State:
    return {**state, "meeting_deadline_warned_with_days_remaining":
            event.data.get("days_remaining")}


@table.on(SERVICE, "MeetingOverdue")
def meeting_overdue(state: State, event: CaseEvent) -> State:
    return {**state, "meeting_overdue": True}


@table.on(SERVICE, "MeetingNoticeIssued", "PriorWrittenNoticeIssued",
          "ProceduralSafeguardsNoticeGiven")
def notice_given(state: State, event: CaseEvent) -> State:
    notice = {"kind": event.event_type, "notice_id": event.data.get("notice_id"),
              "guardian_id": event.data.get("guardian_id"),
              "action": event.data.get("action"),
              "on": event.data.get("issued_on") or event.data.get("given_on")}
    return {**state, "notices": [*state.get("notices", []), notice]}


@table.on(SERVICE, "PlanWritten", "PlanAmended")
def plan_written(state: State, event: CaseEvent) -> State:
    # 34 CFR 300.300(b): the first plan needs the parent's consent before services.
    needs_consent = bool(event.data.get("consent_required"))
    status = state.get("status")
    if event.event_type == "PlanWritten":
        status = "awaiting_consent" if needs_consent else "in_effect"
    plan = {"plan_id": event.data.get("plan_id"), "version": event.data.get("version"),
            "written_on": event.data.get("written_on") or event.data.get("amended_on"),
            "amended": event.event_type == "PlanAmended"}
    review = event.data.get("review_due_on", state.get("annual_review_due_on"))
    return {**state, "status": status, "plan": plan, "annual_review_due_on": review}


@table.on(SERVICE, "ConsentToServicesGiven", "ConsentToServicesRefused",
          "ConsentToServicesRevoked")
def consent_to_services(state: State, event: CaseEvent) -> State:
    status = {"ConsentToServicesGiven": "in_effect",
              "ConsentToServicesRefused": "consent_refused",
              "ConsentToServicesRevoked": "consent_revoked"}[event.event_type]
    return {**state, "status": status,
            "consent_to_services": {"decision": status,
                                    "guardian_id": event.data.get("guardian_id"),
                                    "signed_on": event.data.get("signed_on"),
                                    "received_on": event.data.get("received_on")}}


@table.on(SERVICE, "AnnualReviewDue", "AnnualReviewOverdue")
def annual_review(state: State, event: CaseEvent) -> State:
    # 34 CFR 300.324(b)(1)(i): the plan is reviewed at least once a year.
    return {**state, "annual_review_due_on": event.data.get("due_on"),
            "annual_review_overdue": event.event_type == "AnnualReviewOverdue"}


@table.on(SERVICE, "ReevaluationDue", "ReevaluationOverdue", "ReevaluationWaived")
def reevaluation(state: State, event: CaseEvent) -> State:
    # 34 CFR 300.303(b)(2): at least every three years, unless parent and district agree.
    due = event.data.get("reevaluation_due_on") or event.data.get("due_on")
    return {**state, "reevaluation_due_on": due,
            "reevaluation_overdue": event.event_type == "ReevaluationOverdue",
            "reevaluation_waived": event.event_type == "ReevaluationWaived"
            or state.get("reevaluation_waived", False)}


@table.on(SERVICE, "DisputeFiled")
def dispute_filed(state: State, event: CaseEvent) -> State:
    return {**state, "disputes": _put(
        state.get("disputes", []), "dispute_id", event.data.get("dispute_id"),
        kind=event.data.get("kind"), filed_on=event.data.get("filed_on"), status="pending")}


DISPUTE_STEPS = {  # event type: (where the dispute stands, the field with its date)
    "ResolutionMeetingHeld": ("resolution_meeting_held", "held_on"),
    "MediationAgreed": ("mediation_agreed", "agreed_on"),
    "HearingDecisionIssued": ("decided", "decided_on"),
    "StateComplaintDecided": ("decided", "decided_on"),
    "DisputeResolved": ("resolved", "resolved_on"),
    "DisputeWithdrawn": ("withdrawn", "withdrawn_on"),
}


@table.on(SERVICE, *DISPUTE_STEPS)
def dispute_progressed(state: State, event: CaseEvent) -> State:
    status, date_field = DISPUTE_STEPS[event.event_type]
    return {**state, "disputes": _put(
        state.get("disputes", []), "dispute_id", event.data.get("dispute_id"), status=status,
        status_on=event.data.get(date_field))}
