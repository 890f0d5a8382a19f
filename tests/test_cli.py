"""The `longarm` command as users run it: golden outputs, JSON shapes and the exit-code contract."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from longarm import catalog
from tests.conftest import ROOT, run_cli

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

CASES = {
    "classify-h800-2023.txt": ["classify", "--chip", "nvidia-h800-sxm", "--as-of", "2023-01-01"],
    "classify-h800-2024.txt": ["classify", "--chip", "nvidia-h800-sxm", "--as-of", "2024-01-01"],
    "classify-tpp-4800.json": [
        "classify",
        "--tpp",
        "4800",
        "--die-area",
        "600",
        "--datacenter",
        "--as-of",
        "2024-06-01",
        "--json",
    ],
    "assess-h100-china.txt": ["assess", "examples/h100-to-china-2024.yaml"],
    "assess-ascend-use.json": ["assess", "examples/ascend-910c-use-malaysia-2025.yaml", "--json"],
    "chips-compare.txt": ["chips", "--compare", "huawei-ascend-910c", "nvidia-h100-sxm", "--as-of", "2026-11-28"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name):
    proc = run_cli(*CASES[name])
    assert proc.returncode == 0, proc.stderr
    path = GOLDEN / name
    if UPDATE:
        path.write_text(proc.stdout, "utf-8")
    assert proc.stdout == path.read_text("utf-8")


def test_classify_json_is_the_contract_item_object():
    out = json.loads(run_cli(*CASES["classify-tpp-4800.json"]).stdout)
    assert out["eccn"] == "3A090.a" and out["tpp"] == 4800 and out["performance_density"] == 8
    assert all(r["citation"].startswith("15 CFR") for r in out["reasons"])
    assert any(r["citation"] == "15 CFR 774 Supp. 1, ECCN 3A090.a.1" for r in out["reasons"])


def test_chips_json_lists_every_catalogue_chip_with_the_contract_keys():
    rows = json.loads(run_cli("chips", "--as-of", "2024-01-01", "--json").stdout)
    assert len(rows) == len(catalog.chips()) == 68
    for row in rows:
        assert {"id", "vendor", "model", "tpp", "performance_density", "eccn"} <= set(row)
    by_id = {r["id"]: r for r in rows}
    assert by_id["nvidia-h100-sxm"]["eccn"] == "3A090.a"
    assert by_id["nvidia-h20"]["eccn"] == "3A991.p"


def test_chips_plot_writes_png_and_svg(tmp_path):
    for ext in ("png", "svg"):
        out = tmp_path / f"chart.{ext}"
        proc = run_cli("chips", "--plot", str(out), "--as-of", "2024-01-01")
        assert proc.returncode == 0, proc.stderr
        assert out.stat().st_size > 10_000
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"3A090.a.1" in (tmp_path / "chart.svg").read_bytes()


def test_assess_json_has_the_contract_keys():
    d = json.loads(run_cli("assess", "examples/h100-to-china-2024.yaml", "--json").stdout)
    for key in (
        "contract",
        "as_of",
        "ruleset",
        "item",
        "posture",
        "outcome",
        "subject_to_ear",
        "subject_to_ear_reasons",
        "license_required",
        "license_requirements",
        "license_exceptions",
        "general_prohibitions",
        "screening",
        "warnings",
        "findings",
    ):
        assert key in d
    assert d["contract"] == "2"
    assert all(f["citation"] for f in d["findings"])


def test_assess_reads_stdin():
    text = (ROOT / "examples/h100-to-china-2024.yaml").read_text()
    proc = run_cli("assess", "-", "--json", stdin=text)
    assert proc.returncode == 0 and json.loads(proc.stdout)["outcome"] == "LICENSE_REQUIRED"


BAD = [
    (
        '{"as_of":"2024-06-01","to_country":"DE","item":{"tpp":4800,"die_area_mm2":-1}}',
        ["item.die_area_mm2: must be > 0"],
    ),
    ('{"to_country":"DE","item":{"tpp":NaN}}', ["item.tpp: must be a finite number"]),
    ('{"to_country":"DE","item":{"tpp":"4800"}}', ["item.tpp: Input should be a valid number"]),
    ('{"to_country":"DE","item":{"catalog_id":"nvidia-h900"}}', ["item.catalog_id: unknown catalogue id"]),
    ('{"to_country":"DE","item":{"tpp":1},"colour":"red"}', ["colour: unknown field"]),
    ('{"to_country":"DE","item":{"tpp":1,"die_area":3}}', ["item.die_area: unknown field"]),
    ('{"to_country":"XX"}', ["to_country: 'XX' is not an ISO 3166-1 alpha-2 country code"]),
    ('{"as_of":"1999-12-31","to_country":"DE"}', ["as_of: must be on or after 2000-01-01"]),
    ('{"as_of":"2024-02-30","to_country":"DE"}', ["as_of:"]),
    ('{"item":{"units":[{"tops":1}]}}', ["to_country: required", "item.units[0].bit_length: required"]),
    ("as_of: 2024-13-01\nto_country: DE\n", ["as_of:"]),
    ("[1, 2]", ["(input): must be a mapping"]),
    ('{"to_country":"DE","parties":[{"role":"buyer","name":"X"}]}', ["parties[0].role:"]),
]


@pytest.mark.parametrize("doc,messages", BAD)
def test_bad_input_exits_2_naming_every_field_with_nothing_on_stdout(tmp_path, doc, messages):
    path = tmp_path / "tx.json"
    path.write_text(doc)
    for extra in ([], ["--json"]):
        proc = run_cli("assess", str(path), *extra)
        assert proc.returncode == 2
        assert proc.stdout == ""
        for m in messages:
            assert m in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "args,field",
    [
        (["classify", "--tpp", "-5"], "--tpp"),
        (["classify", "--die-area", "0", "--tpp", "5"], "--die-area"),
        (["classify", "--chip", "nope"], "--chip"),
        (["classify", "--tpp", "5", "--as-of", "yesterday"], "--as-of"),
        (["classify", "--tpp", "5", "--as-of", "1999-01-01"], "--as-of"),
        (["classify", "--tpp", "abc"], "--tpp"),
        (["classify", "--tpp", "5", "--bogus"], "--bogus"),
        (["assess", "/no/such/file"], "FILE"),
        (["chips", "--compare", "nvidia-h100-sxm", "nope"], "--compare[1]"),
    ],
)
def test_bad_options_exit_2(args, field):
    proc = run_cli(*args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith(field), proc.stderr


def test_chips_plot_into_a_folder_that_cannot_be_made_is_exit_2_naming_it(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    proc = run_cli("chips", "--plot", str(blocker / "chart.png"), "--as-of", "2024-01-01")
    assert proc.returncode == 2 and str(blocker) in proc.stderr and "internal error" not in proc.stderr
    assert proc.stdout == ""


def test_the_sample_pairs_file_runs():
    res = json.loads(run_cli("match", "--pairs", "examples/pairs.csv", "--json").stdout)
    assert [r["match"] for r in res] == [True, True, True, True, False, False]


def test_the_command_starts_without_the_heavy_libraries():
    """`longarm --help` stays fast: the engines load inside the commands that use them."""
    import subprocess
    import sys

    code = (
        "import sys, longarm.cli; "
        "print(sorted(m for m in ('polars', 'pyarrow', 'matplotlib', 'rapidfuzz', 'dask', 'pypinyin', 'opencc', "
        "'numpy', 'longarm.assess', 'longarm.screening.match', 'longarm.batch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
