"""The audit log against someone who can edit the store but not read the audit key, and against
someone who has both (anchors kept elsewhere): every attack is found, named by record, and
nothing is appended to a damaged store."""

from __future__ import annotations

import json
import os
import sqlite3
import stat

import pytest

from longarm.errors import AuditRefused, StoreError
from longarm.store import GENESIS, Store, record_hash
from tests.conftest import run_cli


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LONGARM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LONGARM_AUDIT_DIR", str(tmp_path / "keys"))
    monkeypatch.delenv("LONGARM_STORE", raising=False)
    monkeypatch.delenv("LONGARM_AUDIT_KEY", raising=False)
    return tmp_path / "home"


def filled(path, n=10):
    s = Store(path)
    s.append("test", [(f"s{i}", {"i": i}) for i in range(n)])
    s.close()
    return path


def sql(path, *statements):
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    for st in statements:
        db.execute(*st) if isinstance(st, tuple) else db.execute(st)
    db.commit()
    db.close()


def verify(path, expect=None):
    s = Store(path)
    try:
        return s.verify(expect)
    finally:
        s.close()


def rows(path):
    db = sqlite3.connect(path)
    out = db.execute(
        "SELECT seq, ts, kind, run_id, subject, payload, prev_hash, hash FROM audit ORDER BY seq"
    ).fetchall()
    db.close()
    return out


def rechain(path, start_seq):
    """What a forger does after editing record `start_seq`: recompute every hash from there (no key)."""
    db = sqlite3.connect(path)
    prev = GENESIS
    for seq, ts, kind, run_id, subject, payload, _prev_hash, h in rows(path):
        if seq >= start_seq:
            new = record_hash(prev, seq, ts, kind, run_id, subject, payload)
            db.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, new, seq))
            h = new
        prev = h
    db.commit()
    db.close()


def test_the_key_is_kept_apart_from_the_store_with_mode_0600(tmp_path):
    filled(tmp_path / "home" / "a.sqlite")
    key = tmp_path / "keys" / "audit.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_text().strip()) == 64
    assert not list((tmp_path / "home").glob("*.key"))


def test_an_intact_store_verifies_and_its_anchor_matches(tmp_path):
    path = filled(tmp_path / "a.sqlite")
    s = Store(path)
    head = s.anchor()
    assert head.startswith("10:") and s.verify(head) == [] and s.verify() == []


def test_deleting_the_last_records_is_found_and_stops_appends(tmp_path):
    path = filled(tmp_path / "a.sqlite")
    sql(path, "DELETE FROM audit WHERE seq >= 9")
    problems = verify(path)
    assert [(p.seq, "records 9..10 were removed from the end" in p.what) for p in problems] == [(9, True)]
    with pytest.raises(AuditRefused, match="damaged"):
        Store(path).append("test", [("late", {})])
    assert len(rows(path)) == 8


def test_a_forged_record_with_a_correctly_recomputed_hash_is_found(tmp_path):
    path = filled(tmp_path / "a.sqlite")
    seq, ts, kind, run_id, subject, payload, prev, h = rows(path)[-1]
    forged = record_hash(h, 11, ts, "assess", None, "forged", "{}")
    sql(path, ("INSERT INTO audit VALUES (11, ?, 'assess', NULL, 'forged', '{}', ?, ?, NULL)", (ts, h, forged)))
    problems = verify(path)
    assert any(p.seq == 11 and "audit key" in p.what for p in problems), problems


def test_a_changed_record_with_every_later_hash_recomputed_is_found(tmp_path):
    path = filled(tmp_path / "a.sqlite")
    sql(path, "UPDATE audit SET payload = '{\"i\":999}' WHERE seq = 4")
    rechain(path, 4)
    problems = verify(path)
    assert problems and problems[0].seq == 4 and "not written with the audit key" in problems[0].what
    assert {p.seq for p in problems} == set(range(4, 11))


