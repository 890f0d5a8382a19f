"""Dated parameters: thresholds, country groups, scopes and guidance, each with its source.

Every versioned parameter is a list of entries in force from `from` (inclusive) to `to`
(exclusive, absent = still in force), optionally with a `compliance` date. Rules ask for
the entry in force on a date (`in_force`); they never compare dates themselves, so adding
next year's rule is a new entry in a YAML file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Any

import yaml

from longarm.errors import DataError

# Every parameter file in this package; "sources" first (the others cite it).
FILES = ("sources",) + tuple(
    sorted(
        p.name.removesuffix(".yaml")
        for p in resources.files("longarm.params").iterdir()
        if p.name.endswith(".yaml") and p.name != "sources.yaml"
    )
)

# What-if evaluation: (file, key) -> a function that rewrites the entry in force.
_overrides: ContextVar[dict[tuple[str, str], Callable[[dict[str, Any]], dict[str, Any]]] | None] = ContextVar(
    "overrides", default=None
)


@cache
def load(name: str) -> dict[str, Any]:
    """One parameter file as parsed YAML."""
    if name not in FILES:
        raise DataError(f"no parameter file {name!r}")
    text = resources.files("longarm.params").joinpath(f"{name}.yaml").read_text("utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (safe loaders)


def source(source_id: str) -> dict[str, Any]:
    """The source document registered under `source_id` (in sources.yaml, or in the `sources`
    mapping of the parameter file that cites it)."""
    for name in FILES:
        found = (load(name).get("sources") or {}).get(source_id)
        if found is not None:
            return found
    raise DataError(f"unknown source {source_id!r}")


def versions(file: str, key: str) -> list[dict[str, Any]]:
    """All dated entries of one versioned parameter, oldest first."""
    entries = load(file).get(key)
    if not isinstance(entries, list):
        raise DataError(f"{file}.yaml has no versioned parameter {key!r}")
    return entries


def in_force(file: str, key: str, on: dt.date) -> dict[str, Any] | None:
    """The entry of `key` in force on `on`, or None when none was."""
    for entry in versions(file, key):
        if entry["from"] <= on and ("to" not in entry or on < entry["to"]):
            change = (_overrides.get() or {}).get((file, key))
            return entry if change is None else change(entry)
    return None


@contextmanager
def overridden(changes: dict[tuple[str, str], Callable[[dict[str, Any]], dict[str, Any]]]) -> Iterator[None]:
    """Evaluate under hypothetical parameters: `changes[(file, key)]` rewrites the entry in force.

    Results cached across calls (classification) must not be reused inside this block."""
    token = _overrides.set({**(_overrides.get() or {}), **changes})
    try:
        yield
    finally:
        _overrides.reset(token)


def cite(entry: dict[str, Any]) -> str:
    """A short source reference for a dated entry: FR citation and document number."""
    src = source(entry["source"])
    parts = [src.get("citation"), f"FR Doc {src['fr_doc']}" if src.get("fr_doc") else None]
    label = ", ".join(p for p in parts if p) or src["title"]
    return label + (" (secondary source)" if entry.get("source_quality", src["source_quality"]) == "secondary" else "")


def _country_lists(node: Any, name: str = "") -> list[tuple[str, list[Any]]]:
    """Every list of country codes in a parameter entry (keys `countries`, `members`, *_countries)."""
    out: list[tuple[str, list[Any]]] = []
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, list) and (k == "countries" or k.endswith("_countries") or name == "members"):
                out.append((k, v))
            else:
                out += _country_lists(v, k)
    return out


def check() -> list[str]:
    """Consistency problems in the bundled parameters (overlapping versions, unknown sources)."""
    problems: list[str] = []
    known = {k for name in FILES for k in (load(name).get("sources") or {})}
    for file in FILES[1:]:
        for key, entries in load(file).items():
            if (
                not isinstance(entries, list)
                or not entries
                or not isinstance(entries[0], dict)
                or "from" not in entries[0]
            ):
                continue
            for a, b in zip(entries, entries[1:]):
                if "to" not in a or a["to"] > b["from"]:
                    problems.append(f"{file}.{key}: {a.get('id')} overlaps {b.get('id')}")
            for e in entries:
                for name, codes in _country_lists(e):
                    bad = [c for c in codes if not (isinstance(c, str) and len(c) == 2 and c.isupper())]
                    if bad:
                        problems.append(
                            f"{file}.{key}: {e.get('id')} {name} has non-ISO codes {bad} "
                            "(quote NO: YAML reads it as false)"
                        )
                if e.get("source") not in known:
                    problems.append(f"{file}.{key}: {e.get('id')} cites unknown source {e.get('source')!r}")
                if not isinstance(e["from"], dt.date):
                    problems.append(f"{file}.{key}: {e.get('id')} has no date in 'from'")
    return problems


def fingerprint() -> dict[str, Any]:
    """What identifies the ruleset: the latest dated entry, the hash of every parameter file,
    and the sources the entries cite."""
    import hashlib

    h = hashlib.sha256()
    latest = dt.date(2000, 1, 1)
    cited: set[str] = set()
    for name in FILES:
        h.update(resources.files("longarm.params").joinpath(f"{name}.yaml").read_bytes())
        for entries in load(name).values():
            if isinstance(entries, list):
                for e in entries:
                    if isinstance(e, dict) and isinstance(e.get("from"), dt.date):
                        latest = max(latest, e["from"], e.get("compliance", e["from"]))
                        cited.add(e.get("source", ""))
    return {
        "latest_rule_date": latest.isoformat(),
        "params_sha256": h.hexdigest(),
        "sources": sorted(c for c in cited if c),
    }
