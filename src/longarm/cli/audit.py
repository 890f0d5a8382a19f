"""`longarm audit`: the tamper-evident log of every determination."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from longarm.cli._app import app, emit

audit_app = typer.Typer(help="The tamper-evident audit log of every determination.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(store: Annotated[Optional[Path], typer.Option("--store")] = None) -> None:
    """Check the hash chain; name every changed, removed or reordered record (exit 1 if any)."""
    from longarm.store import Store

    s = Store(store)
    problems, count = s.verify(), s.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    s.close()
    if problems:
        for p in problems:
            typer.echo(f"BROKEN: {p}")
        raise typer.Exit(1)
    typer.echo(f"ok: {count:,} records, chain intact")


@audit_app.command("show")
def audit_show(
    store: Annotated[Optional[Path], typer.Option("--store")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The most recent audit records."""
    from longarm.store import Store

    s = Store(store)
    recs = s.records(limit=limit)
    s.close()
    if as_json:
        emit(recs)
        return
    for r in recs:
        p = r["payload"]
        summary = p.get("outcome") or (f"{len(p.get('matches', []))} match(es)" if "matches" in p else "")
        typer.echo(f"{r['seq']:>8} {r['ts'][:19]} {r['kind']:<10} {r['subject'] or '':<30.30} {summary}")


@audit_app.command("export")
def audit_export(
    out: Annotated[Path, typer.Option("--out", help="JSON Lines file")],
    store: Annotated[Optional[Path], typer.Option("--store")] = None,
) -> None:
    """Every audit record, with its hashes, as JSON Lines."""
    from longarm.store import Store

    s = Store(store)
    recs = s.records()
    s.close()
    with out.open("w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    typer.echo(f"wrote {len(recs):,} records to {out}", err=True)
