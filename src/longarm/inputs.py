"""Reading user input: transactions from JSON/YAML, dates, and validation errors as field paths.

Input is read within documented limits (LIMITS), so a wrong file (`/dev/zero`, a log, a
deeply nested document) is refused with exit 2 instead of exhausting memory or the stack; a
key given twice is refused (the last one would otherwise win silently and change the answer);
text must be UTF-8 (a byte-order mark for UTF-8, UTF-16 or UTF-32 is honoured).
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import sys
from typing import TYPE_CHECKING, Any

from longarm.errors import InputError, Problem

if TYPE_CHECKING:
    from pydantic import ValidationError

    from longarm.model import Transaction

MAX_DOCUMENT_BYTES = 1 << 20  # a Transaction is a few KB
MAX_NAME_CHARS = 1_000  # the longest name on the Consolidated Screening List has under 400
MAX_TEXT_CHARS = 10_000
MAX_LIST_ITEMS = 10_000
MAX_DEPTH = 32  # a Transaction nests 5 deep
MAX_VALUES = 100_000  # every value counted, YAML aliases expanded ("billion laughs")

LIMITS = {
    "Transaction file (JSON or YAML)": f"at most {MAX_DOCUMENT_BYTES:,} bytes (1 MiB)",
    "a name (`parties[].name`, `item.name`, `exporter.name`, `item.producer.name`, ...)": (
        f"at most {MAX_NAME_CHARS:,} characters"
    ),
    "any other text value": f"at most {MAX_TEXT_CHARS:,} characters",
    "any list": f"at most {MAX_LIST_ITEMS:,} entries",
    "nesting": f"at most {MAX_DEPTH} levels of mappings and lists",
    "values in one document (YAML aliases counted each time they are used)": f"at most {MAX_VALUES:,}",
    "encoding": "UTF-8; UTF-16 and UTF-32 with a byte-order mark",
}

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def problems_of(err: ValidationError, prefix: str = "") -> list[Problem]:
    """One Problem per pydantic error, with the dotted field path (`item.units[0].tops`)."""
    out = []
    for e in err.errors():
        path = prefix
        for part in e["loc"]:
            if isinstance(part, int):
                path += f"[{part}]"
            elif part and not str(part).startswith("function-"):
                path += ("." if path else "") + str(part)
        if e["type"] == "extra_forbidden":
            msg = "unknown field (a misspelt field must not silently change an answer)"
        elif e["type"] == "missing":
            msg = "required"
        else:
            msg = str(e["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        out.append(Problem(path or "(input)", msg))
    return out


def parse_date(text: str, field: str) -> dt.date:
    """An ISO date (YYYY-MM-DD) from 2000-01-01 to 2099-12-31, or InputError naming `field`."""
    from longarm.model import EARLIEST_DATE, LATEST_DATE

    try:
        value = dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise InputError(Problem(field, f"{text!r} is not a date (YYYY-MM-DD)")) from None
    if value < EARLIEST_DATE:
        raise InputError(Problem(field, f"must be on or after {EARLIEST_DATE.isoformat()}"))
    if value > LATEST_DATE:
        raise InputError(Problem(field, f"must be on or before {LATEST_DATE.isoformat()}"))
    return value


def decode(data: bytes, field: str, where: str) -> str:
    """Text from bytes: UTF-8, or UTF-8/16/32 with a byte-order mark; else InputError saying which
    byte is not UTF-8 and how to convert the file."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as e:
                raise InputError(Problem(field, f"{where}: damaged {codec.upper()} text at byte {e.start}")) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        if data[1:2] == b"\0" or data[:1] == b"\0":
            guess = "it looks like UTF-16 without a byte-order mark; save it as UTF-8"
        else:
            guess = "it may be Latin-1/Windows-1252: save it as UTF-8 (e.g. `iconv -f cp1252 -t utf-8`)"
        raise InputError(
            Problem(field, f"{where}: not UTF-8 (byte 0x{data[e.start]:02x} on line {line}); {guess}")
        ) from None
    if "\0" in text:
        raise InputError(
            Problem(field, f"{where}: holds NUL bytes: UTF-16 without a byte-order mark? Save it as UTF-8")
        )
    return text


