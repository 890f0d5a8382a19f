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


def _audit(kind: str, subject: str, payload: dict[str, Any]) -> None:
    """Append to the audit log; a store that cannot be written is reported, never fatal."""
    from longarm.store import record_quietly
    warning = record_quietly(kind, subject, payload)
    if warning:
        typer.echo(f"warning: {warning}", err=True)


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
    _audit("assess", tx.item.catalog_id or tx.item.name or tx.to_country,
           {"transaction": tx.model_dump(mode="json"), "outcome": d.outcome, "determination": d.model_dump(mode="json")})
    if as_json:
        typer.echo(d.model_dump_json(indent=2))
    else:
        typer.echo(render.memo(d))


@app.command()
def screen(
    name: Annotated[str, typer.Argument(help="party name, any script")],
    country: Annotated[Optional[str], typer.Option("--country", help="ISO 3166-1 alpha-2")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Matches of one name against the restricted-party lists in service, best first."""
    from longarm.screening import service
    result = service.screen_name(name, _country(country))
    _audit("screen", name, result)
    if as_json:
        _emit(result)
        return
    typer.echo(f"{result['query']!r} against {result['lists_version']}: {len(result['matches'])} match(es)")
    for m in result["matches"]:
        typer.echo(f"  {m['score']:.2f}  {m['list']}: {m['matched_name']}"
                   + (f" [{m['entity_number']}]" if m["entity_number"] else ""))
        if m["license_requirement"]:
            typer.echo(f"        license requirement: {m['license_requirement']}; policy: {m['license_policy']}")
        typer.echo(f"        why: {m['explanation']}")


def _country(code: Optional[str]) -> Optional[str]:
    from longarm.model import country_code
    try:
        return country_code(code)
    except ValueError as e:
        raise InputError(Problem("--country", str(e))) from None


@app.command()
def match(
    name_a: Annotated[Optional[str], typer.Argument(help="first name")] = None,
    name_b: Annotated[Optional[str], typer.Argument(help="second name")] = None,
    pairs: Annotated[Optional[Path], typer.Option("--pairs", help="CSV with columns name1,name2")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """How alike two party names are: score 0..1, match true/false, and why."""
    from longarm.screening import service
    if pairs is not None:
        if name_a or name_b:
            raise InputError(Problem("--pairs", "give either two names or --pairs, not both"))
        results = service.match_pairs(pairs)
        if as_json:
            _emit(results)
        else:
            for r in results:
                typer.echo(f"{r['score']:.2f} {'MATCH' if r['match'] else 'no   '} {r['name1']} | {r['name2']}")
        return
    if not name_a or not name_b:
        raise InputError(Problem("NAME_A NAME_B", "give two names (or --pairs FILE.csv)"))
    result = service.match_names(name_a, name_b)
    if as_json:
        _emit(result)
    else:
        typer.echo(f"score {result['score']:.2f}: {'match' if result['match'] else 'no match'}\n  {result['explanation']}")


lists_app = typer.Typer(help="The restricted-party lists: versions in service, and updates.", no_args_is_help=False)
app.add_typer(lists_app, name="lists")


@lists_app.callback(invoke_without_command=True)
def lists_show(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show the list versions, counts per source and dates."""
    if ctx.invoked_subcommand is not None:
        return
    from longarm.screening.update import versions
    rows = versions()
    if as_json:
        _emit(rows)
        return
    for v in rows:
        mark = "*" if v["in_service"] else " "
        typer.echo(f"{mark} {v['version']}  (generated {v['generated_at'][:19]}; {v.get('source', '')})")
        for src, n in sorted(v["counts"].items(), key=lambda kv: -kv[1]):
            typer.echo(f"      {n:>7,}  {src}")


@lists_app.command("update")
def lists_update(
    source: Annotated[str, typer.Option("--from", help="path or URL of a trade.gov consolidated.csv/.json")],
    force: Annotated[bool, typer.Option("--force", help="accept a drop of more than 10 % in any source")] = False,
) -> None:
    """Install a new list: validated, indexed beside the old one, then switched atomically."""
    from longarm.screening.update import update
    r = update(source, force=force)
    typer.echo(f"in service: {r.version} (was {r.previous}); {sum(r.counts.values()):,} entries")
    for src, (a, b) in r.drops.items():
        typer.echo(f"  forced: {src} fell from {a:,} to {b:,}")


@app.command()
def batch(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT", help="order book: .csv, .parquet or .jsonl")],
    out: Annotated[Path, typer.Option("--out", help="result file: .csv, .parquet or .jsonl")],
    engine: Annotated[str, typer.Option("--engine", help="local | dask")] = "local",
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler address")] = None,
    report: Annotated[Optional[Path], typer.Option("--report", help="write an HTML summary here")] = None,
    store: Annotated[Optional[Path], typer.Option("--store", help="SQLite store (audit log, runs)")] = None,
    partition_rows: Annotated[int, typer.Option("--partition-rows", min=1)] = 20_000,
) -> None:
    """Assess every row of an order book; resumable, recorded in the audit log."""
    import gc
    gc.enable()  # a long run (and its forked workers) needs the collector
    from longarm import batch as batch_mod
    if scheduler and engine != "dask":
        raise InputError(Problem("--scheduler", "only with --engine dask"))
    update, stop = batch_mod.progress_bar()
    try:
        result = batch_mod.run(input_path, out, engine=engine, scheduler=scheduler, partition_rows=partition_rows,
                               store_path=store, report=report, progress=update)
    finally:
        stop()
    counts = ", ".join(f"{k} {v:,}" for k, v in result["counts"].items())
    typer.echo(f"{result['rows']:,} rows -> {result['output']} (run {result['run_id']}; {counts})", err=True)


audit_app = typer.Typer(help="The tamper-evident audit log of every determination.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(store: Annotated[Optional[Path], typer.Option("--store")] = None) -> None:
    """Check the hash chain; name every changed, removed or reordered record (exit 1 if any)."""
    from longarm.store import Store
    s = Store(store)
    problems, count = s.verify(), s.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    s.close()
    if problems:
        for p in problems:
            typer.echo(f"BROKEN: {p}")
        raise typer.Exit(1)
    typer.echo(f"ok: {count:,} records, chain intact")


@audit_app.command("show")
def audit_show(store: Annotated[Optional[Path], typer.Option("--store")] = None,
               limit: Annotated[int, typer.Option("--limit", min=1)] = 20,
               as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The most recent audit records."""
    from longarm.store import Store
    s = Store(store)
    recs = s.records(limit=limit)
    s.close()
    if as_json:
        _emit(recs)
        return
    for r in recs:
        p = r["payload"]
        summary = p.get("outcome") or (f"{len(p.get('matches', []))} match(es)" if "matches" in p else "")
        typer.echo(f"{r['seq']:>8} {r['ts'][:19]} {r['kind']:<10} {r['subject'] or '':<30.30} {summary}")


@audit_app.command("export")
def audit_export(out: Annotated[Path, typer.Option("--out", help="JSON Lines file")],
                 store: Annotated[Optional[Path], typer.Option("--store")] = None) -> None:
    """Every audit record, with its hashes, as JSON Lines."""
    from longarm.store import Store
    s = Store(store)
    recs = s.records()
    s.close()
    with out.open("w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    typer.echo(f"wrote {len(recs):,} records to {out}", err=True)


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
    import gc
    gc.disable()  # a short-lived command builds many long-lived objects; collection only costs time
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
        rc = app(standalone_mode=False)  # returns the code of a typer.Exit instead of raising it
        if isinstance(rc, int) and rc:
            sys.exit(rc)
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
