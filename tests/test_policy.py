"""The policy explorer: diff between dates, what-if parameters, the timeline (from the dated data)."""

from __future__ import annotations

import json

import pytest
from conftest import as_json, d, run_cli

from longarm import destinations
from longarm.assess import assess
from longarm.model import Item, Transaction
from longarm.policy import whatif
from longarm.policy.diff import diff
from longarm.policy.timeline import timeline

KINDS = {"rule", "threshold", "country_group", "list_entry", "exception", "guidance"}


def _by_key(result: dict) -> dict[str, dict]:
    return {c["key"]: c for c in result["changes"] if c["kind"] != "threshold" and "country" not in c}


def test_diff_2023_11_17_shows_the_3a090_rewrite_and_the_headquarters_rule():
    result = diff(d("2023-11-16"), d("2023-11-17"), chips=False)
    changes = _by_key(result)
    rewrite = changes["classification.eccn_3a090_ab"]
    assert rewrite["kind"] == "rule"
    assert rewrite["before"].startswith("3A090-2022") and rewrite["after"].startswith("3A090-2023")
    assert "2023-23055" in rewrite["source"] and rewrite["date"] == "2023-11-17"
    hq = changes["licensing.hq_rule"]
    assert hq["before"] is None and hq["after"] is not None and hq["area"] == "headquarters rule"
    thresholds = {c["key"]: c for c in result["changes"] if c["kind"] == "threshold"}
    assert (thresholds["eccn_3a090_ab.io_gbs"]["before"], thresholds["eccn_3a090_ab.io_gbs"]["after"]) == (600, None)
    assert thresholds["eccn_3a090_ab.a2_pd"]["after"] == 5.92


def test_diff_the_day_before_a_rule_shows_nothing_of_it():
    keys = {c["key"] for c in diff(d("2023-11-15"), d("2023-11-16"), chips=False)["changes"]}
    assert "classification.eccn_3a090_ab" not in keys and "licensing.hq_rule" not in keys


def test_diff_cli_json_has_the_contract_shape_and_the_chips_that_changed():
    proc = run_cli("diff", "2023-11-16", "2023-11-17", "--json")
    assert proc.returncode == 0, proc.stderr
    result = as_json(proc)
    assert (result["from"], result["to"]) == ("2023-11-16", "2023-11-17")
    assert result["changes"] and all(c["kind"] in KINDS and c["source"] for c in result["changes"])
    assert all({"kind", "key", "before", "after", "source"} <= set(c) for c in result["changes"])
    chips = {c["id"]: c for c in result["chips"]}
    # the October 2022 I/O test needed a figure the catalogue lacks; the 2023 text decides it
    assert chips["nvidia-a800-sxm"]["before"].startswith("undetermined")
    assert chips["nvidia-a800-sxm"]["after"] == "3A090.a"
    assert "nvidia-h20" not in chips or chips["nvidia-h20"]["before"] == chips["nvidia-h20"]["after"]


def test_diff_2025_05_13_shows_the_enforcement_posture_and_the_gp10_guidance():
    changes = _by_key(diff(d("2025-05-12"), d("2025-05-14"), chips=False))
    posture = changes["licensing.enforcement"]
    assert posture["before"] is None and posture["after"].startswith("ai-diffusion-not-enforced")
    assert posture["area"] == "enforcement posture" and posture["date"] == "2025-05-13"
    assert changes["guidance.gp10_prc_ics"]["kind"] == "guidance"
    # China suspended its Unreliable Entity List measures the next day: dated data too
    assert changes["countermeasures.uel_2025_04_04"]["after"].endswith("suspended)")


def test_diff_2026_02_04_cambodia_leaves_country_group_d5():
    result = diff(d("2026-02-03"), d("2026-02-05"), chips=False)
    moves = [c for c in result["changes"] if c["kind"] == "country_group"]
    assert {(c["key"], c["country"], c["before"], c["after"]) for c in moves} == {
        ("D:5", "KH", "member", "not a member")
    }
    assert "2026-02262" in moves[0]["source"]
    assert not [
        c for c in diff(d("2026-02-04"), d("2026-02-05"), chips=False)["changes"] if c["kind"] == "country_group"
    ]


def test_diff_lists_entity_list_additions_on_their_effective_date():
    def added(a: str, b: str) -> set[str]:
        changes = diff(d(a), d(b), chips=False)["changes"]
        return {c["name"] for c in changes if c["key"] == "Entity List" and c["after"] == "listed"}

    assert "Beijing Biren Technology Development Co., Ltd." in added("2023-10-16", "2023-10-17")
    assert "Beijing Biren Technology Development Co., Ltd." not in added("2023-10-17", "2023-10-18")


def test_diff_of_a_date_with_itself_is_empty():
    result = diff(d("2024-06-01"), d("2024-06-01"))
    assert result["changes"] == [] and result["chips"] == []


def test_diff_rejects_a_bad_date_naming_the_argument():
    proc = run_cli("diff", "2024-06-01", "2024-13-01")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("DATE_B:")


def test_whatif_that_moves_no_threshold_changes_nothing():
    result = whatif.whatif(whatif.parse_sets(["3A090.a.tpp=4800"]), d("2024-06-01"))
    assert result["changed"] == 0
    assert all(c["before"] == c["after"] and not c["destinations"] for c in result["chips"])
    assert result["parameters"][0]["before"] == 4800 == result["parameters"][0]["after"]


def test_whatif_cli_same_threshold_lists_every_chip_unchanged():
    proc = run_cli("whatif", "--set", "3A090.a.tpp=4800", "--as-of", "2024-06-01", "--json")
    assert proc.returncode == 0, proc.stderr
    result = as_json(proc)
    assert result["set"] == {"3A090.a.tpp": 4800}
    assert len(result["chips"]) > 50 and not any(c["changed"] for c in result["chips"])


