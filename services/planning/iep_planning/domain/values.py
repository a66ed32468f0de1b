"""The parts that events are made of: the team, the written plan, notices, disputes.

Immutable values, strict about unknown fields. Free text about the child, names and
addresses are personal (`PII`): sealed with the student's key at rest and on the topic.
"""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum
from typing import Annotated

from iep_kernel.events import PII
from pydantic import AfterValidator, BaseModel, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _local(value: time) -> time:
    if value.tzinfo is not None:
        raise PydanticCustomError(
            "local_time", "a meeting starts at the school's local time of day, written "
                          "without an offset, e.g. 09:30")
    return value


# A time of day at the school, as "09:30" or "09:30:00". JSON Schema's `time` format is
# RFC 3339's full-time, which needs an offset; a meeting's time has none, so the schema
# states the form sent and returned instead.
LocalTime = Annotated[time, AfterValidator(_local), WithJsonSchema({
    "type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
    "description": "The school's local time of day, HH:MM or HH:MM:SS, without an offset",
    "examples": ["09:30"]})]


class Guardian(Value):
    """A recorded guardian (from the referral) and the language of their notices."""

    guardian_id: str
    language: str  # a BCP 47 code, e.g. "es": every notice to them is in it (300.503(c))


class MeetingPurpose(StrEnum):
    INITIAL_PLAN = "initial_plan"
    ANNUAL_REVIEW = "annual_review"
    AMENDMENT = "amendment"
    REEVALUATION_REVIEW = "reevaluation_review"
    TRANSITION = "transition"
    RESOLUTION = "resolution"


class TeamRole(StrEnum):
    """The members of an IEP team (34 CFR 300.321(a)-(b)); one person may hold several."""

    PARENT = "parent"
    REGULAR_EDUCATION_TEACHER = "regular_education_teacher"
    SPECIAL_EDUCATION_TEACHER = "special_education_teacher"  # or provider, (a)(3)
    DISTRICT_REPRESENTATIVE = "district_representative"
    EVALUATION_INTERPRETER = "evaluation_interpreter"  # interprets the evaluation, (a)(5)
    RELATED_SERVICE_PROVIDER = "related_service_provider"
    STUDENT = "student"
    AGENCY_REPRESENTATIVE = "agency_representative"  # transition services, (b)(3)
    OTHER = "other"


class Member(Value):
    name: Annotated[str, PII]
    roles: tuple[TeamRole, ...]


class ContactMethod(StrEnum):
    """How the district tried to arrange the meeting with the parents (300.322(d)(1))."""

    PHONE_CALL = "phone_call"
    LETTER = "letter"
    EMAIL = "email"
    HOME_VISIT = "home_visit"
    OTHER = "other"


class ServiceType(StrEnum):
    """Special education (300.39) and the related services of 34 CFR 300.34."""

    SPECIALLY_DESIGNED_INSTRUCTION = "specially_designed_instruction"
    AUDIOLOGY = "audiology"
    COUNSELING = "counseling"
    EARLY_IDENTIFICATION_AND_ASSESSMENT = "early_identification_and_assessment"
    INTERPRETING = "interpreting"
    MEDICAL_SERVICES = "medical_services"
    OCCUPATIONAL_THERAPY = "occupational_therapy"
    ORIENTATION_AND_MOBILITY = "orientation_and_mobility"
    PARENT_COUNSELING_AND_TRAINING = "parent_counseling_and_training"
    PHYSICAL_THERAPY = "physical_therapy"
    PSYCHOLOGICAL_SERVICES = "psychological_services"
    RECREATION = "recreation"
    REHABILITATION_COUNSELING = "rehabilitation_counseling"
    SCHOOL_HEALTH_AND_NURSE_SERVICES = "school_health_and_nurse_services"
    SOCIAL_WORK = "social_work"
    SPEECH_LANGUAGE_PATHOLOGY = "speech_language_pathology"
    TRANSPORTATION = "transportation"


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class ProgressSchedule(StrEnum):
    """When progress reports go to the parents (300.320(a)(3)(ii))."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    WITH_REPORT_CARDS = "with_report_cards"
    TWICE_A_YEAR = "twice_a_year"


class PresentLevels(Value):
    """300.320(a)(1): present levels of academic achievement and functional performance."""

    academic_achievement: Annotated[str, PII]
    functional_performance: Annotated[str, PII]
    effect_on_general_curriculum: Annotated[str, PII]


class Goal(Value):
    """300.320(a)(2)-(3): a measurable annual goal, how it is measured, when it is reported."""

    area: str
    statement: Annotated[str, PII]
    baseline: Annotated[str, PII]
    target: Annotated[str, PII]
    measured_by: Annotated[str, PII]
    progress_reports: ProgressSchedule


class Service(Value):
    """300.320(a)(4), (7): a service with its provider, amount, location and duration."""

    service: ServiceType
    provider_role: str
    minutes: int
    frequency: Frequency
    location: str
    starts_on: date
    ends_on: date


class TimeOutsideRegularClass(Value):
    """300.320(a)(5): the extent the child will not take part with nondisabled children."""

    minutes_per_week: int
    explanation: Annotated[str, PII]


class Transition(Value):
    """300.320(b): postsecondary goals and the transition services to reach them."""

    postsecondary_goals: Annotated[tuple[str, ...], PII]
    services: Annotated[tuple[str, ...], PII]


class PlanContent(Value):
    """What a plan says. A part left `None` is not written yet (a draft may lack parts; a
    finalized plan may not); an empty list is the team's decision that none is needed."""

    present_levels: PresentLevels | None = None
    annual_goals: tuple[Goal, ...] | None = None
    services: tuple[Service, ...] | None = None
    supplementary_aids: Annotated[tuple[str, ...] | None, PII] = None
    program_modifications: Annotated[tuple[str, ...] | None, PII] = None
    time_outside_regular_class: TimeOutsideRegularClass | None = None
    testing_accommodations: Annotated[tuple[str, ...] | None, PII] = None
    transition: Transition | None = None
    # 300.320(c): the day the student was told their rights transfer at the age of majority.
    rights_transfer_informed_on: date | None = None

    def merged(self, changes: PlanContent) -> PlanContent:
        """This content with every part that `changes` writes replaced."""
        written = {name: getattr(changes, name) for name in type(changes).model_fields
                   if getattr(changes, name) is not None}
        return self.model_copy(update=written)


