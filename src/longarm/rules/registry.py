"""The rule registry: every rule function with its citation and the dated parameters it reads.

The README section "How longarm decides" is generated from this registry
(`longarm rules --markdown`), so documentation cannot drift from code.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from longarm import params

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Rule:
    id: str
    citation: str
    area: str
    params: tuple[tuple[str, ...], ...]
    doc: str

    def versions(self) -> list[dict[str, Any]]:
        """The dated entries this rule reads; a third element in `reads` narrows to one version id."""
        return [
            e for file, key, *only in self.params for e in params.versions(file, key) if not only or e["id"] in only
        ]


RULES: dict[str, Rule] = {}


def rule(rule_id: str, citation: str, *, area: str, reads: tuple[tuple[str, ...], ...] = ()) -> Callable[[F], F]:
    """Register a rule function under `rule_id`; its docstring quotes the operative words."""

    def decorate(func: F) -> F:
        register(rule_id, citation, area=area, reads=reads, doc=inspect.getdoc(func) or "")
        return func

    return decorate


def register(rule_id: str, citation: str, *, area: str, reads: tuple[tuple[str, ...], ...] = (), doc: str) -> None:
    """Register a rule whose function is shared (e.g. one FDP evaluator for every 734.9 paragraph)."""
    if rule_id in RULES:
        raise ValueError(f"rule {rule_id} registered twice")
    RULES[rule_id] = Rule(rule_id, citation, area, reads, doc)


def all_rules() -> list[Rule]:
    """Every registered rule, in evaluation order (import order of the rule modules)."""
    from longarm.rules import classification, exceptions, jurisdiction, letters, licensing, prohibitions  # noqa: F401

    return list(RULES.values())


def quality(entry: dict[str, Any]) -> str:
    """A dated entry's source quality: its own, else its source's."""
    return str(entry.get("source_quality") or params.source(entry["source"])["source_quality"])


def _span(v: dict[str, Any]) -> str:
    return (
        f"{v['from']}"
        + (f" to {v['to']}" if "to" in v else " on")
        + (f", compliance {v['compliance']}" if "compliance" in v else "")
    )


def version_rows(r: Rule) -> list[dict[str, Any]]:
    """Each dated version a rule reads: dates, source, text source and quality."""
    rows = []
    for v in r.versions():
        text = params.source(v["text_source"])["title"] if v.get("text_source") else None
        rows.append(
            {
                "id": v.get("id"),
                "from": v["from"].isoformat(),
                "to": v["to"].isoformat() if "to" in v else None,
                "compliance": v["compliance"].isoformat() if "compliance" in v else None,
                "source": params.cite(v).removesuffix(" (secondary source)"),
                "text_source": text,
                "source_quality": quality(v),
            }
        )
    return rows


def on_secondary_sources() -> list[Rule]:
    """The rules at least one of whose versions rests on a secondary source."""
    return [r for r in all_rules() if any(quality(v) == "secondary" for v in r.versions())]


def as_json() -> list[dict[str, Any]]:
    """Every rule with its citation and its versions (the `rules --json` output)."""
    return [
        {
            "id": r.id,
            "area": r.area,
            "citation": r.citation,
            "versions": version_rows(r),
            "source_quality": "secondary"
            if any(v["source_quality"] == "secondary" for v in version_rows(r))
            else "primary",
            "text": " ".join(r.doc.split()),
        }
        for r in all_rules()
    ]


def text() -> str:
    """Every rule, one block each: citation, then each version with its dates and source quality."""
    lines = []
    for r in as_json():
        lines.append(f"{r['id']} — {r['citation']} [{r['area']}]")
        for v in r["versions"] or [{"from": "all dates", "to": None, "compliance": None, "source": "", "id": None}]:
            span = v["from"] + (f" to {v['to']}" if v["to"] else " on" if v["id"] else "")
            span += f", compliance {v['compliance']}" if v["compliance"] else ""
            quality_ = f" ({v['source_quality']})" if v.get("source_quality") else ""
            line = f"  {span}: {v['source']}{quality_}" if v["source"] else f"  {span}"
            lines.append(line + (f"; text: {v['text_source']}" if v.get("text_source") else ""))
    sec = on_secondary_sources()
    lines.append(f"\n{len(sec)} of {len(RULES)} rules rest on a secondary source in at least one version.")
    return "\n".join(lines) + "\n"


def markdown() -> str:
    """The "How longarm decides" section: each rule, its citation and its dates."""
    lines = ["| area | rule | citation | in force (source) | operative words |", "| --- | --- | --- | --- | --- |"]
    for r in all_rules():
        dates = (
            "; ".join(
                _span(v) + f" ({params.cite(v)}" + (", verbatim text" if v.get("text_source") else "") + ")"
                for v in r.versions()
            )
            or "all dates"
        )
        words = " ".join(r.doc.split())
        lines.append(f"| {r.area} | `{r.id}` | {r.citation} | {dates} | {words} |")
    sec = on_secondary_sources()
    lines.append("")
    lines.append(
        f"{len(sec)} of {len(RULES)} rules rest on a secondary source in at least one version: "
        + ", ".join(f"`{r.id}`" for r in sec)
        + "."
    )
    return "\n".join(lines) + "\n"
