"""Published performance claims checked against the catalogue (`longarm claims`)."""

import datetime as dt

import pytest
from pydantic import ValidationError

from longarm import catalog
from longarm.claims import Claim, check, claims, would_change
from tests.conftest import as_json, d

KEYS = {
    "claim",
    "source",
    "chip",
    "versus",
    "claimed_ratio",
    "tpp_ratio",
    "performance_density_ratio",
    "measures",
    "eccn_would_change",
}


def _claim(**kw) -> Claim:
    base = dict(
        id="t",
        claim="test",
        said_by="test",
        date="2025-01-01",
        chip="nvidia-h20",
        versus="nvidia-h100-sxm",
        claimed_ratio=0.6,
        measures="test",
        sources=["https://example.org"],
        source_quality="secondary",
    )
    return Claim.model_validate({**base, **kw})


@pytest.mark.parametrize("c", claims(), ids=lambda c: c.id)
def test_every_claim_is_dated_sourced_and_names_catalogue_chips(c):
    assert c.chip in catalog.chips() and c.versus in catalog.chips() and c.chip != c.versus
    assert all(u.startswith("https://") for u in c.sources)
    assert c.date is None or dt.date.fromisoformat((c.date + "-01-01")[:10]) <= dt.date(2026, 11, 29)
    assert c.measures and c.ratio > 0


def test_claims_json_is_the_contract_list(cli):
    proc = cli("claims", "--json", "--as-of", "2025-06-01")
    assert proc.returncode == 0, proc.stderr
    rows = as_json(proc)
    assert len(rows) == len(claims()) >= 5
    for r in rows:
        assert KEYS <= set(r)
        chip, versus = catalog.get(r["chip"]), catalog.get(r["versus"])
        assert r["tpp_ratio"] == pytest.approx(chip.tpp / versus.tpp)  # from the catalogue, not the claim
        assert r["eccn_would_change"] in (True, False, None)
    by_id = {r["id"]: r for r in rows}
    c910 = by_id["ascend-910c-inference-60pct-h100"]
    assert c910["claimed_ratio"] == 0.6 and c910["tpp_ratio"] == pytest.approx(12800 / 15832)
    assert c910["performance_density_ratio"] is None  # the 910C's die area is only a range
    lo, hi = c910["performance_density_ratio_range"]
    assert lo == pytest.approx(12800 / 3047.22 / (15832 / 814)) and hi == pytest.approx(12800 / 1331.22 / (15832 / 814))
    assert c910["eccn"] == "3A090.a" and c910["eccn_if_scaled"] == "3A090.a" and c910["eccn_would_change"] is False
    gemm = by_id["b200-gemm-vs-h200"]
    assert gemm["claimed_ratio"] == pytest.approx(1420.40 / 652.40)  # computed from the quoted figures


def test_claim_read_as_a_tpp_ratio_can_change_the_eccn():
    # H20 (3A991.p) at 60 % of an H100's TPP on the H100's die: TPP 9,499 -> 3A090.a
    r = check(_claim(claimed_ratio=0.6), d("2025-06-01"))
    assert r["eccn"] == "3A991.p" and r["eccn_if_scaled"] == "3A090.a" and r["eccn_would_change"] is True
    assert r["scaled_tpp"] == pytest.approx(0.6 * 15832)
    # at 10 %: TPP 1,583 (below 3A090's 1600), density 1.94 -> still 3A991.p
    r = check(_claim(claimed_ratio=0.1), d("2025-06-01"))
    assert r["eccn_if_scaled"] == "3A991.p" and r["eccn_would_change"] is False


def test_would_change_is_unknown_when_the_catalogue_answer_is_open(cli):
    before = {r["id"]: r for r in as_json(cli("claims", "--json", "--as-of", "2023-11-16"))}
    on = {r["id"]: r for r in as_json(cli("claims", "--json", "--as-of", "2023-11-17"))}
    # Ascend 910 "twice a V100": TPP 4000 on the V100's 815 mm2 (density 4.91) is 3A090.b from 2023-11-17;
    # the 910 itself is 3A090.a or .b (its die area is only a range), so the change is unknown
    assert before["ascend-910-2x-v100"]["eccn_would_change"] is False
    assert on["ascend-910-2x-v100"]["eccn_if_scaled"] == "3A090.b"
    assert on["ascend-910-2x-v100"]["eccn"] == "UNDETERMINED"
    assert on["ascend-910-2x-v100"]["eccn_would_change"] is None


@pytest.mark.parametrize(
    "actual,scaled,expected",
    [
        (["3A090.a"], ["3A090.a"], False),
        (["3A991.p"], ["3A090.a"], True),
        (["3A090.a", "3A090.b"], ["3A090.b"], None),
        (["3A090.a", "3A090.b"], ["3A991.p"], True),
    ],
)
def test_would_change(actual, scaled, expected):
    assert would_change(actual, scaled) is expected


def test_a_claim_gives_a_ratio_or_figures_not_both():
    with pytest.raises(ValidationError):
        _claim(figures={"chip": 2, "versus": 1, "unit": "x"})
    with pytest.raises(ValidationError):
        _claim(claimed_ratio=None)
    with pytest.raises(ValidationError):
        _claim(date="2025-13-01")


def test_claims_table_is_readable(cli):
    proc = cli("claims", "--as-of", "2025-06-01")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "huawei-ascend-910c" in out and "60 %" in out and "if scaled" in out
    for c in claims():
        assert c.sources[0] in out
