"""What every notifications route shares: who may act, and the dependencies."""

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends
from iep_kernel.auth import Permissions
from iep_kernel.decider import CommandHandler
from iep_kernel.fields import IdPath
from iep_kernel.http import runtime_of
from iep_kernel.runtime import ServiceRuntime

from iep_notifications.domain import decider

permit = Permissions("notifications")
Runtime = Annotated[ServiceRuntime, Depends(runtime_of("notifications"))]
if TYPE_CHECKING:  # the kernel builds these dependencies at run time
    from iep_kernel.access import AccessLog as AccessLog
    from iep_kernel.http import Commands as Commands
else:
    from iep_kernel.access import access_log_of
    from iep_kernel.http import commands_of

    Commands = commands_of("notifications")
    AccessLog = access_log_of("notifications")

Id = IdPath
READERS = ("parent", "teacher", "case_manager", "evaluator", "provider", "administrator",
           "auditor")
OFFICE = ("case_manager", "administrator")  # print and mail paper notices, act for parents


def notices(runtime: ServiceRuntime) -> CommandHandler[Any, Any]:
    return CommandHandler(runtime.store, decider.notice)


def preferences(runtime: ServiceRuntime) -> CommandHandler[Any, Any]:
    return CommandHandler(runtime.store, decider.preference)


def case_managers(runtime: ServiceRuntime) -> CommandHandler[Any, Any]:
    return CommandHandler(runtime.store, decider.case_manager)
