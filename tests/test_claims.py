"""Published performance claims checked against the catalogue (`longarm claims`, `chips --plot --claim`)."""

import datetime as dt
import re

import pytest
from pydantic import ValidationError

from longarm import catalog
from longarm.claims import Claim, check, claims, get, parse, recorded, waiting, would_change
from longarm.cli.items import _claims_table
from longarm.errors import DataError, InputError
from tests.conftest import as_json, d

KEYS = {
    "claim",
    "source",
    "chip",
    "versus",
    "claimed_ratio",
    "tpp_ratio",
    "performance_density_ratio",
    "performance_density_ratio_range",
    "measures",
    "eccn_would_change",
}
ON = "2026-11-28"


def _claim(**kw) -> Claim:
    base = dict(
        id="t",
        claim="test",
        said_by="test",
        date="2025-01-01",
        chip="nvidia-h20",
        versus="nvidia-h100-sxm",
        claimed_ratio=0.6,
        metric="workload",
        measures="test",
        sources=["https://example.org"],
        source_quality="secondary",
    )
    return Claim.model_validate({**base, **kw})


def _hypothetical(cli, *args: str) -> dict:
    proc = cli("claims", "--json", "--as-of", ON, *args)
    assert proc.returncode == 0, proc.stderr
    (row,) = as_json(proc)
    assert set(row) == KEYS
    return row


# --- the dataset -------------------------------------------------------------------------------


@pytest.mark.parametrize("c", recorded(), ids=lambda c: c.id)
def test_every_claim_has_its_words_speaker_date_and_source_url(c):
    assert c.claim.strip() and c.said_by.strip() and c.measures.strip()
    assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", c.date)
    assert dt.date.fromisoformat((c.date + "-01-01")[:10]) <= dt.date(2026, 11, 29)
    assert c.sources and all(u.startswith("https://") for u in c.sources)
    assert c.source_quality == "secondary"  # press, or a vendor's statement as the press reports it
    assert c.chip != c.versus and c.ratio > 0
    if len(c.date) < 10 or c.date_basis:  # a date the quoted page does not print says where it comes from
        assert c.date_basis or len(c.date) == 4
    assert not re.search(r"[\u4e00-\u9fff]", c.claim) or c.translation  # a Chinese quote carries its English


def test_every_recorded_claim_is_checked_or_waits_for_a_catalogue_id():
    checked_ids = {c.id for c in claims()}
    for c in recorded():
        missing = [i for i in (c.chip, c.versus) if i not in catalog.chips()]
        assert (c.id in checked_ids) == (not missing)
    assert {w["id"] for w in waiting()} == {c.id for c in recorded()} - checked_ids
    assert len(claims()) >= 14 and len(recorded()) >= 15


def test_a_claim_whose_chip_is_not_in_the_catalogue_waits_and_is_reported():
    text = """
- {id: known, claim: "x", said_by: s, date: "2025", chip: nvidia-h20, versus: nvidia-h100-sxm,
   claimed_ratio: 0.5, metric: workload, measures: m, sources: ["https://a.example"], source_quality: secondary}
- {id: later, claim: "y", said_by: s, date: "2026-04", chip: huawei-ascend-999x, versus: nvidia-h20,
   claimed_ratio: 2.87, metric: workload, measures: m, sources: ["https://b.example"], source_quality: secondary}
"""
    parsed = parse(text)
    assert [c.id for c in claims(parsed)] == ["known"]
    assert waiting(parsed) == [{"id": "later", "missing": ["huawei-ascend-999x"]}]
    assert get("known", among=parsed).id == "known"
    with pytest.raises(InputError, match="--claim: claim 'later' waits for catalogue id huawei-ascend-999x"):
        get("later", among=parsed)
    with pytest.raises(InputError, match="--claim: unknown claim id 'nope'; valid ids: known$"):
        get("nope", among=parsed)
    table = _claims_table([check(c, d(ON)) for c in claims(parsed)], ON, waiting(parsed))
    assert "not checked: later waits for catalogue id huawei-ascend-999x" in table


def test_the_bundled_waiting_claims_are_named_in_the_table_and_on_stderr(cli):
    table = cli("claims", "--as-of", ON)
    assert table.returncode == 0, table.stderr
    js = cli("claims", "--json", "--as-of", ON)
    assert js.returncode == 0, js.stderr
    for w in waiting():
        assert f"not checked: {w['id']} waits for catalogue id {w['missing'][0]}" in table.stdout
        assert w["id"] in js.stderr and w["id"] not in js.stdout


