"""The restricted-party lists: the Consolidated Screening List bundled with longarm.

Each entry keeps its list, entity number, license requirement and policy, Federal Register
citation, programmes and countries, so the rules can apply Entity List footnotes and policies.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

LIST_CODES = {
    "Entity List (EL) - Bureau of Industry and Security": "Entity List",
    "Denied Persons List (DPL) - Bureau of Industry and Security": "Denied Persons List",
    "Unverified List (UVL) - Bureau of Industry and Security": "Unverified List",
    "Military End User (MEU) List - Bureau of Industry and Security": "Military End User List",
    "Specially Designated Nationals (SDN) - Treasury Department": "SDN List",
}

_FOOTNOTES = (
    (1, re.compile(r"734\.9\(e\)\s?1\b")),
    (2, re.compile(r"EAR\)?\s?2\.?$")),
    (3, re.compile(r"734\.9\(g\),?\s?3\b")),
    (4, re.compile(r"734\.9\(e\)\(2\)|\)\s?4\.?$")),
    (5, re.compile(r"734\.9\(e\)\(3\)|734\.4\(a\)\(9\)")),
)


def footnotes_of(license_requirement: str | None) -> list[int]:
    """Entity List footnote numbers carried by an entry's License Requirement text."""
    if not license_requirement:
        return []
    return [n for n, rx in _FOOTNOTES if rx.search(license_requirement.strip())]


@dataclass(frozen=True)
class Entry:
    name: str
    alt_names: tuple[str, ...]
    source: str
    type: str | None
    countries: tuple[str, ...]
    entity_number: str | None
    license_requirement: str | None
    license_policy: str | None
    programs: str | None
    federal_register: str | None
    source_url: str | None

    @property
    def list_name(self) -> str:
        return LIST_CODES.get(self.source, self.source.split(" - ")[0])

    @property
    def footnotes(self) -> list[int]:
        return footnotes_of(self.license_requirement)

    @property
    def earliest_fr_year(self) -> int | None:
        """The year of the earliest Federal Register volume cited (volume N is year 1935 + N)."""
        vols = [int(v) for v in re.findall(r"\b(\d{2,3})\s*F\.?\s?R\b", self.federal_register or "")]
        return 1935 + min(vols) if vols else None


@dataclass(frozen=True, eq=False)
class ScreeningList:
    version: str
    generated_at: str
    entries: tuple[Entry, ...]
    counts: dict[str, int]
    authority: dict[str, Any]


def _entry(e: dict[str, Any], t: dict[str, list[str]]) -> Entry:
    def pick(key: str, table: str) -> str | None:
        return t[table][e[key]] if key in e else None
    return Entry(
        name=e["n"], alt_names=tuple(e.get("a", ())), source=t["sources"][e["s"]], type=e.get("t"),
        countries=tuple(e.get("c", ())), entity_number=e.get("e"),
        license_requirement=pick("lr", "licenceRequirements"), license_policy=pick("lp", "licencePolicies"),
        programs=pick("pg", "programmes"), federal_register=e.get("fr"), source_url=pick("u", "urls"))


@cache
def bundled() -> ScreeningList:
    """The Consolidated Screening List of 2026-07-31 shipped with longarm."""
    raw = json.loads(resources.files("longarm.data").joinpath("ecfr/screening-list.json").read_text("utf-8"))
    t = raw["tables"]
    return ScreeningList(
        version="CSL " + raw["sourceGeneratedAt"][:10], generated_at=raw["sourceGeneratedAt"],
        entries=tuple(_entry(e, t) for e in raw["entries"]), counts=dict(raw["countsBySource"]),
        authority=raw["listAuthority"])
