"""The request bodies of the planning API: strict about shape (422 with field messages),
each turned into domain values. Rules about the case's state live in the domain."""

from datetime import date
from typing import Annotated, ClassVar, Literal

from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError
from iep_kernel.auth import Principal
from iep_kernel.dates import LATE_ENTRY_DAYS, Dated, DatedRequest
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


class ActBody(Body, DatedRequest):
    """A request recording an act in the world: `occurred_on` (default today) and, for an
    entry recorded long after the act, `late_entry_reason`. A request that already had its
    own field for the act's day (`held_on`, `filed_on`, ...) keeps it: either may be given,
    and both given must agree."""

    model_config = ConfigDict(extra="forbid")
    same_day: ClassVar[str | None] = None  # the request's own field for the act's day

    def dated(self, today: date, late_entry_days: int = LATE_ENTRY_DAYS) -> Dated:
        own = getattr(self, self.same_day) if self.same_day else None
        if own is not None and self.occurred_on is not None and own != self.occurred_on:
            raise invalid("occurred_on", f"occurred_on ({self.occurred_on}) and "
                                         f"{self.same_day} ({own}) both name the day of the "
                                         "act and differ; give one of them")
        return Dated(own or self.occurred_on or today, today, self.late_entry_reason,
                     late_entry_days)


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


class ContactAttemptRequest(ActBody):
    same_day = "attempted_on"
    attempted_on: date | None = Field(None, description="The day of the attempt (the same "
                                                        "as occurred_on; default today)")
    method: ContactMethod
    note: Note = ""


class ExcusalRequest(ActBody):
    same_day = "parent_agreed_on"
    role: TeamRole
    guardian_id: Id = Field(description="The guardian who agreed in writing")
    parent_agreed_on: date | None = Field(None, description="The day of the parent's written "
                                                            "agreement (the same as "
                                                            "occurred_on; default today)")
    area_discussed: bool = Field(description="The member's area is discussed at the meeting")
    written_input_on: date | None = Field(None, description="When the member's written input "
                                                            "went to the parent and team")


class HeldRequest(ActBody):
    """`occurred_on` is the day the meeting was held: on or after the day it is scheduled
    for, and it may be entered afterwards."""

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


class FinalizeRequest(ActBody):
    meeting_id: Id = Field(description="The held meeting at which the team wrote the plan")
    notice: NoticeIn
    stay_put_agreement: AgreementIn | None = Field(
        None, description="While a due process complaint is pending: the parent's written "
                          "agreement to a change of placement or services (300.518)")


class AmendmentRequest(ActBody):
    changes: PlanContentIn = Field(description="Only the parts that change")
    method: AmendmentMethod
    meeting_id: Id | None = Field(None, description="For an amendment by the team")
    agreement: AgreementIn | None = Field(None, description="For an amendment without a "
                                                            "meeting (300.324(a)(4))")
    notice: NoticeIn
    stay_put_agreement: AgreementIn | None = None


# -- consent and reevaluation ------------------------------------------------------------

class ConsentRequest(ActBody):
    """`occurred_on` is the day the district received the form (default today); the form
    is signed on or before it."""

    decision: Literal["given", "refused"]
    guardian_id: Id | None = Field(None, description="Whose signature; a parent may leave it "
                                                     "out (their own)")
    signed_on: date


class RevocationRequest(ActBody):
    """`occurred_on` is the day the district received the revocation (default today)."""

    guardian_id: Id | None = None
    signed_on: date


class StopNoticeRequest(ActBody):
    notice: NoticeIn


class ReevaluationWaiverRequest(ActBody):
    same_day = "agreed_on"
    guardian_id: Id = Field(description="The guardian who agreed in writing")
    agreed_on: date | None = Field(None, description="The day of the written agreement (the "
                                                     "same as occurred_on; default today)")


# -- disputes ----------------------------------------------------------------------------

class ParticularsIn(Body):
    child_name: Short
    address: Text
    school: Short

    def value(self) -> ComplaintParticulars:
        return ComplaintParticulars(child_name=self.child_name, address=self.address,
                                    school=self.school)


class DisputeRequest(ActBody):
    same_day = "filed_on"
    kind: DisputeKind
    guardian_id: Id | None = Field(None, description="The guardian who files; a parent may "
                                                     "leave it out (their own)")
    filed_on: date | None = Field(None, description="When the district received it (the same "
                                                    "as occurred_on; default today): its "
                                                    "deadlines run from it")
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


class ResponseRequest(ActBody):
    explanation: Text = Field(description="Why the district proposed or refused the action")
    options_considered: Annotated[list[OptionIn], Field(min_length=1, max_length=20)]
    records_used: SomeLines
    other_factors: Note = ""


class ResolutionMeetingRequest(ActBody):
    same_day = "held_on"
    held_on: date | None = None
    resolved: bool
    agreement_terms: Note = Field("", description="The signed settlement, when resolved")


class ResolutionWaiverRequest(ActBody):
    same_day = "waived_on"
    waived_on: date | None = None


class MediationAgreementRequest(ActBody):
    same_day = "agreed_on"
    agreed_on: date | None = None
    terms: Text


class HearingDecisionRequest(ActBody):
    same_day = "decided_on"
    decided_on: date | None = None
    summary: Text


class StateComplaintDecisionRequest(ActBody):
    same_day = "decided_on"
    decided_on: date | None = None
    findings: Text


class TeamMeetingResolutionRequest(ActBody):
    same_day = "resolved_on"
    resolved_on: date | None = None
    summary: Text


class WithdrawalRequest(ActBody):
    same_day = "withdrawn_on"
    guardian_id: Id | None = None
    withdrawn_on: date | None = Field(None, description="Default today")
