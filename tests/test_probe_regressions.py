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


# -- claims, the chart's claims, die areas and US-origin ICs ------------------------------------------


def valid_json(text: str):
    """The document, parsed strictly: NaN and Infinity are not JSON."""

    def refuse(token: str):
        raise AssertionError(f"{token} in JSON output")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("along", ["tpp", "performance_density"])
@pytest.mark.parametrize("ratio", ["inf", "-inf", "nan", "1e308", "1e309"])
def test_a_claim_ratio_that_is_not_a_finite_number_is_refused(ratio, along):
    # `--ratio inf --json` printed `"claimed_ratio": Infinity`; 1e308 gave a TPP of inf and an ECCN from it
    proc = run_cli(
        "claims", "--chip", "nvidia-h20", "--versus", "nvidia-h100-sxm", "--ratio", ratio, "--along", along, "--json"
    )
    refused(proc, "--ratio")


def test_a_claim_ratio_whose_product_overflows_against_an_open_density_range_is_refused():
    # google-tpu-v4's density is open above; its lower end × 1e308 is not a number either
    proc = run_cli(
        "claims", "--chip", "nvidia-h20", "--versus", "google-tpu-v4", "--ratio", "1e308",
        "--along", "performance_density",
    )  # fmt: skip
    refused(proc, "--ratio")


def test_a_large_finite_claim_ratio_is_answered_in_valid_json():
    proc = run_cli("claims", "--chip", "nvidia-h20", "--versus", "nvidia-h100-sxm", "--ratio", "1e300", "--json")
    assert proc.returncode == 0, proc.stderr
    (row,) = valid_json(proc.stdout)
    assert row["claimed_ratio"] == 1e300 and row["eccn_would_change"] is True


def test_an_unknown_id_thousands_of_characters_long_is_named_not_echoed_whole():
    proc = run_cli("claims", "--chip", "x" * 20000, "--versus", "nvidia-h100-sxm", "--ratio", "2")
    refused(proc, "--chip")
    assert len(proc.stderr) < 1000 and "20,000 characters" in proc.stderr


def test_chips_plot_onto_a_pipe_is_refused_and_the_pipe_kept(tmp_path):
    # the chart was written beside the pipe and renamed over it
    fifo = tmp_path / "chart.png"
    os.mkfifo(fifo)
    refused(run_cli("chips", "--plot", str(fifo), "--claim", "ascend-910c-inference-60pct-h100"), "--plot")
    assert fifo.is_fifo()


def test_chips_plot_with_a_name_too_long_names_the_option_not_a_temporary_file(tmp_path):
    proc = run_cli("chips", "--plot", str(tmp_path / ("a" * 300 + ".png")))
    refused(proc, "--plot")
    assert ".tmp" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_chips_plot_with_a_name_near_the_limit_is_written(tmp_path):
    # a 254-character name used to fail on its longer temporary name
    out = tmp_path / ("b" * 250 + ".png")
    proc = run_cli("chips", "--plot", str(out), "--as-of", "2024-01-01")
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 1000 and [p.name for p in tmp_path.iterdir()] == [out.name]


@pytest.mark.parametrize("extra", [["--compare", "nvidia-h100-sxm", "nvidia-h20"], ["nvidia-h20"]])
def test_chips_plot_with_a_comparison_is_refused_not_dropped(tmp_path, extra):
    out = tmp_path / "chart.png"
    refused(run_cli("chips", "--plot", str(out), *extra), "--compare" if extra[0] == "--compare" else "IDS")
    assert not out.exists()


def test_chips_compare_naming_a_chip_twice_is_refused():
    # the ratios are keyed by id: the JSON had two columns and one set of ratios
    refused(run_cli("chips", "--compare", "nvidia-h20", "nvidia-h100-sxm", "nvidia-h20", "--json"), "--compare[2]")


@pytest.mark.parametrize("area", ["5e-324", "1e-310"])
def test_classify_a_die_area_too_small_for_the_chips_tpp_is_exit_2_not_infinity(area):
    # `--chip google-tpu-v4 --die-area 5e-324 --json` printed `"performance_density": Infinity`
    refused(run_cli("classify", "--chip", "google-tpu-v4", f"--die-area={area}", "--json"), "--die-area")


def test_classify_a_tiny_but_representable_density_stays_valid_json():
    proc = run_cli("classify", "--chip", "google-tpu-v4", "--die-area=1e-300", "--json", "--as-of", "2024-01-01")
    assert proc.returncode == 0, proc.stderr
    assert valid_json(proc.stdout)["eccn"] == "3A090.a"


