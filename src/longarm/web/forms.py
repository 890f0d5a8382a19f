"""The assess form as a Transaction, and answers to a determination's questions merged back in.

A field left empty is unknown, never false: selects offer "unknown", and end uses are given
only when the user says the list is complete.
"""

from __future__ import annotations

import json
from typing import Any, get_args

from starlette.datastructures import FormData

from longarm.errors import InputError, Problem
from longarm.model import EndUse, ExporterRole, PartyType, Role

END_USES: tuple[str, ...] = get_args(EndUse)
ROLES: tuple[str, ...] = get_args(Role)
PARTY_TYPES: tuple[str, ...] = get_args(PartyType)
EXPORTER_ROLES: tuple[str, ...] = get_args(ExporterRole)
PARTY_ROWS = 3
LIST_FIELDS = ("direct_product_of", "plant_direct_product_of", "end_uses")


def _s(form: FormData, name: str) -> str:
    v = form.get(name)
    return v.strip() if isinstance(v, str) else ""


def _tri(form: FormData, name: str) -> bool | None:
    return {"yes": True, "no": False}.get(_s(form, name))


def _num(form: FormData, name: str, field: str, problems: list[Problem]) -> float | None:
    text = _s(form, name)
    if not text:
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        problems.append(Problem(field, f"{text!r} is not a number"))
        return None


def transaction_of(form: FormData) -> dict[str, Any]:
    """The Transaction the assess form describes (validated later by `inputs.transaction`)."""
    problems: list[Problem] = []
    item: dict[str, Any] = {"type": _s(form, "item_type") or "ic"}
    if _s(form, "catalog_id"):
        item["catalog_id"] = _s(form, "catalog_id")
    for name, field in (("tpp", "tpp"), ("die_area_mm2", "die_area_mm2"), ("us_content", "us_controlled_content_pct")):
        v = _num(form, name, f"item.{field}", problems)
        if v is not None:
            item[field] = v
    if (dc := _tri(form, "datacenter")) is not None:
        item["datacenter"] = dc
    for name in ("eccn", "origin_country", "name"):
        if _s(form, name):
            item[name] = _s(form, name)
    tx: dict[str, Any] = {"item": item}
    for name in ("as_of", "activity", "from_country", "to_country", "posture"):
        if _s(form, name):
            tx[name] = _s(form, name)
    parties = []
    for i in range(PARTY_ROWS):
        p = {
            k: _s(form, f"party{i}_{k}")
            for k in ("role", "name", "country", "headquarters_country", "ultimate_parent_headquarters_country", "type")
        }
        if p["name"]:
            parties.append({k: v for k, v in p.items() if v})
    tx["parties"] = parties
    if _s(form, "end_uses_known") == "declared":
        tx["end_uses"] = [u for u in form.getlist("end_use") if u in END_USES]
    exporter: dict[str, Any] = {}
    if _s(form, "exporter_name"):
        exporter["name"] = _s(form, "exporter_name")
    if (us := _tri(form, "exporter_us_person")) is not None:
        exporter["us_person"] = us
    if _s(form, "exporter_role"):
        exporter["role"] = _s(form, "exporter_role")
    if exporter:
        tx["exporter"] = exporter
    if problems:
        raise InputError(problems)
    return tx


def _value(field: str, text: str) -> Any:
    """An answer typed as the field needs: yes/no, a number, a list, JSON, or text."""
    if field.endswith("country"):
        return text.upper()
    low = text.lower()
    if low in ("yes", "true"):
        return True
    if low in ("no", "false"):
        return False
    if field.rsplit(".", 1)[-1] in LIST_FIELDS:
        if text.startswith("["):
            return json.loads(text)
        return [t.strip() for t in text.split(",") if t.strip()]
    if text.startswith(("{", "[")):
        try:
            return json.loads(text)
        except ValueError:
            raise InputError(Problem(field, "not valid JSON")) from None
    try:
        return float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        return text


def _put(tx: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    if parts[0] == "parties[]":  # one answer for every party (the question asks about all of them)
        for p in tx.get("parties") or []:
            _put(p, ".".join(parts[1:]), value)
        return
    node = tx
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def answer(tx: dict[str, Any], form: FormData) -> dict[str, Any]:
    """`tx` with the answers to its questions (form fields `answer:<field path>`)."""
    if _s(form, "answer_end_uses_known") == "declared":
        checked = {v for v in form.getlist("answer:end_uses") if v in END_USES}
        tx["end_uses"] = sorted(set(tx.get("end_uses") or []) | checked)
    for name in form.keys():
        field = name.removeprefix("answer:")
        if not name.startswith("answer:") or field == "end_uses":
            continue
        values = [v for v in form.getlist(name) if isinstance(v, str)]
        text = values[0].strip() if values else ""
        if text:
            _put(tx, field, _value(field, text))
    return tx


def values_of(tx: dict[str, Any]) -> dict[str, Any]:
    """The assess form's field values for a Transaction (to show it again, answers included)."""
    item = tx.get("item") or {}
    tri: dict[Any, str] = {True: "yes", False: "no"}
    values: dict[str, Any] = {
        k: str(tx[k]) for k in ("as_of", "activity", "from_country", "to_country", "posture") if tx.get(k)
    }
    values.update(
        catalog_id=item.get("catalog_id") or "",
        item_type=item.get("type") or "ic",
        tpp=item.get("tpp") or "",
        die_area_mm2=item.get("die_area_mm2") or "",
        datacenter=tri.get(item.get("datacenter"), ""),
        eccn=item.get("eccn") or "",
        origin_country=item.get("origin_country") or "",
        us_content=item.get("us_controlled_content_pct") if item.get("us_controlled_content_pct") is not None else "",
    )
    for i, party in enumerate((tx.get("parties") or [])[:PARTY_ROWS]):
        for k, v in party.items():
            values[f"party{i}_{k}"] = v
    if tx.get("end_uses") is not None:
        values["end_uses_known"] = "declared"
        values["end_use"] = list(tx["end_uses"])
    exporter = tx.get("exporter") or {}
    values.update(
        exporter_name=exporter.get("name") or "",
        exporter_us_person=tri.get(exporter.get("us_person"), ""),
        exporter_role=exporter.get("role") or "",
    )
    return values
