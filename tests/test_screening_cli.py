"""Screening as a user meets it: the `screen` and `match` commands, customer master files, and
what a missed listed party would do to a determination."""

from __future__ import annotations

import json

from conftest import d, run_cli

from longarm.assess import assess
from longarm.model import Item, Party, Transaction


def test_screen_huawei_finds_every_entry_holding_the_word():
    p = run_cli("screen", "Huawei", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["query"] == "Huawei" and len(out["matches"]) >= 100
    first = out["matches"][0]
    assert first["list"] == "Entity List" and first["score"] == 1.0 and "aligned huawei=huawei" in first["explanation"]


def test_screen_with_country_and_type():
    p = run_cli("screen", "Huawei Co Ltd", "--country", "CN", "--type", "organization", "--json")
    assert p.returncode == 0, p.stderr
    names = [m["matched_name"] for m in json.loads(p.stdout)["matches"]]
    assert any(n.startswith("Huawei Technologies Co., Ltd.") for n in names)
    bad = run_cli("screen", "Huawei", "--type", "company")
    assert bad.returncode == 2 and "--type" in bad.stderr


def test_screen_prints_why_for_a_reviewer():
    p = run_cli("screen", "HiSilicon")
    assert p.returncode == 0, p.stderr
    assert "HiSilicon Technologies Co., Ltd (HiSilicon)" in p.stdout and "why: aligned hisilicon=hisilicon" in p.stdout


def test_an_overlong_name_is_refused_with_exit_2():
    p = run_cli("screen", "Huawei " + "x" * 100_000)
    assert p.returncode == 2 and "NAME" in p.stderr and "at most 2,000" in p.stderr


def test_screen_file_one_json_line_per_row_in_order(tmp_path):
    names = tmp_path / "customers.csv"
    names.write_text(
        "name,country,type\n"
        '"Huawei Technologies Co., Ltd.®",CN,organization\n'
        "Acme Widgets,US,\n"
        "Inspur,,any\n"
        "Acme Widgets,US,\n",
        encoding="utf-8",
    )
    p = run_cli("screen", "--file", str(names))
    assert p.returncode == 0, p.stderr
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    assert [x["query"] for x in lines] == ["Huawei Technologies Co., Ltd.®", "Acme Widgets", "Inspur", "Acme Widgets"]
    assert lines[0]["matches"] and not lines[1]["matches"] and lines[2]["matches"]
    assert set(lines[0]) == {"query", "lists_version", "matches"}
    out = tmp_path / "hits.jsonl"
    p = run_cli("screen", "--file", str(names), "--out", str(out))
    assert p.returncode == 0 and p.stdout == ""
    assert [json.loads(x) for x in out.read_text("utf-8").splitlines()] == lines


def test_screen_file_bad_rows_name_line_and_column_and_nothing_is_written(tmp_path):
    names = tmp_path / "customers.csv"
    names.write_text(
        "name,country,type\nAcme,US,\n,CN,\nBolt,ZZ,\nCorp X,DE,company\n" + "Huge," + "x" * 1_000_000 + ",\n"
    )
    out = tmp_path / "hits.jsonl"
    p = run_cli("screen", "--file", str(names), "--out", str(out))
    assert p.returncode == 2
    assert "line 3, column name: is empty" in p.stderr
    assert "line 4, column country" in p.stderr
    assert "line 5, column type" in p.stderr
    assert not out.exists() and not list(tmp_path.glob(".hits*"))
    huge = tmp_path / "huge.csv"
    huge.write_text("name\n" + "Huawei " + "y" * 1_000_000 + "\n")
    p = run_cli("screen", "--file", str(huge))
    assert p.returncode == 2 and "line 2, column name" in p.stderr
    missing = run_cli("screen", "--file", str(tmp_path / "none.csv"))
    assert missing.returncode == 2 and "--file" in missing.stderr


def test_match_takes_a_type_and_pairs_a_type_column(tmp_path):
    p = run_cli("match", "ASTREIKO, Alexandra", "ASTREIKO, Alexander", "--type", "person", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["match"] is False
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "name1,name2,type\nMV OCEAN GRACE,OCEAN GRACE,vessel\nKim Jong Un,김정은,person\nStar II,Star III,\n",
        encoding="utf-8",
    )
    p = run_cli("match", "--pairs", str(pairs), "--json")
    assert p.returncode == 0, p.stderr
    assert [r["match"] for r in json.loads(p.stdout)] == [True, True, False]
    pairs.write_text("name1,name2,type\nA,B,ship\n", encoding="utf-8")
    p = run_cli("match", "--pairs", str(pairs))
    assert p.returncode == 2 and "line 2, column type" in p.stderr


def test_h20_to_huawei_with_a_registered_sign_is_not_nlr():
    """The ® once hid the Entity List listing; an H20 to it must need a licence, never be NLR."""
    for name in ("Huawei Technologies Co., Ltd.®", "Huawei Technologies Co., Ltd."):
        tx = Transaction(
            as_of=d("2025-06-01"),
            from_country="US",
            to_country="CN",
            item=Item(catalog_id="nvidia-h20"),
            parties=[Party(role="end_user", name=name, country="CN")],
        )
        det = assess(tx)
        assert det.outcome != "NLR", (name, det.outcome)
        assert any(h.list == "Entity List" for h in det.screening), name
        assert det.license_required is True, (name, det.outcome)
