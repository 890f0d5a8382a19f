"""The bundled accelerator catalogue: sourced specifications under stable ids.

`data/accelerators.csv` is the sourced table (see its ACCELERATORS.md); `data/catalog_ids.csv`
gives each row its id. An empty cell is unknown, never zero: a chip without die area has no
performance density. Where the sources bound the total logic die area without stating it (a
measured compute die or a published estimate below, a package total or the reticle limit above),
`data/die_area_ranges.csv` gives the range with the basis of each end; the chip's performance
density is then a range too, never a single figure. Where the sources give only an upper bound
("< 600 mm²"), the lower end is open (an empty `lo_mm2`, its `lo_basis` saying no lower bound is
known): the density then has no upper bound, and classification decides only if every density
above the lowest gives the same ECCN. `data/published_tpp.csv` holds TPP figures
others have published for a chip, to check the catalogue's rates against: each says whether it
differs and why.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from longarm import metrics
from longarm.errors import DataError, Problem, UnknownChipError


@dataclass(frozen=True)
class AreaRange:
    """Bounds on a chip's applicable die area (mm²), each end with what supports it; `lo` None = no lower bound known."""

    lo: float | None
    hi: float
    lo_basis: str
    hi_basis: str
    source_quality: str
    source_urls: list[str]


@dataclass(frozen=True)
class PublishedTPP:
    """A TPP figure published by someone else for the chip, and why it differs from the catalogue's, if it does."""

    value: float
    publisher: str
    what_it_is: str
    differs_because: str
    source_quality: str
    source_urls: list[str]


@dataclass(frozen=True)
class Chip:
    id: str
    vendor: str
    model: str
    variant: str
    designer_country: str
    datacenter: bool | None
    die_area_mm2: float | None
    rates: dict[str, float]
    interconnect_bw_gbs: float | None
    memory_bw_gbs: float | None
    release_year: str
    process_node: str
    source_urls: list[str]
    notes: str
    raw: dict[str, str] = field(repr=False)
    die_area_range: AreaRange | None = None
    published_tpp: PublishedTPP | None = None

    @property
    def die_area_mm2_range(self) -> tuple[float | None, float] | None:
        """[lo, hi] mm² when the area is known only as a range (never alongside `die_area_mm2`); lo None = open."""
        r = self.die_area_range
        return (r.lo, r.hi) if r is not None and self.die_area_mm2 is None else None

    @property
    def performance_density_range(self) -> tuple[float, float] | None:
        """[lo, hi] performance density from the TPP and the die-area range (larger area, lower density);
        hi is `math.inf` when the area range is open below."""
        return metrics.performance_density_range(self.tpp, self.die_area_mm2_range)

    @property
    def tpp(self) -> float | None:
        best = metrics.tpp_from_rates(self.rates)
        return best[0] if best else None

    @property
    def deciding_precision(self) -> str | None:
        best = metrics.tpp_from_rates(self.rates)
        return best[1] if best else None

    @property
    def performance_density(self) -> float | None:
        return metrics.performance_density(self.tpp, self.die_area_mm2)

    @property
    def max_tops(self) -> float | None:
        return metrics.max_tops(self.rates)

    @property
    def process_node_nm(self) -> float | None:
        """The coarsest node named for the chip's dies ("5nm (XCD) + 6nm (IOD)" -> 6), None if none is
        named in nm ("4NP"). Marketing node names, not a foundry's attestation."""
        nodes = [float(n) for n in re.findall(r"(\d+(?:\.\d+)?)\s*nm", self.process_node)]
        return max(nodes) if nodes else None

    @property
    def includes_hbm(self) -> bool | None:
        """Whether the catalogue's memory type is high-bandwidth memory (None when not given)."""
        memory = self.raw.get("memory_type", "").strip()
        return memory.upper().startswith("HBM") if memory else None

    @property
    def caveats(self) -> list[str]:
        """What a reader must know about this row's figures before relying on them."""
        out = []
        if self.tpp is None:
            out.append(f"{self.id}: no dense throughput figure is published in the catalogue's sources; TPP unknown")
        elif "dense_int8_tops" not in self.rates and "dense_fp8_tflops" not in self.rates:
            out.append(
                f"{self.id}: no 8-bit figure in the sources; TPP {self.tpp:g} is computed from the "
                "precisions published and is a lower bound if the chip has faster 8-bit paths"
            )
        without_tf32 = metrics.tpp_from_rates({k: v for k, v in self.rates.items() if k != "dense_tf32_tflops"})
        if self.deciding_precision == "dense_tf32_tflops" and (
            without_tf32 is None or without_tf32[0] < (self.tpp or 0.0)
        ):
            out.append(
                f"{self.id}: TF32 decides TPP; counted as 32 bits (the container width); "
                "at 19 significant bits TPP would be lower"
            )
        area = self.die_area_mm2_range
        if area is not None:
            pd = self.performance_density_range
            quality = self.die_area_range.source_quality if self.die_area_range else ""
            if area[0] is None:
                bounds = f"at most {area[1]:g} mm², no lower bound known ({quality} bound)"
                density = f"performance density at least {pd[0]:.2f}, no upper bound" if pd else ""
            else:
                bounds = f"{area[0]:g} to {area[1]:g} mm² ({quality} bounds)"
                density = f"performance density {pd[0]:.2f} to {pd[1]:.2f}" if pd else ""
            out.append(
                f"{self.id}: total logic die area not in the sources, only bounds on it: {bounds}; "
                + (density or "performance density unknown")
            )
        elif self.die_area_mm2 is None:
            out.append(f"{self.id}: total logic die area not in the sources; performance density unknown")
        return out


