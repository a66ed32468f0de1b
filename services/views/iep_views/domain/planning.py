"""The planning service's events (`iep.planning.events`), one function each.

The planning part is the student's planning case (`case_id`); an event of another case
(an older one) adds its timeline entry only. Meetings and disputes are kept by id inside
the part, so their events update the one they name.
"""

from dataclasses import replace
from datetime import date, timedelta

from iep_views.domain import readings as read
from iep_views.domain.case import Case, DisputePart, Entry, MeetingPart, PlanningPart, Step
from iep_views.domain.table import EventTable, Seen

SOURCE = "planning"
table = EventTable()


def _with(case: Case, case_id: str, **changes: object) -> Case:
    found = case.planning
    if found is None or found.case_id != case_id:
        return case  # another case's event: its timeline entry is all it adds
    return replace(case, planning=found.model_copy(update=changes))


def _meeting(case: Case, case_id: str, meeting: MeetingPart) -> Case:
    found = case.planning
    if found is None or found.case_id != case_id:
        return case
    others = tuple(m for m in found.meetings if m.meeting_id != meeting.meeting_id)
    return _with(case, case_id, meetings=tuple(sorted(
        (*others, meeting), key=lambda m: m.meeting_id)))


def _dispute(case: Case, case_id: str, dispute_id: str, **changes: object) -> Case:
    found = case.planning
    if found is None or found.case_id != case_id:
        return case
    disputes = tuple(d.model_copy(update=changes) if d.dispute_id == dispute_id else d
                     for d in found.disputes)
    return _with(case, case_id, disputes=disputes)


def _deadlines(case: Case, case_id: str, dispute_id: str, drop: tuple[str, ...] = (),
               add: tuple[tuple[str, date], ...] = ()) -> Case:
    found = case.planning
    if found is None or found.case_id != case_id:
        return case
    for dispute in found.disputes:
        if dispute.dispute_id == dispute_id:
            kept = dispute.without(*drop, *(name for name, _ in add)).deadlines
            return _dispute(case, case_id, dispute_id, deadlines=tuple(sorted(
                (*kept, *add))))
    return case


def _warned_on(seen: Seen, due_on: date, days_remaining: int | None) -> date:
    """The day a warning was raised: its due date less the days it said remained (the
    record's time is when it was stored, not the district's day)."""
    if days_remaining is None:
        return seen.recorded_at.date()
    return due_on - timedelta(days_remaining)


# -- the case ---------------------------------------------------------------------------


@table.on(SOURCE, "PlanningOpened")
def planning_opened(case: Case, seen: Seen) -> Step:
    opened = read.PlanningOpened.model_validate(seen.data)
    part = PlanningPart(case_id=opened.case_id, school_id=opened.school_id,
                        evaluation_id=opened.evaluation_id, opened_on=opened.determined_on,
                        meeting_due_on=opened.meeting_due_on,
                        reevaluation_due_on=opened.reevaluation_due_on)
    return Step(replace(case, planning=part), Entry("planning_opened", opened.determined_on,
                                                    facts={
        "case_id": opened.case_id, "evaluation_id": opened.evaluation_id,
        "categories": list(opened.categories),
        "meeting_due_on": opened.meeting_due_on.isoformat(),
        "reevaluation_due_on": opened.reevaluation_due_on.isoformat()}))


@table.on(SOURCE, "EligibilityRedetermined")
def eligibility_redetermined(case: Case, seen: Seen) -> Step:
    again = read.EligibilityRedetermined.model_validate(seen.data)
    return Step(_with(case, again.case_id, evaluation_id=again.evaluation_id,
                      reevaluation_due_on=again.reevaluation_due_on,
                      reevaluation_overdue_raised=False),
                Entry("eligibility_redetermined", again.determined_on, facts={
                    "case_id": again.case_id, "evaluation_id": again.evaluation_id,
                    "reevaluation_due_on": again.reevaluation_due_on.isoformat()}))


# -- meetings ---------------------------------------------------------------------------


def _scheduled(case: Case, seen: Seen, kind: str) -> Step:
    meeting = read.MeetingScheduled.model_validate(seen.data)
    on = meeting.rescheduled_on or meeting.scheduled_on or seen.recorded_at.date()
    part = MeetingPart(meeting_id=meeting.meeting_id, purposes=meeting.purposes,
                       meeting_on=meeting.meeting_on, starts_at=meeting.starts_at,
                       location=meeting.location)
    personal = {"reason": seen.data.get("reason")} if kind == "meeting_rescheduled" else None
    return Step(_meeting(case, meeting.case_id, part), Entry(kind, on, facts={
        "case_id": meeting.case_id, "meeting_id": meeting.meeting_id,
        "purposes": list(meeting.purposes), "meeting_on": meeting.meeting_on.isoformat(),
        "starts_at": meeting.starts_at.isoformat("minutes"), "location": meeting.location,
        "student_invited": meeting.student_invited}, personal=personal))


