"""Opening the case and following the student record, and the IEP meeting: scheduling
with notice, attempts to arrange it with the parents, excusals, and the team-composition
check when it is held."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from iep_kernel.decider import IllegalTransition
from iep_kernel.events import Event

from iep_planning.domain import rules
from iep_planning.domain.checks import (
    count,
    joined,
    require_guardian,
    require_services_not_revoked,
    spoken,
)
from iep_planning.domain.commands import (
    ExcuseMember,
    FollowStudentRecord,
    HoldMeeting,
    OpenPlanning,
    RecordContactAttempt,
    RescheduleMeeting,
    ScheduleMeeting,
)
from iep_planning.domain.events import (
    EligibilityRedetermined,
    GuardiansAndSchoolUpdated,
    MeetingHeld,
    MeetingRescheduled,
    MeetingScheduled,
    MemberExcused,
    ParentContactAttempted,
    PlanningOpened,
)
from iep_planning.domain.notices import meeting_notices
from iep_planning.domain.state import Case, Meeting
from iep_planning.domain.values import MeetingPurpose, TeamRole

P = MeetingPurpose


def follow_student_record(command: FollowStudentRecord, state: Case) -> list[Event]:
    """The case follows the district's record of who the student's guardians are and which
    school serves them; a record that changes nothing here adds nothing."""
    if state.opened is None or (command.school_id, command.guardians) == (
            state.school_id, state.guardians):
        return []
    return [GuardiansAndSchoolUpdated(
        student_id=state.opened.student_id, case_id=state.opened.case_id,
        school_id=command.school_id, guardians=command.guardians,
        updated_on=command.changed_on)]


def open_planning(command: OpenPlanning, state: Case) -> list[Event]:
    if state.opened is None:
        return [PlanningOpened(
            student_id=command.student_id, case_id=command.case_id,
            school_id=command.school_id, evaluation_id=command.evaluation_id,
            determined_on=command.determined_on, categories=command.categories,
            meeting_due_on=rules.meeting_due_on(command.determined_on, command.rules),
            reevaluation_due_on=rules.reevaluation_due_on(command.determined_on,
                                                          command.rules),
            date_of_birth=command.date_of_birth, guardians=command.guardians)]
    last = state.last_determined_on
    if command.evaluation_id in state.evaluation_ids or (last and command.determined_on <= last):
        return []  # the same determination delivered again, or an older one
    # 300.303(b)(2): a reevaluation's determination starts the three years again.
    return [EligibilityRedetermined(
        student_id=state.case.student_id, case_id=state.case.case_id,
        evaluation_id=command.evaluation_id, determined_on=command.determined_on,
        categories=command.categories,
        reevaluation_due_on=rules.reevaluation_due_on(command.determined_on, command.rules))]


def _check_date(meeting_on: date, today: date, district: rules.PlanningRules) -> None:
    # 300.322(a)(1): notice early enough that the parents have an opportunity to attend.
    earliest = today + timedelta(district.meeting_notice_days)
    if meeting_on >= earliest:
        return
    if district.meeting_notice_days == 0:
        raise IllegalTransition(f"The meeting date {spoken(meeting_on)} is in the past; "
                                "schedule the meeting for today or a later day.")
    raise IllegalTransition(
        f"The meeting on {spoken(meeting_on)} leaves the parents less than "
        f"{count(district.meeting_notice_days, 'day')} of notice (34 CFR 300.322(a)); "
        f"schedule it on or after {spoken(earliest)}.")


def _check_purposes(purposes: tuple[MeetingPurpose, ...], state: Case) -> None:
    written = state.written
    if P.INITIAL_PLAN in purposes and written is not None:
        raise IllegalTransition(
            f"The initial plan was already written on {spoken(written.written_on)}; schedule "
            "an annual review or an amendment meeting instead.")
    needs_plan = [p for p in (P.ANNUAL_REVIEW, P.AMENDMENT) if p in purposes]
    if needs_plan and written is None:
        raise IllegalTransition(
            f"There is no written plan yet for a meeting about "
            f"{joined([p.value.replace('_', ' ') for p in needs_plan])}; schedule the "
            "meeting for the initial plan first.")
    if P.RESOLUTION in purposes and state.pending_due_process is None:
        raise IllegalTransition(
            "A resolution meeting is held on a pending due process complaint (34 CFR "
            "300.510); this case has none pending.")


def _with_transition(purposes: tuple[MeetingPurpose, ...], meeting_on: date, state: Case,
                     district: rules.PlanningRules) -> tuple[tuple[MeetingPurpose, ...], bool]:
    """300.320(b), 300.322(b)(2), 300.321(b)(1): for the plan in effect when the student
    turns 16, transition is a purpose and the student is invited."""
    born = state.case.date_of_birth
    due = rules.transition_required(born if isinstance(born, date) else None,
                                    rules.review_due_on(meeting_on), district)
    if due and P.TRANSITION not in purposes:
        purposes = (*purposes, P.TRANSITION)
    return purposes, P.TRANSITION in purposes


def schedule_meeting(command: ScheduleMeeting, state: Case) -> list[Event]:
    opened = state.case
    require_services_not_revoked(state, "schedule a meeting")
    if any(m.meeting_id == command.meeting_id for m in state.meetings):
        raise IllegalTransition("This meeting is already scheduled; reschedule it instead.")
    _check_date(command.meeting_on, command.today, command.rules)
    purposes = tuple(dict.fromkeys(command.purposes))
    _check_purposes(purposes, state)
    purposes, student_invited = _with_transition(purposes, command.meeting_on, state,
                                                 command.rules)
    scheduled = MeetingScheduled(
        student_id=opened.student_id, case_id=opened.case_id, meeting_id=command.meeting_id,
        purposes=purposes, meeting_on=command.meeting_on, starts_at=command.starts_at,
        location=command.location, invited=command.invited, student_invited=student_invited,
        scheduled_on=command.today)
    return [scheduled, *meeting_notices(state, Meeting(scheduled), command.today,
                                        rescheduled=False)]


def _open_meeting(state: Case, meeting_id: str, doing: str) -> Meeting:
    meeting = state.meeting(meeting_id)
    if meeting.held is not None:
        raise IllegalTransition(f"This meeting was held on {spoken(meeting.held.held_on)}; "
                                f"{doing}")
    return meeting


def reschedule_meeting(command: RescheduleMeeting, state: Case) -> list[Event]:
    opened = state.case
    meeting = _open_meeting(state, command.meeting_id,
                            "schedule a new meeting instead of rescheduling it.")
    _check_date(command.meeting_on, command.today, command.rules)
    purposes, student_invited = _with_transition(meeting.purposes, command.meeting_on, state,
                                                 command.rules)
    moved = MeetingRescheduled(
        student_id=opened.student_id, case_id=opened.case_id, meeting_id=command.meeting_id,
        meeting_on=command.meeting_on, starts_at=command.starts_at, location=command.location,
        purposes=purposes, student_invited=student_invited, reason=command.reason,
        rescheduled_on=command.today)
    changed = replace(meeting, changes=(*meeting.changes, moved))
    return [moved, *meeting_notices(state, changed, command.today, rescheduled=True)]


def record_contact_attempt(command: RecordContactAttempt, state: Case) -> list[Event]:
    opened = state.case
    _open_meeting(state, command.meeting_id, "attempts to arrange it are no longer needed.")
    # 300.322(d): attempts to arrange a meeting are made once there is a case to meet on.
    attempted_on = command.dated.check("the attempt to reach the parents",
                                       not_before=opened.determined_on,
                                       after="the eligibility determination")
    return [ParentContactAttempted(
        student_id=opened.student_id, case_id=opened.case_id, meeting_id=command.meeting_id,
        attempted_on=attempted_on, method=command.method, note=command.note,
        occurred_on=attempted_on, late_entry_reason=command.dated.reason)]


def excuse_member(command: ExcuseMember, state: Case) -> list[Event]:
    opened = state.case
    meeting = _open_meeting(state, command.meeting_id, "an excusal is recorded before it.")
    if command.role not in rules.EXCUSABLE:
        raise IllegalTransition(
            f"Only a required member other than the parents may be excused (34 CFR "
            f"300.321(e)); {rules.member_name(command.role)} is not one. Required members "
            f"are {joined([name for _, name in rules.REQUIRED_MEMBERS[1:]])}.")
    if any(e.role is command.role for e in meeting.excusals):
        raise IllegalTransition(f"The excusal of {rules.member_name(command.role)} from this "
                                "meeting is already recorded.")
    require_guardian(state, command.guardian_id, "agree to excuse a team member")
    agreed_on = command.dated.check("the parent's written agreement",
                                    not_before=opened.determined_on,
                                    after="the eligibility determination")
    if agreed_on > meeting.meeting_on:
        raise IllegalTransition(
            f"The parent's written agreement is dated {spoken(agreed_on)}, "
            f"after the meeting on {spoken(meeting.meeting_on)}; an excusal is agreed "
            "before the meeting (34 CFR 300.321(e)).")
    if command.area_discussed:
        given = command.written_input_on
        if given is None or given > meeting.meeting_on:
            raise IllegalTransition(
                f"When the area of {rules.member_name(command.role)} is discussed, that "
                "member's written input goes to the parent and the team before the meeting "
                f"on {spoken(meeting.meeting_on)} (34 CFR 300.321(e)(2)); record the day "
                "it was submitted.")
    return [MemberExcused(
        student_id=opened.student_id, case_id=opened.case_id, meeting_id=command.meeting_id,
        role=command.role, guardian_id=command.guardian_id,
        parent_agreed_on=agreed_on, area_discussed=command.area_discussed,
        written_input_on=command.written_input_on if command.area_discussed else None,
        occurred_on=agreed_on, late_entry_reason=command.dated.reason)]


def _team_problems(meeting: Meeting, present: set[TeamRole], attempts_needed: int
                   ) -> list[str]:
    excused = {e.role for e in meeting.excusals}
    missing = rules.missing_members(present, excused)
    problems = []
    members = [name for role, name in missing if role is not TeamRole.PARENT]
    if members:
        them, whose = ("them", "each one's") if len(members) > 1 else ("that member",
                                                                        "the member's")
        problems.append(
            f"It lacks {joined(members)} (34 CFR 300.321(a)): add {them} to the attendees, or "
            f"record {whose} excusal with the parent's written agreement (300.321(e)).")
    attempts = len(meeting.attempts)
    if TeamRole.PARENT in dict(missing) and attempts < attempts_needed:
        problems.append(
            f"No parent attended, and {count(attempts, 'attempt')} to arrange the meeting "
            f"with the parents {'is' if attempts == 1 else 'are'} recorded: a meeting goes "
            f"ahead without them only after at least {count(attempts_needed, 'attempt')} "
            "recorded with their dates and methods, such as calls, letters or visits (34 CFR "
            "300.322(d)).")
    return problems


def hold_meeting(command: HoldMeeting, state: Case) -> list[Event]:
    opened = state.case
    meeting = _open_meeting(state, command.meeting_id, "it is held once.")
    # 300.322(a)-(b): the parents are given notice of the meeting before it, so it is held
    # no earlier than the day it was scheduled (the notice's day). The record keeps the day
    # it really was held, even before the day the notice named (moved up by agreement), as
    # the held meeting's own date beside the scheduled one.
    held_on = command.dated.check(
        "the meeting", not_before=meeting.scheduled.scheduled_on,
        after="the day it was scheduled and the parents given notice")
    present = {role for member in command.attendees for role in member.roles}
    problems = _team_problems(meeting, present, command.rules.contact_attempts)
    if problems:
        raise IllegalTransition("The meeting cannot be recorded as held. " + " ".join(problems))
    return [MeetingHeld(
        student_id=opened.student_id, case_id=opened.case_id, meeting_id=command.meeting_id,
        held_on=held_on, purposes=meeting.purposes, attendees=command.attendees,
        parent_attended=TeamRole.PARENT in present,
        excused_roles=tuple(e.role for e in meeting.excusals),
        contact_attempts=len(meeting.attempts), occurred_on=held_on,
        late_entry_reason=command.dated.reason)]
