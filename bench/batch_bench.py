"""Batch benchmark: an order book of N rows (default 1,000,000) with 50,000 distinct parties.

    python bench/batch_bench.py [ROWS]      # prints JSON; `make bench` records it in RESULTS.md

Each party has a fixed country and headquarters and buys one to three catalogue chips on one of
a few dates; one party in fifty is a listed name. Reports the wall time of `longarm batch`, the
time pyarrow takes merely to read the file, and their ratio.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
import pyarrow.csv as pacsv

CHIPS = [
    "nvidia-h100-sxm",
    "nvidia-h20",
    "nvidia-rtx-4090",
    "amd-mi300x",
    "nvidia-a100-sxm",
    "nvidia-l4",
    "nvidia-h200",
    "intel-gaudi-3",
    "nvidia-rtx-4090d",
    "huawei-ascend-910b",
]
COUNTRIES = ["CN", "DE", "SG", "VN", "MY", "IN", "AE", "JP", "US", "HK", "SA", "TW", "KR", "FR", "BR"]
DATES = ["2024-06-01", "2025-06-01", "2026-11-28"]


def make_book(path: Path, rows: int, parties: int = 50_000, seed: int = 1) -> None:
    from longarm.screening.lists import bundled

    rng = random.Random(seed)
    listed = [bundled().entry(i).name for i in range(0, len(bundled()), 7)]
    party = []
    for p in range(parties):
        name = rng.choice(listed) if p % 50 == 0 else f"Customer {p:05d} Trading Co., Ltd."
        c = rng.choice(COUNTRIES)
        party.append(
            (name, c, c if rng.random() < 0.9 else "CN", rng.sample(CHIPS, rng.randint(1, 3)), rng.choice(DATES))
        )
    picks = [party[rng.randrange(parties)] for _ in range(rows)]
    df = pl.DataFrame(
        {
            "order_id": [f"SO-{i:07d}" for i in range(rows)],
            "as_of": [p[4] for p in picks],
            "activity": ["export"] * rows,
            "from_country": ["US"] * rows,
            "to_country": [p[1] for p in picks],
            "catalog_id": [rng.choice(p[3]) for p in picks],
            "origin_country": ["US"] * rows,
            "end_user": [p[0] for p in picks],
            "end_user_country": [p[1] for p in picks],
            "end_user_headquarters_country": [p[2] for p in picks],
            "end_user_ultimate_parent_headquarters_country": [p[2] for p in picks],
            "end_uses": [""] * rows,
            "quantity": [str(rng.randint(1, 64)) for _ in range(rows)],
        }
    )
    df.write_csv(path)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book.csv"
        make_book(book, rows)
        t = time.perf_counter()
        pacsv.read_csv(book)
        read_s = time.perf_counter() - t
        exe = Path(sys.executable).with_name("longarm")
        env = {**os.environ, "LONGARM_HOME": str(Path(tmp) / "home")}
        t = time.perf_counter()
        subprocess.run(
            [str(exe), "batch", str(book), "--out", str(Path(tmp) / "out.csv")],
            check=True,
            env=env,
            capture_output=True,
        )
        batch_s = time.perf_counter() - t
        out = pl.read_csv(Path(tmp) / "out.csv", infer_schema=False)
        assert out.height == rows
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "rows": rows,
                "distinct_parties": 50_000,
                "batch_s": batch_s,
                "pyarrow_read_s": read_s,
                "ratio": batch_s / read_s,
                "rows_per_s": rows / batch_s,
                "max_rss_mib": peak,
                "outcomes": dict(out["outcome"].value_counts().iter_rows()),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
