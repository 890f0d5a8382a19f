"""Other jurisdictions' measures bearing on a transaction: China's counter-measures.

Read from the dated data in `params/countermeasures.yaml` (secondary sources only). Informational:
a flag never enters the EAR outcome. China's lists there are incomplete (only the parties the
sources name), so no match here clears a party.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import re
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

from longarm import params
from longarm.model import ForeignLawFlag, Transaction

FILE = "countermeasures"
JURISDICTION = "CN"
INCOMPLETE = (
    "China's lists in longarm hold only the parties named in the sources (secondary); "
    "a name that matches nothing has not been cleared."
)
INFORMATIONAL = "Informational: another jurisdiction's measure, not part of the EAR determination."


def _keys() -> list[str]:
    return [
        k
        for k, v in params.load(FILE).items()
        if isinstance(v, list) and v and all(isinstance(e, dict) and "from" in e for e in v)
    ]


def in_force(on: dt.date) -> list[tuple[str, dict[str, Any]]]:
    """Every measure's state in force on `on`, as (key, entry)."""
    out = []
    for key in _keys():
        entry = params.in_force(FILE, key, on)
        if entry is not None:
            out.append((key, entry))
    return out


def _cite(entry: dict[str, Any]) -> str:
    return f"{entry['citation']} (secondary source: {params.source(entry['source'])['title']})"


def _flag(entry: dict[str, Any], text: str, *, measure: str | None = None) -> ForeignLawFlag:
    """A flag for a dated counter-measure entry (its jurisdiction, citation and date)."""
    return ForeignLawFlag(
        jurisdiction=entry.get("jurisdiction", JURISDICTION),
        measure=measure or entry["measure"],
        citation=_cite(entry),
        as_of_source=entry["from"].isoformat(),
        text=text,
    )


def _status(entry: dict[str, Any], on: dt.date) -> str:
    status = entry.get("status", "unknown")
    if status == "in_force":
        return f"in force on {on.isoformat()}"
    if status == "unknown":
        return f"status on {on.isoformat()} not known from the sources"
    return f"{status} on {on.isoformat()}"


@cache
def _names() -> dict[str, Any]:
    """Every listed name, normalised once (the lists are small)."""
    from longarm.screening.normalize import normalize

    return {
        name: normalize(name)
        for key in _keys()
        for entry in params.versions(FILE, key)
        for name in entry.get("entities", ())
    }


@lru_cache(maxsize=65536)
def _scores(name: str) -> dict[str, tuple[float, str]]:
    """Listed name -> (score, explanation) for every listed name matching `name`, on any date:
    a name is scored once, whatever the dates it is asked about."""
    from longarm.screening.match import THRESHOLD, index_for, numbers_differ, score
    from longarm.screening.normalize import normalize

    query = normalize(name)
    weight = index_for().weight
    out = {}
    for listed, normalised in _names().items():
        if numbers_differ(query, normalised):
            continue  # the score halves: below the threshold ("Customer 01234 Trading" is nobody here)
        if score(query, normalised, weight, explain=False).value >= THRESHOLD:  # explained only if kept
            s = score(query, normalised, weight)
            out[listed] = (s.value, s.explanation)
    return out


@lru_cache(maxsize=65536)
def _hits(name: str, on: dt.date) -> tuple[tuple[str, str, float, str], ...]:
    """(key, listed name, score, explanation) for every listed name matching `name` on `on`."""
    found = _scores(name)
    out = []
    if found:
        for key, entry in in_force(on):
            for listed in entry.get("entities", ()):
                if listed in found:
                    out.append((key, listed, *found[listed]))
    return tuple(sorted(out, key=lambda h: -h[2]))


