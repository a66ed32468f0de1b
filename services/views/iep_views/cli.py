"""`iep views ...`: the views' own commands."""

import asyncio
import json

import typer
from iep_kernel.config import Settings
from iep_kernel.logs import configure_logging

views = typer.Typer(help="The staff and parent views", no_args_is_help=True)


@views.command()
def rebuild(workers: int = typer.Option(
        0, min=0, help="Processes replaying side by side (0: one per CPU)")) -> None:
    """Replay the views from the topics into new tables and swap them in (one transaction)."""
    from iep_kernel.process import open_service, require_broker

    from iep_views.app.projection import rebuild_cases

    settings = Settings()
    configure_logging(settings.log_level)

    async def main() -> None:
        async with open_service(settings, "views") as runtime:
            require_broker(settings)
            report = await rebuild_cases(runtime, workers or None)
        typer.echo(json.dumps(report.__dict__))

    asyncio.run(main())


@views.command("status")
def status() -> None:
    """How far the views have applied each source service."""
    from iep_kernel.process import open_service

    from iep_views.app.freshness import applied
    from iep_views.app.projection import CASES

    settings = Settings()

    async def main() -> None:
        async with open_service(settings, "views") as runtime:
            typer.echo(json.dumps(await applied(runtime.pool, CASES.sources)))

    asyncio.run(main())
