"""Order books of any size: every row decided by the same `assess` as a single determination.

The input (CSV, Parquet or JSON Lines, by extension) is read as a stream of partitions; each
partition is decided by `decide_partition` on a worker process (`local`) or a Dask cluster
(`dask`) — the same function either way, so both engines write the same bytes. Memory is bounded
by the partitions in flight and the workers' caches, never by the input.

Inside a worker each distinct party name is screened once (the country only adjusts the final
score: `adjust_for_country(candidates_for(name))`) and each distinct set of facts is decided
once; the party counts only through its screening result. Party names are not scored against
China's lists (`foreign_law.names_unused`): the result columns hold no foreign-law flag.

Resumable: each finished partition is written atomically to `OUTPUT.parts/` with its SHA-256,
under a manifest binding the run to its input's hash and parameters; a run restarted with the
same arguments keeps the intact parts, recomputes a damaged one, and writes a byte-identical
output. The output is assembled in a temporary file, the run is recorded in the store, and only
then is the output published (renamed into place). Every input row appears exactly once, in
order; an invalid row gets an `error` naming every bad field and never stops the run.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from longarm.errors import InputError, Problem

INPUT_COLUMNS = (
    "order_id",
    "as_of",
    "activity",
    "from_country",
    "to_country",
    "catalog_id",
    "eccn",
    "tpp",
    "die_area_mm2",
    "datacenter",
    "origin_country",
    "us_controlled_content_pct",
    "end_user",
    "end_user_country",
    "end_user_headquarters_country",
    "end_user_ultimate_parent_headquarters_country",
    "end_uses",
    "end_user_type",
    "exporter_name",
)
RESULT_COLUMNS = (
    "outcome",
    "license_required",
    "subject_to_ear",
    "eccn",
    "general_prohibitions",
    "screening_hits",
    "reasons",
    "error",
)
DATE_COLUMN = "as_of_used"  # the date each row was decided at (today where `as_of` is empty)
WHATIF_COLUMNS = ("whatif_outcome", "flipped")
REQUIRED = ("order_id", "to_country")
PARTY_COLUMN = "end_user"
PARTITION_ROWS = 25_000
FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
KEY_COLUMNS = tuple(c for c in INPUT_COLUMNS if c not in ("order_id", "end_user"))
FLAGGED = ("LICENSE_REQUIRED", "PROHIBITED", "UNDETERMINED")
REPORT_ROWS = 5000

# Transaction field paths back to the batch columns they came from (for error messages).
_FIELD_COLUMNS = {
    "item.catalog_id": "catalog_id",
    "item.eccn": "eccn",
    "item.tpp": "tpp",
    "item.die_area_mm2": "die_area_mm2",
    "item.datacenter": "datacenter",
    "item.origin_country": "origin_country",
    "item.us_controlled_content_pct": "us_controlled_content_pct",
    "parties[0].name": "end_user",
    "parties[0].country": "end_user_country",
    "parties[0].headquarters_country": "end_user_headquarters_country",
    "parties[0].ultimate_parent_headquarters_country": "end_user_ultimate_parent_headquarters_country",
    "parties[0].type": "end_user_type",
    "exporter.name": "exporter_name",
}


def _format(path: Path, field: str) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(Problem(field, f"{path.name}: use .csv, .parquet or .jsonl"))
    return fmt


# ---- one row -------------------------------------------------------------------------------


def _bool(text: str) -> bool | None:
    t = text.strip().lower()
    if not t:
        return None
    if t in ("true", "yes", "1", "y"):
        return True
    if t in ("false", "no", "0", "n"):
        return False
    raise ValueError(f"{text!r} is not true/false")


def _document(row: dict[str, str], default_as_of: dt.date | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """The Transaction document for one row (only the facts it gives) and every cell that cannot
    become a fact (each named by its column)."""

    def v(name: str) -> str:
        return (row.get(name) or "").strip()

    problems: list[Problem] = []
    item: dict[str, Any] = {}
    for src in ("catalog_id", "eccn", "origin_country"):
        if v(src):
            item[src] = v(src)
    for src in ("tpp", "die_area_mm2", "us_controlled_content_pct"):
        if v(src):
            try:
                item[src] = float(v(src))
            except ValueError:
                problems.append(Problem(src, f"{v(src)!r} is not a number"))
    try:
        dc = _bool(v("datacenter"))
        if dc is not None:
            item["datacenter"] = dc
    except ValueError as e:
        problems.append(Problem("datacenter", str(e)))
    tx: dict[str, Any] = {"to_country": v("to_country"), "item": item}
    for f in ("as_of", "activity", "from_country"):
        if v(f):
            tx[f] = v(f)
    if "as_of" not in tx and default_as_of is not None:
        tx["as_of"] = default_as_of.isoformat()
    if v("end_user"):
        party = {"role": "end_user", "name": v("end_user")}
        for src, dst in (
            ("end_user_country", "country"),
            ("end_user_headquarters_country", "headquarters_country"),
            ("end_user_ultimate_parent_headquarters_country", "ultimate_parent_headquarters_country"),
            ("end_user_type", "type"),
        ):
            if v(src):
                party[dst] = v(src)
        tx["parties"] = [party]
    if v("end_uses"):
        tx["end_uses"] = [u.strip() for u in v("end_uses").split(";") if u.strip()]
    if v("exporter_name"):
        tx["exporter"] = {"name": v("exporter_name")}
    if not v("order_id"):
        problems.append(Problem("order_id", "required"))
    return tx, problems


def transaction_of(row: dict[str, str], default_as_of: dt.date | None = None) -> dict[str, Any]:
    """The Transaction document for one order-book row; InputError names every bad cell."""
    tx, problems = _document(row, default_as_of)
    problems = [p for p in problems if p.field != "order_id"]
    if problems:
        raise InputError(problems)
    return tx


def _column_problems(e: InputError) -> list[Problem]:
    out = []
    for p in e.problems:
        col = "end_uses" if p.field.startswith("end_uses") else _FIELD_COLUMNS.get(p.field, p.field)
        out.append(Problem(col, p.message))
    return out


def _eccn_problems(row: dict[str, str]) -> list[Problem]:
    """A declared ECCN checked like `item.eccn` where the library offers the check."""
    text = (row.get("eccn") or "").strip()
    if not text:
        return []
    try:
        from longarm.classify import validate_eccn
    except ImportError:
        return []
    try:
        validate_eccn(text, "eccn")
    except InputError as e:
        return list(e.problems)
    return []


def result_of(d: Any) -> dict[str, Any]:
    """The batch result columns of one Determination."""
    reasons = [f"{r.citation} ({r.reason})" for r in d.license_requirements]
    reasons += [f"GP{g.number}: {g.citation}" for g in d.general_prohibitions]
    reasons += [f"exception {e.name} ({e.citation})" for e in d.license_exceptions]
    if d.outcome == "UNDETERMINED":
        reasons += [f"question: {q}" for q in d.questions]
    return {
        "outcome": d.outcome,
        "license_required": d.license_required,
        "subject_to_ear": d.subject_to_ear,
        "eccn": d.item.eccn,
        "general_prohibitions": ";".join(f"GP{g.number}" for g in d.general_prohibitions),
        "screening_hits": ";".join(f"{h.list}: {h.matched_name}" for h in d.screening),
        "reasons": " | ".join(reasons),
        "error": "",
        DATE_COLUMN: d.as_of,
    }


def decide_row(
    row: dict[str, str], default_as_of: dt.date | None = None, whatif: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One row's result columns: `assess` of the row alone, or `error` naming every bad cell."""
    from longarm.foreign_law import names_unused

    with names_unused():  # the result columns hold no foreign-law flag
        return _decide_row(row, default_as_of, whatif)


