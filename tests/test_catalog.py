"""Every catalogue chip against the figures in its source row (accelerators.csv / ACCELERATORS.md)."""

import csv
import re
from importlib import resources

import pytest

from longarm import catalog
from longarm.errors import UnknownChipError

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
    assert any("performance density unknown" in c for c in catalog.get("nvidia-b200").caveats)


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
