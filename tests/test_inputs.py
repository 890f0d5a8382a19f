"""Reading a Transaction: every bad file or value is exit 2 naming the field or the line, within
documented limits; nothing is guessed (a duplicate key, a date past 2099, a number for a date)."""

from __future__ import annotations

import codecs
import json

import pytest

from longarm import inputs
from longarm.errors import InputError
from tests.conftest import run_cli

GOOD = {"as_of": "2024-06-01", "to_country": "DE", "item": {"catalog_id": "nvidia-h100-sxm"}}


def assess_file(tmp_path, content: bytes | str, *extra):
    path = tmp_path / "tx.json"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return run_cli("assess", str(path), *extra)


def problems(doc) -> list[str]:
    try:
        inputs.transaction(inputs.parse_document(doc) if isinstance(doc, str) else doc)
    except InputError as e:
        return [str(p) for p in e.problems]
    return []


def test_a_good_transaction_has_no_problems():
    assert problems(json.dumps(GOOD)) == []


@pytest.mark.parametrize(
    "doc,field",
    [
        ('{"as_of":"2024-06-01","to_country":"DE","to_country":"CN"}', "to_country: duplicate key"),
        (
            '{"to_country":"CN","parties":[{"role":"end_user","name":"A","name":"Huawei"}]}',
            "parties[0].name: duplicate key",
        ),
        ("to_country: DE\nitem:\n  tpp: 100\n  tpp: 5000\n", "item.tpp: duplicate key: given again on line 4"),
        ("as_of: 2024-06-01\nto_country: CN\nas_of: 2022-01-01\n", "as_of: duplicate key: given again on line 3"),
    ],
)
def test_a_key_given_twice_is_exit_2_naming_its_path(tmp_path, doc, field):
    assert any(p.startswith(field) for p in problems(doc)), problems(doc)
    proc = assess_file(tmp_path, doc, "--json")
    assert proc.returncode == 2 and field in proc.stderr and proc.stdout == ""


def test_utf16_and_utf8_with_a_byte_order_mark_are_read(tmp_path):
    text = json.dumps(GOOD)
    for data in (codecs.BOM_UTF16_LE + text.encode("utf-16-le"), codecs.BOM_UTF8 + text.encode("utf-8")):
        proc = assess_file(tmp_path, data, "--json")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["as_of"] == "2024-06-01"


def test_latin1_is_exit_2_naming_the_byte_the_line_and_the_fix(tmp_path):
    doc = 'to_country: DE\nparties:\n  - {role: end_user, name: "Société Générale"}\n'
    proc = assess_file(tmp_path, doc.encode("latin-1"))
    assert proc.returncode == 2 and proc.stdout == ""
    assert "not UTF-8 (byte 0xe9 on line 3)" in proc.stderr and "Latin-1" in proc.stderr
    assert proc.stderr.startswith("FILE")


def test_utf16_without_a_byte_order_mark_is_named(tmp_path):
    proc = assess_file(tmp_path, json.dumps(GOOD).encode("utf-16-le"))
    assert proc.returncode == 2 and "UTF-16 without a byte-order mark" in proc.stderr


def test_json_nested_100000_deep_is_exit_2(tmp_path):
    proc = assess_file(tmp_path, "[" * 100_000 + "]" * 100_000)
    assert proc.returncode == 2 and "nested deeper than" in proc.stderr and "internal error" not in proc.stderr
    proc = assess_file(tmp_path, '{"a":' * 100_000 + "1" + "}" * 100_000)
    assert proc.returncode == 2 and "nested deeper than" in proc.stderr


def test_nesting_past_the_limit_names_the_field():
    doc = {
        **GOOD,
        "item": {
            "units": [
                {"bit_length": 8, "tops": 1, "unit": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}
            ]
        },
    }
    assert any("nested deeper than 32 levels" in p for p in problems(doc))


def test_dev_zero_is_refused_at_the_size_limit(tmp_path):
    proc = run_cli("assess", "/dev/zero", "--json")
    assert proc.returncode == 2 and "larger than the limit of 1,048,576 bytes" in proc.stderr and proc.stdout == ""


def test_a_file_just_over_one_mebibyte_is_refused_and_one_within_is_read(tmp_path):
    doc = json.dumps(GOOD)
    within = doc[:-1] + ', "posture": "text"' + " " * (inputs.MAX_DOCUMENT_BYTES - len(doc) - 40) + "}"
    assert len(within.encode()) <= inputs.MAX_DOCUMENT_BYTES
    assert assess_file(tmp_path, within, "--json").returncode == 0
    proc = assess_file(tmp_path, doc + " " * inputs.MAX_DOCUMENT_BYTES)
    assert proc.returncode == 2 and "larger than the limit" in proc.stderr


