"""`longarm batch`: an order book, row by row."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from longarm.cli._app import app


@app.command()
def batch(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT", help="order book: .csv, .parquet or .jsonl")],
    out: Annotated[Path, typer.Option("--out", help="result file: .csv, .parquet or .jsonl (never the input)")],
    engine: Annotated[str, typer.Option("--engine", help="local | dask")] = "local",
    scheduler: Annotated[
        Optional[str], typer.Option("--scheduler", help="Dask scheduler address (default: a local cluster)")
    ] = None,
    workers: Annotated[
        Optional[int], typer.Option("--workers", min=1, help="worker processes (default: cores)")
    ] = None,
    report: Annotated[Optional[Path], typer.Option("--report", help="write an HTML (or PDF) summary here")] = None,
    store: Annotated[Optional[Path], typer.Option("--store", help="SQLite store (audit log, runs)")] = None,
    partition_rows: Annotated[
        int,
        typer.Option("--partition-rows", min=1, help="rows per partition (the unit of work, memory and resumption)"),
    ] = 25_000,
    raw: Annotated[
        bool, typer.Option("--raw", help="CSV output: keep cells starting with = + - @ tab CR as they are")
    ] = False,
    whatif: Annotated[
        Optional[list[str]], typer.Option("--whatif", help="KEY=VALUE hypothetical parameter (repeatable)")
    ] = None,
    encoding: Annotated[
        Optional[str], typer.Option("--encoding", help="input text encoding (default: UTF-8, or UTF-16 by its BOM)")
    ] = None,
) -> None:
    """Assess every row of an order book; resumable, recorded in the audit log."""
    import gc

    gc.enable()  # a long run needs the collector
    from longarm import batch as batch_mod

    update, stop = batch_mod.progress_bar()
    try:
        result = batch_mod.run(
            input_path,
            out,
            engine=engine,
            scheduler=scheduler,
            workers=workers,
            partition_rows=partition_rows,
            store_path=store,
            report=report,
            progress=update,
            raw=raw,
            whatif=whatif,
            encoding=encoding,
        )
    finally:
        stop()
    for w in result["warnings"]:
        typer.echo(f"warning: {w}", err=True)
    counts = ", ".join(f"{k} {v:,}" for k, v in result["counts"].items())
    typer.echo(f"{result['rows']:,} rows -> {result['output']} (run {result['run_id']}; {counts})", err=True)