def test_the_data_file_holds_published_claims_only():
    with pytest.raises(DataError, match="published claims only"):
        parse(
            '- {id: h, claim: "x", said_by: s, date: "2025", chip: nvidia-h20, versus: nvidia-h100-sxm, '
            "claimed_ratio: 1, metric: tpp, measures: m, source_quality: hypothetical}"
        )
    with pytest.raises(DataError, match="duplicate"):
        one = (
            '{id: a, claim: "x", said_by: s, date: "2025", chip: nvidia-h20, versus: nvidia-h100-sxm, '
            'claimed_ratio: 1, metric: tpp, measures: m, sources: ["https://a.example"], source_quality: secondary}'
        )
        parse(f"- {one}\n- {one}")


def test_a_claim_gives_a_ratio_or_figures_a_real_date_and_https_sources():
    with pytest.raises(ValidationError):
        _claim(figures={"chip": 2, "versus": 1, "unit": "x"})
    with pytest.raises(ValidationError):
        _claim(claimed_ratio=None)
    with pytest.raises(ValidationError):
        _claim(date="2025-13-01")
    with pytest.raises(ValidationError):
        _claim(date="June 2024")
    with pytest.raises(ValidationError):
        _claim(sources=["http://insecure.example"])
    with pytest.raises(ValidationError):
        _claim(sources=[])  # a published claim without a source


# --- the contract's JSON ---------------------------------------------------------------------------


def test_claims_json_has_exactly_the_contract_keys(cli):
    proc = cli("claims", "--json", "--as-of", "2025-06-01")
    assert proc.returncode == 0, proc.stderr
    rows = as_json(proc)
    assert len(rows) == len(claims())
    for r, c in zip(rows, claims()):
        assert set(r) == KEYS
        assert r["claim"] == c.claim and r["chip"] == c.chip and r["versus"] == c.versus
        assert (
            r["source"].startswith(c.sources[0] + " (") and c.date in r["source"] and "secondary source" in r["source"]
        )
        chip, versus = catalog.get(r["chip"]), catalog.get(r["versus"])
        if chip.tpp is None or versus.tpp is None:
            assert r["tpp_ratio"] is None  # unknown, never guessed from the claim
        else:
            assert r["tpp_ratio"] == pytest.approx(chip.tpp / versus.tpp)  # from the catalogue, not the claim
        assert r["claimed_ratio"] == pytest.approx(c.ratio)
        pdr, pd_range = r["performance_density_ratio"], r["performance_density_ratio_range"]
        assert pdr is None or isinstance(pdr, float)
        assert pd_range is None or (pdr is None and len(pd_range) == 2 and pd_range[0] < pd_range[1])
        assert "3A090 measures TPP" in r["measures"]
        assert r["eccn_would_change"] in (True, False, None)


def test_the_figures_a_claim_quotes_give_its_ratio(cli):
    rows = {r["claim"]: r for r in as_json(cli("claims", "--json", "--as-of", ON))}
    bf16 = next(c for c in claims() if c.id == "ascend-910c-bf16-vs-h100")
    r = rows[bf16.claim]
    # 780 against the H100's 2:4-sparse 2,000: the claim says 39 %, the dense TPP ratio is 81 %
    assert r["claimed_ratio"] == pytest.approx(780 / 2000)
    assert r["tpp_ratio"] == pytest.approx(12800 / 15832)
    assert "sparse" in r["measures"]


# --- what the rule's metrics say ---------------------------------------------------------------------


