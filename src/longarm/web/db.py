"""The web tables in the store's SQLite file: API keys, browser sessions and batch jobs.

They live beside the audit log (one file to back up) but in tables of their own; each thread
keeps one connection (SQLite connections are not shared between threads).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, secret_sha256 TEXT NOT NULL,
    rate_per_minute INTEGER NOT NULL, created TEXT NOT NULL, revoked TEXT);
CREATE TABLE IF NOT EXISTS web_sessions (
    token_sha256 TEXT PRIMARY KEY, key_id TEXT NOT NULL, csrf TEXT NOT NULL, created TEXT NOT NULL,
    expires TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS web_batches (
    id TEXT PRIMARY KEY, key_id TEXT NOT NULL, filename TEXT NOT NULL, status TEXT NOT NULL,
    rows_done INTEGER NOT NULL DEFAULT 0, rows_total INTEGER, counts TEXT, run_id TEXT, error TEXT,
    created TEXT NOT NULL, updated TEXT NOT NULL, heartbeat TEXT, worker TEXT);
"""

_local = threading.local()


def connect(path: Path) -> sqlite3.Connection:
    """This thread's connection to the store file at `path`, the web tables created on first use."""
    cache = getattr(_local, "conns", None)
    if cache is None:
        cache = _local.conns = {}
    conn = cache.get(str(path))
    if conn is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=60, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(SCHEMA)
        cache[str(path)] = conn
    return conn
