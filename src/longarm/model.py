"""The public data shapes: the Transaction a user gives and the Determination longarm returns.

Field names follow the public contract (`contract.md`, version 2; every version-1 input is
still valid). Every input model forbids
unknown fields: a misspelt field must fail loudly, never change an answer silently. A field
that is absent is *unknown* (None), never assumed false.
"""

from __future__ import annotations

import builtins
import datetime as dt
import math
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

CONTRACT_VERSION = "2"
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)  # past this a date is a typo, not a plan

Activity = Literal["export", "reexport", "transfer", "use"]
ItemType = Literal["ic", "computer", "hbm", "other"]
Role = Literal["end_user", "ultimate_consignee", "intermediate_consignee", "purchaser"]
EndUse = Literal[
    "supercomputer",
    "advanced_node_ic_production",
    "military",
    "military_intelligence",
    "wmd",
    "ai_model_training",
    "datacenter",
    "technical_evaluation",
]
Posture = Literal["text", "enforced"]
Outcome = Literal["NLR", "LICENSE_EXCEPTION", "LICENSE_REQUIRED", "PROHIBITED", "UNDETERMINED"]
ExporterRole = Literal["manufacturer", "distributor", "front_end_fabricator", "osat", "cloud_provider", "other"]
PartyType = Literal["organization", "person", "vessel"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)  # no "15832" or true for a number


# ISO 3166-1 alpha-2: every code pycountry lists (a test keeps the two equal). A set, so that
# validating a transaction neither imports pycountry nor loads its database.
ISO_3166_ALPHA_2 = frozenset(
    (
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS "
        "BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE "
        "EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM "
        "HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC "
        "LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA "
        "NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW "
        "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO "
        "TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW "
    ).split()
)


def country_code(value: str | None) -> str | None:
    """Validate an ISO 3166-1 alpha-2 code (upper-cased)."""
    if value is None:
        return None
    code = value.strip().upper()
    if len(code) != 2 or code not in ISO_3166_ALPHA_2:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


COUNTRY_GROUPS = frozenset(
    {"A:1", "A:2", "A:3", "A:4", "A:5", "A:6", "B", "D:1", "D:2", "D:3", "D:4", "D:5", "E:1", "E:2"}
)


def iso_date_only(value: object) -> object:
    """Only a date or a YYYY-MM-DD string: not a number (days since 1970?), not a time of day."""
    if isinstance(value, bool | int | float):
        raise ValueError("must be a date (YYYY-MM-DD), not a number")
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")
    return value


def plausible(value: dt.date) -> dt.date:
    if value < EARLIEST_DATE:
        raise ValueError(f"must be on or after {EARLIEST_DATE.isoformat()}")
    if value > LATEST_DATE:
        raise ValueError(f"must be on or before {LATEST_DATE.isoformat()}")
    return value


def finite_positive(value: float | None) -> float | None:
    if value is None:
        return None
    if math.isnan(value) or math.isinf(value):
        raise ValueError("must be a finite number")
    if value <= 0:
        raise ValueError("must be > 0")
    return value


def _known_tpp(info: ValidationInfo) -> float | None:
    """The TPP an item's die area divides: the one given, else its catalogue chip's (if the id is known)."""
    tpp = info.data.get("tpp")
    if tpp is None and info.data.get("catalog_id"):
        from longarm import catalog

        chip = catalog.chips().get(info.data["catalog_id"])
        tpp = chip.tpp if chip is not None else None
    return tpp


def dividing_area(value: float | None, info: ValidationInfo) -> float | None:
    """A die area whose performance density (TPP / area) is a number: a subnormal area under a real
    TPP would make it infinite, and an infinite density is neither JSON nor a fact."""
    tpp = _known_tpp(info)
    if value is not None and tpp is not None and not math.isfinite(tpp / value):
        raise ValueError(f"too small for a TPP of {tpp:g}: the performance density (TPP / area) is not a finite number")
    return value


