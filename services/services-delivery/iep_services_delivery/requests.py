"""The request bodies of the services-delivery API: strict about shape (422 with field
messages). Rules about the student's services live in the domain (409).

Every request recording an act takes the uniform `occurred_on` (default: the district's
today) and, for an entry long after the act, `late_entry_reason`. A request that already
had its own field for that day (`session_on`, `delivered_on`, `observed_on`) keeps it; the
two may both be sent only naming the same day.
"""

from datetime import date
from typing import Annotated

from fastapi.exceptions import RequestValidationError
from iep_kernel.dates import Dated, DatedRequest
from iep_kernel.fields import Id, Text
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from iep_services_delivery.domain.values import MissedCause, SessionOutcome

Note = Annotated[str, Field(max_length=5000)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActBody(Body, DatedRequest):
    """A request recording an act: `occurred_on` and `late_entry_reason`."""

    def dated_on(self, own: date | None, own_name: str, today: date,
                 late_entry_days: int) -> Dated:
        """The act's `Dated` from `occurred_on` or the request's own field for the same day;
        both naming different days is a 422 naming `occurred_on` (which day was meant?)."""
        if own is not None and self.occurred_on is not None and own != self.occurred_on:
            raise RequestValidationError([{
                "loc": ("body", "occurred_on"), "type": "value_error",
                "msg": f"occurred_on ({self.occurred_on}) and {own_name} ({own}) name different "
                       f"days; send one of them, or both with the same day"}])
        return Dated(self.occurred_on or own or today, today, self.late_entry_reason,
                     late_entry_days)


class SessionRequest(ActBody):
    """A session as the provider logs it; send it again with `correction_reason` to
    correct the session already logged for that service and date."""

    schedule_id: Id
    session_on: date | None = Field(None, description="The session's day, the same as "
                                                      "occurred_on (default: today)")
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


class CompensatoryRequest(ActBody):
    schedule_id: Id
    delivered_on: date | None = Field(None, description="The day the minutes were made up, "
                                                        "the same as occurred_on")
    minutes: Annotated[int, Field(ge=1, le=600)]
    note: Note = ""


class ObservationRequest(ActBody):
    goal_id: Id
    observed_on: date | None = Field(None, description="The day of the measurement, the "
                                                       "same as occurred_on")
    value: Annotated[float, Field(allow_inf_nan=False, description="The measured value")]
    note: Note = ""


class IssueRequest(ActBody):
    """`occurred_on`: the day the report went to the parents."""

    report_id: Id | None = Field(None, description="The report to issue; the earliest due "
                                                   "when left out")
