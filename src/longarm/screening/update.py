"""`lists update`: read an official trade.gov bulk file, validate it, switch to it atomically.

Accepted formats (detected from the content; gzip-compressed or not): trade.gov
`consolidated.csv` (29 columns: `_id, source, entity_number, type, programs, name, ...`),
trade.gov `consolidated.json` (`{"results": [...]}` or a list of the same records), and
longarm's compact layout. The new list is written and indexed beside the current one; only
then does `lists/current` change, by an atomic rename. A list whose row count for any source
dropped by more than 10 % against the list in service is refused unless forced.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import shutil
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from longarm.errors import InputError, Problem
from longarm.screening import lists
from longarm.screening.match import load_index

MAX_DROP = 0.10
CSV_REQUIRED = ("source", "name")
FIELD = "--from"


@dataclass(frozen=True)
class UpdateResult:
    list_id: str
    version: str
    counts: dict[str, int]
    previous: str
    drops: dict[str, tuple[int, int]]


def fetch(source: str, timeout: float = 60.0) -> bytes:
    """The bytes at a URL (http/https/file) or a local path; gzip is undone."""
    try:
        if source.startswith(("http://", "https://", "file://")):
            with urllib.request.urlopen(source, timeout=timeout) as resp:  # noqa: S310 (user-chosen source)
                data = resp.read()
        else:
            data = Path(source).read_bytes()
    except (OSError, ValueError) as e:
        raise InputError(Problem(FIELD, f"cannot read {source}: {e}")) from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            raise InputError(Problem(FIELD, f"{source}: damaged gzip file ({e})")) from None
    return data


def _countries_from_addresses(addresses: str) -> list[str]:
    out = []
    for a in addresses.split(";"):
        tail = a.strip().rsplit(",", 1)[-1].strip()
        if len(tail) == 2 and tail.isalpha() and tail.isupper() and tail not in out:
            out.append(tail)
    return out


class _Builder:
    """Collects records into the compact layout, interning repeated strings in tables."""

    def __init__(self) -> None:
        self.tables: dict[str, list[str]] = {
            k: [] for k in ("sources", "licenceRequirements", "licencePolicies", "programmes", "urls")
        }
        self._ix: dict[tuple[str, str], int] = {}
        self.records: list[dict[str, Any]] = []

    def _intern(self, table: str, value: str) -> int:
        key = (table, value)
        if key not in self._ix:
            self._ix[key] = len(self.tables[table])
            self.tables[table].append(value)
        return self._ix[key]

    def add(
        self,
        name: str,
        source: str,
        alt_names: list[str],
        countries: list[str],
        type_: str,
        entity_number: str,
        lr: str,
        lp: str,
        programs: str,
        fr: str,
        url: str,
    ) -> None:
        r: dict[str, Any] = {"n": name, "s": self._intern("sources", source)}
        if alt_names:
            r["a"] = alt_names
        if type_:
            r["t"] = type_
        if countries:
            r["c"] = countries
        if entity_number:
            r["e"] = entity_number
        for key, table, value in (
            ("lr", "licenceRequirements", lr),
            ("lp", "licencePolicies", lp),
            ("pg", "programmes", programs),
            ("u", "urls", url),
        ):
            if value:
                r[key] = self._intern(table, value)
        if fr:
            r["fr"] = fr
        self.records.append(r)


def _from_csv(text: str, b: _Builder, problems: list[Problem]) -> None:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(Problem(FIELD, f"not a trade.gov consolidated.csv: missing column(s) {', '.join(missing)}"))
    for i, row in enumerate(reader, start=2):
        name, source = (row.get("name") or "").strip(), (row.get("source") or "").strip()
        if not name or not source:
            problems.append(Problem(FIELD, f"line {i}: {'name' if not name else 'source'} is empty"))
            continue
        b.add(
            name,
            source,
            [a.strip() for a in (row.get("alt_names") or "").split(";") if a.strip()],
            _countries_from_addresses(row.get("addresses") or ""),
            (row.get("type") or "").strip(),
            (row.get("entity_number") or "").strip(),
            (row.get("license_requirement") or "").strip(),
            (row.get("license_policy") or "").strip(),
            (row.get("programs") or "").strip(),
            (row.get("federal_register_notice") or "").strip(),
            (row.get("source_list_url") or "").strip(),
        )


def _from_tradegov_json(records: list[Any], b: _Builder, problems: list[Problem]) -> None:
    for i, row in enumerate(records):
        if not isinstance(row, dict):
            problems.append(Problem(FIELD, f"results[{i}]: not an object"))
            continue
        name, source = str(row.get("name") or "").strip(), str(row.get("source") or "").strip()
        if not name or not source:
            problems.append(Problem(FIELD, f"results[{i}]: {'name' if not name else 'source'} is empty"))
            continue
        countries = [a.get("country") for a in row.get("addresses") or [] if isinstance(a, dict) and a.get("country")]
        programs = row.get("programs") or []
        b.add(
            name,
            source,
            [str(a) for a in row.get("alt_names") or []],
            list(dict.fromkeys(countries)),
            str(row.get("type") or ""),
            str(row.get("entity_number") or ""),
            str(row.get("license_requirement") or ""),
            str(row.get("license_policy") or ""),
            "; ".join(programs) if isinstance(programs, list) else str(programs),
            str(row.get("federal_register_notice") or ""),
            str(row.get("source_list_url") or ""),
        )


def parse(data: bytes) -> tuple[bytes, str]:
    """The list in compact JSON bytes, and its generation date; InputError names every problem."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(Problem(FIELD, "not UTF-8 text")) from None
    problems: list[Problem] = []
    b = _Builder()
    generated = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            doc = json.loads(text)
        except ValueError as e:
            raise InputError(Problem(FIELD, f"invalid JSON: {e}")) from None
        if isinstance(doc, dict) and "fieldKey" in doc and "entries" in doc:
            lists.from_compact(data)  # validates the layout
            return data, doc.get("sourceGeneratedAt", generated)
        records = doc.get("results") if isinstance(doc, dict) else doc
        if not isinstance(records, list):
            raise InputError(Problem(FIELD, "JSON has no 'results' list of records"))
        _from_tradegov_json(records, b, problems)
    else:
        _from_csv(text, b, problems)
    if problems:
        raise InputError(
            problems[:20] + ([Problem(FIELD, f"... and {len(problems) - 20} more")] if len(problems) > 20 else [])
        )
    if not b.records:
        raise InputError(Problem(FIELD, "the list has no entries"))
    compact = {
        "sourceGeneratedAt": generated,
        "tables": b.tables,
        "entries": b.records,
        "fieldKey": {
            "n": "name",
            "a": "alt_names",
            "s": "source",
            "t": "type",
            "c": "countries",
            "e": "entity_number",
            "lr": "license_requirement",
            "lp": "license_policy",
            "pg": "programs",
            "fr": "federal_register_notice",
            "u": "source_list_url",
        },
    }
    return json.dumps(compact, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), generated


