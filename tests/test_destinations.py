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
