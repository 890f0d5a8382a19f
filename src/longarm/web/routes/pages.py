"""The web app: server-rendered pages; htmx enhances them, every form also works without it."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData, UploadFile
from starlette.responses import RedirectResponse, Response

from longarm import inputs
from longarm.errors import InputError, Problem
from longarm.web import batches as jobs
from longarm.web import forms, regs
from longarm.web import keys as keys_mod
from longarm.web.routes import api
from longarm.web.security import (
    LOCAL,
    SESSION_COOKIE,
    HTTPProblem,
    User,
    check_csrf,
    end_session,
    page_user,
    start_session,
)

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")
PRE_CSRF = "longarm_signin"


@cache
def countries() -> list[tuple[str, str]]:
    import pycountry

    return sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda c: c[1])


@cache
def country_names() -> dict[str, str]:
    return dict(countries())


def _country(code: str | None) -> str:
    return f"{country_names().get(code, code)} ({code})" if code else "unknown"


def question_fields(field: str, text: str) -> list[str]:
    """Every input field a question names: its own, and those listed in its closing parenthesis
    (`(parties[].headquarters_country, parties[].ultimate_parent_headquarters_country)`)."""
    import re

    found = [field]
    m = re.search(r"\(([^()]*)\)\s*$", text)
    if m:
        for part in (p.strip() for p in m.group(1).split(",")):
            if part.startswith("."):
                part = field.rsplit(".", 1)[0] + part
            if re.fullmatch(r"[a-z_]+(\[\])?(\.[a-z_]+(\[\])?)*", part) and part not in found:
                found.append(part)
    return found


templates.env.globals.update(
    question_fields=question_fields,
    cite=regs.link,
    countries=countries,
    country=_country,
    END_USES=forms.END_USES,
    ROLES=forms.ROLES,
    PARTY_TYPES=forms.PARTY_TYPES,
    EXPORTER_ROLES=forms.EXPORTER_ROLES,
    PARTY_ROWS=forms.PARTY_ROWS,
)


def render(request: Request, template: str, user: User | None, status: int = 200, **context: Any) -> Response:
    context.update(request=request, user=user, csrf=user.csrf if user else "", nav=template.split(".")[0])
    return templates.TemplateResponse(request, template, context, status_code=status)


async def _form(request: Request, user: User) -> FormData:
    form = await request.form(max_part_size=request.app.state.settings.max_upload_bytes)
    token = form.get("csrf")
    check_csrf(request, user, token if isinstance(token, str) else None)
    return form


def _user(request: Request, role: str = "viewer") -> User:
    """The signed-in user; with --no-auth, /signin opens a session for the local user at once."""
    return page_user(request, role)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or urlparse(target).netloc:
        return "/assess"
    return target


def _signed_in(request: Request, key_id: str, target: str) -> Response:
    token, _ = start_session(request.app.state.settings.store, key_id)
    response = RedirectResponse(_safe_next(target), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.secure_cookies,
        max_age=8 * 3600,
    )
    response.delete_cookie(PRE_CSRF)
    return response


@router.get("/")
async def home(request: Request) -> Response:
    return RedirectResponse("/assess", status_code=303)


@router.get("/signin")
async def signin_form(request: Request, next: str = "/assess") -> Response:
    if request.app.state.settings.no_auth:
        return _signed_in(request, LOCAL.id, next)
    token = secrets.token_urlsafe(24)
    response = render(request, "signin.html", None, next=_safe_next(next), signin_csrf=token, error=None)
    response.set_cookie(PRE_CSRF, token, httponly=True, samesite="strict", max_age=3600)
    return response


@router.post("/signin")
async def signin(request: Request) -> Response:
    form = await request.form()
    target = _safe_next(str(form.get("next") or ""))
    sent, expected = str(form.get("csrf") or ""), request.cookies.get(PRE_CSRF, "")
    if not expected or not secrets.compare_digest(sent, expected):
        raise HTTPProblem(403, "the sign-in form is stale: reload it", [Problem("csrf", "mismatch")])
    key = keys_mod.check(request.app.state.settings.store, str(form.get("key") or "").strip())
    if key is None:
        token = secrets.token_urlsafe(24)
        response = render(
            request, "signin.html", None, 401, next=target, signin_csrf=token, error="That key is unknown or revoked."
        )
        response.set_cookie(PRE_CSRF, token, httponly=True, samesite="strict", max_age=3600)
        return response
    return _signed_in(request, key.id, target)


@router.post("/signout")
async def signout(request: Request) -> Response:
    user = page_user(request)
    await _form(request, user)
    end_session(request.app.state.settings.store, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# -- assess ---------------------------------------------------------------------------------------


def _defaults() -> dict[str, Any]:
    return {"as_of": dt.date.today().isoformat(), "activity": "export", "from_country": "US", "posture": "text"}


@router.get("/assess")
async def assess_form(request: Request) -> Response:
    user = _user(request)
    from longarm import catalog

    return render(
        request, "assess.html", user, chips=_catalog(), values=_defaults(), result=None, errors=[], catalog=catalog
    )


@cache
def _catalog() -> list[dict[str, Any]]:
    from longarm import chips

    return [
        {"id": r["id"], "label": f"{r['vendor']} {r['model']}" + (f" {r['variant']}" if r.get("variant") else "")}
        for r in chips.listing(dt.date.today())
    ]


def _differs(a: Any, b: Any) -> bool:
    key = lambda d: (d.outcome, [r.citation for r in d.license_requirements], [e.name for e in d.license_exceptions])  # noqa: E731
    return key(a) != key(b)


@router.post("/assess")
async def assess_submit(request: Request) -> Response:
    user = _user(request, "analyst")
    form = await _form(request, user)
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    values["end_use"] = form.getlist("end_use")
    try:
        if form.get("tx"):
            try:
                tx = json.loads(str(form.get("tx")))
            except ValueError:
                raise InputError(Problem("tx", "not JSON")) from None
            tx = forms.answer(tx, form)
        else:
            tx = forms.transaction_of(form)
        d = api.assess_payload(request, tx, user.key.id)
    except InputError as e:
        return render(
            request,
            "assess.html",
            user,
            422,
            chips=_catalog(),
            values=values or _defaults(),
            result=None,
            errors=e.problems,
        )
    other = None
    try:
        from longarm.assess import assess

        alt = assess(inputs.transaction({**tx, "posture": "enforced" if d.posture == "text" else "text"}))
        other = alt if _differs(d, alt) else None
    except InputError:
        other = None
    return render(
        request,
        "assess.html",
        user,
        chips=_catalog(),
        values=forms.values_of(tx),
        result=d,
        other=other,
        tx_json=json.dumps(tx, ensure_ascii=False, default=str),
        errors=[],
    )


# -- screen ---------------------------------------------------------------------------------------


@router.get("/screen")
async def screen_page(request: Request, name: str = "", country: str = "", type: str = "") -> Response:
    user = _user(request)
    result, errors = None, []
    if name:
        try:
            result = api.screen(name, country or None, type or None)
            request.app.state.audit.record("screen", name, {"key_id": user.key.id, **result})
        except InputError as e:
            errors = e.problems
    return render(
        request,
        "screen.html",
        user,
        422 if errors else 200,
        name=name,
        country=country,
        type=type,
        result=result,
        errors=errors,
    )


# -- batches --------------------------------------------------------------------------------------


@router.get("/batches")
async def batches_page(request: Request) -> Response:
    user = _user(request)
    mine = jobs.of_key(request.app.state.settings.store, user.key.id)
    return render(request, "batches.html", user, jobs=mine, errors=[])


@router.post("/batches")
async def batches_upload(request: Request) -> Response:
    user = _user(request, "analyst")
    form = await _form(request, user)
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InputError(Problem("file", "choose an order book to upload"))
        from fastapi import UploadFile as FastUpload

        job_id = await api.save_upload(
            request, FastUpload(upload.file, size=upload.size, filename=upload.filename), user.key.id
        )
    except InputError as e:
        mine = jobs.of_key(request.app.state.settings.store, user.key.id)
        return render(request, "batches.html", user, 422, jobs=mine, errors=e.problems)
    return RedirectResponse(f"/batches/{job_id}", status_code=303)


def _job(request: Request, job_id: str, user: User) -> dict[str, Any]:
    job = jobs.get(request.app.state.settings.store, job_id)
    if job is None or job["key_id"] != user.key.id:
        raise HTTPProblem(404, "no such batch of yours")
    return job


FILTERS = ("outcome", "to_country", "hits")


def _rows(request: Request, job: dict[str, Any], args: dict[str, str], limit: int = 200) -> tuple[list[dict], int]:
    """Result rows matching the filters (outcome, destination, hits: yes/no), the first `limit`."""
    import polars as pl

    path = jobs.result_path(request.app.state.settings.store, job["id"], "parquet")
    lf = pl.scan_parquet(path)
    if args.get("outcome"):
        lf = lf.filter(pl.col("outcome") == args["outcome"])
    if args.get("to_country"):
        lf = lf.filter(pl.col("to_country").str.to_uppercase() == args["to_country"].upper())
    if args.get("hits") == "yes":
        lf = lf.filter(pl.col("screening_hits") != "")
    elif args.get("hits") == "no":
        lf = lf.filter(pl.col("screening_hits") == "")
    total = lf.select(pl.len()).collect().item()
    return lf.head(limit).collect().to_dicts(), total


@router.get("/batches/{job_id}")
async def batch_page(request: Request, job_id: str) -> Response:
    user = _user(request)
    job = _job(request, job_id, user)
    args = {k: request.query_params.get(k, "") for k in FILTERS}
    rows, matched = _rows(request, job, args) if job["status"] == "done" else ([], 0)
    return render(request, "batch.html", user, job=job, rows=rows, matched=matched, args=args)


@router.get("/batches/{job_id}/progress")
async def batch_progress(request: Request, job_id: str) -> Response:
    user = _user(request)
    job = _job(request, job_id, user)
    response = render(request, "batch_progress.html", user, job=job)
    if job["status"] in ("done", "failed") and request.headers.get("hx-request"):
        response.headers["HX-Refresh"] = "true"  # show the result table
    return response


@router.get("/batches/{job_id}/download")
async def batch_download(request: Request, job_id: str, format: str = "csv") -> Response:
    user = _user(request)
    if format not in ("csv", "parquet"):
        raise InputError(Problem("format", "csv or parquet"))
    return api.result_file(request, _job(request, job_id, user), format)


@router.get("/batches/{job_id}/report")
async def batch_report(request: Request, job_id: str) -> Response:
    from fastapi.responses import FileResponse

    user = _user(request)
    job = _job(request, job_id, user)
    if job["status"] != "done":
        raise HTTPProblem(409, "the batch is not done")
    return FileResponse(jobs.folder(request.app.state.settings.store, job_id) / "report.html", media_type="text/html")


# -- chips ----------------------------------------------------------------------------------------


@router.get("/chips")
async def chips_page(request: Request, as_of: str = "", a: str = "", b: str = "") -> Response:
    from longarm import chips
    from longarm.web.charts import chart, density_text

    user = _user(request)
    errors: list[Problem] = []
    try:
        on = inputs.parse_date(as_of, "as_of") if as_of else dt.date.today()
    except InputError as e:
        errors, on = e.problems, dt.date.today()
    rows = chips.listing(on)
    svg, caption = chart(rows, on)
    compared = None
    if a and b:
        try:
            compared = chips.compare([a, b], on)
        except InputError as e:
            errors += e.problems
    return render(
        request,
        "chips.html",
        user,
        422 if errors else 200,
        rows=rows,
        svg=svg,
        caption=caption,
        on=on,
        a=a,
        b=b,
        compared=compared,
        errors=errors,
        COMPARED=chips.COMPARED,
        density=density_text,
    )


# -- audit ----------------------------------------------------------------------------------------


@router.get("/audit")
async def audit_page(request: Request, kind: str = "") -> Response:
    from longarm.store import Store

    user = _user(request)
    store = Store(request.app.state.settings.store)
    try:
        records = list(reversed(store.records(limit=100, kind=kind or None)))
        breaks = store.verify()
        head = None
        if hasattr(store, "anchor"):
            try:
                head = store.anchor()
            except Exception:
                head = None
        if head is None and records:
            head = records[0]["hash"]
        kept = store.kept_head() if hasattr(store, "kept_head") else {}
        runs = list(reversed(store.runs()))[:20]
    finally:
        store.close()
    ok = not breaks if isinstance(breaks, list) else bool(getattr(breaks, "ok", breaks))
    return render(
        request,
        "audit.html",
        user,
        records=records,
        ok=ok,
        breaks=breaks if isinstance(breaks, list) else [],
        head=head,
        kept=kept,
        runs=runs,
        kind=kind,
    )


# -- regulation text ------------------------------------------------------------------------------


@router.get("/regs")
async def regs_index(request: Request) -> Response:
    user = _user(request)
    return render(request, "regs.html", user, sections=regs.sections(), section=None)


@router.get("/regs/{key}")
async def regs_page(request: Request, key: str, on: str = "", v: str = "") -> Response:
    user = _user(request)
    section = regs.sections().get(key)
    if section is None:
        raise HTTPProblem(404, f"no bundled text for {key!r}")
    day = inputs.parse_date(on, "on") if on else dt.date.today()
    version = section.label(v) if v else section.on(day)
    return render(request, "regs.html", user, sections=regs.sections(), section=section, version=version, day=day)


# -- policy: diff, what-if, timeline (when this installation has them) ----------------------------


@router.get("/diff")
async def diff_page(request: Request) -> Response:
    user = _user(request)
    mod = api.policy("diff")
    a, b = request.query_params.get("from", ""), request.query_params.get("to", "")
    result, errors = None, []
    if mod and a and b:
        try:
            from starlette.concurrency import run_in_threadpool

            result = await run_in_threadpool(api.diff_of, inputs.parse_date(a, "from"), inputs.parse_date(b, "to"))
        except InputError as e:
            errors = e.problems
    return render(
        request, "policy.html", user, page="diff", available=mod is not None, result=result, errors=errors, a=a, b=b
    )


@router.get("/whatif")
async def whatif_page(request: Request, sets: str = "", as_of: str = "") -> Response:
    user = _user(request)
    mod = api.policy("whatif")
    result, errors = None, []
    if mod and sets.strip():
        try:
            lines = [line.strip() for line in sets.replace(";", "\n").splitlines() if line.strip()]
            on = inputs.parse_date(as_of, "as_of") if as_of else dt.date.today()
            result = mod.whatif(mod.parse_sets(lines, "sets"), on)
        except InputError as e:
            errors = e.problems
    return render(
        request,
        "policy.html",
        user,
        page="whatif",
        available=mod is not None,
        result=result,
        errors=errors,
        sets=sets,
        as_of=as_of,
    )


@router.get("/timeline")
async def timeline_page(request: Request) -> Response:
    user = _user(request)
    from starlette.concurrency import run_in_threadpool

    mod = api.policy("timeline")
    return render(
        request,
        "policy.html",
        user,
        page="timeline",
        available=mod is not None,
        result=await run_in_threadpool(_timeline) if mod else None,
        errors=[],
    )


@cache
def _timeline() -> dict[str, Any]:
    return dict(api.policy("timeline").timeline())