def _decide_row(row: dict[str, str], default_as_of: dt.date | None, whatif: dict[str, Any] | None) -> dict[str, Any]:
    from longarm.assess import assess
    from longarm.inputs import transaction

    tx, problems = _document(row, default_as_of)
    problems += _eccn_problems(row)
    decided = None
    try:
        t = transaction(tx)
    except InputError as e:
        problems += _column_problems(e)
    else:
        if not problems:
            try:
                decided = assess(t)
            except InputError as e:
                problems += _column_problems(e)
    if decided is None:
        out: dict[str, Any] = {c: None if c in ("license_required", "subject_to_ear") else "" for c in RESULT_COLUMNS}
        out["error"] = "; ".join(str(p) for p in problems)
        out[DATE_COLUMN] = None
        if whatif is not None:
            out.update(whatif_outcome="", flipped=None)
        return out
    out = result_of(decided)
    if whatif is not None:
        from longarm.policy.whatif import applied

        with applied(whatif):
            other = assess(t).outcome
        out.update(whatif_outcome=other, flipped=other != decided.outcome)
    return out


# ---- one partition (runs on a worker) ------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One partition and the run's settings: everything a worker needs, nothing it must look up."""

    k: int
    start: int
    in_fmt: str
    out_fmt: str
    columns: tuple[str, ...]
    payload: Any  # a pyarrow Table (CSV, Parquet) or the raw lines (JSON Lines)
    default_as_of: dt.date
    raw: bool = False
    whatif: dict[str, Any] | None = None
    lists_digest: str = ""
    shipped_list: Any = None  # {"data": the list's bytes, "version"} for workers that lack it


_CACHE: dict[str, Any] = {"context": None, "decided": {}, "hits": {}}
CACHE_LIMIT = 30_000
RECYCLE_PARTITIONS = 40  # 1,000,000 rows at the default partition size
WORKER_ENV = {"POLARS_MAX_THREADS": "1", "MALLOC_ARENA_MAX": "2", "OMP_NUM_THREADS": "1"}


def _context_cache(task: Task) -> tuple[dict[str, Any], dict[tuple[str, str, str], str]]:
    """Per-process caches of decisions and screening keys, cleared when the run's context changes
    (a long-lived Dask worker serves many runs)."""
    from longarm.screening.lists import current

    ctx = (task.default_as_of, json.dumps(task.whatif, sort_keys=True, default=str), task.lists_digest)
    if _CACHE["context"] != ctx:
        _CACHE.update(context=ctx, decided={}, hits={})
        if current().digest != task.lists_digest:
            _install_list(task)
    decided, hits = _CACHE["decided"], _CACHE["hits"]
    if len(decided) > CACHE_LIMIT:
        decided.clear()
    if len(hits) > CACHE_LIMIT:
        hits.clear()
    return decided, hits


def _install_list(task: Task) -> None:
    """Make the run's list the one in service on this worker (a cluster node whose data directory
    holds another version): the shipped bytes are written to a private data directory."""
    import tempfile

    from longarm.screening import lists

    shipped = task.shipped_list
    if shipped is None:
        raise RuntimeError(
            f"this worker's screening list is not the run's ({task.lists_digest[:12]}) and none was shipped"
        )
    home = Path(tempfile.mkdtemp(prefix="longarm-worker-"))
    folder = home / "lists" / task.lists_digest[:16]
    folder.mkdir(parents=True)
    (folder / "list.json").write_bytes(shipped["data"])
    meta = {"version": shipped["version"], "sha256": task.lists_digest}
    (folder / "meta.json").write_text(json.dumps(meta), "utf-8")
    (home / "lists" / "current").write_text(task.lists_digest[:16], "utf-8")
    os.environ["LONGARM_HOME"] = str(home)
    if lists.current().digest != task.lists_digest:
        raise RuntimeError("could not put the run's screening list in service on this worker")


