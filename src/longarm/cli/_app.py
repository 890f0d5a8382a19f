"""The Typer application and helpers shared by the command modules."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Optional

import typer

from longarm import inputs
from longarm.errors import InputError, Problem

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="US export controls on AI chips (EAR), as code, as of any date. Not legal advice.",
)


def emit(data: Any) -> None:
    """Print `data` as indented JSON on stdout."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def audit(kind: str, subject: str, payload: dict[str, Any]) -> None:
    """Append to the audit log; a store that cannot be written is reported, never fatal."""
    from longarm.store import record_quietly

    warning = record_quietly(kind, subject, payload)
    if warning:
        typer.echo(f"warning: {warning}", err=True)


def as_of_option(text: Optional[str]) -> dt.date:
    """The `--as-of` option: today when absent."""
    return dt.date.today() if text is None else inputs.parse_date(text, "--as-of")


def country_option(code: Optional[str]) -> Optional[str]:
    """The `--country` option as an ISO 3166-1 alpha-2 code."""
    from longarm.model import country_code

    try:
        return country_code(code)
    except ValueError as e:
        raise InputError(Problem("--country", str(e))) from None
