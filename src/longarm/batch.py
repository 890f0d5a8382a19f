"""Order books: every row decided by the same `assess` as a single determination.

Rows are read as text (CSV, Parquet or JSON Lines, by extension), grouped into partitions
and decided by `decide_partition`, the one function both engines run: locally in this process,
or on a Dask cluster (`engine="dask"`). Inside a partition identical facts are decided once
(determinations are pure functions of their facts) and each party name is screened once.

Resumable: each finished partition is written atomically to `OUTPUT.parts/`, with a manifest
binding the run to its input's hash and parameters; a restarted run with the same arguments
keeps the finished parts and produces a byte-identical output. Every input row appears exactly
once, in order; an invalid row gets an `error` and never stops the run.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from longarm.errors import InputError, Problem

INPUT_COLUMNS = ("order_id", "as_of", "activity", "from_country", "to_country", "catalog_id", "eccn", "tpp",
                 "die_area_mm2", "datacenter", "origin_country", "us_controlled_content_pct", "end_user",
                 "end_user_country", "end_user_headquarters_country",
                 "end_user_ultimate_parent_headquarters_country", "end_uses")
RESULT_COLUMNS = ("outcome", "license_required", "subject_to_ear", "eccn", "general_prohibitions",
                  "screening_hits", "reasons", "error")
REQUIRED = ("order_id", "to_country")
PARTITION_ROWS = 20_000
FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def _format(path: Path, field: str) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(Problem(field, f"{path.name}: use .csv, .parquet or .jsonl"))
    return fmt


def read_table(path: Path) -> pl.DataFrame:
    """The order book with every column as text (empty = unknown)."""
    fmt = _format(path, "INPUT")
    try:
        if fmt == "csv":
            df = pl.read_csv(path, infer_schema=False)
        elif fmt == "parquet":
            df = pl.read_parquet(path)
        else:
            df = pl.read_ndjson(path, infer_schema_length=None)
    except (OSError, pl.exceptions.PolarsError) as e:
        raise InputError(Problem("INPUT", f"cannot read {path}: {e}")) from None
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise InputError(Problem("INPUT", f"missing column(s): {', '.join(missing)}"))
    for c in RESULT_COLUMNS:
        if c in df.columns and c != "eccn":
            raise InputError(Problem("INPUT", f"column {c!r} is an output column; rename it"))
    return df.with_columns(pl.all().cast(pl.Utf8).fill_null(""))


def _bool(text: str, field: str) -> bool | None:
    t = text.strip().lower()
    if not t:
        return None
    if t in ("true", "yes", "1", "y"):
        return True
    if t in ("false", "no", "0", "n"):
        return False
    raise ValueError(f"{field}: {text!r} is not true/false")


def transaction_of(row: dict[str, str]) -> dict[str, Any]:
    """The Transaction document for one order-book row (only the facts it gives)."""
    def v(name: str) -> str:
        return (row.get(name) or "").strip()

    item: dict[str, Any] = {}
    for src, dst in (("catalog_id", "catalog_id"), ("eccn", "eccn"), ("origin_country", "origin_country")):
        if v(src):
            item[dst] = v(src)
    for src in ("tpp", "die_area_mm2", "us_controlled_content_pct"):
        if v(src):
            try:
                item[src] = float(v(src))
            except ValueError:
                raise ValueError(f"{src}: {v(src)!r} is not a number") from None
    dc = _bool(v("datacenter"), "datacenter")
    if dc is not None:
        item["datacenter"] = dc
    tx: dict[str, Any] = {"to_country": v("to_country"), "item": item}
    for f in ("as_of", "activity", "from_country"):
        if v(f):
            tx[f] = v(f)
    if v("end_user"):
        party = {"role": "end_user", "name": v("end_user")}
        for src, dst in (("end_user_country", "country"), ("end_user_headquarters_country", "headquarters_country"),
                         ("end_user_ultimate_parent_headquarters_country", "ultimate_parent_headquarters_country")):
            if v(src):
                party[dst] = v(src)
        tx["parties"] = [party]
    if v("end_uses"):
        tx["end_uses"] = [u.strip() for u in v("end_uses").split(";") if u.strip()]
    return tx


def _decide_one(row: dict[str, str]) -> dict[str, str]:
    from longarm.assess import assess
    from longarm.inputs import transaction

    try:
        if not (row.get("order_id") or "").strip():
            raise InputError(Problem("order_id", "required"))
        d = assess(transaction(transaction_of(row)))
    except (InputError, ValueError) as e:
        problems = e.problems if isinstance(e, InputError) else [str(e)]
        return {**{c: "" for c in RESULT_COLUMNS}, "error": "; ".join(str(p) for p in problems)}
    reasons = [f"{r.citation} ({r.reason})" for r in d.license_requirements]
    reasons += [f"GP{g.number}: {g.citation}" for g in d.general_prohibitions]
    reasons += [f"exception {e.name} ({e.citation})" for e in d.license_exceptions]
    if d.outcome == "UNDETERMINED":
        reasons += [f"question: {q}" for q in d.questions]
    return {
        "outcome": d.outcome,
        "license_required": "" if d.license_required is None else str(d.license_required).lower(),
        "subject_to_ear": "" if d.subject_to_ear is None else str(d.subject_to_ear).lower(),
        "eccn": d.item.eccn,
        "general_prohibitions": ";".join(f"GP{g.number}" for g in d.general_prohibitions),
        "screening_hits": ";".join(f"{h.list}: {h.matched_name}" for h in d.screening),
        "reasons": " | ".join(reasons),
        "error": "",
    }


def decide_partition(rows: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """Results for a partition of rows, in order; identical facts are decided once."""
    cache: dict[tuple[str, ...], dict[str, str]] = {}
    out = []
    for row in rows:
        key = tuple((row.get(c) or "").strip() for c in INPUT_COLUMNS if c != "order_id") \
            + (("" if (row.get("order_id") or "").strip() else "missing-order-id"),)
        if key not in cache:
            cache[key] = _decide_one(row)
        out.append(cache[key])
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write(df: pl.DataFrame, path: Path, fmt: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    if fmt == "csv":
        df.write_csv(tmp)
    elif fmt == "parquet":
        df.write_parquet(tmp, statistics=False)
    else:
        df.write_ndjson(tmp)
    os.replace(tmp, path)


def run(input_path: Path, output_path: Path, *, engine: str = "local", scheduler: str | None = None,
        partition_rows: int = PARTITION_ROWS, store_path: Path | None = None, report: Path | None = None,
        progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Decide every row of `input_path` into `output_path`; resumes a killed run with the same arguments."""
    from longarm import __version__
    from longarm.screening.lists import current
    from longarm.store import Store

    out_fmt = _format(output_path, "--out")
    if engine not in ("local", "dask"):
        raise InputError(Problem("--engine", "must be local or dask"))
    if not input_path.is_file():
        raise InputError(Problem("INPUT", f"no such file: {input_path}"))
    df = read_table(input_path)
    in_hash = _sha256(input_path)
    lists_version = current().version
    params = {"input_sha256": in_hash, "output": output_path.name, "partition_rows": partition_rows,
              "lists_version": lists_version, "longarm_version": __version__, "input_columns": df.columns}
    parts_dir = output_path.with_name(output_path.name + ".parts")
    manifest = parts_dir / "manifest.json"
    if parts_dir.exists():
        try:
            same = json.loads(manifest.read_text("utf-8")) == params
        except (OSError, ValueError):
            same = False
        if not same:
            shutil.rmtree(parts_dir)
    parts_dir.mkdir(parents=True, exist_ok=True)
    if not manifest.exists():
        manifest.write_text(json.dumps(params, sort_keys=True), "utf-8")
    run_id = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]

    n = df.height
    bounds = [(i, min(i + partition_rows, n)) for i in range(0, n, partition_rows)] or [(0, 0)]
    todo = [k for k in range(len(bounds)) if not (parts_dir / f"part-{k:05d}.parquet").exists()]
    done_rows = sum(bounds[k][1] - bounds[k][0] for k in range(len(bounds)) if k not in todo)
    if progress:
        progress(done_rows, n)

    def finish(k: int, results: list[dict[str, str]]) -> None:
        nonlocal done_rows
        part = pl.DataFrame(results, schema={c: pl.Utf8 for c in RESULT_COLUMNS})
        _write(part, parts_dir / f"part-{k:05d}.parquet", "parquet")
        done_rows += bounds[k][1] - bounds[k][0]
        if progress:
            progress(done_rows, n)

    def rows_of(k: int) -> list[dict[str, str]]:
        a, b = bounds[k]
        return df.slice(a, b - a).to_dicts()

    if engine == "local":
        for k in todo:
            finish(k, decide_partition(rows_of(k)))
    else:
        from longarm.distributed import map_partitions
        for k, results in map_partitions(decide_partition, [(k, rows_of(k)) for k in todo], scheduler):
            finish(k, results)

    results = pl.concat([pl.read_parquet(parts_dir / f"part-{k:05d}.parquet") for k in range(len(bounds))]) \
        if n else pl.DataFrame(schema={c: pl.Utf8 for c in RESULT_COLUMNS})
    carried = df.rename({"eccn": "declared_eccn"}) if "eccn" in df.columns else df
    final = pl.concat([carried, results], how="horizontal")
    _write(final, output_path, out_fmt)
    counts = dict(Counter(final["outcome"].to_list()))
    counts = {("INVALID" if k == "" else k): v for k, v in sorted(counts.items())}

    store = Store(store_path)
    try:
        if store.run_finished(run_id):  # a restart after the run was recorded: record it once
            store.close()
            shutil.rmtree(parts_dir, ignore_errors=True)
            return {"run_id": run_id, "rows": n, "counts": counts, "output": str(output_path),
                    "input_sha256": in_hash, "lists_version": lists_version}
        store.start_run(run_id, input_path=str(input_path), input_sha256=in_hash, ruleset=_ruleset_note(),
                        lists_version=lists_version, longarm_version=__version__,
                        params={"engine": engine, "partition_rows": partition_rows, "output": str(output_path)})
        store.append("batch-row", ((row["order_id"], {k: row[k] for k in ("order_id", *RESULT_COLUMNS)})
                                   for row in final.select(["order_id", *RESULT_COLUMNS]).iter_rows(named=True)),
                     run_id=run_id)
        store.finish_run(run_id, counts)
    finally:
        store.close()
    if report is not None:
        from longarm.report import write_report
        write_report(final, report, run_id=run_id, input_path=input_path, counts=counts,
                     lists_version=lists_version)
    shutil.rmtree(parts_dir, ignore_errors=True)
    return {"run_id": run_id, "rows": n, "counts": counts, "output": str(output_path),
            "input_sha256": in_hash, "lists_version": lists_version}


def _ruleset_note() -> str:
    from longarm import params
    latest = max(e["from"] for f in params.FILES[1:] for v in params.load(f).values()
                 if isinstance(v, list) for e in v if isinstance(e, dict) and "from" in e)
    return f"longarm parameters dated through {latest.isoformat()} ({dt.date.today().isoformat()})"


def progress_bar() -> tuple[Callable[[int, int], None] | None, Callable[[], None]]:
    """A rich progress bar (rows/s, ETA) when stderr is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
    from rich.text import Text

    class RowsPerSecond(ProgressColumn):
        def render(self, task):  # type: ignore[no-untyped-def]
            return Text(f"{task.speed or 0:,.0f} rows/s")

    bar = Progress(TextColumn("{task.completed:,}/{task.total} rows"), BarColumn(), RowsPerSecond(),
                   TimeRemainingColumn(), transient=True)
    task = bar.add_task("batch", total=None)
    bar.start()

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)
    return update, bar.stop
