"""Every catalogue chip against the figures in its source row (accelerators.csv / ACCELERATORS.md)."""

import csv
import math
import re
from importlib import resources

import pytest

from longarm import catalog
from longarm.errors import UnknownChipError
from tests.conftest import as_json, d

BITS = {
    "dense_fp64_tflops": 64,
    "dense_fp32_tflops": 32,
    "dense_tf32_tflops": 32,
    "dense_fp16_tflops": 16,
    "dense_bf16_tflops": 16,
    "dense_fp8_tflops": 8,
    "dense_int8_tops": 8,
    "dense_int4_tops": 4,
}
ROWS = list(csv.DictReader(resources.files("longarm.data").joinpath("accelerators.csv").open(encoding="utf-8")))
IDS = {
    (r["vendor"], r["model"], r["variant"]): r["id"]
    for r in csv.DictReader(resources.files("longarm.data").joinpath("catalog_ids.csv").open(encoding="utf-8"))
}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: IDS[(r["vendor"], r["model"], r["variant"])])
def test_chip_matches_its_source_row(row):
    chip = catalog.get(IDS[(row["vendor"], row["model"], row["variant"])])
    terms = [float(row[k]) * b for k, b in BITS.items() if row[k].strip()]
    assert chip.tpp == (pytest.approx(max(terms)) if terms else None)
    area = float(row["die_area_mm2"]) if row["die_area_mm2"].strip() else None
    assert chip.die_area_mm2 == area
    assert chip.performance_density == (pytest.approx(max(terms) / area) if terms and area else None)
    # every figure has a source; a row with no source has no figures
    assert chip.source_urls or (not terms and area is None)
    epoch = re.search(r"Epoch TPP column ([\d.]+)", row["notes"])
    if epoch and chip.tpp is not None:
        # Epoch's column is a cross-check built from fewer columns (ACCELERATORS.md caveat).
        assert chip.tpp == pytest.approx(float(epoch.group(1).rstrip(".")), rel=0.7)


@pytest.mark.parametrize(
    "chip_id,tpp,pd",
    [
        ("nvidia-h100-sxm", 15832, 19.45),
        ("nvidia-a100-sxm", 4992, 6.04),
        ("nvidia-h20", 2368, 2.91),
        ("nvidia-rtx-4090", 5284.8, 8.68),
        ("nvidia-rtx-4090d", 4706.8, 7.73),
    ],
)
def test_worked_examples_of_accelerators_md(chip_id, tpp, pd):
    chip = catalog.get(chip_id)
    assert chip.tpp == pytest.approx(tpp, abs=0.1)
    assert round(chip.performance_density, 2) == pd


def test_contract_ids_exist():
    for chip_id in (
        "nvidia-a100-sxm",
        "nvidia-a800-sxm",
        "nvidia-h100-sxm",
        "nvidia-h800-sxm",
        "nvidia-h20",
        "nvidia-h200",
        "nvidia-b200",
        "nvidia-rtx-4090",
        "nvidia-rtx-4090d",
        "amd-mi300x",
        "huawei-ascend-910b",
        "huawei-ascend-910c",
        "huawei-ascend-910d",
    ):
        assert catalog.get(chip_id).id == chip_id


def test_missing_figures_stay_missing():
    d910 = catalog.get("huawei-ascend-910d")
    assert d910.tpp is None and d910.performance_density is None
    assert any("TPP unknown" in c for c in d910.caveats)
    assert any("performance density unknown" in c for c in catalog.get("intel-gaudi-3").caveats)


def test_tf32_deciding_is_flagged():
    assert any("TF32" in c for c in catalog.get("aws-trainium").caveats)


def test_unknown_id_names_the_field():
    with pytest.raises(UnknownChipError) as e:
        catalog.get("nvidia-h900", "item.catalog_id")
    assert e.value.problems[0].field == "item.catalog_id"


@pytest.mark.parametrize(
    "chip_id,node,hbm", [("nvidia-h20", 5.0, True), ("amd-mi300x", 6.0, True), ("nvidia-h100-sxm", 5.0, True)]
)
def test_foundry_facts_from_the_catalogue(chip_id, node, hbm):
    chip = catalog.get(chip_id, "item.catalog_id")
    assert chip.process_node_nm == node  # "5nm (XCD) + 6nm (IOD)": the coarsest node named
    assert chip.includes_hbm is hbm


# ---- die area known only as a range -------------------------------------------------------

