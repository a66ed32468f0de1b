"""The request bodies of the referral API: strict about shape (422 with field messages),
each turned into a domain command. Rules about the referral's state live in the domain.

Every body recording an act takes `occurred_on` (the day it happened, default the
district's today) and `late_entry_reason` (`DatedRequest`); each command is made with the
district's today and late-entry window, and the decider checks the dates."""

from datetime import date
from typing import Annotated, Literal

from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError
from iep_kernel.auth import Principal
from iep_kernel.dates import Dated, DatedRequest
from iep_kernel.fields import Id, Line, Name, Text
from iep_kernel.fields import distinct as _distinct
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from iep_referral.domain.commands import (
    CloseReferral,
    MakeReferral,
    NoticeContent,
    RecordConsent,
    RequestConsent,
)
from iep_referral.domain.events import (
    AssessmentArea,
    CloseReason,
    ConcernArea,
    Concerns,
    ConsentMethod,
    Guardian,
    OptionConsidered,
    ProposedAssessment,
    Referrer,
    ReferrerRole,
    Student,
)
from iep_referral.domain.students import AddGuardian, ChangeSchool, RemoveGuardian

Language = Annotated[str, Field(
    pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", examples=["en", "es", "zh-Hant"],
    description="A language code (BCP 47), e.g. en, es, vi, zh-Hant")]
