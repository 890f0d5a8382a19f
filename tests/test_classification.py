"""ECCN 3A090 / 4A090 / 3A991.p / .z classification, boundary by boundary, version by version.

Thresholds in these tests are typed from the regulation text (15 CFR 774 Supp. 1 and the
Federal Register quotations in shared/regs), not read from longarm's parameter files.
"""

import pytest

from longarm.classify import classify
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


# Note 1 to 3A090.a (FR Doc 2025-00711: effective 2025-01-16, compliance from 2025-01-31): a front-end
# fabricator or OSAT presumes an "applicable advanced logic integrated circuit" (16/14 nm node or below,
# or non-planar transistors) is 3A090.a and datacenter, unless an approved/authorized designer attests
# otherwise or the aggregated approximated transistor count is below 30 billion (without HBM: below
# 35 billion in 2027, 40 billion in 2029 or thereafter).
FOUNDRY = dict(tpp=1000, die_area_mm2=500, datacenter=False, process_node_nm=7, nonplanar_transistors=True)


def foundry(on=NOW, role="front_end_fabricator", **over):
    return classify(Item(**{**FOUNDRY, **over}), on, role)


def test_foundry_presumption_makes_the_ic_3a090a_for_the_fabricator():
    r = foundry(transistor_count=50_000_000_000)
    assert r.eccn == "3A090.a" and r.datacenter is True
    assert any("Note 1 to 3A090.a" in c.citation and "is 3A090.a" in c.text for c in r.reasons)
    assert foundry(role="osat", transistor_count=50_000_000_000).eccn == "3A090.a"


def test_foundry_presumption_binds_only_fabricators_and_osats():
    assert foundry(role="distributor", transistor_count=50_000_000_000).eccn == "3A991.p"
    # role unknown where it decides: the question names exporter.role
    r = foundry(role=None, transistor_count=50_000_000_000)
    assert r.eccn == "UNDETERMINED" and any("(exporter.role)" in q for q in r.questions)


@pytest.mark.parametrize(
    "node,nonplanar,expected", [(16, False, "3A090.a"), (16.5, True, "3A090.a"), (17, False, "3A991.p")]
)
def test_applicable_advanced_logic_ic_by_node_or_architecture(node, nonplanar, expected):
    r = foundry(process_node_nm=node, nonplanar_transistors=nonplanar, transistor_count=50_000_000_000)
    assert r.eccn == expected


@pytest.mark.parametrize("count,expected", [(29_999_999_999, "3A991.p"), (30_000_000_000, "3A090.a")])
def test_transistor_count_below_30_billion_overcomes(count, expected):
    assert foundry(transistor_count=count, includes_hbm=True).eccn == expected


@pytest.mark.parametrize(
    "on,hbm,count,expected",
    [
        ("2027-06-01", False, 34_999_999_999, "3A991.p"),
        ("2027-06-01", False, 35_000_000_000, "3A090.a"),
        ("2027-06-01", True, 34_999_999_999, "3A090.a"),
        ("2028-06-01", False, 34_999_999_999, "3A090.a"),  # the text names no higher figure for 2028
        ("2029-01-01", False, 39_999_999_999, "3A991.p"),
        ("2029-01-01", False, 40_000_000_000, "3A090.a"),
    ],
)
def test_higher_counts_without_hbm_by_year(on, hbm, count, expected):
    assert foundry(d(on), transistor_count=count, includes_hbm=hbm).eccn == expected


def test_approved_designer_attestation_overcomes():
    assert foundry(designer={"name": "Designer Inc", "approved_or_authorized": True}).eccn == "3A991.p"
    r = foundry(designer={"name": "Designer Inc", "approved_or_authorized": False}, transistor_count=31_000_000_000)
    assert r.eccn == "3A090.a"


