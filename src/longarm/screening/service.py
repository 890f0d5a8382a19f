"""Screening as the CLI and API present it: contract-shaped results naming the list version."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from longarm.errors import InputError, Problem
from longarm.screening import lists
from longarm.screening.match import Index, Match, adjust_for_country, index_for, match

TYPES = ("person", "organization", "vessel", "any")
MAX_NAME = 2000  # characters: a longer "name" is not a party name (refused, not truncated)


def check_type(type: str | None, field: str = "--type") -> str | None:
    """The entity type as matching uses it (None for any); a clear error for anything else."""
    if type is None or not type.strip():
        return None
    t = type.strip().lower()
    if t not in TYPES:
        raise InputError(Problem(field, f"must be one of {', '.join(TYPES)}, not {type!r}"))
    return None if t == "any" else t


def check_name(name: str, field: str = "NAME") -> str:
    """A party name: not empty, not longer than MAX_NAME characters."""
    if not name.strip():
        raise InputError(Problem(field, "must not be empty"))
    if len(name) > MAX_NAME:
        raise InputError(Problem(field, f"is {len(name):,} characters long; a party name has at most {MAX_NAME:,}"))
    return name


def _shape(query: str, version: str, found: list[Match]) -> dict[str, Any]:
    return {
        "query": query,
        "lists_version": version,
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
            for m in found
        ],
    }


def screen_name(name: str, country: str | None = None, type: str | None = None) -> dict[str, Any]:
    """The contract's screening output for one name."""
    check_name(name)
    type = check_type(type)
    idx = index_for(lists.current())
    return _shape(name, idx.version, idx.screen(name, country, type))


def match_names(a: str, b: str, type: str | None = None) -> dict[str, Any]:
    """The contract's `match --json` object for two names."""
    check_name(a, "NAME_A")
    check_name(b, "NAME_B")
    s = match(a, b, check_type(type))
    return {"name1": a, "name2": b, "score": s.value, "match": s.match, "explanation": s.explanation}


def _read_csv(path: Path, option: str, required: set[str]) -> list[dict[str, str]]:
    csv.field_size_limit(max(csv.field_size_limit(), 64 << 20))  # an overlong cell is reported by line, not fatal
    reader = None
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            if not reader.fieldnames or not required <= set(reader.fieldnames):
                raise InputError(Problem(option, f"the CSV needs columns {','.join(sorted(required))}"))
            return list(reader)
    except OSError as e:
        raise InputError(Problem(option, f"cannot read {path}: {e.strerror}")) from None
    except UnicodeDecodeError:
        raise InputError(Problem(option, f"{path} is not UTF-8 text")) from None
    except csv.Error as e:
        line = f" (line {reader.line_num})" if reader is not None else ""
        raise InputError(Problem(option, f"{path} is not a readable CSV{line}: {e}")) from None


def _cell_problems(option: str, line: int, row: Mapping[str, str | None], cols: tuple[str, ...]) -> list[Problem]:
    out = []
    for col in cols:
        value = row.get(col) or ""
        if not value.strip():
            out.append(Problem(option, f"line {line}, column {col}: is empty"))
        elif len(value) > MAX_NAME:
            out.append(Problem(option, f"line {line}, column {col}: {len(value):,} characters; at most {MAX_NAME:,}"))
    t = row.get("type")
    if t and t.strip() and t.strip().lower() not in TYPES:
        out.append(Problem(option, f"line {line}, column type: must be one of {', '.join(TYPES)}, not {t!r}"))
    return out


def match_pairs(path: Path) -> list[dict[str, Any]]:
    """`match` for every row of a CSV with columns name1,name2 (and optionally type), in row order."""
    rows = _read_csv(path, "--pairs", {"name1", "name2"})
    problems = [p for i, r in enumerate(rows, start=2) for p in _cell_problems("--pairs", i, r, ("name1", "name2"))]
    if problems:
        raise InputError(problems)
    return [match_names(r["name1"], r["name2"], r.get("type")) for r in rows]


def screen_file(path: Path, out: Path | None = None) -> list[dict[str, Any]]:
    """`screen --json` for every row of a customer master file (columns name, optional country and
    type), in row order. Every row is checked before any is screened: a bad row is an error naming
    its line and column, and nothing is written. Each distinct (name, type) is screened once; the
    country is applied to that result afterwards. With `out`, the JSON lines are written there
    (atomically); the results are returned either way."""
    from longarm.model import country_code

    rows = _read_csv(path, "--file", {"name"})
    problems: list[Problem] = []
    wanted: list[tuple[str, str | None, str | None]] = []
    for line, r in enumerate(rows, start=2):
        problems += _cell_problems("--file", line, r, ("name",))
        country = (r.get("country") or "").strip() or None
        if country:
            try:
                country = country_code(country)
            except ValueError as e:
                problems.append(Problem("--file", f"line {line}, column country: {e}"))
        t = (r.get("type") or "").strip().lower() or None
        wanted.append(((r.get("name") or ""), country, None if t in (None, "any") else t))
    if problems:
        raise InputError(problems)
    idx: Index = index_for(lists.current())
    results = [_shape(name, idx.version, adjust_for_country(idx.candidates_for(name, t), c)) for name, c, t in wanted]
    if out is not None:
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results)
        tmp = out.with_name(f".{out.name}.tmp{os.getpid()}")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, out)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise InputError(Problem("--out", f"cannot write {out}: {e.strerror}")) from None
    return results


def jsonl(results: list[dict[str, Any]]) -> str:
    """Results as JSON lines (one `screen --json` object per line)."""
    buf = io.StringIO()
    for r in results:
        buf.write(json.dumps(r, ensure_ascii=False) + "\n")
    return buf.getvalue()