def test_a_claim_on_a_chip_with_a_die_area_range_gives_ranges_never_a_midpoint():
    c = next(c for c in claims() if c.id == "ascend-910c-inference-60pct-h100")
    r = check(c, d(ON))
    chip, h100 = catalog.get("huawei-ascend-910c"), catalog.get("nvidia-h100-sxm")
    assert chip.die_area_mm2 is None and chip.die_area_mm2_range is not None  # e.g. 1331.22 to 3432 mm2
    lo, hi = chip.die_area_mm2_range
    h100_pd = h100.tpp / h100.die_area_mm2
    assert r["performance_density_ratio"] == pytest.approx([chip.tpp / hi / h100_pd, chip.tpp / lo / h100_pd])
    # if true, read along TPP: 60 % of the H100's TPP on the 910C's own die-area range
    assert r["tpp_if_true"] == pytest.approx(0.6 * h100.tpp)
    assert r["performance_density_if_true"] == pytest.approx([0.6 * h100.tpp / hi, 0.6 * h100.tpp / lo])
    assert r["eccn"] == "3A090.a" and r["eccn_if_true"] == "3A090.a" and r["eccn_would_change"] is False


def test_a_range_that_straddles_a_threshold_leaves_the_change_unknown():
    c = next(c for c in claims() if c.id == "ascend-910b-llm-training-80pct-a100")
    r = check(c, d(ON))
    lo, hi = catalog.get("huawei-ascend-910b").die_area_mm2_range  # known only as a range
    # 80 % of the A100's TPP (4,992) = 3,993.6 on 665.61-1,523.61 mm2: density 2.62-6.00, across 5.92
    assert r["tpp_if_true"] == pytest.approx(0.8 * 4992)
    assert r["performance_density_if_true"] == pytest.approx([0.8 * 4992 / hi, 0.8 * 4992 / lo])
    assert r["performance_density_if_true"][0] < 5.92 <= r["performance_density_if_true"][1]
    assert r["eccn_if_true"] == "UNDETERMINED" and set(r["eccn_if_true_candidates"]) == {"3A090.a", "3A090.b"}
    assert r["eccn"] == "3A090.a" and r["eccn_would_change"] is None


def test_a_density_claim_is_checked_on_density_not_tpp(cli):
    # The seed's form of claim: "the Ascend 920 raises performance density to 1.5 times similar
    # international products". No published origin was found, so it is checked as a hypothetical, with
    # the H20 (the part the 920 is reported to replace) as the assumed comparison.
    r = check(
        _claim(chip="huawei-ascend-920", versus="nvidia-h20", claimed_ratio=1.5, metric="performance_density"), d(ON)
    )
    h20 = catalog.get("nvidia-h20")
    assert r["along"] == "performance_density"
    assert r["performance_density_if_true"] == pytest.approx(1.5 * h20.performance_density)
    assert r["tpp_if_true"] == pytest.approx(14400)  # the 920's own TPP, not scaled
    assert r["performance_density_ratio"] is None  # the 920's die area is unknown
    assert r["eccn_if_true"] == "3A090.a" and r["eccn_would_change"] is False  # TPP 14,400 >= 4800 decides
    row = _hypothetical(
        cli, "--chip", "huawei-ascend-920", "--versus", "nvidia-h20", "--ratio", "1.5", "--along", "performance_density"
    )
    assert row["claimed_ratio"] == 1.5 and row["eccn_would_change"] is False
    assert "read along performance density" in row["measures"] and row["source"].startswith("no published source")


def test_a_density_claim_can_change_the_eccn_where_tpp_alone_does_not_decide():
    # L20: TPP 1,914 (3A991.p on density 3.14). Half the H100's density, 9.72, meets 3A090.a.2 (TPP >= 1600,
    # density >= 5.92); read along TPP, half the H100's TPP on the L20's die is 3A090.a.1.
    dens = check(_claim(chip="nvidia-l20", claimed_ratio=0.5, metric="performance_density"), d(ON))
    assert dens["tpp_if_true"] == pytest.approx(catalog.get("nvidia-l20").tpp)
    assert dens["performance_density_if_true"] == pytest.approx(0.5 * 15832 / 814)
    assert dens["eccn"] == "3A991.p" and dens["eccn_if_true"] == "3A090.a" and dens["eccn_would_change"] is True
    # a density claim against a reference known only by a range gives a range
    ranged = check(
        _claim(chip="huawei-ascend-920", versus="huawei-ascend-910c", claimed_ratio=1.5, metric="performance_density"),
        d(ON),
    )
    lo, hi = catalog.get("huawei-ascend-910c").performance_density_range
    assert ranged["performance_density_if_true"] == pytest.approx([1.5 * lo, 1.5 * hi])