def screen(name: str, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Matches of `name` against China's lists in force on `on` (default today), best first."""
    on = on or dt.date.today()
    out = []
    for key, listed, value, explanation in _hits(name, on):
        entry = params.in_force(FILE, key, on)
        assert entry is not None
        out.append(
            {
                "matched_name": listed,
                "list": entry["list"],
                "jurisdiction": entry.get("jurisdiction", JURISDICTION),
                "score": value,
                "listed_on": params.versions(FILE, key)[0]["from"].isoformat(),
                "status": entry.get("status", "unknown"),
                "as_of_source": entry["from"].isoformat(),
                "citation": entry["citation"],
                "text": entry["text"],
                "source": params.source(entry["source"]).get("url"),
                "source_quality": entry.get("source_quality", "secondary"),
                "explanation": explanation,
            }
        )
    return out


_NAMES_UNUSED = contextvars.ContextVar("foreign_law_names_unused", default=False)


@contextlib.contextmanager
def names_unused() -> Iterator[None]:
    """Inside, `flags` leaves out the flags of parties named on China's lists: for a caller that
    drops every foreign-law flag (an order book's result columns hold none), to whom scoring each
    distinct party name against those lists would be most of the work and none of the result."""
    token = _NAMES_UNUSED.set(True)
    try:
        yield
    finally:
        _NAMES_UNUSED.reset(token)


def _party_flags(tx: Transaction) -> list[ForeignLawFlag]:
    if _NAMES_UNUSED.get():
        return []
    named: list[tuple[str, str]] = [(p.role, p.name) for p in tx.parties]
    if tx.exporter.name:
        named.append(("exporter", tx.exporter.name))
    for role in ("producer", "designer"):
        party = getattr(tx.item, role, None)
        if party is not None and getattr(party, "name", None):
            named.append((f"item.{role}", party.name))
    out = []
    for role, name in named:
        for key, listed, value, _ in _hits(name, tx.as_of):
            entry = params.in_force(FILE, key, tx.as_of)
            assert entry is not None
            listed_on = params.versions(FILE, key)[0]["from"].isoformat()
            out.append(
                _flag(
                    entry,
                    (
                        f"{role} {name!r} matches {listed!r} on China's {entry['list']} "
                        f"(score {value:.2f}; listed {listed_on}; {_status(entry, tx.as_of)}): "
                        f"{entry['text']} {INFORMATIONAL}"
                    ),
                    measure=entry["list"],
                )
            )
    return out


def _mentions(text: str, material: str) -> bool:
    if material.isascii():
        return re.search(rf"\b{re.escape(material)}", text, re.IGNORECASE) is not None
    return material in text


def _item_flags(tx: Transaction) -> list[ForeignLawFlag]:
    """Measures on materials the item's name mentions, and exports from China."""
    out = []
    text = tx.item.name or ""
    chinese_source = "CN" in (tx.from_country, tx.item.origin_country)
    for _, entry in in_force(tx.as_of):
        materials = [m for m in entry.get("materials", ()) if text and _mentions(text, m)]
        destinations = entry.get("destinations")
        end_uses = entry.get("end_uses")
        if destinations is not None and tx.to_country not in destinations:
            continue
        if materials:
            where = (
                "the item is exported from or originates in China"
                if chinese_source
                else "it applies if the item or its material is sourced from China"
            )
            out.append(
                _flag(
                    entry,
                    (
                        f"item.name mentions {', '.join(materials)}; {where}. {entry['text']} "
                        f"({_status(entry, tx.as_of)}) {INFORMATIONAL}"
                    ),
                )
            )
        elif end_uses is not None and tx.from_country == "CN" and set(end_uses) & set(tx.end_uses or ()):
            out.append(_flag(entry, f"{entry['text']} ({_status(entry, tx.as_of)}) {INFORMATIONAL}"))
    if tx.from_country == "CN" and tx.activity in ("export", "reexport"):
        regulations = params.in_force(FILE, "dual_use_regulations", tx.as_of)
        if regulations is not None:
            entry = regulations
            out.append(
                _flag(
                    entry,
                    (
                        "The item leaves China: a MOFCOM export licence is needed if it is on China's "
                        f"Dual-Use Export Control List. {entry['text']} {INFORMATIONAL}"
                    ),
                )
            )
    return out


def _chinese_parties(tx: Transaction) -> list[str]:
    found = [
        f"{p.role} {p.name!r}"
        for p in tx.parties
        if "CN" in (p.country, p.headquarters_country, p.ultimate_parent_headquarters_country)
    ]
    if not found and tx.to_country == "CN" and tx.activity in ("use", "transfer"):
        found.append("the user in China")
    return found


def _compliance_flags(tx: Transaction) -> list[ForeignLawFlag]:
    """A Chinese party asked to implement US controls (end-use undertakings, non-use of
    Huawei Ascend chips, ...) may act against China's Anti-Foreign Sanctions Law."""
    parties = _chinese_parties(tx)
    entry = params.in_force(FILE, "anti_foreign_sanctions_law", tx.as_of)
    if not parties or entry is None:
        return []
    return [
        _flag(
            entry,
            (
                f"{', '.join(parties)} {'is' if len(parties) == 1 else 'are'} Chinese: asking it to implement or assist in implementing US "
                f"restrictive measures may conflict with Chinese law. {entry['text']} {INFORMATIONAL}"
            ),
        )
    ]


def flags(tx: Transaction) -> list[ForeignLawFlag]:
    """The foreign-law flags for `tx`: a party on China's lists, an item whose sourcing China
    restricts (or that leaves China), a Chinese party asked to comply with US controls."""
    return _party_flags(tx) + _item_flags(tx) + _compliance_flags(tx)
