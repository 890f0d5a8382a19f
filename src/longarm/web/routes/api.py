"""The REST API (contract v2): the same functions and field names as the command line."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
import re
import tempfile
from pathlib import Path
from typing import Any, Literal, Optional

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.responses import Response

from longarm import inputs
from longarm.errors import InputError, Problem
from longarm.model import Determination, ItemResult
from longarm.web import batches as jobs
from longarm.web import keys as keys_mod
from longarm.web.problems import responses
from longarm.web.security import HTTPProblem, api_key

router = APIRouter()
AUTH = responses(401, 403, 429)
JSON = "application/json"


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, default=str), status_code=status, media_type=JSON)


async def _body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw)
    except ValueError as e:
        raise InputError(Problem("(body)", f"not JSON: {e}")) from None


def _body_schema(model: type[BaseModel] | str) -> dict[str, Any]:
    ref = model if isinstance(model, str) else model.__name__
    return {
        "requestBody": {
            "required": True,
            "content": {JSON: {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
        }
    }


def assess_payload(request: Request, data: Any, key_id: str) -> Determination:
    """Validate, decide and record one transaction (the API and the pages share this)."""
    from longarm.assess import assess

    tx = inputs.transaction(data)
    d = assess(tx)
    request.app.state.audit.record(
        "assess",
        tx.item.catalog_id or tx.item.name or tx.to_country,
        {
            "key_id": key_id,
            "transaction": tx.model_dump(mode="json"),
            "outcome": d.outcome,
            "determination": d.model_dump(mode="json"),
        },
    )
    return d


@router.post(
    "/v1/assess",
    tags=["determinations"],
    summary="Decide one Transaction",
    responses={200: {"model": Determination}, **responses(401, 403, 413, 422, 429)},
    openapi_extra=_body_schema("Transaction"),
)
async def post_assess(request: Request) -> Response:
    key = api_key(request, "analyst")
    d = assess_payload(request, await _body(request), key.id)
    return Response(d.model_dump_json(), media_type=JSON)


class ClassifyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item: dict[str, Any] = Field(description="an `item` object of a Transaction")
    as_of: Optional[dt.date] = Field(None, description="default: today")
    exporter_role: Optional[Literal["front_end_fabricator", "osat", "other"]] = None


@router.post(
    "/v1/classify",
    tags=["determinations"],
    summary="The ECCN of one item on a date",
    responses={200: {"model": ItemResult}, **responses(401, 403, 413, 422, 429)},
    openapi_extra=_body_schema(ClassifyBody),
)
async def post_classify(request: Request) -> Response:
    from longarm import catalog
    from longarm.classify import classify
    from longarm.model import Item

    api_key(request, "analyst")
    data = await _body(request)
    try:
        body = ClassifyBody.model_validate(data)
    except ValidationError as e:
        raise InputError(inputs.problems_of(e)) from None
    try:
        item = Item.model_validate(body.item)
    except ValidationError as e:
        raise InputError(inputs.problems_of(e, "item")) from None
    if item.catalog_id:
        catalog.get(item.catalog_id, "item.catalog_id")
    if item.catalog_id is None and item.tpp is None and item.units is None and item.type == "ic":
        raise InputError(Problem("item.tpp", "give item.catalog_id, item.tpp or item.units"))
    on = body.as_of or dt.date.today()
    if on < dt.date(2000, 1, 1):
        raise InputError(Problem("as_of", "must be on or after 2000-01-01"))
    return Response(classify(item, on, body.exporter_role).model_dump_json(), media_type=JSON)


class ScreenMatch(BaseModel):
    matched_name: str
    list: str
    score: float
    entity_number: Optional[str] = None
    license_requirement: Optional[str] = None
    license_policy: Optional[str] = None
    federal_register: Optional[str] = None
    explanation: str


class ScreenResult(BaseModel):
    query: str
    lists_version: str
    matches: list[ScreenMatch]


def screen(name: str, country: Optional[str], type: Optional[str]) -> dict[str, Any]:
    """`screen --json` for one name; field names as the query parameters."""
    from longarm.model import country_code
    from longarm.screening import service

    problems = []
    if not name.strip():
        problems.append(Problem("name", "must not be empty"))
    if len(name) > 500:
        problems.append(Problem("name", "at most 500 characters"))
    code = None
    try:
        code = country_code(country) if country else None
    except ValueError as e:
        problems.append(Problem("country", str(e)))
    try:
        kind = service.check_type(type, "type")
    except InputError as e:
        problems += e.problems
    if problems:
        raise InputError(problems)
    if kind and "type" in inspect.signature(service.screen_name).parameters:
        return service.screen_name(name, code, type=kind)
    return service.screen_name(name, code)


@router.get(
    "/v1/screen",
    tags=["screening"],
    summary="Matches of one name against the restricted-party lists",
    responses={200: {"model": ScreenResult}, **responses(401, 403, 422, 429)},
)
async def get_screen(
    request: Request,
    name: str = Query(..., description="party name, any script"),
    country: Optional[str] = Query(None, description="ISO 3166-1 alpha-2"),
    type: Optional[str] = Query(None, description="person | organization | vessel | any"),
) -> Response:
    key = api_key(request, "viewer")
    result = screen(name, country, type)
    request.app.state.audit.record("screen", name, {"key_id": key.id, **result})
    return _json(result)


class MatchBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name1: str = Field(..., min_length=1, max_length=500)
    name2: str = Field(..., min_length=1, max_length=500)
    type: Optional[Literal["person", "organization", "vessel", "any"]] = None


class MatchResult(BaseModel):
    name1: str
    name2: str
    score: float
    match: bool
    explanation: str


@router.post(
    "/v1/match",
    tags=["screening"],
    summary="How alike two party names are",
    responses={200: {"model": MatchResult}, **responses(401, 403, 413, 422, 429)},
    openapi_extra=_body_schema(MatchBody),
)
async def post_match(request: Request) -> Response:
    from longarm.screening import service

    api_key(request, "viewer")
    data = await _body(request)
    try:
        body = MatchBody.model_validate(data)
    except ValidationError as e:
        raise InputError(inputs.problems_of(e)) from None
    kind = None if body.type in (None, "any") else body.type
    if kind and "type" in inspect.signature(service.match_names).parameters:
        return _json(service.match_names(body.name1, body.name2, type=kind))
    return _json(service.match_names(body.name1, body.name2))


class BatchCreated(BaseModel):
    id: str
    status: str


class BatchStatus(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    rows_done: int
    rows_total: Optional[int]
    counts: dict[str, int]
    filename: str
    error: Optional[str]


async def save_upload(request: Request, file: UploadFile, key_id: str) -> str:
    """Check an uploaded order book (name, first bytes, size) and queue it."""
    settings = request.app.state.settings
    head = await file.read(65536)
    jobs.check_upload(file.filename or "", head)
    tmp = tempfile.NamedTemporaryFile(delete=False, dir=settings.store.parent, prefix=".upload-")
    size = len(head)
    with tmp:
        tmp.write(head)
        while chunk := await file.read(1 << 20):
            size += len(chunk)
            if size > settings.max_upload_bytes:
                Path(tmp.name).unlink()
                raise HTTPProblem(413, f"the file is larger than {settings.max_upload_bytes:,} bytes")
            tmp.write(chunk)
    job_id = jobs.create(settings.store, key_id, file.filename or "upload", Path(tmp.name))
    request.app.state.audit.record("batch-upload", file.filename, {"key_id": key_id, "job": job_id, "bytes": size})
    return job_id


@router.post(
    "/v1/batches",
    tags=["batches"],
    summary="Upload an order book (CSV, Parquet or JSON Lines)",
    status_code=202,
    responses={202: {"model": BatchCreated}, **responses(400, 401, 403, 413, 422, 429)},
)
async def post_batch(
    request: Request, file: UploadFile = File(..., description=".csv, .parquet or .jsonl")
) -> Response:
    key = api_key(request, "analyst")
    job_id = await save_upload(request, file, key.id)
    return _json({"id": job_id, "status": "queued"}, 202)


def own_job(request: Request, job_id: str, key_id: str) -> dict[str, Any]:
    """A job of the caller's key; any other is not found (no hint that it exists)."""
    job = jobs.get(request.app.state.settings.store, job_id)
    if job is None or job["key_id"] != key_id:
        raise HTTPProblem(404, f"no batch {job_id!r} of this key", [Problem("id", "not found")])
    return job


