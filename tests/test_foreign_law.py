"""China's counter-measures: dated data, screening against China's lists, `foreign_law_flags`."""

from __future__ import annotations

import pytest
import yaml
from conftest import as_json, d, run_cli

from longarm import foreign_law, params
from longarm.assess import assess
from longarm.model import Item, Party, Transaction


def _tx(name: str, on: str = "2025-06-01", to: str = "DE", country: str = "DE", **item) -> Transaction:
    return Transaction(
        as_of=d(on),
        from_country="US",
        to_country=to,
        item=Item(catalog_id="nvidia-h100-sxm", origin_country="US", **item),
        parties=[Party(role="end_user", name=name, country=country)],
    )


def test_countermeasures_are_valid_dated_data_from_secondary_sources():
    assert "countermeasures" in params.FILES
    assert not [p for p in params.check() if p.startswith("countermeasures.")]
    entries = [e for k in foreign_law._keys() for e in params.versions("countermeasures", k)]
    assert entries and all(e["source_quality"] == "secondary" for e in entries)
    assert all(params.source(e["source"])["source_quality"] == "secondary" for e in entries)


def test_flag_for_a_party_on_the_unreliable_entity_list():
    flags = assess(_tx("Lockheed Martin Corp")).foreign_law_flags
    assert [(f.jurisdiction, f.measure, f.as_of_source) for f in flags] == [
        ("CN", "Unreliable Entity List", "2023-02-16")
    ]
    assert "not part of the EAR determination" in flags[0].text and "secondary source" in flags[0].citation


def test_no_flag_otherwise():
    assert assess(_tx("Siemens AG")).foreign_law_flags == []


def test_no_flag_before_the_listing():
    assert assess(_tx("Lockheed Martin Corp", on="2023-02-15")).foreign_law_flags == []


def test_flags_never_change_the_outcome():
    """The same transactions with China's lists emptied: every flag goes, the EAR answer stays."""
    emptied = {("countermeasures", k): (lambda e: {**e, "entities": []}) for k in foreign_law._keys()}
    cases = [
        _tx("Lockheed Martin Corp"),
        _tx("Skydio Inc.", to="CN", country="CN"),
        _tx("Anduril Industries", on="2025-03-01", to="AE", country="AE"),
    ]
    for tx in cases:
        with_flags = assess(tx)
        foreign_law._hits.cache_clear()
        with params.overridden(emptied):
            without = assess(tx)
        foreign_law._hits.cache_clear()
        assert with_flags.foreign_law_flags and not [f for f in without.foreign_law_flags if "matches" in f.text]
        a, b = with_flags.model_dump(), without.model_dump()
        a.pop("foreign_law_flags"), b.pop("foreign_law_flags")
        assert a == b


def test_unreliable_entity_list_suspension_is_dated():
    def uel(on: str) -> list[str]:
        return [h["status"] for h in foreign_law.screen("Skydio", d(on)) if h["list"] == "Unreliable Entity List"]

    assert uel("2025-04-03") == []
    assert uel("2025-04-04") == ["in_force"]
    assert uel("2025-05-13") == ["in_force"]
    assert uel("2025-05-14") == ["suspended"]  # 90 days from 2025-05-14
    assert uel("2025-08-12") == ["unknown"]  # what followed is not in the sources


def test_screen_searches_chinas_lists():
    hits = foreign_law.screen("AMERICAN PHOTONICS", d("2025-04-10"))
    assert [(h["list"], h["matched_name"], h["jurisdiction"]) for h in hits] == [
        ("Export Control Control List", "American Photonics", "CN")
    ]
    assert foreign_law.screen("AMERICAN PHOTONICS", d("2025-04-09")) == []  # in effect from 2025-04-10
    assert foreign_law.screen("Huawei Technologies Co., Ltd.") == []


def test_material_named_in_the_item_flags_chinas_ban_to_the_us_and_its_suspension():
    def measures(on: str, to: str) -> dict[str, str]:
        tx = Transaction(
            as_of=d(on), from_country="CN", to_country=to, item=Item(type="other", name="Gallium arsenide wafers")
        )
        return {f.measure: f.as_of_source or "" for f in foreign_law.flags(tx)}

    ban = "Ban on exports of gallium, germanium, antimony and superhard materials to the United States"
    assert measures("2024-12-02", "US").get(ban) is None
    assert measures("2024-12-03", "US")[ban] == "2024-12-03"
    assert measures("2025-11-09", "US")[ban] == "2025-11-09"  # the suspended state, with its date
    assert ban not in measures("2025-06-01", "DE")
    assert "Export licensing of gallium and germanium" in measures("2025-06-01", "DE")
    assert "Regulations on Export Control of Dual-Use Items" in measures("2025-06-01", "DE")  # it leaves China


def test_chinese_party_asked_to_comply_with_us_controls_is_flagged():
    def afsl(on: str) -> list[str | None]:
        flags = assess(_tx("Tencent Holdings", on=on, to="CN", country="CN")).foreign_law_flags
        return [f.as_of_source for f in flags if f.measure == "Anti-Foreign Sanctions Law"]

    assert afsl("2025-05-20") == ["2021-06-10"]
    assert afsl("2025-05-21") == ["2025-05-21"]  # MOFCOM's statement on the US chip measures


def test_assess_cli_json_carries_the_flags(tmp_path):
    tx = {
        "as_of": "2025-06-01",
        "from_country": "US",
        "to_country": "US",
        "item": {"catalog_id": "nvidia-h100-sxm"},
        "parties": [{"role": "end_user", "name": "Shield AI", "country": "US"}],
    }
    path = tmp_path / "tx.yaml"
    path.write_text(yaml.safe_dump(tx))
    proc = run_cli("assess", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    flags = as_json(proc)["foreign_law_flags"]
    assert [f["measure"] for f in flags] == ["Unreliable Entity List"]
    assert set(flags[0]) == {"jurisdiction", "measure", "citation", "as_of_source", "text"}


@pytest.mark.parametrize("name", ["Rheinmetall AG", "RHEINMETALL A.G."])
def test_control_list_2026_names_match_their_variants(name):
    hits = foreign_law.screen(name, d("2026-07-24"))
    assert hits and hits[0]["matched_name"] == "Rheinmetall AG" and hits[0]["listed_on"] == "2026-07-24"
    assert foreign_law.screen(name, d("2026-07-23")) == []


def test_item_producer_on_chinas_list_is_flagged():
    tx = Transaction(
        as_of=d("2025-06-01"),
        from_country="US",
        to_country="DE",
        item=Item(type="other", producer={"name": "Insitu, Inc.", "country": "US"}),
    )
    flags = foreign_law.flags(tx)
    assert [f.measure for f in flags] == ["Export Control Control List"] and "item.producer" in flags[0].text
