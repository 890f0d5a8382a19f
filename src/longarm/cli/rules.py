"""`longarm rules` and `longarm version`: what longarm applies."""

from __future__ import annotations

from typing import Annotated

import typer

from longarm import __version__
from longarm.cli._app import app


@app.command()
def rules(
    markdown: Annotated[bool, typer.Option("--markdown", help="the README table instead of the listing")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="every rule and its versions as JSON")] = False,
) -> None:
    """Every rule longarm applies: its citation and, per version, its dates, source and source quality."""
    from longarm.rules import registry

    if as_json:
        import json

        typer.echo(json.dumps(registry.as_json(), indent=2))
    elif markdown:
        typer.echo(registry.markdown(), nl=False)
    else:
        typer.echo(registry.text(), nl=False)


@app.command()
def version() -> None:
    """Print longarm's version."""
    typer.echo(__version__)
