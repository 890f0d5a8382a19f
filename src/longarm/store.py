"""The embedded store (SQLite): batch run records and the tamper-evident audit log.

Every determination (single `assess`, `screen`, batch rows) is appended to `audit`; each record
carries the SHA-256 of the previous record, so `verify` finds any changed, removed or reordered
record. Records are kept: the EAR require five years (15 CFR 762); nothing here deletes them.
WAL mode and `BEGIN IMMEDIATE` transactions let several writers (two batch runs) share the file.

Path: `--store`, else $LONGARM_STORE, else $LONGARM_HOME/longarm.sqlite.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from longarm.screening.lists import home

GENESIS = "0" * 64
SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, started TEXT NOT NULL, finished TEXT, input_path TEXT, input_sha256 TEXT,
    ruleset TEXT, lists_version TEXT, longarm_version TEXT, params TEXT, counts TEXT, status TEXT);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, kind TEXT NOT NULL, run_id TEXT, subject TEXT,
    payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL UNIQUE);
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit records are kept (15 CFR 762)'); END;
"""


def default_path() -> Path:
    return Path(os.environ["LONGARM_STORE"]) if os.environ.get("LONGARM_STORE") else home() / "longarm.sqlite"


def record_hash(prev: str, seq: int, ts: str, kind: str, run_id: str | None, subject: str | None, payload: str) -> str:
    body = json.dumps([prev, seq, ts, kind, run_id, subject, payload], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    seq: int
    what: str

    def __str__(self) -> str:
        return f"record {self.seq}: {self.what}"


class Store:
    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def append(self, kind: str, records: Iterable[tuple[str | None, dict[str, Any]]], run_id: str | None = None) -> int:
        """Append (subject, payload) records under one write lock, chaining their hashes."""
        ts = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        n = 0
        with self._write() as db:
            row = db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev = (row[0], row[1]) if row else (0, GENESIS)
            rows = []
            for subject, payload in records:
                seq += 1
                text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
                h = record_hash(prev, seq, ts, kind, run_id, subject, text)
                rows.append((seq, ts, kind, run_id, subject, text, prev, h))
                prev = h
                n += 1
            db.executemany("INSERT INTO audit VALUES (?,?,?,?,?,?,?,?)", rows)
        return n

    def verify(self) -> list[Break]:
        """Every break in the chain: a changed, removed or reordered record."""
        problems = []
        prev, expected_seq = GENESIS, 1
        for seq, ts, kind, run_id, subject, payload, prev_hash, h in self.db.execute(
            "SELECT seq, ts, kind, run_id, subject, payload, prev_hash, hash FROM audit ORDER BY seq"
        ):
            if seq != expected_seq:
                problems.append(Break(seq, f"records {expected_seq}..{seq - 1} were removed"))
            if prev_hash != prev:
                problems.append(
                    Break(
                        seq, "is out of order or follows a removed or changed record (its previous-hash does not match)"
                    )
                )
            if record_hash(prev_hash, seq, ts, kind, run_id, subject, payload) != h:
                problems.append(Break(seq, "was changed (its content does not match its hash)"))
            prev, expected_seq = h, seq + 1
        return problems

    def records(self, limit: int | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT seq, ts, kind, run_id, subject, payload, prev_hash, hash FROM audit"
        args: list[Any] = []
        if kind:
            sql += " WHERE kind = ?"
            args.append(kind)
        sql += " ORDER BY seq"
        if limit:
            sql = f"SELECT * FROM ({sql.replace(' ORDER BY seq', ' ORDER BY seq DESC')} LIMIT ?) ORDER BY seq"
            args.append(limit)
        cols = ("seq", "ts", "kind", "run_id", "subject", "payload", "prev_hash", "hash")
        out = []
        for r in self.db.execute(sql, args):
            rec = dict(zip(cols, r))
            rec["payload"] = json.loads(rec["payload"])
            out.append(rec)
        return out

    def start_run(self, run_id: str, **fields: Any) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO runs (id, started, input_path, input_sha256, ruleset, lists_version, "
                "longarm_version, params, status) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    run_id,
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    fields.get("input_path"),
                    fields.get("input_sha256"),
                    fields.get("ruleset"),
                    fields.get("lists_version"),
                    fields.get("longarm_version"),
                    json.dumps(fields.get("params", {}), sort_keys=True),
                    "running",
                ),
            )

    def finish_run(self, run_id: str, counts: dict[str, int]) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE runs SET finished = ?, counts = ?, status = 'finished' WHERE id = ?",
                (
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    json.dumps(counts, sort_keys=True),
                    run_id,
                ),
            )

    def run_finished(self, run_id: str) -> bool:
        row = self.db.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()
        return bool(row) and row[0] == "finished"

    def runs(self) -> list[dict[str, Any]]:
        cur = self.db.execute("SELECT * FROM runs ORDER BY started")
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur]


def record_quietly(
    kind: str, subject: str | None, payload: dict[str, Any], path: Path | str | None = None
) -> str | None:
    """Append one audit record; return a warning instead of failing the determination."""
    try:
        store = Store(path)
        try:
            store.append(kind, [(subject, payload)])
        finally:
            store.close()
    except (OSError, sqlite3.Error) as e:
        return f"the audit log at {path or default_path()} could not be written: {e}"
    return None
