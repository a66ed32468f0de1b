"""The referral service's events: the facts it publishes on `iep.referral.events`.

The field names of `ReferralMade`, `ConsentGiven`, `ConsentRefused` and `ReferralClosed` are
a published contract (the evaluation service reads them): fields may be added, never renamed
or dropped, and so are those of the student record's events (`StudentRegistered`,
`GuardianAdded`, `GuardianRemoved`, `StudentSchoolChanged`), from which every service takes
a student's school and guardians. Every event's `student_id` is the district student id.
Personal fields (names, date of birth, contact details, free text about the child) are
marked `PII`: they are sealed with the student's key at rest and on the topic.

An event recording an act in the world (a referral received, consent requested, a form
received, a referral closed, a guardian or school change) is an `Act`: it carries the date
the act happened (`occurred_on`) beside its own date field, and `late_entry_reason` when it
was recorded long after; the envelope's `recorded_at` says when it was recorded.
"""

from datetime import date
from typing import Annotated, Literal

from iep_kernel.events import PII, Act, Event, EventRegistry
from pydantic import BaseModel, ConfigDict

registry = EventRegistry("referral")

ReferrerRole = Literal["parent_or_guardian", "teacher", "healthcare_provider", "counselor",
                       "other"]
ConcernArea = Literal["behavior", "schoolwork", "adaptation", "coping", "attention"]
AssessmentArea = Literal["reading", "math", "speech", "language", "developmental", "hearing",
                         "vision", "motor", "behavior", "cognitive", "other"]
ConsentMethod = Literal["written", "electronic"]
CloseReason = Literal["district_declined", "withdrawn"]
NoticeAction = Literal["propose_initial_evaluation", "refuse_initial_evaluation"]


class Value(BaseModel):
    """A part of an event: immutable, and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Student(Value):
    district_student_id: str
    name: Annotated[str, PII]
    date_of_birth: Annotated[date, PII]
    grade: str
    school_id: str
    primary_language: str


class Guardian(Value):
    guardian_id: str
    name: Annotated[str, PII]
    email: Annotated[str | None, PII] = None
    phone: Annotated[str | None, PII] = None
    preferred_language: str


class Referrer(Value):
    name: Annotated[str, PII]
    role: ReferrerRole


class Concerns(Value):
    text: Annotated[str, PII]
    areas: tuple[ConcernArea, ...]


class ProposedAssessment(Value):
    area: AssessmentArea
    description: str


class OptionConsidered(Value):
    option: Annotated[str, PII]
    why_rejected: Annotated[str, PII]


@registry.register
class ReferralMade(Act):
    """Someone in the child's life referred the child for evaluation."""

    referral_id: str
    school_id: str
    student: Student
    guardians: tuple[Guardian, ...]
    referred_by: Referrer
    concerns: Concerns
    referred_on: date


@registry.register
class ProceduralSafeguardsNoticeGiven(Event):
    """A guardian was given the procedural safeguards notice (34 CFR 300.504)."""

    referral_id: str
    school_id: str
    guardian_id: str
    language: str
    given_on: date
    occasion: Literal["initial_referral"]


@registry.register
class EvaluationConsentRequested(Act):
    """The district proposed an initial evaluation and asked the guardians for consent."""

    referral_id: str
    school_id: str
    requested_on: date
    guardian_ids: tuple[str, ...]
    assessments_proposed: tuple[ProposedAssessment, ...]


@registry.register
class PriorWrittenNoticeIssued(Act):
    """Prior written notice to one guardian, in their language, with every element
    34 CFR 300.503(b) requires."""

    referral_id: str
    school_id: str
    notice_id: str
    guardian_id: str
    language: str
    issued_on: date
    action: NoticeAction
    action_description: str  # (b)(1) the action proposed or refused
    reasons: Annotated[str, PII]  # (b)(2) why
    records_used: Annotated[tuple[str, ...], PII]  # (b)(3) each evaluation, record, report
    assessments_proposed: tuple[ProposedAssessment, ...]  # 300.304(a): procedures proposed
    safeguards_statement: str  # (b)(4) protection under the safeguards, and a copy
    sources_of_help: tuple[str, ...]  # (b)(5)
    options_considered: tuple[OptionConsidered, ...]  # (b)(6) and why rejected
    other_factors: Annotated[str, PII]  # (b)(7)


@registry.register
class ConsentGiven(Act):
    """A guardian gave informed written consent to the initial evaluation (300.300(a))."""

    referral_id: str
    guardian_id: str
    signed_on: date
    method: ConsentMethod
    school_id: str
    received_on: date  # the district's 60 days run from receiving consent (300.301(c)):
    # the date of the act (`occurred_on`), on or after the signature


@registry.register
class ConsentRefused(Act):
    """A guardian refused consent to the initial evaluation (300.300(a)(3))."""

    referral_id: str
    guardian_id: str
    signed_on: date
    method: ConsentMethod
    school_id: str
    received_on: date


@registry.register
class ReferralClosed(Act):
    """The district declined to evaluate, or the referral was withdrawn."""

    referral_id: str
    reason: CloseReason
    school_id: str
    closed_on: date
    note: Annotated[str, PII] = ""


@registry.register
class StudentRegistered(Event):
    """The district recorded who a student is, the school they attend and their guardians:
    from the first referral of a child it did not know yet (`source` "referral"), or from
    its roster. The one source of a student's school and guardians: a later referral never
    changes them."""

    school_id: str
    student: Student
    guardians: tuple[Guardian, ...]
    registered_on: date
    source: Literal["referral", "roster"]
    referral_id: str | None = None  # the referral that made the student known, if one did


@registry.register
class GuardianAdded(Act):
    """The district recorded a new parent or guardian of a student (a district role's act,
    with the reason, e.g. a court order): from now on they read the child's record and
    receive the notices."""

    school_id: str
    guardian: Guardian
    added_on: date
    reason: Annotated[str, PII]


@registry.register
class GuardianRemoved(Act):
    """The district recorded that someone is no longer a parent or guardian of the student
    (a district role's act, with the reason): from now on they read nothing of the child."""

    school_id: str
    guardian_id: str
    removed_on: date
    reason: Annotated[str, PII]


@registry.register
class StudentSchoolChanged(Act):
    """The district recorded that the student attends another school: from now on the staff
    of that school serve the student, and those of the previous school no longer do."""

    school_id: str  # the school the student attends from now on
    previous_school_id: str
    changed_on: date
    reason: Annotated[str, PII] = ""


StudentRecordEvent = StudentRegistered | GuardianAdded | GuardianRemoved | StudentSchoolChanged
ConsentDecision = ConsentGiven | ConsentRefused
Notice = ProceduralSafeguardsNoticeGiven | PriorWrittenNoticeIssued
ReferralEvent = (ReferralMade | ProceduralSafeguardsNoticeGiven | EvaluationConsentRequested
                 | PriorWrittenNoticeIssued | ConsentGiven | ConsentRefused | ReferralClosed
                 | StudentRegistered | GuardianAdded | GuardianRemoved | StudentSchoolChanged)