@router.get(
    "/v1/batches/{id}",
    tags=["batches"],
    summary="Progress and counts of a batch",
    responses={200: {"model": BatchStatus}, **responses(401, 403, 404, 429)},
)
async def get_batch(request: Request, id: str) -> Response:
    key = api_key(request, "viewer")
    return _json(jobs.public(own_job(request, id, key.id)))


@router.get(
    "/v1/batches/{id}/result",
    tags=["batches"],
    summary="The batch output",
    responses={
        200: {"content": {"text/csv": {}, "application/vnd.apache.parquet": {}}, "description": "the result file"},
        **responses(401, 403, 404, 409, 422, 429),
    },
)
async def get_batch_result(
    request: Request, id: str, format: Literal["csv", "parquet"] = Query("csv", description="csv | parquet")
) -> Response:
    key = api_key(request, "viewer")
    return result_file(request, own_job(request, id, key.id), format)


def result_file(request: Request, job: dict[str, Any], fmt: str) -> Response:
    if job["status"] != "done":
        raise HTTPProblem(409, f"batch {job['id']} is {job['status']}, not done", [Problem("id", job["status"])])
    path = jobs.result_path(request.app.state.settings.store, job["id"], fmt)
    media = "text/csv" if fmt == "csv" else "application/vnd.apache.parquet"
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(job["filename"]).stem).strip("-.") or "batch"
    return FileResponse(path, media_type=media, filename=f"{stem}-result.{fmt}")


