"""Order-book batches: row accounting, one engine, formats, resumption after kill -9, Dask, report."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import polars as pl
import pytest

from longarm import batch
from longarm.assess import assess
from longarm.inputs import transaction
from tests.conftest import LONGARM

HEADER = list(batch.INPUT_COLUMNS[:17]) + ["customer_ref"]
CHIPS = ["nvidia-h100-sxm", "nvidia-h20", "nvidia-rtx-4090", "amd-mi300x", "huawei-ascend-910b", ""]
DESTS = ["CN", "DE", "SG", "VN", "MO", "HK", "AE", "IR", "XX"]
PARTIES = ["Huawei Technologies Co., Ltd.", "Example Cloud Co.", "Example GmbH", "NUDT", ""]


def book(path: Path, n: int, seed: int = 3) -> Path:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(n):
            hq = rng.choice(["CN", "DE", "SG", ""])
            w.writerow(
                [
                    f"O-{i}" if rng.random() > 0.01 else "",
                    rng.choice(["2024-06-01", "2025-06-01", "2026-11-28"]),
                    rng.choice(["export", "reexport", "use"]),
                    "US",
                    rng.choice(DESTS),
                    rng.choice(CHIPS),
                    "",
                    rng.choice(["", "5000", "abc"]) if rng.random() < 0.05 else "",
                    "",
                    "",
                    "US",
                    "",
                    rng.choice(PARTIES),
                    "",
                    hq,
                    hq,
                    rng.choice(["", "ai_model_training", "supercomputer"]),
                    f"ref-{i}",
                ]
            )
    return path


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("LONGARM_HOME", str(tmp_path / "home"))
    return tmp_path


def test_every_row_once_in_order_with_extra_columns_and_errors(env):
    src = book(env / "book.csv", 300)
    result = batch.run(src, env / "out.csv", partition_rows=64)
    out = pl.read_csv(env / "out.csv", infer_schema=False)
    inp = pl.read_csv(src, infer_schema=False)
    assert out.height == inp.height == result["rows"] == 300
    assert out["customer_ref"].to_list() == inp["customer_ref"].to_list()
    assert out.columns[: len(inp.columns)] == [("declared_eccn" if c == "eccn" else c) for c in inp.columns]
    assert out.columns[len(inp.columns) :] == [*batch.RESULT_COLUMNS, "as_of_used"]
    bad = out.filter(pl.col("error") != "")
    assert bad.height > 0 and (bad["outcome"].fill_null("") == "").all()
    assert set(out["outcome"].fill_null("").to_list()) - {""} <= {
        "NLR",
        "LICENSE_EXCEPTION",
        "LICENSE_REQUIRED",
        "PROHIBITED",
        "UNDETERMINED",
    }


def test_rows_are_decided_by_the_same_engine_as_assess(env):
    src = book(env / "book.csv", 60, seed=9)
    batch.run(src, env / "out.jsonl", partition_rows=16)
    rows = [json.loads(line) for line in (env / "out.jsonl").read_text().splitlines()]
    for row in rows:
        if row["error"]:
            continue
        inp = {k: ("" if k == "eccn" else row.get(k, "")) for k in batch.INPUT_COLUMNS}
        d = assess(transaction(batch.transaction_of(inp)))
        assert row["outcome"] == d.outcome and row["eccn"] == d.item.eccn


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_formats_round_trip(env, suffix):
    src_csv = book(env / "book.csv", 40)
    df = pl.read_csv(src_csv, infer_schema=False)
    src = env / f"book{suffix}"
    {".csv": lambda: None, ".parquet": lambda: df.write_parquet(src), ".jsonl": lambda: df.write_ndjson(src)}[suffix]()
    out = env / f"out{suffix}"
    batch.run(src if suffix != ".csv" else src_csv, out, partition_rows=16)
    read = {
        ".csv": lambda p: pl.read_csv(p, infer_schema=False),
        ".parquet": pl.read_parquet,
        ".jsonl": pl.read_ndjson,
    }[suffix]
    assert read(out).height == 40


def test_bad_batch_arguments(env):
    src = book(env / "book.csv", 5)
    for args, field in [
        ([str(src), "--out", str(env / "o.txt")], "--out"),
        ([str(env / "nope.csv"), "--out", str(env / "o.csv")], "INPUT"),
        ([str(src), "--out", str(env / "o.csv"), "--engine", "spark"], "--engine"),
    ]:
        p = subprocess.run(
            [str(LONGARM), "batch", *args],
            capture_output=True,
            text=True,
            env={**os.environ, "LONGARM_HOME": str(env / "home")},
        )
        assert p.returncode == 2 and p.stderr.startswith(field) and p.stdout == ""
    (env / "nocol.csv").write_text("a,b\n1,2\n")
    p = subprocess.run(
        [str(LONGARM), "batch", str(env / "nocol.csv"), "--out", str(env / "o.csv")],
        capture_output=True,
        text=True,
        env={**os.environ, "LONGARM_HOME": str(env / "home")},
    )
    assert p.returncode == 2 and "missing column(s): order_id, to_country" in p.stderr


def _batch_cmd(src: Path, out: Path, home: Path) -> list[str]:
    return [
        str(LONGARM),
        "batch",
        str(src),
        "--out",
        str(out),
        "--partition-rows",
        "150",
        "--store",
        str(home / "store.sqlite"),
    ]


def test_killed_run_resumes_to_a_byte_identical_output(env):
    src = book(env / "book.csv", 3000, seed=5)
    home = env / "home"
    reference_dir, resumed_dir = env / "ref", env / "resumed"
    reference_dir.mkdir()
    resumed_dir.mkdir()
    e = {**os.environ, "LONGARM_HOME": str(home)}
    subprocess.run(_batch_cmd(src, reference_dir / "out.csv", home), check=True, env=e, capture_output=True)
    rng = random.Random(1)
    killed = 0
    for _ in range(3):
        proc = subprocess.Popen(
            _batch_cmd(src, resumed_dir / "out.csv", home), env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(1.0, 4.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
    assert killed >= 1, "the run finished before it could be killed: make the book larger"
    subprocess.run(_batch_cmd(src, resumed_dir / "out.csv", home), check=True, env=e, capture_output=True)
    assert (resumed_dir / "out.csv").read_bytes() == (reference_dir / "out.csv").read_bytes()
    assert not (resumed_dir / "out.csv.parts").exists()


def test_dask_engine_gives_the_same_output_as_local(env):
    src = book(env / "book.csv", 200, seed=8)
    (env / "local").mkdir()
    (env / "dask").mkdir()
    batch.run(src, env / "local" / "out.csv", partition_rows=50)
    batch.run(src, env / "dask" / "out.csv", engine="dask", partition_rows=50)
    assert (env / "dask" / "out.csv").read_bytes() == (env / "local" / "out.csv").read_bytes()


def test_report_lists_counts_and_flagged_rows(env):
    src = book(env / "book.csv", 120)
    result = batch.run(src, env / "out.csv", report=env / "report.html", partition_rows=40)
    text = (env / "report.html").read_text()
    for outcome, n in result["counts"].items():
        assert f"<td>{outcome}</td><td>{n}</td>" in text
    assert "data:image/png;base64," in text and "GP10" in text


@pytest.mark.skipif(not __import__("shutil").which("script"), reason="needs util-linux `script` for a terminal")
def test_progress_bar_on_a_terminal_plain_lines_otherwise(env):
    src = book(env / "book.csv", 50)
    log = env / "typescript"
    cmd = f"{LONGARM} batch {src} --out {env / 'tty.csv'}"
    subprocess.run(
        ["script", "-qc", cmd, str(log)],
        check=True,
        capture_output=True,
        env={**os.environ, "LONGARM_HOME": str(env / "home")},
    )
    assert "deciding rows" in log.read_text(errors="replace")
    quiet = subprocess.run(
        [str(LONGARM), "batch", str(src), "--out", str(env / "pipe.csv")],
        capture_output=True,
        text=True,
        env={**os.environ, "LONGARM_HOME": str(env / "home")},
    )
    assert "deciding rows: 50/50" in quiet.stderr and "\x1b[" not in quiet.stderr and quiet.stdout == ""
