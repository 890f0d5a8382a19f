"""The catalogue as users see it: each chip's metrics and ECCN as of a date, and comparisons."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from longarm import catalog
from longarm.classify import classify
from longarm.errors import InputError, Problem
from longarm.model import Item


def listing(on: dt.date) -> list[dict[str, Any]]:
    """Every catalogue chip with TPP, performance density and ECCN on `on` (contract: `chips --json`).

    A die area known only as a range gives `die_area_mm2_range` [lo, hi] and `performance_density_range`
    [lo, hi]; where the sources give only an upper bound on the area, its lower end is null and so is
    the density's upper end (no bound known), never a number standing in for one.
    """
    rows = []
    for chip in catalog.chips().values():
        r = classify(Item(catalog_id=chip.id), on)
        rows.append(
            {
                "id": chip.id,
                "vendor": chip.vendor,
                "model": chip.model,
                "variant": chip.variant,
                "tpp": chip.tpp,
                "performance_density": chip.performance_density,
                "die_area_mm2": chip.die_area_mm2,
                "die_area_mm2_range": _pair(chip.die_area_mm2_range),
                "performance_density_range": _pair(chip.performance_density_range),
                "die_area_mm2_range_source": _range_source(chip),
                "datacenter": chip.datacenter,
                "interconnect_bw_gbs": chip.interconnect_bw_gbs,
                "memory_bw_gbs": chip.memory_bw_gbs,
                "eccn": r.eccn,
                "eccn_candidates": r.candidates,
                "as_of": on.isoformat(),
                "tpp_deciding_precision": chip.deciding_precision,
                "caveats": chip.caveats,
                "source_urls": chip.source_urls,
            }
        )
    return rows


def _pair(bounds: tuple[float | None, float] | tuple[float, float] | None) -> list[float | None] | None:
    """[lo, hi] for JSON; an open end (no bound known: None, or an infinite density) is null."""
    if bounds is None:
        return None
    return [None if v is None or math.isinf(v) else v for v in bounds]


def _range_source(chip: catalog.Chip) -> dict[str, Any] | None:
    """What supports each end of a die-area range (None when the chip has no range)."""
    r = chip.die_area_range
    if r is None or chip.die_area_mm2_range is None:
        return None
    return {"lo": r.lo_basis, "hi": r.hi_basis, "source_quality": r.source_quality, "source_urls": r.source_urls}


COMPARED = (
    ("tpp", "TPP", 1),
    ("performance_density", "performance density", 2),
    ("die_area_mm2", "die area mm²", 1),
    ("memory_bw_gbs", "memory bandwidth GB/s", 0),
    ("interconnect_bw_gbs", "chip-to-chip GB/s", 0),
)


def compare(ids: list[str], on: dt.date) -> dict[str, Any]:
    """Side-by-side metrics; each chip's ratio to the last one named (the reference)."""
    rows = {r["id"]: r for r in listing(on)}
    for i, chip_id in enumerate(ids):
        catalog.get(chip_id, f"--compare[{i}]")
        if chip_id in ids[:i]:  # the ratios are keyed by id: a second column would have none of its own
            raise InputError(Problem(f"--compare[{i}]", f"{chip_id!r} is named twice"))
    chosen = [rows[i] for i in ids]
    ref = chosen[-1]
    ratios = {}
    for r in chosen:
        ratios[r["id"]] = {k: (r[k] / ref[k] if r[k] is not None and ref[k] else None) for k, _, _ in COMPARED}
        span, ref_pd = r["performance_density_range"], ref["performance_density"]
        ratios[r["id"]]["performance_density_range"] = (
            [v / ref_pd if v is not None else None for v in span] if span and ref_pd else None  # null: open end
        )
    return {"as_of": on.isoformat(), "reference": ref["id"], "chips": chosen, "ratio_to_reference": ratios}
