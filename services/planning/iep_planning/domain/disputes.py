"""Disputes (34 CFR 300.151-153, 300.506-518): filing with its limits and contents, and each
step of the due process timeline, mediation and state complaints."""

from __future__ import annotations

from datetime import date

from iep_kernel.dates import Dated
from iep_kernel.decider import IllegalTransition
from iep_kernel.events import Event

from iep_planning.domain import rules
from iep_planning.domain.checks import count, joined, require_guardian, spoken
from iep_planning.domain.commands import (
    FileDispute,
    HoldResolutionMeeting,
    RecordHearingDecision,
    RecordMediationAgreement,
    RecordStateComplaintDecision,
    ResolveAtTeamMeeting,
    SendDisputeResponse,
    WaiveResolutionMeeting,
    WithdrawDispute,
)
from iep_planning.domain.events import (
    DisputeFiled,
    DisputeResolved,
    DisputeResponseSent,
    DisputeWithdrawn,
    HearingDecisionIssued,
    MediationAgreed,
    ResolutionMeetingHeld,
    ResolutionMeetingWaived,
    StateComplaintDecided,
)
from iep_planning.domain.notices import safeguards_notices
from iep_planning.domain.state import Case, Dispute
from iep_planning.domain.values import DisputeEnding, DisputeKind

K = DisputeKind
KIND_NAMES = {K.TEAM_MEETING_REQUEST: "request for a team meeting",
              K.MEDIATION: "request for mediation",
              K.DUE_PROCESS_COMPLAINT: "due process complaint",
              K.STATE_COMPLAINT: "state complaint"}
COMPLAINTS = (K.DUE_PROCESS_COMPLAINT, K.STATE_COMPLAINT)


def _missing_contents(command: FileDispute) -> list[str]:
    """300.508(b), 300.153(b): what a complaint states."""
    missing = []
    if command.particulars is None:
        missing.append("the child's name, the child's address and the school the child "
                       "attends")
    if not command.problem.strip():
        missing.append("the problem, with the facts about it")
    if not command.proposed_resolution.strip():
        missing.append("a proposed resolution")
    if command.kind is K.DUE_PROCESS_COMPLAINT and command.knew_on is None:
        missing.append("when the parent knew or should have known about the action it "
                       "concerns")
    if command.kind is K.STATE_COMPLAINT and command.violation_on is None:
        missing.append("when the alleged violation occurred")
    return missing


def _check_due_process(command: FileDispute, state: Case, filed_on: date) -> None:
    knew_on = command.knew_on
    assert knew_on is not None
    if knew_on > filed_on:
        raise IllegalTransition(f"The parent is said to have known of the matter on "
                                f"{spoken(knew_on)}, after the complaint was filed on "
                                f"{spoken(filed_on)}; check the dates.")
    if command.limit_exception is None and not rules.due_process_in_time(
            knew_on, filed_on, command.rules):
        years = count(command.rules.due_process_limit_years, "year")
        raise IllegalTransition(
            f"This due process complaint concerns an action the parent knew of on "
            f"{spoken(knew_on)}, more than {years} before it was filed on "
            f"{spoken(filed_on)}; a due process complaint must be filed within "
            f"{years} of when the parent knew or should have known (34 CFR "
            "300.507(a)(2), 300.511(e)), unless the district misrepresented that it had "
            "resolved the problem or withheld information it had to give (300.511(f)).")
    notice_id = command.covered_by_notice_id
    if notice_id is not None and notice_id not in state.notices:
        raise IllegalTransition(
            f"No prior written notice {notice_id} was issued in this case; name a notice "
            "the district gave on this matter, or leave it out and the district responds "
            "within 10 days (34 CFR 300.508(e)).")


def _check_state_complaint(command: FileDispute, filed_on: date) -> None:
    violation_on = command.violation_on
    assert violation_on is not None
    if not rules.state_complaint_in_time(violation_on, filed_on, command.rules):
        raise IllegalTransition(
            f"The violation alleged occurred on {spoken(violation_on)}, more than "
            f"{count(command.rules.state_complaint_limit_years, 'year')} before the complaint "
            f"was filed on {spoken(filed_on)}; a state complaint must allege a violation "
            "that occurred not more than that before it is received (34 CFR "
            "300.153(c)). A due process complaint, with its two-year limit, may still be "
            "open to the parent.")


