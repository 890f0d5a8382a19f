"""The screening API batch code builds on: screen once per distinct name, apply the country afterwards."""

from __future__ import annotations

import pytest

from longarm.errors import InputError
from longarm.screening import service
from longarm.screening.match import THRESHOLD, adjust_for_country, index_for, match, screen

NAMES = [
    "Huawei Technologies Co., Ltd.",
    "Huawei",
    "Inspur Group",
    "National University of Defense Technology",
    "Hangzhou Hikvision Digital Technology",
    "Rosoboronexport",
    "Acme Widgets of Nowhere",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("country", [None, "CN", "RU", "US", "IR"])
@pytest.mark.parametrize("type", [None, "organization", "person"])
def test_country_applied_afterwards_equals_screening_with_the_country(name, country, type):
    idx = index_for()
    assert adjust_for_country(idx.candidates_for(name, type), country) == idx.screen(name, country, type)


def test_candidates_may_sit_below_the_threshold_until_the_country_lifts_them():
    idx = index_for()
    for name in NAMES:
        found = idx.candidates_for(name)
        assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
        assert all(m.score >= THRESHOLD - 0.05 for m in found)
        assert all(m.score >= THRESHOLD for m in idx.screen(name, "CN"))


def test_country_outside_the_entry_lowers_the_score_and_says_so():
    cn = screen("Huawei Technologies Co., Ltd.", "CN")[0]
    us = screen("Huawei Technologies Co., Ltd.", "US")[0]
    assert us.score < cn.score
    assert "country US is not among the entry's" in us.explanation


def test_service_shapes_and_type_checking():
    out = service.screen_name("Huawei Technologies", "CN", "organization")
    assert out["query"] == "Huawei Technologies" and out["matches"]
    assert set(out["matches"][0]) >= {"matched_name", "list", "score", "explanation", "countries"}
    m = service.match_names("Huawei Technologies", "HUAWEI TECH CO LTD", "any")
    assert m["match"] is True and set(m) == {"name1", "name2", "score", "match", "explanation"}
    with pytest.raises(InputError) as e:
        service.screen_name("Huawei", None, "company")
    assert e.value.problems[0].field == "--type"


def test_match_takes_a_type():
    assert match("Huawei Technologies", "Huawei Technologies Co., Ltd.", type="organization").match
