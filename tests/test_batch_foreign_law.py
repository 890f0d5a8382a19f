"""Order books and China's lists: names are not scored where no flag is kept, and names whose numbers
differ are never scored at all (the score halves), without changing any result."""

from __future__ import annotations

from conftest import d

from longarm import foreign_law
from longarm.assess import assess
from longarm.batch import INPUT_COLUMNS, decide_row, result_of
from longarm.model import Item, Party, Transaction
from longarm.screening.match import THRESHOLD, index_for, numbers_differ, score
from longarm.screening.normalize import normalize


def _tx(name: str) -> Transaction:
    return Transaction(
        as_of=d("2025-06-01"),
        from_country="US",
        to_country="DE",
        item=Item(catalog_id="nvidia-h100-sxm", origin_country="US"),
        parties=[Party(role="end_user", name=name, country="DE")],
    )


def test_names_unused_leaves_out_only_the_name_flags_and_only_inside():
    full = assess(_tx("Lockheed Martin Corp"))
    with foreign_law.names_unused():
        lean = assess(_tx("Lockheed Martin Corp"))
    again = assess(_tx("Lockheed Martin Corp"))
    assert [f for f in full.foreign_law_flags if "matches" in f.text]
    assert not [f for f in lean.foreign_law_flags if "matches" in f.text]
    assert again.foreign_law_flags == full.foreign_law_flags
    assert result_of(lean) == result_of(full)


def test_a_batch_row_naming_a_party_on_chinas_lists_equals_assess_of_it():
    row = dict.fromkeys(INPUT_COLUMNS, "")
    row.update(
        order_id="SO-1",
        as_of="2025-06-01",
        activity="export",
        from_country="US",
        to_country="DE",
        catalog_id="nvidia-h100-sxm",
        origin_country="US",
        end_user="Lockheed Martin Corp",
        end_user_country="DE",
    )
    assert decide_row(row) == result_of(assess(_tx("Lockheed Martin Corp")))


def test_names_whose_numbers_differ_score_at_most_half():
    weight = index_for().weight
    listed = list(foreign_law._names().values())
    for query in ("Lockheed Martin 2 Corp", "Raytheon Missiles 7", "Customer 01234 Trading Co., Ltd."):
        q = normalize(query)
        for c in listed:
            if numbers_differ(q, c):
                assert score(q, c, weight).value <= 0.5 < THRESHOLD
    assert foreign_law.screen("Lockheed Martin 2 Corp", d("2025-06-01")) == []
    assert foreign_law.screen("Lockheed Martin Corp", d("2025-06-01"))
