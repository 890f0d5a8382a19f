"""`longarm audit`: the tamper-evident log of every determination."""

from __future__ import annotations

import json
import os
import unicodedata
from contextlib import suppress
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from longarm.cli._app import app, emit
from longarm.errors import InputError, Problem, StoreError

audit_app = typer.Typer(help="The tamper-evident audit log of every determination.")
app.add_typer(audit_app, name="audit")

StoreOption = Annotated[Optional[Path], typer.Option("--store", help="the store file (default: $LONGARM_STORE)")]


def printable(text: str) -> str:
    """`text` with control, format and other invisible characters escaped (`\\x1b`, `\\u202e`), so a
    stored name cannot move the cursor, recolour or reorder what the terminal shows."""
    out = []
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or ch == "\\":
            out.append(ch.encode("unicode_escape").decode("ascii") if ch != "\\" else "\\\\")
        else:
            out.append(ch)
    return "".join(out)


def _records(store: Optional[Path], limit: Optional[int] = None) -> list[dict[str, Any]]:
    """The records of an existing store; none for a store never written, exit 2 for one that is gone."""
    from longarm.store import Store, default_path, head_path, kept_head

    path = store or default_path()
    if not path.exists():
        n = kept_head(path).get("count", 0)
        if n:
            raise StoreError(f"{path}: missing, but {n:,} records were written to it (head kept at {head_path(path)})")
        return []
    s = Store(path, create=False)
    try:
        return s.records(limit=limit)
    finally:
        s.close()


@audit_app.command("verify")
def audit_verify(
    store: StoreOption = None,
    expect: Annotated[
        Optional[str], typer.Option("--expect", help="a head printed by `audit anchor` (COUNT:HASH), kept elsewhere")
    ] = None,
) -> None:
    """Check every record's hash and MAC, the head kept beside the audit key and, with --expect, an
    anchor kept elsewhere. Each break names its record (exit 2); nothing more is appended after one."""
    from longarm.store import Store, default_path, head_path, kept_head, parse_anchor

    path = store or default_path()
    if expect:
        parse_anchor(expect)
    if not path.exists():
        n = kept_head(path).get("count", 0)
        if n:
            typer.echo(
                f"{path}: store: missing, but {n:,} records were written to it (head kept at {head_path(path)})",
                err=True,
            )
            raise typer.Exit(2)
        if expect and parse_anchor(expect)[0] > 0:
            typer.echo(f"{path}: store: missing, but the anchor expects {parse_anchor(expect)[0]:,} records", err=True)
            raise typer.Exit(2)
        typer.echo(f"ok: no store at {path} yet (0 records)")
        return
    s = Store(path, create=False)
    try:
        problems, count, head = s.verify(expect), s.count(), s.anchor()
    finally:
        s.close()
    if problems:
        for p in problems:
            typer.echo(f"{path}: {p}", err=True)
        typer.echo(f"{path}: nothing more will be appended to it; keep it as evidence and start a new store", err=True)
        raise typer.Exit(2)
    typer.echo(f"ok: {count:,} records, chain intact" + (", anchor matches" if expect else "") + f"; head {head}")


@audit_app.command("anchor")
def audit_anchor(store: StoreOption = None) -> None:
    """Print the chain's head (COUNT:HASH) after verifying it: keep it elsewhere, check it with `verify --expect`."""
    from longarm.store import Store

    s = Store(store, create=False)
    try:
        problems = s.verify()
        head = s.anchor()
    finally:
        s.close()
    if problems:
        for p in problems:
            typer.echo(f"{s.path}: {p}", err=True)
        typer.echo(f"{s.path}: a damaged chain is not anchored", err=True)
        raise typer.Exit(2)
    typer.echo(head)


@audit_app.command("show")
def audit_show(
    store: StoreOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1_000_000_000)] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The most recent audit records (control characters in stored names are shown escaped)."""
    recs = _records(store, limit)
    if as_json:
        emit(recs)
        return
    for r in recs:
        p = r["payload"]
        summary = p.get("outcome") or (f"{len(p.get('matches', []))} match(es)" if "matches" in p else "")
        subject = printable(r["subject"] or "")
        typer.echo(
            f"{r['seq']:>8} {r['ts'][:19]} {printable(r['kind']):<10} {subject:<30.30} {printable(str(summary))}"
        )


@audit_app.command("export")
def audit_export(
    out: Annotated[Path, typer.Option("--out", help="JSON Lines file")],
    store: StoreOption = None,
) -> None:
    """Every audit record, with its hashes and MACs, as JSON Lines (written whole or not at all)."""
    from longarm.store import default_path

    _refuse_output(out, store or default_path())
    recs = _records(store)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as f:
            for r in recs:
                f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
        os.replace(tmp, out)
    except OSError as e:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise InputError(
            Problem("--out", f"cannot write {out}: {e.strerror}; check the folder exists and is writable")
        ) from None
    typer.echo(f"wrote {len(recs):,} records to {out}", err=True)


def _refuse_output(out: Path, store: Path) -> None:
    """An export must never replace the store it reads (also through a link) nor a device, pipe
    or folder: the rename that publishes the file would destroy it."""
    if not out.exists():
        return
    if not out.is_file():
        raise InputError(Problem("--out", f"{out} exists and is not a regular file; give a new file name"))
    with suppress(OSError):
        if store.exists() and os.path.samefile(out, store):
            raise InputError(Problem("--out", f"{out} is the store being exported; give another file name"))
