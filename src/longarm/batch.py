"""Order books: every row decided by the same `assess` as a single determination.

Rows are read as text (CSV, Parquet or JSON Lines, by extension). The work is columnar and in
two stages, each split into partitions that both engines run with the same functions — worker
processes on this machine (`local`) or a Dask cluster (`dask`): `screen_partition` screens
each distinct party once; `decide_partition` decides each distinct set of facts once (a
determination is a pure function of its facts; the party counts through its screening result).
Results join back to the rows in order.

Resumable: each finished partition is written atomically to `OUTPUT.parts/`, with a manifest
binding the run to its input's hash and parameters; a restarted run with the same arguments
keeps the finished parts and produces a byte-identical output. Every input row appears exactly
once, in order; an invalid row gets an `error` and never stops the run.
"""

from __future__ import annotations

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
from longarm.params import fingerprint as params_fingerprint

INPUT_COLUMNS = (
    "order_id",
    "as_of",
    "activity",
    "from_country",
    "to_country",
    "catalog_id",
    "eccn",
    "tpp",
    "die_area_mm2",
    "datacenter",
    "origin_country",
    "us_controlled_content_pct",
    "end_user",
    "end_user_country",
    "end_user_headquarters_country",
    "end_user_ultimate_parent_headquarters_country",
    "end_uses",
)
RESULT_COLUMNS = (
    "outcome",
    "license_required",
    "subject_to_ear",
    "eccn",
    "general_prohibitions",
    "screening_hits",
    "reasons",
    "error",
)
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
        for src, dst in (
            ("end_user_country", "country"),
            ("end_user_headquarters_country", "headquarters_country"),
            ("end_user_ultimate_parent_headquarters_country", "ultimate_parent_headquarters_country"),
        ):
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