def _screen_key(idx: Any, name: str, country: str, type_: str) -> str:
    """The screening result `assess` uses for this party, as a key: the name's country-free
    candidates for its type (computed once per name) with the country applied — the call
    `screen_parties` (longarm.rules.parties) makes."""
    from longarm.screening.match import adjust_for_country

    found = adjust_for_country(idx.candidates_for(name, type_ or None), country.upper() or None)
    return ";".join(f"{m.entry_index}:{m.matched_name}" for m in found)  # the score is not in the output


def _text_frame(task: Task) -> tuple[Any, Any]:
    """(the partition as given, for carrying through; the same as text, for deciding)."""
    import polars as pl

    if task.in_fmt == "jsonl":
        originals, texts = [], []
        for line in task.payload:
            obj, problem = _json_row(line)
            originals.append((obj, problem))
            texts.append({c: _as_text(obj.get(c)) for c in task.columns} if obj is not None else {})
        frame = pl.DataFrame(texts, schema={c: pl.Utf8 for c in task.columns}).with_columns(pl.all().fill_null(""))
        return originals, frame
    given = pl.from_arrow(task.payload)
    assert isinstance(given, pl.DataFrame)
    frame = given.with_columns(pl.all().cast(pl.Utf8).fill_null(""))
    return task.payload, frame


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for k, v in pairs:
        if k in seen:
            raise ValueError(f"duplicate key {k!r}")
        seen[k] = v
    return seen


def _json_row(line: str) -> tuple[dict[str, Any] | None, str]:
    try:
        obj = json.loads(line, object_pairs_hook=_no_duplicates)
    except ValueError as e:
        return None, f"(line) not a JSON object: {e}"
    if not isinstance(obj, dict):
        return None, "(line) not a JSON object"
    return obj, ""


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)  # 4800 stays "4800"


def decide_partition(task: Task) -> tuple[bytes, dict[str, Any]]:
    """One partition's output (in the output format, no header) and its summary (row count,
    outcomes, destinations, the rows a report lists)."""
    import polars as pl

    from longarm.screening.lists import bulk_load, current
    from longarm.screening.match import index_for

    decided, hits = _context_cache(task)
    originals, text = _text_frame(task)
    missing = [c for c in INPUT_COLUMNS if c not in text.columns]
    t = text.with_columns(*(pl.lit("").alias(c) for c in missing)).select(
        *(pl.col(c).str.strip_chars() for c in INPUT_COLUMNS)
    )
    idx = index_for(current())
    with bulk_load():
        parties = t.filter(pl.col("end_user") != "").select("end_user", "end_user_country", "end_user_type").unique()
        keys = []
        for name, country, type_ in parties.iter_rows():
            k = (name, country, type_)
            if k not in hits:
                hits[k] = _screen_key(idx, name, country, type_)
            keys.append(hits[k])
    parties = parties.with_columns(pl.Series("hits_key", keys, dtype=pl.Utf8))
    t = t.join(parties, on=["end_user", "end_user_country", "end_user_type"], how="left", maintain_order="left")
    t = t.with_columns(
        pl.concat_str(
            [
                *(pl.col(c) for c in KEY_COLUMNS),
                pl.col("hits_key").fill_null(""),
                (pl.col("end_user") != "").cast(pl.Utf8),
                (pl.col("order_id") == "").cast(pl.Utf8),
            ],
            separator="\x1f",
        ).alias("key")
    )
    bad_json = [i for i, (_, p) in enumerate(originals) if p] if task.in_fmt == "jsonl" else []
    reps = t.unique(subset="key", keep="first", maintain_order=True)
    with bulk_load():
        for row in reps.iter_rows(named=True):
            if row["key"] not in decided:
                decided[row["key"]] = decide_row(row, task.default_as_of, task.whatif)
    names = _result_names(task.whatif is not None)
    per_row = [decided[k] for k in t["key"].to_list()]
    for i in bad_json:
        per_row[i] = {**per_row[i], "error": originals[i][1], "outcome": "", DATE_COLUMN: None}
    results = pl.DataFrame({c: [r[c] for r in per_row] for c in names}, schema=_result_schema(names))
    summary = _summary(t, results, task.start)
    return _serialise(task, originals, text, results), summary


def _result_names(whatif: bool) -> list[str]:
    return [*RESULT_COLUMNS, DATE_COLUMN, *(WHATIF_COLUMNS if whatif else ())]


def _result_schema(names: list[str]) -> dict[str, Any]:
    import polars as pl

    types = {"license_required": pl.Boolean, "subject_to_ear": pl.Boolean, DATE_COLUMN: pl.Date, "flipped": pl.Boolean}
    return {c: types.get(c, pl.Utf8) for c in names}


