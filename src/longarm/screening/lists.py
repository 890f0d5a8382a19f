"""The restricted-party lists: the Consolidated Screening List bundled with longarm, and updates.

Each entry keeps its list, entity number, license requirement and policy, Federal Register
citation, programmes and countries, so the rules can apply Entity List footnotes and policies.

A list is stored in the compact layout of the bundled file (`fieldKey`: n, a, s, t, c, e, lr,
lp, pg, fr, u; `tables` for repeated strings). Updated lists live under the data directory
(`$LONGARM_HOME`, default `~/.local/share/longarm`) in `lists/<id>/list.json`, `<id>` being the
start of the SHA-256 of the list's content (never a name taken from the file); the file
`lists/current` names the one in service and is replaced atomically, so a failed or partial
update leaves the previous list in service. An installed list is checked against the SHA-256
recorded beside it each time it is loaded; a damaged or deleted one is never used (the bundled
list is, loudly).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
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
    """One version of the lists. Entries are built on demand from the compact records."""

    version: str
    generated_at: str
    records: list[dict[str, Any]]
    tables: dict[str, list[str]]
    counts: dict[str, int]
    authority: dict[str, Any]
    digest: str
    _built: dict[int, Entry] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.records)

    def entry(self, i: int) -> Entry:
        if i not in self._built:
            e, t = self.records[i], self.tables

            def pick(key: str, table: str) -> str | None:
                return t[table][e[key]] if key in e else None

            self._built[i] = Entry(
                name=e["n"],
                alt_names=tuple(e.get("a", ())),
                source=t["sources"][e["s"]],
                type=e.get("t"),
                countries=tuple(e.get("c", ())),
                entity_number=e.get("e"),
                license_requirement=pick("lr", "licenceRequirements"),
                license_policy=pick("lp", "licencePolicies"),
                programs=pick("pg", "programmes"),
                federal_register=e.get("fr"),
                source_url=pick("u", "urls"),
            )
        return self._built[i]

    @property
    def entries(self) -> list[Entry]:
        return [self.entry(i) for i in range(len(self.records))]

    def source_of(self, i: int) -> str:
        return self.tables["sources"][self.records[i]["s"]]


@contextmanager
def bulk_load() -> Iterator[None]:
    """Build many small objects without the cyclic garbage collector scanning them all (2x faster)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def from_compact(data: bytes, version: str | None = None) -> ScreeningList:
    """A list from the compact JSON layout (the bundled file, or one written by `lists update`)."""
    with bulk_load():
        raw = json.loads(data)
    counts: dict[str, int] = {}
    for r in raw["entries"]:
        src = raw["tables"]["sources"][r["s"]]
        counts[src] = counts.get(src, 0) + 1
    return ScreeningList(
        version=version or raw.get("version") or "CSL " + raw["sourceGeneratedAt"][:10],
        generated_at=raw["sourceGeneratedAt"],
        records=raw["entries"],
        tables=raw["tables"],
        counts=counts,
        authority=raw.get("listAuthority", {}),
        digest=hashlib.sha256(data).hexdigest(),
    )


@cache
def bundled() -> ScreeningList:
    """The Consolidated Screening List of 2026-07-31 shipped with longarm."""
    return from_compact(resources.files("longarm.data").joinpath("ecfr/screening-list.json").read_bytes())


def home() -> Path:
    """The data directory: $LONGARM_HOME, else ~/.local/share/longarm."""
    if os.environ.get("LONGARM_HOME"):
        return Path(os.environ["LONGARM_HOME"])
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "longarm"


def lists_dir() -> Path:
    return home() / "lists"


LIST_ID = re.compile(r"[0-9a-f]{16}|\d{4}-\d{2}-\d{2}-[0-9a-f]{12}")  # a content hash (older: date-hash)


def _warn(message: str) -> None:
    """Say on stderr, once per process, that the list in service is not the one installed."""
    if message not in _warned:
        _warned.add(message)
        print(f"warning: {message}", file=sys.stderr, flush=True)


_warned: set[str] = set()


@cache
def _stored(list_id: str, path: str) -> ScreeningList:
    """An installed list, its bytes checked against the SHA-256 recorded when it was installed."""
    folder = Path(path).parent
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text("utf-8")) if meta_path.is_file() else {}
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if meta.get("sha256") and meta["sha256"] != digest:
        raise ValueError(f"its content does not match the SHA-256 recorded when it was installed ({folder}/list.json)")
    return from_compact(data, version=meta.get("version"))


def service_problem() -> str | None:
    """Why the list in service is the bundled one although an update was installed (None if it is not)."""
    pointer = lists_dir() / "current"
    try:
        list_id = pointer.read_text("utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"{pointer} cannot be read ({e.strerror})"
    if not LIST_ID.fullmatch(list_id):
        return f"{pointer} does not name an installed list ({list_id[:40]!r})"
    path = lists_dir() / list_id / "list.json"
    if not path.is_file():
        return f"the list in service ({path}) was deleted"
    try:
        _stored(list_id, str(path))
    except (OSError, ValueError, KeyError, TypeError, IndexError) as e:
        return f"the list in service ({path}) is damaged: {e}"
    return None


def current() -> ScreeningList:
    """The list in service: the last successful update, else the bundled list. An installed list
    that was deleted or damaged is never used: the bundled list is, and stderr says so (once);
    `lists update` installs a good one again."""
    pointer = lists_dir() / "current"
    if not pointer.exists():
        return bundled()
    problem = service_problem()
    if problem:
        _warn(
            f"{problem}; screening uses the bundled list ({bundled().version}) instead. "
            "Run `longarm lists update` to install a list again."
        )
        return bundled()
    list_id = pointer.read_text("utf-8").strip()
    return _stored(list_id, str(lists_dir() / list_id / "list.json"))