def units_tpp(units: list[Unit]) -> float:
    """TPP over processing units (0 when only sparse rates are given), to check it is finite."""
    from longarm.metrics import tpp_from_units

    return tpp_from_units(units) or 0.0


class Unit(Strict):
    """One processing unit's dense peak rate at one bit length.

    Entries with the same `unit` name are alternative bit lengths of the same processing
    unit (the highest TPP counts); entries with different names are different units and
    are added up (3A090 Technical Note 1.d).
    """

    count: int = Field(1, ge=1)
    tops: float | None = None
    mactops: float | None = None
    bit_length: int = Field(..., ge=1, le=256)
    unit: str = "unit"
    sparse: bool = False

    _positive = field_validator("tops", "mactops")(finite_positive)

    @model_validator(mode="after")
    def one_rate(self) -> Unit:
        if (self.tops is None) == (self.mactops is None):
            raise ValueError("give exactly one of tops or mactops")
        return self


class Contained(Strict):
    """An IC inside a computer, electronic assembly or component (4A090)."""

    catalog_id: str | None = None
    count: int = Field(1, ge=1)
    tpp: float | None = None
    die_area_mm2: float | None = None
    datacenter: bool | None = None

    _positive = field_validator("tpp", "die_area_mm2")(finite_positive)
    _area = field_validator("die_area_mm2")(dividing_area)


def real_name(value: str) -> str:
    """A party name with something in it besides whitespace and control characters."""
    if not "".join(ch for ch in value if ch.isprintable()).strip():
        raise ValueError("must not be blank")
    return value


class PartyRef(Strict):
    name: str = Field(..., min_length=1)
    country: str | None = None

    _cc = field_validator("country")(country_code)
    _name = field_validator("name")(real_name)


class Designer(PartyRef):
    """The IC designer; `approved_or_authorized` feeds foundry due diligence (Note 1 to 3A090.a)."""

    approved_or_authorized: bool | None = None


ECCN_FORM = re.compile(r"(EAR99|[0-9][A-E][0-9]{3}(\.[A-Z0-9]+)*)", re.ASCII)


def eccn_list(value: list[str] | None) -> list[str] | None:
    """A list of ECCNs (or EAR99), upper-cased, each once; None (unknown) stays None, [] means "none".

    Each entry must be an ECCN as written in the CCL, whole ("3A001", "3A001.a.2"): the rules read the
    Category from its first character, so a full-width or other non-ASCII digit ("３A001", "٣A001")
    must not pass as an ECCN of no Category. Full-width forms are folded (NFKC) to ASCII first.
    """
    if value is None:
        return None
    out: list[str] = []
    for i, raw in enumerate(value):
        v = unicodedata.normalize("NFKC", raw).strip().upper()
        if not ECCN_FORM.fullmatch(v):
            shown = repr(v) if len(v) <= 40 else repr(v[:40]) + "..."
            raise ValueError(f"{shown} is not an ECCN (entry {i}; e.g. 3A001, 3A001.a.2 or EAR99)")
        out.append(v)
    return list(dict.fromkeys(out))


class ForeignDirectProduct(Strict):
    """Facts for 15 CFR 734.9: ECCNs of the US technology/software behind the item or its plant.

    None means unknown; an empty list means "none".
    """

    direct_product_of: list[str] | None = None
    plant_direct_product_of: list[str] | None = None

    _eccns = field_validator("direct_product_of", "plant_direct_product_of")(eccn_list)