def drops(old: dict[str, int], new: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Sources whose row count fell by more than MAX_DROP: source -> (old, new)."""
    return {s: (n, new.get(s, 0)) for s, n in old.items() if new.get(s, 0) < n * (1 - MAX_DROP)}


def update(source: str, *, force: bool = False) -> UpdateResult:
    """Replace the list in service with the one at `source`, or leave it untouched and raise."""
    data, generated = parse(fetch(source))
    digest = hashlib.sha256(data).hexdigest()
    list_id = f"{generated[:10]}-{digest[:12]}"
    new = lists.from_compact(data, version=f"CSL {generated[:10]} ({digest[:12]})")
    old = lists.current()
    fell = drops(old.counts, new.counts)
    if fell and not force:
        raise InputError(
            [
                Problem(
                    FIELD,
                    f"'{s}' fell from {a:,} to {b:,} rows (more than {MAX_DROP:.0%}); refused (use --force to accept)",
                )
                for s, (a, b) in fell.items()
            ]
        )
    root = lists.lists_dir()
    root.mkdir(parents=True, exist_ok=True)
    final = root / list_id
    staging = root / f".{list_id}.tmp{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir()
        (staging / "list.json").write_bytes(data)
        meta = {
            "id": list_id,
            "version": new.version,
            "generated_at": generated,
            "source": source,
            "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "counts": new.counts,
            "replaced": old.version,
            "forced_drops": fell if fell else {},
        }
        (staging / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), "utf-8")
        load_index(new)  # build (and cache) the index before the switch
        if final.exists():
            shutil.rmtree(staging)
        else:
            os.replace(staging, final)
        pointer = root / f".current.tmp{os.getpid()}"
        pointer.write_text(list_id, "utf-8")
        os.replace(pointer, root / "current")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return UpdateResult(list_id, new.version, new.counts, old.version, fell)


def versions() -> list[dict[str, Any]]:
    """The bundled list and every stored update, the one in service marked."""
    cur = lists.current()
    b = lists.bundled()
    out = [
        {
            "id": "bundled",
            "version": b.version,
            "generated_at": b.generated_at,
            "counts": b.counts,
            "in_service": cur is b,
            "source": "bundled with longarm",
        }
    ]
    root = lists.lists_dir()
    if root.is_dir():
        for meta_path in sorted(root.glob("*/meta.json")):
            meta = json.loads(meta_path.read_text("utf-8"))
            meta["in_service"] = meta["version"] == cur.version
            out.append(meta)
    return out