RANGES = list(csv.DictReader(resources.files("longarm.data").joinpath("die_area_ranges.csv").open(encoding="utf-8")))


@pytest.mark.parametrize("row", RANGES, ids=lambda r: r["id"])
def test_every_die_area_range_is_sourced_and_only_where_the_area_is_missing(row):
    chip = catalog.get(row["id"])
    lo = float(row["lo_mm2"]) if row["lo_mm2"] else None  # empty: no lower bound known
    hi = float(row["hi_mm2"])
    assert chip.die_area_mm2 is None  # a range never stands beside a stated figure
    assert chip.die_area_mm2_range == (lo, hi) and 0 < (lo or hi) <= hi
    assert row["lo_basis"] and row["hi_basis"] and row["source_quality"]
    assert all(u.startswith("https://") for u in row["source_urls"].split(";"))
    lo_pd, hi_pd = chip.performance_density_range
    assert lo_pd == pytest.approx(chip.tpp / hi)
    assert hi_pd == (pytest.approx(chip.tpp / lo) if lo is not None else math.inf)
    assert chip.performance_density is None
    shown = f"{lo:g} to {hi:g} mm²" if lo is not None else f"at most {hi:g} mm², no lower bound known"
    assert any(shown in c for c in chip.caveats)


def test_range_lower_ends_are_the_measured_compute_dies_of_the_notes():
    # accelerators.csv notes: 910B compute die 665.61 mm2, 910C "2x the 910B compute die"
    assert catalog.get("huawei-ascend-910b4").die_area_mm2_range[0] == 665.61
    assert catalog.get("huawei-ascend-910c").die_area_mm2_range[0] == pytest.approx(2 * 665.61)
    assert catalog.get("amd-mi355x").die_area_mm2_range[0] == 8 * 110
    assert catalog.get("amd-mi350x").die_area_mm2_range == catalog.get("amd-mi355x").die_area_mm2_range  # same silicon
    # MI300X: 8 XCDs of 110 mm2; the 4 I/O dies are bounded only by the 858 mm2 reticle
    assert catalog.get("amd-mi300x").die_area_mm2_range == (8 * 110, 8 * 110 + 4 * 858)
    # MI250X: two GCDs, the two published per-GCD figures
    assert catalog.get("amd-mi250x").die_area_mm2_range == (2 * 724, 2 * 790)
    for chip_id in ("nvidia-b100", "nvidia-b200", "nvidia-gb200", "nvidia-b300", "nvidia-gb300"):
        assert catalog.get(chip_id).die_area_mm2_range == (2 * 800, 2 * 858)  # two dies: ~800 estimated, reticle above


def test_chips_json_carries_the_range_and_its_source(cli):
    rows = {r["id"]: r for r in as_json(cli("chips", "--as-of", "2025-06-01", "--json"))}
    c = rows["huawei-ascend-910c"]
    assert c["die_area_mm2_range"] == [pytest.approx(1331.22), pytest.approx(3432)]
    assert c["performance_density_range"] == [pytest.approx(12800 / 3432), pytest.approx(12800 / 1331.22)]
    assert c["performance_density"] is None and c["eccn"] == "3A090.a"
    assert c["die_area_mm2_range_source"]["source_urls"]
    h100 = rows["nvidia-h100-sxm"]
    assert h100["die_area_mm2_range"] is None and h100["performance_density_range"] is None
    assert h100["performance_density"] == pytest.approx(15832 / 814)
    assert rows["intel-gaudi-3"]["die_area_mm2_range"] is None  # no sourced bound: stays unknown


def test_chips_table_shows_the_density_range(cli):
    out = cli("chips", "--as-of", "2025-06-01").stdout
    line = next(x for x in out.splitlines() if x.startswith("huawei-ascend-910b4 "))
    assert "2.94-6.73" in line and "UNDETERMINED (3A090.a/3A090.b)" in line


def test_range_straddling_5_92_is_undetermined_and_asks_for_the_die_area(cli):
    out = as_json(cli("classify", "--chip", "huawei-ascend-910b4", "--as-of", "2024-01-01", "--json"))
    assert out["eccn"] == "UNDETERMINED" and out["candidates"] == ["3A090.a", "3A090.b"]
    assert out["performance_density"] is None
    assert any("(item.die_area_mm2)" in q for q in out["questions"])
    assert "straddles 5.92" in out["reasons"][0]["text"]


