"""Shared helpers: run the real `longarm` command in a subprocess, build items and transactions."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# Tests never write to the user's data directory (audit log, updated lists).
os.environ["LONGARM_HOME"] = tempfile.mkdtemp(prefix="longarm-test-home-")

ROOT = Path(__file__).resolve().parents[1]
LONGARM = Path(sys.executable).with_name("longarm")


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The installed `longarm` command, as a user runs it."""
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    return subprocess.run(
        [str(LONGARM), *args], capture_output=True, text=True, input=stdin, env=env, cwd=ROOT, timeout=60
    )


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture
def cli():
    return run_cli


def as_json(proc: subprocess.CompletedProcess[str]):
    return json.loads(proc.stdout)


# A real `longarm serve` on a free port for the API, web and browser tests.
from web_fixtures import server  # noqa: E402, F401
