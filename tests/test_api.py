"""The REST API of `longarm serve`, over HTTP against the real server (no mocks)."""

from __future__ import annotations

import json
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import polars as pl
from conftest import ROOT, run_cli
from test_scenarios import CASES
from web_fixtures import LONGARM, start_server

PROBLEM = "application/problem+json"
H100_CN = {
    "as_of": "2024-06-01",
    "activity": "export",
    "from_country": "US",
    "to_country": "CN",
    "item": {"catalog_id": "nvidia-h100-sxm", "origin_country": "US"},
}


def test_health_needs_no_key(server):
    r = httpx.get(server.url + "/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_openapi_31_and_docs(server):
    spec = httpx.get(server.url + "/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    for path in (
        "/v1/assess",
        "/v1/classify",
        "/v1/screen",
        "/v1/match",
        "/v1/batches",
        "/v1/batches/{id}",
        "/v1/batches/{id}/result",
        "/v1/chips",
        "/v1/rules",
        "/v1/lists",
        "/v1/diff",
        "/healthz",
    ):
        assert path in spec["paths"], path
    assert "Transaction" in spec["components"]["schemas"]
    assert httpx.get(server.url + "/docs").status_code == 200


def test_missing_and_unknown_keys_are_401_problems(server):
    r = httpx.post(server.url + "/v1/assess", json=H100_CN)
    assert r.status_code == 401 and r.headers["content-type"] == PROBLEM
    assert r.json()["errors"][0]["field"] == "Authorization" and "Bearer" in r.headers["www-authenticate"]
    r = httpx.post(server.url + "/v1/assess", json=H100_CN, headers={"Authorization": "Bearer la_nope_nope"})
    assert r.status_code == 401


def test_viewer_cannot_assess_or_manage_keys(server):
    with server.client("viewer") as c:
        assert c.post("/v1/assess", json=H100_CN).status_code == 403
        assert c.get("/v1/screen", params={"name": "Huawei"}).status_code == 200
    with server.client("analyst") as c:
        r = c.get("/v1/keys")
        assert r.status_code == 403 and r.headers["content-type"] == PROBLEM
        assert c.post("/v1/lists", json={"source": "/nonexistent"}).status_code == 403


def test_assess_returns_the_determination(server):
    with server.client() as c:
        r = c.post("/v1/assess", json=H100_CN)
    assert r.status_code == 200
    d = r.json()
    assert d["contract"] == "2" and d["outcome"] == "LICENSE_REQUIRED" and d["item"]["eccn"] == "3A090.a"
    assert any("742.6(a)(6)" in x["citation"] for x in d["license_requirements"])


def test_invalid_transaction_is_422_naming_each_field(server):
    bad = {**H100_CN, "item": {"catalog_id": "nvidia-h100-sxm", "die_area_mm2": -5}, "colour": "red"}
    with server.client() as c:
        r = c.post("/v1/assess", json=bad)
        assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
        fields = {e["field"] for e in r.json()["errors"]}
        assert {"item.die_area_mm2", "colour"} <= fields
        r = c.post("/v1/assess", content=b"{not json", headers={"content-type": "application/json"})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "(body)"
        r = c.post("/v1/assess", json={**H100_CN, "parties": [{"role": "boss", "name": "X"}]})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "parties[0].role"


def test_body_past_the_limit_is_413(server):
    big = {**H100_CN, "item": {"name": "x" * (2 << 20)}}
    with server.client() as c:
        r = c.post("/v1/assess", json=big)
    assert r.status_code == 413 and r.headers["content-type"] == PROBLEM


def test_rate_limit_per_key_is_429_with_retry_after(server):
    token = server.key("slow client", "viewer", rate=2)
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as c:
        codes = [c.get("/v1/chips").status_code for _ in range(3)]
        r = c.get("/v1/chips")
    assert codes[:2] == [200, 200] and 429 in (codes[2], r.status_code)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and r.headers["content-type"] == PROBLEM
    with server.client("viewer") as other:  # another key is not slowed down
        assert other.get("/v1/chips").status_code == 200


def _cli_determination(data: dict) -> dict:
    proc = run_cli("assess", "-", "--json", stdin=json.dumps(data, default=str))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _post(c: httpx.Client, data: dict) -> dict:
    r = c.post("/v1/assess", content=json.dumps(data, default=str), headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    return r.json()


def test_parity_with_the_cli_for_every_scenario_file(server):
    """For the first case of every scenario file, POST /v1/assess equals `longarm assess --json`."""
    firsts = {name.split(":")[0]: data for name, data, _, _ in reversed(CASES)}
    with ThreadPoolExecutor(2) as pool:
        cli = dict(zip(firsts, pool.map(_cli_determination, firsts.values())))
    with server.client() as c:
        for name, data in firsts.items():
            assert _post(c, data) == cli[name], name


def test_parity_with_the_library_for_every_scenario_case(server):
    """Every case: the API's Determination is the one `assess --json` prints (the same call, in-process)."""
    from longarm.assess import assess
    from longarm.inputs import transaction

    with server.client() as c:
        for name, data, _, _ in CASES:
            assert _post(c, data) == json.loads(assess(transaction(data)).model_dump_json()), name


def test_every_determination_is_in_the_audit_log_with_the_key(server):
    from longarm.store import Store

    with server.client() as c:
        c.post("/v1/assess", json={**H100_CN, "item": {"catalog_id": "nvidia-h20", "name": "audit-marker-7"}})
    key_id = server.tokens["analyst"].split("_")[1]
    for _ in range(100):
        store = Store(server.store)
        try:
            found = [
                r
                for r in store.records(kind="assess")
                if r["payload"]["transaction"]["item"].get("name") == "audit-marker-7"
            ]
        finally:
            store.close()
        if found:
            break
        time.sleep(0.1)
    assert found and found[0]["payload"]["key_id"] == key_id and found[0]["payload"]["outcome"]


def test_classify(server):
    with server.client() as c:
        for on in ("2023-01-01", "2024-01-01"):
            r = c.post("/v1/classify", json={"item": {"catalog_id": "nvidia-h800-sxm"}, "as_of": on})
            cli = json.loads(run_cli("classify", "--chip", "nvidia-h800-sxm", "--as-of", on, "--json").stdout)
            assert r.status_code == 200 and {"as_of": on, **r.json()} == cli
        r = c.post(
            "/v1/classify", json={"item": {"tpp": 5000, "die_area_mm2": 800, "datacenter": True}, "as_of": "2024-01-01"}
        )
        assert r.json()["eccn"] == "3A090.a"
        r = c.post("/v1/classify", json={"item": {"tpp": -3}})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "item.tpp"
        r = c.post("/v1/classify", json={"item": {"catalog_id": "no-such-chip"}})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "item.catalog_id"


def test_screen_huawei_in_chinese(server):
    with server.client("viewer") as c:
        r = c.get("/v1/screen", params={"name": "华为技术有限公司", "country": "CN"})
        assert r.status_code == 200
        body = r.json()
        entity = [m for m in body["matches"] if m["list"] == "Entity List"]
        assert body["lists_version"] and entity and entity[0]["license_requirement"]
        assert body == json.loads(run_cli("screen", "华为技术有限公司", "--country", "CN", "--json").stdout)
        r = c.get("/v1/screen", params={"name": "Huawei", "country": "Narnia"})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "country"
        r = c.get("/v1/screen", params={"name": "Huawei", "type": "dragon"})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "type"


def test_match(server):
    with server.client("viewer") as c:
        r = c.post("/v1/match", json={"name1": "Huawei Technologies Co., Ltd.", "name2": "HUAWEI TECHNOLOGIES CO LTD"})
        assert r.status_code == 200 and r.json()["match"] is True and 0 <= r.json()["score"] <= 1
        r = c.post("/v1/match", json={"name1": "Huawei"})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "name2"


def test_reference_endpoints_match_the_cli(server):
    with server.client("viewer") as c:
        chips = c.get("/v1/chips", params={"as_of": "2024-01-01"}).json()
        cli = json.loads(run_cli("chips", "--as-of", "2024-01-01", "--json").stdout)
        assert [r["id"] for r in chips] == [r["id"] for r in cli]
        h100 = lambda rows: next(r for r in rows if r["id"] == "nvidia-h100-sxm")  # noqa: E731
        assert h100(chips) == h100(cli) and h100(chips)["eccn"] == "3A090.a"
        assert c.get("/v1/chips", params={"as_of": "yesterday"}).json()["errors"][0]["field"] == "as_of"
        rules = c.get("/v1/rules").json()
        assert rules and all(r["citation"] and r["id"] for r in rules)
        assert c.get("/v1/lists").json() == json.loads(run_cli("lists", "--json").stdout)
        r = c.get("/v1/diff", params={"from": "2023-01-01", "to": "2024-01-01"})
        assert r.status_code in (200, 404)
        if r.status_code == 200:
            assert r.json() == json.loads(run_cli("diff", "2023-01-01", "2024-01-01", "--json").stdout)
        assert c.get("/v1/diff", params={"from": "2023-13-01", "to": "2024-01-01"}).status_code == 422


def test_keys_are_admin_and_revocation_is_immediate(server):
    with server.client("admin") as c:
        r = c.post("/v1/keys", json={"name": "erp", "role": "viewer"})
        assert r.status_code == 201
        made = r.json()
        assert made["token"].startswith("la_") and made["id"] in [k["id"] for k in c.get("/v1/keys").json()]
        assert "token" not in json.dumps(c.get("/v1/keys").json())
        erp = {"Authorization": f"Bearer {made['token']}"}
        assert httpx.get(server.url + "/v1/chips", headers=erp).status_code == 200
        assert c.delete(f"/v1/keys/{made['id']}").status_code == 204
        assert httpx.get(server.url + "/v1/chips", headers=erp).status_code == 401
    listed = run_cli("keys", "list", "--json", "--store", str(server.store))
    row = next(k for k in json.loads(listed.stdout) if k["id"] == made["id"])
    assert row["revoked"] and "secret" not in json.dumps(row)


def book(path: Path, rows: int) -> Path:
    lines = ["order_id,as_of,from_country,to_country,catalog_id,origin_country,end_user,end_user_country"]
    dests = ["CN", "DE", "VN", "SA", "MY"]
    chips = ["nvidia-h100-sxm", "nvidia-h20", "amd-mi300x"]
    for i in range(rows):
        user = "Huawei Technologies Co., Ltd." if i % 7 == 0 else f"Customer {i % 50}"
        lines.append(f'o{i},2024-06-01,US,{dests[i % 5]},{chips[i % 3]},US,"{user}",{dests[i % 5]}')
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def wait_done(c: httpx.Client, job_id: str, timeout: float = 300) -> dict:
    end = time.time() + timeout
    while time.time() < end:
        status = c.get(f"/v1/batches/{job_id}").json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.3)
    raise AssertionError(f"batch {job_id} not done: {status}")


def test_batch_upload_progress_result_and_report(server, tmp_path):
    src = book(tmp_path / "orders.csv", 400)
    with server.client() as c:
        r = c.post("/v1/batches", files={"file": ("orders.csv", src.read_bytes(), "text/csv")})
        assert r.status_code == 202 and r.json()["status"] == "queued"
        job_id = r.json()["id"]
        status = wait_done(c, job_id)
        assert status["status"] == "done" and status["rows_done"] == status["rows_total"] == 400
        assert sum(status["counts"].values()) == 400
        csv = c.get(f"/v1/batches/{job_id}/result", params={"format": "csv"})
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        (tmp_path / "out.csv").write_bytes(csv.content)
        (tmp_path / "out.parquet").write_bytes(c.get(f"/v1/batches/{job_id}/result?format=parquet").content)
        assert c.get(f"/v1/batches/{job_id}/report").text.lstrip().lower().startswith("<!doctype html")
    got = pl.read_csv(tmp_path / "out.csv", infer_schema=False)
    assert got["order_id"].to_list() == [f"o{i}" for i in range(400)]
    from longarm.store import Store

    audit = Store(server.store)
    try:  # the run's rows are in the audit log, tied to the key that uploaded the book
        job = next(r for r in audit.records(kind="batch-job") if r["subject"] == job_id)
        assert job["payload"]["key_id"] == server.tokens["analyst"].split("_")[1]
        parts = [r for r in audit.records(kind="batch-partition") if r["run_id"] == job["payload"]["run_id"]]
        assert sum(b - a for a, b in (p["payload"]["rows"] for p in parts)) == 400
    finally:
        audit.close()
    assert pl.read_parquet(tmp_path / "out.parquet").height == 400
    # the same book through the CLI gives the same rows
    proc = subprocess.run(
        [str(LONGARM), "batch", str(src), "--out", str(tmp_path / "cli.csv")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert pl.read_csv(tmp_path / "cli.csv", infer_schema=False).equals(got)


def test_only_the_owner_sees_a_batch(server, tmp_path):
    src = book(tmp_path / "mine.csv", 5)
    with server.client("analyst") as c:
        job_id = c.post("/v1/batches", files={"file": ("mine.csv", src.read_bytes())}).json()["id"]
    other = server.key("another team", "analyst")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {other}"}) as c:
        assert c.get(f"/v1/batches/{job_id}").status_code == 404
        assert c.get(f"/v1/batches/{job_id}/result").status_code == 404


def test_uploads_are_checked_for_type_and_size(server, tmp_path):
    with server.client() as c:
        r = c.post("/v1/batches", files={"file": ("orders.exe", b"MZ\x90\x00")})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "file"
        r = c.post("/v1/batches", files={"file": ("orders.parquet", b"order_id,to_country\n1,CN\n")})
        assert r.status_code == 422
        r = c.post("/v1/batches", files={"file": ("orders.csv", b"id,country\n1,CN\n")})
        assert r.status_code == 422 and "order_id" in r.json()["errors"][0]["message"]
        big = b"order_id,to_country\n" + b"1,CN\n" * (9 << 18)  # past the server's 8 MB limit
        r = c.post("/v1/batches", files={"file": ("orders.csv", big)})
        assert r.status_code == 413


def test_batches_resume_after_a_restart(tmp_path):
    store = tmp_path / "store" / "longarm.sqlite"
    store.parent.mkdir()
    srv = start_server(store)
    token = srv.key("restart", "analyst")
    src = book(tmp_path / "big.csv", 30_000)
    try:
        with httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
            job_id = c.post("/v1/batches", files={"file": ("big.csv", src.read_bytes())}).json()["id"]
            for _ in range(600):
                if c.get(f"/v1/batches/{job_id}").json()["status"] != "queued":
                    break
                time.sleep(0.1)
    finally:
        srv.stop()  # the server and its batch worker stop mid-run
    srv = start_server(store)
    try:
        with httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
            status = c.get(f"/v1/batches/{job_id}").json()
            assert status["status"] in ("running", "queued", "done")
            status = wait_done(c, job_id, 600)
            assert status["status"] == "done" and status["rows_done"] == 30_000
            out = c.get(f"/v1/batches/{job_id}/result", params={"format": "csv"})
            assert out.text.count("\n") == 30_001
    finally:
        srv.stop()


def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(server):
    """Every operation fuzzed (a few examples each): no 5xx, every response as documented."""
    token = server.key("schemathesis", "admin", rate=10_000_000)
    proc = subprocess.run(
        [
            str(LONGARM.with_name("st")),
            "run",
            server.url + "/openapi.json",
            "-H",
            f"Authorization: Bearer {token}",
            "--checks",
            "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance",
            "--max-examples",
            "8",
            "--seed",
            "1",
            "--no-shrink",
            "--phases",
            "examples,coverage,fuzzing",
            "--exclude-operation-id",
            "post_lists_v1_lists_post",  # installs lists from server paths or URLs
            "--generation-database",
            "none",
            "--request-timeout",
            "30",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-6000:]
    assert " passed" in proc.stdout
