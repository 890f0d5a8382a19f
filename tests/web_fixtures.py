"""A real `longarm serve` on a free port, with keys made by the real `longarm keys create`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

LONGARM = Path(sys.executable).with_name("longarm")
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    store: Path
    proc: subprocess.Popen
    tokens: dict[str, str] = field(default_factory=dict)

    def key(self, name: str, role: str = "analyst", rate: int = 100_000) -> str:
        out = subprocess.run(
            [
                str(LONGARM),
                "keys",
                "create",
                "--name",
                name,
                "--role",
                role,
                "--rate",
                str(rate),
                "--store",
                str(self.store),
            ],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ,
        )
        return out.stdout.strip()

    def client(self, role: str = "analyst") -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.tokens[role]}"}, timeout=60)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start_server(store: Path, *extra: str) -> Server:
    port = free_port()
    log = open(store.parent / f"serve-{port}.log", "w")
    proc = subprocess.Popen(
        [str(LONGARM), "serve", "--port", str(port), "--store", str(store), *extra],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=os.environ,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return Server(url, store, proc)
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError((store.parent / f"serve-{port}.log").read_text())
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("longarm serve did not start")


@pytest.fixture(scope="session")
def server():
    store = Path(tempfile.mkdtemp(prefix="longarm-serve-")) / "longarm.sqlite"
    srv = start_server(store, "--max-upload-mb", "8")
    for role in ("viewer", "analyst", "admin"):
        srv.tokens[role] = srv.key(f"test {role}", role)
    yield srv
    srv.stop()