def test_unknown_foundry_facts_are_questions():
    r = foundry(process_node_nm=None, nonplanar_transistors=None)
    assert r.eccn == "UNDETERMINED" and "3A090.a" in r.candidates
    fields = " ".join(r.questions)
    for f in (
        "item.process_node_nm",
        "item.nonplanar_transistors",
        "item.transistor_count",
        "item.designer.approved_or_authorized",
    ):
        assert f"({f})" in fields


def test_an_overcoming_fact_not_given_leaves_the_presumption_standing():
    # Note 1 d.: absent the designer's attestation, or where the count cannot be confirmed, the IC is 3A090.a
    assert foundry().eccn == "3A090.a"
    assert foundry(d("2027-06-01"), transistor_count=33_000_000_000).eccn == "3A090.a"  # HBM not attested absent


def test_foundry_presumption_dates():
    # before 2025-01-16 the Note does not exist; from 2025-01-16 it is in force, but compliance is
    # required only from 2025-01-31 (FR Doc 2025-00711, DATES)
    big = dict(transistor_count=50_000_000_000)
    assert foundry(d("2025-01-15"), **big).eccn == "3A991.p"
    r = foundry(d("2025-01-16"), **big)
    assert r.eccn == "3A991.p" and any("compliance is required only from 2025-01-31" in w for w in r.warnings)
    assert foundry(d("2025-01-30"), **big).eccn == "3A991.p"
    assert foundry(d("2025-01-31"), **big).eccn == "3A090.a"


# Who is an "authorized" IC designer (Note 1 a.(2)-(3) to 3A090.a). eCFR 2026-07-23: "(2) Prior to
# December 31, 2026, authorized integrated circuit designers include all integrated circuit designers:
# (i) Headquartered in Taiwan or ... A:1 or A:5 ...; and (ii) That have agreed to submit applicable
# information described in § 743.9(b) ..." and "(3) After December 31, 2026, ... [also] has submitted an
# application to become an approved integrated circuit designer". FR Doc 2026-06851 (effective
# 2026-04-07, secondary) moved the date there from April 13, 2026 (secondary).
APPROVED = {"name": "Designer Inc", "approved_or_authorized": True}


def _designer_reason(r):
    (text,) = [c.text for c in r.reasons if "Note 1 to 3A090.a" in c.citation]
    return text


@pytest.mark.parametrize(
    "on,expected",
    [
        ("2026-04-06", "'authorized' before 2026-04-13"),  # the January 2025 date
        ("2026-04-07", "'authorized' before 2026-12-31"),  # FR Doc 2026-06851 in force
        ("2026-04-13", "'authorized' before 2026-12-31"),  # the old date no longer ends anything
        ("2026-12-30", "'authorized' before 2026-12-31"),
        ("2027-01-01", "'authorized' after 2026-12-31: only such a designer that has also applied"),
    ],
)
def test_authorized_designer_definition_by_date(on, expected):
    r = foundry(d(on), designer=APPROVED, transistor_count=50_000_000_000)
    assert r.eccn == "3A991.p"  # the designer's attestation overcomes the presumption
    text = _designer_reason(r)
    assert expected in text
    assert ("FR Doc 2026-06851" in text) == (on != "2026-04-06")
    assert not any("not on 2026-12-31" in w for w in r.warnings)


def test_authorized_designer_on_december_31_2026_is_not_stated():
    r = foundry(d("2026-12-31"), designer=APPROVED, transistor_count=50_000_000_000)
    assert r.eccn == "3A991.p"  # the given standing is used, with a warning naming the field
    assert "'authorized' on 2026-12-31: not stated" in _designer_reason(r)
    (w,) = [w for w in r.warnings if "not on 2026-12-31" in w]
    assert "item.designer.approved_or_authorized" in w and "Supp. No. 6 to part 740" in w
    # where the designer does not decide (not authorized; or the count already overcomes), no warning
    assert not any("not on 2026-12-31" in w for w in foundry(d("2026-12-31"), transistor_count=50_000_000_000).warnings)
    r = foundry(d("2026-12-31"), designer={"name": "D", "approved_or_authorized": False}, transistor_count=5 * 10**10)
    assert r.eccn == "3A090.a" and not any("not on 2026-12-31" in w for w in r.warnings)


