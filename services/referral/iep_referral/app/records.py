"""Records destruction: record `StudentRecordsDestroyed`, then destroy the student's keys.

Every service's worker destroys them again on receiving the event (the kernel's
destruction handler), so a crash between the two steps still ends with no key left.
"""

from datetime import date

from iep_kernel.decider import CommandResult, NotFound
from iep_kernel.runtime import ServiceRuntime
from pydantic import BaseModel, Field

from iep_referral.domain.records import Destructions


def records_stream(student_id: str) -> str:
    return f"records-{student_id}"


async def guardians_of(runtime: ServiceRuntime, student_id: str) -> frozenset[str]:
    ids = await runtime.pool.fetchval(
        "SELECT guardian_ids FROM students WHERE student_id = $1", student_id)
    if ids is None:
        raise NotFound("no such student")
    return frozenset(ids)


class DestructionRequest(BaseModel):
    requested_by: str = Field(min_length=1, max_length=100,
                              description="The guardian id of the parent who asked")
    requested_on: date = Field(description="When the parent asked for the destruction")
    parent_informed_on: date = Field(
        description="When the district told the parent the information is no longer needed")


class DestructionSummary(BaseModel):
    student_id: str
    destroyed: bool = True


def destruction_summary(result: CommandResult[Destructions]) -> DestructionSummary:
    return DestructionSummary(student_id=result.stream_id.removeprefix("records-"))
