"""A tiny service for exercising the kernel and for reading as a template: a counter per
student, capped at a limit, with a personal note, a recorded read, and the usual rules."""


import uuid
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from iep_kernel.access import AccessLog as AccessRecorder
from iep_kernel.access import access_log_of, access_router
from iep_kernel.auth import Permissions, Principal
from iep_kernel.decider import CommandHandler, CommandResult, Decider, IllegalTransition, NotFound
from iep_kernel.events import PII, Event, EventRegistry
from iep_kernel.fields import Id, IdPath
from iep_kernel.http import COMMAND_RESPONSES, commands_of, runtime_of
from iep_kernel.http import Commands as CommandRunner
from iep_kernel.runtime import ServiceRuntime
from iep_kernel.service import ServiceSpec

registry = EventRegistry("sample")


@registry.register
class CounterOpened(Event):
    label: str
    note: Annotated[str, PII] = ""


@registry.register
class CounterIncremented(Event):
    schema_version = 2
    by: int
    reason: str


@registry.upcaster("CounterIncremented", from_version=1)
def _reason_added(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "reason": "not recorded"}


@dataclass(frozen=True)
class Counter:
    student_id: str = ""
    total: int = 0
    opened: bool = False
    note: str = ""


@dataclass(frozen=True)
class OpenCounter:
    student_id: str
    label: str
    note: str = ""


@dataclass(frozen=True)
class Increment:
    by: int
    reason: str


LIMIT = 10


def decide(command: OpenCounter | Increment, state: Counter) -> list[Event]:
    if isinstance(command, OpenCounter):
        return [CounterOpened(student_id=command.student_id, label=command.label,
                              note=command.note)]
    if not state.opened:
        raise NotFound("no such counter")
    if state.total + command.by > LIMIT:
        raise IllegalTransition(
            f"the counter is at {state.total} and may not pass {LIMIT}; "
            f"add at most {LIMIT - state.total}")
    return [CounterIncremented(student_id=state.student_id, by=command.by,
                               reason=command.reason)]


def evolve(state: Counter, event: Event) -> Counter:
    if isinstance(event, CounterOpened):
        return Counter(student_id=event.student_id, opened=True, note=event.note)
    if isinstance(event, CounterIncremented):
        return replace(state, total=state.total + event.by)
    return state


counter = Decider(Counter, evolve, decide)
permit = Permissions("sample")
Runtime = Annotated[ServiceRuntime, Depends(runtime_of("sample"))]
if TYPE_CHECKING:  # the dependency factories are typed Any; name what they give
    Commands = CommandRunner
    AccessLog = AccessRecorder
else:
    Commands = commands_of("sample")
    AccessLog = access_log_of("sample")
router = APIRouter(prefix="/api/sample", tags=["sample"], responses=COMMAND_RESPONSES)


class OpenRequest(BaseModel):
    student_id: Id
    label: str = Field(min_length=1, max_length=20)
    note: str = ""


class IncrementRequest(BaseModel):
    by: int = Field(gt=0)
    reason: str


class CounterView(BaseModel):
    counter_id: str
    total: int
    note: str = ""
    position: int = 0


def view(result: CommandResult[Counter]) -> CounterView:
    return CounterView(counter_id=result.stream_id.removeprefix("counter-"),
                       total=result.state.total, note=result.state.note)


@router.post("/counters", status_code=201)
async def open_counter(body: OpenRequest, commands: Commands, runtime: Runtime,
                       who: Annotated[Principal, permit("open_counter", "case_manager")],
                       ) -> CounterView:
    """Open a counter."""
    stream = f"counter-{uuid.uuid4()}"
    return await commands.execute(CommandHandler(runtime.store, counter), stream,
                                  OpenCounter(body.student_id, body.label, body.note), who, view,
                                  status_code=201)  # type: ignore[return-value]


@router.post("/counters/{counter_id}/increments")
async def increment(counter_id: IdPath, body: IncrementRequest, commands: Commands,
                    runtime: Runtime,
                    who: Annotated[Principal, permit("increment", "case_manager", "teacher")],
                    ) -> CounterView:
    """Add to a counter."""
    return await commands.execute(CommandHandler(runtime.store, counter),
                                  f"counter-{counter_id}", Increment(body.by, body.reason), who,
                                  view)  # type: ignore[return-value]


@router.get("/counters/{counter_id}")
async def read_counter(counter_id: IdPath, runtime: Runtime, access: AccessLog,
                       who: Annotated[Principal, permit("read_counter", "case_manager",
                                                        "parent", "auditor")]) -> CounterView:
    """Read a counter (the read is recorded in the record of access)."""
    access.require_purpose(who)
    state, _ = await CommandHandler(runtime.store, counter).load(f"counter-{counter_id}")
    if not state.opened:
        raise NotFound("no such counter")
    await access.record(who, state.student_id, f"counter/{counter_id}")
    return CounterView(counter_id=counter_id, total=state.total, note=state.note)


async def is_guardian(runtime: ServiceRuntime, subject: str, student_id: str) -> bool:
    return subject == f"guardian-of-{student_id}"


router.include_router(access_router("sample", is_guardian))
service = ServiceSpec(name="sample", registry=registry, router=router)