def test_range_inside_one_eccn_gives_that_eccn_and_says_so(cli):
    out = as_json(cli("classify", "--chip", "huawei-ascend-910c", "--as-of", "2024-01-01", "--json"))
    assert out["eccn"] == "3A090.a" and out["questions"] == []
    assert "the whole range gives 3A090.a" in out["reasons"][0]["text"]


def test_range_matters_from_the_day_the_density_test_took_effect(cli):
    # 2022 text (to 2023-11-16): TPP and I/O only, the 910B4's TPP 4480 is below 4800
    before = as_json(cli("classify", "--chip", "huawei-ascend-910b4", "--as-of", "2023-11-16", "--json"))
    on = as_json(cli("classify", "--chip", "huawei-ascend-910b4", "--as-of", "2023-11-17", "--json"))
    assert before["eccn"] == "3A991.p"
    assert on["eccn"] == "UNDETERMINED" and on["candidates"] == ["3A090.a", "3A090.b"]


@pytest.mark.parametrize("area,eccn", [(665.61, "3A090.a"), (1523.61, "3A090.b"), (4480 / 5.92, "3A090.a")])
def test_a_given_die_area_settles_what_the_range_left_open(cli, area, eccn):
    out = as_json(
        cli("classify", "--chip", "huawei-ascend-910b4", "--die-area", str(area), "--as-of", "2024-01-01", "--json")
    )
    assert out["eccn"] == eccn and out["performance_density"] == pytest.approx(4480 / area)


def test_the_ascend_910_is_3a090a_on_huaweis_own_die_areas(cli):
    # Hot Chips 31 / HPCA 2021: compute die 456 mm2 + I/O die 168 mm2; HBM and dummy dies do not count
    chip = catalog.get("huawei-ascend-910")
    assert chip.die_area_mm2 == 456 + 168 and chip.die_area_mm2_range is None
    assert chip.performance_density == pytest.approx(4096 / 624)
    out = as_json(cli("classify", "--chip", "huawei-ascend-910", "--as-of", "2024-01-01", "--json"))
    assert out["eccn"] == "3A090.a" and out["performance_density"] == pytest.approx(4096 / 624)


@pytest.mark.parametrize(
    "span,expected",
    [
        ((4.0, 5.92), {"3A090.a", "3A090.b"}),  # the upper end reaches "5.92 or more"
        ((4.0, 5.919), {"3A090.b"}),  # stops just below it
        ((5.92, 9.0), {"3A090.a"}),  # starts on it
        ((1.0, 1.59), {"3A991.p"}),  # below 3A090.b.1's 1.6 throughout
        ((1.0, 1.6), {"3A090.b", "3A991.p"}),
    ],
)
def test_range_boundaries_follow_the_thresholds(span, expected):
    from longarm.rules.classification import ICFacts, classify_ic

    f = ICFacts(tpp=4000, performance_density=None, datacenter=True, io_gbs=None, max_tops=None)
    res = classify_ic(ICFacts(**{**f.__dict__, "performance_density_range": span}), d("2024-01-01"))
    assert res.candidates == expected


# ---- command-line errors --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nvidia-h100-sxm:abc", "id:abc", "nvidia-h100-sxm:-1", "nvidia-h900:2"])
def test_bad_contains_exits_2_naming_contains(cli, value):
    proc = cli("classify", "--type", "computer", "--contains", value)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("--contains:")


def test_contains_with_count_classifies_the_computer(cli):
    out = as_json(
        cli("classify", "--type", "computer", "--contains", "nvidia-h100-sxm:8", "--as-of", "2024-01-01", "--json")
    )
    assert out["eccn"] == "4A090.a"


def test_plot_into_a_missing_or_non_folder_exits_2_naming_plot(cli, tmp_path):
    for target in (tmp_path / "missing" / "x.png", tmp_path / "file.txt" / "x.png"):
        (tmp_path / "file.txt").write_text("not a folder")
        proc = cli("chips", "--plot", str(target))
        assert proc.returncode == 2 and proc.stdout == ""
        assert proc.stderr.startswith("--plot:")
    assert not (tmp_path / "missing").exists()


def test_plot_writes_the_picture(cli, tmp_path):
    target = tmp_path / "plane.png"
    proc = cli("chips", "--plot", str(target), "--as-of", "2025-06-01")
    assert proc.returncode == 0, proc.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plane.png"]  # no temporary file left behind


