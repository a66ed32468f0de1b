"""The planning case's decider: `decide(command, case)` routes each command to the rules of
its step; `evolve` folds the events (see `state`). Pure: no I/O, no clock.

A refusal is an `IllegalTransition` (409) whose sentence says what is missing and what
would be right; a case, meeting, plan or dispute that does not exist is `NotFound` (404).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from iep_kernel.decider import Decider
from iep_kernel.events import Event

from iep_planning.domain import commands as c
from iep_planning.domain.consent import (
    decide_on_services,
    give_notice_of_services_stopping,
    revoke_consent,
    waive_reevaluation,
)
from iep_planning.domain.deadlines import raise_deadline
from iep_planning.domain.disputes import (
    file_dispute,
    hold_resolution_meeting,
    record_hearing_decision,
    record_mediation_agreement,
    record_state_complaint_decision,
    resolve_at_team_meeting,
    send_response,
    waive_resolution_meeting,
    withdraw_dispute,
)
from iep_planning.domain.meetings import (
    excuse_member,
    follow_student_record,
    hold_meeting,
    open_planning,
    record_contact_attempt,
    reschedule_meeting,
    schedule_meeting,
)
from iep_planning.domain.plans import amend_plan, draft_plan, finalize_plan, revise_draft
from iep_planning.domain.state import Case, evolve

# Every command and the rule that decides it, to read top to bottom.
HANDLERS: dict[type, Callable[[Any, Case], list[Event]]] = {
    c.OpenPlanning: open_planning,
    c.FollowStudentRecord: follow_student_record,
    c.RaiseDeadline: raise_deadline,
    c.ScheduleMeeting: schedule_meeting,
    c.RescheduleMeeting: reschedule_meeting,
    c.RecordContactAttempt: record_contact_attempt,
    c.ExcuseMember: excuse_member,
    c.HoldMeeting: hold_meeting,
    c.DraftPlan: draft_plan,
    c.ReviseDraft: revise_draft,
    c.FinalizePlan: finalize_plan,
    c.AmendPlan: amend_plan,
    c.DecideOnServices: decide_on_services,
    c.RevokeConsent: revoke_consent,
    c.GiveNoticeOfServicesStopping: give_notice_of_services_stopping,
    c.WaiveReevaluation: waive_reevaluation,
    c.FileDispute: file_dispute,
    c.SendDisputeResponse: send_response,
    c.HoldResolutionMeeting: hold_resolution_meeting,
    c.WaiveResolutionMeeting: waive_resolution_meeting,
    c.RecordMediationAgreement: record_mediation_agreement,
    c.RecordHearingDecision: record_hearing_decision,
    c.RecordStateComplaintDecision: record_state_complaint_decision,
    c.ResolveAtTeamMeeting: resolve_at_team_meeting,
    c.WithdrawDispute: withdraw_dispute,
}


def decide(command: c.Command, state: Case) -> Sequence[Event]:
    return HANDLERS[type(command)](command, state)


planning: Decider[Case, c.Command] = Decider(Case, evolve, decide)
