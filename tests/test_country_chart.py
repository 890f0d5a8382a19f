"""The paragraph lists and ranges of the CCL's reasons for control, read from the bundled eCFR's own
License Requirements entries, and the chart wordings that stand in place of a column."""

from __future__ import annotations

import pytest

from longarm import destinations
from longarm.rules import paragraphs


def control(eccn: str, startswith: str, where: str | None = None) -> str:
    """The control text of the bundled entry that starts with `startswith` (and whose chart text has `where`)."""
    hits = [
        c["control"]
        for c in destinations.ccl()[eccn]["countryChart"]
        if c["control"].startswith(startswith) and (where is None or where in c["countryChart"])
    ]
    assert len(hits) == 1, hits
    return hits[0]


NS2_3B001 = ("3B001", "NS applies to 3B001.a.1 to a.3", "NS Column 2")
D5_3B001 = ("3B001", "NS applies to 3B001.a.4", "742.4(a)(4)")
WW_3B001 = ("3B001", "NS applies to 3B001.c.1.a", "Worldwide control")


def test_the_bundled_entries_read_as_the_text_lists_them():
    assert control(*NS2_3B001) == "NS applies to 3B001.a.1 to a.3, b, e, f.2 to f.4, g to j"
    assert [str(n) for n in paragraphs.read(control(*NS2_3B001)).named] == [
        "3B001.a.1 to a.3",
        "3B001.b",
        "3B001.e",
        "3B001.f.2 to f.4",
        "3B001.g to j",
    ]
    assert [str(n) for n in paragraphs.read(control(*WW_3B001)).named] == ["3B001.c.1.a", "3B001.c.1.c", "3B001.q"]
    d5 = paragraphs.read(control(*D5_3B001))
    assert "3B001.k to n" in [str(n) for n in d5.named] and not d5.qualified


@pytest.mark.parametrize(
    "eccn,expected",
    [
        # "a.1 to a.3": both ends and what lies below them; a.4 is the next sibling
        ("3B001.a.1", True),
        ("3B001.a.3", True),
        ("3B001.a.3.b", True),
        ("3B001.a.4", False),
        ("3B001.a", None),  # a.4 is not in the list, a.1 is: which paragraph of a is unknown
        # "f.2 to f.4": f.1 and f.5 outside
        ("3B001.f.1", False),
        ("3B001.f.2", True),
        ("3B001.f.4", True),
        ("3B001.f.5", False),
        ("3B001.f", None),
        # "g to j": g and j and the letters between; f and k outside
        ("3B001.g", True),
        ("3B001.h.1", True),
        ("3B001.j", True),
        ("3B001.k", False),
        ("3B001.b", True),
        ("3B001.c", False),
        ("3B001.c.1.a", False),
        ("3B001.d", False),
        ("3B001", None),
        ("3b001.G", True),  # case as typed does not matter
    ],
)
def test_3b001_ns_column_2(eccn, expected):
    assert paragraphs.covers(control(*NS2_3B001), eccn) is expected


@pytest.mark.parametrize(
    "eccn,expected",
    [
        ("3B001.c", None),  # c.1.a and c.1.c are named, c.1.b is not
        ("3B001.c.1", None),
        ("3B001.c.1.a", True),
        ("3B001.C.1.A", True),
        ("3B001.c.1.b", False),
        ("3B001.c.1.c", True),
        ("3B001.c.2", False),
        ("3B001.q", True),
        ("3B001.q.1", True),
        ("3B001.p", False),
        ("3B001.r", False),
    ],
)
def test_3b001_worldwide_control(eccn, expected):
    assert paragraphs.covers(control(*WW_3B001), eccn) is expected


@pytest.mark.parametrize(
    "eccn,expected",
    [
        ("3B001.a.4", True),
        ("3B001.a.3", False),
        ("3B001.c", True),
        ("3B001.c.1.b", True),
        ("3B001.f.6", True),
        ("3B001.f.7", False),
        ("3B001.k", True),
        ("3B001.n", True),
        ("3B001.o", False),
        ("3B001.p", None),  # p.2 and p.4 named, p.1 and p.3 not
        ("3B001.p.1", False),
        ("3B001.p.2", True),
        ("3B001.p.3", False),
        ("3B001.q", False),
        ("3B001.r", True),
    ],
)
def test_3b001_macau_d5(eccn, expected):
    assert paragraphs.covers(control(*D5_3B001), eccn) is expected


def test_3b002_a_and_b_and_c():
    ns2 = control("3B002", "NS applies to 3B002.a and b")
    assert [paragraphs.covers(ns2, e) for e in ("3B002.a", "3B002.b.2", "3B002.c", "3B002")] == [
        True,
        True,
        False,
        None,
    ]
    d5 = control("3B002", "NS applies to 3B002.c")
    assert [paragraphs.covers(d5, e) for e in ("3B002.c", "3B002.b", "3B002")] == [True, False, None]


def test_entire_entry_covers_every_paragraph():
    assert paragraphs.covers(control("3E001", "NS applies to entire entry"), "3E001") is True
    assert paragraphs.covers(control("3A001", "NS applies to entire entry"), "3A001.b.2") is True
    assert paragraphs.covers(control("4A003", "AT applies to entire entry"), "4A003.b") is True