class NoticeAction(StrEnum):
    """What a prior written notice tells the parents the district will do (300.503(a))."""

    INITIATE_SERVICES = "initiate_services"  # the first plan: placement and services
    CHANGE_PLAN = "change_plan"  # a new plan or an amendment
    STOP_SERVICES = "stop_services"  # after the parent revoked consent (300.300(b)(4))


class OptionConsidered(Value):
    option: Annotated[str, PII]
    why_rejected: Annotated[str, PII]


class NoticeContent(Value):
    """What staff write into a prior written notice (300.503(b)(2), (3), (5)-(7)); the
    service adds the action, the safeguards statement and the guardian's language."""

    reasons: Annotated[str, PII]
    records_used: Annotated[tuple[str, ...], PII]
    options_considered: tuple[OptionConsidered, ...]
    sources_of_help: tuple[str, ...]
    other_factors: Annotated[str, PII] = ""


class WrittenAgreement(Value):
    """A guardian's signed agreement (the district agrees by recording it)."""

    guardian_id: str
    signed_on: date


class AmendmentMethod(StrEnum):
    """300.324(a)(4), (6): amended by the team at a meeting, or by written agreement."""

    TEAM_MEETING = "team_meeting"
    WRITTEN_AGREEMENT = "written_agreement"


class DisputeKind(StrEnum):
    TEAM_MEETING_REQUEST = "team_meeting_request"
    MEDIATION = "mediation"  # 300.506
    DUE_PROCESS_COMPLAINT = "due_process_complaint"  # 300.507-300.516
    STATE_COMPLAINT = "state_complaint"  # 300.151-300.153


class DisputeDeadline(StrEnum):
    RESPONSE = "response"  # 300.508(e)(1): 10 days
    RESOLUTION_MEETING = "resolution_meeting"  # 300.510(a)(1): 15 days
    HEARING_DECISION = "hearing_decision"  # 300.515(a): 45 days after the resolution period
    STATE_COMPLAINT_DECISION = "state_complaint_decision"  # 300.152(a): 60 days


class LimitException(StrEnum):
    """300.511(f): the two-year limit does not apply when the parent was kept from filing."""

    MISREPRESENTATION = "misrepresentation"
    INFORMATION_WITHHELD = "information_withheld"


class ComplaintParticulars(Value):
    """300.508(b)(1)-(3), 300.153(b)(4): the child, where the child lives, the school."""

    child_name: Annotated[str, PII]
    address: Annotated[str, PII]
    school: str


class DisputeEnding(StrEnum):
    TEAM_MEETING = "team_meeting"
    RESOLUTION_AGREEMENT = "resolution_agreement"  # 300.510(d)
    MEDIATION_AGREEMENT = "mediation_agreement"  # 300.506(b)(6)
    HEARING_DECISION = "hearing_decision"  # 300.515
    STATE_COMPLAINT_DECISION = "state_complaint_decision"  # 300.152