def test_designer_standing_before_the_note_existed_is_not_described():
    r = foundry(d("2025-01-15"), designer=APPROVED, transistor_count=50_000_000_000)
    assert not any("Note 1 to 3A090.a" in c.citation for c in r.reasons)


# October 7, 2022 IFR (FR Doc 2022-21658, DATES): "Effective on October 7, 2022, are the following
# instructions: 7 (Sec. 740.2), 9 (Sec. 740.10), 11 (Sec. 742.6), 17 (Sec. 744.23), and 25 (supplement
# no. 1 to part 774)." The CCL entries and their license requirement take effect on October 7, not on
# the rule's later October 12/21 dates (which belong to other instructions).
@pytest.mark.parametrize("on", ["2022-10-07", "2022-10-12", "2022-10-20", "2022-10-21"])
def test_october_2022_classification_in_force_from_october_7(on):
    assert eccn(d(on), tpp=20000, bidirectional_transfer_rate_gbs=900) == "3A090.a"
    assert eccn(d(on), type="computer", contains=[Contained(tpp=20000)]) != "UNCLASSIFIED"


@pytest.mark.parametrize("on,required", [("2022-10-06", None), ("2022-10-07", True), ("2022-10-12", True)])
def test_october_2022_license_requirement_from_october_7(on, required):
    from longarm.assess import assess
    from longarm.model import Transaction

    tx = Transaction(
        as_of=on,
        activity="export",
        from_country="US",
        to_country="CN",
        item={"type": "ic", "tpp": 20000, "bidirectional_transfer_rate_gbs": 900},
        parties=[{"role": "end_user", "name": "Example Cloud Computing Co., Ltd.", "country": "CN"}],
    )
    r = assess(tx)
    assert r.license_required is required
    assert r.outcome == ("LICENSE_REQUIRED" if required else "UNDETERMINED")


def test_october_2022_classification_not_before_october_7():
    assert eccn(d("2022-10-06"), type="computer", contains=[Contained(tpp=20000)]) == "UNCLASSIFIED"


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


# ---- a declared ECCN must exist on the Commerce Control List -------------------------------


@pytest.mark.parametrize("text", ["ZZZ", "3A0O1", "3A998", "EAR99.a", "3A090 a"])
def test_declared_eccn_not_on_the_ccl_is_an_input_error(text):
    from longarm.classify import validate_eccn
    from longarm.errors import InputError

    with pytest.raises(InputError) as e:
        validate_eccn(text, "item.eccn")
    assert e.value.problems[0].field == "item.eccn"
    with pytest.raises(InputError):
        classify(Item(type="other", eccn=text), NOW)


def test_nearest_real_eccns_are_named():
    from longarm.classify import validate_eccn
    from longarm.errors import InputError

    with pytest.raises(InputError) as e:
        validate_eccn("3A0O1", "--eccn")
    assert "3A001" in str(e.value) and e.value.problems[0].field == "--eccn"


@pytest.mark.parametrize("text", ["EAR99", "ear99", "3A090", "3A090.a", "5A992.c", "5A002.z.1.a", " 3a001 "])
def test_real_eccns_and_their_paragraphs_are_valid(text):
    from longarm.classify import validate_eccn

    assert validate_eccn(text, "item.eccn") == text.strip().upper()


def test_classify_cli_rejects_an_unknown_eccn_with_exit_2():
    from tests.conftest import run_cli

    out = run_cli("classify", "--tpp", "100", "--eccn", "3A0O1")
    assert out.returncode == 2
    assert "--eccn" in out.stderr and "3A001" in out.stderr


