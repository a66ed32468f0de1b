"""The fields the views read from other services' events, as small pydantic models.

Services never import each other: a `PublishedEvent.data` is a dict, read here through
models that check only what the views use and ignore fields added later. Personal fields
arrive opened, or as "[destroyed]" once the student's records were destroyed.
"""

from datetime import date

from pydantic import BaseModel, ConfigDict


class Reading(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


# -- referral ---------------------------------------------------------------------------


class ReferredStudent(Reading):
    name: str
    grade: str
    school_id: str


class ReferredGuardian(Reading):
    guardian_id: str
    name: str
    email: str | None = None
    phone: str | None = None
    preferred_language: str


class Referrer(Reading):
    name: str
    role: str


class ConcernsRead(Reading):
    text: str
    areas: tuple[str, ...]


class ReferralMade(Reading):
    referral_id: str
    school_id: str
    student: ReferredStudent
    guardians: tuple[ReferredGuardian, ...]
    referred_by: Referrer
    concerns: ConcernsRead
    referred_on: date


class SafeguardsGiven(Reading):
    referral_id: str
    guardian_id: str
    language: str
    given_on: date


class ProposedAssessment(Reading):
    area: str
    description: str


class ConsentRequested(Reading):
    referral_id: str
    requested_on: date
    guardian_ids: tuple[str, ...]
    assessments_proposed: tuple[ProposedAssessment, ...]


class NoticeIssued(Reading):
    referral_id: str
    notice_id: str
    guardian_id: str
    language: str
    issued_on: date
    action: str
    reasons: str


class ConsentDecided(Reading):
    """`ConsentGiven` and `ConsentRefused` carry the same fields."""

    referral_id: str
    guardian_id: str
    signed_on: date
    method: str
    received_on: date | None = None  # not sent by every version: then the signing date

    @property
    def received(self) -> date:
        return self.received_on or self.signed_on


class ReferralClosed(Reading):
    referral_id: str
    reason: str
    closed_on: date
    note: str = ""


# -- evaluation -------------------------------------------------------------------------


class EvaluationOpened(Reading):
    evaluation_id: str
    referral_id: str
    school_id: str
    consent_received_on: date
    due_on: date
    timeline_days: int
    day_count: str
    guardian_ids: tuple[str, ...]


class AssessmentCompleted(Reading):
    evaluation_id: str
    assessment_number: int
    area: str
    evaluator_name: str
    evaluator_role: str
    instrument: str
    completed_on: date
    summary: str


class EligibilityDetermined(Reading):
    evaluation_id: str
    eligible: bool
    categories: tuple[str, ...]
    determined_on: date
    rationale: str
    parent_participated: bool
    section_504_referral: bool
    within_timeline: bool


class Section504ReferralMade(Reading):
    evaluation_id: str
    referred_on: date
    categories: tuple[str, ...]


class DeadlineApproaching(Reading):
    evaluation_id: str
    due_on: date
    days_remaining: int


class EvaluationOverdue(Reading):
    evaluation_id: str
    due_on: date


# -- kernel -----------------------------------------------------------------------------


class RecordsDestroyed(Reading):
    requested_on: date