def read_bytes(path: str, field: str = "FILE", limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """At most `limit` bytes of a file (or of stdin for '-'); InputError past the limit."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(path, "rb") as f:
                data = f.read(limit + 1)
    except OSError as e:
        raise InputError(Problem(field, f"cannot read {path}: {e.strerror}")) from None
    if len(data) > limit:
        raise InputError(
            Problem(
                field,
                f"{'stdin' if path == '-' else path}: larger than the limit of {limit:,} bytes; is it the right file?",
            )
        )
    return data


def _yaml_loader() -> Any:
    import yaml

    class Loader(yaml.SafeLoader):
        """YAML without implicit timestamps: dates stay strings so validation names a bad one."""

    Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


class _Obj(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once."""

    duplicates: tuple[str, ...] = ()


def _json_object(pairs: list[tuple[str, Any]]) -> _Obj:
    obj = _Obj()
    dups = []
    for k, v in pairs:
        if k in obj:
            dups.append(k)
        obj[k] = v
    obj.duplicates = tuple(dups)
    return obj


def _join(path: str, key: Any) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else str(key))


def _json_duplicates(doc: Any) -> list[Problem]:
    out, stack = [], [("", doc)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, _Obj):
            out += [Problem(_join(path, k), "duplicate key: given more than once") for k in node.duplicates]
        if isinstance(node, dict):
            stack += [(_join(path, k), v) for k, v in node.items()]
        elif isinstance(node, list):
            stack += [(_join(path, i), v) for i, v in enumerate(node)]
    return sorted(out, key=lambda p: p.field)


def _yaml_duplicates(node: Any) -> list[Problem]:
    """Keys given twice in a mapping of the composed YAML node graph, with their paths and lines."""
    import yaml

    out, stack, seen = [], [("", node)], set()
    while stack:
        path, n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, yaml.MappingNode):
            keys: set[str] = set()
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in keys and k.value != "<<":
                        out.append(
                            Problem(_join(path, k.value), f"duplicate key: given again on line {k.start_mark.line + 1}")
                        )
                    keys.add(k.value)
                    stack.append((_join(path, k.value), v))
        elif isinstance(n, yaml.SequenceNode):
            stack += [(_join(path, i), v) for i, v in enumerate(n.value)]
    return sorted(out, key=lambda p: p.field)


def parse_document(text: str, where: str = "input") -> Any:
    """A JSON or YAML document from text; InputError for a duplicate key, bad syntax or deep nesting."""
    try:
        doc = json.loads(text, object_pairs_hook=_json_object)
    except RecursionError:
        raise InputError(Problem("FILE", f"{where}: nested deeper than {MAX_DEPTH} levels")) from None
    except ValueError:
        pass
    else:
        if _json_duplicates(doc):
            raise InputError(_json_duplicates(doc))
        return doc
    import yaml

    loader = _yaml_loader()(text)
    dups: list[Problem] = []
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        dups = _yaml_duplicates(node)
        if not dups:
            return loader.construct_document(node)
    except RecursionError:
        raise InputError(Problem("FILE", f"{where}: nested deeper than {MAX_DEPTH} levels")) from None
    except yaml.YAMLError as e:
        raise InputError(Problem("FILE", f"{where}: neither JSON nor YAML: {str(e).splitlines()[0]}")) from None
    except ValueError as e:  # a YAML scalar Python cannot hold (e.g. an integer of 5,000 digits)
        why = "a number of more than 4,300 digits" if "digits" in str(e) else str(e)
        raise InputError(Problem("FILE", f"{where}: holds {why}; no field takes such a value")) from None
    finally:
        loader.dispose()
    raise InputError(dups)


def read_document(path: str) -> Any:
    """A JSON or YAML document from a file, or from stdin when `path` is '-', within LIMITS."""
    where = "stdin" if path == "-" else path
    return parse_document(decode(read_bytes(path), "FILE", where), where)


def limit_problems(data: Any) -> list[Problem]:
    """Every value past LIMITS (too long a name or text, too long a list, too deep), by field path."""
    out, stack, seen = [], [("", data, 0)], 0
    while stack:
        path, node, depth = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            return [
                Problem(
                    "(input)", f"more than {MAX_VALUES:,} values (YAML aliases are counted each time they are used)"
                )
            ]
        if depth > MAX_DEPTH:
            out.append(Problem(path or "(input)", f"nested deeper than {MAX_DEPTH} levels"))
            continue
        if isinstance(node, str):
            name = path.rsplit(".", 1)[-1] == "name"
            cap = MAX_NAME_CHARS if name else MAX_TEXT_CHARS
            if len(node) > cap:
                out.append(Problem(path, f"{len(node):,} characters; at most {cap:,} are accepted"))
        elif isinstance(node, dict):
            stack += [(_join(path, k), v, depth + 1) for k, v in node.items()]
        elif isinstance(node, list):
            if len(node) > MAX_LIST_ITEMS:
                out.append(Problem(path, f"{len(node):,} entries; at most {MAX_LIST_ITEMS:,} are accepted"))
                continue
            stack += [(_join(path, i), v, depth + 1) for i, v in enumerate(node)]
    return sorted(out, key=lambda p: p.field)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Country Groups of 15 CFR 740 Supp. 1
