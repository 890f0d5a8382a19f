"""Errors as `application/problem+json` (RFC 9457), each invalid field named by its path."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field
from starlette.responses import Response

from longarm.errors import Problem

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal error",
}


class FieldError(BaseModel):
    field: str = Field(description="the offending field path, as the CLI names it (`item.die_area_mm2`)")
    message: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details; `errors` names every invalid field."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] = Field(default_factory=list)


def problem(status: int, detail: str | None = None, errors: list[Problem] | None = None, **headers: str) -> Response:
    """A problem+json response."""
    body: dict[str, Any] = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status}
    if detail:
        body["detail"] = detail
    body["errors"] = [{"field": p.field, "message": p.message} for p in errors or []]
    return Response(
        json.dumps(body, ensure_ascii=False),
        status_code=status,
        media_type="application/problem+json",
        headers={k.replace("_", "-"): v for k, v in headers.items()},
    )


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses an endpoint can give."""
    return {
        c: {
            "description": TITLES.get(c, "Error"),
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}},
        }
        for c in codes
    }
