"""Screening as the CLI and API present it: contract-shaped results naming the list version."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from longarm.errors import InputError, Problem
from longarm.screening import lists
from longarm.screening.match import index_for, match


TYPES = ("person", "organization", "vessel", "any")


def check_type(type: str | None, field: str = "--type") -> str | None:
    """The entity type as matching uses it (None for any); a clear error for anything else."""
    if type is None or not type.strip():
        return None
    t = type.strip().lower()
    if t not in TYPES:
        raise InputError(Problem(field, f"must be one of {', '.join(TYPES)}, not {type!r}"))
    return None if t == "any" else t


def screen_name(name: str, country: str | None = None, type: str | None = None) -> dict[str, Any]:
    """The contract's screening output for one name."""
    if not name.strip():
        raise InputError(Problem("NAME", "must not be empty"))
    type = check_type(type)
    idx = index_for(lists.current())
    return {
        "query": name,
        "lists_version": idx.version,
        "matches": [
            {
                "matched_name": m.matched_name,
                "list": m.entry.list_name,
                "source": m.entry.source,
                "score": m.score,
                "entity_number": m.entry.entity_number,
                "license_requirement": m.entry.license_requirement,
                "license_policy": m.entry.license_policy,
                "federal_register": m.entry.federal_register,
                "countries": list(m.entry.countries),
                "footnotes": m.entry.footnotes,
                "explanation": m.explanation,
            }
            for m in idx.screen(name, country, type)
        ],
    }


def match_names(a: str, b: str, type: str | None = None) -> dict[str, Any]:
    """The contract's `match --json` object for two names."""
    s = match(a, b, check_type(type))
    return {"name1": a, "name2": b, "score": s.value, "match": s.match, "explanation": s.explanation}


def match_pairs(path: Path) -> list[dict[str, Any]]:
    """`match` for every row of a CSV with columns name1,name2, in row order."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            if not reader.fieldnames or not {"name1", "name2"} <= set(reader.fieldnames):
                raise InputError(Problem("--pairs", "the CSV needs columns name1,name2"))
            rows = list(reader)
    except OSError as e:
        raise InputError(Problem("--pairs", f"cannot read {path}: {e.strerror}")) from None
    problems = [
        Problem("--pairs", f"line {i}: {col} is empty")
        for i, r in enumerate(rows, start=2)
        for col in ("name1", "name2")
        if not (r.get(col) or "").strip()
    ]
    if problems:
        raise InputError(problems)
    return [match_names(r["name1"], r["name2"]) for r in rows]
