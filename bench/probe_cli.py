"""Attack the `longarm` command line with bad input and faults, and grade every answer.

Runs the installed `longarm` (the one beside this Python) in a scratch `$LONGARM_HOME`, once per
probe, and prints a table: probe, exit code, an excerpt of stdout/stderr, verdict. The contract
being checked:

- exit 0: a determination (or listing) was made; `--json` stdout is exactly one JSON document;
- exit 2: invalid input, one message per problem on stderr naming the field path or option, and
  nothing on stdout;
- exit 1 only for a genuine internal error: a traceback or "internal error" for user input is a
  defect;
- nothing lost or half-written: input files are never modified, output files appear whole or not
  at all.

Verdicts: `clear error` (exit 2 as it should, naming the field), `handled` (exit 0 as it should),
`DEFECT: why`. Usage: `python bench/probe_cli.py [--jobs N] [--only SUBSTRING] [--defects]`.
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LONGARM = Path(sys.executable).with_name("longarm")

BASE: dict[str, Any] = {
    "as_of": "2024-06-01",
    "activity": "export",
    "from_country": "US",
    "to_country": "CN",
    "item": {"catalog_id": "nvidia-h100-sxm", "origin_country": "US"},
    "parties": [{"role": "end_user", "name": "Example Cloud Co., Ltd.", "country": "CN"}],
    "end_uses": ["ai_model_training"],
    "exporter": {"us_person": True},
    "posture": "text",
}


@dataclass
class Probe:
    name: str
    args: list[str]
    expect: str  # "error" (exit 2), "ok" (exit 0), "either" (exit 0, or a clear exit 2)
    names: str | None = None  # what stderr must name for a clear error
    stdin: bytes | None = None
    check: Callable[[subprocess.CompletedProcess[bytes]], str | None] | None = None
    setup: Callable[[], None] | None = None
    env: dict[str, str] = field(default_factory=dict)
    timeout: float = 120


def tx(**changes: Any) -> dict[str, Any]:
    """BASE with dotted-path changes; a value of DEL removes the field."""
    doc = json.loads(json.dumps(BASE))
    for path, value in changes.items():
        node = doc
        parts = path.split("__")
        for p in parts[:-1]:
            node = node[int(p)] if isinstance(node, list) else node.setdefault(p, {})
        last: Any = int(parts[-1]) if isinstance(node, list) else parts[-1]
        if value is DEL:
            del node[last]
        else:
            node[last] = value
    return doc


DEL = object()


class Scratch:
    """Files the probes read and write, under one temporary folder."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="longarm-probe-"))
        self.home = self.dir / "home"
        self.home.mkdir()
        self.locked: list[str] = []

    def write(self, name: str, content: bytes | str | dict[str, Any]) -> str:
        p = self.dir / name
        if isinstance(content, dict):
            content = json.dumps(content)
        p.write_bytes(content.encode() if isinstance(content, str) else content)
        return str(p)

    def path(self, name: str) -> str:
        return str(self.dir / name)

    def immutable(self, path: str) -> None:
        """Make `path` unwritable even for root (`chattr +i`); undone by `release`."""
        subprocess.run(["chattr", "+i", path], check=True, capture_output=True)
        self.locked.append(path)

    def release(self) -> None:
        for path in self.locked:
            subprocess.run(["chattr", "-i", path], capture_output=True)


def not_nlr(proc: subprocess.CompletedProcess[bytes]) -> str | None:
    if proc.returncode == 0 and b'"outcome": "NLR"' in proc.stdout:
        return "answered NLR"
    return None


def outcome_is(*wanted: str) -> Callable[[subprocess.CompletedProcess[bytes]], str | None]:
    def check(proc: subprocess.CompletedProcess[bytes]) -> str | None:
        try:
            got = json.loads(proc.stdout)["outcome"]
        except Exception:  # noqa: BLE001
            return "no outcome in stdout"
        return None if got in wanted else f"outcome {got}, expected {'/'.join(wanted)}"

    return check


def file_unchanged(path: str) -> Callable[[subprocess.CompletedProcess[bytes]], str | None]:
    before = {"digest": None}

    def check(proc: subprocess.CompletedProcess[bytes]) -> str | None:
        if before["digest"] is None:
            return None
        now = hashlib.sha256(Path(path).read_bytes()).hexdigest() if Path(path).exists() else "gone"
        return None if now == before["digest"] else f"{path} was modified"

    def snap() -> None:
        before["digest"] = hashlib.sha256(Path(path).read_bytes()).hexdigest()

    check.snap = snap  # type: ignore[attr-defined]
    return check


def all_of(*checks: Callable[[subprocess.CompletedProcess[bytes]], str | None]) -> Callable[..., str | None]:
    def check(proc: subprocess.CompletedProcess[bytes]) -> str | None:
        for c in checks:
            bad = c(proc)
            if bad:
                return bad
        return None

    return check


def no_file(path: str) -> Callable[[subprocess.CompletedProcess[bytes]], str | None]:
    def check(proc: subprocess.CompletedProcess[bytes]) -> str | None:
        p = Path(path)
        leftovers = [q.name for q in p.parent.glob(f".{p.name}*")] if p.parent.is_dir() else []
        if leftovers:
            return f"left temporary files {leftovers}"
        return None

    return check


def stdout_has(text: str) -> Callable[[subprocess.CompletedProcess[bytes]], str | None]:
    def check(proc: subprocess.CompletedProcess[bytes]) -> str | None:
        return None if text.encode() in proc.stdout else f"stdout lacks {text!r}"

    return check


def stdout_lacks(text: bytes) -> Callable[[subprocess.CompletedProcess[bytes]], str | None]:
    def check(proc: subprocess.CompletedProcess[bytes]) -> str | None:
        return f"stdout holds {text!r}" if text in proc.stdout else None

    return check


def one_json(proc: subprocess.CompletedProcess[bytes]) -> str | None:
    """stdout is exactly one JSON document (standard JSON: no NaN or Infinity)."""

    def reject(c: str) -> Any:
        raise ValueError(f"non-standard constant {c}")

    try:
        json.loads(proc.stdout.decode("utf-8"), parse_constant=reject)
    except Exception as e:  # noqa: BLE001
        return f"--json stdout is not one JSON document ({str(e)[:60]})"
    return None