def file_dispute(command: FileDispute, state: Case) -> list[Event]:
    opened = state.case
    if any(d.dispute_id == command.dispute_id for d in state.disputes):
        raise IllegalTransition("This dispute is already filed.")
    require_guardian(state, command.guardian_id, "file a dispute about this child")
    # 300.508(a), 300.153: every timeline of a dispute runs from the day the district (or
    # the state) received it, entered late or not.
    filed_on = command.dated.check("the filing", not_before=opened.determined_on,
                                   after="the eligibility determination")
    kind, district = command.kind, command.rules
    if kind in COMPLAINTS:
        missing = _missing_contents(command)
        if missing:
            raise IllegalTransition(
                f"A {KIND_NAMES[kind]} states {joined(missing)} (34 CFR "
                f"{'300.508(b)' if kind is K.DUE_PROCESS_COMPLAINT else '300.153(b)'}); "
                "this one does not.")
    due_process = kind is K.DUE_PROCESS_COMPLAINT
    if due_process:
        _check_due_process(command, state, filed_on)
    elif kind is K.STATE_COMPLAINT:
        _check_state_complaint(command, filed_on)
    covered = command.covered_by_notice_id if due_process else None
    filed = DisputeFiled(
        student_id=opened.student_id, case_id=opened.case_id, dispute_id=command.dispute_id,
        school_id=state.school_id, kind=kind, filed_on=filed_on,
        filed_by=command.guardian_id, problem=command.problem,
        proposed_resolution=command.proposed_resolution,
        particulars=command.particulars if kind in COMPLAINTS else None,
        knew_on=command.knew_on if due_process else None,
        violation_on=command.violation_on if kind is K.STATE_COMPLAINT else None,
        limit_exception=command.limit_exception if due_process else None,
        covered_by_notice_id=covered,
        response_due_on=(rules.response_due_on(filed_on, district)
                         if due_process and covered is None else None),
        resolution_meeting_due_on=(rules.resolution_meeting_due_on(filed_on, district)
                                   if due_process else None),
        resolution_period_ends_on=(rules.resolution_period_ends_on(filed_on, district)
                                   if due_process else None),
        decision_due_on=(rules.state_complaint_decision_due_on(filed_on, district)
                         if kind is K.STATE_COMPLAINT else None),
        occurred_on=filed_on, late_entry_reason=command.dated.reason)
    school_year = rules.school_year_of(filed_on, district)
    if kind not in COMPLAINTS or school_year in state.safeguards_years:
        return [filed]
    # 300.504(a)(2): the safeguards notice on the first complaint of the school year.
    return [filed, *safeguards_notices(state, command.dispute_id, command.dated, school_year)]


def _pending(state: Case, dispute_id: str, *kinds: DisputeKind, doing: str) -> Dispute:
    dispute = state.dispute(dispute_id)
    ended = dispute.ended
    if ended is not None:
        how = "withdrawn" if isinstance(ended, DisputeWithdrawn) else "resolved"
        day = ended.withdrawn_on if isinstance(ended, DisputeWithdrawn) else ended.resolved_on
        raise IllegalTransition(f"This {KIND_NAMES[dispute.kind]} was {how} on "
                                f"{spoken(day)}; nothing more is recorded on it.")
    if kinds and dispute.kind not in kinds:
        raise IllegalTransition(f"A {KIND_NAMES[dispute.kind]} has no {doing}; that step "
                                f"belongs to a {' or a '.join(KIND_NAMES[k] for k in kinds)}.")
    return dispute


def _resolved(state: Case, dispute: Dispute, on_day: date, ending: DisputeEnding,
              summary: str, dated: Dated) -> DisputeResolved:
    opened = state.case
    return DisputeResolved(student_id=opened.student_id, case_id=opened.case_id,
                           dispute_id=dispute.dispute_id, kind=dispute.kind,
                           resolved_on=on_day, ending=ending, summary=summary,
                           occurred_on=on_day, late_entry_reason=dated.reason)


