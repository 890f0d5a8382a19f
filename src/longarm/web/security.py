"""Who is calling: Bearer keys for the API, cookie sessions for the pages; rate limits; CSRF.

Browser sessions are rows in the store (the cookie holds a random token, the table its SHA-256),
each bound to the API key its user signed in with, with a CSRF token every form must echo.
`serve --no-auth` (loopback only) signs every browser in as the local user.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request

from longarm.errors import Problem
from longarm.web import keys
from longarm.web.db import connect

SESSION_COOKIE = "longarm_session"
SESSION_HOURS = 8
LOCAL = keys.Key("local", "local user (--no-auth)", "admin", 1_000_000)


class HTTPProblem(Exception):
    """Raised anywhere in a request; answered as problem+json."""

    def __init__(self, status: int, detail: str, errors: list[Problem] | None = None, headers: dict | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors, self.headers = status, detail, errors or [], headers or {}


class SignInRequired(Exception):
    """A page needs a signed-in user: redirect to the sign-in form."""


@dataclass
class RateLimiter:
    """A token bucket per key: up to a minute's worth at once, refilled continuously."""

    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: keys.Key) -> float:
        """0 when the request may go ahead, else the seconds until it may."""
        now = time.monotonic()
        rate = key.rate_per_minute / 60.0
        with self.lock:
            tokens, last = self.buckets.get(key.id, (float(key.rate_per_minute), now))
            tokens = min(float(key.rate_per_minute), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self.buckets[key.id] = (tokens - 1.0, now)
                return 0.0
            self.buckets[key.id] = (tokens, now)
            return (1.0 - tokens) / rate


def api_key(request: Request, role: str) -> keys.Key:
    """The caller's key for an API request, checked for `role` and its rate limit."""
    state = request.app.state
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPProblem(
            401,
            "send an API key as `Authorization: Bearer <key>` (create one with `longarm keys create`)",
            [Problem("Authorization", "missing or not a Bearer key")],
            {"WWW-Authenticate": 'Bearer realm="longarm"'},
        )
    key = keys.check(state.settings.store, token.strip())
    if key is None:
        raise HTTPProblem(
            401,
            "the API key is unknown or revoked",
            [Problem("Authorization", "unknown or revoked key")],
            {"WWW-Authenticate": 'Bearer realm="longarm", error="invalid_token"'},
        )
    limit(request, key)
    if not key.allows(role):
        raise HTTPProblem(
            403,
            f"this needs the {role} role; the key has {key.role}",
            [Problem("Authorization", f"role {key.role} < {role}")],
        )
    return key


def limit(request: Request, key: keys.Key) -> None:
    wait = request.app.state.limiter.take(key)
    if wait > 0:
        raise HTTPProblem(
            429,
            f"rate limit of {key.rate_per_minute} requests per minute for this key",
            [Problem("Authorization", "rate limit reached")],
            {"Retry-After": str(max(1, math.ceil(wait)))},
        )


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(store: Path, key_id: str) -> tuple[str, str]:
    """A new session for `key_id`: (cookie token, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    now = dt.datetime.now(dt.UTC)
    db = connect(store)
    db.execute("DELETE FROM web_sessions WHERE expires < ?", (now.isoformat(timespec="seconds"),))
    db.execute(
        "INSERT INTO web_sessions VALUES (?,?,?,?,?)",
        (
            _sha(token),
            key_id,
            csrf,
            now.isoformat(timespec="seconds"),
            (now + dt.timedelta(hours=SESSION_HOURS)).isoformat(timespec="seconds"),
        ),
    )
    return token, csrf


def end_session(store: Path, token: str) -> None:
    connect(store).execute("DELETE FROM web_sessions WHERE token_sha256 = ?", (_sha(token),))


@dataclass(frozen=True)
class User:
    key: keys.Key
    csrf: str


def session_user(request: Request) -> User | None:
    """The signed-in user of a browser request, if any."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    store = request.app.state.settings.store
    row = (
        connect(store)
        .execute(
            "SELECT key_id, csrf FROM web_sessions WHERE token_sha256 = ? AND expires > ?",
            (_sha(token), dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        )
        .fetchone()
    )
    if row is None:
        return None
    key = LOCAL if row[0] == LOCAL.id and request.app.state.settings.no_auth else keys.get(store, row[0])
    return User(key, row[1]) if key else None


def page_user(request: Request, role: str = "viewer") -> User:
    """The user of a page; signs them in (redirect) when there is none."""
    user = session_user(request)
    if user is None:
        raise SignInRequired()
    limit(request, user.key)
    if not user.key.allows(role):
        raise HTTPProblem(403, f"this page needs the {role} role; your key has {user.key.role}")
    return user


def check_csrf(request: Request, user: User, form_token: str | None) -> None:
    """A state-changing form must carry the session's CSRF token (field `csrf` or X-CSRF-Token)."""
    sent = form_token or request.headers.get("x-csrf-token") or ""
    if not hmac.compare_digest(sent.encode(), user.csrf.encode()):
        raise HTTPProblem(
            403, "the form's CSRF token is missing or stale: reload the page", [Problem("csrf", "mismatch")]
        )
