"""The written plan: drafts, finalizing at a held meeting, versions and amendments, and
stay-put while a due process complaint is pending."""

from __future__ import annotations

from datetime import date

from iep_kernel.decider import IllegalTransition
from iep_kernel.events import Event

from iep_planning.domain import rules
from iep_planning.domain.checks import (
    joined,
    require_guardian,
    require_not_future,
    require_services_not_revoked,
    spoken,
)
from iep_planning.domain.commands import AmendPlan, DraftPlan, FinalizePlan, ReviseDraft
from iep_planning.domain.events import PlanAmended, PlanDrafted, PlanDraftRevised, PlanWritten
from iep_planning.domain.notices import prior_written_notices, require_complete
from iep_planning.domain.state import Case, Version
from iep_planning.domain.values import (
    AmendmentMethod,
    NoticeAction,
    PlanContent,
    WrittenAgreement,
)


def draft_plan(command: DraftPlan, state: Case) -> list[Event]:
    opened = state.case
    require_services_not_revoked(state, "draft a plan")
    if any(d.plan_id == command.plan_id for d in state.drafts):
        raise IllegalTransition("This plan is already drafted; revise the draft instead.")
    return [PlanDrafted(student_id=opened.student_id, case_id=opened.case_id,
                        plan_id=command.plan_id, drafted_on=command.today,
                        content=command.content)]


def revise_draft(command: ReviseDraft, state: Case) -> list[Event]:
    opened = state.case
    draft = state.draft(command.plan_id)
    if draft.finalized:
        raise IllegalTransition("This plan was finalized, so its draft is closed; amend the "
                                "plan in effect instead.")
    return [PlanDraftRevised(student_id=opened.student_id, case_id=opened.case_id,
                             plan_id=command.plan_id, revised_on=command.today,
                             content=command.content)]


def _date_of_birth(state: Case) -> date | None:
    born = state.case.date_of_birth
    return born if isinstance(born, date) else None  # unknown, or destroyed


def _require_parts(content: PlanContent, term_ends_on: date, state: Case,
                   district: rules.PlanningRules, doing: str) -> None:
    born = _date_of_birth(state)
    missing = rules.missing_parts(
        content, transition=rules.transition_required(born, term_ends_on, district),
        rights_transfer=rules.rights_transfer_required(born, term_ends_on, district))
    if missing:
        raise IllegalTransition(f"The plan cannot be {doing}: it lacks {joined(missing)}.")


def _check_stay_put(proposed: PlanContent, agreement: WrittenAgreement | None, state: Case,
                    today: date, doing: str) -> None:
    """300.518(a): while a due process complaint is pending the child stays in the current
    placement, unless the parent and the district agree otherwise (in writing)."""
    in_effect, pending = state.in_effect, state.pending_due_process
    if in_effect is None or pending is None:
        return
    changes = rules.placement_or_services_changes(in_effect.content, proposed)
    if not changes:
        return
    if agreement is None:
        raise IllegalTransition(
            f"A due process complaint filed on {spoken(pending.filed.filed_on)} (dispute "
            f"{pending.dispute_id}) is pending, and while it is pending the child stays in "
            f"the current placement with the current services (34 CFR 300.518). This "
            f"{doing} changes {joined(changes)}: record the parent's and the district's "
            "written agreement to the change, or wait until the complaint is resolved.")
    require_guardian(state, agreement.guardian_id, "agree in writing to a change while a "
                                                   "complaint is pending")
    require_not_future(agreement.signed_on, today, "The written agreement")