@table.on(SOURCE, "MeetingScheduled")
def meeting_scheduled(case: Case, seen: Seen) -> Step:
    return _scheduled(case, seen, "meeting_scheduled")


@table.on(SOURCE, "MeetingRescheduled")
def meeting_rescheduled(case: Case, seen: Seen) -> Step:
    return _scheduled(case, seen, "meeting_rescheduled")


@table.on(SOURCE, "MeetingNoticeIssued")
def meeting_notice(case: Case, seen: Seen) -> Step:
    notice = read.MeetingNoticeIssued.model_validate(seen.data)
    return Step(case, Entry("meeting_notice", notice.issued_on, facts={
        "case_id": notice.case_id, "meeting_id": notice.meeting_id,
        "notice_id": notice.notice_id, "language": notice.language,
        "meeting_on": notice.meeting_on.isoformat(),
        "starts_at": notice.starts_at.isoformat("minutes"), "location": notice.location,
        "rescheduled": notice.rescheduled}, guardian_id=notice.guardian_id))


@table.on(SOURCE, "ParentContactAttempted")
def contact_attempted(case: Case, seen: Seen) -> Step:
    tried = read.ParentContactAttempted.model_validate(seen.data)
    return Step(case, Entry("parent_contact_attempted", tried.attempted_on, facts={
        "case_id": tried.case_id, "meeting_id": tried.meeting_id, "method": tried.method},
        personal={"note": tried.note}))


@table.on(SOURCE, "MemberExcused")
def member_excused(case: Case, seen: Seen) -> Step:
    excused = read.MemberExcused.model_validate(seen.data)
    return Step(case, Entry("member_excused", excused.parent_agreed_on, facts={
        "case_id": excused.case_id, "meeting_id": excused.meeting_id,
        "role": excused.role}))


@table.on(SOURCE, "MeetingHeld")
def meeting_held(case: Case, seen: Seen) -> Step:
    held = read.MeetingHeld.model_validate(seen.data)
    changed = case
    found = case.planning
    if found is not None and found.case_id == held.case_id:
        meetings = tuple(m.model_copy(update={"held_on": held.held_on})
                         if m.meeting_id == held.meeting_id else m for m in found.meetings)
        initial = found.initial_meeting_held_on
        if initial is None and "initial_plan" in held.purposes:
            initial = held.held_on  # meets 300.323(c)(1)
        changed = _with(case, held.case_id, meetings=meetings,
                        initial_meeting_held_on=initial)
    return Step(changed, Entry("meeting_held", held.held_on, facts={
        "case_id": held.case_id, "meeting_id": held.meeting_id,
        "purposes": list(held.purposes), "parent_attended": held.parent_attended,
        "contact_attempts": held.contact_attempts}))


@table.on(SOURCE, "MeetingDeadlineApproaching")
def meeting_deadline_approaching(case: Case, seen: Seen) -> Step:
    warned = read.PlanningDeadline.model_validate(seen.data)
    return Step(case, Entry("meeting_deadline_approaching", _warned_on(
        seen, warned.due_on, warned.days_remaining), facts={
        "case_id": warned.case_id, "due_on": warned.due_on.isoformat(),
        "days_remaining": warned.days_remaining}))


@table.on(SOURCE, "MeetingOverdue")
def meeting_overdue(case: Case, seen: Seen) -> Step:
    late = read.PlanningDeadline.model_validate(seen.data)
    return Step(_with(case, late.case_id, meeting_overdue_raised=True), Entry(
        "meeting_overdue", late.due_on + timedelta(1), facts={
            "case_id": late.case_id, "due_on": late.due_on.isoformat()}))


# -- the plan ---------------------------------------------------------------------------


@table.on(SOURCE, "PlanDrafted")
def plan_drafted(case: Case, seen: Seen) -> Step:
    drafted = read.PlanDrafted.model_validate(seen.data)
    return Step(case, Entry("plan_drafted", drafted.drafted_on or seen.recorded_at.date(),
                            facts={"case_id": drafted.case_id, "plan_id": drafted.plan_id}))


