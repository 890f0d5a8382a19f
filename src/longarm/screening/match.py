"""Screening a party name against the lists.

Matching here is exact on the normalised key (name and every alias, and the name with an
Entity List city suffix removed); fuzzy matching builds on the same entry points.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from longarm.screening.lists import Entry, ScreeningList, bundled
from longarm.screening.normalize import key


@dataclass(frozen=True)
class Match:
    entry: Entry
    matched_name: str
    score: float
    explanation: str


@cache
def _index(lst: ScreeningList) -> dict[str, list[tuple[Entry, str]]]:
    idx: dict[str, list[tuple[Entry, str]]] = defaultdict(list)
    for e in lst.entries:
        for n in (e.name, *e.alt_names):
            for variant in {n, n.split(",")[0] if "," in n and e.list_name == "Entity List" else n}:
                k = key(variant)
                if k:
                    idx[k].append((e, n))
    return idx


def screen(name: str, country: str | None = None, lst: ScreeningList | None = None) -> list[Match]:
    """Entries whose name or alias has the same normalised key as `name`."""
    lst = lst or bundled()
    k = key(name)
    seen: set[int] = set()
    out = []
    for entry, matched in _index(lst).get(k, []):
        if id(entry) in seen:
            continue
        seen.add(id(entry))
        out.append(Match(entry, matched, 1.0, f"normalised name '{k}' equals the listed name '{matched}'"))
    return out