def finalize_plan(command: FinalizePlan, state: Case) -> list[Event]:
    opened = state.case
    draft = state.draft(command.plan_id)
    require_services_not_revoked(state, "write a new plan")
    if draft.finalized:
        raise IllegalTransition("This plan is already finalized; amend it instead.")
    meeting = state.meeting(command.meeting_id)
    if meeting.held is None:
        raise IllegalTransition(
            f"A plan is finalized at a held meeting (34 CFR 300.324(a)), and the meeting on "
            f"{spoken(meeting.meeting_on)} is not recorded as held; record it as held first "
            "(the team is checked then).")
    if any(v.event.meeting_id == meeting.meeting_id for v in state.versions
           if isinstance(v.event, PlanWritten)):
        raise IllegalTransition(f"A plan was already written at the meeting of "
                                f"{spoken(meeting.meeting_on)}; amend that plan instead.")
    # 300.324(a): the plan is written at the meeting, so it is finalized on or after the day
    # the meeting was held; the plan's date (and its annual review) is the meeting's day.
    finalized_on = command.dated.check("the plan's finalizing", not_before=meeting.held.held_on,
                                       after="the meeting it was written at")
    written_on = meeting.held.held_on
    review_due_on = rules.review_due_on(written_on)
    _require_parts(draft.content, review_due_on, state, command.rules, "finalized")
    require_complete(command.notice)
    _check_stay_put(draft.content, command.stay_put_agreement, state, command.dated.today,
                    "new plan")
    version = len(state.versions) + 1
    consent_required = not state.consented
    written = PlanWritten(
        student_id=opened.student_id, case_id=opened.case_id, plan_id=command.plan_id,
        version=version, meeting_id=meeting.meeting_id, written_on=written_on,
        review_due_on=review_due_on, content=draft.content,
        consent_required=consent_required,
        guardian_ids=tuple(g.guardian_id for g in state.guardians),
        stay_put_agreement=command.stay_put_agreement, occurred_on=finalized_on,
        late_entry_reason=command.dated.reason)
    # 300.503(a)(1): notice before the district initiates or changes placement or services.
    action = NoticeAction.INITIATE_SERVICES if consent_required else NoticeAction.CHANGE_PLAN
    return [written, *prior_written_notices(state, action, command.notice, command.dated,
                                            plan_id=command.plan_id, version=version)]


def _amended_on(command: AmendPlan, state: Case, current: Version) -> date:
    """The amendment's day: the amending meeting's or the written agreement's signing's, or
    after (it is recorded as it comes into force), never before the version it amends."""
    _check_method(command, state)
    if command.method is AmendmentMethod.TEAM_MEETING:
        assert command.meeting_id is not None
        held = state.meeting(command.meeting_id).held
        assert held is not None
        first, after = max(held.held_on, current.dated), "the amending meeting"
    else:
        assert command.agreement is not None
        first, after = max(command.agreement.signed_on, current.dated), "the written agreement"
    if first == current.dated:
        after = f"version {current.number} of the plan it amends"
    return command.dated.check("the amendment", not_before=first, after=after)


def _check_method(command: AmendPlan, state: Case) -> None:
    if command.method is AmendmentMethod.TEAM_MEETING:
        if command.meeting_id is None:
            raise IllegalTransition("An amendment by the team names the held meeting at which "
                                    "the team agreed it.")
        meeting = state.meeting(command.meeting_id)
        if meeting.held is None:
            raise IllegalTransition(
                f"The meeting on {spoken(meeting.meeting_on)} is not recorded as held; an "
                "amendment by the team is agreed at a held meeting (34 CFR 300.324(a)(6)).")
        return
    if command.agreement is None:
        raise IllegalTransition(
            "An amendment without a meeting needs the parent's and the district's written "
            "agreement (34 CFR 300.324(a)(4)); record who signed it and when.")
    require_guardian(state, command.agreement.guardian_id, "agree to amend the plan")
    require_not_future(command.agreement.signed_on, command.dated.today,
                       "The written agreement")


def amend_plan(command: AmendPlan, state: Case) -> list[Event]:
    opened = state.case
    require_services_not_revoked(state, "amend the plan")
    current, written = state.in_effect, state.written
    if current is None or written is None:
        raise IllegalTransition(
            "There is no plan in effect to amend: a plan is amended once it is written and "
            "the parent has consented to services (34 CFR 300.300(b)).")
    amended_on = _amended_on(command, state, current)
    proposed = current.content.merged(command.changes)
    changed = rules.changed_parts(current.content, proposed)
    if not changed:
        raise IllegalTransition("The amendment changes nothing in the plan in effect; "
                                "send the parts that change.")
    _require_parts(proposed, written.review_due_on, state, command.rules, "amended")
    require_complete(command.notice)
    _check_stay_put(proposed, command.stay_put_agreement, state, command.dated.today,
                    "amendment")
    version = len(state.versions) + 1
    amended = PlanAmended(
        student_id=opened.student_id, case_id=opened.case_id, plan_id=current.plan_id,
        version=version, amends_version=current.number, amended_on=amended_on,
        method=command.method,
        meeting_id=command.meeting_id if command.method is AmendmentMethod.TEAM_MEETING
        else None,
        agreement=command.agreement if command.method is AmendmentMethod.WRITTEN_AGREEMENT
        else None,
        changed_parts=tuple(changed), content=proposed,
        stay_put_agreement=command.stay_put_agreement, occurred_on=amended_on,
        late_entry_reason=command.dated.reason)
    return [amended, *prior_written_notices(state, NoticeAction.CHANGE_PLAN, command.notice,
                                            command.dated, plan_id=current.plan_id,
                                            version=version)]

