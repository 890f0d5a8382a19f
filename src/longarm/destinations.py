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
from longarm.rules.logic import Tri, all_of, any_of, negate


def treated_as(country: str, on: dt.date) -> str:
    """The destination whose rules apply (Hong Kong is treated as China from 2020-12-23)."""
    alias = params.in_force("country_groups", "aliases", on)
    return alias["map"].get(country, country) if alias else country


def membership(country: str, on: dt.date) -> dict[str, Tri]:
    """Each Country Group's membership of `country` on `on`: True, False, or None (unknown).

    The snapshot with every later dated change undone; a change of unknown date leaves the
    membership unknown from its `not_before` (if any) up to its `not_after` (else the snapshot)."""
    entry = params.in_force("country_groups", "groups", on)
    if entry is None:
        return {}
    out: dict[str, Tri] = {g: country in members for g, members in entry["members"].items()}
    snapshot = entry["snapshot"]
    fixed = entry.get("overridden_members", {})  # a what-if's hypothesis: no dated change applies
    for change in _changes(country):
        group, added = change["group"], change["change"] == "added"
        if country in fixed.get(group, ()):
            continue
        date = change.get("date")
        if date is not None:
            if on < date <= snapshot:  # the change came after `on`: undo it
                out[group] = not added
            continue
        not_before, not_after = change.get("not_before"), change.get("not_after", snapshot)
        if on >= not_after:
            continue
        out[group] = (not added) if not_before is not None and on < not_before else None
    return out


def _changes(country: str) -> list[dict[str, Any]]:
    return [c for c in params.load("country_groups").get("changes", []) if c["country"] == country]


def groups_of(country: str, on: dt.date) -> set[str]:
    """The Country Groups `country` is known to belong to on `on`."""
    return {g for g, v in membership(country, on).items() if v}


def unknown_groups(country: str, on: dt.date) -> set[str]:
    """The Country Groups whose membership of `country` on `on` the sources do not settle."""
    return {g for g, v in membership(country, on).items() if v is None}


def membership_question(country: str, on: dt.date, field: str = "to_country") -> str:
    """The question an unknown membership raises, with what the sources say about it."""
    groups = sorted(unknown_groups(country, on))
    notes = " ".join(c["text"] for c in _changes(country) if c.get("date") is None and c["group"] in groups)
    return (
        f"Was {country} in Country Group {' / '.join(groups)} on {on.isoformat()}? "
        f"The sources do not date the change (15 CFR 740 Supp. 1). {notes} ({field})"
    )


def membership_caveat(country: str, on: dt.date) -> str | None:
    """A warning when `country`'s Country Group membership on `on` is not known from the sources."""
    groups = sorted(unknown_groups(country, on))
    if not groups:
        return None
    return (
        f"Country Group membership of {country} on {on.isoformat()} is not known for {', '.join(groups)}: "
        "the sources do not date the change; rules that turn on it are undetermined"
    )


def changes_between(a: dt.date, b: dt.date) -> list[dict[str, Any]]:
    """The dated membership changes that took effect after `a` and on or before `b`."""
    return [c for c in params.load("country_groups").get("changes", []) if c.get("date") and a < c["date"] <= b]


def in_scope(country: str, scope: dict[str, Any], on: dt.date) -> Tri:
    """Whether `country` is within a scope of countries/groups, exclusions applied; None when a
    Country Group membership that decides it is unknown on `on`."""
    if scope.get("worldwide") or country in scope.get("countries", ()):
        return True  # a destination named expressly is in scope whatever the group exclusions
    if country in scope.get("exclude_countries", ()):
        return False
    member = membership(country, on)
    included = any_of(member.get(g, False) for g in scope.get("groups", ()))
    excluded = any_of(member.get(g, False) for g in scope.get("exclude_groups", ()))
    return all_of([included, negate(excluded)])


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


@cache
def ccl_date() -> dt.date:
    """The eCFR issue date of the bundled CCL: its reasons for control and chart columns are that text's."""
    raw = json.loads(resources.files("longarm.data").joinpath("ecfr/ccl.json").read_text("utf-8"))
    return dt.date.fromisoformat(raw["ecfrIssueDate"])


_WORLDWIDE = re.compile(r"^Worldwide control\b")
_MO_D5 = re.compile(r"^To or within Macau or a destination specified in Country Group D:5\b.*See § (742\.4\S*)")


def chart_scope(text: str) -> tuple[dict[str, Any], str] | None:
    """The destinations a CCL License Requirements entry names in place of a Country Chart column, and the
    paragraph it cites: "Worldwide control. See § 742.4(a)(5) ..." is every destination; "To or within Macau
    or a destination specified in Country Group D:5 ... See § 742.4(a)(4)" is Macau and D:5. None for other
    wordings (742.6(a)(6) scopes are evaluated by their own dated rules)."""
    if _WORLDWIDE.match(text):
        cite = re.search(r"See § (\S+)", text)
        return {"worldwide": True}, (cite.group(1) if cite else "")
    m = _MO_D5.match(text)
    if m:
        return {"countries": ["MO"], "groups": ["D:5"]}, m.group(1).rstrip(".")
    return None


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