def _step_on(dated: Dated, dispute: Dispute, step: str) -> date:
    """A step of a dispute's timeline comes on or after the day the dispute was filed."""
    return dated.check(step, not_before=dispute.filed.filed_on,
                       after=f"the {KIND_NAMES[dispute.kind]}'s filing")


def send_response(command: SendDisputeResponse, state: Case) -> list[Event]:
    opened = state.case
    dispute = _pending(state, command.dispute_id, K.DUE_PROCESS_COMPLAINT,
                       doing="district response")
    if dispute.filed.covered_by_notice_id is not None:
        raise IllegalTransition(
            f"Prior written notice {dispute.filed.covered_by_notice_id} already covered this "
            "matter, so no response is due (34 CFR 300.508(e)).")
    if dispute.response is not None:
        raise IllegalTransition(f"The district responded on "
                                f"{spoken(dispute.response.sent_on)}.")
    sent_on = _step_on(command.dated, dispute, "the district's response")
    return [DisputeResponseSent(
        student_id=opened.student_id, case_id=opened.case_id, dispute_id=dispute.dispute_id,
        sent_on=sent_on, explanation=command.explanation,
        options_considered=command.options_considered, records_used=command.records_used,
        other_factors=command.other_factors, occurred_on=sent_on,
        late_entry_reason=command.dated.reason)]


def _no_resolution_meeting_yet(dispute: Dispute) -> None:
    if dispute.resolution_meeting is not None:
        raise IllegalTransition(f"The resolution meeting was held on "
                                f"{spoken(dispute.resolution_meeting.held_on)}.")
    if dispute.waiver is not None:
        raise IllegalTransition(f"The resolution meeting was waived in writing on "
                                f"{spoken(dispute.waiver.waived_on)}.")


def hold_resolution_meeting(command: HoldResolutionMeeting, state: Case) -> list[Event]:
    opened = state.case
    dispute = _pending(state, command.dispute_id, K.DUE_PROCESS_COMPLAINT,
                       doing="resolution meeting")
    _no_resolution_meeting_yet(dispute)
    held_on = _step_on(command.dated, dispute, "the resolution meeting")
    if command.resolved and not command.agreement_terms.strip():
        raise IllegalTransition("A complaint resolved at the resolution meeting is resolved "
                                "by a signed written agreement (34 CFR 300.510(d)); record "
                                "its terms.")
    held = ResolutionMeetingHeld(
        student_id=opened.student_id, case_id=opened.case_id, dispute_id=dispute.dispute_id,
        held_on=held_on, resolved=command.resolved,
        agreement_terms=command.agreement_terms, occurred_on=held_on,
        late_entry_reason=command.dated.reason)
    if not command.resolved:
        return [held]
    return [held, _resolved(state, dispute, held_on, DisputeEnding.RESOLUTION_AGREEMENT,
                            command.agreement_terms, command.dated)]


def waive_resolution_meeting(command: WaiveResolutionMeeting, state: Case) -> list[Event]:
    opened = state.case
    dispute = _pending(state, command.dispute_id, K.DUE_PROCESS_COMPLAINT,
                       doing="resolution meeting")
    _no_resolution_meeting_yet(dispute)
    if dispute.period_ended is not None:
        raise IllegalTransition(f"The resolution period already ended on "
                                f"{spoken(dispute.period_ended.ended_on)}.")
    # 300.510(c)(1): the 45 days of the hearing decision start the day after the waiver.
    waived_on = _step_on(command.dated, dispute, "the waiver")
    return [ResolutionMeetingWaived(
        student_id=opened.student_id, case_id=opened.case_id, dispute_id=dispute.dispute_id,
        waived_on=waived_on,
        hearing_decision_due_on=rules.hearing_decision_due_on(waived_on, command.rules),
        occurred_on=waived_on, late_entry_reason=command.dated.reason)]


