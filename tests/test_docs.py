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
                    assert e.get("source_quality", params.source(e["source"])["source_quality"]) in (
                        "primary",
                        "secondary",
                    )


def test_readme_names_the_two_setup_commands():
    text = README.read_text("utf-8")
    assert "make demo" in text and "make test" in text


def test_country_code_lists_are_found_for_the_yaml_boolean_check():
    found = dict(params._country_lists({"id": "x", "members": {"A:1": ["US", False]}, "scope": {"countries": ["DE"]}}))
    assert found == {"A:1": ["US", False], "countries": ["DE"]}


def test_every_transaction_field_and_batch_column_is_described():
    from longarm.docs import BATCH_DOCS, FIELD_DOCS, batch_columns, transaction_fields

    paths = [p for p, _, _ in transaction_fields()]
    assert [p for p in paths if not FIELD_DOCS.get(p)] == []
    assert sorted(set(FIELD_DOCS) - set(paths)) == []  # no description of a field that is gone
    columns = [c for c, _ in batch_columns()]
    assert [c for c in columns if not BATCH_DOCS.get(c)] == []
    assert "| `parties[].name` (required) | text |" in README.read_text("utf-8")


def _excerpts(text):
    """(command, shown lines) for every `$ longarm ...` line of the README's text blocks that shows output."""
    import re
    import shlex

    out = []
    for block in re.findall(r"```text\n(.*?)```", text, re.S):
        command, shown = None, []
        for line in block.splitlines() + ["$ end"]:
            if line.startswith("$ "):
                if command and any(s.strip() != "..." for s in shown):
                    out.append((command, shown))
                command, shown = shlex.split(line[2:].split("  #")[0])[1:], []
            else:
                shown.append(line.rstrip())
    return out


def _matches(output, shown):
    """`shown` appears in `output` line by line; a `...` line stands for any number of lines."""
    lines = [line.rstrip() for line in output.splitlines()]
    pos, gap = 0, False
    for s in shown:
        if s.strip() == "...":
            gap = True
            continue
        if gap:
            while pos < len(lines) and lines[pos] != s:
                pos += 1
        if pos >= len(lines) or lines[pos] != s:
            return f"{s!r} not found where expected"
        pos, gap = pos + 1, False
    return None


# README sections whose command excerpts are checked, and how many of their text blocks (None: all).
EXCERPT_SECTIONS = {"Quick tour": None, "Screening parties": 1}


def test_readme_excerpts_are_the_real_output():
    import re

    from tests.conftest import run_cli

    checked = []
    for section in README.read_text("utf-8").split("\n## "):
        for title, blocks in EXCERPT_SECTIONS.items():
            if section.startswith(title):
                checked += re.findall(r"```text\n.*?```", section, re.S)[:blocks]
    excerpts = _excerpts("\n".join(checked))
    assert len(excerpts) >= 7
    for command, shown in excerpts:
        proc = run_cli(*command)
        assert proc.returncode == 0, (command, proc.stderr)
        assert _matches(proc.stdout, shown) is None, (command, _matches(proc.stdout, shown))


def test_schema_command_prints_the_json_schema_with_descriptions():
    import json

    from longarm.docs import FIELD_DOCS
    from tests.conftest import run_cli

    proc = run_cli("schema", "transaction")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/") and schema["additionalProperties"] is False
    assert schema["required"] == ["to_country"]
    assert schema["properties"]["as_of"]["description"] == FIELD_DOCS["as_of"]
    assert schema["$defs"]["Party"]["properties"]["name"]["description"] == FIELD_DOCS["parties[].name"]
    out = json.loads(run_cli("schema", "determination").stdout)
    assert {"outcome", "license_required", "questions", "findings"} <= set(out["properties"])
    bad = run_cli("schema", "order")
    assert bad.returncode == 2 and bad.stderr.startswith("SUBJECT") and bad.stdout == ""
