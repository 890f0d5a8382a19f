"""Screening commands: `screen` (one name, or a customer master file) and `match`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from longarm.cli._app import app, audit, country_option, emit
from longarm.errors import InputError, Problem

TYPE_HELP = "person | organization | vessel | any (default any): narrows the entries and tunes matching"


@app.command()
def screen(
    name: Annotated[Optional[str], typer.Argument(help="party name, any script")] = None,
    country: Annotated[Optional[str], typer.Option("--country", help="ISO 3166-1 alpha-2")] = None,
    type: Annotated[Optional[str], typer.Option("--type", help=TYPE_HELP)] = None,
    file: Annotated[
        Optional[Path], typer.Option("--file", help="CSV with columns name, optional country and type")
    ] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="with --file: write the JSON lines here")] = None,
    foreign: Annotated[
        bool, typer.Option("--foreign", help="also search China's lists (informational; `foreign_matches`)")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Matches of one name (or of every name in --file) against the restricted-party lists in service, best first."""
    from longarm.screening import service

    if file is not None:
        if name or country or type:
            raise InputError(Problem("--file", "give either a NAME (with --country/--type) or --file, not both"))
        results = service.screen_file(file, out)
        audit("screen", str(file), {"file": str(file), "names": len(results), "out": str(out) if out else None})
        if out is None:
            typer.echo(service.jsonl(results), nl=False)
        return
    if out is not None:
        raise InputError(Problem("--out", "only with --file"))
    if name is None:
        raise InputError(Problem("NAME", "give a name (or --file NAMES.csv)"))
    result = service.screen_name(name, country_option(country), type)
    if foreign:
        from longarm import foreign_law

        result["foreign_matches"] = foreign_law.screen(name)
    audit("screen", name, result)
    if as_json:
        emit(result)
        return
    typer.echo(f"{result['query']!r} against {result['lists_version']}: {len(result['matches'])} match(es)")
    for m in result["matches"]:
        typer.echo(
            f"  {m['score']:.2f}  {m['list']}: {m['matched_name']}"
            + (f" [{m['entity_number']}]" if m["entity_number"] else "")
        )
        if m["license_requirement"]:
            typer.echo(f"        license requirement: {m['license_requirement']}; policy: {m['license_policy']}")
        typer.echo(f"        why: {m['explanation']}")
    for m in result.get("foreign_matches", []):
        typer.echo(
            f"  {m['score']:.2f}  {m['jurisdiction']} {m['list']} (informational): {m['matched_name']}"
            f" — {m['status']} on {m['as_of_source']}; {m['citation']}"
        )


@app.command()
def match(
    name_a: Annotated[Optional[str], typer.Argument(help="first name (the query)")] = None,
    name_b: Annotated[Optional[str], typer.Argument(help="second name (as listed)")] = None,
    pairs: Annotated[
        Optional[Path], typer.Option("--pairs", help="CSV with columns name1,name2 and optionally type")
    ] = None,
    type: Annotated[Optional[str], typer.Option("--type", help=TYPE_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """How alike two party names are: score 0..1, match true/false, and why."""
    from longarm.screening import service

    if pairs is not None:
        if name_a or name_b or type:
            raise InputError(Problem("--pairs", "give either two names or --pairs (with a type column), not both"))
        results = service.match_pairs(pairs)
        if as_json:
            emit(results)
        else:
            for r in results:
                typer.echo(f"{r['score']:.2f} {'MATCH' if r['match'] else 'no   '} {r['name1']} | {r['name2']}")
        return
    if not name_a or not name_b:
        raise InputError(Problem("NAME_A NAME_B", "give two names (or --pairs FILE.csv)"))
    result = service.match_names(name_a, name_b, type)
    if as_json:
        emit(result)
    else:
        typer.echo(
            f"score {result['score']:.2f}: {'match' if result['match'] else 'no match'}\n  {result['explanation']}"
        )
