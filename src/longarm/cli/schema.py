"""`longarm schema`: the JSON Schema of the input (Transaction) or the output (Determination)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from longarm.cli._app import app
from longarm.errors import InputError, Problem

SUBJECTS = ("transaction", "determination")


@app.command()
def schema(
    subject: Annotated[str, typer.Argument(help="transaction (the input) or determination (the output)")],
) -> None:
    """Print the JSON Schema of a Transaction or a Determination (generated from the models)."""
    from longarm.docs import json_schema

    if subject.lower() not in SUBJECTS:
        raise InputError(Problem("SUBJECT", f"{subject!r}: must be one of {', '.join(SUBJECTS)}"))
    typer.echo(json.dumps(json_schema(subject.lower()), ensure_ascii=False, indent=2))
