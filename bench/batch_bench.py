"""Batch benchmark: order books of the shapes users have, 1,000,000 rows each by default.

    python bench/batch_bench.py [SHAPE [ROWS]] [--engine local|dask] [--workers N]   # default shape:
                                                          # parties-x-countries (`make bench`)
    python bench/batch_bench.py all            # every 1M shape, one after the other

Shapes:
  few-parties          20 customers (two of them listed) buying everything, many rows each
  parties-x-countries  50,000 customers, each buying in up to 40 countries (a distributor's book)
  noisy-listed         5 % of rows name a listed party, spelt as order books do (case, a letter
                       dropped or doubled, punctuation), every spelling distinct
  invalid-30pct        30 % of rows carry a bad cell (number, country, date, order id)
  all-columns          every column filled: ECCN, TPP, die area, datacenter, US content, HQ and
                       ultimate parent HQ, end uses, party type, exporter
  hardest              all of the above at once (40 countries, noisy listed names, every column,
                       invalid cells): the shape used for the 10M-row run

Reports wall time of `longarm batch`, the time pyarrow takes merely to read the file and their
ratio, rows/s, and peak memory: the largest single process and the sum over the run's process
tree (sampled every 0.2 s). Prints JSON and writes it to bench/batch-SHAPE[-ROWS].json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
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
COUNTRIES = (
    "CN DE SG VN MY IN AE JP US HK SA TW KR FR BR MO RU GB NL IE IL TH ID PH MX CA AU IT ES SE "
    "CH PL TR EG ZA NG KZ PK BD CL"
).split()
# ECCN, TPP, die area, datacenter, US content per chip (the order book's own declarations)
SPECS = {
    "nvidia-h100-sxm": ("3A090.a", "15832", "814", "true", "100"),
    "nvidia-h20": ("3A090.b", "2368", "814", "true", "100"),
    "nvidia-rtx-4090": ("3A090.a", "5285", "609", "false", "100"),
    "amd-mi300x": ("3A090.a", "20915", "1017", "true", "100"),
    "nvidia-a100-sxm": ("3A090.a", "4992", "826", "true", "100"),
    "nvidia-l4": ("3A090.b", "1936", "294", "true", "100"),
    "nvidia-h200": ("3A090.a", "15832", "814", "true", "100"),
    "intel-gaudi-3": ("3A090.a", "14680", "600", "true", "30"),
    "nvidia-rtx-4090d": ("3A090.a", "4707", "609", "false", "100"),
    "huawei-ascend-910b": ("3A090.a", "5120", "665", "true", "0"),
}
DATES = ["2023-06-01", "2024-06-01", "2025-06-01", "2026-11-28"]
SHAPES = ("few-parties", "parties-x-countries", "noisy-listed", "invalid-30pct", "all-columns", "hardest")


def _listed(n: int) -> list[str]:
    from longarm.screening.lists import bundled

    lst = bundled()
    return [lst.entry(i).name for i in range(0, len(lst), max(1, len(lst) // n))][:n]


def _noisy(names: np.ndarray, rng: np.random.Generator) -> list[str]:
    out = []
    cuts = rng.integers(1, 1_000_000, size=len(names))
    modes = rng.integers(0, 4, size=len(names))
    for name, cut, mode in zip(names.tolist(), cuts.tolist(), modes.tolist()):
        s = name.upper() if mode & 1 else name
        i = 1 + cut % max(1, len(s) - 2)
        s = s[:i] + s[i + 1 :] if mode & 2 else s[:i] + s[i] + s[i:]
        out.append(s.replace(",", "") + ("" if cut % 3 else " "))
    return out


def make_book(path: Path, shape: str, rows: int, seed: int = 1) -> dict[str, int]:
    """Write the book; return what makes its shape (distinct parties, countries)."""
    rng = np.random.default_rng(seed)
    n_parties = 20 if shape == "few-parties" else 50_000
    names = np.array([f"Customer {p:05d} Trading Co., Ltd." for p in range(n_parties)], dtype=object)
    listed = np.array(_listed(500), dtype=object)
    if shape == "few-parties":
        names[:2] = listed[:2]
    else:
        names[::50] = listed[rng.integers(0, len(listed), size=len(names[::50]))]
    home = rng.integers(0, 15, size=n_parties)
    p = rng.integers(0, n_parties, size=rows)
    many = shape in ("parties-x-countries", "hardest")
    country_idx = rng.integers(0, 40, size=rows) if many else home[p]
    countries = np.array(COUNTRIES, dtype=object)[country_idx]
    end_user = names[p]
    if shape in ("noisy-listed", "hardest"):
        pick = rng.random(rows) < 0.05
        end_user = end_user.copy()
        end_user[pick] = _noisy(listed[rng.integers(0, len(listed), size=int(pick.sum()))], rng)
    chips = np.array(CHIPS, dtype=object)[(p + rng.integers(0, 3, size=rows)) % len(CHIPS)]
    dates = np.array(DATES, dtype=object)[(p * 7 + rng.integers(0, 2, size=rows)) % len(DATES)]
    hq = np.where(rng.random(rows) < 0.9, countries, "CN")
    empty = np.array([""] * rows, dtype=object)
    cols: dict[str, object] = {
        "order_id": [f"SO-{i:08d}" for i in range(rows)],
        "as_of": dates,
        "activity": np.array(["export"] * rows, dtype=object),
        "from_country": np.array(["US"] * rows, dtype=object),
        "to_country": countries,
        "catalog_id": chips,
        "origin_country": np.array(["US"] * rows, dtype=object),
        "end_user": end_user,
        "end_user_country": countries,
        "end_user_headquarters_country": hq,
        "end_user_ultimate_parent_headquarters_country": hq,
        "end_uses": empty,
        "quantity": rng.integers(1, 64, size=rows).astype(str).astype(object),
    }
    if shape in ("all-columns", "hardest"):
        # item facts come with the chip, party facts with the party: as in a real book
        chip_idx = (p + rng.integers(0, 3, size=rows)) % len(CHIPS)
        spec = np.array([SPECS[c] for c in CHIPS], dtype=object)
        for j, col in enumerate(("eccn", "tpp", "die_area_mm2", "datacenter", "us_controlled_content_pct")):
            cols[col] = spec[chip_idx, j]
        cols["catalog_id"] = np.where(chip_idx % 3 == 0, "", np.array(CHIPS, dtype=object)[chip_idx])
        cols["end_uses"] = np.array(["ai_model_training", "", "datacenter", "supercomputer"], dtype=object)[p % 4]
        cols["end_user_type"] = np.array(["organization"] * rows, dtype=object)
        cols["exporter_name"] = np.array(["NVIDIA Corporation", "Example Distribution Inc."], dtype=object)[p % 2]
        party_hq = np.array(COUNTRIES, dtype=object)[home]
        cols["end_user_headquarters_country"] = party_hq[p]
        cols["end_user_ultimate_parent_headquarters_country"] = np.where(p % 5 == 0, "CN", party_hq[p])
    if shape in ("invalid-30pct", "hardest"):
        bad = rng.random(rows) < (0.30 if shape == "invalid-30pct" else 0.05)
        kind = rng.integers(0, 4, size=rows)
        cols["tpp"] = np.where(bad & (kind == 0), "lots", cols.get("tpp", empty))
        cols["to_country"] = np.where(bad & (kind == 1), "XX", countries)
        cols["as_of"] = np.where(bad & (kind == 2), "2025-13-01", dates)
        ids = np.array(cols["order_id"], dtype=object)
        cols["order_id"] = np.where(bad & (kind == 3), "", ids)
    df = pl.DataFrame({k: pl.Series(k, list(v), dtype=pl.Utf8) for k, v in cols.items()})
    df.write_csv(path)
    return {"distinct_parties": int(df["end_user"].n_unique()), "countries": int(df["to_country"].n_unique())}


class TreeMemory:
    """Peak RSS of a process and its descendants (sum) and of the largest one, sampled."""

    def __init__(self, pid: int):
        import psutil

        self.proc = psutil.Process(pid)
        self.peak_sum = self.peak_one = self.peak_parent = 0
        self.done = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import psutil

        while not self.done:
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                rss = []
                for p in procs:
                    try:
                        rss.append(p.memory_info().rss)
                    except psutil.Error:
                        pass
                self.peak_sum = max(self.peak_sum, sum(rss))
                if rss:
                    self.peak_parent = max(self.peak_parent, rss[0])
                self.peak_one = max(self.peak_one, max(rss, default=0))
            except psutil.Error:
                pass
            time.sleep(0.2)

    def stop(self) -> tuple[float, float, float]:
        self.done = True
        self.thread.join()
        return self.peak_sum / 2**20, self.peak_one / 2**20, self.peak_parent / 2**20


def bench(shape: str, rows: int, engine: str, workers: int | None, keep: Path | None = None) -> dict[str, object]:
    with tempfile.TemporaryDirectory(dir=keep) as tmp:
        book = Path(tmp) / "book.csv"
        t = time.perf_counter()
        facts = make_book(book, shape, rows)
        gen_s = time.perf_counter() - t
        t = time.perf_counter()
        pacsv.read_csv(book)
        read_s = time.perf_counter() - t
        exe = Path(sys.executable).with_name("longarm")
        env = {**os.environ, "LONGARM_HOME": str(Path(tmp) / "home")}
        cmd = [str(exe), "batch", str(book), "--out", str(Path(tmp) / "out.csv"), "--engine", engine]
        if workers:
            cmd += ["--workers", str(workers)]
        load = os.getloadavg()
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        mem = TreeMemory(proc.pid)
        _, err = proc.communicate()
        batch_s = time.perf_counter() - t
        peak_sum, peak_one, peak_parent = mem.stop()
        if proc.returncode:
            raise SystemExit(f"batch failed ({proc.returncode}): {err[-2000:]}")
        out = pl.read_csv(Path(tmp) / "out.csv", infer_schema=False, columns=["outcome"])
        assert out.height == rows
        return {
            "shape": shape,
            "rows": rows,
            "engine": engine,
            "workers": workers or os.cpu_count(),
            **facts,
            "input_mib": round(book.stat().st_size / 2**20, 1),
            "generate_s": round(gen_s, 1),
            "batch_s": round(batch_s, 2),
            "pyarrow_read_s": round(read_s, 3),
            "ratio": round(batch_s / read_s, 1),
            "rows_per_s": round(rows / batch_s),
            "peak_rss_tree_mib": round(peak_sum),
            "peak_rss_largest_process_mib": round(peak_one),
            "peak_rss_parent_mib": round(peak_parent),
            "max_rss_mib": round(peak_sum),  # the figure `bench/run.py` reports: the whole process tree
            "load_average_before": [round(x, 2) for x in load],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "cores": os.cpu_count(),
            "outcomes": dict(sorted(out["outcome"].fill_null("").replace("", "INVALID").value_counts().iter_rows())),
        }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("shape", nargs="?", default="parties-x-countries", choices=(*SHAPES, "all"))
    ap.add_argument("rows", nargs="?", type=int, default=1_000_000)
    ap.add_argument("--engine", default="local")
    ap.add_argument("--workers", type=int)
    ap.add_argument("--tmp", type=Path, help="folder for the book and output (default: the system's)")
    a = ap.parse_args()
    for shape in SHAPES[:5] if a.shape == "all" else (a.shape,):
        result = bench(shape, a.rows, a.engine, a.workers, a.tmp)
        print(json.dumps(result, indent=2), flush=True)
        suffix = "" if a.rows == 1_000_000 else f"-{a.rows // 1000}k"
        suffix += "" if a.engine == "local" and not a.workers else f"-{a.engine}{a.workers or ''}"
        (Path(__file__).parent / f"batch-{shape}{suffix}.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