def test_assess_rejects_an_unknown_declared_eccn_to_russia(tmp_path):
    from tests.conftest import run_cli

    path = tmp_path / "tx.yaml"
    path.write_text(
        "as_of: 2024-06-01\nactivity: export\nfrom_country: US\nto_country: RU\nitem: {type: other, eccn: ZZZ}\n",
        "utf-8",
    )
    out = run_cli("assess", str(path))
    assert out.returncode == 2 and "item.eccn" in out.stderr


def test_classify_cli_takes_the_foundry_facts():
    from tests.conftest import run_cli

    args = ["classify", "--tpp", "1000", "--die-area", "500", "--no-datacenter", "--process-node", "7", "--nonplanar"]
    out = run_cli(*args, "--transistor-count", "50000000000", "--exporter-role", "osat", "--as-of", "2025-02-03")
    assert out.returncode == 0 and out.stdout.startswith("item: 3A090.a")
    out = run_cli(*args, "--transistor-count", "29000000000", "--exporter-role", "osat", "--as-of", "2025-02-03")
    assert out.returncode == 0 and out.stdout.startswith("item: 3A991.p")


def test_catalogue_node_feeds_the_foundry_presumption_for_a_fabricator_only():
    # H20: TSMC 4N (5 nm class). Without a transistor-count or designer attestation the foundry presumes 3A090.a.
    on = d("2025-06-01")
    r = classify(Item(catalog_id="nvidia-h20"), on, "front_end_fabricator")
    assert r.eccn == "3A090.a" and any("catalogue's process node" in w for w in r.warnings)
    assert classify(Item(catalog_id="nvidia-h20"), on, "distributor").eccn == "3A991.p"
    assert classify(Item(catalog_id="nvidia-h20"), on).eccn == "3A991.p"


def test_a_declared_eccn_the_facts_cannot_check_is_used_only_when_nothing_allowed_is_more_controlled():
    """No figures: 3A090.a (the most controlled classification the facts allow) is used as declared,
    with a warning; a claim of less control (EAR99, 3A090.b) is not taken."""
    on = d("2024-06-01")
    top = classify(Item(eccn="3A090.a"), on)
    assert top.eccn == "3A090.a" and any("taken as declared" in w for w in top.warnings)
    for lower in ("EAR99", "3A090.b", "3A991.p"):
        assert classify(Item(eccn=lower), on).eccn == "UNDETERMINED", lower


# ---- a computer's own datacenter fact (740.8(a), 742.6(b)(10)) -----------------------------------

from longarm.rules.classification import computer_datacenter  # noqa: E402


def test_a_computers_datacenter_fact_is_read_as_given_even_against_its_ics():
    assert computer_datacenter(False, [("nvidia-h100-sxm", True)])[0] is False
    assert computer_datacenter(True, [("nvidia-rtx-4090", False)])[0] is True


@pytest.mark.parametrize(
    "ics,expected",
    [
        ([("nvidia-h100-sxm", True), ("other", None)], True),  # any IC designed for datacenters
        ([("nvidia-rtx-4090", False), ("nvidia-rtx-4090d", False)], False),  # none is
        ([("nvidia-rtx-4090", False), ("item.contains[1]", None)], None),  # one unknown: unknown
        ([], None),
    ],
)
def test_a_computers_datacenter_fact_not_given_is_derived_from_its_ics_and_says_so(ics, expected):
    value, how = computer_datacenter(None, ics)
    assert value is expected
    assert how.startswith("item.datacenter not given")
    if ics:
        assert "derived from the ICs it contains" in how and ics[0][0] in how


# ---- a computer's datacenter fact: classify and assess give the same item -----------------------

DERIVED = "item.datacenter not given: derived from the ICs it contains ("
COMPUTERS = {
    # given, against its ICs' label: read as given, nothing derived
    "given": (["--datacenter", "--contains", "nvidia-rtx-4090:4"], {"datacenter": True}, True, None),
    # absent, and an IC inside is labelled for datacenters
    "derivable": (["--contains", "nvidia-h100-sxm:8"], {}, True, "nvidia-h100-sxm: yes"),
    # absent, one IC not labelled either way (the catalogue gives no datacenter fact for the B30A)
    "unknown": (
        ["--contains", "nvidia-rtx-4090d:2", "--contains", "nvidia-b30a"],
        {},
        None,
        "nvidia-rtx-4090d: no, nvidia-b30a: unknown",
    ),
}