@table.on(SOURCE, "PlanDraftRevised")
def plan_draft_revised(case: Case, seen: Seen) -> Step:
    revised = read.PlanDrafted.model_validate(seen.data)
    return Step(case, Entry("plan_draft_revised", revised.revised_on or seen.recorded_at.date(),
                            facts={"case_id": revised.case_id, "plan_id": revised.plan_id}))


@table.on(SOURCE, "PlanWritten")
def plan_written(case: Case, seen: Seen) -> Step:
    written = read.PlanWritten.model_validate(seen.data)
    changes: dict[str, object] = {
        "plan_id": written.plan_id, "version": written.version,
        "plan_written_on": written.written_on, "review_due_on": written.review_due_on,
        "review_overdue_raised": False}
    found = case.planning
    if found is None or found.plan_id is None:
        # the first plan: consent needed before services (300.300(b)) when it says so
        changes["consent_required"] = written.consent_required
    return Step(_with(case, written.case_id, **changes), Entry(
        "plan_written", written.written_on, facts={
            "case_id": written.case_id, "plan_id": written.plan_id,
            "version": written.version, "meeting_id": written.meeting_id,
            "review_due_on": written.review_due_on.isoformat(),
            "consent_required": written.consent_required}))


@table.on(SOURCE, "PlanAmended")
def plan_amended(case: Case, seen: Seen) -> Step:
    amended = read.PlanAmended.model_validate(seen.data)
    return Step(_with(case, amended.case_id, plan_id=amended.plan_id,
                      version=amended.version), Entry(
        "plan_amended", amended.amended_on, facts={
            "case_id": amended.case_id, "plan_id": amended.plan_id,
            "version": amended.version, "amends_version": amended.amends_version,
            "method": amended.method, "changed_parts": list(amended.changed_parts)}))


@table.on(SOURCE, "PriorWrittenNoticeIssued")
def plan_notice(case: Case, seen: Seen) -> Step:
    notice = read.PlanNoticeIssued.model_validate(seen.data)
    return Step(case, Entry("plan_notice", notice.issued_on, facts={
        "case_id": notice.case_id, "notice_id": notice.notice_id, "action": notice.action,
        "plan_id": notice.plan_id, "version": notice.version, "language": notice.language,
        "effective_on": notice.effective_on.isoformat() if notice.effective_on else None},
        personal={"reasons": notice.reasons}, guardian_id=notice.guardian_id))


# -- consent to services ----------------------------------------------------------------


def _consent(case: Case, seen: Seen, answer: str, kind: str) -> Step:
    decided = read.ServicesConsent.model_validate(seen.data)
    return Step(_with(case, decided.case_id, consent=answer), Entry(
        kind, decided.signed_on, facts={
            "case_id": decided.case_id, "guardian_id": decided.guardian_id,
            "plan_id": decided.plan_id, "version": decided.version,
            "received_on": decided.received_on.isoformat()}))


@table.on(SOURCE, "ConsentToServicesGiven")
def services_consent_given(case: Case, seen: Seen) -> Step:
    return _consent(case, seen, "given", "services_consent_given")


@table.on(SOURCE, "ConsentToServicesRefused")
def services_consent_refused(case: Case, seen: Seen) -> Step:
    return _consent(case, seen, "refused", "services_consent_refused")


@table.on(SOURCE, "ConsentToServicesRevoked")
def services_consent_revoked(case: Case, seen: Seen) -> Step:
    return _consent(case, seen, "revoked", "services_consent_revoked")


# -- reviews and reevaluation -----------------------------------------------------------


@table.on(SOURCE, "AnnualReviewDue")
def annual_review_due(case: Case, seen: Seen) -> Step:
    due = read.PlanningDeadline.model_validate(seen.data)
    return Step(case, Entry("annual_review_due", _warned_on(
        seen, due.due_on, due.days_remaining), facts={
        "case_id": due.case_id, "plan_id": due.plan_id, "version": due.version,
        "due_on": due.due_on.isoformat(), "days_remaining": due.days_remaining}))


@table.on(SOURCE, "AnnualReviewOverdue")
def annual_review_overdue(case: Case, seen: Seen) -> Step:
    late = read.PlanningDeadline.model_validate(seen.data)
    return Step(_with(case, late.case_id, review_overdue_raised=True), Entry(
        "annual_review_overdue", late.due_on + timedelta(1), facts={
            "case_id": late.case_id, "plan_id": late.plan_id,
            "due_on": late.due_on.isoformat()}))


