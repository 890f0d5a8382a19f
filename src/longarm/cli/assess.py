"""`longarm assess`: one transaction, one determination."""

from __future__ import annotations

from typing import Annotated

import typer

from longarm import inputs, render
from longarm.cli._app import app, audit


@app.command()
def assess(
    file: Annotated[str, typer.Argument(help="Transaction as JSON or YAML; - for stdin")],
    as_json: Annotated[bool, typer.Option("--json", help="the Determination as one JSON object")] = False,
) -> None:
    """Decide one transaction: subject to the EAR? license required? exception? General Prohibition 10?"""
    from longarm.assess import assess as run

    tx = inputs.transaction(inputs.read_document(file), strict=True)
    d = run(tx)
    audit(
        "assess",
        tx.item.catalog_id or tx.item.name or tx.to_country,
        {"transaction": tx.model_dump(mode="json"), "outcome": d.outcome, "determination": d.model_dump(mode="json")},
    )
    if as_json:
        typer.echo(d.model_dump_json(indent=2))
    else:
        typer.echo(render.memo(d))
