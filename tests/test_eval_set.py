"""The independent screening evaluation set (bench/eval/): size, coverage, split, reproducibility."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

EVAL = Path(__file__).resolve().parents[1] / "bench" / "eval"


@pytest.fixture(scope="module")
def build():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("eval_build", EVAL / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_build"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def splits(build):  # type: ignore[no-untyped-def]
    return {s: build.read_split(EVAL / f"{s}.csv") for s in ("dev", "heldout")}


def test_at_least_3000_pairs_with_the_documented_columns(build, splits) -> None:  # type: ignore[no-untyped-def]
    assert sum(len(rows) for rows in splits.values()) >= 3000
    for rows in splits.values():
        assert list(rows[0]) == build.FIELDS
        assert {r["label"] for r in rows} == {"0", "1"}
        assert {r["type"] for r in rows} <= {"person", "organization", "vessel", "any"}
        assert all(r["name1"].strip() and r["name2"].strip() for r in rows)


def test_every_class_has_both_labels_in_each_split(build, splits) -> None:  # type: ignore[no-untyped-def]
    for split, rows in splits.items():
        seen = defaultdict(set)
        for r in rows:
            seen[r["class"]].add(r["label"])
        assert set(seen) == set(build.CLASSES), split
        for cls in build.CLASSES:
            assert seen[cls] == {"0", "1"}, (split, cls)


def test_no_entity_is_in_both_splits(splits) -> None:  # type: ignore[no-untyped-def]
    ents = {s: {r[k] for r in rows for k in ("entity1", "entity2")} for s, rows in splits.items()}
    assert not ents["dev"] & ents["heldout"]
    share = len(splits["dev"]) / (len(splits["dev"]) + len(splits["heldout"]))
    assert 0.35 <= share <= 0.45


def test_list_entry_names_a_listed_entry_holding_name2(build, splits) -> None:  # type: ignore[no-untyped-def]
    entries = json.loads(build.LIST_FILE.read_bytes())["entries"]
    rows = [r for rows in splits.values() for r in rows if r["list_entry"]]
    assert len(rows) > 1000
    for r in rows:
        e = entries[int(r["list_entry"])]
        assert r["name2"] in [e["n"], *e.get("a", [])], r["id"]


def test_method_carries_the_current_counts(build, splits) -> None:  # type: ignore[no-untyped-def]
    rows = sorted((r for rows in splits.values() for r in rows), key=lambda r: int(r["id"]))
    assert build.counts_table(rows) in (EVAL / "METHOD.md").read_text("utf-8")


def test_the_build_is_byte_identical(build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build.write(build.Builder().build(), tmp_path)
    for split in ("dev", "heldout"):
        rebuilt = hashlib.sha256((tmp_path / f"{split}.csv").read_bytes()).hexdigest()
        committed = hashlib.sha256((EVAL / f"{split}.csv").read_bytes()).hexdigest()
        assert rebuilt == committed, f"{split}.csv differs from a rebuild: run python bench/eval/build.py"


@pytest.fixture(scope="module")
def heldout_b(build):  # type: ignore[no-untyped-def]
    return build.read_split(EVAL / "heldout-b.csv")


def test_heldout_b_is_rebuilt_byte_for_byte(build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "heldout-b.csv"
    build.write_split(build.Builder(build.PAIRS_SEED_B).build(), "heldout", out)
    rebuilt = hashlib.sha256(out.read_bytes()).hexdigest()
    committed = hashlib.sha256((EVAL / "heldout-b.csv").read_bytes()).hexdigest()
    assert rebuilt == committed, "heldout-b.csv differs from a rebuild: see bench/eval/METHOD.md"


def test_heldout_c_is_rebuilt_byte_for_byte_and_holds_only_heldout_entities(  # type: ignore[no-untyped-def]
    build, splits, tmp_path: Path
) -> None:
    # the third held-out sample (pairs seed 20261203), measured once with the matcher frozen (METHOD.md)
    out = tmp_path / "heldout-c.csv"
    build.write_split(build.Builder(20261203).build(), "heldout", out)
    assert hashlib.sha256(out.read_bytes()).digest() == hashlib.sha256((EVAL / "heldout-c.csv").read_bytes()).digest()
    rows = build.read_split(out)
    assert all(build.split_of(e) == "heldout" for e in build.entities(rows))
    assert not build.entities(rows) & build.entities(splits["dev"])


def test_heldout_b_holds_only_heldout_entities(build, splits, heldout_b) -> None:  # type: ignore[no-untyped-def]
    assert len(heldout_b) >= 3000 and list(heldout_b[0]) == build.FIELDS
    mine = build.entities(heldout_b)
    assert not mine & build.entities(splits["dev"])
    assert all(build.split_of(e) == "heldout" for e in mine)
    dev_pairs = {(r["name1"], r["name2"]) for r in splits["dev"]}
    assert not [r["id"] for r in heldout_b if (r["name1"], r["name2"]) in dev_pairs]


def test_heldout_b_is_a_new_sample_of_every_class(build, splits, heldout_b) -> None:  # type: ignore[no-untyped-def]
    seen = defaultdict(set)
    for r in heldout_b:
        seen[r["class"]].add(r["label"])
    assert all(seen[c] == {"0", "1"} for c in build.CLASSES)
    old = {(r["name1"], r["name2"], r["label"]) for r in splits["heldout"]}
    repeated = sum((r["name1"], r["name2"], r["label"]) in old for r in heldout_b)
    assert repeated < len(heldout_b) / 3  # only the generators without randomness repeat
    assert build.resample_table(heldout_b, splits["heldout"]) in (EVAL / "METHOD.md").read_text("utf-8")


def test_a_pairs_seed_never_rewrites_the_two_splits() -> None:
    done = subprocess.run(
        [sys.executable, str(EVAL / "build.py"), "--pairs-seed", "7"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2 and "--out-heldout" in done.stderr


@pytest.fixture(scope="module")
def dev_samples(build):  # type: ignore[no-untyped-def]
    return {name: build.read_split(EVAL / f"{name}.csv") for name in build.DEV_PAIRS_SEEDS}


def test_dev_b_is_rebuilt_byte_for_byte(build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "dev-b.csv"
    build.write_split(build.Builder(build.DEV_PAIRS_SEEDS["dev-b"]).dev_sample(), "dev", out)
    rebuilt = hashlib.sha256(out.read_bytes()).hexdigest()
    committed = hashlib.sha256((EVAL / "dev-b.csv").read_bytes()).hexdigest()
    assert rebuilt == committed, "dev-b.csv differs from a rebuild: see bench/eval/METHOD.md"


def test_dev_samples_hold_only_dev_entities_and_no_heldout_pair(build, splits, dev_samples) -> None:  # type: ignore[no-untyped-def]
    held = splits["heldout"]
    held_pairs = {(r["name1"], r["name2"]) for r in held}
    composed = {r[k] for r in held if build.COMPOSED.match(r["entity1"]) for k in ("name1", "name2")}
    method = (EVAL / "METHOD.md").read_text("utf-8")
    for name, rows in dev_samples.items():
        assert len(rows) >= 3000 and list(rows[0]) == build.FIELDS
        assert all(build.split_of(e) == "dev" for e in build.entities(rows)), name
        assert not [r["id"] for r in rows if (r["name1"], r["name2"]) in held_pairs], name
        assert not [
            r["id"]
            for r in rows
            if build.COMPOSED.match(r["entity1"]) and (r["name1"] in composed or r["name2"] in composed)
        ], name
        seen = defaultdict(set)
        for r in rows:
            seen[r["class"]].add(r["label"])
        assert all(seen[c] == {"0", "1"} for c in build.CLASSES), name
        old = {(r["name1"], r["name2"], r["label"]) for r in splits["dev"]}
        assert sum((r["name1"], r["name2"], r["label"]) in old for r in rows) < len(rows) / 3
        assert build.resample_table(rows, splits["dev"], "dev.csv") in method, name


def test_a_dev_sample_needs_a_new_pairs_seed() -> None:
    done = subprocess.run(
        [sys.executable, str(EVAL / "build.py"), "--out-dev", "/nonexistent/x.csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "--pairs-seed" in done.stderr
