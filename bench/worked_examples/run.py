"""Run the published worked examples through longarm.assess and report agreement, overall and per class.

Each YAML file here holds `examples`: a Transaction (contract v2), the outcome its source states, the
source (citation, quote, quality, derivation) and the date. This script compares only the expected keys
an example gives, so an example asserts no more than its source says.

    python bench/worked_examples/run.py            # table per class, then every disagreement
    python bench/worked_examples/run.py --json     # one JSON object
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent

CLASSES = (
    "country_groups",
    "entity_list_dates",
    "license_exceptions",
    "is_informed",
    "foundry",
    "declared_eccn",
    "headquarters",
    "gp10",
    "fdp_de_minimis",
    "ai_diffusion",
    "h200_review",
    "classification",
    "review_policies",
    "end_use_controls",
)
EXPECT_KEYS = {
    "outcome": "outcome equals",
    "outcome_in": "outcome is one of",
    "outcome_not": "outcome is none of",
    "license_required": "license_required equals",
    "subject_to_ear": "subject_to_ear equals",
    "eccn": "item.eccn equals",
    "eccn_not": "item.eccn is none of",
    "requirements": "each is a substring of some license_requirements[].citation",
    "no_requirements": "none is a substring of any license_requirements[].citation",
    "exceptions": "each is among license_exceptions[].name",
    "no_exceptions": "none is among license_exceptions[].name",
    "review_policy": "substring (any case) of some license_requirements[].review_policy",
    "review_policy_not": "substring (any case) of no license_requirements[].review_policy",
    "prohibitions": "each is among general_prohibitions[].number",
    "warnings": "each is a substring (any case) of some warning",
    "error_field": "the Transaction is rejected with a problem naming this field",
}
EXAMPLE_KEYS = {"id", "class", "title", "date", "source", "transaction", "expected"}
SOURCE_KEYS = {"cite", "quote", "quality", "derivation"}


def load_examples(folder: Path = HERE) -> list[dict[str, Any]]:
    """Every example of every YAML file in `folder`, each tagged with its file name."""
    out = []
    for path in sorted(folder.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text("utf-8"))
        for ex in doc["examples"]:
            out.append({**ex, "file": path.name})
    return out


def form_problems(ex: dict[str, Any]) -> list[str]:
    """What makes an example ill-formed (its Transaction is checked separately, by longarm itself)."""
    probs = []
    missing = EXAMPLE_KEYS - ex.keys()
    if missing:
        probs.append(f"missing keys {sorted(missing)}")
    if ex.get("class") not in CLASSES:
        probs.append(f"unknown class {ex.get('class')!r}")
    src = ex.get("source") or {}
    for key in SOURCE_KEYS:
        if not str(src.get(key) or "").strip():
            probs.append(f"source.{key} is empty")
    expected = ex.get("expected") or {}
    if not expected:
        probs.append("no expected outcome")
    unknown = set(expected) - EXPECT_KEYS.keys()
    if unknown:
        probs.append(f"unknown expected keys {sorted(unknown)}")
    tx = ex.get("transaction") or {}
    if str(tx.get("as_of")) != str(ex.get("date")):
        probs.append(f"date {ex.get('date')} differs from transaction.as_of {tx.get('as_of')}")
    return probs


@dataclass
class Result:
    id: str
    cls: str
    file: str
    date: str
    agrees: bool
    mismatches: list[str] = field(default_factory=list)
    expected: dict[str, Any] = field(default_factory=dict)
    got: dict[str, Any] = field(default_factory=dict)
    trace: list[str] = field(default_factory=list)


def _has(sub: str, texts: list[str]) -> bool:
    return any(sub.lower() in (t or "").lower() for t in texts)


def compare(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """One line per expected key the determination does not meet."""
    bad = []
    cites = [r["citation"] for r in got["requirements"]]
    policies = [r["review_policy"] or "" for r in got["requirements"]]
    names = got["exceptions"]
    for key, want in expected.items():
        if key == "error_field":
            continue
        if key in ("outcome", "license_required", "subject_to_ear", "eccn"):
            ok = got[key] == want
        elif key == "outcome_in":
            ok = got["outcome"] in want
        elif key == "outcome_not":
            ok = got["outcome"] not in want
        elif key == "eccn_not":
            ok = got["eccn"] not in want
        elif key == "requirements":
            ok = all(any(c in x for x in cites) for c in want)
        elif key == "no_requirements":
            ok = not any(any(c in x for x in cites) for c in want)
        elif key == "exceptions":
            ok = all(n in names for n in want)
        elif key == "no_exceptions":
            ok = not any(n in names for n in want)
        elif key == "review_policy":
            ok = _has(want, policies)
        elif key == "review_policy_not":
            ok = not _has(want, policies)
        elif key == "prohibitions":
            ok = all(n in got["prohibitions"] for n in want)
        elif key == "warnings":
            ok = all(_has(w, got["warnings"]) for w in want)
        else:
            ok = False
        if not ok:
            bad.append(f"{key}: expected {want!r}")
    return bad


def run_one(ex: dict[str, Any]) -> Result:
    """Assess one example in process and compare it with what its source states."""
    from longarm.assess import assess
    from longarm.errors import InputError
    from longarm.inputs import transaction

    expected = ex["expected"]
    res = Result(ex["id"], ex["class"], ex["file"], str(ex["date"]), False, expected=expected)
    want = expected.get("error_field")
    try:
        d = assess(transaction(ex["transaction"]))
    except InputError as err:
        fields = [p.field for p in err.problems]
        res.got = {"input_error": [str(p) for p in err.problems]}
        res.agrees = want is not None and want in fields
        if not res.agrees:
            res.mismatches = [
                f"input rejected: {err}" if want is None else f"error_field: expected {want!r}, got {fields}"
            ]
        return res
    except Exception as err:  # an engine failure is a disagreement to report, not a reason to stop
        res.got = {"crash": f"{type(err).__name__}: {err}"}
        res.mismatches = [f"longarm raised {type(err).__name__}: {err}"]
        return res
    if want is not None:
        res.got = {"outcome": d.outcome, "license_required": d.license_required}
        res.mismatches = [f"error_field: expected {want!r}, the input was accepted ({d.outcome})"]
        res.trace = [f"{f.citation}: {f.text}" for f in d.findings[:6]]
        return res
    res.got = {
        "outcome": d.outcome,
        "license_required": d.license_required,
        "subject_to_ear": d.subject_to_ear,
        "eccn": d.item.eccn,
        "requirements": [{"citation": r.citation, "review_policy": r.review_policy} for r in d.license_requirements],
        "exceptions": [e.name for e in d.license_exceptions],
        "prohibitions": [g.number for g in d.general_prohibitions],
        "warnings": list(d.warnings),
    }
    res.mismatches = compare(expected, res.got)
    res.agrees = not res.mismatches
    res.trace = [f"{f.citation}: {f.text}" for f in d.findings[:6]]
    return res


def run_all(examples: list[dict[str, Any]]) -> list[Result]:
    return [run_one(ex) for ex in examples]


def summary(results: list[Result]) -> dict[str, Any]:
    per: dict[str, dict[str, int]] = {c: {"examples": 0, "agree": 0} for c in CLASSES}
    for r in results:
        per[r.cls]["examples"] += 1
        per[r.cls]["agree"] += r.agrees
    return {
        "examples": len(results),
        "agree": sum(r.agrees for r in results),
        "classes": per,
    }


def _brief(got: dict[str, Any]) -> str:
    if "input_error" in got:
        return "input error: " + "; ".join(got["input_error"])
    if "crash" in got:
        return str(got["crash"])
    reqs = ", ".join(f"{r['citation']} [{r['review_policy']}]" for r in got.get("requirements", []))
    return (
        f"outcome {got.get('outcome')}, license_required {got.get('license_required')}, "
        f"subject_to_ear {got.get('subject_to_ear')}, eccn {got.get('eccn')}; requirements: {reqs or '-'}; "
        f"exceptions: {got.get('exceptions') or '-'}; prohibitions: {got.get('prohibitions') or '-'}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--trace-lines", type=int, default=4, help="trace lines shown per disagreement")
    args = ap.parse_args(argv)
    examples = load_examples()
    bad_form = {ex.get("id", "?"): form_problems(ex) for ex in examples if form_problems(ex)}
    start = time.perf_counter()
    results = run_all(examples)
    seconds = time.perf_counter() - start
    out = summary(results)
    out["measured_at"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    out["seconds"] = round(seconds, 2)
    out["ill_formed"] = bad_form
    if args.json:
        out["results"] = [asdict(r) for r in results]
        print(json.dumps(out, indent=1, default=str))
        return 0
    print(f"worked examples: {out['agree']}/{out['examples']} agree ({seconds:.1f} s, {out['measured_at']})")
    print(f"{'class':<20} {'examples':>8} {'agree':>6}")
    for cls, n in out["classes"].items():
        print(f"{cls:<20} {n['examples']:>8} {n['agree']:>6}")
    for ex_id, probs in bad_form.items():
        print(f"ILL-FORMED {ex_id}: {'; '.join(probs)}")
    for r in results:
        if r.agrees:
            continue
        print(f"\nDISAGREE {r.id} [{r.cls}, {r.date}, {r.file}]")
        for m in r.mismatches:
            print(f"  {m}")
        print(f"  got: {_brief(r.got)}")
        for line in r.trace[: args.trace_lines]:
            print(f"    | {line[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
