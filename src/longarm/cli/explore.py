"""Policy explorer commands: `diff`, `whatif`, `timeline`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from longarm import inputs
from longarm.cli._app import app, as_of_option, emit
from longarm.errors import InputError, Problem

POSTURE_HELP = "text (the CFR text in force) | enforced (as BIS announced it enforces it)"


def _posture(value: str) -> str:
    if value not in ("text", "enforced"):
        raise InputError(Problem("--posture", f"{value!r}: must be text or enforced"))
    return value


def _short(status: Any, width: int = 60) -> str:
    text = str(status)
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command()
def diff(
    date_a: Annotated[str, typer.Argument(metavar="DATE_A", help="YYYY-MM-DD")],
    date_b: Annotated[str, typer.Argument(metavar="DATE_B", help="YYYY-MM-DD")],
    posture: Annotated[str, typer.Option("--posture", help=POSTURE_HELP)] = "text",
    chips: Annotated[bool, typer.Option("--chips/--no-chips", help="compare the catalogue too")] = True,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """What changed between two dates: rule versions, thresholds, Country Groups, list entries,
    exceptions, guidance, enforcement posture (each with its source), and the catalogue chips whose
    ECCN or license status at a representative destination changed."""
    from longarm.policy.diff import diff as run

    a, b = inputs.parse_date(date_a, "DATE_A"), inputs.parse_date(date_b, "DATE_B")
    result = run(a, b, _posture(posture), chips)
    if as_json:
        emit(result)
        return
    typer.echo(f"changes from {result['from']} to {result['to']}: {len(result['changes'])}")
    listed: dict[tuple[str, str, str], list[str]] = {}
    for c in result["changes"]:
        if c["key"] == "Entity List":  # often hundreds: one line per Federal Register action
            listed.setdefault((c["before"], c["after"], c["source"]), []).append(c["name"])
            continue
        what = c["key"] + (f" {c['country']}" if "country" in c else "") + (f" {c['name']!r}" if "name" in c else "")
        area = f" [{c['area']}]" if "area" in c else ""
        typer.echo(f"  {c['kind']:<13} {what}{area}: {c['before']} -> {c['after']}")
        typer.echo(f"  {'':<13} source: {c['source']}")
    for (before, after, source), names in listed.items():
        shown = "; ".join(names[:3]) + (f"; … ({len(names)} in all)" if len(names) > 3 else "")
        typer.echo(f"  {'list_entry':<13} Entity List: {before} -> {after}: {shown}")
        typer.echo(f"  {'':<13} source: {source}")
    if chips:
        typer.echo(
            f"catalogue (export from the US; destinations {', '.join(result['destinations'])}, posture {posture}): "
            f"{len(result['chips'])} chip(s) changed"
        )
        for c in result["chips"]:
            eccn = f"{c['before']} -> {c['after']}" if c["before"] != c["after"] else f"{c['after']} (unchanged)"
            typer.echo(f"  {c['id']}: {eccn}")
            for d in c["destinations"]:
                typer.echo(f"      {d['country']}: {_short(d['before'])} -> {_short(d['after'])}")


@app.command()
def whatif(
    sets: Annotated[
        Optional[list[str]],
        typer.Option("--set", help="KEY=VALUE (a threshold), or groups.D:5+=AE / -=KH / =CN,MO (repeatable)"),
    ] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD (default today)")] = None,
    posture: Annotated[str, typer.Option("--posture", help=POSTURE_HELP)] = "text",
    list_keys: Annotated[bool, typer.Option("--keys", help="list the valid keys and their values on --as-of")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The catalogue re-classified under hypothetical parameters: each chip's ECCN before and
    after, and the license statuses that flip. Keys are the dated parameters' own names; an
    unknown key is refused with the list of valid ones."""
    from longarm.policy import whatif as wi

    if list_keys:
        rows = wi.describe_keys(as_of_option(as_of))
        if as_json:
            emit(rows)
            return
        for r in rows:
            typer.echo(
                f"{r['key']:<48} {str(r['value']):<24} {r['file']}.{r['parameter']} {r['entry'] or '(none in force)'}"
            )
        return
    if not sets:
        raise InputError(Problem("--set", f"give at least one KEY=VALUE; valid keys: {', '.join(sorted(wi.keys()))}"))
    parsed = wi.parse_sets(sets)
    result = wi.whatif(parsed, as_of_option(as_of), _posture(posture))
    if as_json:
        emit(result)
        return
    typer.echo(f"what if, as of {result['as_of']} (posture {posture}):")
    for p in result["parameters"]:
        before, after = p["before"], p["after"]
        if isinstance(before, list) and isinstance(after, list):  # a Country Group: what moved
            moved = [f"+{c}" for c in after if c not in before] + [f"-{c}" for c in before if c not in after]
            before, after = f"{len(before)} members", f"{len(after)} ({' '.join(moved) or 'no change'})"
        typer.echo(f"  {p['key']}: {before} -> {after}  ({p['file']}.{p['parameter']} {p['entry']})")
    for w in result["warnings"]:
        typer.echo(f"  warning: {w}")
    typer.echo(f"{result['changed']} of {len(result['chips'])} chip(s) change:")
    for c in result["chips"]:
        if not c["changed"]:
            continue
        eccn = f"{c['before']} -> {c['after']}" if c["before"] != c["after"] else f"{c['after']} (unchanged)"
        typer.echo(f"  {c['id']}: {eccn}")
        for d in c["destinations"]:
            typer.echo(f"      {d['country']}: {_short(d['before'])} -> {_short(d['after'])}")


