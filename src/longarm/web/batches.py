"""Batch jobs of `longarm serve`: queued in the store, run one at a time by a worker process.

The worker (`python -m longarm.web.batches STORE`) runs `longarm.batch.run` at the lowest CPU
priority and with one core fewer than the machine has, so interactive requests stay fast while
a large order book is processed. A job left `running` by a stopped server (its worker gone or
silent) is claimed again and resumes from its finished partitions, as `longarm batch` does.
Files live in `<store dir>/web-batches/<id>/`.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import os
import secrets
import shutil
import socket
import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import Any

from longarm.errors import InputError, Problem
from longarm.web.db import connect

EXTENSIONS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
STALE_SECONDS = 15


def folder(store: Path, job_id: str) -> Path:
    return store.parent / "web-batches" / job_id


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(t: dt.datetime) -> str:
    return t.isoformat(timespec="milliseconds")


def check_upload(filename: str, head: bytes) -> str:
    """The upload's format from its name, confirmed by its first bytes; InputError otherwise."""
    ext = Path(filename).suffix.lower()
    fmt = EXTENSIONS.get(ext)
    if fmt is None:
        raise InputError(Problem("file", f"{filename!r}: upload a .csv, .parquet or .jsonl order book"))
    if fmt == "parquet":
        if not head.startswith(b"PAR1"):
            raise InputError(Problem("file", f"{filename!r} is not a Parquet file"))
        return fmt
    if b"\x00" in head:
        raise InputError(Problem("file", f"{filename!r} is not text"))
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    first = text.splitlines()[0] if text else ""
    if fmt == "csv":
        cols = {c.strip().strip('"') for c in first.split(",")}
        missing = [c for c in ("order_id", "to_country") if c not in cols]
        if missing:
            raise InputError(Problem("file", f"the CSV header lacks {', '.join(missing)}"))
    else:
        try:
            row = json.loads(first)
        except ValueError:
            raise InputError(Problem("file", "the first line is not a JSON object")) from None
        if not isinstance(row, dict):
            raise InputError(Problem("file", "the first line is not a JSON object"))
    return fmt


def create(store: Path, key_id: str, filename: str, source: Path) -> str:
    """Queue a job for an uploaded file (moved into the job's folder)."""
    job_id = secrets.token_hex(8)
    where = folder(store, job_id)
    where.mkdir(parents=True)
    ext = Path(filename).suffix.lower()
    shutil.move(str(source), where / f"input{ext}")
    now = _iso(_now())
    connect(store).execute(
        "INSERT INTO web_batches (id, key_id, filename, status, created, updated) VALUES (?,?,?,?,?,?)",
        (job_id, key_id, Path(filename).name[:200], "queued", now, now),
    )
    return job_id


def get(store: Path, job_id: str) -> dict[str, Any] | None:
    cur = connect(store).execute("SELECT * FROM web_batches WHERE id = ?", (job_id,))
    row = cur.fetchone()
    if row is None:
        return None
    job = dict(zip([c[0] for c in cur.description], row))
    job["counts"] = json.loads(job["counts"]) if job["counts"] else {}
    return job


def of_key(store: Path, key_id: str, limit: int = 50) -> list[dict[str, Any]]:
    cur = connect(store).execute(
        "SELECT id FROM web_batches WHERE key_id = ? ORDER BY created DESC LIMIT ?", (key_id, limit)
    )
    return [j for (i,) in cur.fetchall() if (j := get(store, i))]


def public(job: dict[str, Any]) -> dict[str, Any]:
    """The contract's status object."""
    return {
        "id": job["id"],
        "status": job["status"],
        "rows_done": job["rows_done"],
        "rows_total": job["rows_total"],
        "counts": job["counts"],
        "filename": job["filename"],
        "error": job["error"],
    }


def result_path(store: Path, job_id: str, fmt: str) -> Path:
    return folder(store, job_id) / f"result.{fmt}"


# -- the worker ---------------------------------------------------------------------------------


def _me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(worker: str | None, heartbeat: str | None, stale: str) -> bool:
    """A job's worker still runs: its process exists (this machine) or its heartbeat is fresh."""
    if not worker:
        return False
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname():
        return bool(heartbeat and heartbeat >= stale)
    try:
        os.kill(int(pid), 0)
    except (OSError, ValueError):
        return False
    return True


