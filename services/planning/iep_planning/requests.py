"""The request bodies of the planning API: strict about shape (422 with field messages),
each turned into domain values. Rules about the case's state live in the domain."""

from datetime import date
from typing import Annotated, Literal

from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError
from iep_kernel.auth import Principal
from iep_kernel.fields import Id, Line, Text
from iep_kernel.fields import Name as Short
from iep_kernel.fields import distinct as _distinct
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from iep_planning.domain.values import (
    AmendmentMethod,
    ComplaintParticulars,
    ContactMethod,
    DisputeKind,
    Frequency,
    LimitException,
    LocalTime,
    MeetingPurpose,
    Member,
    NoticeContent,
    OptionConsidered,
    PlanContent,
    ProgressSchedule,
    ServiceType,
    TeamRole,
    WrittenAgreement,
)

Note = Annotated[str, Field(max_length=5000)]
Lines = Annotated[list[Line], Field(max_length=50)]
SomeLines = Annotated[list[Line], Field(min_length=1, max_length=50)]
Minutes = Annotated[int, Field(ge=0, le=3000, description="Minutes per week")]


def invalid(field: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("body", field), "type": "value_error",
                                    "msg": message}])


def acting_guardian(principal: Principal, guardian_id: str | None) -> tuple[str, str | None]:
    """Whose signature this is, and on whose behalf staff record it (a paper form).

    A parent acts only as themselves; staff name the guardian who signed.
    """
    if principal.role == "parent":
        if guardian_id not in (None, principal.subject):
            raise HTTPException(403, "a parent may sign only for themselves")
        return principal.subject, None
    if guardian_id is None:
        raise invalid("guardian_id", "name the guardian who signed the form you are recording")
    return guardian_id, guardian_id


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- meetings ----------------------------------------------------------------------------

class MemberIn(Body):
    name: Short
    roles: Annotated[list[TeamRole], Field(min_length=1), AfterValidator(_distinct)]

    def value(self) -> Member:
        return Member(name=self.name, roles=tuple(self.roles))


Team = Annotated[list[MemberIn], Field(min_length=1, max_length=40)]


class MeetingRequest(Body):
    purposes: Annotated[list[MeetingPurpose], Field(min_length=1), AfterValidator(_distinct)]
    meeting_on: date
    starts_at: LocalTime
    location: Short = Field(description="Usually the child's school")
    invited: Team = Field(description="Who will attend besides the parents, with roles")


class RescheduleRequest(Body):
    meeting_on: date
    starts_at: LocalTime
    location: Short
    reason: Text


class ContactAttemptRequest(Body):
    attempted_on: date
    method: ContactMethod
    note: Note = ""


class ExcusalRequest(Body):
    role: TeamRole
    guardian_id: Id = Field(description="The guardian who agreed in writing")
    parent_agreed_on: date
    area_discussed: bool = Field(description="The member's area is discussed at the meeting")
    written_input_on: date | None = Field(None, description="When the member's written input "
                                                            "went to the parent and team")


class HeldRequest(Body):
    attendees: Team


# -- the plan ----------------------------------------------------------------------------

class PresentLevelsIn(Body):
    academic_achievement: Text
    functional_performance: Text
    effect_on_general_curriculum: Text


class GoalIn(Body):
    area: Short
    statement: Text
    baseline: Text
    target: Text
    measured_by: Text
    progress_reports: ProgressSchedule


class ServiceIn(Body):
    service: ServiceType
    provider_role: Short
    minutes: int = Field(gt=0, le=3000, description="Minutes each time")
    frequency: Frequency
    location: Short
    starts_on: date
    ends_on: date

    @field_validator("ends_on")
    @classmethod
    def _after_start(cls, value: date, info: ValidationInfo) -> date:
        starts = info.data.get("starts_on")
        if starts is not None and value < starts:
            raise PydanticCustomError("ends_before_start", "the service ends before it starts")
        return value


class TimeOutsideIn(Body):
    minutes_per_week: Minutes
    explanation: Note = ""


class TransitionIn(Body):
    postsecondary_goals: SomeLines
    services: Lines


class PlanContentIn(Body):
    """Every part is optional in a draft; a finalized plan has them all (a 409 names the
    parts it lacks). An empty list is the team's decision that none is needed."""

    present_levels: PresentLevelsIn | None = None
    annual_goals: Annotated[list[GoalIn], Field(max_length=40)] | None = None
    services: Annotated[list[ServiceIn], Field(max_length=40)] | None = None
    supplementary_aids: Lines | None = None
    program_modifications: Lines | None = None
    time_outside_regular_class: TimeOutsideIn | None = None
    testing_accommodations: Lines | None = None
    transition: TransitionIn | None = None
    rights_transfer_informed_on: date | None = None

    def value(self) -> PlanContent:
        return PlanContent.model_validate(self.model_dump(exclude_none=True))