@app.command()
def timeline(
    plot: Annotated[Optional[Path], typer.Option("--plot", help="write the chart to FILE.png")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="YYYY-MM-DD (default 2022-10-07)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Every rule version since 2022-10-07 (each with its source) and the dates on which
    catalogue chips changed status."""
    from longarm.policy import timeline as tl

    start = inputs.parse_date(since, "--since") if since else tl.SINCE
    if plot is not None:
        if plot.suffix.lower() not in (".png", ".svg", ".pdf"):
            raise InputError(Problem("--plot", f"{str(plot)!r}: the file name must end in .png, .svg or .pdf"))
        if not plot.parent.is_dir():
            raise InputError(Problem("--plot", f"{str(plot.parent)!r} is not a directory"))
        if plot.exists() and not plot.is_file():
            raise InputError(Problem("--plot", f"{str(plot)!r} exists and is not a regular file"))
        if not os.access(plot.parent, os.W_OK | os.X_OK):
            raise InputError(Problem("--plot", f"folder {str(plot.parent)!r} is not writable"))
    data = tl.timeline(start)
    if plot is not None:
        tl.plot(data, plot)
    if as_json:
        emit(data)
        return
    typer.echo(f"rule versions from {data['since']} to {data['until']}:")
    for r in sorted(data["rules"], key=lambda r: (r["from"], r["file"], r["key"])):
        until = r["to"] or "…"
        status = f" [{r['status']}]" if r["status"] else ""
        typer.echo(f"  {r['from']} → {until:<10}  {r['file']}.{r['key']}: {r['id']}{status}  ({r['source']})")
    by_date: dict[str, list[str]] = {}
    for c in data["chip_changes"]:
        by_date.setdefault(c["date"], [])
        if c["id"] not in by_date[c["date"]]:
            by_date[c["date"]].append(c["id"])
    typer.echo("catalogue chips whose ECCN or export-to-China status changed:")
    for day, ids in sorted(by_date.items()):
        shown = ", ".join(ids[:6]) + (f", … ({len(ids)} in all)" if len(ids) > 6 else "")
        typer.echo(f"  {day}: {shown}")
    if plot is not None:
        typer.echo(f"chart written to {plot}")
