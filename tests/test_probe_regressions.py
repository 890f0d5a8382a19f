"""Bad input and faults at the command line (`bench/probe_cli.py`): each test is one defect the
probes found, run through the real `longarm` command. Exit 2 names the field or option and
prints nothing on stdout; nothing is converted silently; no output replaces what it reads."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_cli

BASE = {
    "as_of": "2024-06-01",
    "from_country": "US",
    "to_country": "CN",
    "item": {"catalog_id": "nvidia-h100-sxm", "origin_country": "US"},
    "parties": [{"role": "end_user", "name": "Example Cloud Co., Ltd.", "country": "CN"}],
    "exporter": {"us_person": True},
}


def with_(doc: dict, path: str, value) -> dict:
    out = json.loads(json.dumps(doc))
    node = out
    parts = path.split(".")
    for p in parts[:-1]:
        node = node[int(p)] if isinstance(node, list) else node.setdefault(p, {})
    node[int(parts[-1]) if isinstance(node, list) else parts[-1]] = value
    return out


def assess(tmp_path: Path, doc: dict | bytes):
    path = tmp_path / "tx.json"
    path.write_bytes(doc if isinstance(doc, bytes) else json.dumps(doc).encode())
    return run_cli("assess", str(path), "--json")


def refused(proc, field: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout[:300], proc.stderr)
    assert proc.stdout == ""
    assert field in proc.stderr, proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("value", ["15832", True, [1]])
@pytest.mark.parametrize(
    "field",
    [
        "tpp",
        "die_area_mm2",
        "bidirectional_transfer_rate_gbs",
        "memory_bandwidth_density",
        "package_area_mm2",
        "process_node_nm",
    ],
)
def test_a_number_written_as_text_or_a_boolean_is_refused(tmp_path, field, value):
    # `tpp: true` was read as a TPP of 1 and `"15832"` converted silently
    doc = with_(with_(BASE, "item.catalog_id", None), f"item.{field}", value)
    if field != "tpp":
        doc["item"]["tpp"] = 15832
    refused(assess(tmp_path, doc), f"item.{field}")


@pytest.mark.parametrize("value", ["no", "false", 0, 1])
@pytest.mark.parametrize(
    "path",
    [
        "item.datacenter",
        "item.nonplanar_transistors",
        "item.includes_hbm",
        "exporter.us_person",
        "parties.0.owned_50pct_by_listed_entity",
    ],
)
def test_a_yes_no_fact_written_as_text_or_a_number_is_refused(tmp_path, path, value):
    want = path.replace(".0.", "[0].")
    refused(assess(tmp_path, with_(BASE, path, value)), want)


def test_a_us_content_of_false_is_not_read_as_zero_percent(tmp_path):
    # 0 % US content would take the item outside the EAR under de minimis: a wrong answer
    refused(assess(tmp_path, with_(BASE, "item.us_controlled_content_pct", False)), "item.us_controlled_content_pct")


@pytest.mark.parametrize("field", ["count", "bit_length", "sparse"])
def test_unit_fields_take_no_booleans_or_text(tmp_path, field):
    unit = {"count": 1, "tops": 989.4, "bit_length": 16, field: True if field != "sparse" else "yes"}
    doc = with_(BASE, "item", {"units": [unit], "die_area_mm2": 814})
    refused(assess(tmp_path, doc), f"item.units[0].{field}")


def test_transistor_count_true_is_refused(tmp_path):
    refused(assess(tmp_path, with_(BASE, "item.transistor_count", True)), "item.transistor_count")


def test_designer_approval_written_as_text_is_refused(tmp_path):
    doc = with_(BASE, "item.designer", {"name": "X", "approved_or_authorized": "yes"})
    refused(assess(tmp_path, doc), "item.designer.approved_or_authorized")


def test_a_yaml_binary_value_is_not_a_name(tmp_path):
    path = tmp_path / "tx.yaml"
    path.write_text("to_country: CN\nitem: {name: !!binary aGVsbG8=}\n")
    refused(run_cli("assess", str(path), "--json"), "item.name")


@pytest.mark.parametrize("value", ["2024-06-01T00:00:00+14:00", "2024-06-01T13:45:00"])
def test_as_of_with_a_time_is_refused(tmp_path, value):
    # the +14:00 date is still 2024-05-31 in Washington: the day must be written as a date
    refused(assess(tmp_path, with_(BASE, "as_of", value)), "as_of")


def test_an_empty_catalogue_id_is_refused(tmp_path):
    refused(assess(tmp_path, with_(BASE, "item.catalog_id", "")), "item.catalog_id")


def test_a_blank_exporter_name_is_refused(tmp_path):
    refused(assess(tmp_path, with_(BASE, "exporter.name", "   ")), "exporter.name")


LETTER = {"citation": "15 CFR 744.23(b)", "date": "2023-01-01", "items": ["nvidia-h20"], "destinations": ["CN"]}
H20 = with_(with_(BASE, "item.catalog_id", "nvidia-h20"), "as_of", "2025-06-01")


@pytest.mark.parametrize("change", [{}, {"destinations": ["cn"]}, {"items": ["NVIDIA-H20"]}])
def test_a_letter_as_given_applies(tmp_path, change):
    """Written in another case, a destination or catalogue id still names it (it was ignored: NLR)."""
    proc = assess(tmp_path, with_(H20, "exporter.is_informed", [{**LETTER, **change}]))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["outcome"] != "NLR"


@pytest.mark.parametrize(
    "change,field",
    [
        ({"destinations": ["ZZ"]}, "exporter.is_informed[0].destinations[0]"),
        ({"destinations": ["D:9"]}, "exporter.is_informed[0].destinations[0]"),
        ({"items": ["h20-typo"]}, "exporter.is_informed[0].items[0]"),
        ({"date": "9999-12-31"}, "exporter.is_informed[0].date"),
        ({"citation": "  "}, "exporter.is_informed[0].citation"),
    ],
)
def test_a_letter_the_rules_would_ignore_is_refused_not_answered_nlr(tmp_path, change, field):
    refused(assess(tmp_path, with_(H20, "exporter.is_informed", [{**LETTER, **change}])), field)


def test_a_number_of_5000_digits_says_so_plainly(tmp_path):
    proc = assess(tmp_path, b'{"to_country": "CN", "item": {"tpp": ' + b"9" * 5000 + b"}}")
    refused(proc, "more than 4,300 digits")
    assert "set_int_max_str_digits" not in proc.stderr


def test_classify_contains_with_a_huge_count_is_exit_2():
    proc = run_cli("classify", "--type", "computer", "--contains", "nvidia-h100-sxm:" + "9" * 5000)
    refused(proc, "--contains")


def test_chips_plot_with_json_prints_one_json_document(tmp_path):
    out = tmp_path / "chart.png"
    proc = run_cli("chips", "--plot", str(out), "--json", "--as-of", "2024-01-01")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["plot"] == str(out)
    assert out.stat().st_size > 1000


def test_whatif_the_same_threshold_twice_is_refused():
    proc = run_cli("whatif", "--set", "3A090.a.tpp=2000", "--set", "3A090.a.tpp=9000")
    refused(proc, "given more than once")


def test_timeline_plot_onto_a_folder_names_the_option(tmp_path):
    folder = tmp_path / "dir.png"
    folder.mkdir()
    refused(run_cli("timeline", "--plot", str(folder)), "--plot")


def test_timeline_plot_that_cannot_be_written_names_the_option_and_leaves_nothing():
    proc = run_cli("timeline", "--plot", "/proc/timeline.png")
    refused(proc, "--plot")
    assert not list(Path("/proc").glob(".timeline.png*"))


def test_audit_show_with_a_huge_limit_is_exit_2():
    refused(run_cli("audit", "show", "--limit", "9" * 30), "--limit")


def test_audit_verify_expect_with_a_count_no_store_can_hold_names_the_option():
    refused(run_cli("audit", "verify", "--expect", "9" * 30 + ":" + "0" * 64), "--expect")


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A store holding one record, written by a real `assess`."""
    path = tmp_path / "store.sqlite"
    monkeypatch.setenv("LONGARM_STORE", str(path))
    proc = assess(tmp_path, BASE)
    assert proc.returncode == 0, proc.stderr
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_audit_export_never_overwrites_the_store_it_exports(store):
    before = digest(store)
    refused(run_cli("audit", "export", "--out", str(store)), "--out")
    assert digest(store) == before
    assert sqlite3.connect(store).execute("select count(*) from sqlite_master").fetchone()[0] > 0
    assert run_cli("audit", "verify").returncode == 0


def test_audit_export_never_overwrites_the_store_through_a_link(store, tmp_path):
    link = tmp_path / "link.jsonl"
    link.symlink_to(store)
    before = digest(store)
    refused(run_cli("audit", "export", "--out", str(link)), "--out")
    assert digest(store) == before and link.is_symlink()


def test_audit_export_never_replaces_a_pipe_or_device(store, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    refused(run_cli("audit", "export", "--out", str(fifo)), "--out")
    assert fifo.is_fifo()
