"""Reading user input: transactions from JSON/YAML, dates, and validation errors as field paths."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from longarm.errors import InputError, Problem
from longarm.model import EARLIEST_DATE, Transaction


class _Loader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates stay strings so validation names a bad one."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


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
    """An ISO date (YYYY-MM-DD) on or after 2000-01-01, or InputError naming `field`."""
    try:
        value = dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise InputError(Problem(field, f"{text!r} is not a date (YYYY-MM-DD)")) from None
    if value < EARLIEST_DATE:
        raise InputError(Problem(field, f"must be on or after {EARLIEST_DATE.isoformat()}"))
    return value


def read_document(path: str) -> Any:
    """A JSON or YAML document from a file, or from stdin when `path` is '-'."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text("utf-8")
    except OSError as e:
        raise InputError(Problem("FILE", f"cannot read {path}: {e.strerror}")) from None
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as e:
        raise InputError(Problem("FILE", f"neither JSON nor YAML: {str(e).splitlines()[0]}")) from None


def transaction(data: Any) -> Transaction:
    """Validate a parsed document as a Transaction; every invalid field is reported."""
    if not isinstance(data, dict):
        raise InputError(Problem("(input)", "must be a mapping of Transaction fields"))
    try:
        return Transaction.model_validate(data)
    except ValidationError as e:
        raise InputError(problems_of(e)) from None