class Item(Strict):
    catalog_id: str | None = Field(None, min_length=1)
    name: str | None = None
    type: ItemType = "ic"
    eccn: str | None = None
    tpp: float | None = None
    die_area_mm2: float | None = None
    datacenter: bool | None = None
    bidirectional_transfer_rate_gbs: float | None = None
    memory_bandwidth_density: float | None = None
    memory_bandwidth_gbs: float | None = None
    package_area_mm2: float | None = None
    units: list[Unit] | None = None
    contains: list[Contained] | None = None
    origin_country: str | None = None
    us_controlled_content_pct: float | None = Field(None, ge=0, le=100, allow_inf_nan=False)
    us_origin_ics: list[str] | None = None
    producer: PartyRef | None = None
    designer: Designer | None = None
    foreign_direct_product: ForeignDirectProduct | None = None
    process_node_nm: float | None = None
    nonplanar_transistors: bool | None = None
    transistor_count: int | None = Field(None, ge=1)
    includes_hbm: bool | None = None

    _positive = field_validator(
        "tpp",
        "die_area_mm2",
        "bidirectional_transfer_rate_gbs",
        "memory_bandwidth_density",
        "memory_bandwidth_gbs",
        "package_area_mm2",
        "process_node_nm",
    )(finite_positive)
    _cc = field_validator("origin_country")(country_code)
    _ics = field_validator("us_origin_ics")(eccn_list)
    _area = field_validator("die_area_mm2")(dividing_area)

    @field_validator("units")
    @classmethod
    def _finite_tpp(cls, value: list[Unit] | None, info: ValidationInfo) -> list[Unit] | None:
        if value is None or info.data.get("tpp") is not None:
            return value  # a given TPP wins over the units'
        tpp = units_tpp(value)
        if not math.isfinite(tpp):
            raise ValueError("the TPP they give (count × rate × bit length, summed) is not a finite number")
        area = info.data.get("die_area_mm2")
        if area is not None and tpp and not math.isfinite(tpp / area):
            raise ValueError(
                f"their TPP {tpp:g} over die_area_mm2 {area:g}: the performance density is not a finite number"
            )
        return value


class Party(Strict):
    role: Role
    name: str = Field(..., min_length=1)
    country: str | None = None
    headquarters_country: str | None = None
    ultimate_parent_headquarters_country: str | None = None
    owned_50pct_by_listed_entity: bool | None = None
    type: PartyType | None = None

    _cc = field_validator("country", "headquarters_country", "ultimate_parent_headquarters_country")(country_code)
    _name = field_validator("name")(real_name)


def letter_destination(value: str) -> str:
    """A letter's destination: a country code (upper-cased, as everywhere else) or a Country Group."""
    code = value.strip().upper()
    return code if code in COUNTRY_GROUPS else str(country_code(code))


def letter_item(value: str) -> str:
    """A letter's item: a catalogue id (lower-cased) or an ECCN prefix (upper-cased)."""
    from longarm import catalog

    v = value.strip()
    if v.lower() in catalog.chips():
        return v.lower()
    if re.fullmatch(r"\d[A-E]\d{3}.*", v.upper()):
        return v.upper()
    raise ValueError(f"{v!r} is neither a catalogue id nor an ECCN prefix (3A090)")


class IsInformed(Strict):
    """A letter informing this exporter of a license requirement (744.21(b), 744.23(b), ...).

    `items` entries are catalogue ids or ECCN prefixes; `destinations` entries are country codes
    or Country Groups ("D:5")."""

    citation: str = Field(..., min_length=1)
    date: dt.date = Field(strict=False)
    items: list[Annotated[str, AfterValidator(letter_item)]] = Field(default_factory=list)
    destinations: list[Annotated[str, AfterValidator(letter_destination)]] = Field(default_factory=list)
    text: str | None = None

    _citation = field_validator("citation")(real_name)
    _date = field_validator("date", mode="before")(lambda v: iso_date_only(v))

    @field_validator("date")
    @classmethod
    def _plausible(cls, value: dt.date) -> dt.date:
        return plausible(value)


class Exporter(Strict):
    name: str | None = None
    country: str | None = None
    us_person: bool | None = None
    role: ExporterRole | None = None
    is_informed: list[IsInformed] | None = None

    _cc = field_validator("country")(country_code)
    _name = field_validator("name")(lambda v: None if v is None else real_name(v))