def test_a_record_changed_in_the_middle_is_named_and_nothing_is_appended_after_it(tmp_path):
    path = filled(tmp_path / "a.sqlite")
    sql(path, "UPDATE audit SET subject = 'someone else' WHERE seq = 5")
    assert [p.seq for p in verify(path)] == [5]
    with pytest.raises(AuditRefused, match="record 5"):
        Store(path).append("test", [("late", {})])
    assert len(rows(path)) == 10


def test_a_dropped_table_is_reported_as_empty_where_records_existed(tmp_path):
    path = filled(tmp_path / "a.sqlite")
    sql(path, "DROP TABLE audit")
    problems = verify(path)
    assert [str(p) for p in problems] and "is empty, but 10 records were written" in str(problems[0])


def test_an_emptied_file_is_reported_as_empty_where_records_existed(tmp_path):
    path = filled(tmp_path / "a.sqlite")
    for p in tmp_path.glob("a.sqlite*"):
        p.write_bytes(b"")
    assert "is empty, but 10 records were written" in str(verify(path)[0])
    with pytest.raises(AuditRefused):
        Store(path).append("test", [("new", {})])


def test_a_deleted_store_is_reported_as_missing_where_records_existed(tmp_path):
    path = filled(tmp_path / "home" / "longarm.sqlite")
    for p in path.parent.glob("longarm.sqlite*"):
        p.unlink()
    proc = run_cli("audit", "verify")
    assert proc.returncode == 2 and "missing, but 10 records were written" in proc.stderr and proc.stdout == ""
    proc = run_cli("audit", "show")
    assert proc.returncode == 2 and "missing, but 10 records were written" in proc.stderr
    # the next determination does not quietly start a fresh log in its place
    proc = run_cli("screen", "Huawei Technologies Co., Ltd.")
    assert proc.returncode == 2 and "nothing was appended" in proc.stderr and proc.stdout == ""


def test_an_anchor_kept_elsewhere_finds_a_rewrite_by_someone_who_has_the_key(tmp_path, monkeypatch):
    path = filled(tmp_path / "a.sqlite")
    head = Store(path).anchor()
    # with the key and the kept head, a forger rebuilds a whole new store of the same length
    for p in tmp_path.glob("a.sqlite*"):
        p.unlink()
    for p in (tmp_path / "keys" / "heads").glob("*.json"):
        p.unlink()
    s = Store(path)
    s.append("test", [(f"s{i}", {"i": -i}) for i in range(10)])
    assert s.verify() == []
    problems = s.verify(head)
    assert [p.seq for p in problems] == [10] and "anchor" in problems[0].what
    # and an anchor of more records than the store holds: the last ones were removed
    assert "missing" in s.verify("12:" + head.split(":")[1])[0].what


def test_a_store_never_written_is_empty_not_an_error(tmp_path):
    assert run_cli("audit", "verify").stdout.startswith("ok: no store at")
    assert run_cli("audit", "show").returncode == 0
    assert not (tmp_path / "home" / "longarm.sqlite").exists()


def test_cli_anchor_and_verify_expect(tmp_path):
    assert run_cli("screen", "Huawei Technologies Co., Ltd.").returncode == 0
    anchor = run_cli("audit", "anchor")
    assert anchor.returncode == 0 and anchor.stdout.startswith("1:")
    ok = run_cli("audit", "verify", "--expect", anchor.stdout.strip())
    assert ok.returncode == 0 and "anchor matches" in ok.stdout
    bad = run_cli("audit", "verify", "--expect", "1:" + "0" * 64)
    assert bad.returncode == 2 and "record 1" in bad.stderr and "anchor" in bad.stderr
    typo = run_cli("audit", "verify", "--expect", "yesterday")
    assert typo.returncode == 2 and typo.stderr.startswith("--expect")


def test_the_audit_key_missing_refuses_appends_and_says_where_it_was(tmp_path):
    path = filled(tmp_path / "a.sqlite")
    (tmp_path / "keys" / "audit.key").unlink()
    with pytest.raises(AuditRefused, match="audit key is missing"):
        Store(path).append("test", [("x", {})])
    assert "audit key is missing" in str(verify(path)[0])
    assert not (tmp_path / "keys" / "audit.key").exists()  # no new key was made in its place


