"""ECCN 3A090 / 4A090 / 3A991.p / .z classification, boundary by boundary, version by version.

Thresholds in these tests are typed from the regulation text (15 CFR 774 Supp. 1 and the
Federal Register quotations in shared/regs), not read from longarm's parameter files.
"""

import pytest

from longarm import classify
from longarm.model import Contained, Item
from tests.conftest import d

NOW = d("2026-11-28")
V2023 = d("2024-06-01")
V2022 = d("2023-06-01")


def eccn(on, **item):
    return classify(Item(**item), on).eccn


# ---- 2023 text: 3A090.a.1 / a.2 / b.1 / b.2 ------------------------------------------------


@pytest.mark.parametrize("tpp,expected", [(4800, "3A090.a"), (4799.99, "3A991.p")])
def test_a1_tpp_4800_or_more(tpp, expected):
    # PD below 1.6 so only a.1 can make it 3A090 (area large)
    assert eccn(V2023, tpp=tpp, die_area_mm2=10_000, datacenter=True) == expected


@pytest.mark.parametrize("pd,expected", [(5.92, "3A090.a"), (5.9199, "3A090.b")])
def test_a2_performance_density_5_92(pd, expected):
    tpp = 2000
    assert eccn(V2023, tpp=tpp, die_area_mm2=tpp / pd, datacenter=True) == expected


def test_a2_exact_ratio_counts_as_5_92():
    assert eccn(V2023, tpp=4736, die_area_mm2=800, datacenter=True) == "3A090.a"


@pytest.mark.parametrize("tpp,expected", [(1600, "3A090.a"), (1599.99, "3A991.p")])
def test_a2_needs_tpp_1600(tpp, expected):
    assert eccn(V2023, tpp=tpp, die_area_mm2=tpp / 6.0, datacenter=True) == expected


@pytest.mark.parametrize(
    "tpp,pd,expected",
    [
        (2400, 1.6, "3A090.b"),  # b.1 lower corner
        (2399.99, 1.6, "3A991.p"),  # below b.1 TPP, and PD below b.2's 3.2
        (2400, 1.5999, "3A991.p"),  # below b.1 PD
        (4799.99, 1.6, "3A090.b"),  # b.1 upper TPP bound (less than 4800)
        (1600, 3.2, "3A090.b"),  # b.2 lower corner
        (1600, 3.1999, "3A991.p"),
        (1599.99, 3.2, "3A991.p"),
    ],
)
def test_b_paragraphs(tpp, pd, expected):
    assert eccn(V2023, tpp=tpp, die_area_mm2=tpp / pd, datacenter=True) == expected


def test_tpp_4800_is_always_a_whatever_the_density():
    assert eccn(V2023, tpp=4800, die_area_mm2=4800 / 1.0, datacenter=True) == "3A090.a"


# ---- datacenter note --------------------------------------------------------------------


def test_non_datacenter_items_below_4800_are_excluded():
    assert eccn(V2023, tpp=4799, die_area_mm2=500, datacenter=False) == "3A991.p"


def test_non_datacenter_items_at_4800_stay_in_3a090():
    assert eccn(V2023, tpp=4800, die_area_mm2=500, datacenter=False) == "3A090.a"


def test_unknown_datacenter_is_undetermined_and_asks():
    r = classify(Item(tpp=3000, die_area_mm2=300), V2023)
    assert r.eccn == "UNDETERMINED"
    assert set(r.candidates) == {"3A090.a", "3A991.p"}
    assert any("datacenters" in q for q in r.questions)


def test_unknown_die_area_is_undetermined_below_4800_but_not_above():
    r = classify(Item(tpp=3000, datacenter=True), V2023)
    assert r.eccn == "UNDETERMINED" and {"3A090.a", "3A090.b"} <= set(r.candidates)
    assert any("die area" in q for q in r.questions)
    assert classify(Item(tpp=5000, datacenter=True), V2023).eccn == "3A090.a"


def test_missing_tpp_is_undetermined():
    r = classify(Item(die_area_mm2=500, datacenter=True), V2023)
    assert r.eccn == "UNDETERMINED"
    assert any("total processing performance" in q for q in r.questions)


# ---- October 2022 text -------------------------------------------------------------------


@pytest.mark.parametrize(
    "tpp,io,expected",
    [(4800, 600, "3A090.a"), (4799.99, 600, "3A991.p"), (4800, 599.99, "3A991.p"), (100_000, 0.1, "3A991.p")],
)
def test_2022_text_needs_tpp_and_io(tpp, io, expected):
    assert eccn(V2022, tpp=tpp, bidirectional_transfer_rate_gbs=io) == expected


def test_2022_text_with_unknown_io_is_undetermined():
    r = classify(Item(tpp=15832), V2022)
    assert r.eccn == "UNDETERMINED" and "3A090.a" in r.candidates
    assert any("transfer rate" in q for q in r.questions)


def test_2022_text_has_no_density_test():
    assert eccn(V2022, tpp=2000, die_area_mm2=100, bidirectional_transfer_rate_gbs=900) == "3A991.p"


# ---- effective dates: the day before and the day of ---------------------------------------


def test_nothing_before_october_7_2022():
    assert eccn(d("2022-10-06"), tpp=20000, bidirectional_transfer_rate_gbs=900) == "UNCLASSIFIED"
    assert eccn(d("2022-10-07"), tpp=20000, bidirectional_transfer_rate_gbs=900) == "3A090.a"


