"""A student's case as the views know it, and what one event adds to it.

Each source service keeps its own part of the case (`ReferralPart`, `EvaluationPart`,
`PlanningPart`), folded from that service's events only; the student record (`StudentPart`)
alone says which school's staff serve the student and which guardians read the child's
record. The topics are read independently, so the views may apply a student's evaluation
events before or after their referral events: the stage and the next deadline are
therefore derived from the parts, never folded, and the case comes out the same in any
interleaving (a rebuild equals the live model).
"""

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from pydantic import BaseModel, ConfigDict

from iep_views.domain import rules
from iep_views.domain.rules import Deadline, ViewRules


class Part(BaseModel):
    model_config = ConfigDict(frozen=True)


class GuardianPart(Part):
    guardian_id: str
    preferred_language: str


class StudentPart(Part):
    """Who a student belongs to: the school they attend and their guardians, from the
    district's student record (`StudentRegistered`, `GuardianAdded`, `GuardianRemoved`,
    `StudentSchoolChanged`). For a student the record does not know yet the first referral
    establishes it; a later referral never changes it."""

    school_id: str
    guardians: tuple[GuardianPart, ...]
    registered: bool = False  # True: the district's record, not only a referral, holds it

    def with_guardian(self, guardian: GuardianPart) -> "StudentPart":
        kept = tuple(g for g in self.guardians if g.guardian_id != guardian.guardian_id)
        return self.model_copy(update={"guardians": (*kept, guardian)})

    def without_guardian(self, guardian_id: str) -> "StudentPart":
        return self.model_copy(update={"guardians": tuple(
            g for g in self.guardians if g.guardian_id != guardian_id)})


class ReferralPart(Part):
    referral_id: str
    school_id: str
    status: str  # referred, consent_requested, consent_given, consent_refused, closed
    referred_on: date
    grade: str
    student_name: str  # personal: "[destroyed]" once the records are destroyed
    guardians: tuple[GuardianPart, ...]
    consent_requested_on: date | None = None
    consent_answered_on: date | None = None
    closed_on: date | None = None
    close_reason: str | None = None


class EvaluationPart(Part):
    evaluation_id: str
    referral_id: str
    school_id: str
    status: str  # open, eligible, not_eligible
    consent_received_on: date
    due_on: date
    timeline_days: int
    day_count: str
    assessments: int = 0
    determined_on: date | None = None
    categories: tuple[str, ...] = ()
    section_504_referral: bool = False
    overdue_raised: bool = False


class MeetingPart(Part):
    meeting_id: str
    purposes: tuple[str, ...]
    meeting_on: date
    starts_at: time
    location: str  # a place, not personal
    held_on: date | None = None


class DisputePart(Part):
    dispute_id: str
    kind: str  # team_meeting_request, mediation, due_process_complaint, state_complaint
    filed_on: date
    filed_by: str
    status: str = "open"  # open, resolved, withdrawn
    closed_on: date | None = None
    # Each deadline still to be met: response, resolution_meeting, resolution_period,
    # hearing_decision, state_complaint_decision (as the planning service dated them).
    deadlines: tuple[tuple[str, date], ...] = ()

    @property
    def stay_put(self) -> bool:
        """34 CFR 300.518(a): a pending due process complaint holds the placement."""
        return self.status == "open" and self.kind == "due_process_complaint"

    def without(self, *names: str) -> "DisputePart":
        return self.model_copy(update={"deadlines": tuple(
            (n, d) for n, d in self.deadlines if n not in names)})