def test_a_key_given_in_the_environment_signs_and_verifies(tmp_path, monkeypatch):
    monkeypatch.setenv("LONGARM_AUDIT_KEY", "a secret kept in a vault")
    path = filled(tmp_path / "a.sqlite")
    assert verify(path) == [] and not (tmp_path / "keys" / "audit.key").exists()
    monkeypatch.setenv("LONGARM_AUDIT_KEY", "another secret")
    assert "another audit key" in str(verify(path)[0])


def test_a_store_from_before_keyed_records_is_signed_once_its_chain_verifies(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE audit (seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, kind TEXT NOT NULL, run_id TEXT,"
        " subject TEXT, payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL UNIQUE);"
    )
    prev = GENESIS
    for seq in (1, 2):
        h = record_hash(prev, seq, "2026-01-01T00:00:00", "assess", None, f"old{seq}", "{}")
        db.execute(
            "INSERT INTO audit VALUES (?,?,?,?,?,?,?,?)",
            (seq, "2026-01-01T00:00:00", "assess", None, f"old{seq}", "{}", prev, h),
        )
        prev = h
    db.commit()
    db.close()
    s = Store(path)
    s.append("test", [("new", {})])
    assert s.verify() == [] and [r["subject"] for r in s.records()] == ["old1", "old2", "new"]


@pytest.mark.parametrize("kind", ["folder", "garbage"])
def test_a_store_that_cannot_be_opened_is_exit_2_naming_the_path(tmp_path, kind):
    path = tmp_path / "store.sqlite"
    if kind == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"this is not a database, it is a letter" * 100)
    with pytest.raises(StoreError, match=str(path)):
        Store(path)
    for args in (["audit", "verify"], ["audit", "show"], ["audit", "export", "--out", str(tmp_path / "x.jsonl")]):
        proc = run_cli(*args, "--store", str(path))
        assert proc.returncode == 2 and str(path) in proc.stderr and "internal error" not in proc.stderr, proc.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_a_store_without_permission_is_exit_2(tmp_path):
    path = filled(tmp_path / "a.sqlite")
    path.chmod(0)
    proc = run_cli("audit", "verify", "--store", str(path))
    assert proc.returncode == 2 and str(path) in proc.stderr


def test_audit_export_to_a_missing_folder_is_exit_2_and_writes_nothing(tmp_path):
    assert run_cli("screen", "Huawei Technologies Co., Ltd.").returncode == 0
    proc = run_cli("audit", "export", "--out", str(tmp_path / "no" / "such" / "audit.jsonl"))
    assert proc.returncode == 2 and proc.stderr.startswith("--out") and "folder" in proc.stderr
    assert not (tmp_path / "no").exists()


def test_audit_show_prints_control_characters_in_stored_names_escaped(tmp_path):
    name = "Evil\x1b[2J\x1b]0;pwned\x07 Corp\u202e"
    assert run_cli("screen", name).returncode == 0
    shown = run_cli("audit", "show")
    assert shown.returncode == 0
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout and "\u202e" not in shown.stdout
    assert "Evil\\x1b[2J" in shown.stdout
    records = json.loads(run_cli("audit", "show", "--json").stdout)
    assert records[-1]["subject"] == name  # the record itself keeps the name as given


def test_assess_on_a_damaged_store_is_exit_2_and_appends_nothing(tmp_path):
    path = filled(tmp_path / "home" / "longarm.sqlite")
    sql(path, "UPDATE audit SET payload = '{\"i\":-1}' WHERE seq = 3")
    proc = run_cli("audit", "verify")
    assert proc.returncode == 2 and "record 3: was changed" in proc.stderr
    proc = run_cli("assess", "examples/h100-to-china-2024.yaml", "--json")
    assert proc.returncode == 2 and proc.stdout == "" and "nothing was appended" in proc.stderr
    assert len(rows(path)) == 10
