"""Screening quality on the independent evaluation set (bench/eval/, built by bench/eval/build.py).

    python bench/screen_quality.py --split heldout          # the figures to report
    python bench/screen_quality.py --split dev --json       # the split the matcher may be tuned on
    python bench/screen_quality.py --split dev-b            # a fresh sample of dev pairs (also dev-c)

For every pair it calls longarm.screening.service.match_names(name1, name2[, type=...]) and reports
precision, recall and F1 of the matcher's own decision (overall and per class), the threshold on
its score that maximises F1, the best recall reachable at precision >= 0.90, and the same for a
plain rapidfuzz WRatio baseline. A screen-level check follows: for positive pairs whose name2 is a
listed name, does `screen(name1)` return that entry? The bundled list is always the one screened.
"""

from __future__ import annotations

import argparse
import csv
import inspect
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

EVAL = Path(__file__).resolve().parent / "eval"


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def sweep(scores: list[float], labels: list[int]) -> dict[str, float]:
    """Best-F1 threshold and the best recall at precision >= 0.90, over every distinct score."""
    pairs = sorted(zip(scores, labels), key=lambda x: -x[0])
    pos = sum(labels)
    tp = fp = 0
    best = {"threshold": float("inf"), "precision": 1.0, "recall": 0.0, "f1": 0.0}
    r90 = {"threshold": float("inf"), "recall": 0.0, "precision": 1.0}
    for k, (s, y) in enumerate(pairs):
        tp += y
        fp += 1 - y
        if k + 1 < len(pairs) and pairs[k + 1][0] == s:
            continue
        p, r, f = prf(tp, fp, pos - tp)
        if f > best["f1"]:
            best = {"threshold": s, "precision": p, "recall": r, "f1": f}
        if p >= 0.90 and r > r90["recall"]:
            r90 = {"threshold": s, "recall": r, "precision": p}
    return {
        "best_threshold": best["threshold"],
        "best_precision": best["precision"],
        "best_recall": best["recall"],
        "best_f1": best["f1"],
        "recall_at_p90": r90["recall"],
        "threshold_at_p90": r90["threshold"],
    }


def counts(preds: list[bool], labels: list[int]) -> dict[str, Any]:
    tp = sum(1 for p, y in zip(preds, labels) if p and y)
    fp = sum(1 for p, y in zip(preds, labels) if p and not y)
    fn = sum(1 for p, y in zip(preds, labels) if not p and y)
    p, r, f = prf(tp, fp, fn)
    return {
        "pairs": len(labels),
        "pos": sum(labels),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": p,
        "recall": r,
        "f1": f,
    }


def list_entries() -> list[dict[str, Any]]:
    from longarm.screening.lists import bundled

    lst = bundled()
    out = []
    for i in range(len(lst)):
        e = lst.entry(i)
        out.append({"source": e.source, "number": e.entity_number, "names": {e.name, *e.alt_names}})
    return out


def screen_hit(result: dict[str, Any], entry: dict[str, Any]) -> bool:
    for m in result["matches"]:
        if m.get("source") != entry["source"]:
            continue
        name = m.get("matched_name") or ""
        if name in entry["names"] or any(name and name in n for n in entry["names"]):
            return True
        if entry["number"] and m.get("entity_number") == entry["number"]:
            return True
    return False


def run(split: str, screen_check: bool, limit: int | None) -> dict[str, Any]:
    os.environ["LONGARM_HOME"] = tempfile.mkdtemp(prefix="longarm-eval-")  # the bundled list, not an update
    from rapidfuzz import fuzz, utils

    import longarm
    from longarm.screening import service

    rows = list(csv.DictReader((EVAL / f"{split}.csv").open(encoding="utf-8", newline="")))[:limit]
    typed = "type" in inspect.signature(service.match_names).parameters
    screen_typed = "type" in inspect.signature(service.screen_name).parameters
    t0 = time.perf_counter()
    scores, preds, base = [], [], []
    for r in rows:
        res = (
            service.match_names(r["name1"], r["name2"], type=r["type"])
            if typed
            else service.match_names(r["name1"], r["name2"])
        )
        scores.append(float(res["score"]))
        preds.append(bool(res["match"]))
        base.append(fuzz.WRatio(r["name1"], r["name2"], processor=utils.default_process) / 100)
    took = time.perf_counter() - t0
    labels = [int(r["label"]) for r in rows]
    classes = sorted({r["class"] for r in rows})
    b_sweep = sweep(base, labels)
    bt = b_sweep["best_threshold"]
    out: dict[str, Any] = {
        "split": split,
        "matcher": str(Path(longarm.__file__).parent),
        "type_passed": typed,
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "match_seconds": round(took, 1),
        "overall": counts(preds, labels) | sweep(scores, labels),
        "baseline_wratio": counts([b >= bt for b in base], labels) | b_sweep,
        "classes": {},
    }
    latin = [k for k, r in enumerate(rows) if r["class"] != "cross_script"]
    out["without_cross_script"] = {
        "matcher": sweep([scores[k] for k in latin], [labels[k] for k in latin]),
        "baseline_wratio": sweep([base[k] for k in latin], [labels[k] for k in latin]),
    }
    # Per class, WRatio at its best threshold over the Latin-script pairs: over all pairs it is 0
    # (WRatio scores every cross-script pair 0), which would call every pair a match.
    bt = out["without_cross_script"]["baseline_wratio"]["best_threshold"]
    out["class_baseline_threshold"] = bt
    out["baseline_at_class_threshold"] = counts([b >= bt for b in base], labels)
    for c in classes:
        idx = [k for k, r in enumerate(rows) if r["class"] == c]
        cl = [labels[k] for k in idx]
        out["classes"][c] = counts([preds[k] for k in idx], cl) | {
            "baseline_f1": counts([base[k] >= bt for k in idx], cl)["f1"],
            "baseline_recall": counts([base[k] >= bt for k in idx], cl)["recall"],
            "neg": len(cl) - sum(cl),
        }
    by_how: dict[str, list[int]] = defaultdict(list)
    for k, r in enumerate(rows):
        by_how[f"{r['class']}: {r['how'].split(' (')[0]} [{r['label']}]"].append(k)
    out["how"] = {h: {"pairs": len(ks), "called_match": sum(preds[k] for k in ks)} for h, ks in sorted(by_how.items())}
    if screen_check:
        entries = list_entries()
        found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        t0 = time.perf_counter()
        for r in rows:
            if r["label"] != "1" or not r["list_entry"] or r["name1"] in entries[int(r["list_entry"])]["names"]:
                continue  # no listed name to find, or the query is itself listed (trivially found)
            res = service.screen_name(r["name1"], type=r["type"]) if screen_typed else service.screen_name(r["name1"])
            hit = screen_hit(res, entries[int(r["list_entry"])])
            for key in (r["class"], "all"):
                found[key][0] += hit
                found[key][1] += 1
        out["screen"] = {k: {"found": v[0], "of": v[1], "recall": v[0] / v[1]} for k, v in sorted(found.items())}
        out["screen_seconds"] = round(time.perf_counter() - t0, 1)
    return out