def _summary(t: Any, results: Any, start: int) -> dict[str, Any]:
    import polars as pl

    outcome = results["outcome"].fill_null("")
    counts = Counter("INVALID" if o == "" else o for o in outcome.to_list())
    flagged_mask = (
        outcome.is_in(FLAGGED)
        | (results["general_prohibitions"] != "")
        | (results["screening_hits"] != "")
        | (results["error"] != "")
    )
    cols = ["order_id", "to_country", "catalog_id", "end_user"]
    shown = pl.concat([t.select(cols), results.select(RESULT_COLUMNS)], how="horizontal").filter(flagged_mask)
    orders = t["order_id"]
    return {
        "rows": t.height,
        "start": start,
        "counts": dict(counts),
        "destinations": dict(Counter(t["to_country"].to_list())),
        "flagged": int(flagged_mask.sum()),
        "report_rows": shown.head(REPORT_ROWS).to_dicts(),
        "first_order_id": orders[0] if t.height else "",
        "last_order_id": orders[-1] if t.height else "",
    }


def _escape(df: Any) -> Any:
    """Cells a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a leading `'`."""
    import polars as pl

    return df.with_columns(
        pl.when(pl.col(c).str.contains(r"^[=+\-@\t\r]")).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in df.columns
        if df.schema[c] == pl.Utf8
    )


def escape_cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def _out_names(columns: tuple[str, ...]) -> list[str]:
    return ["declared_eccn" if c == "eccn" else c for c in columns]


def _serialise(task: Task, originals: Any, text: Any, results: Any) -> bytes:
    import polars as pl

    if task.out_fmt == "jsonl" and task.in_fmt == "jsonl":
        lines = []
        for (obj, _), res in zip(originals, results.iter_rows(named=True)):
            kept = {("declared_eccn" if k == "eccn" else k): v for k, v in (obj or {}).items()}
            res[DATE_COLUMN] = res[DATE_COLUMN].isoformat() if res[DATE_COLUMN] else None
            lines.append(json.dumps({**kept, **res}, ensure_ascii=False) + "\n")
        return "".join(lines).encode("utf-8")
    if task.in_fmt == "jsonl":
        given = text
    else:
        given = pl.from_arrow(originals)
        assert isinstance(given, pl.DataFrame)
    given = given.rename(dict(zip(given.columns, _out_names(tuple(given.columns)))))
    out = pl.concat([given, results], how="horizontal")
    buf = io.BytesIO()
    if task.out_fmt == "csv":
        (out if task.raw else _escape(out)).write_csv(buf, include_header=False)
    elif task.out_fmt == "jsonl":
        out.write_ndjson(buf)
    else:
        import pyarrow.parquet as pq

        table = out.to_arrow()
        if task.in_fmt == "parquet":  # the input's own types, as read
            table = table.cast(_parquet_schema(originals.schema, results.to_arrow().schema))
        pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


def _parquet_schema(given: Any, results: Any) -> Any:
    import pyarrow as pa

    fields = [pa.field("declared_eccn" if f.name == "eccn" else f.name, f.type) for f in given]
    return pa.schema(fields + list(results))


# ---- reading the input ---------------------------------------------------------------------


@dataclass
class Source:
    """An order book opened for streaming: its format, columns and size, checked up front."""

    path: Path
    fmt: str
    encoding: str
    columns: tuple[str, ...]
    sha256: str
    rows_estimate: int
    warnings: list[str] = field(default_factory=list)

    def partitions(self, size: int) -> Iterator[tuple[int, Any]]:
        """(first row number, payload) per partition, in order; the same boundaries on every run."""
        if self.fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            start = 0
            for b in pq.ParquetFile(self.path).iter_batches(batch_size=size):
                yield start, pa.Table.from_batches([b])
                start += b.num_rows
        elif self.fmt == "jsonl":
            start, lines = 0, []
            with self.path.open(encoding=self.encoding, newline="\n") as f:
                for line in f:
                    if line.strip():
                        lines.append(line)
                        if len(lines) == size:
                            yield start, lines
                            start, lines = start + len(lines), []
            if lines:
                yield start, lines
        else:
            yield from self._csv_partitions(size)

    def _csv_partitions(self, size: int) -> Iterator[tuple[int, Any]]:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        names = [f"c{i}" for i in range(len(self.columns))]
        try:
            reader = pacsv.open_csv(
                self.path,
                read_options=pacsv.ReadOptions(
                    column_names=names, skip_rows=1, encoding=self.encoding, block_size=8 << 20
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in names}, strings_can_be_null=False
                ),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
            )
        except (pa.ArrowInvalid, OSError) as e:
            raise InputError(Problem("INPUT", f"cannot read {self.path}: {e}")) from None
        start, held, n = 0, [], 0
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as e:
                raise InputError(Problem("INPUT", f"{self.path}: {e} (after row {start + n})")) from None
            held.append(batch)
            n += batch.num_rows
            while n >= size:
                table = pa.Table.from_batches(held)
                yield start, table.slice(0, size).rename_columns(list(self.columns))
                rest = table.slice(size)
                held, n, start = rest.to_batches(), n - size, start + size
        if n:
            yield start, pa.Table.from_batches(held).rename_columns(list(self.columns))


def _scan(path: Path, encoding: str | None, check_utf8: bool) -> tuple[str, int, str]:
    """(SHA-256, newline count, encoding) in one pass; a file that is not in the encoding is exit 2."""
    h = hashlib.sha256()
    lines = 0
    with path.open("rb") as f:
        head = f.read(4)
        f.seek(0)
        if encoding is None:
            if head.startswith(codecs.BOM_UTF8):
                encoding = "utf-8-sig"
            elif head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
                encoding = "utf-32"
            elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                encoding = "utf-16"
            else:
                encoding = "utf-8"
        decoder = codecs.getincrementaldecoder(encoding)() if check_utf8 else None
        offset = 0
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
            lines += block.count(b"\n")
            if decoder is not None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as e:
                    at = offset + e.start
                    raise InputError(
                        Problem(
                            "INPUT",
                            f"{path} is not {encoding} (byte 0x{block[e.start]:02x} at offset {at}); a spreadsheet "
                            "export may be Latin-1/Windows-1252: pass --encoding cp1252 (or latin-1), "
                            "or save the file as UTF-8",
                        )
                    ) from None
            offset += len(block)
        if decoder is not None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise InputError(Problem("INPUT", f"{path} ends inside a {encoding} character")) from None
    return h.hexdigest(), lines, encoding


