"""Order books of every shape: each output row is `assess` of that row alone, whatever the
sharing of names, countries and facts across rows, on either engine."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

import polars as pl
import pytest

from longarm import batch
from longarm.assess import assess
from longarm.errors import InputError
from longarm.inputs import transaction
from longarm.screening.lists import bundled

COLUMNS = list(batch.INPUT_COLUMNS) + ["quantity"]
COUNTRIES = ["CN", "DE", "SG", "VN", "MY", "IN", "AE", "JP", "US", "HK", "SA", "TW", "KR", "FR", "BR", "MO", "RU", "IR"]
CHIPS = ["nvidia-h100-sxm", "nvidia-h20", "nvidia-rtx-4090", "amd-mi300x", "huawei-ascend-910b", "nvidia-a100-sxm", ""]


def noisy(name: str, rng: random.Random) -> str:
    """A listed name as an order book spells it: case, punctuation, a dropped or doubled letter."""
    s = list(name.upper() if rng.random() < 0.5 else name)
    if len(s) > 6 and rng.random() < 0.5:
        i = rng.randrange(1, len(s) - 1)
        s[i : i + 1] = [] if rng.random() < 0.5 else [s[i], s[i]]
    return "".join(s).replace(",", "" if rng.random() < 0.5 else ",")


def mixed_book(path: Path, n: int, seed: int) -> Path:
    """Every shape at once: one name in many countries, listed names spelt noisily, invalid cells,
    every column filled in some rows."""
    rng = random.Random(seed)
    listed = [bundled().entry(i).name for i in range(0, len(bundled()), 97)]
    names = [f"Customer {i:03d} Trading Co., Ltd." for i in range(30)] + listed[:30]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for i in range(n):
            name = rng.choice(names)
            if name in listed and rng.random() < 0.5:
                name = noisy(name, rng)
            c = rng.choice(COUNTRIES)
            full = rng.random() < 0.3
            row = {
                "order_id": f"O-{i}" if rng.random() > 0.02 else "",
                "as_of": rng.choice(["2023-06-01", "2024-06-01", "2025-06-01", ""]),
                "activity": rng.choice(["export", "reexport", "use", "export"]),
                "from_country": "US",
                "to_country": c if rng.random() > 0.03 else "XX",
                "catalog_id": rng.choice(CHIPS),
                "eccn": rng.choice(["", "", "3A090.a", "EAR99"]) if full else "",
                "tpp": rng.choice(["", "", "4800", "abc"]) if full else "",
                "die_area_mm2": rng.choice(["", "600"]) if full else "",
                "datacenter": rng.choice(["", "true", "false"]) if full else "",
                "origin_country": rng.choice(["US", "TW", ""]),
                "us_controlled_content_pct": rng.choice(["", "10", "30"]) if full else "",
                "end_user": name if rng.random() > 0.1 else "",
                "end_user_country": c,
                "end_user_headquarters_country": rng.choice(["", c, "CN"]) if full else "",
                "end_user_ultimate_parent_headquarters_country": rng.choice(["", "CN", "DE"]) if full else "",
                "end_uses": rng.choice(["", "ai_model_training", "supercomputer;military"]) if full else "",
                "end_user_type": rng.choice(["", "organization"]) if full else "",
                "exporter_name": rng.choice(["", "NVIDIA Corporation"]) if full else "",
                "quantity": str(rng.randint(1, 64)),
            }
            w.writerow([row[c] for c in COLUMNS])
    return path


def alone(row: dict[str, str], today: dt.date) -> dict[str, str]:
    """The result columns for one row decided on its own, as the CSV output writes them."""
    try:
        doc = batch.transaction_of(row, today)
        d = assess(transaction(doc))
    except InputError:
        return {"error": "yes"}
    res = batch.result_of(d)
    text = {k: ("" if v is None else str(v).lower() if isinstance(v, bool) else str(v)) for k, v in res.items()}
    return text


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("LONGARM_HOME", str(tmp_path / "home"))
    return tmp_path


def test_each_output_row_is_assess_of_that_row_alone(env):
    src = mixed_book(env / "book.csv", 3000, seed=11)
    result = batch.run(src, env / "out.csv", partition_rows=400, store_path=env / "s.sqlite", raw=True)
    today = dt.date.fromisoformat(result["default_as_of"])
    inp = pl.read_csv(src, infer_schema=False).to_dicts()
    out = pl.read_csv(env / "out.csv", infer_schema=False).to_dicts()
    assert len(out) == len(inp) == 3000
    sample = random.Random(5).sample(range(len(inp)), 250)
    listed_hits = 0
    for i in sample:
        expected = alone(inp[i], today)
        got = out[i]
        if "error" in expected and expected["error"] == "yes":
            assert got["error"], (i, inp[i])
            continue
        if got["error"]:
            assert not inp[i]["order_id"], (i, got["error"])  # batch-only check: an order needs an id
            continue
        for column in (*batch.RESULT_COLUMNS, "as_of_used"):
            assert (got[column] or "") == expected[column], (i, column, inp[i], got[column], expected[column])
        listed_hits += bool(got["screening_hits"])
    assert listed_hits > 5  # the sample holds listed parties, noisy spellings included


def test_one_name_in_many_countries_is_screened_once_per_worker(env, monkeypatch):
    from longarm.screening import match

    calls: list[str] = []
    real = match.Index.candidates_for

    def counting(self, name, type=None):  # type: ignore[no-untyped-def]
        calls.append(name)
        return real(self, name, type)

    monkeypatch.setattr(match.Index, "candidates_for", counting)
    batch._CACHE["context"] = None
    rows = [
        {
            "order_id": f"O-{i}",
            "to_country": c,
            "catalog_id": "nvidia-h100-sxm",
            "end_user": "Huawei Technologies Co., Ltd.",
            "end_user_country": c,
        }
        for i, c in enumerate(COUNTRIES * 5)
    ]
    src = env / "book.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    batch.run(src, env / "out.jsonl", workers=1, store_path=env / "s.sqlite")
    screened_by_batch = [n for n in calls if n == "Huawei Technologies Co., Ltd."]
    assert len(rows) == 90 and 1 <= len(set(screened_by_batch)) == 1
    out = [json.loads(x) for x in (env / "out.jsonl").read_text().splitlines()]
    by_country = {r["to_country"]: r["screening_hits"] for r in out}
    assert by_country["CN"] and all(r["screening_hits"] == by_country[r["to_country"]] for r in out)


@pytest.mark.parametrize("fmt", [".csv", ".parquet", ".jsonl"])
def test_dask_with_two_workers_writes_the_same_bytes_as_local(env, fmt):
    src = mixed_book(env / "book.csv", 900, seed=3)
    (env / "l").mkdir()
    (env / "d").mkdir()
    batch.run(src, env / "l" / f"out{fmt}", partition_rows=200, store_path=env / "s.sqlite", workers=2)
    r = batch.run(
        src, env / "d" / f"out{fmt}", engine="dask", workers=2, partition_rows=200, store_path=env / "s.sqlite"
    )
    assert (env / "d" / f"out{fmt}").read_bytes() == (env / "l" / f"out{fmt}").read_bytes()
    import sqlite3

    params = [json.loads(p) for (p,) in sqlite3.connect(env / "s.sqlite").execute("SELECT params FROM runs")]
    dask_run = next(p for p in params if p["engine"] == "dask")
    assert dask_run["workers"] == 2 and len(dask_run["worker_facts"]) == 2
    assert all(f["lists_sha256"] == dask_run["lists_sha256"] for f in dask_run["worker_facts"].values())
    assert r["rows"] == 900


def test_partitions_stream_the_input(env):
    """The parent never holds the whole book: partitions come one at a time, in order."""
    src = mixed_book(env / "book.csv", 1000, seed=1)
    s = batch.open_source(src)
    starts = []
    for start, payload in s.partitions(128):
        assert payload.num_rows == min(128, 1000 - start)
        starts.append(start)
    assert starts == list(range(0, 1000, 128))


def install_list(home: Path, extra_name: str) -> str:
    """Put in service under `home` the bundled list plus one Entity List entry named `extra_name`."""
    import hashlib
    from importlib import resources

    raw = json.loads(resources.files("longarm.data").joinpath("ecfr/screening-list.json").read_bytes())
    sources = raw["tables"]["sources"]
    template = next(e for e in raw["entries"] if "Entity List" in sources[e["s"]])
    raw["entries"].append({**template, "n": extra_name, "a": [], "c": ["CN"]})
    data = json.dumps(raw).encode()
    digest = hashlib.sha256(data).hexdigest()
    folder = home / "lists" / digest[:16]
    folder.mkdir(parents=True)
    (folder / "list.json").write_bytes(data)
    (folder / "meta.json").write_text(json.dumps({"version": "CSL test", "sha256": digest}))
    (home / "lists" / "current").write_text(digest[:16])
    return digest


def test_a_cluster_worker_without_the_run_list_gets_it_shipped(env, monkeypatch):
    from dask.distributed import LocalCluster

    from longarm.screening.lists import current

    name = "Zyxwvut Quantum Widget Manufacturing Co., Ltd."
    digest = install_list(env / "client-home", name)
    monkeypatch.setenv("LONGARM_HOME", str(env / "client-home"))
    assert current().digest == digest
    rows = [
        {"order_id": "O-1", "to_country": "CN", "catalog_id": "nvidia-h20", "end_user": name, "end_user_country": "CN"}
    ]
    src = env / "book.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    worker_home = env / "worker-home"
    worker_home.mkdir()
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        env={"LONGARM_HOME": str(worker_home)},
    ) as cluster:
        batch.run(
            src, env / "out.jsonl", engine="dask", scheduler=cluster.scheduler_address, store_path=env / "s.sqlite"
        )
    out = json.loads((env / "out.jsonl").read_text())
    assert name in out["screening_hits"] and out["screening_hits"].startswith("Entity List")
    import sqlite3

    (params,) = sqlite3.connect(env / "s.sqlite").execute("SELECT params FROM runs").fetchone()
    facts = json.loads(params)["worker_facts"]
    assert [f["lists_sha256"] for f in facts.values()] != [digest]  # the worker had another list, and said so
    assert json.loads(params)["lists_sha256"] == digest
