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
    ids: Annotated[Optional[list[str]], typer.Argument(help="more ids for --compare", show_default=False)] = None,
) -> None:
    """The bundled accelerator catalogue with TPP, performance density and ECCN as of a date."""
    on = as_of_option(as_of)
    if plot is not None:
        from longarm.plot import plot as draw

        written = draw(plot, on)
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
        typer.echo("(a density lo-hi: die area known only as a range; see --json die_area_mm2_range_source)")


def _density(r: dict[str, Any]) -> str:
    if r["performance_density"] is not None:
        return f"{r['performance_density']:.2f}"
    if r["performance_density_range"] is not None:
        lo, hi = r["performance_density_range"]
        return f"{lo:.2f}-{hi:.2f}"
    return "unknown"


def _area(r: dict[str, Any]) -> str:
    if r["die_area_mm2"] is not None:
        return f"{r['die_area_mm2']:,.1f}"
    if r["die_area_mm2_range"] is not None:
        lo, hi = r["die_area_mm2_range"]
        return f"{lo:,.0f}-{hi:,.0f}"
    return "unknown"


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
            span = ratio.get(key + "_range")
            if ratio[key] is not None:
                cells.append(f"{100 * ratio[key]:.0f} %")
            elif span:
                cells.append(f"{100 * span[0]:.0f}-{100 * span[1]:.0f} %")
            else:
                cells.append("n/a")
        lines.append(f"{'  ' + label:<24}" + "".join(f"{c:>{width}}" for c in cells))
    for r in rows:
        for c in r["caveats"]:
            lines.append(f"  ! {c}")
    return "\n".join(lines)


@app.command()
def claims(
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD (default today)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="a JSON list, one object per claim")] = False,
) -> None:
    """Published performance claims checked against the catalogue's TPP, density and ECCN."""
    from longarm.claims import checked

    on = as_of_option(as_of)
    rows = checked(on)
    if as_json:
        emit(rows)
        return
    typer.echo(_claims_table(rows, on.isoformat()))


def _claims_table(rows: list[dict[str, Any]], on: str) -> str:
    def pct(v: float | None, span: list[float] | None = None) -> str:
        if v is not None:
            return f"{100 * v:.0f} %"
        return f"{100 * span[0]:.0f}-{100 * span[1]:.0f} %" if span else "n/a"

    change = {True: "yes", False: "no", None: "unknown"}
    head = (
        f"{'chip':<20} {'versus':<17} {'claimed':>8} {'TPP':>7} {'density':>9}  {'ECCN':<13} {'if scaled':<13} changes"
    )
    lines = [f"Published claims against the catalogue, ECCNs as of {on}", head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['chip']:<20} {r['versus']:<17} {pct(r['claimed_ratio']):>8} {pct(r['tpp_ratio']):>7} "
            f"{pct(r['performance_density_ratio'], r['performance_density_ratio_range']):>9}  "
            f"{r['eccn']:<13} {r['eccn_if_scaled']:<13} {change[r['eccn_would_change']]}"
        )
    lines.append("")
    for i, r in enumerate(rows, 1):
        when = r["date"] or "undated"
        lines.append(f"[{i}] {r['claim']}")
        lines.append(f"    {r['said_by']}, {when} ({r['source_quality']}): {r['source']}")
        lines.append(f"    measures: {r['measures']}")
        if r["assumed"]:
            lines.append(f"    assumed: {r['assumed']}")
    lines.append(
        "'if scaled': the ECCN the chip would have with the reference chip's TPP and performance density "
        "multiplied by the claimed ratio; a workload ratio is not a TPP ratio."
    )
    return "\n".join(lines)