Email = Annotated[str, Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Phone = Annotated[str, Field(pattern=r"^\+?[0-9 ().-]{7,25}$")]
Grade = Literal["PK", "TK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11",
                "12", "post_secondary"]
Lines = Annotated[list[Line],
                  Field(min_length=1, max_length=50)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StudentIn(Body):
    district_student_id: Id
    name: Name
    date_of_birth: date
    grade: Grade
    school_id: Id
    primary_language: Language


class GuardianIn(Body):
    guardian_id: Id = Field(description="The guardian's id with the district's sign-in")
    name: Name
    email: Email | None = None
    phone: Phone | None = None
    preferred_language: Language


class ReferrerIn(Body):
    name: Name
    role: ReferrerRole


class ConcernsIn(Body):
    text: Text
    areas: Annotated[list[ConcernArea], Field(min_length=1), AfterValidator(_distinct)]


class ReferralRequest(Body, DatedRequest):
    student: StudentIn
    guardians: Annotated[list[GuardianIn], Field(
        max_length=6, description="The parents or guardians: required for a student the "
        "district does not know yet; for a known student leave them out (the recorded ones "
        "are used) or name only recorded ones")] = []
    referred_by: ReferrerIn
    concerns: ConcernsIn
    referred_on: date | None = Field(None, description="The day the referral was received "
                                     "(the same as occurred_on; default: today)")

    @field_validator("guardians")
    @classmethod
    def _guardians_distinct(cls, guardians: list[GuardianIn]) -> list[GuardianIn]:
        ids = [g.guardian_id for g in guardians]
        if len(set(ids)) != len(ids):
            raise PydanticCustomError("duplicate_guardian", "each guardian is listed once: "
                                      "two have the same guardian_id")
        return guardians

    def command(self, referral_id: str, today: date, late_entry_days: int) -> MakeReferral:
        if self.occurred_on and self.referred_on and self.occurred_on != self.referred_on:
            raise invalid("occurred_on", "occurred_on and referred_on both name the day the "
                                         "referral was received, and they differ: give one")
        referred_on = self.occurred_on or self.referred_on or today
        return MakeReferral(
            referral_id=referral_id, student=Student(**self.student.model_dump()),
            guardians=tuple(Guardian(**g.model_dump()) for g in self.guardians),
            referred_by=Referrer(**self.referred_by.model_dump()),
            concerns=Concerns(text=self.concerns.text, areas=tuple(self.concerns.areas)),
            dated=Dated(referred_on, today, self.late_entry_reason, late_entry_days))


class GuardianAdditionRequest(Body, DatedRequest):
    guardian: GuardianIn
    reason: Text = Field(description="Why the district records this guardian, e.g. a court "
                                     "order, an adoption, a surrogate parent appointed")

    def command(self, student_id: str, today: date, late_entry_days: int) -> AddGuardian:
        return AddGuardian(student_id, Guardian(**self.guardian.model_dump()), self.reason,
                           self.dated(today, late_entry_days))


class GuardianRemovalRequest(Body, DatedRequest):
    reason: Text = Field(description="Why this person is no longer a guardian, e.g. a court "
                                     "order ending their rights")

    def command(self, student_id: str, guardian_id: str, today: date, late_entry_days: int
                ) -> RemoveGuardian:
        return RemoveGuardian(student_id, guardian_id, self.reason,
                              self.dated(today, late_entry_days))


class SchoolChangeRequest(Body, DatedRequest):
    school_id: Id = Field(description="The school the student attends from now on")
    reason: Annotated[str, Field(max_length=5000)] = ""

    def command(self, student_id: str, today: date, late_entry_days: int) -> ChangeSchool:
        return ChangeSchool(student_id, self.school_id, self.reason,
                            self.dated(today, late_entry_days))


class AssessmentIn(Body):
    area: AssessmentArea
    description: Text


class OptionIn(Body):
    option: Text
    why_rejected: Text


class NoticeIn(Body):
    """What staff write in the prior written notice (34 CFR 300.503(b)); the service adds
    the action, the safeguards statement and the guardian's language."""

    reasons: Text = Field(description="Why the district proposes or refuses the evaluation")
    records_used: Lines = Field(description="Each evaluation, record or report used")
    options_considered: Annotated[list[OptionIn], Field(min_length=1, max_length=20)]
    sources_of_help: Lines = Field(description="Where the parents can get help")
    other_factors: Annotated[str, Field(max_length=5000)] = ""

    def content(self) -> NoticeContent:
        return NoticeContent(
            reasons=self.reasons, records_used=tuple(self.records_used),
            options_considered=tuple(OptionConsidered(**o.model_dump())
                                     for o in self.options_considered),
            sources_of_help=tuple(self.sources_of_help), other_factors=self.other_factors)


class ConsentRequestRequest(NoticeIn, DatedRequest):
    assessments_proposed: Annotated[list[AssessmentIn], Field(min_length=1, max_length=20)]

    def command(self, today: date, late_entry_days: int) -> RequestConsent:
        return RequestConsent(
            assessments_proposed=tuple(ProposedAssessment(**a.model_dump())
                                       for a in self.assessments_proposed),
            notice=self.content(), dated=self.dated(today, late_entry_days))


class ConsentRequest(Body, DatedRequest):
    """`occurred_on` is the day the district received the signed form: the 60 days of
    300.301(c) run from it."""

    decision: Literal["given", "refused"]
    guardian_id: Id | None = Field(None, description="Whose decision; a parent may leave it "
                                                     "out (their own)")
    signed_on: date
    method: ConsentMethod | None = Field(None, description="Default: electronic when the "
                                         "parent records it, written when staff do")

    def command(self, principal: Principal, today: date, late_entry_days: int
                ) -> tuple[RecordConsent, str | None]:
        """The command, and on whose behalf staff act when they record a paper form."""
        dated = self.dated(today, late_entry_days)
        if principal.role == "parent":
            if self.occurred_on not in (None, today) or self.late_entry_reason is not None:
                # A decision a parent records here reaches the district as it is recorded.
                raise invalid("occurred_on", "a decision you record here yourself is received "
                                             "today; leave occurred_on and late_entry_reason "
                                             "out")
            if self.guardian_id not in (None, principal.subject):
                raise HTTPException(403, "a parent may record only their own decision")
            if self.method == "written":
                raise invalid("method", "a decision you record here yourself is electronic; "
                                        "hand a paper form to the school instead")
            return RecordConsent(self.decision, principal.subject, self.signed_on,
                                 "electronic", dated), None
        if self.guardian_id is None:
            raise invalid("guardian_id", "name the guardian whose signed form you are "
                                         "recording")
        return RecordConsent(self.decision, self.guardian_id, self.signed_on,
                             self.method or "written", dated), self.guardian_id


class CloseRequest(Body, DatedRequest):
    reason: CloseReason
    note: Annotated[str, Field(max_length=5000)] = ""
    notice: NoticeIn | None = Field(None, validate_default=True,
                                    description="Prior written notice of the refusal; "
                                    "required when the district declines")

    @field_validator("notice")
    @classmethod
    def _notice_when_declined(cls, notice: NoticeIn | None, info: ValidationInfo
                              ) -> NoticeIn | None:
        reason = info.data.get("reason")
        if reason == "district_declined" and notice is None:
            raise PydanticCustomError("notice_required", "a district that declines to "
                                      "evaluate gives the guardians prior written notice of "
                                      "its refusal: include it")
        if reason == "withdrawn" and notice is not None:
            raise PydanticCustomError("notice_not_needed", "a withdrawn referral needs no "
                                      "prior written notice: leave it out")
        return notice

    def command(self, today: date, late_entry_days: int) -> CloseReferral:
        return CloseReferral(reason=self.reason, note=self.note,
                             notice=self.notice.content() if self.notice else None,
                             dated=self.dated(today, late_entry_days))


def invalid(field: str, message: str) -> RequestValidationError:
    """A 422 naming one field of the body, as the kernel's validation errors do."""
    return RequestValidationError([{"loc": ("body", field), "type": "value_error",
                                    "msg": message}])