def record_mediation_agreement(command: RecordMediationAgreement, state: Case) -> list[Event]:
    opened = state.case
    dispute = _pending(state, command.dispute_id, K.MEDIATION, K.DUE_PROCESS_COMPLAINT,
                       K.STATE_COMPLAINT, doing="mediation agreement")
    agreed_on = _step_on(command.dated, dispute, "the mediation agreement")
    agreed = MediationAgreed(student_id=opened.student_id, case_id=opened.case_id,
                             dispute_id=dispute.dispute_id, agreed_on=agreed_on,
                             terms=command.terms, occurred_on=agreed_on,
                             late_entry_reason=command.dated.reason)
    return [agreed, _resolved(state, dispute, agreed_on, DisputeEnding.MEDIATION_AGREEMENT,
                              command.terms, command.dated)]


def record_hearing_decision(command: RecordHearingDecision, state: Case) -> list[Event]:
    opened = state.case
    dispute = _pending(state, command.dispute_id, K.DUE_PROCESS_COMPLAINT,
                       doing="hearing decision")
    period_ends = dispute.filed.resolution_period_ends_on
    assert period_ends is not None
    decided_on = _step_on(command.dated, dispute, "the decision")
    due_on = dispute.hearing_decision_due_on
    if due_on is None:
        # 300.510(b)(1): the hearing may occur once the 30-day resolution period is over.
        if decided_on <= period_ends:
            raise IllegalTransition(
                f"The hearing may go ahead only after the 30-day resolution period, which "
                f"ends on {spoken(period_ends)} (34 CFR 300.510(b)), unless both parties "
                "waive the resolution meeting in writing; record the waiver first, or the "
                "decision after that day.")
        due_on = rules.hearing_decision_due_on(period_ends, command.rules)
    decided = HearingDecisionIssued(
        student_id=opened.student_id, case_id=opened.case_id, dispute_id=dispute.dispute_id,
        decided_on=decided_on, due_on=due_on, within_timeline=decided_on <= due_on,
        summary=command.summary, occurred_on=decided_on,
        late_entry_reason=command.dated.reason)
    return [decided, _resolved(state, dispute, decided_on, DisputeEnding.HEARING_DECISION,
                               command.summary, command.dated)]


def record_state_complaint_decision(command: RecordStateComplaintDecision, state: Case
                                    ) -> list[Event]:
    opened = state.case
    dispute = _pending(state, command.dispute_id, K.STATE_COMPLAINT, doing="state decision")
    due_on = dispute.filed.decision_due_on
    assert due_on is not None
    decided_on = _step_on(command.dated, dispute, "the decision")
    decided = StateComplaintDecided(
        student_id=opened.student_id, case_id=opened.case_id, dispute_id=dispute.dispute_id,
        decided_on=decided_on, due_on=due_on, within_timeline=decided_on <= due_on,
        findings=command.findings, occurred_on=decided_on,
        late_entry_reason=command.dated.reason)
    return [decided, _resolved(state, dispute, decided_on,
                               DisputeEnding.STATE_COMPLAINT_DECISION, command.findings,
                               command.dated)]


def resolve_at_team_meeting(command: ResolveAtTeamMeeting, state: Case) -> list[Event]:
    dispute = _pending(state, command.dispute_id, K.TEAM_MEETING_REQUEST,
                       doing="team meeting resolution")
    resolved_on = _step_on(command.dated, dispute, "the resolution")
    return [_resolved(state, dispute, resolved_on, DisputeEnding.TEAM_MEETING,
                      command.summary, command.dated)]


def withdraw_dispute(command: WithdrawDispute, state: Case) -> list[Event]:
    opened = state.case
    dispute = _pending(state, command.dispute_id, doing="withdrawal")
    require_guardian(state, command.guardian_id, "withdraw a dispute")
    withdrawn_on = _step_on(command.dated, dispute, "the withdrawal")
    return [DisputeWithdrawn(student_id=opened.student_id, case_id=opened.case_id,
                             dispute_id=dispute.dispute_id, kind=dispute.kind,
                             withdrawn_on=withdrawn_on, guardian_id=command.guardian_id,
                             occurred_on=withdrawn_on,
                             late_entry_reason=command.dated.reason)]