@table.on(SOURCE, "ReevaluationDue")
def reevaluation_due(case: Case, seen: Seen) -> Step:
    due = read.PlanningDeadline.model_validate(seen.data)
    return Step(case, Entry("reevaluation_due", _warned_on(
        seen, due.due_on, due.days_remaining), facts={
        "case_id": due.case_id, "due_on": due.due_on.isoformat(),
        "days_remaining": due.days_remaining}))


@table.on(SOURCE, "ReevaluationOverdue")
def reevaluation_overdue(case: Case, seen: Seen) -> Step:
    late = read.PlanningDeadline.model_validate(seen.data)
    return Step(_with(case, late.case_id, reevaluation_overdue_raised=True), Entry(
        "reevaluation_overdue", late.due_on + timedelta(1), facts={
            "case_id": late.case_id, "due_on": late.due_on.isoformat()}))


@table.on(SOURCE, "ReevaluationWaived")
def reevaluation_waived(case: Case, seen: Seen) -> Step:
    waived = read.ReevaluationWaived.model_validate(seen.data)
    return Step(_with(case, waived.case_id, reevaluation_due_on=waived.reevaluation_due_on,
                      reevaluation_overdue_raised=False), Entry(
        "reevaluation_waived", waived.agreed_on, facts={
            "case_id": waived.case_id, "guardian_id": waived.guardian_id,
            "waived_due_on": waived.waived_due_on.isoformat(),
            "reevaluation_due_on": waived.reevaluation_due_on.isoformat()}))


# -- disputes ---------------------------------------------------------------------------


@table.on(SOURCE, "DisputeFiled")
def dispute_filed(case: Case, seen: Seen) -> Step:
    filed = read.DisputeFiled.model_validate(seen.data)
    dated = (("response", filed.response_due_on),
             ("resolution_meeting", filed.resolution_meeting_due_on),
             ("resolution_period", filed.resolution_period_ends_on),
             ("state_complaint_decision", filed.decision_due_on))
    part = DisputePart(dispute_id=filed.dispute_id, kind=filed.kind, filed_on=filed.filed_on,
                       filed_by=filed.filed_by,
                       deadlines=tuple((n, d) for n, d in dated if d is not None))
    found = case.planning
    changed = case
    if found is not None and found.case_id == filed.case_id:
        others = tuple(d for d in found.disputes if d.dispute_id != filed.dispute_id)
        changed = _with(case, filed.case_id, disputes=(*others, part))
    return Step(changed, Entry("dispute_filed", filed.filed_on, facts={
        "case_id": filed.case_id, "dispute_id": filed.dispute_id, "kind": filed.kind,
        "filed_by": filed.filed_by, **{f"{n}_due_on": d.isoformat() for n, d in dated if d}},
        personal={"problem": filed.problem,
                  "proposed_resolution": filed.proposed_resolution}))


@table.on(SOURCE, "ProceduralSafeguardsNoticeGiven")
def dispute_safeguards(case: Case, seen: Seen) -> Step:
    given = read.DisputeSafeguardsGiven.model_validate(seen.data)
    return Step(case, Entry("safeguards_notice", given.given_on, facts={
        "case_id": given.case_id, "dispute_id": given.dispute_id,
        "language": given.language}, guardian_id=given.guardian_id))


@table.on(SOURCE, "DisputeResponseSent")
def dispute_response_sent(case: Case, seen: Seen) -> Step:
    sent = read.DisputeResponseSent.model_validate(seen.data)
    return Step(_deadlines(case, sent.case_id, sent.dispute_id, drop=("response",)), Entry(
        "dispute_response_sent", sent.sent_on, facts={
            "case_id": sent.case_id, "dispute_id": sent.dispute_id},
        personal={"explanation": sent.explanation}))


@table.on(SOURCE, "ResolutionMeetingHeld")
def resolution_meeting_held(case: Case, seen: Seen) -> Step:
    held = read.ResolutionMeetingHeld.model_validate(seen.data)
    return Step(_deadlines(case, held.case_id, held.dispute_id,
                           drop=("resolution_meeting",)), Entry(
        "resolution_meeting_held", held.held_on, facts={
            "case_id": held.case_id, "dispute_id": held.dispute_id,
            "resolved": held.resolved}, personal={"agreement_terms": held.agreement_terms}))