class PlanningPart(Part):
    case_id: str
    school_id: str
    evaluation_id: str
    opened_on: date
    meeting_due_on: date  # the initial meeting, 300.323(c)(1)
    reevaluation_due_on: date  # 300.303(b)(2)
    initial_meeting_held_on: date | None = None
    meetings: tuple[MeetingPart, ...] = ()
    plan_id: str | None = None
    version: int | None = None
    plan_written_on: date | None = None
    review_due_on: date | None = None  # 300.324(b)(1)(i)
    consent_required: bool = False
    consent: str | None = None  # given, refused, revoked
    disputes: tuple[DisputePart, ...] = ()
    meeting_overdue_raised: bool = False
    review_overdue_raised: bool = False
    reevaluation_overdue_raised: bool = False

    @property
    def open_disputes(self) -> tuple[DisputePart, ...]:
        return tuple(d for d in self.disputes if d.status == "open")

    @property
    def stay_put(self) -> bool:
        return any(d.stay_put for d in self.disputes)

    @property
    def meetings_pending(self) -> tuple[MeetingPart, ...]:
        """Meetings scheduled and not yet held, soonest first."""
        return tuple(sorted((m for m in self.meetings if m.held_on is None),
                            key=lambda m: (m.meeting_on, m.starts_at, m.meeting_id)))

    @property
    def stage(self) -> str:
        if self.open_disputes:
            return Stage.IN_DISPUTE
        if self.consent == "revoked":
            return Stage.CONSENT_REVOKED
        if self.plan_id is not None:
            if self.consent == "given" or not self.consent_required:
                return Stage.PLAN_IN_EFFECT
            if self.consent == "refused":
                return Stage.SERVICES_CONSENT_REFUSED
            return Stage.AWAITING_SERVICES_CONSENT
        if self.initial_meeting_held_on is not None:
            return Stage.PLAN_BEING_WRITTEN
        if self.meetings_pending:
            return Stage.MEETING_SCHEDULED
        return Stage.MEETING_DUE

    @property
    def in_effect(self) -> bool:
        return self.plan_id is not None and self.consent != "revoked" and (
            self.consent == "given" or not self.consent_required)

    def deadlines(self) -> list[Deadline]:
        """Every deadline the planning case still has to meet."""
        if self.consent == "revoked":
            return []  # no plan, review or reevaluation falls due after a revocation
        found = []
        if self.initial_meeting_held_on is None and self.plan_id is None:
            found.append(rules.initial_meeting_due(self.opened_on, self.meeting_due_on))
        if self.in_effect and self.review_due_on is not None:
            found.append(rules.annual_review_due(self.review_due_on))
        found.append(rules.reevaluation_due(self.reevaluation_due_on))
        for dispute in self.open_disputes:
            found.append(dispute_deadline(dispute))
        return found


def dispute_deadline(dispute: DisputePart) -> Deadline:
    """An open dispute's nearest deadline (`dispute_open`, undated, when it has none)."""
    if not dispute.deadlines:
        return rules.dispute_open(dispute.dispute_id)
    name, due_on = min(dispute.deadlines, key=lambda d: (d[1], d[0]))
    return rules.dispute_due(name, due_on, dispute.dispute_id)


class SchedulePart(Part):
    """A service as scheduled from the plan, and its sessions as logged (the latest
    correction of each)."""

    schedule_id: str
    service: str
    minutes_per_session: int
    sessions_per_period: int
    period: str  # week, month
    starts_on: date
    ends_on: date  # the last day in force (an earlier end included)
    # (session_id, day, minutes delivered, minutes missed)
    sessions: tuple[tuple[str, date, int, int], ...] = ()
    owed: int = 0  # compensatory minutes still owed

    @property
    def delivered(self) -> int:
        return sum(s[2] for s in self.sessions)

    @property
    def missed(self) -> int:
        return sum(s[3] for s in self.sessions)


class ReportPart(Part):
    report_id: str
    due_on: date
    issued_on: date | None = None
    overdue_raised: bool = False


class DeliveryPart(Part):
    school_id: str | None = None
    plan_id: str | None = None
    report_dates: tuple[date, ...] = ()
    schedules: tuple[SchedulePart, ...] = ()
    reports: tuple[ReportPart, ...] = ()
    stopped_on: date | None = None

    @property
    def owed(self) -> int:
        return sum(s.owed for s in self.schedules)

    @property
    def delivered(self) -> int:
        return sum(s.delivered for s in self.schedules)

    def deadlines(self) -> list[Deadline]:
        """The next progress report not yet issued (300.320(a)(3)(ii)), by the plan's
        reporting dates or a report raised as due."""
        if self.stopped_on is not None:
            return []
        issued = {r.due_on for r in self.reports if r.issued_on is not None}
        due = sorted({*self.report_dates, *(r.due_on for r in self.reports)} - issued)
        if not due:
            return []
        about = next((r.report_id for r in self.reports if r.due_on == due[0]), None)
        return [rules.progress_report_due(due[0], about)]


class Stage:
    REFERRED = "referred"
    AWAITING_CONSENT = "awaiting_consent"
    CONSENT_REFUSED = "consent_refused"
    EVALUATING = "evaluating"
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    SECTION_504 = "section_504"
    CLOSED = "closed"
    # planning (after an eligible determination)
    MEETING_DUE = "meeting_due"
    MEETING_SCHEDULED = "meeting_scheduled"
    PLAN_BEING_WRITTEN = "plan_being_written"
    AWAITING_SERVICES_CONSENT = "awaiting_services_consent"
    SERVICES_CONSENT_REFUSED = "services_consent_refused"
    PLAN_IN_EFFECT = "plan_in_effect"
    CONSENT_REVOKED = "consent_revoked"
    IN_DISPUTE = "in_dispute"
    UNKNOWN = "unknown"  # only events the views cannot place yet (records destroyed)

    ALL = (REFERRED, AWAITING_CONSENT, CONSENT_REFUSED, EVALUATING, ELIGIBLE, NOT_ELIGIBLE,
           SECTION_504, CLOSED, MEETING_DUE, MEETING_SCHEDULED, PLAN_BEING_WRITTEN,
           AWAITING_SERVICES_CONSENT, SERVICES_CONSENT_REFUSED, PLAN_IN_EFFECT,
           CONSENT_REVOKED, IN_DISPUTE, UNKNOWN)


