"""The `iep` command: run the system, run one service's API or worker, migrate, operate."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

import typer

from iep_kernel.auth import DevIssuer, dev_key_file
from iep_kernel.clock_cli import clock
from iep_kernel.config import Settings
from iep_kernel.consumer import list_dead_letters, replay_dead_letter
from iep_kernel.logs import configure_logging
from iep_kernel.service import discover_services

app = typer.Typer(help="IEP Lifecycle Platform", no_args_is_help=True)
dead_letters = typer.Typer(help="Events a consumer could not handle", no_args_is_help=True)
app.add_typer(dead_letters, name="dead-letters")
keys = typer.Typer(help="The key vault of students' data keys", no_args_is_help=True)
app.add_typer(keys, name="keys")
app.add_typer(clock, name="clock")

ServiceOpt = Annotated[list[str] | None, typer.Option(
    "--service", "-s", help="A service name; repeat for several; default all")]


def _names(service: list[str] | None, settings: Settings) -> list[str]:
    if service:
        return service
    return [s for s in settings.services.split(",") if s]


def _run(main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass


@app.command()
def up(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port for every API and the web app")] = None,
) -> None:
    """Run every service in one process on the embedded PostgreSQL and broker."""
    from iep_kernel.embedded import run_embedded

    settings = Settings()
    if host:
        settings.http_host = host
    if port:
        settings.http_port = port
    configure_logging(settings.log_level)
    run_embedded(settings)


@app.command()
def api(service: ServiceOpt = None) -> None:
    """Serve the HTTP API of the given services (one per container in production)."""
    from iep_kernel.process import serve_api

    settings = Settings()
    settings.check_production()
    configure_logging(settings.log_level)
    _run(lambda: serve_api(settings, discover_services(_names(service, settings))))


@app.command()
def worker(service: ServiceOpt = None) -> None:
    """Run the relay, stream processors and deadline timers of the given services."""
    from iep_kernel.process import run_worker

    settings = Settings()
    settings.check_production()
    configure_logging(settings.log_level)
    _run(lambda: run_worker(settings, discover_services(_names(service, settings))))


@app.command()
def migrate(service: ServiceOpt = None) -> None:
    """Apply schema migrations (idempotent: applied versions are skipped)."""
    from iep_kernel.process import require_database
    from iep_kernel.runtime import migrate_services

    settings = Settings()
    configure_logging(settings.log_level)
    specs = discover_services(_names(service, settings))

    async def main() -> None:
        applied = await migrate_services(require_database(settings), specs,
                                         settings.schema_prefix, settings.keys_database_url)
        for name, versions in applied.items():
            typer.echo(f"{name}: {', '.join(versions) if versions else 'up to date'}")

    asyncio.run(main())


@app.command()
def token(
    sub: Annotated[str, typer.Option(help="The subject: a staff or guardian id")],
    role: Annotated[str, typer.Option(help="parent, teacher, case_manager, evaluator, "
                                           "provider, administrator or auditor")],
    school: Annotated[list[str] | None, typer.Option(help="A school id; repeat")] = None,
) -> None:
    """Print a token from the local dev issuer (embedded mode only) for trying the API."""
    settings = Settings()
    if settings.environment == "production":
        raise typer.BadParameter("the dev issuer does not exist in production")
    typer.echo(DevIssuer(dev_key_file(settings)).token(settings, sub, role, school or ()))


@app.command()
def rebuild(
    service: Annotated[str, typer.Option("--service", "-s", help="The service")],
    projection: Annotated[list[str] | None, typer.Option(
        help="A projection name; repeat; default all of the service's")] = None,
) -> None:
    """Drop a service's read models and replay them from the topics."""
    from iep_kernel.process import open_service, require_broker
    from iep_kernel.projection import rebuild as rebuild_projection

    settings = Settings()
    configure_logging(settings.log_level)

    async def main() -> None:
        async with open_service(settings, service) as runtime:
            chosen = [p for p in runtime.spec.projections
                      if not projection or p.name in projection]
            for item in chosen:
                report = await rebuild_projection(runtime.pool, item, require_broker(settings),
                                                  settings.topic_prefix, runtime.vault)
                typer.echo(json.dumps(report.__dict__))

    asyncio.run(main())


@app.command()
def permissions(service: ServiceOpt = None) -> None:
    """Print the permission table (route by role) as Markdown, as the README shows it."""
    from iep_kernel.permissions import render_markdown, table_of

    settings = Settings()
    typer.echo(render_markdown(table_of(discover_services(_names(service, settings)))))


@keys.command("rotate-master")
def rotate_master(
    new_key_env: Annotated[str, typer.Option(
        help="The environment variable holding the new master key (base64 of 32 bytes)")
    ] = "IEP_NEW_MASTER_KEY",
) -> None:
    """Wrap every student data key with a new master key; then set IEP_MASTER_KEY to it."""
    from iep_kernel.process import require_database
    from iep_kernel.runtime import open_vault
    from iep_kernel.vault import LocalMasterKey

    settings = Settings()
    new_key = os.environ.get(new_key_env)
    if not new_key:
        raise typer.BadParameter(f"set {new_key_env} to the new master key first")

    async def main() -> None:
        vault = await open_vault(settings, require_database(settings))
        try:
            count = await vault.rewrap(LocalMasterKey.from_base64(new_key))
        finally:
            await vault.pool.close()
        typer.echo(f"{count} data keys now wrapped by the new master key; set IEP_MASTER_KEY "
                   f"to it and restart every service")

    asyncio.run(main())


@dead_letters.command("list")
def list_letters(service: ServiceOpt = None) -> None:
    """List the dead letters of each service, newest last, as JSON lines."""
    from iep_kernel.process import require_database, service_pools

    settings = Settings()

    async def main() -> None:
        async with service_pools(require_database(settings), settings,
                                 discover_services(_names(service, settings))) as pools:
            for name, pool in pools.items():
                for letter in await list_dead_letters(pool):
                    typer.echo(json.dumps({"service": name, **letter.__dict__}, default=str))

    asyncio.run(main())


@dead_letters.command("replay")
def replay(
    service: Annotated[str, typer.Option("--service", "-s", help="The consumer's service")],
    letter_id: Annotated[int, typer.Argument(help="The dead letter's id")],
) -> None:
    """Run a dead letter through its consumer again (after the cause is fixed)."""
    from iep_kernel.process import open_service
    from iep_kernel.runtime import handlers_of

    settings = Settings()

    async def main() -> None:
        async with open_service(settings, service) as runtime:
            outcome = await replay_dead_letter(runtime.pool, letter_id, handlers_of(runtime),
                                               runtime.vault)
            typer.echo(outcome.value)

    asyncio.run(main())


def _add_service_commands() -> None:
    """Services add their own commands (a typer.Typer, or a function) under `iep.commands`."""
    from importlib.metadata import entry_points

    for entry in entry_points(group="iep.commands"):
        command = entry.load()
        if isinstance(command, typer.Typer):
            app.add_typer(command, name=entry.name)
        else:
            app.command(name=entry.name)(command)


def main() -> None:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    _add_service_commands()
    app()
