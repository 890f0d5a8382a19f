"""The audit log: appends chain, verify finds tampering, concurrent writers never corrupt it."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3

import pytest

from longarm.store import Store
from tests.conftest import run_cli


@pytest.fixture(autouse=True)
def audit_dir(tmp_path, monkeypatch):
    """One audit key for every process of a test (spawned writers re-import the test modules)."""
    monkeypatch.setenv("LONGARM_AUDIT_DIR", str(tmp_path / "audit-keys"))


def fill(path, n=20):
    s = Store(path)
    s.append("test", [(f"s{i}", {"i": i}) for i in range(n)])
    s.close()


def test_intact_chain_verifies(tmp_path):
    fill(tmp_path / "a.sqlite")
    s = Store(tmp_path / "a.sqlite")
    assert s.verify() == [] and len(s.records()) == 20
    s.close()


def tamper(path, sql):
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    db.executescript(sql)
    db.commit()
    db.close()


@pytest.mark.parametrize(
    "sql,seq,word",
    [
        ("UPDATE audit SET payload = '{\"i\":999}' WHERE seq = 7;", 7, "changed"),
        ("DELETE FROM audit WHERE seq = 5;", 6, "removed"),
        (
            "UPDATE audit SET seq = 100 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 4;"
            "UPDATE audit SET seq = 4 WHERE seq = 100;",
            3,
            "out of order",
        ),
    ],
)
def test_verify_names_the_tampered_record(tmp_path, sql, seq, word):
    path = tmp_path / "a.sqlite"
    fill(path)
    tamper(path, sql)
    problems = Store(path).verify()
    assert any(p.seq == seq and word in p.what for p in problems), problems


def test_records_cannot_be_deleted_in_normal_operation(tmp_path):
    path = tmp_path / "a.sqlite"
    fill(path)
    with pytest.raises(sqlite3.DatabaseError):
        Store(path).db.execute("DELETE FROM audit WHERE seq = 1")


def _writer(path, k):
    s = Store(path)
    for j in range(25):
        s.append("w", [(f"w{k}-{j}", {"k": k, "j": j})])
    s.close()


def test_concurrent_writers_keep_the_chain(tmp_path):
    path = tmp_path / "c.sqlite"
    Store(path).close()
    procs = [multiprocessing.get_context("spawn").Process(target=_writer, args=(path, k)) for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    s = Store(path)
    assert len(s.records()) == 50 and s.verify() == []


def test_cli_records_assess_and_screen_and_verifies(tmp_path, monkeypatch):
    monkeypatch.setenv("LONGARM_HOME", str(tmp_path / "home"))
    assert run_cli("assess", "examples/h100-to-china-2024.yaml", "--json").returncode == 0
    assert run_cli("screen", "Huawei Technologies Co., Ltd.").returncode == 0
    shown = json.loads(run_cli("audit", "show", "--json").stdout)
    assert [r["kind"] for r in shown] == ["assess", "screen"]
    assert shown[0]["payload"]["outcome"] == "LICENSE_REQUIRED"
    assert run_cli("audit", "verify").stdout.startswith("ok: 2 records, chain intact; head 2:")
    out = tmp_path / "audit.jsonl"
    assert run_cli("audit", "export", "--out", str(out)).returncode == 0
    assert len(out.read_text().splitlines()) == 2
    tamper(tmp_path / "home" / "longarm.sqlite", "UPDATE audit SET payload = '{}' WHERE seq = 1;")
    proc = run_cli("audit", "verify")
    assert proc.returncode == 2 and "record 1: was changed" in proc.stderr and proc.stdout == ""


def test_batch_run_record_has_hashes_versions_and_counts(tmp_path, monkeypatch):
    import csv as _csv

    from longarm import batch

    monkeypatch.setenv("LONGARM_HOME", str(tmp_path / "home"))
    src = tmp_path / "book.csv"
    with src.open("w", newline="") as f:
        w = _csv.writer(f)
        w.writerow(["order_id", "as_of", "from_country", "to_country", "catalog_id", "origin_country"])
        w.writerow(["1", "2024-06-01", "US", "CN", "nvidia-h100-sxm", "US"])
        w.writerow(["2", "2024-06-01", "US", "DE", "nvidia-h20", "US"])
    result = batch.run(src, tmp_path / "out.csv")
    run = Store(tmp_path / "home" / "longarm.sqlite").runs()[0]
    ruleset = json.loads(run["ruleset"])
    assert run["input_sha256"] == result["input_sha256"] and run["lists_version"] == "CSL 2026-07-31"
    assert ruleset["latest_rule_date"] >= "2026-01-15" and len(ruleset["params_sha256"]) == 64
    assert "fr-2023-23055" in ruleset["sources"]
    assert json.loads(run["counts"]) == result["counts"] and run["status"] == "finished"
    assert run["longarm_version"] and json.loads(run["params"])["engine"] == "local"
