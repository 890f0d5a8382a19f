"""`longarm batch`: an order book, row by row."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from longarm.cli._app import app
from longarm.errors import InputError, Problem


@app.command()
def batch(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT", help="order book: .csv, .parquet or .jsonl")],
    out: Annotated[Path, typer.Option("--out", help="result file: .csv, .parquet or .jsonl")],
    engine: Annotated[str, typer.Option("--engine", help="local | dask")] = "local",
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler address")] = None,
    report: Annotated[Optional[Path], typer.Option("--report", help="write an HTML summary here")] = None,
    store: Annotated[Optional[Path], typer.Option("--store", help="SQLite store (audit log, runs)")] = None,
    partition_rows: Annotated[int, typer.Option("--partition-rows", min=1)] = 20_000,
) -> None:
    """Assess every row of an order book; resumable, recorded in the audit log."""
    import gc

    gc.enable()  # a long run (and its forked workers) needs the collector
    from longarm import batch as batch_mod

    if scheduler and engine != "dask":
        raise InputError(Problem("--scheduler", "only with --engine dask"))
    update, stop = batch_mod.progress_bar()
    try:
        result = batch_mod.run(
            input_path,
            out,
            engine=engine,
            scheduler=scheduler,
            partition_rows=partition_rows,
            store_path=store,
            report=report,
            progress=update,
        )
    finally:
        stop()
    counts = ", ".join(f"{k} {v:,}" for k, v in result["counts"].items())
    typer.echo(f"{result['rows']:,} rows -> {result['output']} (run {result['run_id']}; {counts})", err=True)
