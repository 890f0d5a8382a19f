"""The application factory: settings, middleware (body limits, security headers), error handlers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from longarm import __version__
from longarm.errors import InputError, Problem
from longarm.web.problems import problem
from longarm.web.security import HTTPProblem, RateLimiter, SignInRequired

HERE = Path(__file__).parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# /docs loads Swagger UI from its CDN and starts it with an inline script
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Settings:
    """What `longarm serve` was started with."""

    store: Path
    no_auth: bool = False
    max_body_bytes: int = 1 << 20  # JSON bodies and forms
    max_upload_bytes: int = 512 << 20  # order books
    worker: bool = True  # start the batch worker process
    secure_cookies: bool = False  # set behind HTTPS (the reverse proxy terminates TLS)

    @classmethod
    def from_env(cls) -> Settings:
        """Settings passed to worker processes (`serve --workers N`) through the environment."""
        from longarm.store import default_path

        env = os.environ
        return cls(
            store=Path(env.get("LONGARM_STORE") or default_path()),
            no_auth=env.get("LONGARM_SERVE_NO_AUTH") == "1",
            max_body_bytes=int(env.get("LONGARM_SERVE_MAX_BODY", 1 << 20)),
            max_upload_bytes=int(env.get("LONGARM_SERVE_MAX_UPLOAD", 512 << 20)),
            worker=env.get("LONGARM_SERVE_WORKER", "1") == "1",
            secure_cookies=env.get("LONGARM_SERVE_SECURE_COOKIES") == "1",
        )


class Guard:
    """Body limits (413 before the body is read, and while it streams) and security headers."""

    UPLOADS = ("/v1/batches", "/batches")

    def __init__(self, app: ASGIApp, settings: Settings):
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self.settings.max_upload_bytes if path in self.UPLOADS else self.settings.max_body_bytes
        length = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if length is not None and length.isdigit() and int(length) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge()
            return message

        csp = (DOCS_CSP if path in ("/docs", "/docs/oauth2-redirect") else CSP).encode()
        started = False

        async def secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", csp),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, counted, secured)
        except _TooLarge:
            if not started:
                await _too_large(limit)(scope, receive, secured)


class _TooLarge(Exception):
    pass


def _too_large(limit: int) -> Response:
    return problem(413, f"the body is larger than {limit:,} bytes", [Problem("(body)", f"at most {limit:,} bytes")])


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API and the pages on one store."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        import threading

        from longarm.web.auditlog import AuditWriter

        app.state.audit = AuditWriter(settings.store)
        threading.Thread(target=_warm, daemon=True).start()
        worker = None
        if settings.worker:
            worker = subprocess.Popen(
                [sys.executable, "-m", "longarm.web.batches", str(settings.store), str(os.getpid())],
                start_new_session=True,
            )
        try:
            yield
        finally:
            if worker is not None:
                try:
                    os.killpg(worker.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                worker.wait(timeout=30)
            app.state.audit.close()

    app = FastAPI(
        title="longarm",
        version=__version__,
        summary="US export controls on AI chips (EAR) as of any date, with citations. Not legal advice.",
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.limiter = RateLimiter()

    @app.exception_handler(HTTPProblem)
    async def _problem(request: Request, e: HTTPProblem) -> Response:
        return problem(e.status, e.detail, e.errors, **{k.replace("-", "_"): v for k, v in e.headers.items()})

    @app.exception_handler(InputError)
    async def _input(request: Request, e: InputError) -> Response:
        return problem(422, "the input is invalid; each problem names its field", e.problems)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, e: RequestValidationError) -> Response:
        errors = []
        for err in e.errors():
            loc = [str(p) for p in err["loc"] if p not in ("body", "query", "path", "header")]
            errors.append(Problem(".".join(loc) or "(input)", str(err["msg"]).removeprefix("Value error, ")))
        return problem(422, "the input is invalid; each problem names its field", errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, e: StarletteHTTPException) -> Response:
        return problem(e.status_code, str(e.detail) if e.detail else None)

    @app.exception_handler(SignInRequired)
    async def _signin(request: Request, e: SignInRequired) -> Response:
        from urllib.parse import quote

        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/signin?next={quote(target)}", status_code=303)

    @app.exception_handler(Exception)
    async def _internal(request: Request, e: Exception) -> Response:
        return problem(500, f"internal error: {type(e).__name__}")

    from longarm.web.routes import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.add_middleware(Guard, settings=settings)
    return app


def _warm() -> None:
    """Load the screening index and the rules before the first request needs them."""
    try:
        from longarm.screening import lists
        from longarm.screening.match import index_for

        index_for(lists.current()).screen("warm up", None, None)
    except Exception:  # the first real request reports any problem
        pass


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated schema, with the Transaction and problem schemas the routes refer to."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi
    from pydantic import BaseModel

    from longarm.model import Transaction
    from longarm.web.problems import ProblemDetails
    from longarm.web.routes.api import BODIES

    schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    models: tuple[type[BaseModel], ...] = (Transaction, ProblemDetails, *BODIES)
    for model in models:
        s = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in s.pop("$defs", {}).items():
            components.setdefault(name, sub)
        components[model.__name__] = s
    schema["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    schema["security"] = [{"bearer": []}]
    schema["paths"].get("/healthz", {}).get("get", {})["security"] = []
    app.openapi_schema = schema
    return schema


def factory() -> FastAPI:
    """For `uvicorn --factory longarm.web.app:factory` (several workers read the environment)."""
    return create_app(Settings.from_env())