def claim(store: Path) -> str | None:
    """Take the oldest queued job, or a running one whose worker is gone, if no live job runs."""
    db = connect(store)
    stale = _iso(_now() - dt.timedelta(seconds=STALE_SECONDS))
    db.execute("BEGIN IMMEDIATE")
    try:
        running = db.execute("SELECT id, worker, heartbeat FROM web_batches WHERE status = 'running'").fetchall()
        live = [r for r in running if _alive(r[1], r[2], stale)]
        if live:
            db.execute("COMMIT")
            return None
        orphan = [r[0] for r in running]
        row = (
            (orphan[0],)
            if orphan
            else db.execute("SELECT id FROM web_batches WHERE status = 'queued' ORDER BY created LIMIT 1").fetchone()
        )
        if row is None:
            db.execute("COMMIT")
            return None
        now = _iso(_now())
        db.execute(
            "UPDATE web_batches SET status = 'running', worker = ?, heartbeat = ?, updated = ? WHERE id = ?",
            (_me(), now, now, row[0]),
        )
        db.execute("COMMIT")
        return str(row[0])
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _set(store: Path, job_id: str, **fields: Any) -> None:
    fields["updated"] = _iso(_now())
    cols = ", ".join(f"{k} = ?" for k in fields)
    connect(store).execute(f"UPDATE web_batches SET {cols} WHERE id = ?", (*fields.values(), job_id))


def _rows(source: Path) -> int:
    """The number of rows of an order book, as the batch module counts them."""
    from longarm import batch

    if hasattr(batch, "open_source"):
        return int(batch.open_source(source).rows_estimate)
    return int(batch.read_table(source).height)  # type: ignore[attr-defined]


def run_job(store: Path, job_id: str) -> None:
    """Run one claimed job to the end: result as Parquet and CSV, the HTML report."""
    import polars as pl

    from longarm import batch

    where = folder(store, job_id)
    source = next(where.glob("input.*"))
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(3):
            try:
                _set(store, job_id, heartbeat=_iso(_now()))
            except sqlite3.Error:
                pass

    threading.Thread(target=beat, daemon=True).start()
    try:
        total = _rows(source)
        _set(store, job_id, rows_total=total, rows_done=0)
        last = [0.0]

        def progress(_stage: str, done: int, n: int) -> None:
            """Rows decided so far, written at most every 0.3 s; never 100 % before the output is in place."""
            now = time.monotonic()
            if now - last[0] >= 0.3:
                last[0] = now
                share = done / n if n else 1.0
                _set(store, job_id, rows_done=min(total - 1, int(total * share)) if total else 0)

        out = where / "result.parquet"
        options: dict[str, Any] = {}
        if "workers" in inspect.signature(batch.run).parameters:  # leave a core to the server
            options["workers"] = max(1, (os.cpu_count() or 1) - 1)
        result = batch.run(source, out, store_path=store, report=where / "report.html", progress=progress, **options)
        pl.read_parquet(out).write_csv(where / ".result.csv.tmp")
        os.replace(where / ".result.csv.tmp", where / "result.csv")
        total = int(result.get("rows", total))
        from longarm.store import record_quietly

        job = get(store, job_id) or {}
        record_quietly(  # ties the run's batch-row records to the key that uploaded the book
            "batch-job",
            job_id,
            {"key_id": job.get("key_id"), "run_id": result["run_id"], "counts": result["counts"], "rows": total},
            store,
        )
        _set(
            store,
            job_id,
            status="done",
            rows_total=total,
            rows_done=total,
            counts=json.dumps(result["counts"], sort_keys=True),
            run_id=result["run_id"],
        )
    except InputError as e:
        _set(store, job_id, status="failed", error="; ".join(str(p) for p in e.problems))
    except Exception as e:  # a failed job is reported on its status, and the worker goes on
        _set(store, job_id, status="failed", error=f"internal error: {type(e).__name__}: {e}")
    finally:
        stop.set()


def work(store: Path, parent: int | None = None) -> None:
    """The worker loop: one job at a time until the parent server process is gone."""
    try:
        os.nice(19)  # interactive requests first
    except OSError:
        pass
    try:  # the worker leads its own session: with autogroup scheduling, its group's share counts
        Path("/proc/self/autogroup").write_text("19")
    except OSError:
        pass
    while parent is None or os.getppid() == parent:
        job_id = claim(store)
        if job_id is None:
            time.sleep(0.5)
            continue
        run_job(store, job_id)


if __name__ == "__main__":
    work(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else None)
