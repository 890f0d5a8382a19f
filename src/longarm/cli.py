"""The `longarm` command: a thin layer over the library's public functions.

Exit codes (contract): 0 a determination was made; 2 invalid input, one line per problem on
stderr naming the field, nothing on stdout; 1 an internal error (one line, no traceback).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from pydantic import ValidationError

from longarm import __version__, catalog, chips as chips_mod, inputs, render
from longarm.errors import InputError, LongarmError, Problem

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="US export controls on AI chips (EAR), as code, as of any date. Not legal advice.")


def _emit(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _as_of(text: Optional[str]) -> dt.date:
    return dt.date.today() if text is None else inputs.parse_date(text, "--as-of")


@app.command()
def classify(
    chip: Annotated[Optional[str], typer.Option("--chip", help="catalogue id, e.g. nvidia-h100-sxm")] = None,
    tpp: Annotated[Optional[float], typer.Option(help="total processing performance")] = None,
    die_area: Annotated[Optional[float], typer.Option("--die-area", help="applicable die area, mm²")] = None,
    datacenter: Annotated[Optional[bool], typer.Option("--datacenter/--no-datacenter",
                                                       help="designed or marketed for datacenters")] = None,
    io: Annotated[Optional[float], typer.Option("--io", help="aggregate bidirectional transfer rate, GB/s")] = None,
    item_type: Annotated[str, typer.Option("--type", help="ic | computer | hbm | other")] = "ic",
    memory_bandwidth_density: Annotated[Optional[float], typer.Option(
        "--memory-bandwidth-density", help="HBM: GB/s per mm² of package or stack")] = None,
    contains: Annotated[Optional[list[str]], typer.Option(
        "--contains", help="computer: catalogue id of a contained IC, optionally ID:COUNT (repeatable)")] = None,
    eccn: Annotated[Optional[str], typer.Option("--eccn", help="the ECCN you claim; checked")] = None,
    exporter_role: Annotated[Optional[str], typer.Option(
        "--exporter-role", help="front_end_fabricator | osat | other")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD (default today)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the contract's item object")] = False,
) -> None:
    """The ECCN of one item on a date, with its metrics and the reasons, each citing its paragraph."""
    from longarm.classify import classify as run
    from longarm.model import Item

    on = _as_of(as_of)
    if chip is not None:
        catalog.get(chip, "--chip")
    fields: dict[str, Any] = {"catalog_id": chip, "tpp": tpp, "die_area_mm2": die_area, "datacenter": datacenter,
                              "bidirectional_transfer_rate_gbs": io, "type": item_type, "eccn": eccn,
                              "memory_bandwidth_density": memory_bandwidth_density}
    if contains:
        fields["contains"] = [{"catalog_id": c.split(":")[0], "count": int(c.split(":")[1]) if ":" in c else 1}
                              for c in contains]
    if exporter_role is not None and exporter_role not in ("front_end_fabricator", "osat", "other"):
        raise InputError(Problem("--exporter-role", "must be front_end_fabricator, osat or other"))
    try:
        item = Item.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as e:
        raise InputError([Problem(_option(p.field), p.message) for p in inputs.problems_of(e)]) from None
    if chip is None and tpp is None and item_type == "ic":
        raise InputError(Problem("--chip/--tpp", "give a catalogue id or a TPP"))
    result = run(item, on, exporter_role)
    if as_json:
        _emit({"as_of": on.isoformat(), **result.model_dump(mode="json")})
    else:
        typer.echo(render.classification(result, on.isoformat(), chip or "item"))


_OPTIONS = {"catalog_id": "--chip", "tpp": "--tpp", "die_area_mm2": "--die-area", "datacenter": "--datacenter",
            "bidirectional_transfer_rate_gbs": "--io", "type": "--type", "eccn": "--eccn",
            "memory_bandwidth_density": "--memory-bandwidth-density"}


def _option(field: str) -> str:
    head = field.split(".")[0].split("[")[0]
    return _OPTIONS.get(head, "--contains" if head == "contains" else field)


@app.command()
def chips(
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD (default today)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    compare: Annotated[Optional[list[str]], typer.Option(
        "--compare", help="catalogue ids to compare side by side (the last one is the reference)")] = None,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="draw the TPP × density plane to .png/.svg")] = None,
    ids: Annotated[Optional[list[str]], typer.Argument(help="more ids for --compare", show_default=False)] = None,
) -> None:
    """The bundled accelerator catalogue with TPP, performance density and ECCN as of a date."""
    on = _as_of(as_of)
    if plot is not None:
        from longarm.plot import plot as draw
        typer.echo(f"wrote {draw(plot, on)}")
        return
    if compare:
        wanted = list(compare) + list(ids or [])
        if len(wanted) < 2:
            raise InputError(Problem("--compare", "name at least two catalogue ids"))
        result = chips_mod.compare(wanted, on)
        if as_json:
            _emit(result)
        else:
            typer.echo(_compare_table(result))
        return
    if ids:
        raise InputError(Problem("IDS", "extra arguments are only for --compare"))
    rows = chips_mod.listing(on)
    if as_json:
        _emit(rows)
        return
    typer.echo(f"{'id':<26} {'vendor':<18} {'TPP':>9} {'density':>8}  ECCN as of {on}")
    for r in rows:
        tpp = "unknown" if r["tpp"] is None else f"{r['tpp']:,.0f}"
        pd = "unknown" if r["performance_density"] is None else f"{r['performance_density']:.2f}"
        eccn = r["eccn"] + (f" ({'/'.join(r['eccn_candidates'])})" if r["eccn"] == "UNDETERMINED" else "")
        typer.echo(f"{r['id']:<26} {r['vendor'][:18]:<18} {tpp:>9} {pd:>8}  {eccn}")


def _compare_table(result: dict[str, Any]) -> str:
    rows = result["chips"]
    width = max(18, *(len(r["id"]) + 2 for r in rows))
    lines = [f"{'as of ' + result['as_of']:<24}" + "".join(f"{r['id']:>{width}}" for r in rows)]
    for key, label, digits in chips_mod.COMPARED:
        cells = ["unknown" if r[key] is None else f"{r[key]:,.{digits}f}" for r in rows]
        lines.append(f"{label:<24}" + "".join(f"{c:>{width}}" for c in cells))
    lines.append(f"{'ECCN':<24}" + "".join(f"{r['eccn']:>{width}}" for r in rows))
    lines.append(f"ratios to {result['reference']}:")
    for key, label, _ in chips_mod.COMPARED[:2]:
        cells = [("n/a" if result["ratio_to_reference"][r["id"]][key] is None
                  else f"{100 * result['ratio_to_reference'][r['id']][key]:.0f} %") for r in rows]
        lines.append(f"{'  ' + label:<24}" + "".join(f"{c:>{width}}" for c in cells))
    for r in rows:
        for c in r["caveats"]:
            lines.append(f"  ! {c}")
    return "\n".join(lines)


@app.command()
def assess(
    file: Annotated[str, typer.Argument(help="Transaction as JSON or YAML; - for stdin")],
    as_json: Annotated[bool, typer.Option("--json", help="the Determination as one JSON object")] = False,
) -> None:
    """Decide one transaction: subject to the EAR? license required? exception? General Prohibition 10?"""
    from longarm.assess import assess as run

    tx = inputs.transaction(inputs.read_document(file))
    d = run(tx)
    if as_json:
        typer.echo(d.model_dump_json(indent=2))
    else:
        typer.echo(render.memo(d))


@app.command()
def rules(markdown: Annotated[bool, typer.Option("--markdown", help="the README section")] = True) -> None:
    """Every rule longarm applies, with its citation, dates and source."""
    from longarm.rules.registry import markdown as table
    typer.echo(table(), nl=False)


@app.command()
def version() -> None:
    """Print longarm's version."""
    typer.echo(__version__)


