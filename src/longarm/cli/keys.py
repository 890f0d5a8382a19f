"""`longarm keys`: API keys for `longarm serve`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from longarm.cli._app import app, emit

keys_app = typer.Typer(help="API keys for `longarm serve`: create, list, revoke.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")

StoreOption = Annotated[Optional[Path], typer.Option("--store", help="SQLite store (default: $LONGARM_STORE)")]


def _store(store: Optional[Path]) -> Path:
    from longarm.store import default_path

    return store or default_path()


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option("--name", help="who or what uses the key")],
    role: Annotated[str, typer.Option("--role", help="viewer | analyst | admin")] = "analyst",
    rate: Annotated[int, typer.Option("--rate", help="requests per minute allowed")] = 600,
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Create a key; its token is printed once (only its hash is kept)."""
    from longarm.web import keys

    key, token = keys.create(_store(store), name, role, rate)
    if as_json:
        emit({"id": key.id, "name": key.name, "role": key.role, "rate_per_minute": key.rate_per_minute, "token": token})
    else:
        typer.echo(token)
        typer.echo(
            f"key {key.id} ({key.role}, {key.rate_per_minute}/min) for {key.name}: keep the token, it is not shown again",
            err=True,
        )


@keys_app.command("list")
def keys_list(store: StoreOption = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every key (without secrets), revoked ones marked."""
    from longarm.web import keys

    rows = keys.listing(_store(store))
    if as_json:
        emit(rows)
        return
    for k in rows:
        state = f"revoked {k['revoked']}" if k["revoked"] else "active"
        typer.echo(f"{k['id']}  {k['role']:<8} {k['rate_per_minute']:>7}/min  {state:<30} {k['name']}")


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(metavar="KEY_ID")], store: StoreOption = None) -> None:
    """Revoke a key at once (its browser sessions end too)."""
    from longarm.web import keys

    keys.revoke(_store(store), key_id)
    typer.echo(f"revoked {key_id}", err=True)