def test_2023_text_from_november_17_2023():
    item = dict(tpp=2000, die_area_mm2=200, datacenter=True, bidirectional_transfer_rate_gbs=100)
    assert eccn(d("2023-11-16"), **item) == "3A991.p"
    assert eccn(d("2023-11-17"), **item) == "3A090.a"


def test_h800_changes_between_2023_and_2024():
    before = classify(Item(catalog_id="nvidia-h800-sxm"), d("2023-01-01"))
    after = classify(Item(catalog_id="nvidia-h800-sxm"), d("2024-01-01"))
    assert before.eccn == "UNDETERMINED" and after.eccn == "3A090.a"
    assert any("600 GB/s" in r.text for r in before.reasons)
    assert any("I/O test of October 2022 is removed" in r.text for r in after.reasons)


@pytest.mark.parametrize("density,expected", [(2.0, "UNCLASSIFIED"), (2.0001, "3A090.c")])
def test_hbm_greater_than_2(density, expected):
    assert eccn(NOW, type="hbm", memory_bandwidth_density=density) == expected


def test_hbm_from_bandwidth_and_package_area():
    assert eccn(NOW, type="hbm", memory_bandwidth_gbs=1229, package_area_mm2=110) == "3A090.c"


def test_hbm_from_december_2_2024():
    assert eccn(d("2024-12-01"), type="hbm", memory_bandwidth_density=3.3) == "UNCLASSIFIED"
    assert eccn(d("2024-12-02"), type="hbm", memory_bandwidth_density=3.3) == "3A090.c"


def test_hbm_with_unknown_density_is_undetermined():
    assert eccn(NOW, type="hbm") == "UNDETERMINED"


# ---- 4A090 / 4A994.l ---------------------------------------------------------------------


def test_computer_with_a_3a090a_ic_is_4a090a():
    assert eccn(NOW, type="computer", contains=[Contained(catalog_id="nvidia-h100-sxm", count=8)]) == "4A090.a"


def test_computer_takes_the_highest_ic():
    ics = [Contained(tpp=3000, die_area_mm2=3000 / 2.0, datacenter=True), Contained(catalog_id="nvidia-h20")]
    assert eccn(NOW, type="computer", contains=ics) == "4A090.b"


def test_computer_with_3a991p_ics_is_4a994l():
    assert eccn(NOW, type="computer", contains=[Contained(catalog_id="nvidia-h20")]) == "4A994.l"


def test_computer_without_contents_is_undetermined():
    r = classify(Item(type="computer"), NOW)
    assert r.eccn == "UNDETERMINED" and any("contain" in q for q in r.questions)


def test_computer_with_an_undetermined_ic_lists_both_possibilities():
    r = classify(Item(type="computer", contains=[Contained(tpp=3000, datacenter=True)]), NOW)
    assert r.eccn == "UNDETERMINED" and {"4A090.a", "4A090.b"} <= set(r.candidates)


# ---- declared ECCNs, .z, foundry presumption ---------------------------------------------


def test_declared_mismatch_is_a_warning_and_computed_wins():
    r = classify(Item(catalog_id="nvidia-h100-sxm", eccn="3A991.p"), NOW)
    assert r.eccn == "3A090.a"
    assert any("declared 3A991.P" in w for w in r.warnings)


def test_declared_z_paragraph_of_the_same_level_is_used():
    r = classify(Item(catalog_id="nvidia-h100-sxm", eccn="5A002.z.1.a"), NOW)
    assert r.eccn == "5A002.Z.1.A"
    assert not any("declared" in w for w in r.warnings)


def test_declared_z_paragraph_of_another_level_is_a_mismatch():
    r = classify(Item(catalog_id="nvidia-h100-sxm", eccn="5A002.z.1.b"), NOW)
    assert r.eccn == "3A090.a" and any("declared" in w for w in r.warnings)


def test_z_pointer_is_explained():
    r = classify(Item(catalog_id="nvidia-h100-sxm"), NOW)
    assert any(".z" in c.citation and "5A002.z.1.a" in c.text for c in r.reasons)


def test_foundry_presumption_only_for_fabricators_and_only_from_2025_01_16():
    item = Item(tpp=1000, die_area_mm2=500, datacenter=False)
    assert classify(item, NOW, "front_end_fabricator").eccn == "UNDETERMINED"
    assert "3A090.a" in classify(item, NOW, "osat").candidates
    assert classify(item, NOW, "other").eccn == "3A991.p"
    assert classify(item, d("2025-01-15"), "front_end_fabricator").eccn == "3A991.p"
    assert classify(item, d("2025-01-16"), "front_end_fabricator").eccn == "UNDETERMINED"


def test_3a991p_needs_8_tops_or_150_gbs():
    r = classify(
        Item(units=[{"tops": 7.99, "bit_length": 8}], datacenter=True, bidirectional_transfer_rate_gbs=149), V2023
    )
    assert r.eccn == "UNCLASSIFIED"
    r = classify(
        Item(units=[{"tops": 8, "bit_length": 8}], datacenter=True, bidirectional_transfer_rate_gbs=149), V2023
    )
    assert r.eccn == "3A991.p"
    r = classify(
        Item(units=[{"tops": 1, "bit_length": 8}], datacenter=True, bidirectional_transfer_rate_gbs=150), V2023
    )
    assert r.eccn == "3A991.p"
