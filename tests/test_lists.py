"""`lists update`: official formats, validation, the 10 % drop guard, atomic switch, URLs."""

from __future__ import annotations

import csv
import http.server
import json
import threading
from pathlib import Path

import pytest

from tests.conftest import run_cli

SAMPLE = Path(__file__).parent / "data" / "consolidated-2022-sample.csv"


@pytest.fixture
def home(tmp_path, monkeypatch):
    env = {"LONGARM_HOME": str(tmp_path / "home"), "LONGARM_CACHE": str(tmp_path / "cache")}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return tmp_path / "home"


def cli(*args, stdin=None):
    return run_cli(*args, stdin=stdin)


def test_bundled_list_is_in_service_by_default(home):
    out = json.loads(cli("lists", "--json").stdout)
    assert out[0]["in_service"] and out[0]["version"] == "CSL 2026-07-31"
    assert out[0]["counts"]["Entity List (EL) - Bureau of Industry and Security"] == 3420
    assert sum(out[0]["counts"].values()) == 25921


def test_a_list_that_dropped_more_than_10_percent_is_refused_and_nothing_changes(home):
    proc = cli("lists", "update", "--from", str(SAMPLE))
    assert proc.returncode == 2 and "refused" in proc.stderr and "--from" in proc.stderr
    assert not (home / "lists" / "current").exists()
    assert (
        json.loads(cli("screen", "Huawei Technologies Co., Ltd.", "--json").stdout)["lists_version"] == "CSL 2026-07-31"
    )


def test_forced_update_switches_and_results_name_the_new_version(home):
    proc = cli("lists", "update", "--from", str(SAMPLE), "--force")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(cli("screen", "Chengdu Huawei Technologies Co., Ltd.", "--json").stdout)
    assert out["lists_version"].startswith("CSL ") and out["lists_version"] != "CSL 2026-07-31"
    assert any(m["list"] == "Entity List" for m in out["matches"])
    listed = json.loads(cli("lists", "--json").stdout)
    assert [v["in_service"] for v in listed] == [False, True]
    # assess uses the list in service too
    tx = {
        "as_of": "2024-06-01",
        "from_country": "US",
        "to_country": "CN",
        "item": {"catalog_id": "nvidia-h20", "origin_country": "US"},
        "end_uses": [],
        "parties": [{"role": "end_user", "name": "Chengdu Huawei Technologies Co., Ltd.", "country": "CN"}],
    }
    d = json.loads(cli("assess", "-", "--json", stdin=json.dumps(tx)).stdout)
    assert d["outcome"] == "LICENSE_REQUIRED"


def test_trade_gov_json_format_is_read(home, tmp_path):
    with SAMPLE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    results = [
        {
            "name": r["name"],
            "source": r["source"],
            "alt_names": [a for a in r["alt_names"].split(";") if a],
            "addresses": [{"country": "CN"}],
            "license_requirement": r["license_requirement"],
            "license_policy": r["license_policy"],
            "federal_register_notice": r["federal_register_notice"],
            "programs": [r["programs"]],
            "type": r["type"],
            "entity_number": r["entity_number"],
        }
        for r in rows
    ]
    path = tmp_path / "consolidated.json"
    path.write_text(json.dumps({"results": results}))
    assert cli("lists", "update", "--from", str(path), "--force").returncode == 0
    assert cli("screen", "Huawei Technologies Co., Ltd.").returncode == 0


