"""`longarm lists`: the restricted-party lists in service, and updates."""

from __future__ import annotations

from typing import Annotated

import typer

from longarm.cli._app import app, emit

lists_app = typer.Typer(help="The restricted-party lists: versions in service, and updates.", no_args_is_help=False)
app.add_typer(lists_app, name="lists")


@lists_app.callback(invoke_without_command=True)
def lists_show(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show the list versions, counts per source and dates."""
    if ctx.invoked_subcommand is not None:
        return
    from longarm.cli.audit import printable
    from longarm.screening.update import versions

    rows = versions()
    if as_json:
        emit(rows)
        return
    for v in rows:
        mark = "*" if v["in_service"] else " "
        typer.echo(
            f"{mark} {printable(v['version'])}  (generated {printable(v['generated_at'][:19])}; "
            f"{printable(v.get('source', ''))})"
        )
        for src, n in sorted(v["counts"].items(), key=lambda kv: -kv[1]):
            typer.echo(f"      {n:>7,}  {printable(src)}")  # source names come from the list file


@lists_app.command("update")
def lists_update(
    source: Annotated[str, typer.Option("--from", help="path or URL of a trade.gov consolidated.csv/.json")],
    force: Annotated[bool, typer.Option("--force", help="accept a drop of more than 10 % in any source")] = False,
) -> None:
    """Install a new list: validated, indexed beside the old one, then switched atomically."""
    from longarm.screening.update import update

    r = update(source, force=force)
    typer.echo(f"in service: {r.version} (was {r.previous}); {sum(r.counts.values()):,} entries")
    for src, (a, b) in r.drops.items():
        typer.echo(f"  forced: {src} fell from {a:,} to {b:,}")