class Transaction(Strict):
    as_of: dt.date = Field(default_factory=dt.date.today, strict=False)
    activity: Activity = "export"
    from_country: str | None = None
    to_country: str
    item: Item = Field(default_factory=Item)
    parties: list[Party] = Field(default_factory=list)
    end_uses: list[EndUse] | None = None
    exporter: Exporter = Field(default_factory=Exporter)
    posture: Posture = "text"

    _cc = field_validator("from_country", "to_country")(country_code)

    @field_validator("as_of", mode="before")
    @classmethod
    def iso_date(cls, value: object) -> object:
        """Only a date or an ISO date string: an integer is not read as days since 1970."""
        return iso_date_only(value)

    @field_validator("as_of")
    @classmethod
    def plausible_date(cls, value: dt.date) -> dt.date:
        return plausible(value)


# ---- output ---------------------------------------------------------------------------


class Citation(BaseModel):
    """One step of reasoning: the paragraph that produced it and what it says here."""

    citation: str
    text: str


class ItemResult(BaseModel):
    eccn: str
    candidates: list[str] = Field(default_factory=list)
    tpp: float | None = None
    performance_density: float | None = None
    memory_bandwidth_density: float | None = None
    datacenter: bool | None = None
    declared_eccn: str | None = None
    reasons: list[Citation] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list)


class LicenseRequirement(BaseModel):
    citation: str
    reason: str
    review_policy: str | None = None
    text: str


class Condition(BaseModel):
    """One condition of a License Exception and whether the facts show it met."""

    text: str
    status: Literal["met", "not_met", "to_confirm"]


class LicenseException(BaseModel):
    name: str
    citation: str
    text: str
    conditions: list[Condition] = Field(default_factory=list)


class Question(BaseModel):
    """A fact that would settle an undetermined answer, named by its input field path."""

    field: str
    text: str

    @classmethod
    def parse(cls, question: str | Question) -> Question:
        """A question written as 'What ...? (item.tpp or item.units)': the field path is the
        first path in the trailing parentheses."""
        if isinstance(question, Question):
            return question
        text, _, tail = question.rstrip().rpartition(" (")
        if not text or not tail.endswith(")"):
            return cls(field="(input)", text=question)
        path = tail[:-1].replace(",", " ").split()[0]
        return cls(field=path, text=question)

    def __str__(self) -> str:
        return self.text


class ForeignLawFlag(BaseModel):
    """Another jurisdiction's measure bearing on the transaction: informational only."""

    jurisdiction: str
    measure: str
    citation: str
    as_of_source: str | None = None
    text: str


class GeneralProhibition(BaseModel):
    number: int
    citation: str
    text: str


class ScreeningHit(BaseModel):
    party: str
    name: str
    list: str
    matched_name: str
    score: float
    citation: str
    entity_number: str | None = None
    license_requirement: str | None = None
    license_policy: str | None = None
    federal_register: str | None = None
    footnotes: builtins.list[int] = Field(default_factory=builtins.list)  # `list` is a field here
    lists_version: str | None = None


class Determination(BaseModel):
    contract: str = CONTRACT_VERSION
    as_of: dt.date
    ruleset: str
    item: ItemResult
    posture: Posture
    outcome: Outcome
    subject_to_ear: bool | None
    subject_to_ear_reasons: list[Citation] = Field(default_factory=list)
    license_required: bool | None
    license_requirements: list[LicenseRequirement] = Field(default_factory=list)
    license_exceptions: list[LicenseException] = Field(default_factory=list)
    general_prohibitions: list[GeneralProhibition] = Field(default_factory=list)
    screening: list[ScreeningHit] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    foreign_law_flags: list[ForeignLawFlag] = Field(default_factory=list)
    findings: list[Citation] = Field(default_factory=list)

    @field_validator("questions", mode="before")
    @classmethod
    def _questions(cls, value: list[str | Question]) -> list[Question]:
        out: list[Question] = []
        for q in value:
            parsed = Question.parse(q)
            if parsed not in out:
                out.append(parsed)
        return out