def _number(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


def _read(name: str) -> str:
    return resources.files("longarm.data").joinpath(name).read_text("utf-8")


def _ranges(text: str) -> dict[str, AreaRange]:
    """The rows of die_area_ranges.csv (`text`) by chip id; an empty lo_mm2 is an open lower end."""
    out = {}
    for r in csv.DictReader(io.StringIO(text)):
        lo, hi = _number(r["lo_mm2"]), _number(r["hi_mm2"])
        if hi is None or not 0 < (lo if lo is not None else hi) <= hi:
            raise DataError(f"die_area_ranges.csv row {r['id']}: need 0 < lo_mm2 <= hi_mm2 (lo_mm2 may be empty)")
        if not r["lo_basis"].strip() or not r["hi_basis"].strip():
            # an open lower end says so: its basis records that no lower bound is known
            raise DataError(f"die_area_ranges.csv row {r['id']}: need lo_basis and hi_basis")
        out[r["id"]] = AreaRange(
            lo=lo,
            hi=hi,
            lo_basis=r["lo_basis"],
            hi_basis=r["hi_basis"],
            source_quality=r["source_quality"],
            source_urls=[u.strip() for u in r["source_urls"].split(";") if u.strip()],
        )
    return out


def _published_tpps() -> dict[str, PublishedTPP]:
    out = {}
    for r in csv.DictReader(io.StringIO(_read("published_tpp.csv"))):
        value = float(r["published_tpp"])
        if value <= 0:
            raise DataError(f"published_tpp.csv row {r['id']}: need published_tpp > 0")
        out[r["id"]] = PublishedTPP(
            value=value,
            publisher=r["publisher"],
            what_it_is=r["what_it_is"],
            differs_because=r["differs_because"],
            source_quality=r["source_quality"],
            source_urls=[u.strip() for u in r["source_urls"].split(";") if u.strip()],
        )
    return out


@cache
def chips() -> dict[str, Chip]:
    """Every catalogue chip by id, in the table's order."""
    ids = {(r["vendor"], r["model"], r["variant"]): r for r in csv.DictReader(io.StringIO(_read("catalog_ids.csv")))}
    ranges = _ranges(_read("die_area_ranges.csv"))
    published = _published_tpps()
    out: dict[str, Chip] = {}
    for row in csv.DictReader(io.StringIO(_read("accelerators.csv"))):
        key = (row["vendor"], row["model"], row["variant"])
        if None in row or None in row.values():
            raise DataError(f"accelerators.csv row {key} does not have one cell per column")
        if key not in ids:
            raise DataError(f"accelerators.csv row {key} has no id in catalog_ids.csv")
        meta = ids[key]
        rates = {k: v for k in metrics.PRECISION_BITS if (v := _number(row[k])) is not None}
        dc = row["datacenter"].strip().lower()
        chip = Chip(
            id=meta["id"],
            vendor=row["vendor"],
            model=row["model"],
            variant=row["variant"],
            designer_country=meta["designer_country"],
            datacenter=True if dc == "yes" else False if dc == "no" else None,
            die_area_mm2=_number(row["die_area_mm2"]),
            rates=rates,
            interconnect_bw_gbs=_number(row["interconnect_bw_gbs"]),
            memory_bw_gbs=_number(row["memory_bw_gbs"]),
            release_year=row["release_year"],
            process_node=row["process_node"],
            source_urls=[u.strip() for u in row["source_urls"].split(";") if u.strip()],
            notes=row["notes"],
            raw=dict(row),
            die_area_range=ranges.get(meta["id"]),
            published_tpp=published.get(meta["id"]),
        )
        out[chip.id] = chip
    if len(out) != len(ids):
        raise DataError("catalog_ids.csv and accelerators.csv disagree on the rows")
    if unknown := sorted(set(ranges) - set(out)):
        raise DataError(f"die_area_ranges.csv names ids not in the catalogue: {', '.join(unknown)}")
    if unknown := sorted(set(published) - set(out)):
        raise DataError(f"published_tpp.csv names ids not in the catalogue: {', '.join(unknown)}")
    return out


def get(chip_id: str, field_path: str = "catalog_id") -> Chip:
    """The chip with this id; UnknownChipError (naming `field_path`) otherwise."""
    try:
        return chips()[chip_id]
    except KeyError:
        near = [c for c in chips() if chip_id.lower().split("-")[-1] in c][:3]
        hint = f" (did you mean {', '.join(near)}?)" if near else " (see `longarm chips`)"
        shown = repr(chip_id) if len(chip_id) <= 80 else f"{chip_id[:80]!r}... ({len(chip_id):,} characters)"
        raise UnknownChipError(Problem(field_path, f"unknown catalogue id {shown}{hint}")) from None