def _normal(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch not in " _-\t")


def check_columns(columns: list[str]) -> list[str]:
    """Exit 2 for duplicate headers, a column that is a near miss of a contract column, or a result
    column; the warnings (no party column) otherwise."""
    from rapidfuzz.distance import Levenshtein

    problems = []
    seen: set[str] = set()
    for c in columns:
        if c in seen:
            problems.append(Problem("INPUT", f"column {c!r} appears more than once"))
        seen.add(c)
    known = set(INPUT_COLUMNS)
    for c in columns:
        if c in known:
            continue
        for k in INPUT_COLUMNS:
            if k in seen:
                continue
            a, b = _normal(c), _normal(k)
            limit = 1 if len(k) <= 5 else 2
            if a == b or Levenshtein.distance(a, b) <= limit:
                problems.append(
                    Problem(
                        "INPUT",
                        f"column {c!r} looks like the contract column {k!r}: rename it to {k!r} (or rename it clearly apart)",
                    )
                )
                break
    missing = [c for c in REQUIRED if c not in seen]
    if missing:
        problems.append(Problem("INPUT", f"missing column(s): {', '.join(missing)}"))
    for c in (*RESULT_COLUMNS, DATE_COLUMN, *WHATIF_COLUMNS, "declared_eccn"):
        if c in seen and c != "eccn":
            problems.append(Problem("INPUT", f"column {c!r} is an output column; rename it"))
    if problems:
        raise InputError(problems)
    if PARTY_COLUMN not in seen:
        return [f"no {PARTY_COLUMN!r} column: no party is screened against the restricted-party lists"]
    return []


def open_source(path: Path, encoding: str | None = None) -> Source:
    """The order book at `path`, its columns checked; exit 2 for anything that cannot be read."""
    fmt = _format(path, "INPUT")
    if not path.is_file():
        raise InputError(Problem("INPUT", f"no such file: {path}"))
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(Problem("--encoding", f"unknown encoding {encoding!r}")) from None
    try:
        digest, lines, enc = _scan(path, encoding, check_utf8=fmt != "parquet")
    except OSError as e:
        raise InputError(Problem("INPUT", f"cannot read {path}: {e.strerror}")) from None
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(path)
        except Exception as e:  # pyarrow raises several types for a damaged file
            raise InputError(Problem("INPUT", f"{path} is not a readable Parquet file: {e}")) from None
        columns = list(pf.schema_arrow.names)
        rows = pf.metadata.num_rows
    elif fmt == "jsonl":
        columns, rows = _jsonl_columns(path, enc)
    else:
        with path.open(encoding=enc, newline="") as f:
            try:
                columns = next(csv.reader(f))
            except StopIteration:
                raise InputError(Problem("INPUT", f"{path} is empty")) from None
        columns = [c.strip() for c in columns]
        rows = max(0, lines - 1)
    warnings = check_columns(columns)
    return Source(path, fmt, enc, tuple(columns), digest, rows, warnings)


def _jsonl_columns(path: Path, encoding: str) -> tuple[list[str], int]:
    """Every key of every line, in order of first appearance (a line that is not an object is
    left to its row's error)."""
    columns: dict[str, None] = {}
    rows = 0
    with path.open(encoding=encoding) as f:
        for line in f:
            if not line.strip():
                continue
            rows += 1
            obj, _ = _json_row(line)
            if obj is not None:
                columns.update(dict.fromkeys(obj))
    return list(columns), rows


# ---- the run --------------------------------------------------------------------------------


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def _writable_folder(path: Path, field: str) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise InputError(Problem(field, f"folder {folder} does not exist: create it or choose another path"))
    if path.is_dir():
        raise InputError(Problem(field, f"{path} is a folder: give a file name"))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(Problem(field, f"folder {folder} is not writable: choose another path"))


def check_paths(input_path: Path, output_path: Path, report: Path | None) -> None:
    """Refuse an output that is the input (also through links) and paths that cannot be written."""
    _writable_folder(output_path, "--out")
    if _same_file(input_path, output_path):
        raise InputError(
            Problem("--out", f"{output_path} is the input file: choose another output (the input is kept)")
        )
    if report is not None:
        if report.suffix.lower() not in (".html", ".htm", ".pdf"):
            raise InputError(Problem("--report", "must end in .html or .pdf"))
        _writable_folder(report, "--report")
        for other, what in ((input_path, "the input file"), (output_path, "the output file")):
            if _same_file(report, other):
                raise InputError(Problem("--report", f"{report} is {what}: choose another path"))
        if report.suffix.lower() == ".pdf":
            from longarm.report import pdf_support

            pdf_support()


