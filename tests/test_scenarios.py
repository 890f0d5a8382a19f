"""The scenario suite: YAML situations with expected determinations, each citing its paragraph.

Each file in tests/scenarios holds a `base` transaction and `cases`; a case's `input` is
merged over the base. `expect` keys: outcome, license_required, subject_to_ear, eccn,
requirements / no_requirements (citation substrings), once (citation substrings listed exactly
once), exceptions (names), conditions (exception name -> {condition text substring: status}),
prohibitions (GP numbers), screening (list names), warnings / questions / findings (text
substrings), no_warnings / no_questions (substrings that must not appear), review_policy
(substring), ruleset (substring).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from longarm.assess import assess
from longarm.inputs import transaction

HERE = Path(__file__).parent / "scenarios"


def merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = merge(base.get(k), v) if k in base else v
        return out
    return over


def load_cases() -> list[tuple[str, dict[str, Any], dict[str, Any], str]]:
    cases = []
    for path in sorted(HERE.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text("utf-8"))
        for case in doc["cases"]:
            cases.append(
                (
                    f"{path.stem}: {case['name']}",
                    merge(doc.get("base", {}), case["input"]),
                    case["expect"],
                    case["source"],
                )
            )
    return cases


CASES = load_cases()


def test_suite_is_large_enough():
    assert len(CASES) >= 60


@pytest.mark.parametrize("name,data,expect,source", CASES, ids=[c[0] for c in CASES])
def test_scenario(name, data, expect, source):
    assert source, "every scenario names the paragraph it comes from"
    d = assess(transaction(data))
    for key in ("outcome", "license_required", "subject_to_ear"):
        if key in expect:
            assert getattr(d, key) == expect[key], (
                f"{key}: {getattr(d, key)} != {expect[key]}\n{d.model_dump_json(indent=1)}"
            )
    if "eccn" in expect:
        assert d.item.eccn == expect["eccn"]
    cites = [r.citation for r in d.license_requirements]
    for c in expect.get("requirements", []):
        assert any(c in x for x in cites), f"requirement {c!r} not in {cites}"
    for c in expect.get("no_requirements", []):
        assert not any(c in x for x in cites), f"requirement {c!r} unexpectedly in {cites}"
    for c in expect.get("once", []):
        assert sum(c in x for x in cites) == 1, f"requirement {c!r} not listed exactly once in {cites}"
    if "exceptions" in expect:
        assert [e.name for e in d.license_exceptions] == expect["exceptions"]
    for name, wanted in expect.get("conditions", {}).items():
        exc = next(e for e in d.license_exceptions if e.name == name)
        for text, status in wanted.items():
            assert any(text in c.text and c.status == status for c in exc.conditions), (
                f"{name}: no {status} condition {text!r} in {exc.conditions}"
            )
    if "prohibitions" in expect:
        assert [g.number for g in d.general_prohibitions] == expect["prohibitions"]
    if "screening" in expect:
        assert sorted({h.list for h in d.screening}) == sorted(expect["screening"])
    for key, got in (
        ("warnings", d.warnings),
        ("questions", [q.text for q in d.questions]),
        ("findings", [f"{f.citation}: {f.text}" for f in d.findings]),
    ):
        for text in expect.get(key, []):
            assert any(text in g for g in got), f"{key}: {text!r} not in {got}"
    for text in expect.get("no_warnings", []):
        assert not any(text in w for w in d.warnings), f"warning {text!r} unexpectedly in {d.warnings}"
    for text in expect.get("no_questions", []):
        assert not any(text in q.text for q in d.questions), f"question {text!r} unexpectedly in {d.questions}"
    if "review_policy" in expect:
        assert any(expect["review_policy"] in (r.review_policy or "") for r in d.license_requirements)
    if "ruleset" in expect:
        assert expect["ruleset"] in d.ruleset
