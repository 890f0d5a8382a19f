"""Benchmarks: screening throughput and latency, index build, determination latency, CLI start-up.

    make bench            # writes bench/RESULTS.md

Screening: 100,000 party names (one in ten a variant of a listed name, the rest synthetic
company names that share words with listed ones) against the full bundled list, on as many
processes as cores. Determinations: the scenario suite's transactions, in process, screening
included. CLI: `longarm assess` end to end, start-up included.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
N_NAMES = int(os.environ.get("BENCH_NAMES", "100000"))
WORDS = [
    "Global",
    "Trading",
    "Technology",
    "Electronics",
    "Shenzhen",
    "Beijing",
    "International",
    "Systems",
    "Logistics",
    "Star",
    "Ocean",
    "Digital",
    "Semiconductor",
    "Precision",
    "Machinery",
    "Advanced",
    "Industrial",
    "Pacific",
    "Hong Kong",
    "Moscow",
    "Energy",
    "Dynamics",
    "Micro",
    "Network",
    "Cloud",
]
FORMS = ["Co., Ltd.", "LLC", "GmbH", "Limited", "Inc.", "Pte. Ltd.", "S.A.", "JSC", ""]


def names(n: int) -> list[str]:
    from longarm.screening.lists import bundled

    rng = random.Random(11)
    listed = [bundled().entry(i).name for i in range(len(bundled()))]
    out = []
    for i in range(n):
        if i % 10 == 0:
            name = rng.choice(listed)
            out.append(name.upper() if i % 20 == 0 else name.replace(",", ""))
        else:
            words = rng.sample(WORDS, rng.randint(1, 3)) + [
                f"{rng.choice('BCDFGHJKLMNPRSTVZ')}{rng.choice('aeiou')}{rng.choice('nrlstmk')}{rng.choice('aeiou')}x"
            ]
            rng.shuffle(words)
            out.append(" ".join(words) + " " + rng.choice(FORMS))
    return out


def _screen_chunk(chunk: list[str]) -> tuple[list[float], int]:
    from longarm.screening.lists import bulk_load
    from longarm.screening.match import index_for

    idx = index_for()
    lat, hits = [], 0
    with bulk_load():  # as batch workers do: no cyclic collection over the growing caches
        for name in chunk:
            t = time.perf_counter()
            hits += bool(idx.screen(name))
            lat.append(time.perf_counter() - t)
    return lat, hits


def bench_screening() -> dict[str, float]:
    from longarm.screening.lists import bundled
    from longarm.screening.match import Index

    lst = bundled()
    t = time.perf_counter()
    Index(lst)
    build = time.perf_counter() - t
    queries = names(N_NAMES)
    workers = os.cpu_count() or 1
    chunks = [queries[i::workers] for i in range(workers)]
    from longarm.screening.match import index_for

    index_for()  # make sure the cached index exists before the workers start
    t = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        results = list(pool.map(_screen_chunk, chunks))
    wall = time.perf_counter() - t
    lat = sorted(x for r, _ in results for x in r)
    return {
        "names": len(queries),
        "workers": workers,
        "index_build_s": build,
        "wall_s": wall,
        "names_per_s": len(queries) / wall,
        "p50_ms": 1e3 * lat[len(lat) // 2],
        "p99_ms": 1e3 * lat[int(len(lat) * 0.99)],
        "hits": sum(h for _, h in results),
        "max_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def bench_assess() -> dict[str, float]:
    from longarm.assess import assess
    from longarm.inputs import transaction

    sys.path.insert(0, str(ROOT))
    from tests.test_scenarios import load_cases

    txs = [transaction(data) for _, data, _, _ in load_cases()]
    assess(txs[0])  # warm: lists, index, parameters
    lat = []
    for _ in range(5):
        for tx in txs:
            t = time.perf_counter()
            assess(tx)
            lat.append(time.perf_counter() - t)
    lat.sort()
    return {
        "determinations": len(lat),
        "p50_ms": 1e3 * statistics.median(lat),
        "p99_ms": 1e3 * lat[int(len(lat) * 0.99)],
    }


def bench_cli() -> dict[str, Any]:
    """Start-up: `--help` and `assess FILE --json` end to end, and where one `assess` spends its time."""
    sys.path.insert(0, str(ROOT / "bench"))
    from startup_bench import measure

    return measure()


def main() -> None:
    screening = bench_screening()
    determinations = bench_assess()
    cli = bench_cli()
    result = {
        "date": dt.date.today().isoformat(),
        "cores": os.cpu_count(),
        "screening": screening,
        "assess_in_process": determinations,
        "assess_cli": cli,
    }
    print(json.dumps(result, indent=2))
    s, d, c = screening, determinations, cli
    text = f"""# Benchmark results

Measured {result["date"]} on {result["cores"]} cores with `make bench` (`bench/run.py`).

| what | result | goal |
| --- | --- | --- |
| screening index build (full list, 25,921 entries, {s["names"]:,} queries) | {s["index_build_s"]:.2f} s | ≤ 10 s |
| screening throughput, {s["workers"]} processes | {s["names_per_s"]:,.0f} names/s ({s["wall_s"]:.1f} s wall) | ≥ 5,000 names/s |
| screening latency per query | p50 {s["p50_ms"]:.2f} ms, p99 {s["p99_ms"]:.2f} ms | |
| screening memory (largest worker, max RSS) | {s["max_rss_mib"]:.0f} MiB | ≤ 1 GiB |
| one determination in process, screening included ({d["determinations"]} runs) | p50 {d["p50_ms"]:.2f} ms, p99 {d["p99_ms"]:.2f} ms | p50 ≤ 5 ms, p99 ≤ 20 ms |
"""
    from startup_bench import rows as startup_rows

    text += startup_rows(c)
    batch_file = ROOT / "bench" / "batch-1m.json"
    if batch_file.is_file():
        b = json.loads(batch_file.read_text())
        text += (
            f"| `longarm batch`, {b['rows']:,} rows, {b['distinct_parties']:,} distinct parties "
            f"(`bench/batch_bench.py`) | {b['batch_s']:.1f} s ({b['rows_per_s']:,.0f} rows/s), "
            f"{b['ratio']:.0f}x the {b['pyarrow_read_s']:.2f} s pyarrow takes to read the file, "
            f"max RSS {b['max_rss_mib']:,.0f} MiB | ≤ 60 s, ≤ 2 GiB |\n"
        )
    results = ROOT / "bench" / "RESULTS.md"
    old = results.read_text("utf-8") if results.is_file() else ""
    rest = old[old.index("\n## ") :] if "\n## " in old else ""  # other benchmarks' sections are kept
    results.write_text(text + rest, "utf-8")


if __name__ == "__main__":
    main()