@contextlib.contextmanager
def output_lock(output_path: Path, what: dict[str, Any]) -> Iterator[None]:
    """One run per output file: a second run with the same --out exits 2 naming the first."""
    import fcntl

    lock = output_path.with_name(f".{output_path.name}.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.pread(fd, 4096, 0).decode("utf-8", "replace")
            try:
                info = json.loads(other)
                holder = f"pid {info['pid']}, input {info['input']}, started {info['started']}"
            except (ValueError, KeyError, TypeError):
                holder = "another process"
            raise InputError(
                Problem(
                    "--out",
                    f"{output_path} is being written by another batch run ({holder}); wait for it to finish or choose another --out",
                )
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(what).encode(), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                lock.unlink()
    finally:
        os.close(fd)


class _Parts:
    """`OUTPUT.parts/`: one file per finished partition with a sidecar holding its SHA-256 and
    summary; a part whose bytes do not match its SHA-256 is recomputed."""

    def __init__(self, folder: Path, params: dict[str, Any]):
        self.folder = folder
        manifest = folder / "manifest.json"
        kept = None
        if folder.exists():
            try:
                kept = json.loads(manifest.read_text("utf-8"))
            except (OSError, ValueError):
                kept = None
            same = isinstance(kept, dict) and {k: v for k, v in kept.items() if k != "default_as_of"} == params
            if not same:
                shutil.rmtree(folder)
                kept = None
        try:
            folder.mkdir(exist_ok=True)
            if kept is None:
                kept = {**params, "default_as_of": dt.date.today().isoformat()}
                _atomic_write(manifest, json.dumps(kept, sort_keys=True).encode())
        except OSError as e:
            raise InputError(
                Problem("--out", f"cannot write {folder}: {e.strerror}; choose a writable folder")
            ) from None
        self.default_as_of = dt.date.fromisoformat(kept["default_as_of"])
        self.damaged: list[int] = []

    def _paths(self, k: int) -> tuple[Path, Path]:
        return self.folder / f"part-{k:06d}.bin", self.folder / f"part-{k:06d}.json"

    def done(self, k: int) -> dict[str, Any] | None:
        data, meta = self._paths(k)
        if not meta.exists():
            return None
        try:
            summary = json.loads(meta.read_text("utf-8"))
            ok = _sha256_file(data) == summary["sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            self.damaged.append(k)
            with contextlib.suppress(OSError):
                meta.unlink()
            return None
        summary.pop("report_rows", None)  # kept on disk only: memory must not grow with the book
        return summary  # type: ignore[no-any-return]

    def keep(self, k: int, data: bytes, summary: dict[str, Any]) -> dict[str, Any]:
        path, meta = self._paths(k)
        summary = {**summary, "sha256": hashlib.sha256(data).hexdigest(), "partition": k}
        _atomic_write(path, data)
        _atomic_write(meta, json.dumps(summary, default=str).encode())
        summary.pop("report_rows", None)
        return summary

    def report_rows(self, k: int) -> list[dict[str, Any]]:
        rows = json.loads(self._paths(k)[1].read_text("utf-8")).get("report_rows", [])
        return rows  # type: ignore[no-any-return]

    def data(self, k: int) -> Path:
        return self._paths(k)[0]


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _worker_init(parent: int) -> None:
    """Worker processes end with the run: the kernel kills them when their parent dies (Linux),
    and a watchdog thread ends them if the parent is gone by any other route."""
    import ctypes
    import threading
    import time

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


class _LocalEngine:
    """Worker processes on this machine (spawned, so they share no state with the parent). Each
    worker is replaced after RECYCLE_PARTITIONS partitions: whatever caches grow inside `assess`
    and the matcher, a worker's memory stays bounded."""

    def __init__(self, workers: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers
        # each worker's work is one thread: no thread pools or malloc arenas per core
        self.saved_env = {k: os.environ.get(k) for k in WORKER_ENV}
        os.environ.update(WORKER_ENV)
        self.pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init,
            initargs=(os.getpid(),),
            max_tasks_per_child=RECYCLE_PARTITIONS,
        )

    def submit(self, task: Task) -> Any:
        return self.pool.submit(decide_partition, task)

    def wait_one(self, pending: list[Any]) -> list[Any]:
        from concurrent.futures import FIRST_COMPLETED, wait

        return list(wait(pending, return_when=FIRST_COMPLETED).done)

    def close(self, failed: bool) -> None:
        try:
            if failed:
                for p in list((self.pool._processes or {}).values()):
                    with contextlib.suppress(Exception):
                        p.kill()
            self.pool.shutdown(wait=True, cancel_futures=True)
        finally:
            for k, v in self.saved_env.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


class _InlineEngine:
    """A single partition, or a single core: decided in this process."""

    workers = 1

    def submit(self, task: Task) -> Any:
        from concurrent.futures import Future

        f: Future[Any] = Future()
        f.set_result(decide_partition(task))
        return f

    def wait_one(self, pending: list[Any]) -> list[Any]:
        return pending[:1]

    def close(self, failed: bool) -> None:
        pass


def _terminate_as_exit(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def run(
    input_path: Path,
    output_path: Path,
    *,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    partition_rows: int = PARTITION_ROWS,
    store_path: Path | None = None,
    report: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    raw: bool = False,
    whatif: list[str] | None = None,
    encoding: str | None = None,
) -> dict[str, Any]:
    """Decide every row of `input_path` into `output_path`; resumes a killed run with the same arguments.

    Everything checkable is checked before any work: paths (the output is never the input),
    columns, encoding, the store, PDF support, the Dask scheduler.
    """
    import sqlite3

    from longarm import __version__
    from longarm.params import fingerprint as params_fingerprint
    from longarm.screening.lists import current
    from longarm.store import Store

    out_fmt = _format(output_path, "--out")
    if engine not in ("local", "dask"):
        raise InputError(Problem("--engine", "must be local or dask"))
    if scheduler and engine != "dask":
        raise InputError(Problem("--scheduler", "only with --engine dask"))
    if partition_rows < 1:
        raise InputError(Problem("--partition-rows", "must be at least 1"))
    sets = _whatif_sets(whatif)
    if not input_path.is_file():
        raise InputError(Problem("INPUT", f"no such file: {input_path}"))
    check_paths(input_path, output_path, report)
    src = open_source(input_path, encoding)
    lst = current()
    ruleset = params_fingerprint()
    params = {
        "input_sha256": src.sha256,
        "output": str(output_path.resolve()),
        "output_format": out_fmt,
        "partition_rows": partition_rows,
        "lists_version": lst.version,
        "lists_sha256": lst.digest,
        "ruleset": ruleset,
        "longarm_version": __version__,
        "input_columns": list(src.columns),
        "encoding": src.encoding,
        "raw": raw,
        "whatif": sets,
    }
    parts_dir = output_path.with_name(output_path.name + ".parts")
    with output_lock(output_path, {"pid": os.getpid(), "input": str(input_path), "started": _now()}):
        try:
            store = Store(store_path)
        except (OSError, sqlite3.Error) as e:
            raise InputError(Problem("--store", f"cannot open the store {store_path or ''}: {e}")) from None
        main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _terminate_as_exit) if main_thread else None
        temps: list[Path] = []
        failure: BaseException | None = None
        try:
            parts = _Parts(parts_dir, params)
            run_id = hashlib.sha256(
                json.dumps(
                    {**params, "default_as_of": parts.default_as_of.isoformat()}, sort_keys=True, default=str
                ).encode()
            ).hexdigest()[:16]
            cluster = _open_engine(engine, scheduler, workers, src, partition_rows)
            summaries = _decide_all(src, parts, cluster, sets, raw, out_fmt, partition_rows, lst, progress)
            for k in parts.damaged:
                print(f"warning: {parts.data(k)} was damaged; it has been recomputed", file=sys.stderr)
            counts: Counter[str] = Counter()
            for s in summaries:
                counts.update(s["counts"])
            counts_sorted = dict(sorted(counts.items()))
            tmp_out = output_path.with_name(f".{output_path.name}.tmp{os.getpid()}")
            temps.append(tmp_out)
            out_sha = _assemble(tmp_out, parts, summaries, src, out_fmt, raw, sets is not None)
            run_params = {
                "engine": engine,
                "scheduler": scheduler,
                "workers": getattr(cluster, "workers", None),
                "worker_facts": getattr(cluster, "facts", None),
                "partition_rows": partition_rows,
                "output": str(output_path),
                "output_sha256": out_sha,
                "default_as_of": parts.default_as_of.isoformat(),
                "lists_sha256": lst.digest,
                "encoding": src.encoding,
                "raw": raw,
                "whatif": sets,
                "warnings": src.warnings,
                "counts": counts_sorted,
            }
            _record(store, run_id, src, ruleset, lst, __version__, run_params, summaries, counts_sorted)
            tmp_report = None
            if report is not None:
                from longarm.report import write_report

                tmp_report = report.with_name(f".{report.name}.tmp{os.getpid()}{report.suffix}")
                temps.append(tmp_report)
                write_report(
                    _report_data(parts, summaries),
                    tmp_report,
                    run_id=run_id,
                    input_path=input_path,
                    counts=counts_sorted,
                    lists_version=lst.version,
                )
            os.replace(tmp_out, output_path)
            if report is not None and tmp_report is not None:
                os.replace(tmp_report, report)
            shutil.rmtree(parts_dir, ignore_errors=True)
        except OSError as e:
            failure = e
            raise InputError(
                Problem(
                    "--out",
                    f"cannot write {e.filename or output_path}: {e.strerror or e}; free space or choose another folder",
                )
            ) from None
        except BaseException as e:
            failure = e
            raise
        finally:
            if main_thread:
                signal.signal(signal.SIGTERM, previous)
            store.close()
            for t in temps:
                with contextlib.suppress(OSError):
                    t.unlink()
            if failure is not None and not isinstance(failure, (KeyboardInterrupt, SystemExit)):
                shutil.rmtree(parts_dir, ignore_errors=True)  # a failure leaves nothing; an interruption resumes
    return {
        "run_id": run_id,
        "rows": sum(s["rows"] for s in summaries),
        "counts": counts_sorted,
        "output": str(output_path),
        "input_sha256": src.sha256,
        "lists_version": lst.version,
        "warnings": src.warnings,
        "default_as_of": parts.default_as_of.isoformat(),
    }


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _whatif_sets(whatif: list[str] | None) -> dict[str, Any] | None:
    if not whatif:
        return None
    try:
        from longarm.policy.whatif import parse_sets
    except ImportError:
        raise InputError(Problem("--whatif", "hypothetical parameters are not available in this version")) from None
    return parse_sets(list(whatif), field="--whatif")


def _open_engine(engine: str, scheduler: str | None, workers: int | None, src: Source, size: int) -> Any:
    if engine == "dask":
        from longarm.distributed import DaskEngine

        return DaskEngine(scheduler, workers)
    n = workers or os.cpu_count() or 1
    if n <= 1 or src.rows_estimate <= size:
        return _InlineEngine()
    return _LocalEngine(n)


def _decide_all(
    src: Source,
    parts: _Parts,
    cluster: Any,
    sets: dict[str, Any] | None,
    raw: bool,
    out_fmt: str,
    size: int,
    lst: Any,
    progress: Callable[[str, int, int], None] | None,
) -> list[dict[str, Any]]:
    """Every partition decided (or kept from an earlier run), with one more in flight than workers."""
    summaries: dict[int, dict[str, Any]] = {}
    pending: dict[Any, int] = {}
    done_rows = 0
    total = src.rows_estimate
    label = "deciding rows"
    if hasattr(cluster, "ship"):
        cluster.ship(lst)
    limit = 1 + max(1, getattr(cluster, "workers", 1) or 1)
    failed = True

    def finish(futures: list[Any]) -> None:
        nonlocal done_rows
        for f in futures:
            k = pending.pop(f)
            data, summary = f.result()
            summaries[k] = parts.keep(k, data, summary)
            done_rows += summary["rows"]
            if progress:
                progress(label, done_rows, max(total, done_rows))

    try:
        if progress:
            progress(label, 0, total)
        for k, (start, payload) in enumerate(src.partitions(size)):
            kept = parts.done(k)
            if kept is not None:
                summaries[k] = kept
                done_rows += kept["rows"]
                continue
            while len(pending) >= limit:
                finish(cluster.wait_one(list(pending)))
            task = Task(
                k=k,
                start=start,
                in_fmt=src.fmt,
                out_fmt=out_fmt,
                columns=src.columns,
                payload=payload,
                default_as_of=parts.default_as_of,
                raw=raw,
                whatif=sets,
                lists_digest=lst.digest,
            )
            pending[cluster.submit(task)] = k
        while pending:
            finish(cluster.wait_one(list(pending)))
        failed = False
    finally:
        cluster.close(failed)
    return [summaries[k] for k in sorted(summaries)]


def _assemble(
    tmp: Path, parts: _Parts, summaries: list[dict[str, Any]], src: Source, out_fmt: str, raw: bool, whatif: bool
) -> str:
    """The output file from the parts, in order (a header first for CSV); its SHA-256."""
    if out_fmt == "parquet":
        import pyarrow.parquet as pq

        writer = None
        try:
            for s in summaries:
                table = pq.read_table(parts.data(s["partition"]))
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema, compression="zstd")
                writer.write_table(table)
            if writer is None:
                import polars as pl

                names = _out_names(src.columns) + _result_names(whatif)
                pl.DataFrame(
                    schema={**{c: pl.Utf8 for c in names}, **_result_schema(_result_names(whatif))}
                ).write_parquet(tmp)
        finally:
            if writer is not None:
                writer.close()
        return _sha256_file(tmp)
    h = hashlib.sha256()
    with tmp.open("wb") as out:
        if out_fmt == "csv":
            header = io.StringIO()
            names = _out_names(src.columns) + _result_names(whatif)
            csv.writer(header, lineterminator="\n").writerow(names if raw else [escape_cell(c) for c in names])
            data = header.getvalue().encode("utf-8")
            out.write(data)
            h.update(data)
        for s in summaries:
            with parts.data(s["partition"]).open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    out.write(block)
                    h.update(block)
        out.flush()
        os.fsync(out.fileno())
    return h.hexdigest()


def _record(
    store: Any,
    run_id: str,
    src: Source,
    ruleset: dict[str, Any],
    lst: Any,
    version: str,
    run_params: dict[str, Any],
    summaries: list[dict[str, Any]],
    counts: dict[str, int],
) -> None:
    """The run record and one audit record per partition (its rows' SHA-256, range and counts);
    an identical run already recorded is not recorded again."""
    if store.run_finished(run_id):
        return
    store.start_run(
        run_id,
        input_path=str(src.path),
        input_sha256=src.sha256,
        ruleset=json.dumps(ruleset, sort_keys=True, default=str),
        lists_version=lst.version,
        longarm_version=version,
        params=run_params,
    )
    store.append(
        "batch-partition",
        (
            (
                f"{s['first_order_id']}..{s['last_order_id']}",
                {
                    "partition": s["partition"],
                    "rows": [s["start"], s["start"] + s["rows"]],
                    "sha256": s["sha256"],
                    "counts": s["counts"],
                },
            )
            for s in summaries
        ),
        run_id=run_id,
    )
    store.finish_run(run_id, counts)


def _report_data(parts: _Parts, summaries: list[dict[str, Any]]) -> dict[str, Any]:
    dest: Counter[str] = Counter()
    rows: list[dict[str, Any]] = []
    flagged = 0
    for s in summaries:
        dest.update(s["destinations"])
        flagged += s["flagged"]
        if len(rows) < REPORT_ROWS and s["flagged"]:
            rows.extend(parts.report_rows(s["partition"])[: REPORT_ROWS - len(rows)])
    return {"destinations": dict(dest.most_common()), "flagged_rows": rows, "flagged": flagged}


def progress_bar() -> tuple[Callable[[str, int, int], None] | None, Callable[[], None]]:
    """A rich progress bar (rows/s, ETA) when stderr is a terminal; a line every 10 % otherwise."""
    if not sys.stderr.isatty():
        last = {"step": -1}

        def log(stage: str, done: int, total: int) -> None:
            step = (10 * done) // total if total else 10
            if step != last["step"] and done:
                last["step"] = step
                print(f"{stage}: {done:,}/{total:,}", file=sys.stderr, flush=True)

        return log, lambda: None
    from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
    from rich.text import Text

    class PerSecond(ProgressColumn):
        def render(self, task):  # type: ignore[no-untyped-def]
            return Text(f"{task.speed or 0:,.0f}/s")

    bar = Progress(
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,}/{task.total:,}"),
        BarColumn(),
        PerSecond(),
        TimeRemainingColumn(),
        transient=True,
    )
    tasks: dict[str, Any] = {}
    bar.start()

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    return update, bar.stop
