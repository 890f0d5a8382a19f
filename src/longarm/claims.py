"""Published performance claims checked against the catalogue's regulatory metrics.

A claim such as "the Ascend 910C reaches 60 % of the H100's inference performance" compares two
chips on a workload; 3A090 compares them on TPP and performance density. For each claim (dated,
sourced data in `data/claims.yaml`) this module computes the catalogue's TPP and density ratios
and whether the chip's ECCN would differ if its TPP and density were the reference chip's scaled
by the claimed ratio, i.e. if the claim were read as a statement about the regulatory metrics.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from longarm import catalog
from longarm.errors import DataError
from longarm.model import Item

UNDETERMINED = "UNDETERMINED"


class Figures(BaseModel):
    """The two figures a claim quotes; the ratio is computed from them."""

    model_config = ConfigDict(extra="forbid")
    chip: float = Field(gt=0)
    versus: float = Field(gt=0)
    unit: str


class Claim(BaseModel):
    """One published claim, as recorded in data/claims.yaml."""

    model_config = ConfigDict(extra="forbid")
    id: str
    claim: str
    said_by: str
    date: str | None
    chip: str
    versus: str
    assumed: str | None = None
    claimed_ratio: float | None = Field(default=None, gt=0)
    figures: Figures | None = None
    measures: str
    sources: list[str] = Field(min_length=1)
    source_quality: Literal["primary", "secondary"]

    @model_validator(mode="after")
    def _one_ratio(self) -> Claim:
        if (self.claimed_ratio is None) == (self.figures is None):
            raise ValueError("give either claimed_ratio or figures")
        if self.date is not None:
            parts = self.date.split("-")
            dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
        return self

    @property
    def ratio(self) -> float:
        if self.figures is not None:
            return self.figures.chip / self.figures.versus
        assert self.claimed_ratio is not None
        return self.claimed_ratio


@cache
def claims() -> tuple[Claim, ...]:
    """Every recorded claim; DataError if the file is malformed or names a chip not in the catalogue."""
    text = resources.files("longarm.data").joinpath("claims.yaml").read_text("utf-8")
    out = []
    for i, raw in enumerate(yaml.safe_load(text)):
        try:
            c = Claim.model_validate(raw)
        except ValidationError as e:
            raise DataError(f"claims.yaml entry {i}: {e}") from None
        for field in ("chip", "versus"):
            if getattr(c, field) not in catalog.chips():
                raise DataError(f"claims.yaml {c.id}: {field} {getattr(c, field)!r} is not a catalogue id")
        out.append(c)
    ids = [c.id for c in out]
    if len(set(ids)) != len(ids):
        raise DataError("claims.yaml: duplicate ids")
    return tuple(out)


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _density_span(chip: catalog.Chip) -> tuple[float, float] | None:
    if chip.performance_density is not None:
        return (chip.performance_density, chip.performance_density)
    return chip.performance_density_range


def would_change(actual: list[str], scaled: list[str]) -> bool | None:
    """True/False when both ECCNs are settled (or their candidates cannot meet); None when unknown."""
    if len(actual) == 1 and len(scaled) == 1:
        return actual != scaled
    if not set(actual) & set(scaled):
        return True
    return None


def scaled_item(chip: catalog.Chip, versus: catalog.Chip, ratio: float) -> Item | None:
    """The chip as the claim would have it: the reference chip's TPP × ratio and density × ratio.

    Scaling both by the same ratio keeps the reference's die area, so the hypothetical item has
    TPP = ratio × reference TPP on the reference's die area, and the chip's own datacenter label.
    Returns None when the reference's TPP is unknown.
    """
    if versus.tpp is None:
        return None
    return Item(
        tpp=ratio * versus.tpp,
        die_area_mm2=versus.die_area_mm2,
        datacenter=chip.datacenter,
    )


def check(claim: Claim, on: dt.date) -> dict[str, Any]:
    """One claim against the catalogue on `on` (contract: an entry of `claims --json`)."""
    from longarm.classify import classify

    chip, versus = catalog.get(claim.chip), catalog.get(claim.versus)
    ratio = claim.ratio
    actual = classify(Item(catalog_id=chip.id), on)
    item = scaled_item(chip, versus, ratio)
    if item is not None and versus.die_area_mm2 is None and versus.die_area_mm2_range is not None:
        item = None  # a reference known only by a die-area range: left to the range-aware catalogue path
    scaled = classify(item, on) if item is not None else None
    chip_span, versus_span = _density_span(chip), _density_span(versus)
    pd_range = None
    if chip.performance_density is None and chip_span and versus_span:
        pd_range = [chip_span[0] / versus_span[1], chip_span[1] / versus_span[0]]
    return {
        "id": claim.id,
        "claim": claim.claim,
        "source": claim.sources[0],
        "sources": claim.sources,
        "said_by": claim.said_by,
        "date": claim.date,
        "source_quality": claim.source_quality,
        "chip": chip.id,
        "versus": versus.id,
        "assumed": claim.assumed,
        "claimed_ratio": ratio,
        "claimed_figures": claim.figures.model_dump() if claim.figures else None,
        "tpp_ratio": _ratio(chip.tpp, versus.tpp),
        "performance_density_ratio": _ratio(chip.performance_density, versus.performance_density),
        "performance_density_ratio_range": pd_range,
        "measures": claim.measures,
        "as_of": on.isoformat(),
        "eccn": actual.eccn,
        "eccn_candidates": actual.candidates,
        "eccn_if_scaled": scaled.eccn if scaled else UNDETERMINED,
        "eccn_if_scaled_candidates": scaled.candidates if scaled else [],
        "scaled_tpp": item.tpp if item else None,
        "scaled_performance_density": scaled.performance_density if scaled else None,
        "eccn_would_change": would_change(actual.candidates, scaled.candidates) if scaled else None,
    }


def checked(on: dt.date) -> list[dict[str, Any]]:
    """Every recorded claim checked on `on`, in the file's order."""
    return [check(c, on) for c in claims()]
