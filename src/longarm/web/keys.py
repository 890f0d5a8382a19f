"""API keys: `la_<id>_<secret>`, stored as the SHA-256 of the secret, each with a role and a rate.

A key's secret is 32 random bytes, so a plain SHA-256 cannot be brute-forced (a slow password
hash is for secrets people choose). Roles: viewer (read: screen, chips, rules, lists, diff,
batch status), analyst (also assess, classify, match, batches), admin (also list updates, keys).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from longarm.errors import InputError, Problem
from longarm.web.db import connect

ROLES = ("viewer", "analyst", "admin")
DEFAULT_RATE = 600  # requests per minute per key


@dataclass(frozen=True)
class Key:
    id: str
    name: str
    role: str
    rate_per_minute: int

    def allows(self, role: str) -> bool:
        """Whether this key's role includes `role` (admin > analyst > viewer)."""
        return ROLES.index(self.role) >= ROLES.index(role)


def _sha(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(store: Path, name: str, role: str = "analyst", rate_per_minute: int = DEFAULT_RATE) -> tuple[Key, str]:
    """A new key; the returned token is shown once and never stored."""
    if role not in ROLES:
        raise InputError(Problem("--role", f"must be one of {', '.join(ROLES)}, not {role!r}"))
    if not name.strip():
        raise InputError(Problem("--name", "must not be empty"))
    if rate_per_minute < 1:
        raise InputError(Problem("--rate", "must be at least 1 request per minute"))
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    connect(store).execute(
        "INSERT INTO api_keys VALUES (?,?,?,?,?,?,NULL)",
        (key_id, name.strip(), role, _sha(secret), rate_per_minute, _now()),
    )
    return Key(key_id, name.strip(), role, rate_per_minute), f"la_{key_id}_{secret}"


def check(store: Path, token: str) -> Key | None:
    """The key a bearer token belongs to, or None (unknown, malformed or revoked)."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "la":
        return None
    row = (
        connect(store)
        .execute(
            "SELECT id, name, role, rate_per_minute, secret_sha256 FROM api_keys WHERE id = ? AND revoked IS NULL",
            (parts[1],),
        )
        .fetchone()
    )
    if row is None or not hmac.compare_digest(row[4], _sha(parts[2])):
        return None
    return Key(row[0], row[1], row[2], row[3])


def get(store: Path, key_id: str) -> Key | None:
    """An active key by id (for browser sessions, which hold the id, not the secret)."""
    row = (
        connect(store)
        .execute("SELECT id, name, role, rate_per_minute FROM api_keys WHERE id = ? AND revoked IS NULL", (key_id,))
        .fetchone()
    )
    return Key(*row) if row else None


def listing(store: Path) -> list[dict[str, Any]]:
    """Every key, revoked ones included, without secrets."""
    cur = connect(store).execute(
        "SELECT id, name, role, rate_per_minute, created, revoked FROM api_keys ORDER BY created"
    )
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur]


def revoke(store: Path, key_id: str) -> None:
    """Revoke a key at once; its sessions end with it."""
    db = connect(store)
    if db.execute("UPDATE api_keys SET revoked = ? WHERE id = ? AND revoked IS NULL", (_now(), key_id)).rowcount == 0:
        raise InputError(Problem("KEY_ID", f"no active key {key_id!r}"))
    db.execute("DELETE FROM web_sessions WHERE key_id = ?", (key_id,))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