def probes(s: Scratch) -> list[Probe]:  # noqa: PLR0915 (one list of every probe)
    out: list[Probe] = []
    P = out.append
    good = s.write("good.json", BASE)
    good_yaml = s.write(
        "good.yaml",
        "as_of: 2024-06-01\nfrom_country: US\nto_country: CN\nitem: {catalog_id: nvidia-h100-sxm}\n",
    )

    def assess_doc(name: str, doc: Any, expect: str, names: str | None = None, check: Any = None) -> None:
        path = s.write(f"a-{len(out)}.json", doc if isinstance(doc, bytes | str) else json.dumps(doc))
        P(Probe(f"assess {name}", ["assess", path, "--json"], expect, names, check=check))

    # ---- assess: reading the file -----------------------------------------------------------
    P(Probe("assess valid JSON --json", ["assess", good, "--json"], "ok", check=one_json))
    P(Probe("assess valid YAML (text memo)", ["assess", good_yaml], "ok", check=stdout_has("CONCLUSION")))
    P(Probe("assess stdin JSON", ["assess", "-", "--json"], "ok", stdin=json.dumps(BASE).encode(), check=one_json))
    P(Probe("assess empty stdin", ["assess", "-"], "error", "input", stdin=b""))
    P(Probe("assess binary stdin", ["assess", "-"], "error", "FILE", stdin=bytes(range(256)) * 10))
    P(Probe("assess missing file", ["assess", s.path("nope.json")], "error", "FILE"))
    P(Probe("assess a directory", ["assess", str(s.dir)], "error", "FILE"))
    P(Probe("assess /dev/zero", ["assess", "/dev/zero"], "error", "FILE", timeout=60))
    P(Probe("assess /dev/null", ["assess", "/dev/null"], "error", "input"))
    P(Probe("assess /dev/urandom", ["assess", "/dev/urandom"], "error", "FILE", timeout=60))
    P(Probe("assess path too long", ["assess", "/tmp/" + "x" * 5000], "error", "FILE"))
    P(Probe("assess no FILE argument", ["assess"], "error", "FILE"))
    P(Probe("assess unknown option", ["assess", good, "--jsn"], "error", "--jsn"))
    fifo = s.path("tx.fifo")
    os.mkfifo(fifo)

    def feed_fifo() -> None:
        def writer() -> None:
            with open(fifo, "wb") as f:
                f.write(json.dumps(BASE).encode())

        threading.Thread(target=writer, daemon=True).start()

    P(Probe("assess a FIFO fed a transaction", ["assess", fifo, "--json"], "ok", setup=feed_fifo, check=one_json))
    big = s.write(
        "big.json", b'{"as_of": "2024-06-01", "to_country": "CN", "item": {"name": "' + b"x" * (2 << 20) + b'"}}'
    )
    P(Probe("assess 2 MiB file", ["assess", big], "error", "FILE"))
    assess_doc("empty file", b"", "error", "input")
    assess_doc("whitespace only (a tab: not YAML)", b"  \n\t\n", "error", "FILE")
    assess_doc("spaces and newlines only", b"  \n \n", "error", "input")
    assess_doc("YAML comments only", b"# nothing\n", "error", "input")
    assess_doc("JSON null", b"null", "error", "input")
    assess_doc("JSON list", b"[1, 2]", "error", "input")
    assess_doc("JSON number", b"42", "error", "input")
    assess_doc("JSON string", b'"hello"', "error", "input")
    assess_doc("truncated JSON", json.dumps(BASE)[:-5].encode(), "error", "FILE")
    assess_doc("JSON with trailing garbage", (json.dumps(BASE) + " }").encode(), "error", "FILE")
    assess_doc("two YAML documents", b"to_country: CN\n---\nto_country: US\n", "error", "FILE")
    assess_doc("YAML python tag", b"to_country: !!python/object/apply:os.system ['true']\n", "error", "FILE")
    assess_doc("YAML binary tag as name", b"to_country: CN\nitem: {name: !!binary aGVsbG8=}\n", "error", "item.name")
    laughs = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [{','.join('*' + p for _ in range(9))}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    assess_doc("YAML billion laughs", laughs.encode(), "error", "input")
    assess_doc("JSON nested 100,000 deep", b"[" * 100_000 + b"]" * 100_000, "error", "FILE")
    assess_doc("YAML nested 100,000 deep", b"a: " + b"[" * 100_000 + b"]" * 100_000, "error", "FILE")
    deep: dict[str, Any] = {"to_country": "CN"}
    node = deep
    for _ in range(40):
        node["item"] = {}
        node = node["item"]
    assess_doc("JSON nested 40 deep", deep, "error", "item")
    assess_doc("UTF-8 BOM", codecs.BOM_UTF8 + json.dumps(BASE).encode(), "ok", check=one_json)
    assess_doc("UTF-16 with BOM", json.dumps(BASE).encode("utf-16"), "ok", check=one_json)
    assess_doc("UTF-16 without BOM", json.dumps(BASE).encode("utf-16-le"), "error", "UTF-16")
    assess_doc("UTF-32 with BOM", json.dumps(BASE).encode("utf-32"), "ok", check=one_json)
    latin = json.dumps(tx(parties__0__name="Société Générale"), ensure_ascii=False).encode("latin-1")
    assess_doc("Latin-1 file", latin, "error", "UTF-8")
    assess_doc("CRLF YAML", b"as_of: 2024-06-01\r\nfrom_country: US\r\nto_country: CN\r\n", "ok", check=one_json)
    assess_doc("YAML with a tab indent", b"to_country: CN\nitem:\n\tname: x\n", "error", "FILE")
    assess_doc(
        "NUL byte in file", json.dumps(BASE).encode()[:10] + b"\0" + json.dumps(BASE).encode()[10:], "error", "FILE"
    )
    assess_doc("JSON duplicate top-level key", b'{"to_country": "US", "to_country": "CN"}', "error", "to_country")
    assess_doc(
        "JSON duplicate nested key",
        b'{"to_country": "CN", "item": {"tpp": 100, "tpp": 20000}}',
        "error",
        "item.tpp",
    )
    assess_doc("YAML duplicate key", b"to_country: US\nto_country: CN\n", "error", "to_country")
    assess_doc(
        "YAML duplicate key in a party",
        b"to_country: CN\nparties:\n - {role: end_user, name: A, name: B}\n",
        "error",
        "parties[0].name",
    )
    assess_doc("YAML merge key", b"base: &b {to_country: CN}\n<<: *b\n", "error", "base")
    assess_doc("JSON key differing only in case", tx(To_Country="CN"), "error", "To_Country")

    # ---- assess: every Transaction field ----------------------------------------------------
    assess_doc("as_of missing (today)", tx(as_of=DEL), "ok", check=one_json)
    assess_doc("as_of integer", tx(as_of=20240601), "error", "as_of")
    assess_doc("as_of float", tx(as_of=1.5), "error", "as_of")
    assess_doc("as_of true", tx(as_of=True), "error", "as_of")
    assess_doc("as_of 9999-12-31", tx(as_of="9999-12-31"), "error", "as_of")
    assess_doc("as_of 1999-12-31", tx(as_of="1999-12-31"), "error", "as_of")
    assess_doc("as_of 2024-02-30", tx(as_of="2024-02-30"), "error", "as_of")
    assess_doc("as_of 2024-6-1", tx(as_of="2024-6-1"), "error", "as_of")
    assess_doc("as_of empty string", tx(as_of=""), "error", "as_of")
    assess_doc("as_of null", tx(as_of=None), "error", "as_of")
    assess_doc("as_of datetime with time", tx(as_of="2024-06-01T13:45:00"), "error", "as_of")
    assess_doc("as_of with timezone", tx(as_of="2024-06-01T00:00:00+14:00"), "error", "as_of")
    assess_doc("as_of full-width digits", tx(as_of="２０２４-06-01"), "error", "as_of")
    assess_doc("activity unknown", tx(activity="sell"), "error", "activity")
    assess_doc("activity wrong case", tx(activity="Export"), "error", "activity")
    assess_doc("activity empty", tx(activity=""), "error", "activity")
    assess_doc("activity list", tx(activity=["export"]), "error", "activity")
    assess_doc("from_country name", tx(from_country="United States"), "error", "from_country")
    assess_doc("from_country lower case", tx(from_country="us"), "ok", check=one_json)
    assess_doc("to_country missing", tx(to_country=DEL), "error", "to_country")
    assess_doc("to_country empty", tx(to_country=""), "error", "to_country")
    assess_doc("to_country blank", tx(to_country="  "), "error", "to_country")
    assess_doc("to_country alpha-3", tx(to_country="CHN"), "error", "to_country")
    assess_doc("to_country number", tx(to_country=86), "error", "to_country")
    assess_doc("to_country XX", tx(to_country="XX"), "error", "to_country")
    assess_doc("to_country full-width ＣＮ", tx(to_country="ＣＮ"), "either")
    assess_doc("to_country Cyrillic look-alike", tx(to_country="СN"), "error", "to_country")
    assess_doc("to_country with zero-width space", tx(to_country="C\u200bN"), "error", "to_country")
    assess_doc("item null", tx(item=None), "error", "item")
    assess_doc("item list", tx(item=[]), "error", "item")
    assess_doc("item unknown field", tx(item__tpp_value=20000), "error", "item.tpp_value")
    assess_doc("item misspelt die_area", tx(item__die_area=100), "error", "item.die_area")
    assess_doc("top-level unknown field", tx(enduses=["military"]), "error", "enduses")
    assess_doc("catalog_id unknown", tx(item__catalog_id="nvidia-h999"), "error", "item.catalog_id")
    assess_doc("catalog_id upper case", tx(item__catalog_id="NVIDIA-H100-SXM"), "either", "item.catalog_id")
    assess_doc("catalog_id empty", tx(item__catalog_id=""), "error", "item.catalog_id")
    assess_doc("catalog_id number", tx(item__catalog_id=100), "error", "item.catalog_id")
    assess_doc("item type unknown", tx(item__type="gpu"), "error", "item.type")
    assess_doc("item eccn garbage", tx(item__eccn="not-an-eccn"), "error", "item.eccn")
    assess_doc("item eccn EAR99 on an H100 to CN", tx(item__eccn="EAR99"), "ok", check=not_nlr)
    assess_doc("item eccn lower case", tx(item__eccn="3a090.a"), "either")
    no_cat = {"catalog_id": DEL}
    for fld in (
        "tpp",
        "die_area_mm2",
        "bidirectional_transfer_rate_gbs",
        "memory_bandwidth_density",
        "package_area_mm2",
        "process_node_nm",
    ):
        for label, value in (
            ("string number", "15832"),
            ("text", "fast"),
            ("true", True),
            ("zero", 0),
            ("negative", -1),
            ("1e400 (inf)", 1e400),
            ("list", [1]),
        ):
            doc = tx(**{f"item__{k}": v for k, v in no_cat.items()}, **{f"item__{fld}": value})
            if fld != "tpp":
                doc["item"]["tpp"] = 15832
            expect = "error"
            assess_doc(f"item.{fld} {label}", doc, expect, f"item.{fld}")
    assess_doc("item.tpp NaN (JSON)", b'{"to_country": "CN", "item": {"tpp": NaN}}', "error", "item.tpp")
    assess_doc("item.tpp Infinity (JSON)", b'{"to_country": "CN", "item": {"tpp": Infinity}}', "error", "item.tpp")
    assess_doc("item.tpp .nan (YAML)", b"to_country: CN\nitem: {tpp: .nan}\n", "error", "item.tpp")
    assess_doc("item.tpp .inf (YAML)", b"to_country: CN\nitem: {tpp: .inf}\n", "error", "item.tpp")
    assess_doc(
        "item.tpp 1e308", tx(item__catalog_id=DEL, item__tpp=1e308, item__die_area_mm2=1e-300), "either", check=one_json
    )
    assess_doc(
        "item.tpp 5,000-digit integer (unparseable: names FILE)",
        b'{"to_country": "CN", "item": {"tpp": ' + b"9" * 5000 + b"}}",
        "error",
        "4,300 digits",
    )
    assess_doc(
        "item.tpp 400-digit integer", b'{"to_country": "CN", "item": {"tpp": ' + b"9" * 400 + b"}}", "error", "item.tpp"
    )
    assess_doc(
        "item.tpp 4799.9999 (just under)",
        tx(item__catalog_id=DEL, item__tpp=4799.9999, item__die_area_mm2=10000, item__datacenter=False),
        "ok",
        check=one_json,
    )
    for fld in ("datacenter", "nonplanar_transistors", "includes_hbm"):
        for label, value in (
            ("string 'no'", "no"),
            ("string 'false'", "false"),
            ("integer 1", 1),
            ("integer 0", 0),
            ("string 'ja'", "ja"),
        ):
            assess_doc(f"item.{fld} {label}", tx(**{f"item__{fld}": value}), "error", f"item.{fld}")
    assess_doc("exporter.us_person string 'false'", tx(exporter__us_person="false"), "error", "exporter.us_person")
    assess_doc("exporter.us_person 0", tx(exporter__us_person=0), "error", "exporter.us_person")
    assess_doc(
        "us_controlled_content_pct false",
        tx(item__us_controlled_content_pct=False),
        "error",
        "item.us_controlled_content_pct",
    )
    assess_doc(
        "us_controlled_content_pct 101",
        tx(item__us_controlled_content_pct=101),
        "error",
        "item.us_controlled_content_pct",
    )
    assess_doc(
        "us_controlled_content_pct -0.1",
        tx(item__us_controlled_content_pct=-0.1),
        "error",
        "item.us_controlled_content_pct",
    )
    assess_doc(
        "us_controlled_content_pct NaN",
        b'{"to_country": "CN", "item": {"us_controlled_content_pct": NaN}}',
        "error",
        "item.us_controlled_content_pct",
    )
    assess_doc(
        "us_controlled_content_pct '25%'",
        tx(item__us_controlled_content_pct="25%"),
        "error",
        "item.us_controlled_content_pct",
    )
    assess_doc("transistor_count 1.5", tx(item__transistor_count=1.5), "error", "item.transistor_count")
    assess_doc("transistor_count 0", tx(item__transistor_count=0), "error", "item.transistor_count")
    assess_doc("transistor_count true", tx(item__transistor_count=True), "error", "item.transistor_count")
    assess_doc("transistor_count 10^30", tx(item__transistor_count=10**30), "either", check=one_json)
    unit = {"count": 1, "tops": 989.4, "bit_length": 16}
    units_tx = lambda u: tx(item__catalog_id=DEL, item__units=[u], item__die_area_mm2=814)  # noqa: E731
    assess_doc("units valid", units_tx(unit), "ok", check=one_json)
    assess_doc("units both tops and mactops", units_tx({**unit, "mactops": 1}), "error", "item.units[0]")
    assess_doc("units neither rate", units_tx({"count": 1, "bit_length": 16}), "error", "item.units[0]")
    assess_doc("units count 0", units_tx({**unit, "count": 0}), "error", "item.units[0].count")
    assess_doc("units count true", units_tx({**unit, "count": True}), "error", "item.units[0].count")
    assess_doc("units count 2.5", units_tx({**unit, "count": 2.5}), "error", "item.units[0].count")
    assess_doc("units bit_length true", units_tx({**unit, "bit_length": True}), "error", "item.units[0].bit_length")
    assess_doc("units bit_length 0", units_tx({**unit, "bit_length": 0}), "error", "item.units[0].bit_length")
    assess_doc("units bit_length 1000", units_tx({**unit, "bit_length": 1000}), "error", "item.units[0].bit_length")
    assess_doc(
        "units tops NaN",
        b'{"to_country": "CN", "item": {"units": [{"tops": NaN, "bit_length": 8}]}}',
        "error",
        "item.units[0].tops",
    )
    assess_doc(
        "units overflow to inf TPP",
        units_tx({"count": 10**300, "tops": 1e300, "bit_length": 16}),
        "either",
        "item.units",
        check=one_json,
    )
    assess_doc("units sparse 'yes'", units_tx({**unit, "sparse": "yes"}), "error", "item.units[0].sparse")
    assess_doc(
        "units empty list", units_tx({}) | {"item": {"units": [], "die_area_mm2": 814}}, "either", check=one_json
    )
    assess_doc("units 10,001 entries", tx(item__catalog_id=DEL, item__units=[unit] * 10_001), "error", "item.units")
    assess_doc("units misspelt field", units_tx({**unit, "bitlength": 8}), "error", "item.units[0].bitlength")
    comp = tx(
        item__catalog_id=DEL, item__type="computer", item__contains=[{"catalog_id": "nvidia-h100-sxm", "count": 8}]
    )
    assess_doc("computer contains valid", comp, "ok", check=one_json)
    bad = json.loads(json.dumps(comp))
    bad["item"]["contains"][0]["catalog_id"] = "nope"
    assess_doc("contains unknown catalog_id", bad, "error", "item.contains[0].catalog_id")
    bad = json.loads(json.dumps(comp))
    bad["item"]["contains"][0]["count"] = -8
    assess_doc("contains count -8", bad, "error", "item.contains[0].count")
    bad = json.loads(json.dumps(comp))
    bad["item"]["contains"] = {"catalog_id": "nvidia-h100-sxm"}
    assess_doc("contains a mapping not a list", bad, "error", "item.contains")
    assess_doc(
        "producer country bad",
        tx(item__producer={"name": "TSMC", "country": "Taiwan"}),
        "error",
        "item.producer.country",
    )
    assess_doc(
        "producer name blank", tx(item__producer={"name": "   ", "country": "TW"}), "error", "item.producer.name"
    )
    assess_doc(
        "designer approved 'yes'",
        tx(item__designer={"name": "X", "approved_or_authorized": "yes"}),
        "error",
        "item.designer.approved_or_authorized",
    )
    assess_doc(
        "foreign_direct_product not an ECCN",
        tx(item__foreign_direct_product={"direct_product_of": ["3E0"]}),
        "error",
        "item.foreign_direct_product.direct_product_of",
    )
    assess_doc(
        "foreign_direct_product a string",
        tx(item__foreign_direct_product={"direct_product_of": "3E001"}),
        "error",
        "item.foreign_direct_product.direct_product_of",
    )
    assess_doc(
        "foreign_direct_product null entry",
        tx(item__foreign_direct_product={"direct_product_of": [None]}),
        "error",
        "item.foreign_direct_product.direct_product_of",
    )
    assess_doc("parties a mapping", tx(parties={"role": "end_user", "name": "X"}), "error", "parties")
    assess_doc("party role unknown", tx(parties__0__role="buyer"), "error", "parties[0].role")
    assess_doc("party role missing", tx(parties=[{"name": "X"}]), "error", "parties[0].role")
    assess_doc("party name missing", tx(parties=[{"role": "end_user"}]), "error", "parties[0].name")
    assess_doc("party name empty", tx(parties__0__name=""), "error", "parties[0].name")
    assess_doc("party name whitespace", tx(parties__0__name=" \t "), "error", "parties[0].name")
    assess_doc("party name zero-width only", tx(parties__0__name="\u200b\u200d\ufeff"), "error", "parties[0].name")
    assess_doc("party name ideographic spaces", tx(parties__0__name="\u3000\u3000"), "error", "parties[0].name")
    assess_doc("party name number", tx(parties__0__name=12345), "error", "parties[0].name")
    assess_doc("party name 1,001 chars", tx(parties__0__name="A" * 1001), "error", "parties[0].name")
    assess_doc("party name control characters", tx(parties__0__name="\x1b[31mACME\x1b[0m"), "either", check=one_json)
    huawei = "Huawei Technologies Co., Ltd."
    for label, name in (
        ("zero-width inside", "Hua\u200bwei Technologies Co., Ltd."),
        ("RTL override", "\u202eHuawei Technologies Co., Ltd."),
        ("Cyrillic look-alikes", "Нuаwеі Technologies Co., Ltd."),
        ("full-width", "Ｈｕａｗｅｉ Technologies"),
        ("combining accents", "Hu\u0301awei Technologies Co., Ltd."),
        ("NFD / soft hyphen", "Hua\u00adwei Technologies"),
        ("upper case", huawei.upper()),
    ):
        assess_doc(
            f"party Huawei, {label}: not NLR",
            tx(parties__0__name=name, as_of="2024-06-01", item__catalog_id="nvidia-h20"),
            "ok",
            check=not_nlr,
        )
    assess_doc("party country bad", tx(parties__0__country="PRC"), "error", "parties[0].country")
    assess_doc("party type unknown", tx(parties__0__type="company"), "error", "parties[0].type")
    assess_doc("party misspelt field", tx(parties__0__hq_country="CN"), "error", "parties[0].hq_country")
    assess_doc(
        "party owned_50pct 'true'",
        tx(parties__0__owned_50pct_by_listed_entity="true"),
        "error",
        "parties[0].owned_50pct_by_listed_entity",
    )
    assess_doc("end_uses a string", tx(end_uses="military"), "error", "end_uses")
    assess_doc("end_uses unknown", tx(end_uses=["ai"]), "error", "end_uses[0]")
    assess_doc("end_uses wrong case", tx(end_uses=["Military"]), "error", "end_uses[0]")
    assess_doc("end_uses null entry", tx(end_uses=[None]), "error", "end_uses[0]")
    assess_doc("end_uses duplicates", tx(end_uses=["military", "military"]), "either", check=one_json)
    assess_doc("exporter null", tx(exporter=None), "error", "exporter")
    assess_doc("exporter role unknown", tx(exporter__role="reseller"), "error", "exporter.role")
    assess_doc("exporter name blank", tx(exporter__name="   "), "error", "exporter.name")
    assess_doc("exporter country bad", tx(exporter__country="USA"), "error", "exporter.country")
    letter = {"citation": "15 CFR 744.23(b)", "date": "2023-01-01", "items": ["nvidia-h20"], "destinations": ["CN"]}
    h20 = {"item__catalog_id": "nvidia-h20", "as_of": "2025-06-01"}
    assess_doc("is_informed letter applies (H20 to CN)", tx(**h20, exporter__is_informed=[letter]), "ok", check=not_nlr)
    assess_doc(
        "is_informed lower-case destination",
        tx(**h20, exporter__is_informed=[{**letter, "destinations": ["cn"]}]),
        "either",
        "exporter.is_informed[0].destinations",
        check=not_nlr,
    )
    assess_doc(
        "is_informed destination ZZ",
        tx(**h20, exporter__is_informed=[{**letter, "destinations": ["ZZ"]}]),
        "error",
        "exporter.is_informed[0].destinations",
    )
    assess_doc(
        "is_informed group D:9",
        tx(**h20, exporter__is_informed=[{**letter, "destinations": ["D:9"]}]),
        "error",
        "exporter.is_informed[0].destinations",
    )
    assess_doc(
        "is_informed item upper case",
        tx(**h20, exporter__is_informed=[{**letter, "items": ["NVIDIA-H20"]}]),
        "either",
        "exporter.is_informed[0].items",
        check=not_nlr,
    )
    assess_doc(
        "is_informed item unknown",
        tx(**h20, exporter__is_informed=[{**letter, "items": ["h20-typo"]}]),
        "error",
        "exporter.is_informed[0].items",
    )
    assess_doc(
        "is_informed date 9999-12-31",
        tx(**h20, exporter__is_informed=[{**letter, "date": "9999-12-31"}]),
        "error",
        "exporter.is_informed[0].date",
    )
    assess_doc(
        "is_informed date integer",
        tx(**h20, exporter__is_informed=[{**letter, "date": 20230101}]),
        "error",
        "exporter.is_informed[0].date",
    )
    assess_doc(
        "is_informed citation blank",
        tx(**h20, exporter__is_informed=[{**letter, "citation": "  "}]),
        "error",
        "exporter.is_informed[0].citation",
    )
    assess_doc("is_informed a string", tx(**h20, exporter__is_informed="yes"), "error", "exporter.is_informed")
    assess_doc("posture unknown", tx(posture="strict"), "error", "posture")
    assess_doc("posture wrong case", tx(posture="Text"), "error", "posture")
    assess_doc(
        "many problems, all named",
        tx(to_country="XX", activity="sell", item__tpp=-1),
        "error",
        check=lambda p: (
            None if all(f in p.stderr for f in (b"to_country", b"activity", b"item.tpp")) else "not every problem named"
        ),
    )
    assess_doc("text value 10,001 chars", tx(item__name="x" * 10_001), "error", "item.name")

    # ---- classify -----------------------------------------------------------------------
    C = "classify"
    P(
        Probe(
            "classify --chip --json",
            [C, "--chip", "nvidia-h100-sxm", "--as-of", "2024-01-01", "--json"],
            "ok",
            check=one_json,
        )
    )
    P(Probe("classify no options", [C], "error", "--chip"))
    P(Probe("classify --chip unknown", [C, "--chip", "nvidia-h999"], "error", "--chip"))
    P(Probe("classify --chip empty", [C, "--chip", ""], "error", "--chip"))
    for opt in ("--tpp", "--die-area", "--io", "--process-node"):
        for v in ("nan", "inf", "-5", "0", "abc", "1e999", ""):
            args = [C, opt, v] if opt == "--tpp" else [C, "--tpp", "5000", opt, v]
            P(Probe(f"classify {opt} {v!r}", args, "error", opt))
    P(
        Probe(
            "classify --memory-bandwidth-density inf",
            [C, "--type", "hbm", "--memory-bandwidth-density", "inf"],
            "error",
            "--memory-bandwidth-density",
        )
    )
    P(Probe("classify --type hbm no figures", [C, "--type", "hbm", "--json"], "either", check=one_json))
    P(Probe("classify --type gpu", [C, "--tpp", "5000", "--type", "gpu"], "error", "--type"))
    P(
        Probe(
            "classify --transistor-count 0",
            [C, "--tpp", "5000", "--transistor-count", "0"],
            "error",
            "--transistor-count",
        )
    )
    P(
        Probe(
            "classify --transistor-count 1e10",
            [C, "--tpp", "5000", "--transistor-count", "1e10"],
            "error",
            "--transistor-count",
        )
    )
    P(Probe("classify --eccn garbage", [C, "--tpp", "5000", "--eccn", "zz"], "error", "--eccn"))
    P(
        Probe(
            "classify --exporter-role bad", [C, "--tpp", "5000", "--exporter-role", "boss"], "error", "--exporter-role"
        )
    )
    P(Probe("classify --as-of bad", [C, "--tpp", "5000", "--as-of", "2024-13-01"], "error", "--as-of"))
    P(Probe("classify --as-of 9999-12-31", [C, "--tpp", "5000", "--as-of", "9999-12-31"], "error", "--as-of"))
    P(Probe("classify --as-of empty", [C, "--tpp", "5000", "--as-of", ""], "error", "--as-of"))
    P(
        Probe(
            "classify --contains id:abc",
            [C, "--type", "computer", "--contains", "nvidia-h100-sxm:abc"],
            "error",
            "--contains",
        )
    )
    P(Probe("classify --contains :3", [C, "--type", "computer", "--contains", ":3"], "error", "--contains"))
    P(
        Probe(
            "classify --contains id:0",
            [C, "--type", "computer", "--contains", "nvidia-h100-sxm:0"],
            "error",
            "--contains",
        )
    )
    P(
        Probe(
            "classify --contains id:-1",
            [C, "--type", "computer", "--contains", "nvidia-h100-sxm:-1"],
            "error",
            "--contains",
        )
    )
    P(
        Probe(
            "classify --contains huge count",
            [C, "--type", "computer", "--contains", "nvidia-h100-sxm:" + "9" * 400, "--json"],
            "either",
            "--contains",
            check=one_json,
        )
    )
    P(
        Probe(
            "classify --contains 5000-digit count",
            [C, "--type", "computer", "--contains", "nvidia-h100-sxm:" + "9" * 5000],
            "error",
            "--contains",
        )
    )
    P(
        Probe(
            "classify --contains full-width digit",
            [C, "--type", "computer", "--contains", "nvidia-h100-sxm:８"],
            "either",
            "--contains",
        )
    )
    P(
        Probe(
            "classify --contains on an ic", [C, "--tpp", "100", "--contains", "nvidia-h100-sxm"], "either", "--contains"
        )
    )
    P(
        Probe(
            "classify --tpp 4800 --json boundary",
            [C, "--tpp", "4800", "--die-area", "600", "--datacenter", "--as-of", "2024-06-01", "--json"],
            "ok",
            check=lambda p: one_json(p) or (None if b'"3A090.a"' in p.stdout else "not 3A090.a at 4800"),
        )
    )

    # ---- chips, claims ----------------------------------------------------------------------
    P(Probe("chips --json", ["chips", "--as-of", "2024-01-01", "--json"], "ok", check=one_json))
    P(Probe("chips --as-of bad", ["chips", "--as-of", "01/01/2024"], "error", "--as-of"))
    P(Probe("chips extra ids without --compare", ["chips", "nvidia-h100-sxm"], "error", "IDS"))
    P(Probe("chips --compare one id", ["chips", "--compare", "nvidia-h100-sxm"], "error", "--compare"))
    P(Probe("chips --compare unknown id", ["chips", "--compare", "nope", "nvidia-h100-sxm"], "error", "--compare"))
    P(Probe("chips --compare same id twice", ["chips", "--compare", "nvidia-h100-sxm", "nvidia-h100-sxm"], "either"))
    P(
        Probe(
            "chips --compare --json",
            ["chips", "--compare", "nvidia-h20", "nvidia-h100-sxm", "--json"],
            "ok",
            check=one_json,
        )
    )
    P(Probe("chips --compare empty id", ["chips", "--compare", "", "nvidia-h100-sxm"], "error", "--compare"))
    P(Probe("chips --plot missing folder", ["chips", "--plot", s.path("no/such/dir/c.png")], "error", "--plot"))
    P(Probe("chips --plot a directory", ["chips", "--plot", str(s.dir)], "error", "--plot"))
    P(Probe("chips --plot .txt", ["chips", "--plot", s.path("chart.txt")], "error", "--plot"))
    P(Probe("chips --plot no extension", ["chips", "--plot", s.path("chart")], "error", "--plot"))
    P(
        Probe(
            "chips --plot unwritable (/proc)",
            ["chips", "--plot", "/proc/chart.png"],
            "error",
            "--plot",
            check=no_file("/proc/chart.png"),
        )
    )
    P(
        Probe(
            "chips --plot good png",
            ["chips", "--plot", s.path("chart.png")],
            "ok",
            check=lambda p: None if Path(s.path("chart.png")).stat().st_size > 1000 else "no chart written",
        )
    )
    P(Probe("chips --plot --json", ["chips", "--plot", s.path("chart2.png"), "--json"], "either", check=one_json))
    P(Probe("claims --json", ["claims", "--as-of", "2026-11-28", "--json"], "ok", check=one_json))
    P(Probe("claims --as-of bad", ["claims", "--as-of", "2026-02-29"], "error", "--as-of"))
    P(Probe("claims --as-of 2000-01-01", ["claims", "--as-of", "2000-01-01", "--json"], "either", check=one_json))
    P(Probe("claims extra argument", ["claims", "x"], "error", "x"))

    # ---- rules, schema, version, usage ------------------------------------------------------
    P(Probe("rules", ["rules"], "ok"))
    P(Probe("rules --json", ["rules", "--json"], "ok", check=one_json))
    P(Probe("rules --markdown", ["rules", "--markdown"], "ok", check=stdout_has("|")))
    P(Probe("rules --markdown --json", ["rules", "--markdown", "--json"], "either", "--markdown"))
    P(Probe("schema transaction", ["schema", "transaction"], "ok", check=one_json))
    P(Probe("schema determination", ["schema", "determination"], "ok", check=one_json))
    P(Probe("schema TRANSACTION", ["schema", "TRANSACTION"], "either", check=one_json))
    P(Probe("schema unknown", ["schema", "order"], "error", "SUBJECT"))
    P(Probe("schema no subject", ["schema"], "error", "SUBJECT"))
    P(Probe("schema two subjects", ["schema", "transaction", "determination"], "error", "determination"))
    P(Probe("version", ["version"], "ok"))
    P(Probe("version extra argument", ["version", "x"], "error", "x"))
    P(Probe("--version", ["--version"], "either", "--version"))
    P(Probe("no arguments (help)", [], "ok", check=stdout_has("Usage")))
    P(Probe("unknown command", ["asses"], "error", "asses"))
    P(Probe("unknown global option", ["--verbose", "assess", good], "error", "--verbose"))
    P(Probe("--help", ["--help"], "ok"))

    # ---- diff, whatif, timeline -------------------------------------------------------------
    P(Probe("diff --json", ["diff", "2025-05-12", "2025-05-14", "--no-chips", "--json"], "ok", check=one_json))
    P(
        Probe(
            "diff dates reversed",
            ["diff", "2025-05-14", "2025-05-12", "--no-chips", "--json"],
            "either",
            "DATE",
            check=one_json,
        )
    )
    P(Probe("diff same date", ["diff", "2025-05-12", "2025-05-12", "--no-chips", "--json"], "ok", check=one_json))
    P(Probe("diff invalid date", ["diff", "2024-02-30", "2025-01-01", "--no-chips"], "error", "DATE_A"))
    P(Probe("diff invalid second date", ["diff", "2024-01-01", "soon", "--no-chips"], "error", "DATE_B"))
    P(Probe("diff date 1999-12-31", ["diff", "1999-12-31", "2024-01-01", "--no-chips"], "error", "DATE_A"))
    P(Probe("diff date 2100-01-01", ["diff", "2024-01-01", "2100-01-01", "--no-chips"], "error", "DATE_B"))
    P(
        Probe(
            "diff date 2000-01-01 to 2099-12-31",
            ["diff", "2000-01-01", "2099-12-31", "--no-chips", "--json"],
            "ok",
            check=one_json,
        )
    )
    P(Probe("diff empty date", ["diff", "", "2024-01-01", "--no-chips"], "error", "DATE_A"))
    P(Probe("diff one date", ["diff", "2024-01-01"], "error", "DATE_B"))
    P(
        Probe(
            "diff --posture bad",
            ["diff", "2024-01-01", "2024-02-01", "--posture", "lax", "--no-chips"],
            "error",
            "--posture",
        )
    )
    P(Probe("diff with chips --json", ["diff", "2026-02-03", "2026-02-05", "--json"], "ok", check=one_json))
    W = "whatif"
    P(
        Probe(
            "whatif valid --json",
            [W, "--set", "3A090.a.tpp=2368", "--as-of", "2024-06-01", "--json"],
            "ok",
            check=one_json,
        )
    )
    P(Probe("whatif no --set", [W], "error", "--set"))
    P(Probe("whatif no '='", [W, "--set", "3A090.a.tpp"], "error", "--set"))
    P(Probe("whatif empty key", [W, "--set", "=5"], "error", "--set"))
    P(Probe("whatif unknown key", [W, "--set", "3A090.z.tpp=5"], "error", "--set"))
    for v in ("abc", "nan", "inf", "-1", "1e400", "", "4,800", "==5"):
        P(Probe(f"whatif value {v!r}", [W, "--set", f"3A090.a.tpp={v}"], "error", "--set"))
    P(Probe("whatif value 0 (a hypothesis: every chip)", [W, "--set", "3A090.a.tpp=0", "--json"], "ok", check=one_json))
    P(Probe("whatif same key twice", [W, "--set", "3A090.a.tpp=2000", "--set", "3A090.a.tpp=9000"], "error", "--set"))
    P(
        Probe(
            "whatif group add", [W, "--set", "groups.D:5+=AE", "--as-of", "2025-06-01", "--json"], "ok", check=one_json
        )
    )
    P(Probe("whatif group add ZZ", [W, "--set", "groups.D:5+=ZZ"], "error", "--set"))
    P(Probe("whatif group add lower case", [W, "--set", "groups.D:5+=ae", "--json"], "either", "--set", check=one_json))
    P(Probe("whatif unknown group", [W, "--set", "groups.Z:9+=AE"], "error", "--set"))
    P(
        Probe(
            "whatif group replaced by nothing (a hypothesis)",
            [W, "--set", "groups.D:5=", "--json"],
            "ok",
            check=one_json,
        )
    )
    P(
        Probe(
            "whatif group value spaces", [W, "--set", "groups.D:5=CN, MO", "--json"], "either", "--set", check=one_json
        )
    )
    P(Probe("whatif --keys --json", [W, "--keys", "--json"], "ok", check=one_json))
    P(Probe("whatif --keys --as-of bad", [W, "--keys", "--as-of", "x"], "error", "--as-of"))
    P(Probe("whatif --posture bad", [W, "--set", "3A090.a.tpp=2368", "--posture", "x"], "error", "--posture"))
    P(Probe("whatif --as-of bad", [W, "--set", "3A090.a.tpp=2368", "--as-of", "2024-00-01"], "error", "--as-of"))
    P(Probe("whatif count key (not settable)", [W, "--set", "count=3"], "error", "--set"))
    P(Probe("timeline --json", ["timeline", "--json"], "ok", check=one_json))
    P(Probe("timeline --plot .txt", ["timeline", "--plot", s.path("t.txt")], "error", "--plot"))
    P(Probe("timeline --plot missing folder", ["timeline", "--plot", s.path("no/t.png")], "error", "--plot"))
    P(
        Probe(
            "timeline --plot a directory named .png",
            ["timeline", "--plot", str(Path(s.dir) / "dir.png")],
            "error",
            "--plot",
            setup=lambda: Path(s.dir, "dir.png").mkdir(exist_ok=True),
        )
    )
    P(Probe("timeline --plot unwritable (/proc)", ["timeline", "--plot", "/proc/t.png"], "error", "--plot"))
    P(
        Probe(
            "timeline --plot good",
            ["timeline", "--plot", s.path("t.png")],
            "ok",
            check=lambda p: None if Path(s.path("t.png")).stat().st_size > 1000 else "no chart written",
        )
    )
    P(Probe("timeline --plot --json", ["timeline", "--plot", s.path("t2.png"), "--json"], "ok", check=one_json))
    P(Probe("timeline --since bad", ["timeline", "--since", "2022-10-32"], "error", "--since"))
    P(Probe("timeline --since 2099-12-31", ["timeline", "--since", "2099-12-31", "--json"], "either", check=one_json))

    # ---- lists ------------------------------------------------------------------------------
    L = ["lists", "update", "--from"]
    P(Probe("lists", ["lists"], "ok"))
    P(Probe("lists --json", ["lists", "--json"], "ok", check=one_json))
    P(Probe("lists update no --from", ["lists", "update"], "error", "--from"))
    P(Probe("lists update missing file", [*L, s.path("none.csv")], "error", "--from"))
    P(Probe("lists update a directory", [*L, str(s.dir)], "error", "--from"))
    P(Probe("lists update empty file", [*L, s.write("empty.csv", b"")], "error", "--from"))
    P(Probe("lists update garbage", [*L, s.write("garbage.csv", os.urandom(4096))], "error", "--from"))
    P(Probe("lists update text garbage", [*L, s.write("garbage.txt", "hello\nworld\n" * 100)], "error", "--from"))
    P(
        Probe(
            "lists update header only",
            [*L, s.write("hdr.csv", "_id,source,entity_number,type,programs,name\n")],
            "error",
            "--from",
        )
    )
    P(Probe("lists update fake gzip", [*L, s.write("fake.csv.gz", b"\x1f\x8b" + os.urandom(100))], "error", "--from"))
    P(Probe("lists update gzip of garbage", [*L, s.write("g.csv.gz", gzip.compress(b"a,b\n1,2\n"))], "error", "--from"))
    bomb = s.path("bomb.csv.gz")
    with gzip.open(bomb, "wb", compresslevel=1) as f:
        for _ in range(600):
            f.write(b"\0" * (1 << 20))
    P(Probe("lists update gzip bomb", [*L, bomb], "error", "--from", timeout=300))
    P(Probe("lists update JSON wrong shape", [*L, s.write("w.json", '{"results": 5}')], "error", "--from"))
    P(Probe("lists update JSON list of numbers", [*L, s.write("n.json", "[1, 2, 3]")], "error", "--from"))
    P(Probe("lists update /dev/zero", [*L, "/dev/zero"], "error", "--from", timeout=300))
    P(Probe("lists update /dev/null", [*L, "/dev/null"], "error", "--from"))
    P(Probe("lists update FIFO without writer? (skipped: blocks as cat does)", ["lists", "--json"], "ok"))
    P(Probe("lists update unreachable URL", [*L, "http://127.0.0.1:9/consolidated.csv"], "error", "--from"))
    P(Probe("lists update unresolvable host", [*L, "https://no-such-host.invalid/c.csv"], "error", "--from"))
    P(Probe("lists update file:// missing", [*L, "file:///no/such/file.csv"], "error", "--from"))
    P(Probe("lists update file:// directory", [*L, "file:///tmp/"], "error", "--from"))
    P(Probe("lists update file:///etc/passwd", [*L, "file:///etc/passwd"], "error", "--from"))
    P(Probe("lists update file://host/path", [*L, "file://example.com/etc/passwd"], "error", "--from"))
    P(Probe("lists update ftp://", [*L, "ftp://127.0.0.1:9/c.csv"], "error", "--from"))
    P(Probe("lists update malformed URL", [*L, "http://[::1"], "error", "--from"))
    P(Probe("lists update URL with bad port", [*L, "http://localhost:99999/c.csv"], "error", "--from"))
    P(Probe("lists update empty --from", [*L, ""], "error", "--from"))
    rows = ["_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date"]
    rows += [f"{i},Entity List (EL) - Bureau of Industry and Security,,Entity,,Company {i},,,," for i in range(50)]
    P(Probe("lists update tiny list (row drop)", [*L, s.write("tiny.csv", "\n".join(rows) + "\n")], "error", "--from"))
    P(Probe("lists update tiny list --force", [*L, s.path("tiny.csv"), "--force"], "error", "--from"))
    P(
        Probe(
            "lists after failed updates still bundled",
            ["lists", "--json"],
            "ok",
            check=lambda p: None if b"bundled" in p.stdout.lower() or b"CSL" in p.stdout else "list changed",
        )
    )

    # ---- audit ------------------------------------------------------------------------------
    A = "audit"
    store = s.path("store.sqlite")
    populated = {"LONGARM_STORE": store}
    P(Probe("audit verify, no store yet", [A, "verify", "--store", s.path("fresh.sqlite")], "ok"))
    P(Probe("audit show, no store", [A, "show", "--store", s.path("fresh2.sqlite")], "ok"))
    P(
        Probe(
            "audit anchor, no store",
            [A, "anchor", "--store", s.path("fresh3.sqlite")],
            "either",
            "fresh3.sqlite",
            check=lambda p: None if not Path(s.path("fresh3.sqlite")).exists() else "anchor created a store",
        )
    )
    P(
        Probe(
            "audit export, no store",
            [A, "export", "--store", s.path("fresh4.sqlite"), "--out", s.path("e0.jsonl")],
            "ok",
        )
    )
    P(Probe("audit verify a directory", [A, "verify", "--store", str(s.dir)], "error", str(s.dir)))
    P(Probe("audit show a directory", [A, "show", "--store", str(s.dir)], "error", str(s.dir)))
    P(Probe("audit anchor a directory", [A, "anchor", "--store", str(s.dir)], "error", str(s.dir)))
    P(
        Probe(
            "audit export a directory",
            [A, "export", "--store", str(s.dir), "--out", s.path("e1.jsonl")],
            "error",
            str(s.dir),
        )
    )
    garbage = s.write("garbage.sqlite", os.urandom(8192))
    P(Probe("audit verify garbage store", [A, "verify", "--store", garbage], "error", garbage))
    P(Probe("audit show garbage store", [A, "show", "--store", garbage], "error", garbage))
    P(Probe("audit anchor garbage store", [A, "anchor", "--store", garbage], "error", garbage))
    P(
        Probe(
            "audit export garbage store",
            [A, "export", "--store", garbage, "--out", s.path("e2.jsonl")],
            "error",
            garbage,
        )
    )
    empty_store = s.write("empty.sqlite", b"")
    P(Probe("audit verify empty file", [A, "verify", "--store", empty_store], "either", empty_store))
    other_db = s.path("other.sqlite")
    sqlite3.connect(other_db).executescript("create table t(x); insert into t values (1);")
    P(
        Probe(
            "audit verify another app's SQLite",
            [A, "verify", "--store", other_db],
            "either",
            other_db,
            check=lambda p: None if b"ok" not in p.stdout or p.returncode else None,
        )
    )
    P(Probe("audit show another app's SQLite", [A, "show", "--store", other_db], "either", other_db))
    P(Probe("audit verify /proc store", [A, "verify", "--store", "/proc/version"], "error", "/proc/version"))
    # a store with records: an assess whose party name carries terminal escapes
    esc = s.write("esc.json", tx(parties__0__name="ACME\x1b[2J\x1b]0;pwned\x07 \u202eLtd", item__name="\x1b[31mred"))
    P(Probe("assess into a fresh store (populate)", ["assess", esc, "--json"], "ok", env=populated, check=one_json))
    P(Probe("audit verify populated", [A, "verify"], "ok", env=populated, check=stdout_has("ok")))
    P(Probe("audit show escapes terminal sequences", [A, "show"], "ok", env=populated, check=stdout_lacks(b"\x1b")))
    P(Probe("audit show --json", [A, "show", "--json"], "ok", env=populated, check=one_json))
    P(Probe("audit show --limit 0", [A, "show", "--limit", "0"], "error", "--limit", env=populated))
    P(Probe("audit show --limit -1", [A, "show", "--limit", "-1"], "error", "--limit", env=populated))
    P(Probe("audit show --limit abc", [A, "show", "--limit", "abc"], "error", "--limit", env=populated))
    P(Probe("audit show --limit huge", [A, "show", "--limit", "9" * 30], "either", "--limit", env=populated))
    P(Probe("audit anchor populated", [A, "anchor"], "ok", env=populated))
    P(Probe("audit verify --expect garbage", [A, "verify", "--expect", "garbage"], "error", "--expect", env=populated))
    P(
        Probe(
            "audit verify --expect wrong head",
            [A, "verify", "--expect", "1:" + "0" * 64],
            "error",
            "anchor",
            env=populated,
        )
    )
    P(
        Probe(
            "audit verify --expect negative",
            [A, "verify", "--expect", "-1:" + "0" * 64],
            "error",
            "--expect",
            env=populated,
        )
    )
    P(
        Probe(
            "audit verify --expect huge count",
            [A, "verify", "--expect", "9" * 30 + ":" + "0" * 64],
            "error",
            "--expect",
            env=populated,
        )
    )
    P(Probe("audit export --out good", [A, "export", "--out", s.path("export.jsonl")], "ok", env=populated))
    P(
        Probe(
            "audit export --out missing folder",
            [A, "export", "--out", s.path("no/x.jsonl")],
            "error",
            "--out",
            env=populated,
        )
    )
    P(Probe("audit export --out a directory", [A, "export", "--out", str(s.dir)], "error", "--out", env=populated))
    P(Probe("audit export --out /proc", [A, "export", "--out", "/proc/x.jsonl"], "error", "--out", env=populated))
    full = s.path("full")  # a copy of /dev/full: a probe must never replace the real one

    def make_full() -> None:
        if not os.path.exists(full):
            os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))

    P(
        Probe(
            "audit export --out a device (full)",
            [A, "export", "--out", full],
            "error",
            "--out",
            env=populated,
            setup=make_full,
            check=lambda p: None if stat.S_ISCHR(os.stat(full).st_mode) else "replaced the device",
        )
    )
    keep = file_unchanged(store)
    P(
        Probe(
            "audit export --out the store itself",
            [A, "export", "--out", store],
            "error",
            "--out",
            env=populated,
            setup=keep.snap,
            check=keep,
        )
    )  # type: ignore[attr-defined]
    link = s.path("store-link.sqlite")
    keep2 = file_unchanged(store)

    def link_and_snap() -> None:
        if not os.path.lexists(link):
            os.symlink(store, link)
        keep2.snap()  # type: ignore[attr-defined]

    P(
        Probe(
            "audit export --out a symlink to the store",
            [A, "export", "--out", link],
            "error",
            "--out",
            env=populated,
            setup=link_and_snap,
            check=keep2,
        )
    )
    # damage the populated store's copy and check
    damaged = s.path("damaged.sqlite")

    def damage() -> None:
        shutil.copy(store, damaged)
        con = sqlite3.connect(damaged)
        tables = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
        table = "audit" if "audit" in tables else tables[0]
        cols = [r[1] for r in con.execute(f"pragma table_info({table})")]
        col = "subject" if "subject" in cols else cols[-1]
        con.execute(f"update {table} set {col} = 'tampered'")
        con.commit()
        con.close()

    P(
        Probe(
            "audit verify a tampered copy",
            [A, "verify", "--store", damaged],
            "error",
            "record",
            env=populated,
            setup=damage,
        )
    )
    truncated = s.path("truncated.sqlite")
    P(
        Probe(
            "audit verify a truncated store file",
            [A, "verify", "--store", truncated],
            "error",
            truncated,
            env=populated,
            setup=lambda: Path(truncated).write_bytes(Path(store).read_bytes()[:1024]),
        )
    )
    # ---- the environment: stores and files that cannot be written ------------------------------
    kept = file_unchanged(good)
    P(Probe("assess never modifies its input", ["assess", good, "--json"], "ok", setup=kept.snap, check=kept))  # type: ignore[attr-defined]
    P(
        Probe(
            "assess with an unwritable store: warns, answers",
            ["assess", good, "--json"],
            "ok",
            env={"LONGARM_STORE": "/proc/longarm.sqlite"},
            check=one_json,
        )
    )
    P(
        Probe(
            "assess with a folder as the store: warns, answers",
            ["assess", good, "--json"],
            "ok",
            env={"LONGARM_STORE": str(s.dir)},
            check=one_json,
        )
    )
    P(
        Probe(
            "assess with LONGARM_HOME a file",
            ["assess", good, "--json"],
            "either",
            "LONGARM_HOME",
            env={"LONGARM_HOME": good, "LONGARM_STORE": s.path("h.sqlite")},
            check=one_json,
        )
    )
    P(
        Probe(
            "assess with a tampered store",
            ["assess", good, "--json"],
            "either",
            "damaged.sqlite",
            env={"LONGARM_STORE": damaged},
            check=one_json,
        )
    )
    frozen = s.path("frozen.sqlite")

    def freeze() -> None:
        if frozen not in s.locked:
            shutil.copy(store, frozen)
            s.immutable(frozen)

    for sub in ("verify", "show", "anchor"):
        P(Probe(f"audit {sub} an unwritable store", [A, sub, "--store", frozen], "ok", env=populated, setup=freeze))
    P(
        Probe(
            "assess into an unwritable store: warns, answers",
            ["assess", good, "--json"],
            "either",
            "frozen.sqlite",
            env={"LONGARM_STORE": frozen},
            setup=freeze,
            check=one_json,
        )
    )
    locked_out = s.path("locked.jsonl")

    def lock_out() -> None:
        if locked_out not in s.locked:
            Path(locked_out).write_text("keep me\n")
            s.immutable(locked_out)

    P(
        Probe(
            "audit export --out an unwritable file",
            [A, "export", "--out", locked_out],
            "error",
            "--out",
            env=populated,
            setup=lock_out,
            check=lambda p: None if Path(locked_out).read_text() == "keep me\n" else "file changed",
        )
    )
    P(
        Probe(
            "chips --plot onto an unwritable file",
            ["chips", "--plot", s.path("locked.png")],
            "error",
            "--plot",
            env=populated,
            setup=lambda: (
                (Path(s.path("locked.png")).write_text("x"), s.immutable(s.path("locked.png")))
                if s.path("locked.png") not in s.locked
                else None
            ),
        )
    )
    P(
        Probe(
            "timeline --plot onto an unwritable file",
            ["timeline", "--plot", s.path("locked2.png")],
            "error",
            "--plot",
            env=populated,
            setup=lambda: (
                (Path(s.path("locked2.png")).write_text("x"), s.immutable(s.path("locked2.png")))
                if s.path("locked2.png") not in s.locked
                else None
            ),
        )
    )
    loop = s.path("loop.json")
    if not os.path.lexists(loop):
        os.symlink(loop, loop)
    P(Probe("assess a symlink loop", ["assess", loop], "error", "FILE"))
    P(Probe("lists update a symlink loop", [*L, loop], "error", "--from"))
    P(Probe("lists update --from - (stdin garbage)", [*L, "-"], "error", "--from", stdin=b"not a list"))
    newline = s.write("new\nline.json", BASE)
    P(Probe("assess a file name holding a newline", ["assess", newline, "--json"], "ok", check=one_json))
    P(Probe("classify --chip with a zero-width space", [C, "--chip", "nvidia-h100-sxm\u200b"], "error", "--chip"))
    P(
        Probe(
            "classify --chip and a conflicting --tpp",
            [C, "--chip", "nvidia-h20", "--tpp", "99999", "--json"],
            "either",
            "--tpp",
            check=one_json,
        )
    )
    P(Probe("schema --json (no such option)", ["schema", "transaction", "--json"], "error", "--json"))
    P(Probe("extra: LONGARM_STORE empty", ["assess", good, "--json"], "ok", env={"LONGARM_STORE": ""}, check=one_json))
    P(
        Probe(
            "extra: LONGARM_HOME empty",
            ["assess", good, "--json"],
            "either",
            "LONGARM_HOME",
            env={"LONGARM_HOME": ""},
            check=one_json,
        )
    )
    many = s.write(
        "many.json", tx(parties=[{"role": "purchaser", "name": f"Buyer {i} Trading"} for i in range(10_000)])
    )
    P(Probe("extra: 10,000 parties", ["assess", many, "--json"], "ok", check=one_json, timeout=300))
    P(
        Probe(
            "extra: diff 2000-01-01 to 2099-12-31 with chips",
            ["diff", "2000-01-01", "2099-12-31", "--json"],
            "ok",
            check=one_json,
            timeout=300,
        )
    )
    P(
        Probe(
            "extra: classify the day before 3A090",
            [C, "--chip", "nvidia-h100-sxm", "--as-of", "2022-10-06", "--json"],
            "ok",
            check=one_json,
        )
    )
    return out


