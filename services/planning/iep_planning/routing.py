"""What every planning route shares: who may act, the dependencies, and running one
command on one case within the caller's reach."""

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends
from fastapi.responses import JSONResponse
from iep_kernel.auth import Permissions, Principal
from iep_kernel.dates import Dated
from iep_kernel.fields import IdPath
from iep_kernel.http import commands_of, runtime_of
from iep_kernel.runtime import ServiceRuntime

from iep_planning.app import handling
from iep_planning.app.context import stream_of, today
from iep_planning.requests import ActBody

permit = Permissions("planning")
Runtime = Annotated[ServiceRuntime, Depends(runtime_of("planning"))]
if TYPE_CHECKING:  # the kernel builds these dependencies at run time
    from iep_kernel.access import AccessLog as AccessLog
    from iep_kernel.http import Commands as Commands
else:
    from iep_kernel.access import access_log_of

    Commands = commands_of("planning")
    AccessLog = access_log_of("planning")

CaseId = IdPath
ItemId = IdPath
READERS = ("parent", "teacher", "case_manager", "evaluator", "provider", "administrator",
           "auditor")
DISTRICT = ("case_manager", "administrator")  # act for the district on the case
WRITERS = ("teacher", "case_manager", "evaluator", "provider", "administrator")  # drafts


def dated(runtime: ServiceRuntime, body: ActBody) -> Dated:
    """The act's day as the request gives it, with the district's today and late-entry
    window, for the decider to check against the law's order of steps."""
    return body.dated(today(runtime), runtime.settings.late_entry_days)


async def run(commands: "Commands", runtime: ServiceRuntime, who: Principal, case_id: str,
              command: Any, *, status_code: int = 200, on_behalf_of: str | None = None
              ) -> JSONResponse:
    """Decide `command` on a case the caller may see (else 404) and answer with the case."""
    await handling.readable(runtime, who, case_id)
    return await commands.execute(
        handling.handler(runtime), stream_of(case_id), command, who,
        handling.renderer(runtime), status_code=status_code, on_behalf_of=on_behalf_of,
        project=handling.projector(runtime))