def report(o: dict[str, Any]) -> str:
    ov, b, w = o["overall"], o["baseline_wratio"], o["without_cross_script"]
    lines = [
        f"split {o['split']}: {ov['pairs']} pairs ({ov['pos']} positive); matcher from {o['matcher']}; "
        f"type passed: {o['type_passed']}; measured {o['measured_at']}",
        f"matcher decision: P {ov['precision']:.3f} R {ov['recall']:.3f} F1 {ov['f1']:.3f}",
        f"matcher best threshold {ov['best_threshold']:.3f}: P {ov['best_precision']:.3f} R {ov['best_recall']:.3f} "
        f"F1 {ov['best_f1']:.3f}; recall at P>=0.90: {ov['recall_at_p90']:.3f}",
        f"everything called a match: F1 {2 * ov['pos'] / (ov['pairs'] + ov['pos']):.3f} (the floor any useful matcher beats)",
        f"WRatio baseline best threshold {b['best_threshold']:.2f}: P {b['best_precision']:.3f} R {b['best_recall']:.3f} "
        f"F1 {b['best_f1']:.3f}; recall at P>=0.90: {b['recall_at_p90']:.3f}",
        "without cross_script: best F1 matcher {:.3f} (threshold {:.2f}), WRatio {:.3f} (threshold {:.2f}); "
        "recall at P>=0.90 matcher {:.3f}, WRatio {:.3f}".format(
            w["matcher"]["best_f1"],
            w["matcher"]["best_threshold"],
            w["baseline_wratio"]["best_f1"],
            w["baseline_wratio"]["best_threshold"],
            w["matcher"]["recall_at_p90"],
            w["baseline_wratio"]["recall_at_p90"],
        ),
        "",
        f"| class | pos | neg | precision | recall | F1 | WRatio F1 (>= {o['class_baseline_threshold']:.2f}) | screen finds |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    scr = o.get("screen", {})
    for c, v in o["classes"].items():
        s = scr.get(c)
        found = f"{s['found']}/{s['of']} ({s['recall']:.2f})" if s else "-"
        prec = f"{v['precision']:.3f}" if v["tp"] + v["fp"] else "-"
        lines.append(
            f"| {c} | {v['pos']} | {v['neg']} | {prec} | {v['recall']:.3f} | {v['f1']:.3f} | {v['baseline_f1']:.3f} | {found} |"
        )
    s = scr.get("all")
    if s:
        lines.append(
            f"| **all** | {ov['pos']} | {ov['pairs'] - ov['pos']} | {ov['precision']:.3f} | {ov['recall']:.3f} | "
            f"{ov['f1']:.3f} | {o['baseline_at_class_threshold']['f1']:.3f} | {s['found']}/{s['of']} ({s['recall']:.2f}) |"
        )
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--split",
        choices=["dev", "dev-b", "dev-c", "heldout", "heldout-b", "heldout-c"],
        default="heldout",
        help="dev-b, dev-c: fresh samples of the dev pairs (tune freely); heldout-b, heldout-c: fresh held-out samples, "
        "for one check of a frozen matcher (eval/METHOD.md)",
    )
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--no-screen", action="store_true", help="skip the screen-level check")
    p.add_argument(
        "--by-how", action="store_true", help="also list how often each generator's pairs are called a match"
    )
    p.add_argument("--limit", type=int, default=None, help="only the first N pairs (a quick look)")
    a = p.parse_args()
    o = run(a.split, not a.no_screen, a.limit)
    print(json.dumps(o, indent=1) if a.json else report(o))
    if a.by_how and not a.json:
        print("\n| class: how [label] | pairs | called a match |\n| --- | ---: | ---: |")
        for h, v in o["how"].items():
            print(f"| {h} | {v['pairs']} | {v['called_match']} ({v['called_match'] / v['pairs']:.2f}) |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
