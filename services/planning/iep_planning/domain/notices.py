"""The notices the rules require: one per guardian, in the guardian's language code, with
every element the regulation lists. The notifications service renders and delivers them;
the fixed statements here are the district's standard wording, translated there."""

from __future__ import annotations

from datetime import date

from iep_kernel.dates import Dated
from iep_kernel.decider import IllegalTransition

from iep_planning.domain.events import (
    MeetingNoticeIssued,
    PriorWrittenNoticeIssued,
    ProceduralSafeguardsNoticeGiven,
)
from iep_planning.domain.state import Case, Meeting
from iep_planning.domain.values import NoticeAction, NoticeContent

# 300.503(b)(1): the action the district proposes, described for the parents.
ACTION_DESCRIPTIONS: dict[NoticeAction, str] = {
    NoticeAction.INITIATE_SERVICES: (
        "The district proposes to begin special education and related services for your "
        "child as the enclosed plan describes. Services begin only after you consent in "
        "writing."),
    NoticeAction.CHANGE_PLAN: (
        "The district proposes to change your child's special education plan as the "
        "enclosed version describes."),
    NoticeAction.STOP_SERVICES: (
        "You revoked your consent to special education and related services in writing. "
        "The district will stop providing them on the date this notice gives; your child "
        "will then be taught as a general education student."),
}

# 300.503(b)(4): the parents have protection under the procedural safeguards, and how to
# get a copy of them.
SAFEGUARDS_STATEMENT = (
    "You have protection under the procedural safeguards of the Individuals with "
    "Disabilities Education Act (34 CFR 300.500 to 300.536). Ask your child's school for a "
    "copy of the procedural safeguards notice at any time, free of charge.")

# 300.322(b)(1)(ii): the parents may bring others with knowledge or special expertise.
RIGHT_TO_BRING_OTHERS = (
    "You may bring to the meeting other people who have knowledge or special expertise "
    "about your child, including related services staff.")

# 300.322(b)(2): a meeting about transition says so, and that the student is invited.
TRANSITION_STATEMENT = (
    "One purpose of this meeting is to consider postsecondary goals and the transition "
    "services your child needs to reach them. Your child is invited to the meeting.")

# 300.504(a)(2): the safeguards notice on the first complaint of a school year.
FIRST_COMPLAINT_OF_THE_YEAR = "first_complaint_in_school_year"


def notice_id(state: Case, offset: int = 0) -> str:
    return f"{state.case.case_id}/notice-{state.notices_issued + offset + 1}"


def require_complete(notice: NoticeContent) -> None:
    """300.503(b)(2), (3), (5), (6): the parts of the notice staff must write."""
    missing = []
    if not notice.reasons.strip():
        missing.append("why the district proposes this")
    if not notice.records_used:
        missing.append("each evaluation, record or report the proposal rests on")
    if not notice.options_considered:
        missing.append("the other options considered and why they were rejected")
    if not notice.sources_of_help:
        missing.append("where the parents can get help")
    if missing:
        raise IllegalTransition("The prior written notice is missing " + "; ".join(missing)
                                + " (34 CFR 300.503(b)).")


def prior_written_notices(state: Case, action: NoticeAction, content: NoticeContent,
                          dated: Dated, *, plan_id: str | None = None,
                          version: int | None = None, effective_on: date | None = None
                          ) -> list[PriorWrittenNoticeIssued]:
    """300.503(a), (c): one notice per guardian, in the guardian's language, dated by the
    act it comes with: the notice goes with the action it proposes, never after it."""
    opened = state.case
    return [PriorWrittenNoticeIssued(
        student_id=opened.student_id, case_id=opened.case_id, notice_id=notice_id(state, i),
        guardian_id=g.guardian_id, language=g.language, issued_on=dated.occurred_on,
        occurred_on=dated.occurred_on, late_entry_reason=dated.reason, action=action,
        action_description=ACTION_DESCRIPTIONS[action], plan_id=plan_id, version=version,
        reasons=content.reasons, records_used=content.records_used,
        safeguards_statement=SAFEGUARDS_STATEMENT, sources_of_help=content.sources_of_help,
        options_considered=content.options_considered, other_factors=content.other_factors,
        effective_on=effective_on)
        for i, g in enumerate(state.guardians)]


def meeting_notices(state: Case, meeting: Meeting, today: date, *, rescheduled: bool
                    ) -> list[MeetingNoticeIssued]:
    """300.322(b): purpose, date, time, place and who attends, to each guardian."""
    opened = state.case
    return [MeetingNoticeIssued(
        student_id=opened.student_id, case_id=opened.case_id, meeting_id=meeting.meeting_id,
        notice_id=notice_id(state, i), guardian_id=g.guardian_id, language=g.language,
        issued_on=today, purposes=meeting.purposes, meeting_on=meeting.meeting_on,
        starts_at=meeting.starts_at, location=meeting.location,
        attending=meeting.scheduled.invited, right_to_bring_others=RIGHT_TO_BRING_OTHERS,
        transition_statement=TRANSITION_STATEMENT if meeting.student_invited else None,
        student_invited=meeting.student_invited, rescheduled=rescheduled)
        for i, g in enumerate(state.guardians)]


def safeguards_notices(state: Case, dispute_id: str, dated: Dated, school_year: int
                       ) -> list[ProceduralSafeguardsNoticeGiven]:
    """Given on the complaint's filing day, the day the district received it."""
    opened = state.case
    return [ProceduralSafeguardsNoticeGiven(
        student_id=opened.student_id, case_id=opened.case_id, dispute_id=dispute_id,
        guardian_id=g.guardian_id, language=g.language, given_on=dated.occurred_on,
        occurred_on=dated.occurred_on, late_entry_reason=dated.reason,
        school_year=school_year, occasion=FIRST_COMPLAINT_OF_THE_YEAR)
        for g in state.guardians]
