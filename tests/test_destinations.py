"""Country Groups in the dated parameters against the bundled eCFR snapshot; scopes; chart rows."""

import datetime as dt
import json
from importlib import resources

import pycountry
import pytest

from longarm import destinations, params

NAMES = {
    "China (PRC)": "CN",
    "Korea, North": "KP",
    "Korea, South": "KR",
    "Burma": "MM",
    "Macau": "MO",
    "Congo (Democratic Republic of)": "CD",
    "South Sudan, Republic of": "SS",
    "Türkiye": "TR",
    "Russia": "RU",
    "Iran": "IR",
    "Syria": "SY",
    "Laos": "LA",
    "Moldova": "MD",
    "Vietnam": "VN",
    "Venezuela": "VE",
    "Taiwan": "TW",
    "Czech Republic": "CZ",
    "United Kingdom": "GB",
    "United States": "US",
    "Bolivia": "BO",
    "Tanzania": "TZ",
}


def iso(name: str) -> str:
    return NAMES.get(name) or pycountry.countries.lookup(name).alpha_2


@pytest.mark.parametrize("group", ["A:1", "A:5", "A:6", "D:1", "D:2", "D:3", "D:4", "D:5", "E:1", "E:2"])
def test_groups_match_the_ecfr_snapshot(group):
    raw = json.loads(resources.files("longarm.data").joinpath("ecfr/country-groups.json").read_text("utf-8"))
    snapshot = {iso(n) for n in raw["groups"][group]}
    encoded = set(params.in_force("country_groups", "groups", dt.date(2026, 7, 23))["members"][group])
    assert encoded == snapshot


def test_macau_is_not_d5_but_named_with_it():
    on = dt.date(2025, 1, 1)
    assert "D:5" not in destinations.groups_of("MO", on)
    assert destinations.in_scope("MO", {"countries": ["MO"], "groups": ["D:5"]}, on)


def test_express_destination_wins_over_group_exclusion():
    scope = {"countries": ["AE"], "groups": ["D:1", "D:4", "D:5"], "exclude_groups": ["A:5", "A:6"]}
    on = dt.date(2026, 1, 1)
    assert destinations.in_scope("AE", scope, on)
    assert not destinations.in_scope("IL", scope, on)  # D:4 but A:6
    assert destinations.in_scope("SA", scope, on)


def test_hong_kong_is_china_from_december_2020():
    assert destinations.treated_as("HK", dt.date(2020, 12, 23)) == "CN"
    assert destinations.treated_as("HK", dt.date(2020, 12, 22)) == "HK"


@pytest.mark.parametrize(
    "code,row",
    [
        ("CN", "China"),
        ("KR", "Korea, South"),
        ("CD", "Congo (Democratic Republic of the)"),
        ("IR", "Iran"),
        ("HK", "China"),
        ("MM", "Burma"),
        ("VA", "Vatican City"),
    ],
)
def test_country_chart_rows(code, row):
    assert destinations.chart_row(code) == row


# ---- membership by date (15 CFR 740 Supp. 1 as dated changes) ------------------------------------

D = dt.date.fromisoformat
RS_SCOPE = {"groups": ["D:1", "D:4", "D:5"], "exclude_groups": ["A:5", "A:6"]}


@pytest.mark.parametrize(
    "country,group,day_before,day_of,before,after",
    [
        ("KH", "D:5", "2026-02-03", "2026-02-04", True, False),  # FR Doc 2026-02262
        ("NI", "D:5", "2024-03-14", "2024-03-15", False, True),  # FR Doc 2024-05696
        ("NI", "D:1", "2024-03-14", "2024-03-15", False, True),
        ("CY", "D:5", "2024-05-29", "2024-05-30", True, False),  # FR Doc 2024-10280
    ],
)
def test_a_dated_change_takes_effect_on_its_date(country, group, day_before, day_of, before, after):
    assert destinations.membership(country, D(day_before))[group] is before
    assert destinations.membership(country, D(day_of))[group] is after


def test_every_dated_change_names_a_known_source():
    for change in params.load("country_groups")["changes"]:
        assert params.source(change["source"])["source_quality"] in ("primary", "secondary")
        assert change["change"] in ("added", "removed")
        if change["date"] is None:
            assert change["text"], "an undated change says what the sources say about it"


def test_the_snapshot_is_the_membership_on_and_after_its_date():
    on = D("2026-07-23")
    members = params.in_force("country_groups", "groups", on)["members"]
    for country in ("AE", "KH", "NI", "CY", "CN"):
        assert destinations.groups_of(country, on) == {g for g, m in members.items() if country in m}
        assert destinations.unknown_groups(country, on) == set()


def test_uae_membership_follows_fr_doc_2026_14132():
    # before 2026-07-10 (the earliest date the sources give) the UAE was in D:3/D:4, not A:5
    for day in ("2023-11-17", "2024-06-01", "2026-07-09"):
        on = D(day)
        assert destinations.unknown_groups("AE", on) == set()
        assert {"D:3", "D:4"} <= destinations.groups_of("AE", on)
        assert "A:5" not in destinations.groups_of("AE", on)
        assert destinations.in_scope("AE", RS_SCOPE, on) is True
    # from 2026-07-10 until the snapshot shows it, the day it took effect is not known
    for day in ("2026-07-10", "2026-07-22"):
        on = D(day)
        assert destinations.unknown_groups("AE", on) == {"A:5", "D:3", "D:4"}
        assert destinations.in_scope("AE", RS_SCOPE, on) is None
        assert "2026-14132" in destinations.membership_question("AE", on)
    assert destinations.in_scope("AE", RS_SCOPE, D("2026-07-23")) is False
    # a destination named expressly is in scope whatever its groups
    assert destinations.in_scope("AE", {**RS_SCOPE, "countries": ["AE"]}, D("2026-07-15")) is True


def test_unknown_membership_does_not_spread_to_other_countries():
    assert destinations.in_scope("CN", RS_SCOPE, D("2024-06-01")) is True
    assert destinations.in_scope("DE", RS_SCOPE, D("2024-06-01")) is False
    assert destinations.membership_caveat("DE", D("2024-06-01")) is None


def test_changes_between_two_dates():
    got = {(c["country"], c["group"]) for c in destinations.changes_between(D("2024-01-01"), D("2026-12-31"))}
    assert got == {("NI", "D:1"), ("NI", "D:5"), ("CY", "D:5"), ("KH", "D:5")}