@router.get(
    "/v1/batches/{id}/report",
    tags=["batches"],
    summary="The batch's HTML report",
    responses={200: {"content": {"text/html": {}}, "description": "the report"}, **responses(401, 403, 404, 409, 429)},
)
async def get_batch_report(request: Request, id: str) -> Response:
    key = api_key(request, "viewer")
    job = own_job(request, id, key.id)
    if job["status"] != "done":
        raise HTTPProblem(409, f"batch {id} is {job['status']}, not done", [Problem("id", job["status"])])
    return FileResponse(jobs.folder(request.app.state.settings.store, id) / "report.html", media_type="text/html")


def as_of_param(value: Optional[str], field: str = "as_of") -> dt.date:
    return dt.date.today() if not value else inputs.parse_date(value, field)


@router.get(
    "/v1/chips",
    tags=["reference"],
    summary="The accelerator catalogue as of a date",
    responses=responses(401, 403, 422, 429),
)
async def get_chips(request: Request, as_of: Optional[str] = Query(None, description="YYYY-MM-DD")) -> Response:
    from longarm import chips

    api_key(request, "viewer")
    return _json(chips.listing(as_of_param(as_of)))


@router.get(
    "/v1/chips/compare", tags=["reference"], summary="Chips side by side", responses=responses(401, 403, 422, 429)
)
async def get_chips_compare(
    request: Request,
    ids: list[str] = Query(..., description="two or more catalogue ids; the last is the reference"),
    as_of: Optional[str] = Query(None),
) -> Response:
    from longarm import chips

    api_key(request, "viewer")
    if len(ids) < 2:
        raise InputError(Problem("ids", "name at least two catalogue ids"))
    return _json(chips.compare(ids, as_of_param(as_of)))


def rules_json() -> list[dict[str, Any]]:
    from longarm.rules.registry import all_rules

    return [
        {"id": r.id, "citation": r.citation, "area": r.area, "versions": r.versions(), "doc": r.doc}
        for r in all_rules()
    ]


@router.get("/v1/rules", tags=["reference"], summary="Every rule applied, with citation and dates", responses=AUTH)
async def get_rules(request: Request) -> Response:
    api_key(request, "viewer")
    return _json(rules_json())


@router.get("/v1/lists", tags=["screening"], summary="The restricted-party list versions", responses=AUTH)
async def get_lists(request: Request) -> Response:
    from longarm.screening.update import versions

    api_key(request, "viewer")
    return _json(versions())


class ListUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(..., min_length=1, description="path on the server or URL of a trade.gov consolidated list")
    force: bool = False


@router.post(
    "/v1/lists",
    tags=["screening"],
    summary="Install a new list version (admin)",
    responses=responses(401, 403, 413, 422, 429),
    openapi_extra=_body_schema(ListUpdate),
)
async def post_lists(request: Request) -> Response:
    from longarm.screening.update import update

    key = api_key(request, "admin")
    try:
        body = ListUpdate.model_validate(await _body(request))
    except ValidationError as e:
        raise InputError(inputs.problems_of(e)) from None
    r = update(body.source, force=body.force)
    request.app.state.audit.record("lists-update", r.version, {"key_id": key.id, "previous": r.previous})
    return _json({"version": r.version, "previous": r.previous, "counts": r.counts})


def policy(name: str) -> Any:
    """A policy module (diff, what-if, timeline), or None in an installation without it."""
    import importlib

    try:
        return importlib.import_module(f"longarm.policy.{name}")
    except ImportError:
        return None


@router.get(
    "/v1/diff",
    tags=["reference"],
    summary="What changed between two dates",
    responses=responses(401, 403, 404, 422, 429),
)
async def get_diff(
    request: Request,
    from_: str = Query(..., alias="from", description="YYYY-MM-DD"),
    to: str = Query(..., description="YYYY-MM-DD"),
) -> Response:
    api_key(request, "viewer")
    a, b = inputs.parse_date(from_, "from"), inputs.parse_date(to, "to")
    if policy("diff") is None:
        raise HTTPProblem(404, "this installation has no policy diff")
    from starlette.concurrency import run_in_threadpool

    return _json(await run_in_threadpool(diff_of, a, b))


@functools.lru_cache(maxsize=128)
def diff_of(a: dt.date, b: dt.date) -> dict[str, Any]:
    """`longarm diff A B --json` (kept: the dated data does not change while the server runs)."""
    return dict(policy("diff").diff(a, b))


class KeyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(..., min_length=1, max_length=200)
    role: Literal["viewer", "analyst", "admin"] = "analyst"
    rate_per_minute: int = Field(keys_mod.DEFAULT_RATE, ge=1, le=10_000_000)


@router.get("/v1/keys", tags=["keys"], summary="API keys (admin)", responses=AUTH)
async def get_keys(request: Request) -> Response:
    api_key(request, "admin")
    return _json(keys_mod.listing(request.app.state.settings.store))


@router.post(
    "/v1/keys",
    tags=["keys"],
    summary="Create an API key (admin); the token is shown once",
    status_code=201,
    responses=responses(401, 403, 413, 422, 429),
    openapi_extra=_body_schema(KeyBody),
)
async def post_keys(request: Request) -> Response:
    admin = api_key(request, "admin")
    try:
        body = KeyBody.model_validate(await _body(request))
    except ValidationError as e:
        raise InputError(inputs.problems_of(e)) from None
    key, token = keys_mod.create(request.app.state.settings.store, body.name, body.role, body.rate_per_minute)
    request.app.state.audit.record("key-create", key.id, {"key_id": admin.id, "role": key.role, "name": key.name})
    return _json({"id": key.id, "name": key.name, "role": key.role, "token": token}, 201)


@router.delete(
    "/v1/keys/{id}",
    tags=["keys"],
    summary="Revoke an API key (admin)",
    status_code=204,
    responses=responses(401, 403, 422, 429),
)
async def delete_key(request: Request, id: str) -> Response:
    admin = api_key(request, "admin")
    keys_mod.revoke(request.app.state.settings.store, id)
    request.app.state.audit.record("key-revoke", id, {"key_id": admin.id})
    return Response(status_code=204)


BODIES: tuple[type[BaseModel], ...] = (ClassifyBody, MatchBody, ListUpdate, KeyBody)  # request schemas


class Health(BaseModel):
    status: Literal["ok"]


@router.get("/healthz", tags=["health"], summary="Liveness", response_model=Health)
async def healthz() -> dict[str, str]:
    return {"status": "ok"}
