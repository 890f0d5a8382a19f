"""`longarm rules` and `longarm version`: what longarm applies."""

from __future__ import annotations

from typing import Annotated

import typer

from longarm import __version__
from longarm.cli._app import app


@app.command()
def rules(markdown: Annotated[bool, typer.Option("--markdown", help="the README section")] = True) -> None:
    """Every rule longarm applies, with its citation, dates and source."""
    from longarm.rules.registry import markdown as table

    typer.echo(table(), nl=False)


@app.command()
def version() -> None:
    """Print longarm's version."""
    typer.echo(__version__)
