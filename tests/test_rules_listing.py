"""`longarm rules`: every rule with its versions and their source quality, in three formats."""

from __future__ import annotations

import json

from longarm.rules import registry
from tests.conftest import run_cli


def test_rules_lists_each_version_with_its_source_quality():
    out = run_cli("rules").stdout
    assert "| area |" not in out  # the listing, not the README table
    assert "740.8 NAC/ACA — 15 CFR 740.8" in out
    assert "2024-04-04 to 2024-12-02: 89 FR 23876, FR Doc 2024-07004 (primary); text: 15 CFR 740.8" in out
    assert f"{len(registry.on_secondary_sources())} of {len(registry.all_rules())} rules rest on a secondary" in out


def test_rules_markdown_switches_to_the_readme_table():
    out = run_cli("rules", "--markdown").stdout
    assert out.startswith("| area | rule | citation | in force (source) | operative words |")
    assert out == registry.markdown()
    assert out != run_cli("rules").stdout


def test_rules_json_gives_every_version_and_its_quality():
    rows = json.loads(run_cli("rules", "--json").stdout)
    by_id = {r["id"]: r for r in rows}
    nac = by_id["740.8 NAC/ACA"]
    nac_versions = [v for v in nac["versions"] if v["id"].startswith("nac")]
    assert [v["source_quality"] for v in nac_versions] == ["primary", "primary", "primary", "secondary"]
    assert nac["source_quality"] == "secondary"
    assert all(v["source_quality"] in ("primary", "secondary") for r in rows for v in r["versions"])