def test_the_seed_96_percent_claim_checked_as_a_hypothetical(cli):
    # "the Ascend 910 series reaches 96 % of the H100": no published origin found, so not in the dataset
    assert not any("96" in c.claim and "H100" in c.claim for c in recorded())
    c910c = _hypothetical(cli, "--chip", "huawei-ascend-910c", "--versus", "nvidia-h100-sxm", "--ratio", "0.96")
    assert c910c["tpp_ratio"] == pytest.approx(12800 / 15832) and c910c["eccn_would_change"] is False
    # read as TPP, 96 % of the H100 is 15,199 >= 4800: 3A090.a.1 for every member of the series, whatever
    # its die area; the change is "no" where the catalogue already says 3A090.a, unknown where it is open
    for chip in ("huawei-ascend-910", "huawei-ascend-910b", "huawei-ascend-910b4", "huawei-ascend-910c"):
        r = check(_claim(chip=chip, claimed_ratio=0.96, metric="tpp"), d(ON))
        assert r["tpp_if_true"] == pytest.approx(0.96 * 15832) and r["eccn_if_true"] == "3A090.a"
        if r["eccn"] == "3A090.a":
            assert r["eccn_would_change"] is False
        else:
            assert r["eccn"] == "UNDETERMINED" and "3A090.a" in r["eccn_candidates"]
            assert r["eccn_would_change"] is None


def test_a_chip_without_catalogue_figures_is_placed_by_the_claim_alone():
    c = next(c for c in claims() if c.id == "ascend-910d-target-h100")
    r = check(c, d(ON))
    # the 910D has no published figures: its own TPP and density are unknown and so is its ECCN
    assert r["tpp"] is None and r["tpp_ratio"] is None and r["performance_density_ratio"] is None
    assert r["eccn"] == "UNDETERMINED"
    # "match the H100", read as TPP: 15,832 >= 4800 is 3A090.a.1 whatever the die area; the change stays unknown
    assert r["tpp_if_true"] == pytest.approx(15832) and r["performance_density_if_true"] is None
    assert r["eccn_if_true"] == "3A090.a" and r["eccn_would_change"] is None


def test_unknown_density_leaves_the_eccn_unknown_when_tpp_does_not_settle_it():
    # the 920's die area is unknown: at 20 % of the H100's TPP (3,166) its density, and so 3A090.a.2/.b, is unknown
    r = check(_claim(chip="huawei-ascend-920", claimed_ratio=0.2, metric="workload"), d(ON))
    assert r["performance_density_if_true"] is None and r["tpp_if_true"] == pytest.approx(0.2 * 15832)
    assert r["eccn_if_true"] == "UNDETERMINED" and len(r["eccn_if_true_candidates"]) > 1
    assert r["eccn_would_change"] is None


def test_claim_read_as_a_tpp_ratio_can_change_the_eccn():
    # H20 (3A991.p) at 60 % of an H100's TPP on its own 814 mm2 die: TPP 9,499 -> 3A090.a
    r = check(_claim(claimed_ratio=0.6), d("2025-06-01"))
    assert r["eccn"] == "3A991.p" and r["eccn_if_true"] == "3A090.a" and r["eccn_would_change"] is True
    assert r["tpp_if_true"] == pytest.approx(0.6 * 15832)
    # at 10 %: TPP 1,583 (below 3A090's 1600), density 1.94 -> still 3A991.p
    r = check(_claim(claimed_ratio=0.1), d("2025-06-01"))
    assert r["eccn_if_true"] == "3A991.p" and r["eccn_would_change"] is False


def test_the_answer_follows_the_rules_of_the_date(cli):
    before = {r["claim"]: r for r in as_json(cli("claims", "--json", "--as-of", "2023-11-16"))}
    c = next(c for c in claims() if c.id == "ascend-910-2x-v100")
    # Ascend 910 "twice a V100" read as TPP: 4,000. Under the 2022 text (TPP 4800 or more and I/O) neither
    # the 910 (4,096) nor the scaled chip is 3A090: both 3A991.p, no change
    assert before[c.claim]["eccn_would_change"] is False
    assert check(c, d("2023-11-16"))["eccn_if_true"] == "3A991.p"
    # from 2023-11-17 density counts: TPP 4,000 on the 910's own die area (known, or a range) is 3A090
    r = check(c, d("2023-11-17"))
    chip = catalog.get("huawei-ascend-910")
    assert r["tpp_if_true"] == pytest.approx(4000)
    if chip.die_area_mm2 is not None:
        assert r["performance_density_if_true"] == pytest.approx(4000 / chip.die_area_mm2)
    else:
        lo, hi = chip.die_area_mm2_range
        assert r["performance_density_if_true"] == pytest.approx([4000 / hi, 4000 / lo])
    assert set(r["eccn_if_true_candidates"]) <= {"3A090.a", "3A090.b"}


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