def test_range_that_does_not_decide_leaves_the_question_to_the_other_unknown():
    from longarm.rules.classification import ICFacts, classify_ic

    f = ICFacts(tpp=4000, performance_density=None, datacenter=None, io_gbs=None, max_tops=None)
    res = classify_ic(ICFacts(**{**f.__dict__, "performance_density_range": (6.0, 9.0)}), d("2024-01-01"))
    assert res.candidates == {"3A090.a", "3A991.p"}  # .a unless excluded by Note 2 (datacenter unknown)
    assert res.checks[0].value is True and "the whole range gives" in res.checks[0].text
    assert [c.missing for c in res.checks if c.value is None] == [("datacenter",)]


# ---- validation of the catalogue's figures against their sources -------------------------

PUBLISHED = list(csv.DictReader(resources.files("longarm.data").joinpath("published_tpp.csv").open(encoding="utf-8")))
IDENTITY = {"vendor", "model", "variant", "datacenter", "source_urls", "notes"}


@pytest.mark.parametrize("row", PUBLISHED, ids=lambda r: r["id"])
def test_tpp_from_the_published_precisions_matches_the_published_tpp(row):
    """Within 3 % of a published TPP, unless the table says why the publisher's rates differ."""
    chip = catalog.get(row["id"])
    published = float(row["published_tpp"])
    assert chip.published_tpp is not None and chip.published_tpp.value == published
    off = abs(chip.tpp - published) / published
    if row["differs_because"]:
        assert off > 0.03, f"{row['id']}: agrees within 3 %, so the stated difference is stale"
    else:
        assert off <= 0.03, f"{row['id']}: TPP {chip.tpp:g} vs published {published:g}"
    assert row["source_quality"] in {"primary", "secondary"}
    assert row["source_urls"].startswith("https://")


@pytest.mark.parametrize("row", ROWS, ids=lambda r: IDS[(r["vendor"], r["model"], r["variant"])])
def test_every_non_empty_figure_has_a_source(row):
    figures = [k for k, v in row.items() if k not in IDENTITY and v.strip()]
    urls = [u.strip() for u in row["source_urls"].split(";") if u.strip()]
    assert urls or not figures, f"figures {figures} without a source"
    assert all(u.startswith(("https://", "http://")) for u in urls)


MULTI_DIE = {
    "nvidia-b100": "two reticle-limited dies",
    "nvidia-b200": "two reticle-limited dies",
    "nvidia-gb200": "two reticle-limited dies",
    "nvidia-b300": "two reticle-limited dies",
    "nvidia-gb300": "two-die",
    "amd-mi250x": "two Aldebaran GCDs",
    "amd-mi300x": "8 XCD",
    "amd-mi325x": "8 XCDs",
    "amd-mi350x": "8 XCDs",
    "amd-mi355x": "8 XCDs",
    "intel-gaudi-3": "Two compute dies",
    "google-tpu-v7": "two compute dies",
    "aws-trainium2": "Two compute chiplets",
}


@pytest.mark.parametrize("chip_id,dies", MULTI_DIE.items())
def test_multi_die_packages_name_their_dies(chip_id, dies):
    chip = catalog.get(chip_id)
    assert dies.lower() in chip.notes.lower()
    assert chip.die_area_mm2 is None  # no stated total: a range or unknown, never one chiplet's area
    if chip.die_area_range is not None:
        assert chip.die_area_range.lo <= chip.die_area_range.hi
        assert "die" in chip.die_area_range.lo_basis and "die" in chip.die_area_range.hi_basis


@pytest.mark.parametrize("chip_id", ["nvidia-b30a", "nvidia-rtx-pro-6000d"])
def test_press_reported_rows_say_so_and_leave_compute_unknown(chip_id):
    chip = catalog.get(chip_id)
    assert "press-reported" in chip.notes.lower()
    assert chip.tpp is None and chip.source_urls
    assert any("TPP unknown" in c for c in chip.caveats)


@pytest.mark.parametrize("chip_id", ["nvidia-h200-nvl", "nvidia-rtx-pro-6000d", "intel-gaudi-3-pcie"])
def test_vector_only_rates_are_not_taken_for_tpp(chip_id):
    # a TPP from the vector FP32/FP64 rates alone would sit far below the tensor rate and could
    # turn "unknown" into a wrong "not 3A090"; the catalogue leaves TPP unknown instead
    chip = catalog.get(chip_id)
    assert chip.rates == {} and chip.tpp is None