@pytest.mark.parametrize(
    "content,message",
    [
        ("name,foo\nX,Y\n", "missing column(s) source"),
        ("{not json", "invalid JSON"),
        ('{"something": 1}', "no 'results' list"),
        ("source,name\nEntity List (EL) - Bureau of Industry and Security,\n", "line 2: name is empty"),
        ("source,name\n", "no entries"),
    ],
)
def test_invalid_files_are_refused_with_the_reason(home, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    proc = cli("lists", "update", "--from", str(path), "--force")
    assert proc.returncode == 2 and message in proc.stderr and proc.stdout == ""
    assert not (home / "lists" / "current").exists()


def test_missing_file_and_unreachable_url(home):
    assert cli("lists", "update", "--from", "/no/such/file.csv").returncode == 2
    proc = cli("lists", "update", "--from", "http://127.0.0.1:9/consolidated.csv")
    assert proc.returncode == 2 and "cannot read" in proc.stderr


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_update_from_a_url_served_locally(home, tmp_path):
    served = tmp_path / "www"
    served.mkdir()
    (served / "consolidated.csv").write_bytes(SAMPLE.read_bytes())
    handler = lambda *a, **k: _Quiet(*a, directory=str(served), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/consolidated.csv"
        proc = cli("lists", "update", "--from", url, "--force")
        assert proc.returncode == 0, proc.stderr
    finally:
        server.shutdown()
    meta = json.loads(next((home / "lists").glob("*/meta.json")).read_text())
    assert meta["source"] == url and meta["replaced"] == "CSL 2026-07-31"


def test_a_second_update_is_guarded_against_the_first(home, tmp_path):
    assert cli("lists", "update", "--from", str(SAMPLE), "--force").returncode == 0
    smaller = tmp_path / "smaller.csv"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    smaller.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    proc = cli("lists", "update", "--from", str(smaller))
    assert proc.returncode == 2 and "refused" in proc.stderr
    assert sum(v["in_service"] for v in json.loads(cli("lists", "--json").stdout)) == 1


def test_screen_and_match_commands(home, tmp_path):
    out = json.loads(cli("screen", "华为技术有限公司", "--country", "CN", "--json").stdout)
    assert out["query"] == "华为技术有限公司" and out["matches"][0]["score"] >= 0.85
    assert {
        "matched_name",
        "list",
        "score",
        "entity_number",
        "license_requirement",
        "license_policy",
        "federal_register",
        "explanation",
    } <= set(out["matches"][0])
    m = json.loads(cli("match", "Mwangi & Sons", "Mwangi & Daughters", "--json").stdout)
    assert m["match"] is False and 0 <= m["score"] <= 1 and m["explanation"]
    pairs = tmp_path / "pairs.csv"
    pairs.write_text('name1,name2\n"Huawei Technologies Co., Ltd.",HUAWEI TECH CO LTD\nCORP,Acme Corp\n')
    res = json.loads(cli("match", "--pairs", str(pairs), "--json").stdout)
    assert [r["match"] for r in res] == [True, False]
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    proc = cli("match", "--pairs", str(bad), "--json")
    assert proc.returncode == 2 and proc.stderr.startswith("--pairs")
    assert cli("screen", "x", "--country", "ZZ").returncode == 2


def compact_sample(generated: str) -> bytes:
    from longarm.screening.update import parse

    doc = json.loads(parse(SAMPLE.read_bytes())[0])
    doc["sourceGeneratedAt"] = generated
    return json.dumps(doc).encode()


@pytest.mark.parametrize("generated", ["./../../..", "../../../../tmp/forged", "9999-01-01T00:00:00", "1970-01-01"])
def test_a_forged_generation_date_never_names_a_folder_or_a_version(home, tmp_path, generated):
    path = tmp_path / "list.json"
    path.write_bytes(compact_sample(generated))
    proc = cli("lists", "update", "--from", str(path), "--force")
    assert proc.returncode == 2 and "sourceGeneratedAt" in proc.stderr and proc.stdout == ""
    assert not (home / "lists" / "current").exists()
    assert {p.name for p in tmp_path.iterdir()} <= {"home", "list.json"}
    assert not [p for p in tmp_path.parent.iterdir() if ".." in p.name]


def test_the_folder_is_named_by_the_content_hash_and_the_label_by_a_checked_date(home, tmp_path):
    import hashlib

    data = compact_sample("2026-08-15T04:00:00Z")
    path = tmp_path / "list.json"
    path.write_bytes(data)
    assert cli("lists", "update", "--from", str(path), "--force").returncode == 0
    (folder,) = [p for p in (home / "lists").iterdir() if p.is_dir()]
    assert folder.name == hashlib.sha256(data).hexdigest()[:16]
    meta = json.loads((folder / "meta.json").read_text())
    assert (
        meta["version"] == f"CSL 2026-08-15 ({folder.name[:12]})" and meta["sha256"] == hashlib.sha256(data).hexdigest()
    )


def _entity_list_csv(path, names):
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["source", "name"])
        for n in names:
            w.writerow(["Entity List (EL) - Bureau of Industry and Security", n])


@pytest.mark.parametrize(
    "names,message",
    [
        (["PLACEHOLDER"] * 25_920 + ["Huawei Technologies Co., Ltd."], "distinct names"),
        ([f"Trading Company {i}" for i in range(500)], "no Entity List entry naming 'huawei technologies'"),
    ],
)
def test_a_list_that_is_not_genuine_is_refused_even_when_forced(home, tmp_path, names, message):
    path = tmp_path / "fake.csv"
    _entity_list_csv(path, names)
    proc = cli("lists", "update", "--from", str(path), "--force")
    assert proc.returncode == 2 and message in proc.stderr and "refused" in proc.stderr
    assert not (home / "lists" / "current").exists()


def _screen(name="Chengdu Huawei Technologies Co., Ltd."):
    return cli("screen", name, "--json")


def test_a_damaged_list_in_service_falls_back_loudly_and_update_repairs_it(home):
    assert cli("lists", "update", "--from", str(SAMPLE), "--force").returncode == 0
    (folder,) = [p for p in (home / "lists").iterdir() if p.is_dir()]
    assert json.loads(_screen().stdout)["lists_version"] != "CSL 2026-07-31"
    data = bytearray((folder / "list.json").read_bytes())
    data[len(data) // 2] ^= 0x20  # one flipped bit in a name
    (folder / "list.json").write_bytes(bytes(data))
    proc = _screen()
    assert proc.returncode == 0 and json.loads(proc.stdout)["lists_version"] == "CSL 2026-07-31"
    assert "damaged" in proc.stderr and "bundled list" in proc.stderr and "lists update" in proc.stderr
    assert cli("lists", "--json").returncode == 0
    repaired = cli("lists", "update", "--from", str(SAMPLE), "--force")
    assert repaired.returncode == 0, repaired.stderr
    proc = _screen()
    version = json.loads(proc.stdout)["lists_version"]
    assert version.startswith("CSL ") and version != "CSL 2026-07-31" and "warning" not in proc.stderr


def test_a_deleted_list_in_service_falls_back_loudly(home):
    import shutil

    assert cli("lists", "update", "--from", str(SAMPLE), "--force").returncode == 0
    (folder,) = [p for p in (home / "lists").iterdir() if p.is_dir()]
    shutil.rmtree(folder)
    proc = _screen()
    assert proc.returncode == 0 and json.loads(proc.stdout)["lists_version"] == "CSL 2026-07-31"
    assert "was deleted" in proc.stderr and "bundled list" in proc.stderr


def test_a_pointer_outside_the_lists_folder_is_never_followed(home, tmp_path):
    (home / "lists").mkdir(parents=True)
    (home / "lists" / "current").write_text("../../..")
    proc = _screen()
    assert proc.returncode == 0 and "does not name an installed list" in proc.stderr
    assert json.loads(proc.stdout)["lists_version"] == "CSL 2026-07-31"
    assert cli("lists", "update", "--from", str(SAMPLE), "--force").returncode == 0
    assert "warning" not in _screen().stderr


def test_a_utf16_list_with_a_byte_order_mark_is_read_and_latin1_is_named(home, tmp_path):
    import codecs

    utf16 = tmp_path / "consolidated-utf16.csv"
    utf16.write_bytes(codecs.BOM_UTF16_LE + SAMPLE.read_text(encoding="utf-8").encode("utf-16-le"))
    assert cli("lists", "update", "--from", str(utf16), "--force").returncode == 0
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(
        "source,name\nEntity List (EL) - Bureau of Industry and Security,Soci\xe9t\xe9\n".encode("latin-1")
    )
    proc = cli("lists", "update", "--from", str(latin1), "--force")
    assert proc.returncode == 2 and "not UTF-8 (byte 0xe9 on line 2)" in proc.stderr
