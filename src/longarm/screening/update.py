"""`lists update`: read an official trade.gov bulk file, validate it, switch to it atomically.

Accepted formats (detected from the content; gzip-compressed or not): trade.gov
`consolidated.csv` (29 columns: `_id, source, entity_number, type, programs, name, ...`),
trade.gov `consolidated.json` (`{"results": [...]}` or a list of the same records), and
longarm's compact layout. The new list is written and indexed beside the current one; only
then does `lists/current` change, by an atomic rename. A list whose row count for any source
dropped by more than 10 % against the list in service is refused unless forced. Whatever the
force, a list is refused that lacks the anchor entries every genuine list holds (ANCHORS) or
whose names are not diverse (one placeholder repeated), and a compact file's
`sourceGeneratedAt` must be a plausible date: it only labels the version, next to the content
hash that names the folder.
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
from typing import Any

from longarm.errors import InputError, Problem
from longarm.screening import lists
from longarm.screening.match import load_index

MAX_DROP = 0.10
MAX_LIST_BYTES = 512 << 20  # the full consolidated.csv is about 30 MiB
# Entries every genuine list has carried since 2019 (Huawei and its affiliates, 84 FR 22961): a list
# must hold an entry on `list` whose name, case and punctuation ignored, contains the words.
ANCHORS = (("Entity List", "huawei technologies"),)
MIN_DISTINCT_NAMES = 0.5  # share of entries with a name of their own (the real list: 97 %)
MAX_SAME_NAME = 0.02  # share of entries one name may take (the real list: 5 of 25,921)
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
    """The bytes at a URL (http/https/file) or a local path, at most MAX_LIST_BYTES; gzip is undone."""
    too_big = InputError(Problem(FIELD, f"{source}: larger than {MAX_LIST_BYTES >> 20} MiB; not a screening list"))
    try:
        if source.startswith(("http://", "https://", "file://")):
            with urllib.request.urlopen(source, timeout=timeout) as resp:  # noqa: S310 (user-chosen source)
                data = resp.read(MAX_LIST_BYTES + 1)
        else:
            with open(source, "rb") as f:
                data = f.read(MAX_LIST_BYTES + 1)
    except (OSError, ValueError) as e:
        raise InputError(Problem(FIELD, f"cannot read {source}: {e}")) from None
    if len(data) > MAX_LIST_BYTES:
        raise too_big
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as z:
                data = z.read(MAX_LIST_BYTES + 1)
        except (OSError, EOFError) as e:
            raise InputError(Problem(FIELD, f"{source}: damaged gzip file ({e})")) from None
        if len(data) > MAX_LIST_BYTES:
            raise too_big
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
        countries = [str(a["country"]) for a in row.get("addresses") or [] if isinstance(a, dict) and a.get("country")]
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


def _plain(name: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def generated_date(value: Any) -> str:
    """`sourceGeneratedAt` checked: an ISO date or date-time from 2000 to tomorrow, else InputError."""
    try:
        when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise InputError(Problem(FIELD, f"sourceGeneratedAt {str(value)[:40]!r} is not an ISO date")) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    if not dt.datetime(2000, 1, 1, tzinfo=dt.UTC) <= when <= dt.datetime.now(dt.UTC) + dt.timedelta(days=1):
        raise InputError(Problem(FIELD, f"sourceGeneratedAt {value!r} is not a plausible date (2000 to today)"))
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


def content_problems(new: lists.ScreeningList) -> list[Problem]:
    """Why `new` cannot be a genuine list, whatever its size: anchors missing, names not diverse."""
    out = []
    names = [_plain(new.records[i]["n"]) for i in range(len(new))]
    for list_name, anchor in ANCHORS:
        if not any(f" {anchor} " in f" {names[i]} " and new.entry(i).list_name == list_name for i in range(len(new))):
            out.append(Problem(FIELD, f"no {list_name} entry naming {anchor!r}: every genuine list has one; refused"))
    counts: dict[str, int] = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    top, top_n = max(counts.items(), key=lambda kv: kv[1])
    if len(counts) < MIN_DISTINCT_NAMES * len(names) or top_n > max(20, MAX_SAME_NAME * len(names)):
        out.append(
            Problem(
                FIELD,
                f"{len(counts):,} distinct names in {len(names):,} entries ({top!r} {top_n:,} times): "
                "not a genuine list; refused",
            )
        )
    return out


def parse(data: bytes) -> tuple[bytes, str]:
    """The list in compact JSON bytes, and its generation date; InputError names every problem."""
    from longarm.inputs import decode

    text = decode(data, FIELD, "the list")  # UTF-8, or UTF-8/16/32 with a byte-order mark
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
            try:
                lists.from_compact(data, version="-")  # validates the layout
            except (KeyError, TypeError, IndexError, AttributeError) as e:
                raise InputError(Problem(FIELD, f"a damaged compact list ({type(e).__name__}: {e})")) from None
            return data, generated_date(doc.get("sourceGeneratedAt", generated))
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
    list_id = digest[:16]  # the folder is named by the content, never by text from the file
    new = lists.from_compact(data, version=f"CSL {generated[:10]} ({digest[:12]})")
    bad = content_problems(new)
    if bad:
        raise InputError(bad)
    old = lists.current()  # a damaged list in service falls back to the bundled one: the update repairs it
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
            "sha256": digest,
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
        if final.exists():  # the same content installed before (perhaps damaged since): replace it
            shutil.rmtree(final)
        os.replace(staging, final)
        pointer = root / f".current.tmp{os.getpid()}"
        pointer.write_text(list_id, "utf-8")
        if (root / "current").is_dir() and not (root / "current").is_symlink():
            shutil.rmtree(root / "current")  # a damaged pointer: the update repairs it
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
            try:
                meta = json.loads(meta_path.read_text("utf-8"))
                meta["in_service"] = meta["version"] == cur.version and cur is not b
            except (OSError, ValueError, KeyError, TypeError):
                meta = {"id": meta_path.parent.name, "version": "(damaged)", "generated_at": "", "counts": {}}
                meta["in_service"] = False
            out.append(meta)
    return out
