"""Destinations: Country Group membership on a date, scope tests, and Commerce Country Chart rows."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from importlib import resources
from typing import Any

import pycountry

from longarm import params


def treated_as(country: str, on: dt.date) -> str:
    """The destination whose rules apply (Hong Kong is treated as China from 2020-12-23)."""
    alias = params.in_force("country_groups", "aliases", on)
    return alias["map"].get(country, country) if alias else country


def groups_of(country: str, on: dt.date) -> set[str]:
    """The Country Groups `country` belongs to on `on` (snapshot membership; see country_groups.yaml)."""
    entry = params.in_force("country_groups", "groups", on)
    if entry is None:
        return set()
    return {g for g, members in entry["members"].items() if country in members}


def membership_caveat(country: str, on: dt.date) -> str | None:
    """A warning when `country`'s membership is known to have changed before the snapshot."""
    entry = params.in_force("country_groups", "groups", on)
    if entry is None or country not in entry.get("known_changes", {}):
        return None
    if on >= entry["snapshot"]:
        return None
    return (
        f"Country Group membership of {country} is the eCFR {entry['snapshot']} snapshot; "
        + entry["known_changes"][country]
    )


def in_scope(country: str, scope: dict[str, Any], on: dt.date) -> bool:
    """Whether `country` is within a scope of countries/groups, exclusions applied."""
    if scope.get("worldwide") or country in scope.get("countries", ()):
        return True  # a destination named expressly is in scope whatever the group exclusions
    groups = groups_of(country, on)
    if country in scope.get("exclude_countries", ()) or groups & set(scope.get("exclude_groups", ())):
        return False
    return bool(groups & set(scope.get("groups", ())))


def describe(scope: dict[str, Any]) -> str:
    if scope.get("worldwide"):
        return "any destination worldwide"
    parts = list(scope.get("countries", ())) + [f"Country Group {g}" for g in scope.get("groups", ())]
    text = " or ".join(parts)
    excl = list(scope.get("exclude_countries", ())) + list(scope.get("exclude_groups", ()))
    return text + (f", excluding {', '.join(excl)}" if excl else "")


# ---- Commerce Country Chart (15 CFR 738 Supp. 1, eCFR 2026-07-23) ------------------------


@cache
def chart() -> dict[str, Any]:
    return json.loads(resources.files("longarm.data").joinpath("ecfr/country-chart.json").read_text("utf-8"))


@cache
def ccl() -> dict[str, dict[str, Any]]:
    raw = json.loads(resources.files("longarm.data").joinpath("ecfr/ccl.json").read_text("utf-8"))
    return {e["eccn"]: e for e in raw["entries"]}


# ISO codes whose ISO names the chart spells differently and its alias table does not cover.
CHART_NAMES = {
    "CD": "Congo (Democratic Republic of the)",
    "CG": "Congo (Republic of the)",
    "VA": "Vatican City",
    "BN": "Brunei",
}


def chart_row(country: str) -> str | None:
    """The Country Chart row name for an ISO code, or None when the chart has no row for it."""
    data = chart()
    rows = set(data["countries"]) | set(data["embargoed"])
    if country in CHART_NAMES and CHART_NAMES[country] in rows:
        return CHART_NAMES[country]
    c = pycountry.countries.get(alpha_2=country)
    if c is None:
        return None
    for name in (getattr(c, "common_name", None), c.name, getattr(c, "official_name", None)):
        if not name:
            continue
        if name in rows:
            return name
        if name.lower() in data["aliases"]:
            return data["aliases"][name.lower()]
        inherit = data["territoryInheritance"].get(name.lower())
        if inherit:
            return inherit["row"]
    simple = re.sub(r",.*$", "", c.name)
    return simple if simple in rows else None


def chart_marks(country: str) -> tuple[str | None, list[str] | None, str | None]:
    """(row, columns marked X, embargo pointer) for a destination."""
    row = chart_row(country)
    data = chart()
    if row is None:
        return None, None, None
    if row in data["embargoed"]:
        return row, [], data["embargoed"][row]["pointer"]
    return row, list(data["countries"][row]["marks"]), None
