"""`longarm serve`: the REST API and the web app."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from longarm.cli._app import app
from longarm.errors import InputError, Problem


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535)] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="server processes (one batch runs at a time)")] = 1,
    no_auth: Annotated[
        bool, typer.Option("--no-auth", help="web pages without sign-in, for one local user (127.0.0.1 only)")
    ] = False,
    store: Annotated[Optional[Path], typer.Option("--store", help="SQLite store (audit log, keys, batches)")] = None,
    max_upload_mb: Annotated[int, typer.Option("--max-upload-mb", min=1, help="largest order book accepted")] = 512,
    proxy: Annotated[
        Optional[str],
        typer.Option("--proxy", help="address of a reverse proxy whose X-Forwarded-* headers to trust"),
    ] = None,
    secure_cookies: Annotated[bool, typer.Option("--secure-cookies", help="the proxy serves HTTPS")] = False,
) -> None:
    """The REST API (/v1, OpenAPI at /openapi.json, docs at /docs) and the web app on the embedded store."""
    import uvicorn

    from longarm.store import default_path

    if no_auth and host not in ("127.0.0.1", "localhost", "::1"):
        raise InputError(
            Problem("--no-auth", "only with --host 127.0.0.1: without sign-in the pages are for one local user")
        )
    os.environ.update(
        LONGARM_STORE=str((store or default_path()).resolve()),
        LONGARM_SERVE_NO_AUTH="1" if no_auth else "0",
        LONGARM_SERVE_MAX_UPLOAD=str(max_upload_mb << 20),
        LONGARM_SERVE_SECURE_COOKIES="1" if secure_cookies else "0",
    )
    typer.echo(f"longarm serve on http://{host}:{port}/ (store {os.environ['LONGARM_STORE']})", err=True)
    uvicorn.run(
        "longarm.web.app:factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy is not None,
        forwarded_allow_ips=proxy,
        log_level="warning",
        access_log=False,
    )
