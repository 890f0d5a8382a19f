"""Published performance claims checked against the catalogue's regulatory metrics.

A claim such as "the Ascend 910C delivers 60 % of the H100's inference performance" compares two
chips on a workload; 3A090 compares chips on total processing performance (TPP) and performance
density. For each claim (dated, sourced data in `data/claims.yaml`) this module gives the ratios
the catalogue's TPP and density give, and the ECCN the chip would have if the claim were true of
the metric it is read along:

- a claim about performance density (`metric: performance_density`) sets the chip's density to the
  claimed multiple of the reference chip's and keeps the chip's own TPP;
- any other claim (a workload, a peak rate, an unspecified "performance") is read as a TPP ratio:
  the chip's TPP becomes the claimed multiple of the reference chip's TPP, on the chip's own die
  area (a claim about speed does not change the silicon), so its density follows from that area —
  a range where the catalogue has only a range, unknown where it has none.

Nothing is averaged: a range stays a range, an unknown stays unknown, and the ECCN is compared
only when both answers are settled (or cannot meet).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from longarm import catalog
from longarm.errors import DataError, InputError, Problem
from longarm.model import Item

UNDETERMINED = "UNDETERMINED"
Metric = Literal["workload", "peak_rate", "tpp", "performance_density", "unspecified"]
Along = Literal["tpp", "performance_density"]
RULE_MEASURES = (
    "3A090 measures TPP (2 × MacTOPS × bit length of the operation, dense rates, the highest over bit "
    "lengths) and performance density (TPP / applicable die area)"
)
METRIC_WORDS = {
    "workload": "a workload result (model, software and precision included), not a peak rate",
    "peak_rate": "a peak rate at one precision, TPP's ingredient but not TPP itself",
    "tpp": "TPP itself",
    "performance_density": "performance density",
    "unspecified": "'performance' the source does not specify",
}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class Figures(BaseModel):
    """The two figures a claim quotes; the ratio is computed from them."""

    model_config = ConfigDict(extra="forbid")
    chip: float = Field(gt=0)
    versus: float = Field(gt=0)
    unit: str


class Claim(BaseModel):
    """One published claim, as recorded in data/claims.yaml (see the file's header for the fields)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$")
    claim: str = Field(min_length=1)
    translation: str | None = None
    said_by: str = Field(min_length=1)
    date: str
    date_basis: str | None = None
    chip: str
    versus: str
    assumed: str | None = None
    claimed_ratio: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    figures: Figures | None = None
    metric: Metric
    measures: str = Field(min_length=1)
    sources: list[str] = []
    source_quality: Literal["primary", "secondary", "hypothetical"]

    @field_validator("date")
    @classmethod
    def _iso_date(cls, v: str) -> str:
        if not _DATE.match(v):
            raise ValueError("must be YYYY, YYYY-MM or YYYY-MM-DD")
        parts = [int(p) for p in v.split("-")]
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        return v

    @field_validator("sources")
    @classmethod
    def _urls(cls, v: list[str]) -> list[str]:
        bad = [u for u in v if not u.startswith("https://")]
        if bad:
            raise ValueError(f"not an https URL: {bad[0]!r}")
        return v

    @model_validator(mode="after")
    def _one_ratio(self) -> Claim:
        if (self.claimed_ratio is None) == (self.figures is None):
            raise ValueError("give either claimed_ratio or figures")
        if self.chip == self.versus:
            raise ValueError("chip and versus are the same")
        if (self.source_quality == "hypothetical") != (not self.sources):
            raise ValueError("a published claim needs its sources; only a hypothetical one has none")
        return self

    @property
    def ratio(self) -> float:
        if self.figures is not None:
            return self.figures.chip / self.figures.versus
        assert self.claimed_ratio is not None
        return self.claimed_ratio

    @property
    def along(self) -> Along:
        """The regulatory metric the claim is read along."""
        return "performance_density" if self.metric == "performance_density" else "tpp"

    def missing_ids(self) -> list[str]:
        """The claim's chip ids that are not (yet) in the catalogue."""
        return [i for i in (self.chip, self.versus) if i not in catalog.chips()]


def parse(text: str, name: str = "claims.yaml") -> tuple[Claim, ...]:
    """The claims in a claims.yaml text, checked or waiting; DataError if it is malformed."""
    out = []
    for i, raw in enumerate(yaml.safe_load(text) or []):
        try:
            c = Claim.model_validate(raw)
        except ValidationError as e:
            raise DataError(f"{name} entry {i}: {e}") from None
        if c.source_quality == "hypothetical":
            raise DataError(f"{name} {c.id}: the file holds published claims only")
        out.append(c)
    ids = [c.id for c in out]
    if len(set(ids)) != len(ids):
        raise DataError(f"{name}: duplicate ids")
    return tuple(out)


@cache
def recorded() -> tuple[Claim, ...]:
    """Every claim in the bundled data/claims.yaml."""
    return parse(resources.files("longarm.data").joinpath("claims.yaml").read_text("utf-8"))


def claims(among: tuple[Claim, ...] | None = None) -> tuple[Claim, ...]:
    """The claims whose chips are both in the catalogue: the ones `longarm claims` checks."""
    return tuple(c for c in (recorded() if among is None else among) if not c.missing_ids())


def waiting(among: tuple[Claim, ...] | None = None) -> list[dict[str, Any]]:
    """Claims not checked because a chip they name is not a catalogue id yet, with the ids missing."""
    return [
        {"id": c.id, "missing": c.missing_ids()} for c in (recorded() if among is None else among) if c.missing_ids()
    ]


def get(claim_id: str, field: str = "--claim", among: tuple[Claim, ...] | None = None) -> Claim:
    """The checkable claim with this id; InputError naming `field` (with the valid ids) otherwise."""
    among = recorded() if among is None else among
    for c in among:
        if c.id == claim_id:
            if c.missing_ids():
                raise InputError(
                    Problem(field, f"claim {claim_id!r} waits for catalogue id {', '.join(c.missing_ids())}")
                )
            return c
    valid = ", ".join(c.id for c in claims(among))
    raise InputError(Problem(field, f"unknown claim id {_quoted(claim_id)}; valid ids: {valid}"))


def _quoted(text: str, limit: int = 80) -> str:
    """A user's id for a message: quoted, and cut short when it is long (the message stays readable)."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"... ({len(text):,} characters)"


def hypothetical(chip: str, versus: str, ratio: float, along: Along = "tpp") -> Claim:
    """A claim given by the user (no published source): `chip` is `ratio` × `versus` along `along`."""
    problems = []
    for field, value in (("--chip", chip), ("--versus", versus)):
        if value not in catalog.chips():
            problems.append(Problem(field, f"unknown catalogue id {_quoted(value)} (see `longarm chips`)"))
    if not math.isfinite(ratio):
        problems.append(Problem("--ratio", "must be a finite number"))
    elif not ratio > 0:
        problems.append(Problem("--ratio", "must be > 0"))
    elif versus in catalog.chips():
        # the chip if true must be a number: a ratio whose product overflows is refused, not answered as inf
        ref = catalog.get(versus)
        figures = [ref.tpp] if along == "tpp" else [ref.performance_density, *(ref.performance_density_range or ())]
        if any(v is not None and math.isfinite(v) and not math.isfinite(ratio * v) for v in figures):
            words = "performance density" if along == "performance_density" else "TPP"
            problems.append(
                Problem("--ratio", f"too large: {ratio:g} × the {words} of {versus} is not a finite number")
            )
    if chip == versus:
        problems.append(Problem("--versus", "must differ from --chip"))
    if problems:
        raise InputError(problems)
    metric: Metric = "performance_density" if along == "performance_density" else "tpp"
    words = "performance density" if along == "performance_density" else "TPP"
    return Claim(
        id="hypothetical",
        claim=f"{chip} has {ratio:g} times the {words} of {versus}",
        said_by="a hypothetical claim given on the command line",
        date=dt.date.today().isoformat(),
        chip=chip,
        versus=versus,
        claimed_ratio=ratio,
        metric=metric,
        measures=f"{words}, as given",
        source_quality="hypothetical",
    )


Span = tuple[float, float]


def _span(value: float | None, span: Span | None) -> Span | None:
    """A known figure as a zero-width span, a range as itself, unknown as None."""
    if value is not None:
        return (value, value)
    return span


def _shown(span: Span | None) -> float | list[float | None] | None:
    """A span for output: the number when both ends agree, [lo, hi] otherwise ([lo, None] when it has no
    upper end, as for a die area bounded only from above), None when unknown."""
    if span is None:
        return None
    lo, hi = span
    if math.isinf(hi):
        return [lo, None]
    return lo if abs(hi - lo) <= 1e-12 * max(1.0, abs(hi)) else [lo, hi]


def _divide(a: Span | None, b: Span | None) -> Span | None:
    if a is None or b is None or b[0] <= 0:
        return None
    return (a[0] / b[1], a[1] / b[0])


def _sorted(candidates: set[str] | list[str]) -> list[str]:
    from longarm.rules.classification import UNCLASSIFIED

    return sorted(candidates, key=lambda e: (e == UNCLASSIFIED, e))


def would_change(actual: list[str], scaled: list[str]) -> bool | None:
    """True/False when both ECCNs are settled (or their candidates cannot meet); None when unknown."""
    if len(actual) == 1 and len(scaled) == 1:
        return actual != scaled
    if not set(actual) & set(scaled):
        return True
    return None


def if_true(claim: Claim, on: dt.date) -> tuple[float | None, Span | None, list[str]]:
    """The chip as the claim would have it on `on`: (TPP, performance-density span, ECCN candidates).

    Along TPP: TPP = ratio × the reference's TPP, on the chip's own die area (known, a range, or
    unknown). Along performance density: density = ratio × the reference's density (a range if the
    reference's is a range), with the chip's own TPP.
    """
    from longarm import metrics
    from longarm.rules import classification as cls

    chip, versus = catalog.get(claim.chip), catalog.get(claim.versus)
    ratio = claim.ratio
    if claim.along == "performance_density":
        tpp = chip.tpp
        ref = _span(versus.performance_density, versus.performance_density_range)
        density = (ratio * ref[0], ratio * ref[1]) if ref else None
    else:
        tpp = ratio * versus.tpp if versus.tpp is not None else None
        if chip.die_area_mm2 is not None:
            pd = metrics.performance_density(tpp, chip.die_area_mm2)
            density = (pd, pd) if pd is not None else None
        else:
            density = metrics.performance_density_range(tpp, chip.die_area_mm2_range)
    max_tops = None
    if tpp is not None and chip.max_tops is not None and chip.tpp:
        max_tops = chip.max_tops * tpp / chip.tpp
    point = density is not None and density[0] == density[1]
    facts = cls.ICFacts(
        tpp=tpp,
        performance_density=density[0] if density is not None and point else None,
        datacenter=chip.datacenter,
        io_gbs=None,
        max_tops=max_tops,
        io_gbs_at_least=chip.interconnect_bw_gbs,
        performance_density_range=density if not point else None,
    )
    return tpp, density, _sorted(cls.classify_ic(facts, on).candidates)


def check(claim: Claim, on: dt.date) -> dict[str, Any]:
    """One claim against the catalogue on `on`: everything the table, the chart and --json need."""
    from longarm.classify import classify

    chip, versus = catalog.get(claim.chip), catalog.get(claim.versus)
    actual = classify(Item(catalog_id=chip.id), on)
    tpp_true, pd_true, scaled = if_true(claim, on)
    chip_pd = _span(chip.performance_density, chip.performance_density_range)
    versus_pd = _span(versus.performance_density, versus.performance_density_range)
    tpp_ratio = chip.tpp / versus.tpp if chip.tpp is not None and versus.tpp else None
    return {
        "id": claim.id,
        "claim": claim.claim,
        "translation": claim.translation,
        "said_by": claim.said_by,
        "date": claim.date,
        "date_basis": claim.date_basis,
        "sources": claim.sources,
        "source_quality": claim.source_quality,
        "chip": chip.id,
        "versus": versus.id,
        "assumed": claim.assumed,
        "claimed_ratio": claim.ratio,
        "claimed_figures": claim.figures.model_dump() if claim.figures else None,
        "metric": claim.metric,
        "measures": claim.measures,
        "along": claim.along,
        "tpp_ratio": tpp_ratio,
        "performance_density_ratio": _shown(_divide(chip_pd, versus_pd)),
        "as_of": on.isoformat(),
        "tpp": chip.tpp,
        "performance_density": _shown(chip_pd),
        "eccn": actual.eccn,
        "eccn_candidates": actual.candidates,
        "tpp_if_true": tpp_true,
        "performance_density_if_true": _shown(pd_true),
        "eccn_if_true": scaled[0] if len(scaled) == 1 else UNDETERMINED,
        "eccn_if_true_candidates": scaled,
        "eccn_would_change": would_change(actual.candidates, scaled),
    }


def contract(row: dict[str, Any]) -> dict[str, Any]:
    """A checked claim as the contract's `claims --json` entry: its nine keys and the density range.

    `source` is the quoted URL followed by who said it, when and the source quality; `measures`
    says what the claim measures against what the rule measures, and any assumption about the
    chips. As `chips` does for a die area known only as a range, `performance_density_ratio` is then
    null and `performance_density_ratio_range` holds [lo, hi] (null otherwise); both are null where a
    die area is unknown.
    """
    when = row["date"] + (f" ({row['date_basis']})" if row["date_basis"] else "")
    if row["sources"]:
        source = f"{row['sources'][0]} ({row['said_by']}; {when}; {row['source_quality']} source)"
    else:
        source = f"no published source: {row['said_by']}"
    along = "TPP" if row["along"] == "tpp" else "performance density"
    measures = (
        f"the claim measures {row['measures']} — {METRIC_WORDS[row['metric']]}; {RULE_MEASURES}; read along {along}"
    )
    if row["assumed"]:
        measures += f"; assumption: {row['assumed']}"
    ratio = row["performance_density_ratio"]
    out = {
        "claim": row["claim"],
        "source": source,
        "chip": row["chip"],
        "versus": row["versus"],
        "claimed_ratio": row["claimed_ratio"],
        "tpp_ratio": row["tpp_ratio"],
        "performance_density_ratio": None if isinstance(ratio, list) else ratio,
        "performance_density_ratio_range": ratio if isinstance(ratio, list) else None,
        "measures": measures,
        "eccn_would_change": row["eccn_would_change"],
    }
    return out


def checked(on: dt.date) -> list[dict[str, Any]]:
    """Every checkable claim checked on `on`, in the file's order."""
    return [check(c, on) for c in claims()]
