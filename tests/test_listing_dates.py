"""Entity List listings and footnote designations applied from their Federal Register dates."""

from __future__ import annotations

import datetime as dt

import pytest

from longarm import listing_dates as ld
from longarm.assess import assess
from longarm.inputs import transaction
from longarm.rules.parties import screen_parties
from longarm.screening import lists

D = dt.date.fromisoformat


def tx(name: str, as_of: str):
    return transaction(
        {
            "as_of": as_of,
            "activity": "export",
            "from_country": "US",
            "to_country": "CN",
            "item": {"type": "other", "eccn": "EAR99"},
            "parties": [{"role": "end_user", "name": name, "country": "CN"}],
        }
    )


def requirements(name: str, as_of: str) -> list[str]:
    return [r.citation for r in assess(tx(name, as_of)).license_requirements]


@pytest.mark.parametrize(
    "name,before,on",
    [
        ("Huawei Technologies Co., Ltd.", "2019-05-15", "2019-05-16"),  # 84 FR 22961, effective 2019-05-16
        ("Beijing Biren Technology Development Co., Ltd.", "2023-10-16", "2023-10-17"),  # 88 FR 71991, 2023-10-17
    ],
)
def test_listing_applies_from_its_effective_date(name, before, on):
    assert not any("744.11" in c for c in requirements(name, before))
    assert any("744.11" in c for c in requirements(name, on))


def test_ear99_to_huawei_early_2019_is_not_an_entity_list_case():
    d = assess(tx("Huawei Technologies Co., Ltd.", "2019-01-15"))
    assert d.outcome == "NLR"
    assert any("not yet listed on 2019-01-15" in f.text for f in d.findings)


def test_publication_and_effective_dates_are_kept_apart():
    when = ld.date_of(ld.FRCite(84, 22961))
    assert (when.effective, when.published) == (D("2019-05-16"), D("2019-05-21"))
    biren = ld.date_of(ld.FRCite(88, 71992))
    assert (biren.effective, biren.published) == (D("2023-10-17"), D("2023-10-19"))


def footnotes(name: str, as_of: str) -> list[list[int]]:
    hits, _, _ = screen_parties(tx(name, as_of))
    return [h.footnotes for h in hits if h.list == "Entity List" and h.matched_name == name]


def test_footnote_1_designated_from_the_may_2020_rule():
    # 85 FR 29849 (effective 2020-05-15) created footnote 1 and designated Huawei (85 FR 29853).
    name = "Huawei Technologies Co., Ltd. (Huawei)"
    assert footnotes(name, "2020-05-14") == [[2]]
    assert footnotes(name, "2020-05-15") == [[1, 2]]


def test_footnote_4_designated_for_an_entity_listed_earlier():
    # NUDT listed 2015 (80 FR 8524); footnote 4 from 87 FR 62202 (the October 2022 rule, effective 2022-10-07).
    name = "National University of Defense Technology (NUDT)"
    assert footnotes(name, "2022-10-06") == [[]]
    assert footnotes(name, "2022-10-07") == [[4]]


def test_footnote_5_designation():
    status = ld.footnote(5, "85 FR 83420; 89 FR 96837", D("2024-12-01"))
    assert status.state is False
    assert ld.footnote(5, "85 FR 83420; 89 FR 96837", D("2024-12-02")).state is True


def test_unknown_date_warns_and_applies():
    # A citation no table row covers (an entry a later list update could bring): a window, not a drop.
    status = ld.listing("92 FR 12345", D("2027-03-01"))
    assert status.state is None and "not known" in status.text
    assert ld.listing("92 FR 12345", D("2026-06-01")).state is False
    assert ld.listing("92 FR 12345", D("2028-01-01")).state is True
    # no citation at all: applied, with the reason
    assert ld.listing("", D("2020-01-01")).state is None


def test_an_entrys_own_citation_date_is_used():
    # Supplement No. 4 style: "91 FR 20000, 5/4/26" gives the publication date itself.
    status = ld.listing("91 FR 20000, 5/4/26", D("2026-05-04"))
    assert status.state is True
    assert ld.listing("91 FR 20000, 5/4/26", D("2026-04-20")).state is False
    assert ld.listing("91 FR 20000, 5/4/26", D("2026-05-01")).state is None


def test_list_version_date_bounds_the_window():
    status = ld.listing("92 FR 12345", D("2027-03-01"), listed_by=D("2027-02-01"))
    assert status.state is True


def test_page_order_dates_a_page_between_two_rows_of_the_same_day():
    # 89 FR 96836 lies between 89 FR 96790 and 89 FR 96837, both published 2024-12-05.
    when = ld.date_of(ld.FRCite(89, 96836))
    assert when.published == D("2024-12-05") and when.latest == D("2024-12-05")


def test_every_bundled_entity_list_citation_has_a_window():
    el = [e for e in lists.bundled().entries if e.list_name == "Entity List"]
    cites = {c for e in el for c, _ in ld.citations(e.federal_register)}
    assert len(cites) > 200
    for c in cites:
        w = ld.date_of(c)
        assert w.earliest <= w.latest
        assert w.latest.year in (c.year, c.year + 1) or w.latest <= dt.date(c.year, 12, 31)


def test_screening_warns_when_the_listing_date_is_not_known():
    # 84 FR 21236 lies between pages dated 2019-05-14 and 2019-05-21: the week between is uncertain.
    hits, _, warnings = screen_parties(tx("Basha Asmath Shaikh", "2019-05-20"))
    assert any(h.list == "Entity List" for h in hits)
    assert any("the listing is applied" in w for w in warnings)
