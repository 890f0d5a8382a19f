"""Commands about items: `classify` and the catalogue (`chips`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from pydantic import ValidationError

from longarm import catalog, inputs, render
from longarm import chips as chips_mod
from longarm.cli._app import app, as_of_option, emit
from longarm.errors import InputError, Problem


@app.command()
def classify(
    chip: Annotated[Optional[str], typer.Option("--chip", help="catalogue id, e.g. nvidia-h100-sxm")] = None,
    tpp: Annotated[Optional[float], typer.Option(help="total processing performance")] = None,
    die_area: Annotated[Optional[float], typer.Option("--die-area", help="applicable die area, mm²")] = None,
    datacenter: Annotated[
        Optional[bool], typer.Option("--datacenter/--no-datacenter", help="designed or marketed for datacenters")
    ] = None,
    io: Annotated[Optional[float], typer.Option("--io", help="aggregate bidirectional transfer rate, GB/s")] = None,
    item_type: Annotated[str, typer.Option("--type", help="ic | computer | hbm | other")] = "ic",
    memory_bandwidth_density: Annotated[
        Optional[float], typer.Option("--memory-bandwidth-density", help="HBM: GB/s per mm² of package or stack")
    ] = None,
    contains: Annotated[
        Optional[list[str]],
        typer.Option("--contains", help="computer: catalogue id of a contained IC, optionally ID:COUNT (repeatable)"),
    ] = None,
    eccn: Annotated[Optional[str], typer.Option("--eccn", help="the ECCN you claim; checked")] = None,
    exporter_role: Annotated[
        Optional[str],
        typer.Option(
            "--exporter-role", help="manufacturer | distributor | front_end_fabricator | osat | cloud_provider | other"
        ),
    ] = None,
    process_node: Annotated[
        Optional[float], typer.Option("--process-node", help="foundry: process node of the logic die, nm")
    ] = None,
    nonplanar: Annotated[
        Optional[bool], typer.Option("--nonplanar/--planar", help="foundry: non-planar transistors (FinFET, GAA)")
    ] = None,
    transistor_count: Annotated[
        Optional[int], typer.Option("--transistor-count", help="foundry: aggregated approximated transistor count")
    ] = None,
    hbm: Annotated[Optional[bool], typer.Option("--hbm/--no-hbm", help="foundry: the packaged IC includes HBM")] = None,
    designer_approved: Annotated[
        Optional[bool],
        typer.Option("--designer-approved/--designer-not-approved", help="foundry: approved or authorized IC designer"),
    ] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD (default today)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the contract's item object")] = False,
) -> None:
    """The ECCN of one item on a date, with its metrics and the reasons, each citing its paragraph."""
    from longarm.classify import classify as run
    from longarm.classify import validate_eccn
    from longarm.model import Item

    on = as_of_option(as_of)
    if chip is not None:
        catalog.get(chip, "--chip")
    if eccn is not None:
        eccn = validate_eccn(eccn, "--eccn")
    fields: dict[str, Any] = {
        "catalog_id": chip,
        "tpp": tpp,
        "die_area_mm2": die_area,
        "datacenter": datacenter,
        "bidirectional_transfer_rate_gbs": io,
        "type": item_type,
        "eccn": eccn,
        "memory_bandwidth_density": memory_bandwidth_density,
        "process_node_nm": process_node,
        "nonplanar_transistors": nonplanar,
        "transistor_count": transistor_count,
        "includes_hbm": hbm,
    }
    if designer_approved is not None:
        fields["designer"] = {"name": "the IC designer", "approved_or_authorized": designer_approved}
    if contains:
        fields["contains"] = [_contained(c) for c in contains]
    roles = ("manufacturer", "distributor", "front_end_fabricator", "osat", "cloud_provider", "other")
    if exporter_role is not None and exporter_role not in roles:
        raise InputError(Problem("--exporter-role", "must be one of " + ", ".join(roles)))
    try:
        item = Item.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as e:
        raise InputError([Problem(_option(p.field), p.message) for p in inputs.problems_of(e)]) from None
    if chip is None and tpp is None and item_type == "ic":
        raise InputError(Problem("--chip/--tpp", "give a catalogue id or a TPP"))
    result = run(item, on, exporter_role)
    if as_json:
        emit({"as_of": on.isoformat(), **result.model_dump(mode="json")})
    else:
        typer.echo(render.classification(result, on.isoformat(), chip or "item"))


def _contained(text: str) -> dict[str, Any]:
    """One `--contains ID[:COUNT]` value; a bad count or unknown id names --contains."""
    chip_id, sep, count = text.partition(":")
    if sep and not count.strip().isdigit():
        raise InputError(Problem("--contains", f"{text!r}: the count after ':' must be a whole number (ID:COUNT)"))
    if sep and len(count.strip()) > 9:
        raise InputError(Problem("--contains", f"{text[:40]!r}...: the count must be at most 999,999,999"))
    catalog.get(chip_id.strip(), "--contains")
    return {"catalog_id": chip_id.strip(), "count": int(count) if sep else 1}


_OPTIONS = {
    "catalog_id": "--chip",
    "tpp": "--tpp",
    "die_area_mm2": "--die-area",
    "datacenter": "--datacenter",
    "bidirectional_transfer_rate_gbs": "--io",
    "type": "--type",
    "eccn": "--eccn",
    "memory_bandwidth_density": "--memory-bandwidth-density",
    "process_node_nm": "--process-node",
    "nonplanar_transistors": "--nonplanar",
    "transistor_count": "--transistor-count",
    "includes_hbm": "--hbm",
    "designer": "--designer-approved",
}


def _option(field: str) -> str:
    head = field.split(".")[0].split("[")[0]
    return _OPTIONS.get(head, "--contains" if head == "contains" else field)


@app.command()
def chips(
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD (default today)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    compare: Annotated[
        Optional[list[str]],
        typer.Option("--compare", help="catalogue ids to compare side by side (the last one is the reference)"),
    ] = None,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="draw the TPP × density plane to .png/.svg")] = None,
    claim: Annotated[
        Optional[list[str]],
        typer.Option("--claim", help="with --plot: mark where a published claim would put its chip (repeatable)"),
    ] = None,
    ids: Annotated[Optional[list[str]], typer.Argument(help="more ids for --compare", show_default=False)] = None,
) -> None:
    """The bundled accelerator catalogue with TPP, performance density and ECCN as of a date."""
    on = as_of_option(as_of)
    if claim and plot is None:
        raise InputError(Problem("--claim", "only with --plot FILE"))
    if plot is not None and (compare or ids):
        # one output per run: the chart would silently drop the comparison
        raise InputError(Problem("--compare" if compare else "IDS", "not with --plot (draw the chart or compare)"))
    if plot is not None:
        from longarm.plot import plot as draw

        written = draw(plot, on, claim or [])
        if as_json:
            emit({"as_of": on.isoformat(), "plot": str(written)})
        else:
            typer.echo(f"wrote {written}")
        return
    if compare:
        wanted = list(compare) + list(ids or [])
        if len(wanted) < 2:
            raise InputError(Problem("--compare", "name at least two catalogue ids"))
        result = chips_mod.compare(wanted, on)
        if as_json:
            emit(result)
        else:
            typer.echo(_compare_table(result))
        return
    if ids:
        raise InputError(Problem("IDS", "extra arguments are only for --compare"))
    rows = chips_mod.listing(on)
    if as_json:
        emit(rows)
        return
    typer.echo(f"{'id':<26} {'vendor':<18} {'TPP':>9} {'density':>11}  ECCN as of {on}")
    for r in rows:
        tpp = "unknown" if r["tpp"] is None else f"{r['tpp']:,.0f}"
        eccn = r["eccn"] + (f" ({'/'.join(r['eccn_candidates'])})" if r["eccn"] == "UNDETERMINED" else "")
        typer.echo(f"{r['id']:<26} {r['vendor'][:18]:<18} {tpp:>9} {_density(r):>11}  {eccn}")
    if any(r["performance_density_range"] for r in rows):
        typer.echo(
            "(a density lo-hi: die area known only as a range, ≥lo: only an upper bound on the area; "
            "see --json die_area_mm2_range_source)"
        )


def _span(v: float | list[Any] | None, fmt: str = "{:.2f}", scale: float = 1.0, suffix: str = "") -> str:
    """A figure, or a range "lo-hi" ("≥lo" / "≤hi" where one end is open: null), or unknown."""
    if v is None:
        return "unknown"
    if not isinstance(v, list):
        return fmt.format(scale * v) + suffix
    lo, hi = v
    if hi is None:
        return f"≥{fmt.format(scale * lo)}{suffix}"
    if lo is None:
        return f"≤{fmt.format(scale * hi)}{suffix}"
    return f"{fmt.format(scale * lo)}-{fmt.format(scale * hi)}{suffix}"


def _density(r: dict[str, Any]) -> str:
    pd = r["performance_density"]
    return _span(pd if pd is not None else r["performance_density_range"])


def _area(r: dict[str, Any]) -> str:
    if r["die_area_mm2"] is not None:
        return _span(r["die_area_mm2"], "{:,.1f}")
    return _span(r["die_area_mm2_range"], "{:,.0f}")


def _compare_table(result: dict[str, Any]) -> str:
    rows = result["chips"]
    width = max(18, *(len(r["id"]) + 2 for r in rows))
    lines = [f"{'as of ' + result['as_of']:<24}" + "".join(f"{r['id']:>{width}}" for r in rows)]
    shown = {"performance_density": _density, "die_area_mm2": _area}
    for key, label, digits in chips_mod.COMPARED:
        cells = [
            shown[key](r) if key in shown else "unknown" if r[key] is None else f"{r[key]:,.{digits}f}" for r in rows
        ]
        lines.append(f"{label:<24}" + "".join(f"{c:>{width}}" for c in cells))
    lines.append(f"{'ECCN':<24}" + "".join(f"{r['eccn']:>{width}}" for r in rows))
    lines.append(f"ratios to {result['reference']}:")
    for key, label, _ in chips_mod.COMPARED[:2]:
        cells = []
        for r in rows:
            ratio = result["ratio_to_reference"][r["id"]]
            value = ratio[key] if ratio[key] is not None else ratio.get(key + "_range")
            cells.append("n/a" if value is None else _pct(value))
        lines.append(f"{'  ' + label:<24}" + "".join(f"{c:>{width}}" for c in cells))
    for r in rows:
        for c in r["caveats"]:
            lines.append(f"  ! {c}")
    return "\n".join(lines)


@app.command()
def claims(
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD (default today)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="the contract's JSON list, one object per claim")] = False,
    chip: Annotated[
        Optional[str], typer.Option("--chip", help="check a claim of your own: this catalogue id ...")
    ] = None,
    versus: Annotated[Optional[str], typer.Option("--versus", help="... compared with this catalogue id ...")] = None,
    ratio: Annotated[Optional[float], typer.Option("--ratio", help="... at this ratio (0.96 = 96 %) ...")] = None,
    along: Annotated[str, typer.Option("--along", help="... read along tpp (default) or performance_density")] = "tpp",
) -> None:
    """Published performance claims checked against the catalogue's TPP, density and ECCN.

    With --chip, --versus and --ratio, checks that one claim instead (a hypothetical: no source).
    """
    from longarm import claims as claims_mod

    on = as_of_option(as_of)
    given = {"--chip": chip, "--versus": versus, "--ratio": ratio}
    if any(v is not None for v in given.values()) or along != "tpp":
        problems = [Problem(k, "give --chip, --versus and --ratio together") for k, v in given.items() if v is None]
        if along not in ("tpp", "performance_density"):
            problems.append(Problem("--along", "must be tpp or performance_density"))
        claim = None
        if chip is not None and versus is not None and ratio is not None:
            try:
                claim = claims_mod.hypothetical(chip, versus, ratio, "tpp" if along == "tpp" else "performance_density")
            except InputError as e:
                problems = e.problems + problems
        if problems or claim is None:
            raise InputError(problems)
        rows = [claims_mod.check(claim, on)]
        waiting: list[dict[str, Any]] = []
    else:
        rows = claims_mod.checked(on)
        waiting = claims_mod.waiting()
    if as_json:
        for w in waiting:
            typer.echo(f"note: claim {w['id']} not checked: waits for catalogue id {', '.join(w['missing'])}", err=True)
        emit([claims_mod.contract(r) for r in rows])
        return
    typer.echo(_claims_table(rows, on.isoformat(), waiting))


def _pct(v: float | list[Any] | None) -> str:
    return _span(v, "{:.0f}", 100, " %")


def _pd(v: float | list[Any] | None) -> str:
    return _span(v)


def _claims_table(rows: list[dict[str, Any]], on: str, waiting: list[dict[str, Any]]) -> str:
    from longarm.claims import METRIC_WORDS, RULE_MEASURES

    change = {True: "yes", False: "no", None: "unknown"}
    cw = max([20, *(len(r["chip"]) for r in rows)])
    vw = max([17, *(len(r["versus"]) for r in rows)])
    head = (
        f"{'chip':<{cw}} {'versus':<{vw}} {'claimed':>8} {'along':<7} {'TPP':>6} {'density':>10}  "
        f"{'ECCN':<13} {'if true':<13} changes"
    )
    lines = [f"Published claims against the catalogue, ECCNs as of {on}", head, "-" * len(head)]
    for r in rows:
        along = "TPP" if r["along"] == "tpp" else "density"
        lines.append(
            f"{r['chip']:<{cw}} {r['versus']:<{vw}} {_pct(r['claimed_ratio']):>8} {along:<7} {_pct(r['tpp_ratio']):>6} "
            f"{_pct(r['performance_density_ratio']):>10}  {r['eccn']:<13} {r['eccn_if_true']:<13} "
            f"{change[r['eccn_would_change']]}"
        )
    lines.append("")
    for i, r in enumerate(rows, 1):
        lines.append(f'[{i}] {r["id"]}: "{r["claim"]}"')
        if r["translation"]:
            lines.append(f"    ({r['translation']})")
        if r["sources"]:
            basis = f" ({r['date_basis']})" if r["date_basis"] else ""
            lines.append(f"    {r['said_by']}, {r['date']}{basis}; {r['source_quality']} source: {r['sources'][0]}")
        else:
            lines.append(f"    {r['said_by']}: no published source")
        lines.append(f"    measures: {r['measures']} — {METRIC_WORDS[r['metric']]}")
        if r["assumed"]:
            lines.append(f"    assumed: {r['assumed']}")
        along = "TPP" if r["along"] == "tpp" else "performance density"
        lines.append(
            f"    if true, read along {along}: TPP {_tpp(r['tpp_if_true'])}, density "
            f"{_pd(r['performance_density_if_true'])} -> {_eccn(r['eccn_if_true'], r['eccn_if_true_candidates'])} "
            f"(catalogue: TPP {_tpp(r['tpp'])}, density {_pd(r['performance_density'])}, "
            f"{_eccn(r['eccn'], r['eccn_candidates'])})"
        )
    lines.append("")
    lines.append(
        f"The rule: {RULE_MEASURES}. 'if true': the chip with the claimed multiple of the reference's TPP on its "
        "own die area (or, for a density claim, of the reference's density with its own TPP); a workload "
        "ratio is not a TPP ratio, so this is a reading, not a classification of the chip."
    )
    for w in waiting:
        lines.append(f"not checked: {w['id']} waits for catalogue id {', '.join(w['missing'])}")
    return "\n".join(lines)


def _tpp(v: float | None) -> str:
    return "unknown" if v is None else f"{v:,.0f}"


def _eccn(eccn: str, candidates: list[str]) -> str:
    return f"{eccn} ({'/'.join(candidates)})" if eccn == "UNDETERMINED" else eccn