def test_stdin_has_the_same_limit():
    proc = run_cli("assess", "-", "--json", stdin=" " * (inputs.MAX_DOCUMENT_BYTES + 1))
    assert proc.returncode == 2 and "stdin: larger than the limit" in proc.stderr


def test_a_party_name_past_1000_characters_is_exit_2_naming_the_field(tmp_path):
    def with_name(n):
        return {**GOOD, "parties": [{"role": "end_user", "name": "H" * n}]}

    assert problems(with_name(1000)) == []
    assert problems(with_name(1001)) == ["parties[0].name: 1,001 characters; at most 1,000 are accepted"]
    proc = assess_file(tmp_path, json.dumps(with_name(5000)), "--json")
    assert proc.returncode == 2 and proc.stderr.startswith("parties[0].name: 5,000 characters")
    long_text = {**GOOD, "item": {"name": "x" * 1001}}
    assert problems(long_text) == ["item.name: 1,001 characters; at most 1,000 are accepted"]
    assert problems({**GOOD, "end_uses": ["wmd"] * 10_001}) == ["end_uses: 10,001 entries; at most 10,000 are accepted"]


def test_an_integer_of_thousands_of_digits_is_exit_2(tmp_path):
    proc = assess_file(tmp_path, "to_country: DE\nitem:\n  tpp: " + "9" * 5000 + "\n")
    assert proc.returncode == 2 and "internal error" not in proc.stderr and proc.stderr.startswith("FILE")


@pytest.mark.parametrize(
    "as_of,message",
    [
        ("2099-12-31", None),
        ("2100-01-01", "as_of: must be on or before 2099-12-31"),
        ("9999-12-31", "as_of: must be on or before 2099-12-31"),
        ("2000-01-01", None),
        ("1999-12-31", "as_of: must be on or after 2000-01-01"),
        (20240601, "as_of: must be a date (YYYY-MM-DD), not a number"),
        (19876, "as_of: must be a date (YYYY-MM-DD), not a number"),
    ],
)
def test_as_of_bounds_and_no_number_for_a_date(as_of, message):
    found = problems({**GOOD, "as_of": as_of})
    assert found == ([] if message is None else [message])


@pytest.mark.parametrize("name", ["   ", "\t\n", "\u200b\x00 "])
def test_a_blank_party_name_is_invalid(name):
    found = problems({**GOOD, "parties": [{"role": "end_user", "name": name}]})
    assert found and found[0].startswith("parties[0].name")


@pytest.mark.parametrize(
    "text,message",
    [
        ("2099-12-31", None),
        ("2100-01-01", "--as-of: must be on or before 2099-12-31"),
        ("1999-12-31", "--as-of: must be on or after 2000-01-01"),
        ("31/12/2024", "--as-of: '31/12/2024' is not a date (YYYY-MM-DD)"),
    ],
)
def test_parse_date_has_the_models_bounds(text, message):
    try:
        inputs.parse_date(text, "--as-of")
        found = None
    except InputError as e:
        found = str(e)
    assert found == message


def test_the_as_of_option_past_2099_is_exit_2():
    proc = run_cli("classify", "--tpp", "5000", "--as-of", "2100-01-01")
    assert proc.returncode == 2 and proc.stderr.startswith("--as-of: must be on or before 2099-12-31")


def test_limits_are_documented_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    for what, limit in inputs.LIMITS.items():
        assert f"| {what} | {limit} |" in readme


def test_a_yaml_alias_bomb_is_refused_before_validation(tmp_path):
    lines = ["to_country: DE", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    proc = assess_file(tmp_path, "\n".join(lines) + "\n")
    assert proc.returncode == 2 and "more than 100,000 values" in proc.stderr


@pytest.mark.parametrize(
    "ics,message",
    [("[bogus]", "item.us_origin_ics: 'BOGUS' is not an ECCN"), ("3A001", "item.us_origin_ics")],
)
def test_us_origin_ics_must_be_a_list_of_eccns(tmp_path, ics, message):
    doc = f"to_country: CN\nitem: {{type: other, eccn: 3B992, origin_country: KR, us_origin_ics: {ics}}}\n"
    proc = assess_file(tmp_path, doc, "--json")
    assert proc.returncode == 2 and message in proc.stderr and proc.stdout == ""