@pytest.mark.parametrize(
    "item, field",
    [
        ({"tpp": 1e308, "die_area_mm2": 0.5}, "item.die_area_mm2"),
        ({"units": [{"count": 1, "tops": 1e308, "bit_length": 16}], "die_area_mm2": 800}, "item.units"),
        ({"units": [{"count": 1, "tops": 1e306, "bit_length": 16}], "die_area_mm2": 1e-3}, "item.units"),
        (
            {"type": "computer", "contains": [{"catalog_id": "nvidia-h100-sxm", "die_area_mm2": 1e-310}]},
            "item.contains[0].die_area_mm2",
        ),
    ],
)
def test_figures_whose_tpp_or_density_overflow_are_refused(tmp_path, item, field):
    # the TPP or density became inf: 3A090.a decided on it, and the API answered it as null (unknown)
    refused(assess(tmp_path, {"as_of": "2024-06-01", "to_country": "CN", "item": item}), field)


def test_us_content_of_nan_says_it_must_be_finite(tmp_path):
    proc = assess(
        tmp_path, b'{"to_country": "CN", "item": {"catalog_id": "nvidia-h100-sxm", "us_controlled_content_pct": NaN}}'
    )
    refused(proc, "item.us_controlled_content_pct")
    assert "finite" in proc.stderr


TESTER = {
    "as_of": "2025-06-01",
    "from_country": "KR",
    "to_country": "CN",
    "item": {
        "type": "other",
        "name": "Example wafer test system",
        "eccn": "3B992",
        "origin_country": "KR",
        "us_controlled_content_pct": 1,
        "foreign_direct_product": {"direct_product_of": [], "plant_direct_product_of": []},
    },
    "parties": [
        {
            "role": "end_user",
            "name": "Semiconductor Manufacturing International Corporation",
            "country": "CN",
            "headquarters_country": "CN",
            "ultimate_parent_headquarters_country": "CN",
        }
    ],
}


@pytest.mark.parametrize("ics", [["3A001"], ["３Ａ００１"], ["３A001"], ["\u00a03a001\u00a0"]])
def test_a_us_origin_ic_of_category_3_leaves_no_de_minimis_level_however_it_is_written(tmp_path, ics):
    # "３A001" (a full-width 3) passed as an ECCN of no Category: NLR instead of a license requirement
    proc = assess(tmp_path, with_(TESTER, "item.us_origin_ics", ics))
    assert proc.returncode == 0, proc.stderr
    out = valid_json(proc.stdout)
    assert out["outcome"] == "LICENSE_REQUIRED" and out["subject_to_ear"] is True


@pytest.mark.parametrize(
    "ics", [["٣A001"], ["3А001"], ["3A001\u200b"], ["3A001 junk"], ["3A0011"], ["3A001."], ["EAR99.a"], [""]]
)
def test_a_us_origin_ic_that_is_not_an_eccn_is_refused(tmp_path, ics):
    # Arabic-Indic digit, Cyrillic A, zero-width space, trailing text: each was read as an ECCN
    refused(assess(tmp_path, with_(TESTER, "item.us_origin_ics", ics)), "item.us_origin_ics")


def test_us_origin_ics_repeated_ten_thousand_times_is_one_ic(tmp_path):
    proc = assess(tmp_path, with_(TESTER, "item.us_origin_ics", ["EAR99"] * 10_000))
    assert proc.returncode == 0, proc.stderr
    out = valid_json(proc.stdout)
    assert out["outcome"] == "NLR"
    assert sum(f["text"].count("EAR99") for f in out["findings"]) < 10


def test_the_api_refuses_a_full_width_or_foreign_digit_ic_and_an_overflowing_density(server):
    with server.client() as client:
        r = client.post("/v1/assess", json=with_(TESTER, "item.us_origin_ics", ["٣A001"]))
        assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in r.json()["errors"]] == ["item.us_origin_ics"]
        r = client.post("/v1/assess", json=with_(TESTER, "item.us_origin_ics", ["３A001"]))
        assert r.status_code == 200 and r.json()["outcome"] == "LICENSE_REQUIRED"
        r = client.post(
            "/v1/classify",
            json={"as_of": "2024-01-01", "item": {"catalog_id": "google-tpu-v4", "die_area_mm2": 5e-324}},
        )
        assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["item.die_area_mm2"]


def test_the_chips_page_shows_a_density_range_not_unknown(server):
    # a chip whose die area is known only as a range read "density unknown (die area not published)"
    from test_web import signed_in

    client, _ = signed_in(server, "viewer")
    page = client.get("/chips", params={"as_of": "2024-01-01", "a": "google-tpu-v4", "b": "nvidia-h100-sxm"})
    assert page.status_code == 200
    assert "google-tpu-v4: TPP 4,400, density ≥ 7.33 (die area known only as a range)" in page.text
    assert "≤ 600" in page.text
    same = client.get("/chips", params={"a": "google-tpu-v4", "b": "google-tpu-v4"})
    assert same.status_code == 422 and "named twice" in same.text