def screen_partition(parties: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """Screening results for distinct (end_user, end_user_country) pairs, as JSON text."""
    from longarm.screening.lists import bulk_load
    from longarm.screening.match import index_for

    idx = index_for()
    out = []
    with bulk_load():  # no cyclic collection over the growing screening cache
        for p in parties:
            country = (p["end_user_country"] or "").strip().upper() or None
            found = idx.screen(p["end_user"].strip(), country)
            out.append(
                {
                    "end_user": p["end_user"],
                    "end_user_country": p["end_user_country"],
                    "hits": json.dumps(
                        [[m.entry_index, m.matched_name, m.score, m.explanation] for m in found], ensure_ascii=False
                    ),
                    "hits_key": ";".join(f"{m.entry_index}:{m.matched_name}" for m in found),
                }
            )
    return out


def decide_partition(rows: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """Results for representative rows, in order, each decided by `assess` (screening results
    computed by `screen_partition` are reused, not recomputed)."""
    from longarm.screening.match import index_for

    idx = index_for()
    out = []
    for row in rows:
        if row.get("hits"):
            country = (row.get("end_user_country") or "").strip().upper() or None
            idx.remember(row["end_user"].strip(), country, [tuple(h) for h in json.loads(row["hits"])])
        out.append({"key": row["key"], **_decide_one(row)})
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


class _Stages:
    """Partitions of work whose results are kept in `parts_dir` (so a killed run resumes)."""

    def __init__(
        self, parts_dir: Path, engine: str, scheduler: str | None, progress: Callable[[str, int, int], None] | None
    ):
        self.parts_dir, self.engine, self.scheduler, self.progress = parts_dir, engine, scheduler, progress

    def run(
        self,
        name: str,
        func: Callable[[Sequence[dict[str, str]]], list[dict[str, str]]],
        table: pl.DataFrame,
        size: int,
        schema: dict[str, Any],
    ) -> pl.DataFrame:
        n = table.height
        bounds = [(a, min(a + size, n)) for a in range(0, n, size)]
        path = lambda k: self.parts_dir / f"{name}-{k:05d}.parquet"  # noqa: E731
        todo = [k for k in range(len(bounds)) if not path(k).exists()]
        done = n - sum(bounds[k][1] - bounds[k][0] for k in todo)
        label = {"screen": "screening parties", "decide": "deciding distinct facts"}.get(name, name)
        if self.progress:
            self.progress(label, done, n)

        def rows(k: int) -> list[dict[str, str]]:
            a, b = bounds[k]
            return table.slice(a, b - a).to_dicts()

        def finish(k: int, results: list[dict[str, str]]) -> None:
            nonlocal done
            _write(pl.DataFrame(results, schema=schema), path(k), "parquet")
            done += bounds[k][1] - bounds[k][0]
            if self.progress:
                self.progress(label, done, n)

        if self.engine == "dask" and todo:
            from longarm.distributed import map_partitions

            for k, res in map_partitions(func, [(k, rows(k)) for k in todo], self.scheduler):
                finish(k, res)
        elif len(todo) > 1 and (os.cpu_count() or 1) > 1:
            from concurrent.futures import ProcessPoolExecutor, as_completed

            with ProcessPoolExecutor(os.cpu_count()) as pool:
                futures = {pool.submit(func, rows(k)): k for k in todo}
                for f in as_completed(futures):
                    finish(futures[f], f.result())
        else:
            for k in todo:
                finish(k, func(rows(k)))
        if not bounds:
            return pl.DataFrame(schema=schema)
        return pl.concat([pl.read_parquet(path(k)) for k in range(len(bounds))])


KEY_COLUMNS = tuple(c for c in INPUT_COLUMNS if c not in ("order_id", "end_user"))


def run(
    input_path: Path,
    output_path: Path,
    *,
    engine: str = "local",
    scheduler: str | None = None,
    partition_rows: int = PARTITION_ROWS,
    store_path: Path | None = None,
    report: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Decide every row of `input_path` into `output_path`; resumes a killed run with the same arguments.

    Columnar: each distinct party is screened once; rows whose facts are the same (the party
    counting only through its screening result) are decided once; results join back in order.
    """
    from longarm import __version__
    from longarm.screening.lists import current
    from longarm.store import Store

    out_fmt = _format(output_path, "--out")
    if report is not None and report.suffix.lower() not in (".html", ".htm", ".pdf"):
        raise InputError(Problem("--report", "must end in .html or .pdf"))
    if engine not in ("local", "dask"):
        raise InputError(Problem("--engine", "must be local or dask"))
    if not input_path.is_file():
        raise InputError(Problem("INPUT", f"no such file: {input_path}"))
    df = read_table(input_path)
    in_hash = _sha256(input_path)
    lists_version = current().version
    params = {
        "input_sha256": in_hash,
        "output": output_path.name,
        "partition_rows": partition_rows,
        "lists_version": lists_version,
        "longarm_version": __version__,
        "input_columns": df.columns,
    }
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
    stages = _Stages(parts_dir, engine, scheduler, progress)

    work = df.with_row_index("__row").with_columns([pl.lit("").alias(c) for c in INPUT_COLUMNS if c not in df.columns])
    parties = (
        work.filter(pl.col("end_user").str.strip_chars() != "")
        .select("end_user", "end_user_country")
        .unique(maintain_order=True)
    )
    screened = stages.run(
        "screen",
        screen_partition,
        parties,
        partition_rows,
        {"end_user": pl.Utf8, "end_user_country": pl.Utf8, "hits": pl.Utf8, "hits_key": pl.Utf8},
    )
    work = work.join(screened, on=["end_user", "end_user_country"], how="left", maintain_order="left").with_columns(
        pl.col("hits").fill_null(""), pl.col("hits_key").fill_null("")
    )
    work = work.with_columns(
        pl.concat_str(
            [
                *(pl.col(c).str.strip_chars() for c in KEY_COLUMNS),
                pl.col("hits_key"),
                (pl.col("end_user").str.strip_chars() != "").cast(pl.Utf8),
                (pl.col("order_id").str.strip_chars() == "").cast(pl.Utf8),
            ],
            separator="\x1f",
        ).alias("key")
    )
    reps = work.unique(subset="key", keep="first", maintain_order=True).select("key", *INPUT_COLUMNS, "hits")
    decided = stages.run(
        "decide",
        decide_partition,
        reps,
        max(1, partition_rows // 10),
        {"key": pl.Utf8, **{c: pl.Utf8 for c in RESULT_COLUMNS}},
    )
    results = (
        work.select("__row", "key")
        .join(decided, on="key", how="left", maintain_order="left")
        .sort("__row")
        .select(RESULT_COLUMNS)
    )
    carried = df.rename({"eccn": "declared_eccn"}) if "eccn" in df.columns else df
    final = pl.concat([carried, results], how="horizontal")
    _write(final, output_path, out_fmt)
    counts = {
        ("INVALID" if k in ("", None) else k): v
        for k, v in sorted(Counter(final["outcome"].fill_null("").to_list()).items())
    }

    store = Store(store_path)
    try:
        if not store.run_finished(run_id):  # a restart after the run was recorded records it once
            store.start_run(
                run_id,
                input_path=str(input_path),
                input_sha256=in_hash,
                ruleset=json.dumps(params_fingerprint(), sort_keys=True),
                lists_version=lists_version,
                longarm_version=__version__,
                params={"engine": engine, "partition_rows": partition_rows, "output": str(output_path)},
            )
            store.append(
                "batch-row",
                (
                    (row[0], dict(zip(("order_id", *RESULT_COLUMNS), row)))
                    for row in final.select("order_id", *RESULT_COLUMNS).iter_rows()
                ),
                run_id=run_id,
            )
            store.finish_run(run_id, counts)
    finally:
        store.close()
    if report is not None:
        from longarm.report import write_report

        write_report(final, report, run_id=run_id, input_path=input_path, counts=counts, lists_version=lists_version)
    shutil.rmtree(parts_dir, ignore_errors=True)
    return {
        "run_id": run_id,
        "rows": df.height,
        "counts": counts,
        "output": str(output_path),
        "input_sha256": in_hash,
        "lists_version": lists_version,
        "distinct_parties": parties.height,
        "distinct_determinations": reps.height,
    }


def progress_bar() -> tuple[Callable[[str, int, int], None] | None, Callable[[], None]]:
    """A rich progress bar per stage (items/s, ETA) when stderr is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
    from rich.text import Text

    class PerSecond(ProgressColumn):
        def render(self, task):  # type: ignore[no-untyped-def]
            return Text(f"{task.speed or 0:,.0f}/s")

    bar = Progress(
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,}/{task.total:,}"),
        BarColumn(),
        PerSecond(),
        TimeRemainingColumn(),
        transient=True,
    )
    tasks: dict[str, Any] = {}
    bar.start()

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    return update, bar.stop
