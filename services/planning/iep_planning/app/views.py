"""What the API answers: a planning case in full, a plan version, or a line of a list.
Nouns, not events; deadlines shown against the district's today."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from iep_planning.app.queries import CaseRow
from iep_planning.domain import rules
from iep_planning.domain.deadlines import open_deadline_due_on
from iep_planning.domain.events import ConsentToServicesGiven, DisputeWithdrawn, PlanWritten
from iep_planning.domain.state import Case, Dispute, Meeting, Version
from iep_planning.domain.values import (
    AmendmentMethod,
    ContactMethod,
    DisputeDeadline,
    DisputeKind,
    Guardian,
    LocalTime,
    MeetingPurpose,
    Member,
    PlanContent,
    TeamRole,
)


class Deadline(BaseModel):
    """Where a deadline stands on the district's today."""

    due_on: date
    met: bool = Field(description="The step was taken (or no longer applies)")
    overdue: bool = Field(description="Not met, and a day after the due date has begun")
    days_remaining: int | None = Field(None, description="Days until the due date while it "
                                                         "is open; else null")


def deadline(due_on: date, met: bool, today: date) -> Deadline:
    if met:
        return Deadline(due_on=due_on, met=True, overdue=False)
    if rules.is_overdue(today, due_on):
        return Deadline(due_on=due_on, met=False, overdue=True)
    return Deadline(due_on=due_on, met=False, overdue=False,
                    days_remaining=rules.days_between(today, due_on))


class ScheduleEntry(BaseModel):
    meeting_on: date
    starts_at: LocalTime
    location: str
    changed_on: date
    reason: str | None


class ContactAttempt(BaseModel):
    attempted_on: date
    method: ContactMethod
    note: str


class Excusal(BaseModel):
    role: TeamRole
    guardian_id: str
    parent_agreed_on: date
    area_discussed: bool
    written_input_on: date | None


class Held(BaseModel):
    held_on: date
    attendees: list[Member]
    parent_attended: bool
    excused_roles: list[TeamRole]


class MeetingView(BaseModel):
    meeting_id: str
    purposes: list[MeetingPurpose]
    meeting_on: date
    starts_at: LocalTime
    location: str
    invited: list[Member]
    student_invited: bool
    schedule: list[ScheduleEntry] = Field(description="The first schedule and each change")
    contact_attempts: list[ContactAttempt]
    excusals: list[Excusal]
    held: Held | None


def meeting_view(meeting: Meeting) -> MeetingView:
    first = meeting.scheduled
    history = [ScheduleEntry(meeting_on=first.meeting_on, starts_at=first.starts_at,
                             location=first.location, changed_on=first.scheduled_on,
                             reason=None)]
    history += [ScheduleEntry(meeting_on=c.meeting_on, starts_at=c.starts_at,
                              location=c.location, changed_on=c.rescheduled_on,
                              reason=c.reason) for c in meeting.changes]
    held = meeting.held
    return MeetingView(
        meeting_id=meeting.meeting_id, purposes=list(meeting.purposes),
        meeting_on=meeting.meeting_on, starts_at=meeting.starts_at, location=meeting.location,
        invited=list(first.invited), student_invited=meeting.student_invited,
        schedule=history,
        contact_attempts=[ContactAttempt(attempted_on=a.attempted_on, method=a.method,
                                         note=a.note) for a in meeting.attempts],
        excusals=[Excusal(role=e.role, guardian_id=e.guardian_id,
                          parent_agreed_on=e.parent_agreed_on, area_discussed=e.area_discussed,
                          written_input_on=e.written_input_on) for e in meeting.excusals],
        held=None if held is None else Held(
            held_on=held.held_on, attendees=list(held.attendees),
            parent_attended=held.parent_attended, excused_roles=list(held.excused_roles)))


class DraftView(BaseModel):
    plan_id: str
    drafted_on: date
    revisions: int
    finalized: bool
    content: PlanContent


class VersionView(BaseModel):
    version: int
    plan_id: str
    dated: date = Field(description="The meeting's date for a written plan, the amendment's "
                                    "date for an amendment")
    written_at_meeting: str | None
    amended_by: AmendmentMethod | None
    changed_parts: list[str]
    review_due_on: date
    content: PlanContent


def version_view(version: Version, case: Case) -> VersionView:
    event = version.event
    written = next(v.event for v in reversed(case.versions[:version.number])
                   if isinstance(v.event, PlanWritten))
    return VersionView(
        version=version.number, plan_id=version.plan_id, dated=version.dated,
        written_at_meeting=event.meeting_id if isinstance(event, PlanWritten) else None,
        amended_by=None if isinstance(event, PlanWritten) else event.method,
        changed_parts=[] if isinstance(event, PlanWritten) else list(event.changed_parts),
        review_due_on=written.review_due_on, content=version.content)


class ConsentView(BaseModel):
    decision: str = Field(description="given, refused or revoked")
    guardian_id: str
    signed_on: date
    services_stop_on: date | None = Field(None, description="After a revocation, the day "
                                                            "the prior written notice set")


def consent_view(case: Case) -> ConsentView | None:
    if case.revoked is not None:
        return ConsentView(decision="revoked", guardian_id=case.revoked.guardian_id,
                           signed_on=case.revoked.signed_on,
                           services_stop_on=case.services_stop_on)
    if case.consent is None:
        return None
    given = isinstance(case.consent, ConsentToServicesGiven)
    return ConsentView(decision="given" if given else "refused",
                       guardian_id=case.consent.guardian_id, signed_on=case.consent.signed_on)


