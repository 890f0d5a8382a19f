"""Audit records of API and page determinations, written by one thread in groups.

A request hands its record to the writer and does not wait on the store's write lock, which a
large batch may hold for seconds while it records its rows; the writer appends what has queued
up in one transaction (the hash chain is the store's). Shutdown drains the queue.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from pathlib import Path
from typing import Any


class AuditWriter:
    def __init__(self, store: Path):
        self.store = store
        self.queue: queue.Queue[tuple[str, str | None, dict[str, Any]] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="longarm-audit", daemon=True)
        self.thread.start()

    def record(self, kind: str, subject: str | None, payload: dict[str, Any]) -> None:
        self.queue.put((kind, subject, payload))

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join(timeout=60)

    def _run(self) -> None:
        from longarm.store import Store

        store: Store | None = None
        stop = False
        while not stop:
            first = self.queue.get()
            batch = [] if first is None else [first]
            stop = first is None
            while len(batch) < 200:  # small groups: the hashing holds the GIL, requests come first
                try:
                    nxt = self.queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            by_kind: dict[str, list[tuple[str | None, dict[str, Any]]]] = {}
            for kind, subject, payload in batch:
                by_kind.setdefault(kind, []).append((subject, payload))
            for kind, records in by_kind.items():
                try:
                    store = store or Store(self.store)
                    store.append(kind, records)
                    time.sleep(0.001)  # let the request threads run between groups
                except Exception as e:  # never lose the server over the log; say so loudly
                    print(f"longarm serve: audit log not written ({len(records)} {kind} records): {e}", file=sys.stderr)
                    store = None
        if store is not None:
            store.close()
