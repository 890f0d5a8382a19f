"""The `longarm` command: a thin layer over the library's public functions.

Each command lives in a module named for what it is about; importing the module registers it.
Exit codes (contract): 0 a determination was made; 2 invalid input, one line per problem on
stderr naming the field, nothing on stdout; 1 an internal error (one line, no traceback).
"""

from __future__ import annotations

import os
import sys

import typer

from longarm import inputs
from longarm.cli import assess, audit, batch, explore, items, keys, lists, rules, schema, screening, serve  # noqa: F401
from longarm.cli._app import app
from longarm.errors import InputError, LongarmError, StoreError

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: the contract's exit codes; the process ends without tearing down the
    screening index object by object (a short-lived command needs no clean-up)."""
    import gc

    gc.disable()  # a short-lived command builds many long-lived objects; collection only costs time
    code = 0
    try:
        _run()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _run() -> None:
    try:
        rc = app(standalone_mode=False)  # returns the code of a typer.Exit instead of raising it
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except InputError as e:
        for p in e.problems:
            typer.echo(str(p), err=True)
        sys.exit(2)
    except StoreError as e:
        typer.echo(f"error: {e}", err=True)
        sys.exit(2)
    except LongarmError as e:
        typer.echo(f"error: {e}", err=True)
        sys.exit(1)
    except OSError as e:  # a file or folder the user named (an output path, a plot) cannot be used
        where = e.filename if e.filename is not None else "a file"
        typer.echo(f"{where}: {e.strerror or e}; check the path exists and is writable (or readable)", err=True)
        sys.exit(2)
    except (typer.Exit, SystemExit) as e:
        code = getattr(e, "exit_code", getattr(e, "code", 0))
        sys.exit(code)
    except typer.Abort:
        sys.exit(1)
    except Exception as e:  # validation and usage errors, and anything unexpected
        if type(e).__name__ == "ValidationError" and hasattr(e, "errors"):  # pydantic's, imported only if used
            for p in inputs.problems_of(e):  # type: ignore[arg-type]
                typer.echo(str(p), err=True)
            sys.exit(2)
        if hasattr(e, "format_message") and hasattr(e, "exit_code"):
            if type(e).__name__ == "NoArgsIsHelpError":
                typer.echo(e.format_message())
                sys.exit(0)
            typer.echo(f"{_usage_field(e)}: {e.format_message()}", err=True)
            sys.exit(2)
        typer.echo(f"internal error: {type(e).__name__}: {e}", err=True)
        sys.exit(1)


def _usage_field(e: Exception) -> str:
    if getattr(e, "option_name", None):
        return str(e.option_name)  # type: ignore[attr-defined]
    param = getattr(e, "param", None)
    if param is not None and getattr(param, "opts", None):
        return param.opts[0]
    return "usage"


if __name__ == "__main__":
    main()