@table.on(SOURCE, "ResolutionMeetingWaived")
def resolution_meeting_waived(case: Case, seen: Seen) -> Step:
    waived = read.HearingClockStarted.model_validate(seen.data)
    on = waived.waived_on or seen.recorded_at.date()
    return Step(_deadlines(case, waived.case_id, waived.dispute_id,
                           drop=("resolution_meeting", "resolution_period"),
                           add=(("hearing_decision", waived.hearing_decision_due_on),)),
                Entry("resolution_meeting_waived", on, facts={
                    "case_id": waived.case_id, "dispute_id": waived.dispute_id,
                    "hearing_decision_due_on": waived.hearing_decision_due_on.isoformat()}))


@table.on(SOURCE, "ResolutionPeriodEnded")
def resolution_period_ended(case: Case, seen: Seen) -> Step:
    ended = read.HearingClockStarted.model_validate(seen.data)
    on = ended.ended_on or seen.recorded_at.date()
    return Step(_deadlines(case, ended.case_id, ended.dispute_id,
                           drop=("resolution_meeting", "resolution_period"),
                           add=(("hearing_decision", ended.hearing_decision_due_on),)),
                Entry("resolution_period_ended", on, facts={
                    "case_id": ended.case_id, "dispute_id": ended.dispute_id,
                    "hearing_decision_due_on": ended.hearing_decision_due_on.isoformat()}))


@table.on(SOURCE, "MediationAgreed")
def mediation_agreed(case: Case, seen: Seen) -> Step:
    agreed = read.MediationAgreed.model_validate(seen.data)
    return Step(case, Entry("mediation_agreed", agreed.agreed_on, facts={
        "case_id": agreed.case_id, "dispute_id": agreed.dispute_id},
        personal={"terms": agreed.terms}))


def _decided(case: Case, seen: Seen, kind: str, deadline: str) -> Step:
    decided = read.DisputeDecided.model_validate(seen.data)
    text = decided.summary if decided.summary is not None else decided.findings
    return Step(_deadlines(case, decided.case_id, decided.dispute_id, drop=(deadline,)), Entry(
        kind, decided.decided_on, facts={
            "case_id": decided.case_id, "dispute_id": decided.dispute_id,
            "due_on": decided.due_on.isoformat(),
            "within_timeline": decided.within_timeline}, personal={"text": text}))


@table.on(SOURCE, "HearingDecisionIssued")
def hearing_decision(case: Case, seen: Seen) -> Step:
    return _decided(case, seen, "hearing_decision", "hearing_decision")


@table.on(SOURCE, "StateComplaintDecided")
def state_complaint_decided(case: Case, seen: Seen) -> Step:
    return _decided(case, seen, "state_complaint_decided", "state_complaint_decision")


def _ended(case: Case, seen: Seen, status: str, kind: str) -> Step:
    ended = read.DisputeEnded.model_validate(seen.data)
    on = ended.resolved_on or ended.withdrawn_on or seen.recorded_at.date()
    return Step(_dispute(case, ended.case_id, ended.dispute_id, status=status, closed_on=on,
                         deadlines=()), Entry(kind, on, facts={
        "case_id": ended.case_id, "dispute_id": ended.dispute_id, "kind": ended.kind,
        "ending": ended.ending}, personal={"summary": ended.summary}
        if ended.summary is not None else None))


@table.on(SOURCE, "DisputeResolved")
def dispute_resolved(case: Case, seen: Seen) -> Step:
    return _ended(case, seen, "resolved", "dispute_resolved")


@table.on(SOURCE, "DisputeWithdrawn")
def dispute_withdrawn(case: Case, seen: Seen) -> Step:
    return _ended(case, seen, "withdrawn", "dispute_withdrawn")


@table.on(SOURCE, "DisputeDeadlineApproaching")
def dispute_deadline_approaching(case: Case, seen: Seen) -> Step:
    warned = read.DisputeDeadlineRaised.model_validate(seen.data)
    return Step(case, Entry("dispute_deadline_approaching", _warned_on(
        seen, warned.due_on, warned.days_remaining), facts={
        "case_id": warned.case_id, "dispute_id": warned.dispute_id,
        "deadline": warned.deadline, "due_on": warned.due_on.isoformat(),
        "days_remaining": warned.days_remaining}))


@table.on(SOURCE, "DisputeDeadlineOverdue")
def dispute_deadline_overdue(case: Case, seen: Seen) -> Step:
    late = read.DisputeDeadlineRaised.model_validate(seen.data)
    return Step(case, Entry("dispute_deadline_overdue", late.due_on + timedelta(1), facts={
        "case_id": late.case_id, "dispute_id": late.dispute_id, "deadline": late.deadline,
        "due_on": late.due_on.isoformat()}))
