"""Screening benchmark: quality per class on the evaluation set's dev split, and speed.

    python bench/screen_bench.py quality [--split bench/eval/dev.csv] [--errors N]
    python bench/screen_bench.py speed [--names 20000] [--workers 2]
    python bench/screen_bench.py build       # index build time (no cache) and RSS

quality: `match(name1, name2, type)` on every labelled pair; precision, recall and F1 at the
declared threshold, per class and overall, and the best F1 over all thresholds. Only the dev split
is for tuning; the held-out split is run once, at the end, by the benchmark runner.

speed: realistic customer names (Chinese company names made of common words: city + brand-like
syllables + business words + legal form, with some listed names and variants mixed in) screened
against the full bundled list, distinct names, the index restored from its cache: names/s over
the workers, per-name latency percentiles, peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quality(split: Path, errors: int) -> dict[str, dict[str, float]]:
    from longarm.screening.match import THRESHOLD, match

    rows = list(csv.DictReader(split.open(encoding="utf-8")))
    per: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    wrong: list[tuple[str, str, str, str, float, str]] = []
    t0 = time.perf_counter()
    for r in rows:
        t = r.get("type") or None
        s = match(r["name1"], r["name2"], None if t in (None, "", "any") else t)
        want = r["label"] == "1"
        per[r.get("class") or r.get("kind") or ""].append((s.value, want))
        if (s.value >= THRESHOLD) != want:
            wrong.append(
                (r.get("class") or r.get("kind") or "", r["label"], r["name1"], r["name2"], s.value, s.explanation)
            )
    elapsed = time.perf_counter() - t0
    out = {}
    allpairs = [p for v in per.values() for p in v]
    for cls, pairs in sorted(per.items()) + [("ALL", allpairs)]:
        out[cls] = _prf(pairs, THRESHOLD)
    print(f"{len(rows)} pairs from {split.name}, {elapsed:.1f} s; threshold {THRESHOLD}")
    print(f"{'class':22} {'n':>5} {'P':>6} {'R':>6} {'F1':>6}")
    for cls, m in out.items():
        print(f"{cls:22} {int(m['n']):5d} {m['p']:6.3f} {m['r']:6.3f} {m['f1']:6.3f}")
    best = max((_prf(allpairs, t / 100)["f1"], t / 100) for t in range(50, 100))
    print(f"best F1 over thresholds: {best[0]:.3f} at {best[1]:.2f}")
    r_at_p = max((m["r"] for t in range(50, 100) if (m := _prf(allpairs, t / 100))["p"] >= 0.90), default=0.0)
    print(f"recall at precision >= 0.90: {r_at_p:.3f}")
    random.Random(1).shuffle(wrong)
    for cls, label, a, b, v, expl in wrong[:errors]:
        print(f"  [{cls} want {label}] {v:.2f} {a!r} | {b!r}\n      {expl[:300]}")
    return out


def _prf(pairs: list[tuple[float, bool]], threshold: float) -> dict[str, float]:
    tp = sum(1 for v, w in pairs if w and v >= threshold)
    fp = sum(1 for v, w in pairs if not w and v >= threshold)
    fn = sum(1 for v, w in pairs if w and v < threshold)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"n": len(pairs), "p": p, "r": r, "f1": f1}


CITIES = (
    "Shenzhen Beijing Shanghai Guangzhou Hangzhou Suzhou Wuhan Chengdu Tianjin Dongguan Ningbo Xiamen Hefei".split()
)
SYLLABLES = "hua xin tong da zhong guo ke ji an kang ming yuan tian hai long feng sheng rui jia heng bao cheng".split()
WORDS = (
    "Technology Electronics Trading Industrial Information Network Semiconductor Intelligent Digital "
    "Equipment Materials Logistics Supply Chain International Holding Investment Science Communication "
    "Software Precision Optical Energy Power New Import Export Development"
).split()
FORMS = ["Co., Ltd.", "Co. Ltd", "Company Limited", "Limited", "Ltd.", "Technology Co., Ltd.", "Group Co., Ltd."]


def realistic_names(n: int, seed: int = 7) -> list[str]:
    """Distinct customer-master style names: mostly unlisted Chinese companies, 5% listed names."""
    from longarm.screening.lists import bundled

    rnd = random.Random(seed)
    listed = [r["n"] for r in bundled().records]
    out: set[str] = set()
    while len(out) < n:
        if rnd.random() < 0.05:
            name = rnd.choice(listed)
        else:
            brand = "".join(rnd.sample(SYLLABLES, rnd.choice((2, 2, 3)))).capitalize()
            words = " ".join(rnd.sample(WORDS, rnd.choice((1, 2, 2, 3))))
            name = f"{rnd.choice(CITIES)} {brand} {words} {rnd.choice(FORMS)}"
        out.add(name)
    names = sorted(out)
    rnd.shuffle(names)
    return names


def _screen_chunk(names: list[str]) -> list[float]:
    from longarm.screening.lists import bulk_load
    from longarm.screening.match import index_for

    idx = index_for()
    lat = []
    with bulk_load():  # as batch workers do: no cyclic collection over the index and caches
        for name in names:
            t = time.perf_counter()
            idx.candidates_for(name)
            lat.append(time.perf_counter() - t)
    return lat


def speed(n: int, workers: int) -> None:
    from concurrent.futures import ProcessPoolExecutor

    from longarm.screening.match import index_for

    t = time.perf_counter()
    index_for()
    print(f"index restored in {time.perf_counter() - t:.2f} s")
    names = realistic_names(n)
    _screen_chunk(names[:200])  # warm the caches that the workers inherit
    names = names[200:]
    chunks = [names[i::workers] for i in range(workers)]
    t = time.perf_counter()
    if workers == 1:
        lats = _screen_chunk(chunks[0])
    else:
        with ProcessPoolExecutor(workers) as ex:
            lats = [x for part in ex.map(_screen_chunk, chunks) for x in part]
    wall = time.perf_counter() - t
    lats.sort()
    q = statistics.quantiles(lats, n=100)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_c = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"{len(names)} distinct names, {workers} worker(s): {len(names) / wall:,.0f} names/s; "
        f"latency p50 {q[49] * 1000:.2f} ms, p99 {q[98] * 1000:.2f} ms, max {lats[-1] * 1000:.1f} ms; "
        f"peak RSS {max(rss, rss_c):.0f} MiB"
    )


def build() -> None:
    from longarm.screening.lists import bundled
    from longarm.screening.match import Index

    lst = bundled()
    t = time.perf_counter()
    idx = Index(lst)
    print(f"index built in {time.perf_counter() - t:.2f} s: {len(idx.entry_of)} names, {len(idx.postings)} terms")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def main(argv: list[str]) -> None:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--split", type=Path, default=ROOT / "bench" / "eval" / "dev.csv")
    q.add_argument("--errors", type=int, default=0)
    s = sub.add_parser("speed")
    s.add_argument("--names", type=int, default=20000)
    s.add_argument("--workers", type=int, default=2)
    sub.add_parser("build")
    a = p.parse_args(argv)
    if a.cmd == "quality":
        if "heldout" in a.split.name:
            sys.exit("the held-out split is for the final benchmark run only")
        quality(a.split, a.errors)
    elif a.cmd == "speed":
        speed(a.names, a.workers)
    else:
        build()


if __name__ == "__main__":
    main(sys.argv[1:])
