"""Documentation that is generated from the code must match it; parameters must be consistent."""

from pathlib import Path

from longarm import params
from longarm.docs import render
from longarm.rules.registry import all_rules

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_generated_sections_are_current():
    text = README.read_text("utf-8")
    assert render(text) == text, "run `make docs` to regenerate the README sections"


def test_every_rule_cites_15_cfr_and_quotes_or_states_its_words():
    for r in all_rules():
        assert "15 CFR" in r.citation or "BIS" in r.citation
        assert len(r.doc) > 20, r.id


def test_parameters_are_consistent():
    assert params.check() == []


def test_every_source_and_dated_entry_states_its_quality():
    known = params.load("sources")["sources"]
    for s in known.values():
        assert s["source_quality"] in ("primary", "secondary")
    for name in params.FILES[1:]:
        for entries in params.load(name).values():
            for e in entries if isinstance(entries, list) else []:
                if isinstance(e, dict) and "from" in e:
                    assert e.get("source_quality", known[e["source"]]["source_quality"]) in ("primary", "secondary")


def test_readme_names_the_two_setup_commands():
    text = README.read_text("utf-8")
    assert "make demo" in text and "make test" in text


def test_country_code_lists_are_found_for_the_yaml_boolean_check():
    found = dict(params._country_lists({"id": "x", "members": {"A:1": ["US", False]}, "scope": {"countries": ["DE"]}}))
    assert found == {"A:1": ["US", False], "countries": ["DE"]}