class DisputeDeadlineView(Deadline):
    deadline: DisputeDeadline


class DisputeView(BaseModel):
    dispute_id: str
    kind: DisputeKind
    status: str = Field(description="pending, resolved or withdrawn")
    filed_on: date
    filed_by: str
    problem: str
    proposed_resolution: str
    deadlines: list[DisputeDeadlineView]
    hearing_may_proceed_after: date | None = Field(
        None, description="Due process: the last day of the resolution period")
    ended_on: date | None
    ending: str | None
    stay_put: bool = Field(description="A pending due process complaint: the placement and "
                                       "services stay as they are (34 CFR 300.518)")


def _dispute_deadlines(dispute: Dispute, today: date) -> list[DisputeDeadlineView]:
    filed, views = dispute.filed, []
    due_dates = {DisputeDeadline.RESPONSE: filed.response_due_on,
                 DisputeDeadline.RESOLUTION_MEETING: filed.resolution_meeting_due_on,
                 DisputeDeadline.HEARING_DECISION: dispute.hearing_decision_due_on,
                 DisputeDeadline.STATE_COMPLAINT_DECISION: filed.decision_due_on}
    for name, due_on in due_dates.items():
        if due_on is not None:
            met = open_deadline_due_on(dispute, name) is None
            views.append(DisputeDeadlineView(deadline=name, **deadline(due_on, met, today)
                                             .model_dump()))
    return views


def dispute_view(dispute: Dispute, today: date) -> DisputeView:
    ended = dispute.ended
    status, ended_on, ending = "pending", None, None
    if isinstance(ended, DisputeWithdrawn):
        status, ended_on, ending = "withdrawn", ended.withdrawn_on, "withdrawn"
    elif ended is not None:
        status, ended_on, ending = "resolved", ended.resolved_on, ended.ending.value
    return DisputeView(
        dispute_id=dispute.dispute_id, kind=dispute.kind, status=status,
        filed_on=dispute.filed.filed_on, filed_by=dispute.filed.filed_by,
        problem=dispute.filed.problem, proposed_resolution=dispute.filed.proposed_resolution,
        deadlines=_dispute_deadlines(dispute, today),
        hearing_may_proceed_after=dispute.filed.resolution_period_ends_on,
        ended_on=ended_on, ending=ending,
        stay_put=ended is None and dispute.kind is DisputeKind.DUE_PROCESS_COMPLAINT)


class CaseView(BaseModel):
    case_id: str
    student_id: str
    school_id: str
    status: str = Field(description="awaiting_plan, awaiting_consent, consent_refused, "
                                    "in_effect or consent_revoked")
    determined_on: date
    categories: list[str]
    guardians: list[Guardian]
    initial_meeting: Deadline = Field(description="The meeting to develop the plan, due 30 "
                                                  "days after eligibility (300.323(c))")
    meetings: list[MeetingView]
    drafts: list[DraftView]
    plan_in_effect: VersionView | None = Field(description="Only once the parent consented")
    versions: list[VersionView] = Field(description="Every version, oldest first")
    consent: ConsentView | None
    annual_review: Deadline | None
    reevaluation: Deadline
    disputes: list[DisputeView]


def case_view(case: Case, today: date) -> CaseView:
    opened = case.case
    written = case.written
    in_effect = case.in_effect
    assert case.reevaluation_due_on is not None
    return CaseView(
        case_id=opened.case_id, student_id=opened.student_id, school_id=case.school_id,
        status=case.status, determined_on=case.last_determined_on or opened.determined_on,
        categories=list(opened.categories), guardians=list(case.guardians),
        initial_meeting=deadline(opened.meeting_due_on, case.initial_meeting_held is not None,
                                 today),
        meetings=[meeting_view(m) for m in case.meetings],
        drafts=[DraftView(plan_id=d.plan_id, drafted_on=d.drafted_on, revisions=d.revisions,
                          finalized=d.finalized, content=d.content) for d in case.drafts],
        plan_in_effect=version_view(in_effect, case) if in_effect else None,
        versions=[version_view(v, case) for v in case.versions],
        consent=consent_view(case),
        annual_review=None if written is None or case.revoked else deadline(
            written.review_due_on, False, today),
        reevaluation=deadline(case.reevaluation_due_on, case.revoked is not None, today),
        disputes=[dispute_view(d, today) for d in case.disputes])


class CaseSummary(BaseModel):
    case_id: str
    student_id: str
    school_id: str
    status: str
    initial_meeting: Deadline
    plan_version: int | None
    annual_review: Deadline | None
    reevaluation: Deadline
    pending_due_process: bool
    open_disputes: int


def summary_view(row: CaseRow, today: date) -> CaseSummary:
    return CaseSummary(
        case_id=row.case_id, student_id=row.student_id, school_id=row.school_id,
        status=row.status,
        initial_meeting=deadline(row.meeting_due_on, row.initial_meeting_held_on is not None,
                                 today),
        plan_version=row.plan_version,
        annual_review=None if row.review_due_on is None else deadline(row.review_due_on,
                                                                      False, today),
        reevaluation=deadline(row.reevaluation_due_on, row.status == "consent_revoked", today),
        pending_due_process=row.pending_due_process, open_disputes=row.open_disputes)