def test_new_2025_rows_carry_their_figures():
    b300, mi350x, tpu7, trn3 = (catalog.get(i) for i in ("nvidia-b300", "amd-mi350x", "google-tpu-v7", "aws-trainium3"))
    assert (b300.tpp, b300.deciding_precision) == (13500 * 4, "dense_int4_tops")  # dense FP4 decides
    assert mi350x.tpp == pytest.approx(2309.6 * 16)
    assert tpu7.tpp == 4614 * 8 and tpu7.interconnect_bw_gbs == 1200
    assert trn3.tpp == 671 * 32 and any("TF32 decides TPP" in c for c in trn3.caveats)


@pytest.mark.parametrize("area", [1448, 1580])
def test_mi250x_is_3a090a_at_both_ends_of_its_range(cli, area):
    out = as_json(cli("classify", "--chip", "amd-mi250x", "--die-area", str(area), "--as-of", "2024-01-01", "--json"))
    assert out["eccn"] == "3A090.a" and out["performance_density"] == pytest.approx(6128 / area)


def test_mi250x_range_gives_one_eccn_and_names_the_range(cli):
    out = as_json(cli("classify", "--chip", "amd-mi250x", "--as-of", "2024-01-01", "--json"))
    assert out["eccn"] == "3A090.a" and out["performance_density"] is None
    assert "3.88 to 4.23" in out["reasons"][0]["text"] and "the whole range gives 3A090.a" in out["reasons"][0]["text"]


# ---- die area bounded only from above (a range open below) ---------------------------------

RANGE_HEADER = "id,lo_mm2,hi_mm2,lo_basis,hi_basis,source_quality,source_urls\n"


def test_tpu_v4_die_area_is_bounded_only_from_above_by_googles_table():
    # ISCA 2023 TPU v4 paper, Table 4: "7 nm, <600 mm2"; no lower bound is published
    chip = catalog.get("google-tpu-v4")
    assert chip.die_area_mm2 is None and chip.die_area_mm2_range == (None, 600)
    assert chip.die_area_range.lo is None and "no lower bound is known" in chip.die_area_range.lo_basis
    assert "<600 mm2" in chip.die_area_range.hi_basis
    assert "https://arxiv.org/abs/2304.01433" in chip.die_area_range.source_urls
    assert chip.performance_density_range == (pytest.approx(4400 / 600), math.inf)
    assert chip.performance_density is None
    assert any(
        "at most 600 mm², no lower bound known" in c and "at least 7.33, no upper bound" in c for c in chip.caveats
    )


def test_chips_json_shows_an_open_end_as_null(cli):
    rows = {r["id"]: r for r in as_json(cli("chips", "--as-of", "2024-01-01", "--json"))}
    tpu = rows["google-tpu-v4"]
    assert tpu["die_area_mm2_range"] == [None, 600]  # no lower bound on the area
    assert tpu["performance_density_range"] == [pytest.approx(4400 / 600), None]  # so none above on density
    assert tpu["performance_density"] is None and tpu["die_area_mm2"] is None
    assert tpu["die_area_mm2_range_source"]["lo"].startswith("no lower bound is known")
    assert tpu["eccn"] == "3A090.a" and tpu["eccn_candidates"] == ["3A090.a"]


def test_chips_table_and_compare_show_the_open_end(cli):
    line = next(x for x in cli("chips", "--as-of", "2024-01-01").stdout.splitlines() if x.startswith("google-tpu-v4 "))
    assert "≥7.33" in line and line.rstrip().endswith("3A090.a")
    out = cli("chips", "--compare", "google-tpu-v4", "nvidia-a100-sxm", "--as-of", "2024-01-01").stdout
    assert "≤600" in out and f"≥{100 * (4400 / 600) / (4992 / 826):.0f} %" in out
    result = as_json(cli("chips", "--compare", "google-tpu-v4", "nvidia-a100-sxm", "--as-of", "2024-01-01", "--json"))
    span = result["ratio_to_reference"]["google-tpu-v4"]["performance_density_range"]
    assert span == [pytest.approx((4400 / 600) / (4992 / 826)), None]


def test_open_range_that_decides_gives_one_eccn_from_the_day_the_density_test_took_effect(cli):
    # TPP 4,400 < 4,800: under the 2022 text (to 2023-11-16) only TPP and I/O count; from 2023-11-17
    # PD >= 4400/600 = 7.33 >= 5.92 over the whole range, so 3A090.a.2 whatever the lower end
    before = as_json(cli("classify", "--chip", "google-tpu-v4", "--as-of", "2023-11-16", "--json"))
    on = as_json(cli("classify", "--chip", "google-tpu-v4", "--as-of", "2023-11-17", "--json"))
    assert before["eccn"] == "3A991.p"
    assert on["eccn"] == "3A090.a" and on["questions"] == [] and on["performance_density"] is None
    assert "performance density is at least 7.33; the whole range gives 3A090.a" in on["reasons"][0]["text"]