@pytest.mark.parametrize(("threshold", "h20"), [(2368, "3A090.a"), (2369, "3A991.p")])
def test_whatif_3a090_a_tpp_at_the_h20_boundary(threshold, h20):
    # "a 'total processing performance' of [threshold] or more": the H20's TPP is 2,368
    chips = {c["id"]: c for c in whatif.whatif({"3A090.a.tpp": threshold}, d("2024-06-01"))["chips"]}
    assert chips["nvidia-h20"]["before"] == "3A991.p" and chips["nvidia-h20"]["after"] == h20
    assert chips["nvidia-h100-sxm"]["after"] == "3A090.a" and not chips["nvidia-h100-sxm"]["changed"]


def test_whatif_key_of_a_version_not_in_force_changes_nothing_and_says_so():
    result = whatif.whatif({"eccn_3a090_ab.a2_pd": 1}, d("2023-01-01"))  # the 2022 text had no density test
    assert result["changed"] == 0
    assert result["warnings"] and "eccn_3a090_ab.a2_pd" in result["warnings"][0]


def test_whatif_country_group_move_changes_the_destination_status():
    result = whatif.whatif(whatif.parse_sets(["groups.D:5+=AE"]), d("2026-08-01"))
    assert result["parameters"][0]["after"] == sorted({*result["parameters"][0]["before"], "AE"})
    flips = [x for c in result["chips"] for x in c["destinations"] if x["country"] == "AE"]
    assert flips and all(x["before"] != x["after"] for x in flips)
    assert all(c["before"] == c["after"] for c in result["chips"])  # a Country Group is no ECCN test


def test_whatif_group_move_the_rules_do_not_apply_is_reported():
    # Cambodia was in D:5 until 2026-02-04; on 2025-06-01 the dated change decides its membership
    before = whatif.whatif(whatif.parse_sets(["groups.D:5-=KH"]), d("2025-06-01"))
    with whatif.applied(["groups.D:5-=KH"]):
        applied = "D:5" not in destinations.groups_of("KH", d("2025-06-01"))
    assert bool(before["warnings"]) is not applied  # warned exactly when the move is not applied
    after = whatif.whatif(whatif.parse_sets(["groups.D:5-=KH"]), d("2026-06-01"))
    assert not after["warnings"]  # already out of D:5: nothing overrides the hypothesis


def test_whatif_removes_a_country_from_a_group_before_its_dated_change():
    with whatif.applied(["groups.D:5-=KH"]):
        assert "D:5" not in destinations.groups_of("KH", d("2025-06-01"))


def test_whatif_keys_shows_each_key_with_the_value_in_force():
    proc = run_cli("whatif", "--keys", "--as-of", "2023-01-01", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = {r["key"]: r for r in as_json(proc)}
    assert (rows["3A090.a.tpp"]["value"], rows["3A090.a.tpp"]["entry"]) == (4800, "3A090-2022")
    assert rows["3A090.a.io_gbs"]["value"] == 600 and rows["eccn_3a090_ab.a2_pd"]["value"] is None
    assert "AE" not in rows["groups.D:5"]["value"]


def test_whatif_unknown_key_exits_2_listing_the_valid_keys():
    proc = run_cli("whatif", "--set", "3A090.a.tpp_typo=4000")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "unknown parameter '3A090.a.tpp_typo'" in proc.stderr
    for key in ("3A090.a.tpp", "eccn_3a090_ab.a2_pd", "groups.D:5", "de_minimis.percent"):
        assert key in proc.stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("3A090.a.tpp=abc", "is not a number"),
        ("3A090.a.tpp=-1", ">= 0"),
        ("groups.D:5+=XX", "not an ISO 3166-1"),
        ("3A090.a.tpp+=5", "takes KEY=NUMBER"),
    ],
)
def test_whatif_invalid_values_are_refused(setting, message):
    with pytest.raises(whatif.InputError) as e:
        whatif.parse_sets([setting])
    assert message in str(e.value) and e.value.problems[0].field == "--set"


def test_applied_is_seen_by_assess_and_undone_after():
    tx = Transaction(as_of=d("2024-06-01"), from_country="US", to_country="CN", item=Item(catalog_id="nvidia-h20"))
    assert assess(tx).item.eccn == "3A991.p"
    with whatif.applied(["3A090.a.tpp=2000"]):
        assert assess(tx).item.eccn == "3A090.a"
        assert assess(tx).license_required is True
    assert assess(tx).item.eccn == "3A991.p"  # nothing cached inside leaks out


def test_timeline_holds_every_rule_version_with_its_source():
    data = timeline(until=d("2026-11-29"))
    rs = [r for r in data["rules"] if r["key"] == "rs_advanced_computing"]
    assert [r["id"] for r in rs][:3] == ["rs-2022-10", "rs-2023-01", "rs-2023-11"]
    assert all(r["source"] for r in data["rules"])
    changed_on = {c["date"] for c in data["chip_changes"]}
    assert "2023-11-17" in changed_on
    assert not {c for c in changed_on if c < "2022-10-07"}


def test_timeline_cli_writes_a_png_and_json(tmp_path):
    png = tmp_path / "timeline.png"
    proc = run_cli("timeline", "--plot", str(png), "--json")
    assert proc.returncode == 0, proc.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000
    data = json.loads(proc.stdout)
    assert data["since"] == "2022-10-07" and data["rules"]


def test_timeline_plot_into_a_missing_directory_is_refused(tmp_path):
    proc = run_cli("timeline", "--plot", str(tmp_path / "missing" / "t.png"))
    assert proc.returncode == 2 and proc.stderr.startswith("--plot:")
