"""`iep seed`: placeholder until the generator lands."""

import typer


def seed(students: int = typer.Option(100, "--students", help="How many students")) -> None:
    """Make a synthetic district with students at every stage."""
    raise typer.Exit(1)