def main() -> None:
    """Entry point: the contract's exit codes; the process ends without tearing down the
    screening index object by object (a short-lived command needs no clean-up)."""
    code = 0
    try:
        _run()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _run() -> None:
    try:
        app(standalone_mode=False)
    except InputError as e:
        for p in e.problems:
            typer.echo(str(p), err=True)
        sys.exit(2)
    except ValidationError as e:
        for p in inputs.problems_of(e):
            typer.echo(str(p), err=True)
        sys.exit(2)
    except LongarmError as e:
        typer.echo(f"error: {e}", err=True)
        sys.exit(1)
    except (typer.Exit, SystemExit) as e:
        code = getattr(e, "exit_code", getattr(e, "code", 0))
        sys.exit(code)
    except typer.Abort:
        sys.exit(1)
    except Exception as e:  # usage errors of the CLI parser, and anything unexpected
        if hasattr(e, "format_message") and hasattr(e, "exit_code"):
            if type(e).__name__ == "NoArgsIsHelpError":
                typer.echo(e.format_message())
                sys.exit(0)
            typer.echo(f"{_usage_field(e)}: {e.format_message()}", err=True)
            sys.exit(2)
        typer.echo(f"internal error: {type(e).__name__}: {e}", err=True)
        sys.exit(1)


def _usage_field(e: Exception) -> str:
    if getattr(e, "option_name", None):
        return str(e.option_name)  # type: ignore[attr-defined]
    param = getattr(e, "param", None)
    if param is not None and getattr(param, "opts", None):
        return param.opts[0]
    return "usage"


if __name__ == "__main__":
    main()
