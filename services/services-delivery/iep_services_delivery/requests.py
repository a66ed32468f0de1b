"""The request bodies of the services-delivery API: strict about shape (422 with field
messages). Rules about the student's services live in the domain (409)."""

from datetime import date
from typing import Annotated

from iep_kernel.fields import Id, Text
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from iep_services_delivery.domain.values import MissedCause, SessionOutcome

Note = Annotated[str, Field(max_length=5000)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SessionRequest(Body):
    """A session as the provider logs it; send it again with `correction_reason` to
    correct the session already logged for that service and date."""

    schedule_id: Id
    session_on: date
    outcome: SessionOutcome
    minutes: Annotated[int | None, Field(
        ge=0, le=600, description="Minutes delivered, or missed; the session's scheduled "
                                  "minutes when left out")] = None
    cause: MissedCause | None = Field(None, description="Who caused a missed session",
                                      validate_default=True)
    note: Note = ""
    correction_reason: Text | None = None

    @field_validator("cause")
    @classmethod
    def _cause_only_when_missed(cls, cause: MissedCause | None, info: ValidationInfo
                                ) -> MissedCause | None:
        outcome = info.data.get("outcome")
        if outcome is SessionOutcome.MISSED and cause is None:
            raise PydanticCustomError(
                "cause_required", "say who caused the missed session: student_absent, "
                "provider_absent, school_closure or other")
        if outcome is SessionOutcome.DELIVERED and cause is not None:
            raise PydanticCustomError("cause_not_allowed",
                                      "a delivered session has no cause; leave cause out")
        return cause


class CompensatoryRequest(Body):
    schedule_id: Id
    delivered_on: date
    minutes: Annotated[int, Field(ge=1, le=600)]
    note: Note = ""


class ObservationRequest(Body):
    goal_id: Id
    observed_on: date
    value: Annotated[float, Field(allow_inf_nan=False, description="The measured value")]
    note: Note = ""


class IssueRequest(Body):
    report_id: Id | None = Field(None, description="The report to issue; the earliest due "
                                                   "when left out")
