"""`iep audit verify`: the verification an operator schedules (a nightly job, say).

Prints the report as JSON and exits 1 when a chain is broken. The run is recorded among
the audit service's questions like any other, asked by the operating-system user.
"""

import asyncio
import getpass
import json
from typing import Annotated

import typer
from iep_kernel.auth import Principal
from iep_kernel.config import Settings
from iep_kernel.process import open_service

from iep_audit.api import NAME
from iep_audit.app import journal, verification

app = typer.Typer(help="The audit log for auditors", no_args_is_help=True)


@app.command()
def verify(
    student: Annotated[str | None, typer.Option(help="Only this student's streams")] = None,
    service: Annotated[str | None, typer.Option(help="Only this service's log")] = None,
) -> None:
    """Recompute every hash chain in scope and report where each broken chain breaks."""
    settings = Settings()

    async def main() -> bool:
        async with open_service(settings, NAME) as runtime:
            parameters = {k: v for k, v in (("student_id", student), ("service", service))
                          if v is not None}
            await journal.record(runtime.pool, Principal(subject=getpass.getuser(),
                                                         role="operator"),
                                 "verify_log", "iep audit verify", parameters, None)
            report = await verification.verify(runtime.pool, student_id=student,
                                               service=service)
        typer.echo(json.dumps(report.summary(), indent=2))
        return report.ok

    if not asyncio.run(main()):
        raise typer.Exit(1)
