"""Order books that are wrong, hostile or unlucky: every case exits 2 naming what to fix, or is
handled, and nothing is lost, overwritten or left behind."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import fcntl
import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import polars as pl
import pytest

from longarm import batch
from tests.conftest import LONGARM
from tests.test_batch import book

HEADER = ["order_id", "as_of", "to_country", "catalog_id", "origin_country", "end_user", "end_user_country"]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def cli(env: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LONGARM), "batch", *args, "--store", str(env / "store.sqlite")],
        capture_output=True,
        text=True,
        env={**os.environ, "LONGARM_HOME": str(env / "home")},
        timeout=timeout,
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.name.endswith(".parts"))


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("LONGARM_HOME", str(tmp_path / "home"))
    return tmp_path


ROW = ["O-1", "2025-06-01", "CN", "nvidia-h100-sxm", "US", "Example Cloud Co.", "CN"]


@pytest.mark.parametrize("link", ["same", "symlink", "hardlink"])
def test_output_that_is_the_input_is_refused_and_the_input_kept(env, link):
    src = write_csv(env / "ob.csv", [ROW])
    before = src.read_bytes()
    out = {"same": src, "symlink": env / "link.csv", "hardlink": env / "hard.csv"}[link]
    if link == "symlink":
        out.symlink_to(src)
    elif link == "hardlink":
        os.link(src, out)
    p = cli(env, str(src), "--out", str(out))
    assert p.returncode == 2 and p.stderr.startswith("--out") and "is the input file" in p.stderr
    assert src.read_bytes() == before and p.stdout == ""


@pytest.mark.parametrize(
    "misspelt,meant",
    [
        ("enduser", "end_user"),
        ("End User", "end_user"),
        ("TO_COUNTRY", "to_country"),
        ("as-of", "as_of"),
        ("end_user_contry", "end_user_country"),
    ],
)
def test_a_column_close_to_a_contract_column_is_refused_naming_both(env, misspelt, meant):
    header = [misspelt if c == meant else c for c in HEADER]
    if meant not in HEADER:
        header.append(misspelt)
    src = write_csv(env / "ob.csv", [ROW + ([""] if meant not in HEADER else [])], header=header)
    p = cli(env, str(src), "--out", str(env / "o.csv"))
    assert p.returncode == 2, p.stderr
    assert repr(misspelt) in p.stderr and repr(meant) in p.stderr
    assert not (env / "o.csv").exists()


def test_other_columns_are_carried_through_without_complaint(env):
    src = write_csv(env / "ob.csv", [ROW + ["12", "ref-1"]], header=HEADER + ["quantity", "customer_ref"])
    p = cli(env, str(src), "--out", str(env / "o.csv"))
    assert p.returncode == 0, p.stderr
    assert pl.read_csv(env / "o.csv", infer_schema=False)["customer_ref"].to_list() == ["ref-1"]


def test_no_party_column_is_said_on_stderr_and_in_the_run_record(env):
    header = [c for c in HEADER if not c.startswith("end_user")]
    src = write_csv(env / "ob.csv", [ROW[:5]], header=header)
    p = cli(env, str(src), "--out", str(env / "o.csv"))
    assert p.returncode == 0 and "no party is screened" in p.stderr
    db = sqlite3.connect(env / "store.sqlite")
    (params,) = db.execute("SELECT params FROM runs").fetchone()
    assert any("no party is screened" in w for w in json.loads(params)["warnings"])


def test_duplicate_headers_are_refused(env):
    src = write_csv(env / "ob.csv", [ROW + ["x"]], header=HEADER + ["to_country"])
    p = cli(env, str(src), "--out", str(env / "o.csv"))
    assert p.returncode == 2 and "'to_country' appears more than once" in p.stderr


FORMULAS = ['=HYPERLINK("http://x")', "+1+2", "-3", "@SUM(A1)", "\tx", "\rx"]


def test_formula_cells_are_neutralised_in_csv_unless_raw(env):
    rows = [[f"O-{i}", "2025-06-01", "DE", "nvidia-h100-sxm", "US", f, "DE", f] for i, f in enumerate(FORMULAS)]
    src = write_csv(env / "ob.csv", rows, header=HEADER + ["note"])
    assert cli(env, str(src), "--out", str(env / "safe.csv")).returncode == 0
    safe = pl.read_csv(env / "safe.csv", infer_schema=False)
    assert safe["note"].to_list() == ["'" + f for f in FORMULAS]
    assert safe["end_user"].to_list() == ["'" + f for f in FORMULAS]
    assert cli(env, str(src), "--out", str(env / "raw.csv"), "--raw").returncode == 0
    assert pl.read_csv(env / "raw.csv", infer_schema=False)["note"].to_list() == FORMULAS
    # the party is screened under its real name, escaping is only for the output file
    assert safe["outcome"].to_list() == pl.read_csv(env / "raw.csv", infer_schema=False)["outcome"].to_list()


def test_an_empty_as_of_is_today_and_the_date_used_is_in_the_output(env):
    rows = [
        ["O-1", "", "DE", "nvidia-h100-sxm", "US", "", ""],
        ["O-2", "2024-06-01", "DE", "nvidia-h100-sxm", "US", "", ""],
    ]
    src = write_csv(env / "ob.csv", rows)
    assert cli(env, str(src), "--out", str(env / "o.csv")).returncode == 0
    out = pl.read_csv(env / "o.csv", infer_schema=False)
    assert out["as_of_used"].to_list() == [dt.date.today().isoformat(), "2024-06-01"]
    assert out["as_of"].to_list()[1] == "2024-06-01"


def test_jsonl_values_are_not_rewritten(env):
    src = env / "ob.jsonl"
    lines = [
        {
            "order_id": "O-1",
            "to_country": "CN",
            "tpp": 4800,
            "die_area_mm2": 600,
            "datacenter": True,
            "quantity": 3,
            "meta": {"a": [1, 2]},
        },
        {"order_id": "O-2", "to_country": "CN", "tpp": 4799.5, "quantity": None},
    ]
    src.write_text("".join(json.dumps(x) + "\n" for x in lines))
    assert cli(env, str(src), "--out", str(env / "o.jsonl")).returncode == 0
    out = [json.loads(x) for x in (env / "o.jsonl").read_text().splitlines()]
    text = (env / "o.jsonl").read_text()
    assert '"tpp": 4800,' in text and "4800.0" not in text
    assert out[0]["quantity"] == 3 and out[0]["meta"] == {"a": [1, 2]} and out[0]["datacenter"] is True
    assert out[1]["tpp"] == 4799.5 and out[1]["quantity"] is None
    assert out[0]["eccn"] == "3A090.a" and out[1]["eccn"] != "3A090.a"


def test_every_bad_field_of_a_row_is_reported(env):
    header = ["order_id", "to_country", "tpp", "datacenter", "activity", "end_user_country", "end_user"]
    src = write_csv(env / "ob.csv", [["O-1", "XX", "abc", "maybe", "sell", "ZZ", "Example Co."]], header=header)
    assert cli(env, str(src), "--out", str(env / "o.csv")).returncode == 0
    error = pl.read_csv(env / "o.csv", infer_schema=False)["error"][0]
    for column in ("to_country", "tpp", "datacenter", "activity", "end_user_country"):
        assert f"{column}:" in error, (column, error)


def test_a_declared_eccn_is_checked(env):
    header = ["order_id", "to_country", "eccn"]
    src = write_csv(env / "ob.csv", [["O-1", "DE", "3A090.a"], ["O-2", "DE", "banana"]], header=header)
    assert cli(env, str(src), "--out", str(env / "o.csv")).returncode == 0
    out = pl.read_csv(env / "o.csv", infer_schema=False)
    assert out["error"][0] == "" and out["error"][1].startswith("eccn:")


def test_utf16_with_bom_is_read_and_latin1_exits_2_naming_the_encoding(env):
    rows = [["O-1", "2025-06-01", "DE", "nvidia-h100-sxm", "US", "Müller Präzision GmbH", "DE"]]
    write_csv(env / "utf8.csv", rows)
    with (env / "utf16.csv").open("wb") as f:
        f.write(codecs.BOM_UTF16_LE + (env / "utf8.csv").read_text("utf-8").encode("utf-16-le"))
    write_csv(env / "latin1.csv", rows, encoding="latin-1")
    assert cli(env, str(env / "utf8.csv"), "--out", str(env / "a.csv")).returncode == 0
    p = cli(env, str(env / "utf16.csv"), "--out", str(env / "b.csv"))
    assert p.returncode == 0, p.stderr
    assert (env / "a.csv").read_bytes() == (env / "b.csv").read_bytes()
    p = cli(env, str(env / "latin1.csv"), "--out", str(env / "c.csv"))
    assert p.returncode == 2 and "is not utf-8" in p.stderr and "--encoding" in p.stderr and "latin1.csv" in p.stderr
    assert cli(env, str(env / "latin1.csv"), "--out", str(env / "c.csv"), "--encoding", "latin-1").returncode == 0
    assert (env / "c.csv").read_bytes() == (env / "a.csv").read_bytes()


def test_missing_or_unusable_output_folder_exits_2_with_the_path(env):
    src = write_csv(env / "ob.csv", [ROW])
    p = cli(env, str(src), "--out", str(env / "nowhere" / "o.csv"))
    assert p.returncode == 2 and str(env / "nowhere") in p.stderr and "does not exist" in p.stderr
    (env / "afile").write_text("x")
    p = cli(env, str(src), "--out", str(env / "afile" / "o.csv"))
    assert p.returncode == 2 and "--out" in p.stderr
    p = cli(env, str(src), "--out", str(env / "o.csv"), "--report", str(env / "nowhere" / "r.html"))
    assert p.returncode == 2 and p.stderr.startswith("--report") and not (env / "o.csv").exists()


def test_unreachable_scheduler_exits_2_naming_it(env):
    src = write_csv(env / "ob.csv", [ROW])
    p = cli(env, str(src), "--out", str(env / "o.csv"), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert p.returncode == 2 and p.stderr.startswith("--scheduler") and "tcp://127.0.0.1:9" in p.stderr
    assert leftovers(env) == [] and not (env / "o.csv").exists()


def test_a_damaged_partition_is_recomputed_and_the_output_is_the_same(env):
    src = book(env / "book.csv", 400, seed=2)
    batch.run(src, env / "ref.csv", partition_rows=100, store_path=env / "s.sqlite")
    (env / "r").mkdir()
    out = env / "r" / "ref.csv"
    calls = []

    def stop_after_two(stage: str, done: int, total: int) -> None:
        calls.append(done)
        if done >= 200:
            raise KeyboardInterrupt  # an interrupted run keeps its parts

    with pytest.raises(KeyboardInterrupt):
        batch.run(src, out, partition_rows=100, store_path=env / "s.sqlite", workers=1, progress=stop_after_two)
    parts = sorted((env / "r" / "ref.csv.parts").glob("part-*.bin"))
    assert len(parts) >= 2
    parts[0].write_bytes(b"\x00garbage")
    p = cli(env, str(src), "--out", str(out), "--partition-rows", "100")
    assert p.returncode == 0 and "damaged" in p.stderr and str(parts[0].name) in p.stderr
    assert out.read_bytes() == (env / "ref.csv").read_bytes()
    assert not (env / "r" / "ref.csv.parts").exists()


def _children(pid: int) -> list[int]:
    import psutil

    try:
        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _alive(pids: list[int]) -> list[int]:
    import psutil

    out = []
    for p in pids:
        try:
            if psutil.Process(p).status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


@pytest.mark.parametrize("engine,sig", [("local", signal.SIGKILL), ("local", signal.SIGTERM), ("dask", signal.SIGKILL)])
def test_workers_end_with_a_killed_or_terminated_run(env, engine, sig):
    src = book(env / "book.csv", 20000, seed=4)
    proc = subprocess.Popen(
        [
            str(LONGARM),
            "batch",
            str(src),
            "--out",
            str(env / "o.csv"),
            "--partition-rows",
            "500",
            "--engine",
            engine,
            "--workers",
            "2",
            "--store",
            str(env / "s.sqlite"),
        ],
        env={**os.environ, "LONGARM_HOME": str(env / "home")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    kids: list[int] = []
    while time.time() < deadline and len(kids) < 2:
        time.sleep(0.5)
        kids = _children(proc.pid)
    assert len(kids) >= 2, "no worker processes started"
    time.sleep(1.0)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    deadline = time.time() + 30
    while _alive(kids) and time.time() < deadline:
        time.sleep(0.5)
    assert _alive(kids) == []
    if sig == signal.SIGTERM:
        assert proc.returncode != 0 and (env / "o.csv.parts").exists()  # an interrupted run can resume


def test_a_second_run_on_the_same_output_exits_2_naming_the_first(env):
    src = write_csv(env / "ob.csv", [ROW])
    lock = env / ".o.csv.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.write(fd, json.dumps({"pid": 4242, "input": "other.csv", "started": "2026-01-01T00:00:00"}).encode())
    try:
        p = cli(env, str(src), "--out", str(env / "o.csv"))
    finally:
        os.close(fd)
    assert p.returncode == 2 and "another batch run" in p.stderr and "pid 4242" in p.stderr
    assert not (env / "o.csv").exists()


def test_identical_runs_are_recorded_once(env):
    src = book(env / "book.csv", 300)
    for _ in range(2):
        assert cli(env, str(src), "--out", str(env / "o.csv"), "--partition-rows", "100").returncode == 0
    db = sqlite3.connect(env / "store.sqlite")
    assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM audit WHERE kind = 'batch-partition'").fetchone()[0] == 3


def test_the_run_record_names_list_ruleset_input_hash_counts_and_output_hash(env):
    import hashlib

    src = book(env / "book.csv", 120)
    result = batch.run(src, env / "o.parquet", partition_rows=50, store_path=env / "s.sqlite")
    db = sqlite3.connect(env / "s.sqlite")
    row = db.execute("SELECT input_sha256, ruleset, lists_version, counts, params, status FROM runs").fetchone()
    assert row[0] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert json.loads(row[1])  # the ruleset fingerprint
    assert row[2] == result["lists_version"] and json.loads(row[3]) == result["counts"] and row[5] == "finished"
    params = json.loads(row[4])
    assert params["output_sha256"] == hashlib.sha256((env / "o.parquet").read_bytes()).hexdigest()
    assert sum(json.loads(row[3]).values()) == 120


def test_pdf_without_weasyprint_is_refused_before_any_work(env):
    try:
        import weasyprint  # noqa: F401

        pytest.skip("WeasyPrint is installed here")
    except (ImportError, OSError):
        pass
    src = write_csv(env / "ob.csv", [ROW])
    p = cli(env, str(src), "--out", str(env / "o.csv"), "--report", str(env / "r.pdf"))
    assert p.returncode == 2 and p.stderr.startswith("--report") and "WeasyPrint" in p.stderr
    assert not (env / "o.csv").exists() and leftovers(env) == []


def test_a_store_that_cannot_be_written_leaves_nothing_behind(env):
    src = write_csv(env / "ob.csv", [ROW])
    (env / "store-dir").mkdir()
    p = subprocess.run(
        [str(LONGARM), "batch", str(src), "--out", str(env / "o.csv"), "--store", str(env / "store-dir")],
        capture_output=True,
        text=True,
        env={**os.environ, "LONGARM_HOME": str(env / "home")},
    )
    assert p.returncode == 2 and p.stderr.startswith("--store")
    assert not (env / "o.csv").exists() and leftovers(env) == []


def test_a_failure_after_deciding_leaves_no_output_parts_or_temp_files(env, monkeypatch):
    src = book(env / "book.csv", 200)

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(batch, "_record", broken)
    with pytest.raises(sqlite3.OperationalError):
        batch.run(src, env / "o.csv", partition_rows=50, store_path=env / "s.sqlite")
    assert not (env / "o.csv").exists() and leftovers(env) == []


def test_dollar_signs_do_not_break_the_report_chart(env):
    # as math text, both labels are errors: the chart must print them as they are
    rows = [["O-1", "2025-06-01", "$a^^b$", "nvidia-h100-sxm", "US", "$\\notacommand$ Ltd", "DE"], ROW]
    src = write_csv(env / "ob.csv", rows)
    p = cli(env, str(src), "--out", str(env / "o.csv"), "--report", str(env / "r.html"))
    assert p.returncode == 0, p.stderr
    text = (env / "r.html").read_text()
    assert "$a^^b$" in text and "data:image/png;base64," in text


def test_parquet_output_keeps_types(env):
    src = book(env / "book.csv", 80)
    batch.run(src, env / "o.parquet", partition_rows=30, store_path=env / "s.sqlite")
    schema = pl.read_parquet_schema(env / "o.parquet")
    assert schema["license_required"] == pl.Boolean and schema["subject_to_ear"] == pl.Boolean
    assert schema["as_of_used"] == pl.Date
    typed = env / "typed.parquet"
    pl.DataFrame(
        {
            "order_id": ["A", "B"],
            "to_country": ["DE", "CN"],
            "catalog_id": ["nvidia-h100-sxm"] * 2,
            "as_of": [dt.date(2025, 6, 1), dt.date(2024, 6, 1)],
            "tpp": [None, 4800.0],
            "qty": [1, 2],
            "datacenter": [True, None],
        }
    ).write_parquet(typed)
    batch.run(typed, env / "t.parquet", store_path=env / "s.sqlite")
    out = pl.read_parquet(env / "t.parquet")
    assert out.schema["as_of"] == pl.Date and out.schema["qty"] == pl.Int64 and out.schema["datacenter"] == pl.Boolean
    assert out["as_of_used"].to_list() == [dt.date(2025, 6, 1), dt.date(2024, 6, 1)]


def test_whatif_reports_the_rows_whose_outcome_flips(env):
    pytest.importorskip("longarm.policy.whatif")
    header = ["order_id", "as_of", "to_country", "catalog_id", "origin_country"]
    rows = [["O-1", "2025-06-01", "CN", "nvidia-h20", "US"], ["O-2", "2025-06-01", "CN", "nvidia-h100-sxm", "US"]]
    src = write_csv(env / "ob.csv", rows, header=header)
    p = cli(env, str(src), "--out", str(env / "o.csv"), "--whatif", "3A090.a.tpp=1000")
    assert p.returncode == 0, p.stderr
    out = pl.read_csv(env / "o.csv", infer_schema=False)
    assert out.columns[-2:] == ["whatif_outcome", "flipped"]
    assert out["flipped"].to_list() == [str(a != b).lower() for a, b in zip(out["outcome"], out["whatif_outcome"])]
    assert "true" in out["flipped"].to_list()  # the H20 (TPP 2,368) is 3A090.a at a threshold of 1,000
    p = cli(env, str(src), "--out", str(env / "o2.csv"), "--whatif", "no.such=1")
    assert p.returncode == 2 and p.stderr.startswith("--whatif") and "valid keys" in p.stderr