_REFERRAL_STAGES = {
    "referred": Stage.REFERRED,
    "consent_requested": Stage.AWAITING_CONSENT,
    "consent_given": Stage.EVALUATING,  # until the evaluation service opens it
    "consent_refused": Stage.CONSENT_REFUSED,
    "closed": Stage.CLOSED,
}


@dataclass(frozen=True)
class Case:
    student_id: str
    student: StudentPart | None = None  # the student record: school and guardians
    referral: ReferralPart | None = None
    evaluation: EvaluationPart | None = None
    planning: PlanningPart | None = None
    delivery: DeliveryPart | None = None
    records_destroyed_on: date | None = None

    @property
    def current_evaluation(self) -> EvaluationPart | None:
        """The evaluation of the current referral (an older cycle's does not count)."""
        found = self.evaluation
        if found is None or (self.referral and found.referral_id != self.referral.referral_id):
            return None
        return found

    @property
    def current_planning(self) -> PlanningPart | None:
        """The planning case, unless a referral made after its determination started a
        new cycle (after a revocation, say)."""
        found = self.planning
        if found is None or (self.referral and self.referral.referred_on > found.opened_on):
            return None
        return found

    @property
    def school_id(self) -> str | None:
        """The school whose staff serve the student: the student record's; the other
        parts' only while no referral or record is known (their topics may come first)."""
        if self.student is not None:
            return self.student.school_id
        if self.referral is not None:
            return self.referral.school_id
        if self.evaluation is not None:
            return self.evaluation.school_id
        if self.planning is not None:
            return self.planning.school_id
        return self.delivery.school_id if self.delivery else None

    @property
    def stay_put(self) -> bool:
        found = self.current_planning
        return found is not None and found.stay_put

    @property
    def stage(self) -> str:
        planning = self.current_planning
        if planning is not None:
            return planning.stage
        found = self.current_evaluation
        if found is not None:
            if found.status == "open":
                return Stage.EVALUATING
            if found.status == "eligible":
                return Stage.ELIGIBLE
            return Stage.SECTION_504 if found.section_504_referral else Stage.NOT_ELIGIBLE
        if self.referral is not None:
            return _REFERRAL_STAGES[self.referral.status]
        return Stage.UNKNOWN

    def next_deadline(self, district: ViewRules) -> Deadline | None:
        """The nearest dated deadline (the most urgent)."""
        dated = [d for d in self.deadlines(district) if d.due_on is not None]
        return min(dated, key=lambda d: (d.due_on, d.kind)) if dated else None

    def deadlines(self, district: ViewRules) -> list[Deadline]:
        """Every deadline the case has to meet now (several once a plan is in effect)."""
        planning = self.current_planning
        if planning is not None:
            found = planning.deadlines()
            if self.delivery is not None and planning.consent != "revoked":
                found.extend(self.delivery.deadlines())
            return found
        single = self._deadline(district)
        return [single] if single is not None else []

    def _deadline(self, district: ViewRules) -> Deadline | None:
        stage, found = self.stage, self.current_evaluation
        if stage == Stage.AWAITING_CONSENT and self.referral and \
                self.referral.consent_requested_on:
            return rules.consent_follow_up(self.referral.consent_requested_on, district)
        if stage == Stage.EVALUATING and found is not None:
            return rules.evaluation_due(found.due_on, found.timeline_days, found.day_count)
        if stage == Stage.ELIGIBLE and found is not None and found.determined_on:
            return rules.iep_meeting_due(found.determined_on, district)
        return None

    @property
    def guardians(self) -> tuple[GuardianPart, ...]:
        """Who reads the child's record as a parent: the student record's guardians (a row
        stored before the record existed falls back to its referral until a rebuild)."""
        if self.student is not None:
            return self.student.guardians
        return self.referral.guardians if self.referral else ()


@dataclass(frozen=True)
class Entry:
    """One line of the student's timeline: what happened, on which day.

    `facts` are not personal (ids, dates, codes); `personal` holds what is (names, free
    text) and is dropped when the student's records are destroyed. `guardian_id` is set
    when the entry concerns one guardian only (a notice addressed to them). An act's entry
    is dated by the act (`occurred_on`, the producer's date), and says whether a late-entry
    reason was given (the reason itself is personal).
    """

    kind: str
    on: date
    facts: dict[str, Any] = field(default_factory=dict)
    personal: dict[str, Any] | None = None
    guardian_id: str | None = None
    occurred_on: date | None = None
    late_entry_reason_given: bool = False


@dataclass(frozen=True)
class Step:
    """What one event does: the case after it, its timeline entry, and whether the
    student's personal data must now be forgotten."""

    case: Case
    entry: Entry
    forget_personal: bool = False