def test_a_given_die_area_still_wins_over_the_open_range(cli):
    out = as_json(cli("classify", "--chip", "google-tpu-v4", "--die-area", "800", "--as-of", "2024-01-01", "--json"))
    assert out["eccn"] == "3A090.b" and out["performance_density"] == pytest.approx(4400 / 800)


def _over_open_range(tpp, hi_area, datacenter=True):
    from longarm import metrics
    from longarm.rules.classification import ICFacts, classify_ic

    span = metrics.performance_density_range(tpp, (None, hi_area))
    facts = ICFacts(
        tpp=tpp,
        performance_density=None,
        datacenter=datacenter,
        io_gbs=None,
        max_tops=None,
        performance_density_range=span,
    )
    return span, classify_ic(facts, d("2024-01-01"))


@pytest.mark.parametrize(
    "tpp,hi_area,expected",
    [
        # an upper bound on the area putting the density exactly on 5.92: 3A090.a throughout
        (4000, 4000 / 5.92, {"3A090.a"}),
        (4000, 4000 / 5.9, {"3A090.a", "3A090.b"}),  # a little more area: the range reaches below 5.92
        # exactly on 3.2 (3A090.b.2, TPP 1600 or more): .b from 3.2, .a from 5.92, never below .b
        (2000, 2000 / 3.2, {"3A090.a", "3A090.b"}),
        (2000, 2000 / 3.19, {"3A090.a", "3A090.b", "3A991.p"}),
        # exactly on 1.6 (3A090.b.1, TPP 2400 or more)
        (3000, 3000 / 1.6, {"3A090.a", "3A090.b"}),
        (3000, 3000 / 1.59, {"3A090.a", "3A090.b", "3A991.p"}),
        # 4800 or more: 3A090.a.1 whatever the density
        (4800, 5000, {"3A090.a"}),
    ],
)
def test_open_range_boundaries_follow_the_thresholds(tpp, hi_area, expected):
    span, res = _over_open_range(tpp, hi_area)
    assert span[1] == math.inf  # no lower bound on the area: no upper bound on the density
    assert res.candidates == expected


def test_open_range_that_does_not_decide_is_undetermined_and_names_the_range():
    span, res = _over_open_range(2000, 600)  # PD 3.33 and up: .b to below 5.92, .a from 5.92
    assert span[0] == pytest.approx(2000 / 600)
    assert res.candidates == {"3A090.a", "3A090.b"}
    summary = res.checks[0]
    assert summary.value is None and summary.missing == ("performance_density",)
    assert "3.33 to" in summary.text and "straddles 5.92" in summary.text


@pytest.mark.parametrize(
    "row,problem",
    [
        ("x,,600,,Table 4,secondary,https://a", "need lo_basis and hi_basis"),  # an open end must say why
        ("x,500,,compute die,,secondary,https://a", "need 0 < lo_mm2 <= hi_mm2"),  # the upper end is required
        ("x,700,600,a,b,secondary,https://a", "need 0 < lo_mm2 <= hi_mm2"),
        ("x,,0,none known,b,secondary,https://a", "need 0 < lo_mm2 <= hi_mm2"),
    ],
)
def test_bad_range_rows_are_refused_naming_the_row(row, problem):
    from longarm.errors import DataError

    with pytest.raises(DataError, match=problem):
        catalog._ranges(RANGE_HEADER + row + "\n")


def test_an_open_range_row_is_read_as_open():
    ranges = catalog._ranges(RANGE_HEADER + "x,,600,no lower bound is known,Table 4,secondary,https://a\n")
    assert ranges["x"].lo is None and ranges["x"].hi == 600


def test_mlu370_x8_card_names_its_four_dies_and_stays_unknown():
    chip = catalog.get("cambricon-mlu370-x8")
    assert "two chips and four dies" in chip.notes and chip.die_area_mm2_range is None
    assert chip.performance_density is None and chip.die_area_mm2 is None


def test_open_range_for_a_non_datacenter_chip_below_4800_is_decided_by_note_2():
    _, res = _over_open_range(3000, 1000, datacenter=False)  # excluded at every density
    assert "3A090.a" not in res.candidates and "3A090.b" not in res.candidates
