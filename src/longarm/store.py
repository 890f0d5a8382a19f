"""The embedded store (SQLite): batch run records and the tamper-evident audit log.

Every determination (single `assess`, `screen`, batch rows) is appended to `audit`. Each record
carries the SHA-256 of the previous record (so a changed, removed or reordered record breaks
the chain) and an HMAC-SHA256 of its own hash under the audit key, which is kept apart from the
store: whoever can edit the SQLite file but not read the key cannot append a record, nor rewrite
one and recompute the later hashes, without `verify` saying so. The count and hash of the last
record (the head) are also kept beside the key after every append, so removing the last records,
emptying the table or deleting the file where records existed is found too. `anchor()` gives the
head to keep elsewhere (a ticket, an e-mail); `verify(expect=...)` checks the chain against it,
which holds even against someone who has the key.

A store found damaged is marked so (in the store and beside the key) and nothing more is
appended to it: it is evidence, to be kept as it is.

Records are kept: the EAR require five years (15 CFR 762); nothing here deletes them.
WAL mode and `BEGIN IMMEDIATE` transactions let several writers (two batch runs) share the file.

Paths: the store is `--store`, else $LONGARM_STORE, else $LONGARM_HOME/longarm.sqlite. The audit
key is $LONGARM_AUDIT_KEY (the key itself), else the file `audit.key` (created with mode 0600 on
first use) in $LONGARM_AUDIT_DIR, else in the folder beside the data folder
(`~/.local/share/longarm-audit` for `~/.local/share/longarm`); the kept heads live in its `heads/`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from longarm.errors import AuditRefused, InputError, Problem, StoreError, StoreUnavailable
from longarm.screening.lists import home

GENESIS = "0" * 64
SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, started TEXT NOT NULL, finished TEXT, input_path TEXT, input_sha256 TEXT,
    ruleset TEXT, lists_version TEXT, longarm_version TEXT, params TEXT, counts TEXT, status TEXT);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, kind TEXT NOT NULL, run_id TEXT, subject TEXT,
    payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, mac TEXT);
CREATE TABLE IF NOT EXISTS audit_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit records are kept (15 CFR 762)'); END;
"""
COLUMNS = ("seq", "ts", "kind", "run_id", "subject", "payload", "prev_hash", "hash", "mac")


def default_path() -> Path:
    return Path(os.environ["LONGARM_STORE"]) if os.environ.get("LONGARM_STORE") else home() / "longarm.sqlite"


def audit_dir() -> Path:
    """Where the audit key and the kept heads live: apart from the store."""
    if os.environ.get("LONGARM_AUDIT_DIR"):
        return Path(os.environ["LONGARM_AUDIT_DIR"])
    data = home().resolve()
    return data.with_name(data.name + "-audit")


def key_path() -> Path:
    return audit_dir() / "audit.key"