class OptionIn(Body):
    option: Text
    why_rejected: Text

    def value(self) -> OptionConsidered:
        return OptionConsidered(option=self.option, why_rejected=self.why_rejected)


class NoticeIn(Body):
    """What staff write into the prior written notice (34 CFR 300.503(b)); the service adds
    the action, the safeguards statement and each guardian's language."""

    reasons: Text = Field(description="Why the district proposes this")
    records_used: SomeLines = Field(description="Each evaluation, record or report used")
    options_considered: Annotated[list[OptionIn], Field(min_length=1, max_length=20)]
    sources_of_help: SomeLines = Field(description="Where the parents can get help")
    other_factors: Note = ""

    def value(self) -> NoticeContent:
        return NoticeContent(reasons=self.reasons, records_used=tuple(self.records_used),
                             options_considered=tuple(o.value() for o in
                                                      self.options_considered),
                             sources_of_help=tuple(self.sources_of_help),
                             other_factors=self.other_factors)


class AgreementIn(Body):
    guardian_id: Id
    signed_on: date

    def value(self) -> WrittenAgreement:
        return WrittenAgreement(guardian_id=self.guardian_id, signed_on=self.signed_on)


def agreement(found: AgreementIn | None) -> WrittenAgreement | None:
    return None if found is None else found.value()


class DraftRequest(Body):
    content: PlanContentIn


class FinalizeRequest(Body):
    meeting_id: Id = Field(description="The held meeting at which the team wrote the plan")
    notice: NoticeIn
    stay_put_agreement: AgreementIn | None = Field(
        None, description="While a due process complaint is pending: the parent's written "
                          "agreement to a change of placement or services (300.518)")


class AmendmentRequest(Body):
    changes: PlanContentIn = Field(description="Only the parts that change")
    method: AmendmentMethod
    meeting_id: Id | None = Field(None, description="For an amendment by the team")
    agreement: AgreementIn | None = Field(None, description="For an amendment without a "
                                                            "meeting (300.324(a)(4))")
    notice: NoticeIn
    stay_put_agreement: AgreementIn | None = None


# -- consent and reevaluation ------------------------------------------------------------

class ConsentRequest(Body):
    decision: Literal["given", "refused"]
    guardian_id: Id | None = Field(None, description="Whose signature; a parent may leave it "
                                                     "out (their own)")
    signed_on: date


class RevocationRequest(Body):
    guardian_id: Id | None = None
    signed_on: date


class StopNoticeRequest(Body):
    notice: NoticeIn


class ReevaluationWaiverRequest(Body):
    guardian_id: Id = Field(description="The guardian who agreed in writing")
    agreed_on: date


# -- disputes ----------------------------------------------------------------------------

class ParticularsIn(Body):
    child_name: Short
    address: Text
    school: Short

    def value(self) -> ComplaintParticulars:
        return ComplaintParticulars(child_name=self.child_name, address=self.address,
                                    school=self.school)


class DisputeRequest(Body):
    kind: DisputeKind
    guardian_id: Id | None = Field(None, description="The guardian who files; a parent may "
                                                     "leave it out (their own)")
    filed_on: date | None = Field(None, description="When the district received it; default "
                                                    "today")
    problem: Text
    proposed_resolution: Text
    particulars: ParticularsIn | None = Field(None, description="Complaints: the child's "
                                              "name, address and school (300.508(b))")
    knew_on: date | None = Field(None, description="Due process: when the parent knew or "
                                                   "should have known (300.507(a)(2))")
    violation_on: date | None = Field(None, description="State complaint: when the violation "
                                                        "occurred (300.153(c))")
    limit_exception: LimitException | None = None
    covered_by_notice_id: Id | None = Field(
        None, description="Due process: the prior written notice already given on the "
                          "matter, so no response is due (300.508(e))")


class ResponseRequest(Body):
    explanation: Text = Field(description="Why the district proposed or refused the action")
    options_considered: Annotated[list[OptionIn], Field(min_length=1, max_length=20)]
    records_used: SomeLines
    other_factors: Note = ""


class ResolutionMeetingRequest(Body):
    held_on: date
    resolved: bool
    agreement_terms: Note = Field("", description="The signed settlement, when resolved")


class ResolutionWaiverRequest(Body):
    waived_on: date


class MediationAgreementRequest(Body):
    agreed_on: date
    terms: Text


class HearingDecisionRequest(Body):
    decided_on: date
    summary: Text


class StateComplaintDecisionRequest(Body):
    decided_on: date
    findings: Text


class TeamMeetingResolutionRequest(Body):
    resolved_on: date
    summary: Text


class WithdrawalRequest(Body):
    guardian_id: Id | None = None
    withdrawn_on: date | None = Field(None, description="Default today")