COMMAND = [str(LONGARM)]


def run_probe(p: Probe, s: Scratch) -> tuple[Probe, int | str, str, str]:
    env = {**os.environ, "LONGARM_HOME": str(s.home), "COLUMNS": "120", "NO_COLOR": "1", **p.env}
    env.pop("LONGARM_STORE", None) if "LONGARM_STORE" not in p.env else None
    if p.setup:
        try:
            p.setup()
        except Exception as e:  # noqa: BLE001 (a failed set-up is this probe's result)
            return p, "setup", str(e)[:110], f"NOT RUN: set-up failed ({type(e).__name__})"
    try:
        proc = subprocess.run(
            [*COMMAND, *p.args],
            input=p.stdin if p.stdin is not None else b"",
            capture_output=True,
            env=env,
            cwd=s.dir,
            timeout=p.timeout,
        )
    except subprocess.TimeoutExpired:
        return p, "timeout", "", f"DEFECT: no answer within {p.timeout:.0f} s"
    out, err = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    excerpt = (err.strip() or out.strip()).replace("\n", " | ")[:110]
    return p, proc.returncode, excerpt, verdict(p, proc, out, err)


def verdict(p: Probe, proc: subprocess.CompletedProcess[bytes], out: str, err: str) -> str:
    try:
        return _verdict(p, proc, out, err)
    except Exception as e:  # noqa: BLE001 (a check that cannot run is reported, not fatal)
        return f"DEFECT? check failed: {type(e).__name__}: {e}"