# --- the command line ------------------------------------------------------------------------------


def test_claims_table_is_readable(cli):
    proc = cli("claims", "--as-of", ON)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "huawei-ascend-910c" in out and "60 %" in out and "if true" in out and "3A090 measures TPP" in out
    for c in claims():
        assert c.sources[0] in out and c.date in out and c.claim in out
        if c.assumed:
            assert c.assumed in out


def test_a_hypothetical_claim_needs_its_three_options_and_valid_values(cli):
    proc = cli("claims", "--chip", "huawei-ascend-910c", "--ratio", "0.96")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "--versus: give --chip, --versus and --ratio together" in proc.stderr
    proc = cli("claims", "--chip", "nope", "--versus", "nvidia-h20", "--ratio", "-1", "--along", "speed")
    assert proc.returncode == 2 and proc.stdout == ""
    for option in ("--chip:", "--ratio:", "--along:"):
        assert option in proc.stderr


def test_chart_marks_a_claim(cli, tmp_path):
    plain, marked = tmp_path / "plain.png", tmp_path / "marked.png"
    assert cli("chips", "--plot", str(plain), "--as-of", ON).returncode == 0
    proc = cli(
        "chips",
        "--plot",
        str(marked),
        "--as-of",
        ON,
        "--claim",
        "ascend-910c-inference-60pct-h100",
        "--claim",
        "biren-br100-2.6x-a100",
    )
    assert proc.returncode == 0, proc.stderr
    data = marked.read_bytes()
    assert data.startswith(b"\x89PNG") and data != plain.read_bytes()
    svg, plain_svg = tmp_path / "marked.svg", tmp_path / "plain.svg"
    assert cli("chips", "--plot", str(svg), "--as-of", ON, "--claim", "ascend-920-90pct-h100-bf16").returncode == 0
    assert cli("chips", "--plot", str(plain_svg), "--as-of", ON).returncode == 0
    text = svg.read_text()
    # the SVG carries each text it draws: the claim's numbered caption, with where the claim puts the chip
    assert text.lstrip().startswith("<?xml")
    assert "[1] ascend-920-90pct-h100-bf16: huawei-ascend-920 at 0.9 × nvidia-h100-sxm, read along TPP" in text
    assert "ascend-920-90pct-h100-bf16" not in plain_svg.read_text()


def test_chart_refuses_an_unknown_claim_id_and_writes_nothing(cli, tmp_path):
    out = tmp_path / "chart.png"
    proc = cli("chips", "--plot", str(out), "--claim", "ascend-910-96pct-h100")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "--claim: unknown claim id 'ascend-910-96pct-h100'; valid ids: " in proc.stderr
    for c in claims():
        assert c.id in proc.stderr
    assert not out.exists()
    proc = cli("chips", "--claim", "ascend-910c-inference-60pct-h100")
    assert proc.returncode == 2 and "--claim: only with --plot" in proc.stderr


def test_a_die_area_bounded_only_from_above_gives_an_open_density_range(cli):
    # TPU v4: "<600 mm2" and no lower bound, so density has no upper end: shown as [lo, null], never a number
    row = _hypothetical(cli, "--chip", "google-tpu-v4", "--versus", "nvidia-a100-sxm", "--ratio", "0.5")
    a100 = catalog.get("nvidia-a100-sxm")
    lo, hi = row["performance_density_ratio_range"]
    assert hi is None and lo == pytest.approx(4400 / 600 / (a100.tpp / a100.die_area_mm2))
    assert row["performance_density_ratio"] is None
    assert row["eccn_would_change"] is None  # 2,496 TPP at up to 600 mm2 could be 3A090.a or .b
    table = cli("claims", "--chip", "google-tpu-v4", "--versus", "nvidia-a100-sxm", "--ratio", "0.5").stdout
    assert f"≥{100 * lo:.0f} %" in table
