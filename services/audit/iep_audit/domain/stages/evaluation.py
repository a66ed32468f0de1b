"""The evaluation stage as of an instant, from `iep.evaluation.events`."""

from iep_audit.domain.fold import CaseEvent, FoldTable, State

table = FoldTable()
SERVICE = "evaluation"


@table.on(SERVICE, "EvaluationOpened")
def evaluation_opened(state: State, event: CaseEvent) -> State:
    # 34 CFR 300.301(c): the timeline runs from consent; the service computed `due_on`.
    return {**state, "status": "evaluating", "evaluation_id": event.data.get("evaluation_id"),
            "referral_id": event.data.get("referral_id"),
            "school_id": event.data.get("school_id"),
            "consented_on": event.data.get("consented_on"), "due_on": event.data.get("due_on"),
            "timeline_days": event.data.get("timeline_days"),
            "day_count": event.data.get("day_count"), "assessments": []}


@table.on(SERVICE, "AssessmentCompleted")
def assessment_completed(state: State, event: CaseEvent) -> State:
    assessment = {"area": event.data.get("area"), "instrument": event.data.get("instrument"),
                  "evaluator_role": event.data.get("evaluator_role"),
                  "completed_on": event.data.get("completed_on")}
    return {**state, "assessments": [*state.get("assessments", []), assessment]}


@table.on(SERVICE, "EvaluationDeadlineApproaching")
def deadline_approaching(state: State, event: CaseEvent) -> State:
    return {**state, "deadline_warned_with_days_remaining": event.data.get("days_remaining")}


@table.on(SERVICE, "EvaluationOverdue")
def overdue(state: State, event: CaseEvent) -> State:
    return {**state, "overdue": True}


@table.on(SERVICE, "EligibilityDetermined")
def eligibility_determined(state: State, event: CaseEvent) -> State:
    eligible = bool(event.data.get("eligible"))
    return {**state, "status": "eligible" if eligible else "not_eligible",
            "eligibility": {"eligible": eligible,
                            "categories": event.data.get("categories", []),
                            "determined_on": event.data.get("determined_on"),
                            "within_timeline": event.data.get("within_timeline"),
                            "parent_participated": event.data.get("parent_participated"),
                            "section_504_referral": event.data.get("section_504_referral")}}


@table.on(SERVICE, "Section504ReferralMade")
def section_504_referral(state: State, event: CaseEvent) -> State:
    # 34 CFR 104.35: not eligible under IDEA, referred for a Section 504 plan.
    return {**state, "section_504_referred_on": event.data.get("referred_on")}