def test_3a001_controls_with_conditions_in_words_are_unknown_inside_and_false_outside():
    mmic = control("3A001", "NS applies to “Monolithic Microwave")
    assert paragraphs.read(mmic).qualified
    assert paragraphs.covers(mmic, "3A001.b.2") is None  # "except ... for use in civil telecommunications"
    assert paragraphs.covers(mmic, "3A001.b.3.a") is None
    assert paragraphs.covers(mmic, "3A001.b.1") is False
    assert paragraphs.covers(mmic, "3A001.b.4") is False
    mt = control("3A001", "MT applies to 3A001.a.1.a")
    assert paragraphs.covers(mt, "3A001.a.1.a") is None  # "when usable in missiles"
    assert paragraphs.covers(mt, "3A001.a.1.b") is False


def test_3a001_z_lists():
    z_a = control("3A001", "RS applies to 3A001.z.1.a")
    assert not paragraphs.read(z_a).qualified
    assert [
        paragraphs.covers(z_a, e) for e in ("3A001.z.1.a", "3A001.z.4.a", "3A001.z.1.b", "3A001.z.1", "3A001.b")
    ] == [
        True,
        True,
        False,
        None,
        False,
    ]


def test_4a003_leading_dots_and_mixed_depths():
    ns1 = control("4A003", "NS applies to 4A003.b")
    assert ns1 == "NS applies to 4A003.b, .c, and .z.1"
    assert [paragraphs.covers(ns1, e) for e in ("4A003.b", "4A003.c", "4A003.z.1.a", "4A003.z.2", "4A003.g")] == [
        True,
        True,
        True,
        False,
        False,
    ]
    ns2 = control("4A003", "NS applies to 4A003.g")
    assert [paragraphs.covers(ns2, e) for e in ("4A003.g", "4A003.z.2.b", "4A003.z.1", "4A003.z")] == [
        True,
        True,
        False,
        None,
    ]
    # a control described in words only: whether it describes the item is a question of fact
    assert paragraphs.covers(control("4A003", "CC applies"), "4A003.b") is None


def test_5a002_items_controlled_by():
    z_b = control("5A002", "RS applies to items controlled by 5A002.z.1.b")
    assert not paragraphs.read(z_b).qualified
    assert paragraphs.covers(z_b, "5A002.z.5.b") is True
    assert paragraphs.covers(z_b, "5A002.z.5.a") is False
    assert paragraphs.covers(control("5A002", "NS applies to entire entry"), "5A002.a") is True


def test_other_entries_references_are_not_the_items_own():
    # 3D001: "software for commodities controlled by 3A001.b to 3A001.h, 3A001.z, and 3B"
    sw = control("3D001", "NS applies to “software” for commodities")
    assert "3A001.b to h" in [str(n) for n in paragraphs.read(sw).named]
    assert paragraphs.covers(sw, "3D001") is None
    # the eCFR's stray space in "3A001.z. 1.b" is read as z.1.b
    spaced = control("3D001", "RS applies to “software” for commodities controlled by 3A001.z. 1.b")
    assert "3A001.z.1.b" in [str(n) for n in paragraphs.read(spaced).named]


def test_chart_wordings_in_place_of_a_column():
    assert destinations.chart_scope("Worldwide control. See § 742.4(a)(5) and (b)(10) of the EAR.") == (
        {"worldwide": True},
        "742.4(a)(5)",
    )
    d5 = (
        "To or within Macau or a destination specified in Country Group D:5 of supplement no. 1 to part 740 "
        "of the EAR. See § 742.4(a)(4) of the EAR."
    )
    assert destinations.chart_scope(d5) == ({"countries": ["MO"], "groups": ["D:5"]}, "742.4(a)(4)")
    # 742.6(a)(6) scopes are the RS steps' (dated there), not the chart's
    assert destinations.chart_scope(d5.replace("742.4(a)(4)", "742.6(a)(6)")) is None
    assert destinations.chart_scope("NS Column 2.") is None
    assert destinations.ccl_date().isoformat() == "2026-07-23"


@pytest.mark.parametrize(
    "control,eccn,expected",
    [
        # 0A606 (eCFR 2026-07-23): "NS applies to entire entry, except 0A606.b and .y"
        ("NS applies to entire entry, except 0A606.b and .y", "0A606.y.1", False),
        ("NS applies to entire entry, except 0A606.b and .y", "0A606.b", False),
        ("NS applies to entire entry, except 0A606.b and .y", "0A606.a", True),
        ("NS applies to entire entry, except 0A606.b and .y", "0A606", None),  # may be .b or .y
        # 0B501: the exception is stated in words
        ("NS applies to entire entry except equipment for ECCN 0A501.y", "0B501.a", None),
        # 0A509: an excepted paragraph with a condition in words; another paragraph is covered
        (
            "NS applies to entire entry except 0A509.a for items for ECCN 0A502 or ECCN 0A508, and 0A509.d",
            "0A509.a",
            None,
        ),
        (
            "NS applies to entire entry except 0A509.a for items for ECCN 0A502 or ECCN 0A508, and 0A509.d",
            "0A509.d",
            None,
        ),
        (
            "NS applies to entire entry except 0A509.a for items for ECCN 0A502 or ECCN 0A508, and 0A509.d",
            "0A509.b",
            True,
        ),
    ],
)
def test_entire_entry_except(control, eccn, expected):
    assert paragraphs.covers(control, eccn) is expected