def load_key(create: bool) -> bytes | None:
    """The audit key: $LONGARM_AUDIT_KEY, else the key file (made, mode 0600, when `create`)."""
    if os.environ.get("LONGARM_AUDIT_KEY"):
        return os.environ["LONGARM_AUDIT_KEY"].encode("utf-8")
    path = key_path()
    try:
        return path.read_text("ascii").strip().encode("ascii")
    except FileNotFoundError:
        if not create:
            return None
    except OSError as e:
        raise StoreError(f"{path}: the audit key cannot be read ({e.strerror}); check its permissions") from None
    tmp = path.with_name(f".audit.key.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)  # whole or not at all; a concurrent first writer may have made it already
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
        return path.read_text("ascii").strip().encode("ascii")
    except OSError as e:
        raise StoreError(f"{path}: the audit key cannot be created ({e.strerror}); set LONGARM_AUDIT_DIR") from None


def key_id(key: bytes) -> str:
    """A fingerprint that names the key without revealing it."""
    return hmac.new(key, b"longarm audit key id", hashlib.sha256).hexdigest()[:16]


def record_hash(prev: str, seq: int, ts: str, kind: str, run_id: str | None, subject: str | None, payload: str) -> str:
    body = json.dumps([prev, seq, ts, kind, run_id, subject, payload], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def record_mac(key: bytes, h: str) -> str:
    return hmac.new(key, h.encode("ascii"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Break:
    """One finding of `verify`: the record it concerns (0 for the store as a whole) and what is wrong."""

    seq: int
    what: str

    def __str__(self) -> str:
        return f"record {self.seq}: {self.what}" if self.seq else f"store: {self.what}"


def parse_anchor(text: str) -> tuple[int, str]:
    """`COUNT:HASH` as printed by `audit anchor`, or InputError naming --expect."""
    count, _, h = text.strip().partition(":")
    if (
        not (count.isascii() and count.isdigit())
        or len(count) > 18  # SQLite's integers: a count beyond them was never printed by `anchor`
        or len(h) != 64
        or any(c not in "0123456789abcdef" for c in h)
    ):
        raise InputError(Problem("--expect", f"{text!r} is not a head printed by `longarm audit anchor` (COUNT:HASH)"))
    return int(count), h


def head_path(store: Path) -> Path:
    """Where the head of the store at `store` is kept: beside the audit key, named by the store's path."""
    name = hashlib.sha256(str(store.resolve()).encode("utf-8")).hexdigest()[:32]
    return audit_dir() / "heads" / f"{name}.json"


def kept_head(store: Path) -> dict[str, Any]:
    """The kept head of the store at `store` ({} if none was kept): count, head, key_id, damaged."""
    try:
        return dict(json.loads(head_path(store).read_text("utf-8")))
    except (OSError, ValueError):
        return {}


class Store:
    """The SQLite store. `create=False` opens only an existing file (StoreError if there is none)."""

    def __init__(self, path: Path | str | None = None, *, create: bool = True):
        self.path = Path(path) if path else default_path()
        if self.path.is_dir():
            raise StoreUnavailable(
                f"{self.path}: is a folder; give the path of the store file (e.g. {self.path}/longarm.sqlite)"
            )
        if not create and not self.path.exists():
            raise StoreUnavailable(f"{self.path}: no store there")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
            if "mac" not in [r[1] for r in self.db.execute("PRAGMA table_info(audit)")]:
                self.db.execute("ALTER TABLE audit ADD COLUMN mac TEXT")  # a store from before keyed records
        except sqlite3.DatabaseError as e:
            raise StoreUnavailable(
                f"{self.path}: cannot be opened as a longarm store ({e}); if it was damaged, keep it as evidence, "
                "restore the store from a backup, or give --store (or LONGARM_STORE) a new file"
            ) from None
        except OSError as e:
            raise StoreUnavailable(
                f"{self.path}: cannot be opened ({e.strerror}); check the folder exists and is writable"
            ) from None

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

    # -- the head kept apart from the store -------------------------------------------------------

    def head_path(self) -> Path:
        return head_path(self.path)

    def kept_head(self) -> dict[str, Any]:
        return kept_head(self.path)

    def _keep_head(self, count: int, h: str, damaged: str | None = None, kid: str | None = None) -> None:
        """Record the head beside the key; never lower a count already kept (concurrent writers)."""
        path = self.head_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            kept = self.kept_head()
            if count < kept.get("count", 0) and not damaged:
                return
            data = {**kept, "store": str(self.path.resolve()), "count": max(count, kept.get("count", 0))}
            if count >= kept.get("count", 0):
                data["head"] = h
            if damaged:
                data["damaged"] = damaged
            if kid:
                data["key_id"] = kid
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, sort_keys=True), "utf-8")
            os.replace(tmp, path)
        except OSError as e:
            raise StoreError(f"{path}: the audit head cannot be kept ({e.strerror}); check LONGARM_AUDIT_DIR") from None

    # -- appending --------------------------------------------------------------------------------

    def _meta(self, k: str) -> str | None:
        row = self.db.execute("SELECT v FROM audit_meta WHERE k = ?", (k,)).fetchone()
        return row[0] if row else None

    def _last(self) -> tuple[Any, ...] | None:
        return self.db.execute(f"SELECT {', '.join(COLUMNS)} FROM audit ORDER BY seq DESC LIMIT 1").fetchone()

    def _hash_at(self, seq: int) -> str | None:
        row = self.db.execute("SELECT hash FROM audit WHERE seq = ?", (seq,)).fetchone()
        return row[0] if row else None

    def _tail_problem(self, key: bytes) -> str | None:
        """Why appending would be wrong, checked cheaply at the tail (the full check is `verify`)."""
        kept = self.kept_head()
        damaged = self._meta("damaged") or kept.get("damaged")
        if damaged:
            return str(damaged)
        last = self._last()
        count = last[0] if last else 0
        if kept.get("count", 0) > count:
            return f"{kept['count']:,} records were written to it but it holds {count:,}"
        stored_id = self._meta("key_id")
        if kept.get("key_id") and stored_id != kept["key_id"]:
            return "its audit key record was changed or removed"
        if last is not None:
            seq, ts, kind, run_id, subject, payload, prev_hash, h, mac = last
            if record_hash(prev_hash, seq, ts, kind, run_id, subject, payload) != h:
                return f"record {seq} was changed"
            if mac is None and (stored_id or kept.get("key_id")):
                return f"record {seq} has no MAC: it was not written with the audit key"
            if mac is not None and not hmac.compare_digest(mac, record_mac(key, h)):
                return f"record {seq} was not written with the audit key"
        if kept.get("count") and self._hash_at(kept["count"]) != kept.get("head"):
            return f"record {kept['count']} does not match the head kept at {self.head_path()}"
        return None

    def _adopt_unkeyed(self, key: bytes) -> None:
        """Sign records written before keyed records, once their unkeyed chain is found intact."""
        if self.db.execute("SELECT 1 FROM audit WHERE mac IS NULL LIMIT 1").fetchone() is None:
            return
        breaks = self._chain_breaks(None)
        if breaks:
            raise AuditRefused(
                f"{self.path}: the audit log is damaged ({breaks[0]}); nothing was appended. Keep the file as "
                "evidence and give --store (or LONGARM_STORE) a new file"
            )
        rows = [
            (record_mac(key, h), seq) for seq, h in self.db.execute("SELECT seq, hash FROM audit WHERE mac IS NULL")
        ]
        self.db.executemany("UPDATE audit SET mac = ? WHERE seq = ?", rows)
        self.db.execute(
            "INSERT OR REPLACE INTO audit_meta VALUES ('adopted', ?)",
            (f"records 1..{rows[-1][1]} signed on {dt.date.today().isoformat()} after their chain verified",),
        )

    def _append_key(self) -> bytes:
        """The audit key to sign with: made on a store's first append, else it must be the one used before."""
        expected = self._meta("key_id") or self.kept_head().get("key_id")
        key = load_key(create=expected is None)
        if key is None:
            raise AuditRefused(
                f"{self.path}: the audit key is missing ({key_path()}, or LONGARM_AUDIT_KEY); nothing was appended. "
                "Restore the key file from its backup (or set LONGARM_AUDIT_DIR to where it is kept)"
            )
        if expected and key_id(key) != expected:
            raise AuditRefused(
                f"{self.path}: its records were signed with another audit key (id {expected}; this key is "
                f"{key_id(key)}); nothing was appended. Set LONGARM_AUDIT_KEY or LONGARM_AUDIT_DIR to the key it uses"
            )
        return key

    def append(self, kind: str, records: Iterable[tuple[str | None, dict[str, Any]]], run_id: str | None = None) -> int:
        """Append (subject, payload) records under one write lock, chaining and signing them.

        Refuses (AuditRefused) on a store found damaged: nothing is ever added after a break."""
        key = self._append_key()
        ts = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        n = 0
        with self._write() as db:
            if self._last() is not None and self._meta("key_id") is None and not self.kept_head().get("key_id"):
                self._adopt_unkeyed(key)
            problem = self._tail_problem(key)
            if problem:
                db.execute("INSERT OR REPLACE INTO audit_meta VALUES ('damaged', ?)", (problem,))
            else:
                db.execute("INSERT OR IGNORE INTO audit_meta VALUES ('key_id', ?)", (key_id(key),))
                row = self._last()
                seq, prev = (row[0], row[7]) if row else (0, GENESIS)
                rows = []
                for subject, payload in records:
                    seq += 1
                    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
                    h = record_hash(prev, seq, ts, kind, run_id, subject, text)
                    rows.append((seq, ts, kind, run_id, subject, text, prev, h, record_mac(key, h)))
                    prev = h
                    n += 1
                db.executemany("INSERT INTO audit VALUES (?,?,?,?,?,?,?,?,?)", rows)
        if problem:
            with suppress(StoreError):
                self._keep_head(0, GENESIS, damaged=problem)
            raise AuditRefused(
                f"{self.path}: the audit log is damaged ({problem}); nothing was appended. Run `longarm audit verify` "
                "to see every break, keep the file as evidence, and give --store (or LONGARM_STORE) a new file"
            )
        self._keep_head(seq, prev, kid=key_id(key))
        return n

    # -- checking ---------------------------------------------------------------------------------

    def _chain_breaks(self, key: bytes | None) -> list[Break]:
        problems = []
        prev, expected_seq = GENESIS, 1
        for seq, ts, kind, run_id, subject, payload, prev_hash, h, mac in self.db.execute(
            f"SELECT {', '.join(COLUMNS)} FROM audit ORDER BY seq"
        ):
            if seq != expected_seq:
                gone = (
                    f"record {expected_seq} was"
                    if seq == expected_seq + 1
                    else f"records {expected_seq}..{seq - 1} were"
                )
                problems.append(Break(seq, f"{gone} removed before it"))
            if prev_hash != prev:
                problems.append(
                    Break(
                        seq, "is out of order or follows a removed or changed record (its previous-hash does not match)"
                    )
                )
            if record_hash(prev_hash, seq, ts, kind, run_id, subject, payload) != h:
                problems.append(Break(seq, "was changed (its content does not match its hash)"))
            elif key is not None and mac is None:
                problems.append(Break(seq, "has no MAC: it was not written with the audit key"))
            elif key is not None and not hmac.compare_digest(mac, record_mac(key, h)):
                problems.append(
                    Break(seq, "was not written with the audit key (added, or rewritten with recomputed hashes)")
                )
            prev, expected_seq = h, seq + 1
        return problems

    def count(self) -> int:
        """The number of records the chain claims (the last sequence number)."""
        last = self._last()
        return int(last[0]) if last else 0

    def verify(self, expect: str | None = None) -> list[Break]:
        """Every break: a changed, removed, reordered, forged or missing record, checked against
        the audit key, the head kept beside it and, when given, an anchor (`COUNT:HASH`).

        A break in the store itself is recorded (in the store and beside the key), so that nothing
        is appended to it afterwards; a mismatching anchor is reported only (it may be a typo)."""
        anchor = parse_anchor(expect) if expect else None
        key = load_key(create=False)
        count = self.count()
        problems = []
        kept = self.kept_head()
        stored_id = self._meta("key_id")
        expected_id = kept.get("key_id") or stored_id
        if kept.get("key_id") and stored_id != kept["key_id"] and count:
            problems.append(Break(0, f"its audit key record was changed or removed (kept at {self.head_path()})"))
        check_key = None
        if expected_id and key is None:
            problems.append(
                Break(0, f"the audit key is missing ({key_path()} or LONGARM_AUDIT_KEY): the records cannot be checked")
            )
        elif expected_id and key is not None and key_id(key) != expected_id:
            problems.append(Break(0, f"signed with another audit key (id {expected_id}; this key is {key_id(key)})"))
        elif expected_id:
            check_key = key
        problems += self._chain_breaks(check_key)
        if kept.get("count", 0) > count:
            where = f"the head kept at {self.head_path()} says {kept['count']:,}"
            if count == 0:
                problems.append(Break(0, f"is empty, but {kept['count']:,} records were written to it ({where})"))
            else:
                gone = (
                    f"record {count + 1} was"
                    if kept["count"] == count + 1
                    else f"records {count + 1}..{kept['count']} were"
                )
                problems.append(Break(count + 1, f"{gone} removed from the end ({where})"))
        elif kept.get("count") and self._hash_at(kept["count"]) != kept.get("head"):
            problems.append(Break(kept["count"], f"does not match the head kept at {self.head_path()}"))
        if kept.get("damaged") and not problems:
            problems.append(Break(0, f"was found damaged earlier ({kept['damaged']})"))
        intrinsic = list(problems)
        if anchor:
            n, h = anchor
            if n > count:
                problems.append(Break(n, f"missing: the anchor expects {n:,} records, the store holds {count:,}"))
            elif self._hash_at(n) != h:
                problems.append(Break(n, "does not match the anchor (the chain up to it was rewritten)"))
        damage = [p for p in intrinsic if "audit key is missing" not in p.what]
        if damage and not self._meta("damaged"):
            with suppress(sqlite3.Error, StoreError):
                with self._write() as db:
                    db.execute("INSERT OR REPLACE INTO audit_meta VALUES ('damaged', ?)", (str(damage[0]),))
                self._keep_head(0, GENESIS, damaged=str(damage[0]))
        return problems

    def anchor(self) -> str:
        """The chain's head, `COUNT:HASH`, to keep apart from the store and give to `verify --expect`."""
        last = self._last()
        return f"{last[0]}:{last[7]}" if last else f"0:{GENESIS}"

    # -- reading and runs -------------------------------------------------------------------------

    def records(self, limit: int | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        sql = f"SELECT {', '.join(COLUMNS)} FROM audit"
        args: list[Any] = []
        if kind:
            sql += " WHERE kind = ?"
            args.append(kind)
        sql += " ORDER BY seq"
        if limit:
            sql = f"SELECT * FROM ({sql.replace(' ORDER BY seq', ' ORDER BY seq DESC')} LIMIT ?) ORDER BY seq"
            args.append(limit)
        out = []
        for r in self.db.execute(sql, args):
            rec = dict(zip(COLUMNS, r))
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
    """Append one audit record; return a warning instead of failing the determination when the
    store cannot be written. A damaged store is not written and not quiet: AuditRefused."""
    try:
        store = Store(path)
        try:
            store.append(kind, [(subject, payload)])
        finally:
            store.close()
    except AuditRefused:
        raise
    except StoreError as e:
        return f"the audit log could not be written: {e}"
    except (OSError, sqlite3.Error) as e:
        return f"the audit log at {path or default_path()} could not be written: {e}"
    return None
