"""What happens to an evaluation, in the past tense. Every `student_id` is the district's id.

An event recording an act in the world (the evaluation begun on the consent's receipt, an
assessment completed, eligibility determined, a Section 504 referral) is an `Act`: it
carries the date the act happened (`occurred_on`, the same date as its own date field) and
`late_entry_reason` for an entry recorded long after; the envelope's `recorded_at` says when
it was recorded. The deadline timers' events are the system's, not acts.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from iep_kernel.events import PII, Act, Event, EventRegistry
from pydantic import BaseModel, ConfigDict

registry = EventRegistry("evaluation")


class Area(StrEnum):
    """What an assessment looks at (34 CFR 300.304(c)(4): all areas of suspected disability)."""

    READING = "reading"
    MATH = "math"
    SPEECH = "speech"
    LANGUAGE = "language"
    DEVELOPMENTAL = "developmental"
    HEARING = "hearing"
    VISION = "vision"
    MOTOR = "motor"
    BEHAVIOR = "behavior"
    COGNITIVE = "cognitive"
    OTHER = "other"


class EvaluatorRole(StrEnum):
    PSYCHOLOGIST = "psychologist"
    COUNSELOR = "counselor"
    HEALTHCARE_PROVIDER = "healthcare_provider"
    HEARING_SPECIALIST = "hearing_specialist"
    OCCUPATIONAL_THERAPIST = "occupational_therapist"
    PHYSICAL_THERAPIST = "physical_therapist"
    SPEECH_THERAPIST = "speech_therapist"
    TEACHER = "teacher"
    SPECIAL_EDUCATOR = "special_educator"
    VISION_SPECIALIST = "vision_specialist"


class Category(StrEnum):
    """The disability categories of 34 CFR 300.8(c), and developmental delay (300.8(b))."""

    AUTISM = "autism"
    DEAF_BLINDNESS = "deaf_blindness"
    DEAFNESS = "deafness"
    DEVELOPMENTAL_DELAY = "developmental_delay"
    EMOTIONAL_DISTURBANCE = "emotional_disturbance"
    HEARING_IMPAIRMENT = "hearing_impairment"
    INTELLECTUAL_DISABILITY = "intellectual_disability"
    MULTIPLE_DISABILITIES = "multiple_disabilities"
    ORTHOPEDIC_IMPAIRMENT = "orthopedic_impairment"
    OTHER_HEALTH_IMPAIRMENT = "other_health_impairment"
    SPECIFIC_LEARNING_DISABILITY = "specific_learning_disability"
    SPEECH_OR_LANGUAGE_IMPAIRMENT = "speech_or_language_impairment"
    TRAUMATIC_BRAIN_INJURY = "traumatic_brain_injury"
    VISUAL_IMPAIRMENT = "visual_impairment"


class TeamRole(StrEnum):
    """Who sits on the group that determines eligibility (34 CFR 300.306(a)(1))."""

    PARENT = "parent"
    GENERAL_EDUCATION_TEACHER = "general_education_teacher"
    SPECIAL_EDUCATION_TEACHER = "special_education_teacher"
    DISTRICT_REPRESENTATIVE = "district_representative"
    PSYCHOLOGIST = "psychologist"
    EVALUATOR = "evaluator"
    RELATED_SERVICE_PROVIDER = "related_service_provider"
    OTHER = "other"


class DayCount(StrEnum):
    CALENDAR = "calendar"
    SCHOOL = "school"


class TeamMember(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, PII]
    role: TeamRole


@registry.register
class EvaluationOpened(Act):
    """The parent consented, so the evaluation began and its timeline started: on the day the
    district received the consent (`occurred_on` = `consent_received_on`)."""

    evaluation_id: str
    referral_id: str
    school_id: str
    consent_signed_on: date
    consent_received_on: date  # 34 CFR 300.301(c)(1): the timeline runs from receipt
    due_on: date
    timeline_days: int
    day_count: DayCount
    date_of_birth: Annotated[date | None, PII]
    guardian_ids: tuple[str, ...]


@registry.register
class AssessmentCompleted(Act):
    evaluation_id: str
    assessment_number: int
    area: Area
    evaluator_name: Annotated[str, PII]
    evaluator_role: EvaluatorRole
    instrument: str
    completed_on: date
    summary: Annotated[str, PII]


@registry.register
class EligibilityDetermined(Act):
    evaluation_id: str
    school_id: str
    eligible: bool
    categories: tuple[Category, ...]
    adverse_effect: bool
    needs_special_education: bool
    team: tuple[TeamMember, ...]
    parent_participated: bool
    determined_on: date
    rationale: Annotated[str, PII]
    section_504_referral: bool
    within_timeline: bool


@registry.register
class Section504ReferralMade(Act):
    """A child not eligible under IDEA was referred for a Section 504 plan (34 CFR 104.35)."""

    evaluation_id: str
    school_id: str
    referred_on: date
    categories: tuple[Category, ...]


@registry.register
class EvaluationDeadlineApproaching(Event):
    evaluation_id: str
    school_id: str
    due_on: date
    days_remaining: int


@registry.register
class EvaluationOverdue(Event):
    evaluation_id: str
    school_id: str
    due_on: date
