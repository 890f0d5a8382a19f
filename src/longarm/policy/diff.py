"""What changed between two dates: every dated parameter whose entry in force differs (rule
versions, thresholds, Country Group memberships, list designations, exceptions, guidance,
enforcement posture), each with its source, and the catalogue chips whose ECCN or license
status at a representative destination changed.

Built only on the generic dated-entry structure of the parameter files, so a new dated entry in
any file shows up here without a code change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from longarm import destinations, params
from longarm.policy import catalogue

# How `diff` reports a parameter file's entries when the entry does not say (`kind:`).
KIND_OF_FILE = {
    "classification": "rule",
    "country_groups": "country_group",
    "entity_list": "list_entry",
    "exceptions": "exception",
    "guidance": "guidance",
    "letters": "guidance",
    "licensing": "rule",
    "jurisdiction": "rule",
}
# What a parameter is about, where its name does not make it plain.
AREA = {
    ("licensing", "enforcement"): "enforcement posture",
    ("licensing", "hq_rule"): "headquarters rule",
    ("licensing", "review_policy"): "license review policy",
    ("licensing", "rs_advanced_computing"): "license requirement (RS)",
    ("guidance", "gp10_prc_ics"): "General Prohibition 10 guidance",
    ("entity_list", "affiliates_rule"): "affiliates rule",
}
NOT_THRESHOLDS = frozenset({"count", "footnote"})


def _dated(file: str) -> list[tuple[str, list[dict[str, Any]]]]:
    return [
        (k, v)
        for k, v in params.load(file).items()
        if isinstance(v, list) and v and all(isinstance(e, dict) and "from" in e for e in v)
    ]


def _numbers(node: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], float]:
    out: dict[tuple[str, ...], float] = {}
    if isinstance(node, dict):
        for k, v in node.items():
            out.update(_numbers(v, path + (str(k),)))
    elif isinstance(node, int | float) and not isinstance(node, bool) and path and path[-1] not in NOT_THRESHOLDS:
        out[path] = node
    return out


def _label(entry: dict[str, Any] | None) -> str | None:
    if entry is None:
        return None
    status = f", {entry['status']}" if isinstance(entry.get("status"), str) else ""
    until = f" to {entry['to'].isoformat()}" if entry.get("to") else ""
    return f"{entry.get('id')} (from {entry['from'].isoformat()}{until}{status})"


def _text(entry: dict[str, Any]) -> str:
    for field in ("summary", "text", "wording"):
        value = entry.get(field)
        if isinstance(value, str):
            return value
    return ""


def _source(entry: dict[str, Any]) -> tuple[str, str | None]:
    src = params.source(entry["source"])
    return params.cite(entry), src.get("url")


def _entry_changes(a: dt.date, b: dt.date) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for file in params.FILES[1:]:
        for key, _ in _dated(file):
            before, after = params.in_force(file, key, a), params.in_force(file, key, b)
            if before == after:
                continue
            cited = after if after is not None else before
            assert cited is not None
            kind = cited.get("kind") or KIND_OF_FILE.get(file, "rule")
            source, url = _source(cited)
            when = after["from"] if after is not None and (before is None or after["from"] > a) else None
            if when is None and before is not None and before.get("to"):
                when = before["to"]
            change = {
                "kind": kind,
                "key": f"{file}.{key}",
                "before": _label(before),
                "after": _label(after),
                "source": source,
                "source_url": url,
                "date": when.isoformat() if when else None,
                "text": _text(after) if after is not None else f"no longer in force: {_text(before or {})}",
            }
            if (file, key) in AREA:
                change["area"] = AREA[(file, key)]
            out.append(change)
            listed_a = set((before or {}).get("entities", ()))
            listed_b = set((after or {}).get("entities", ()))
            for name in sorted(listed_b - listed_a) + sorted(listed_a - listed_b):
                out.append(
                    {
                        "kind": "list_entry",
                        "key": f"{file}.{key}",
                        "name": name,
                        "before": "listed" if name in listed_a else None,
                        "after": "listed" if name in listed_b else None,
                        "source": source,
                        "source_url": url,
                        "date": change["date"],
                        "text": f"{cited.get('list', key)}: {name}",
                    }
                )
            na, nb = _numbers(before or {}), _numbers(after or {})
            for path in sorted(set(na) | set(nb)):
                if na.get(path) == nb.get(path):
                    continue
                shown = path[1:] if path[0] == "params" and len(path) > 1 else path
                out.append(
                    {
                        "kind": "threshold",
                        "key": ".".join((key, *shown)),
                        "before": na.get(path),
                        "after": nb.get(path),
                        "source": source,
                        "source_url": url,
                        "date": change["date"],
                        "text": f"{key} {'.'.join(shown)}: {na.get(path)} -> {nb.get(path)}",
                    }
                )
    return out


def _countries() -> set[str]:
    codes: set[str] = set()
    for _, entries in _dated("country_groups"):
        for e in entries:
            for members in (e.get("members") or {}).values():
                codes.update(members)
    for c in params.load("country_groups").get("changes") or []:
        if isinstance(c, dict) and c.get("country"):
            codes.add(c["country"])
    return codes


def _membership(country: str, on: dt.date) -> dict[str, str]:
    known = destinations.groups_of(country, on)
    unknown_of = getattr(destinations, "unknown_groups", None)
    unknown = unknown_of(country, on) if unknown_of else set()
    groups = known | unknown
    return {g: ("unknown" if g in unknown else "member") for g in groups}


def _group_source(country: str, group: str, a: dt.date, b: dt.date) -> tuple[str, str | None, str | None]:
    lo, hi = min(a, b), max(a, b)
    for c in params.load("country_groups").get("changes") or []:
        if not isinstance(c, dict) or c.get("country") != country or c.get("group") != group:
            continue
        date = c.get("date")
        if date is None or lo < date <= hi:
            src = params.source(c["source"])
            label = ", ".join(
                p for p in (src.get("citation"), f"FR Doc {src['fr_doc']}" if src.get("fr_doc") else None) if p
            )
            quality = c.get("source_quality", src.get("source_quality"))
            label = (label or src["title"]) + (" (secondary source)" if quality == "secondary" else "")
            return label, src.get("url"), date.isoformat() if date else None
    entry = params.in_force("country_groups", "groups", hi)
    if entry is None:
        return "15 CFR 740 Supp. 1", None, None
    source, url = _source(entry)
    return source, url, None


def _group_changes(a: dt.date, b: dt.date) -> list[dict[str, Any]]:
    out = []
    for country in sorted(_countries()):
        before, after = _membership(country, a), _membership(country, b)
        for group in sorted(set(before) | set(after)):
            x, y = before.get(group, "not a member"), after.get(group, "not a member")
            if x == y:
                continue
            source, url, date = _group_source(country, group, a, b)
            out.append(
                {
                    "kind": "country_group",
                    "key": group,
                    "country": country,
                    "before": x,
                    "after": y,
                    "source": source,
                    "source_url": url,
                    "date": date,
                    "text": f"{country} in Country Group {group}: {x} -> {y}",
                }
            )
    return out


def _entity_list_changes(a: dt.date, b: dt.date) -> list[dict[str, Any]]:
    """Entity List entries (of the list in service) listed on one date and not the other, dated by
    the Federal Register citation that added them (`listing_dates`)."""
    from longarm import listing_dates
    from longarm.screening import lists

    lst = lists.current()
    listed_by = dt.date.fromisoformat(lst.generated_at[:10])
    names = {True: "listed", False: "not listed", None: "unknown"}
    out = []
    for i in range(len(lst)):
        e = lst.entry(i)
        if e.list_name != "Entity List":
            continue
        x = listing_dates.listing(e.federal_register, a, listed_by=listed_by)
        y = listing_dates.listing(e.federal_register, b, listed_by=listed_by)
        if x.state == y.state:
            continue
        when = y.when or x.when
        out.append(
            {
                "kind": "list_entry",
                "key": "Entity List",
                "name": e.name,
                "before": names[x.state],
                "after": names[y.state],
                "source": f"{when.describe() if when else 'no Federal Register citation'}; {lst.version}",
                "source_url": e.source_url,
                "date": when.latest.isoformat() if when else None,
                "text": (y if y.state is not None else x).text,
            }
        )
    return out


def diff(a: dt.date, b: dt.date, posture: str = "text", chips: bool = True) -> dict[str, Any]:
    """Everything that differs between the rules in force on `a` and on `b` (contract: `diff --json`)."""
    entries = _entry_changes(a, b)
    foreign = [c for c in entries if c["key"].startswith("countermeasures.")]
    changes = [c for c in entries if c not in foreign] + _group_changes(a, b) + _entity_list_changes(a, b) + foreign
    out: dict[str, Any] = {"from": a.isoformat(), "to": b.isoformat(), "posture": posture, "changes": changes}
    if chips:
        out["destinations"] = list(catalogue.DESTINATIONS)
        out["chips"] = catalogue.compare(catalogue.snapshot(a, posture=posture), catalogue.snapshot(b, posture=posture))
    return out