def _verdict(p: Probe, proc: subprocess.CompletedProcess[bytes], out: str, err: str) -> str:
    rc = proc.returncode
    if "Traceback" in err or "internal error" in err:
        return "DEFECT: internal error for user input"
    if rc not in (0, 2):
        return f"DEFECT: exit {rc}"
    if rc == 2:
        if p.expect == "ok":
            return "DEFECT: refused valid input"
        if out.strip():
            return "DEFECT: exit 2 with output on stdout"
        if not err.strip():
            return "DEFECT: exit 2 with nothing on stderr"
        if p.names and p.names.lower() not in err.lower():
            return f"DEFECT: error does not name {p.names!r}"
        if p.check:
            bad = p.check(proc)
            if bad and "modified" in bad:
                return f"DEFECT: {bad}"
        return "clear error"
    if p.expect == "error":
        return "DEFECT: accepted (exit 0)"
    if p.check:
        bad = p.check(proc)
        if bad:
            return f"DEFECT: {bad}"
    return "handled"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default=None, help="run the probes whose name holds this text")
    ap.add_argument("--defects", action="store_true", help="print only the defects")
    ap.add_argument(
        "--source",
        default=None,
        help="run longarm from this source folder (e.g. an older checkout's src/) instead of the installed one",
    )
    args = ap.parse_args()
    if args.source:
        COMMAND[:] = [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {args.source!r}); from longarm.cli import main; main()",
        ]
    s = Scratch()
    try:
        todo = [p for p in probes(s) if args.only is None or args.only in p.name]
        # probes that depend on the populated store run in order, after the others
        ordered = [p for p in todo if "LONGARM_STORE" not in p.env]
        chained = [p for p in todo if "LONGARM_STORE" in p.env]
        with ThreadPoolExecutor(args.jobs) as pool:
            results = list(pool.map(lambda p: run_probe(p, s), ordered))
        results += [run_probe(p, s) for p in chained]
        counts = {"clear error": 0, "handled": 0, "defect": 0}
        print(f"{'probe':<52} {'exit':>5}  {'verdict':<40} excerpt")
        for p, rc, excerpt, v in results:
            kind = "defect" if v.startswith("DEFECT") else v if v in counts else "not run"
            counts.setdefault(kind, 0)
            counts[kind] += 1
            if args.defects and kind != "defect":
                continue
            print(f"{p.name[:52]:<52} {rc!s:>5}  {v[:60]:<40} {excerpt}")
        print(
            f"\n{len(results)} probes: {counts['clear error']} clear errors, {counts['handled']} handled right, "
            f"{counts['defect']} defects"
        )
        return 1 if counts["defect"] else 0
    finally:
        s.release()
        shutil.rmtree(s.dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