_GROUPS = frozenset({"A:1", "A:2", "A:3", "A:4", "A:5", "A:6", "B", "D:1", "D:2", "D:3", "D:4", "D:5", "E:1", "E:2"})
_ECCN_PREFIX = re.compile(r"\d[A-E]\d{3}")


def _dates(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with its ISO date strings (YYYY-MM-DD exactly) read as dates, for strict validation;
    anything else is left for validation to refuse by field."""

    def day(value: Any) -> Any:
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value
        return value

    out = dict(data)
    if "as_of" in out:
        out["as_of"] = day(out["as_of"])
    exporter = out.get("exporter")
    if isinstance(exporter, dict) and isinstance(exporter.get("is_informed"), list):
        letters = [
            {**letter, "date": day(letter["date"])} if isinstance(letter, dict) and "date" in letter else letter
            for letter in exporter["is_informed"]
        ]
        out["exporter"] = {**exporter, "is_informed": letters}
    return out


def _blank(value: Any) -> bool:
    return isinstance(value, str) and not "".join(ch for ch in value if ch.isprintable()).strip()


def fact_problems(tx: Transaction) -> list[Problem]:
    """Values the model accepts that would be silently ignored by the rules: a letter whose
    destinations or items match nothing (`cn`, `NVIDIA-H20`, a typo), a blank name or citation,
    an empty catalogue id, a letter dated outside 2000-2099."""
    from longarm import catalog
    from longarm.model import EARLIEST_DATE, LATEST_DATE, country_code

    out: list[Problem] = []
    if tx.item.catalog_id is not None and not tx.item.catalog_id.strip():
        out.append(Problem("item.catalog_id", "must not be empty (leave it out when the item is not in the catalogue)"))
    if _blank(tx.exporter.name):
        out.append(Problem("exporter.name", "must not be blank (leave it out when unknown)"))
    ids = set(catalog.chips())
    for i, letter in enumerate(tx.exporter.is_informed or []):
        where = f"exporter.is_informed[{i}]"
        if _blank(letter.citation):
            out.append(Problem(f"{where}.citation", "must not be blank"))
        if not EARLIEST_DATE <= letter.date <= LATEST_DATE:
            out.append(Problem(f"{where}.date", f"must be from {EARLIEST_DATE} to {LATEST_DATE}"))
        for j, d in enumerate(letter.destinations):
            if d in _GROUPS:
                continue
            try:
                ok = country_code(d) == d
            except ValueError:
                ok = False
            if not ok:
                out.append(
                    Problem(
                        f"{where}.destinations[{j}]",
                        f"{d!r} is neither an ISO 3166-1 alpha-2 code in capitals (CN) nor a Country Group (D:5)",
                    )
                )
        for j, item in enumerate(letter.items):
            if item not in ids and not _ECCN_PREFIX.match(item):
                out.append(
                    Problem(
                        f"{where}.items[{j}]",
                        f"{item!r} is neither a catalogue id (`longarm chips`) nor an ECCN prefix in capitals (3A090)",
                    )
                )
    return out


def transaction(data: Any, strict: bool = False) -> Transaction:
    """Validate a parsed document as a Transaction; every invalid field is reported.

    `strict` (what the command line uses): a value must have its field's type as written, never
    converted (`"15832"`, `true` or `0` for a number or a yes/no is refused: `tpp: true` would
    otherwise read as a TPP of 1), dates are YYYY-MM-DD exactly, and facts that the rules would
    silently ignore (`fact_problems`) are refused."""
    from pydantic import ValidationError

    from longarm.model import Transaction

    if not isinstance(data, dict):
        raise InputError(Problem("(input)", "must be a mapping of Transaction fields"))
    too_big = limit_problems(data)
    if too_big:
        raise InputError(too_big)
    try:
        tx = Transaction.model_validate(_dates(data), strict=True) if strict else Transaction.model_validate(data)
    except ValidationError as e:
        raise InputError(problems_of(e)) from None
    if strict and (problems := fact_problems(tx)):
        raise InputError(problems)
    return tx
