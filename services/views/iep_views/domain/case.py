"""A student's case as the views know it, and what one event adds to it.

Each source service keeps its own part of the case (`ReferralPart`, `EvaluationPart`),
folded from that service's events only. The two topics are read independently, so the
views may apply a student's evaluation events before or after their referral events: the
stage and the next deadline are therefore derived from the parts, never folded, and the
case comes out the same in any interleaving (a rebuild equals the live model).
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from iep_views.domain import rules
from iep_views.domain.rules import Deadline, ViewRules


class Part(BaseModel):
    model_config = ConfigDict(frozen=True)


class GuardianPart(Part):
    guardian_id: str
    preferred_language: str


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


class Stage:
    REFERRED = "referred"
    AWAITING_CONSENT = "awaiting_consent"
    CONSENT_REFUSED = "consent_refused"
    EVALUATING = "evaluating"
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    SECTION_504 = "section_504"
    CLOSED = "closed"
    UNKNOWN = "unknown"  # only events the views cannot place yet (records destroyed)

    ALL = (REFERRED, AWAITING_CONSENT, CONSENT_REFUSED, EVALUATING, ELIGIBLE, NOT_ELIGIBLE,
           SECTION_504, CLOSED, UNKNOWN)


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
    referral: ReferralPart | None = None
    evaluation: EvaluationPart | None = None
    records_destroyed_on: date | None = None

    @property
    def current_evaluation(self) -> EvaluationPart | None:
        """The evaluation of the current referral (an older cycle's does not count)."""
        found = self.evaluation
        if found is None or (self.referral and found.referral_id != self.referral.referral_id):
            return None
        return found

    @property
    def school_id(self) -> str | None:
        if self.referral is not None:
            return self.referral.school_id
        return self.evaluation.school_id if self.evaluation else None

    @property
    def stage(self) -> str:
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
        return self.referral.guardians if self.referral else ()


@dataclass(frozen=True)
class Entry:
    """One line of the student's timeline: what happened, on which day.

    `facts` are not personal (ids, dates, codes); `personal` holds what is (names, free
    text) and is dropped when the student's records are destroyed. `guardian_id` is set
    when the entry concerns one guardian only (a notice addressed to them).
    """

    kind: str
    on: date
    facts: dict[str, Any] = field(default_factory=dict)
    personal: dict[str, Any] | None = None
    guardian_id: str | None = None


@dataclass(frozen=True)
class Step:
    """What one event does: the case after it, its timeline entry, and whether the
    student's personal data must now be forgotten."""

    case: Case
    entry: Entry
    forget_personal: bool = False