def _computer_item(args: list[str], given: dict) -> dict:
    contains = [a.partition(":") for a in args if a.startswith("nvidia-")]
    return {
        "type": "computer",
        **given,
        "contains": [{"catalog_id": c, "count": int(n) if n else 1} for c, _, n in contains],
    }


def _check_datacenter(item: dict, expected, derived_from: str | None) -> None:
    assert item["datacenter"] is expected
    derived = [r["text"] for r in item["reasons"] if r["text"].startswith(DERIVED)]
    if derived_from is None:
        assert derived == []
    else:
        assert len(derived) == 1 and derived[0].startswith(DERIVED + derived_from + ")")
        assert derived[0].endswith("give item.datacenter to settle it)")


@pytest.mark.parametrize("case", COMPUTERS)
def test_classify_and_assess_agree_on_a_computers_datacenter_fact(case):
    from longarm.assess import assess
    from longarm.inputs import transaction

    args, given, expected, derived_from = COMPUTERS[case]
    item = _computer_item(args, given)
    on = d("2025-06-01")
    classified = classify(Item.model_validate(item), on).model_dump(mode="json")
    tx = {"as_of": "2025-06-01", "from_country": "US", "to_country": "VN", "item": item}
    assessed = assess(transaction(tx)).item.model_dump(mode="json")
    assert classified == assessed
    _check_datacenter(classified, expected, derived_from)


@pytest.mark.parametrize("case", COMPUTERS)
def test_classify_and_assess_cli_agree_on_a_computers_datacenter_fact(cli, case):
    import json

    args, given, expected, derived_from = COMPUTERS[case]
    out = cli("classify", "--type", "computer", *args, "--as-of", "2025-06-01", "--json")
    assert out.returncode == 0, out.stderr
    classified = json.loads(out.stdout)
    assert classified.pop("as_of") == "2025-06-01"
    tx = {"as_of": "2025-06-01", "from_country": "US", "to_country": "VN", "item": _computer_item(args, given)}
    out = cli("assess", "-", "--json", stdin=json.dumps(tx))
    assert out.returncode == 0, out.stderr
    assessed = json.loads(out.stdout)["item"]
    assert classified == assessed
    _check_datacenter(classified, expected, derived_from)
    text = cli("classify", "--type", "computer", *args, "--as-of", "2025-06-01").stdout
    assert (DERIVED + derived_from in text) if derived_from else (DERIVED not in text)


def test_an_ics_unknown_datacenter_fact_inside_a_computer_is_asked_by_the_ics_field():
    """Note 2 to 3A090 turns on the IC's own design or marketing: the IC's field is asked, not the computer's,
    whether or not the computer's own fact is given."""
    on = d("2025-06-01")
    ic = Contained(tpp=3000, die_area_mm2=800)
    for given in (None, True):
        r = classify(Item(type="computer", datacenter=given, contains=[ic]), on)
        assert r.eccn == "UNDETERMINED"
        assert any(q.endswith("(item.contains[0].datacenter)") for q in r.questions)
        assert not any(q.endswith("(item.datacenter)") for q in r.questions)
    # at TPP 4800 or more Note 2 cannot exclude the IC: its datacenter fact is not asked
    r = classify(Item(type="computer", contains=[Contained(tpp=4800, die_area_mm2=800)]), on)
    assert r.eccn == "4A090.a" and not any("datacenter" in q for q in r.questions)


def test_a_computer_without_its_ics_keeps_its_given_datacenter_fact():
    r = classify(Item(type="computer", datacenter=False), d("2025-06-01"))
    assert r.eccn == "UNDETERMINED" and r.datacenter is False
    assert not any(x.text.startswith(DERIVED) for x in r.reasons)
