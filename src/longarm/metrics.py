"""The regulatory metrics of ECCN 3A090: TPP, performance density, memory bandwidth density.

Units: TOPS/TFLOPS are 10^12 operations per second (a multiply-accumulate counts as two,
as on datasheets); MacTOPS are 10^12 multiply-accumulates per second; areas are mm²;
bandwidth is GB/s. Values are kept unrounded; thresholds are compared on the unrounded
value with a tolerance of 1e-9 (so 4736 / 800 counts as exactly 5.92, not as 5.9199999).
Display rounds TPP to one decimal and densities to two.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from longarm.model import Unit

TOLERANCE = 1e-9

# Bit length of each dense-rate column of the accelerator table (ACCELERATORS.md).
PRECISION_BITS: dict[str, int] = {
    "dense_fp64_tflops": 64,
    "dense_fp32_tflops": 32,
    "dense_tf32_tflops": 32,
    "dense_fp16_tflops": 16,
    "dense_bf16_tflops": 16,
    "dense_fp8_tflops": 8,
    "dense_int8_tops": 8,
    "dense_int4_tops": 4,
}


def at_least(value: float, threshold: float) -> bool:
    """`value` is "threshold or more" (to the metrics' tolerance)."""
    return value >= threshold - TOLERANCE * max(1.0, abs(threshold))


def greater_than(value: float, threshold: float) -> bool:
    """`value` is "greater than threshold" (to the metrics' tolerance)."""
    return value > threshold + TOLERANCE * max(1.0, abs(threshold))


def tpp_of_rate(tops: float, bit_length: int) -> float:
    """TPP of one dense rate: 2 × MacTOPS × bit length, and 2 × MacTOPS is the TOPS figure."""
    return tops * bit_length


def tpp_from_units(units: Iterable[Unit]) -> float | None:
    """TPP aggregated over processing units, each at its highest bit-length TPP.

    3A090 Technical Notes 1.d and 2: aggregate over all processing units; where a unit
    supports several bit lengths, the highest TPP counts. Sparse rates are not used
    (Note 3): returns None when only sparse figures were given.
    """
    best: dict[str, float] = defaultdict(float)
    for u in units:
        if u.sparse:
            continue
        tops = u.tops if u.tops is not None else 2 * (u.mactops or 0.0)
        best[u.unit] = max(best[u.unit], u.count * tpp_of_rate(tops, u.bit_length))
    return sum(best.values()) if best else None


def tpp_from_rates(rates: dict[str, float]) -> tuple[float, str] | None:
    """Highest `rate × bits` over the dense-rate columns present, with the deciding column."""
    terms = [(tpp_of_rate(v, PRECISION_BITS[k]), k) for k, v in rates.items() if v is not None]
    return max(terms) if terms else None


def max_tops(rates: dict[str, float]) -> float | None:
    """The highest dense rate in TOPS/TFLOPS at any precision (3A991.p's 'processing performance')."""
    values = [v for v in rates.values() if v is not None]
    return max(values) if values else None


def performance_density(tpp: float | None, die_area_mm2: float | None) -> float | None:
    """TPP divided by applicable die area (mm²), or None when either is unknown.

    The inputs are checked (`model.dividing_area`) so that this is a number; should a quotient still
    overflow, it is refused rather than carried on as an infinite density.
    """
    if tpp is None or die_area_mm2 is None:
        return None
    density = tpp / die_area_mm2
    if not math.isfinite(density):
        from longarm.errors import InputError, Problem

        raise InputError(
            Problem("item.die_area_mm2", f"TPP {tpp:g} / die area {die_area_mm2:g} is not a finite number")
        )
    return density


def performance_density_range(
    tpp: float | None, die_area_mm2_range: tuple[float | None, float] | None
) -> tuple[float, float] | None:
    """[lo, hi] performance density over a die-area range (the larger area gives the lower density).

    An area range open below (lower end None: only an upper bound is known) gives a density with
    no upper bound, `math.inf`, so the classification over the range sees every density above lo.
    """
    if tpp is None or die_area_mm2_range is None:
        return None
    lo_area, hi_area = die_area_mm2_range
    return (tpp / hi_area, tpp / lo_area if lo_area is not None else math.inf)


def memory_bandwidth_density(bandwidth_gbs: float | None, area_mm2: float | None) -> float | None:
    """Memory bandwidth (GB/s) per mm² of package or stack, or None when either is unknown."""
    if bandwidth_gbs is None or area_mm2 is None:
        return None
    return bandwidth_gbs / area_mm2
