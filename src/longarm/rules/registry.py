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
    from longarm.rules import classification, exceptions, jurisdiction, licensing, prohibitions  # noqa: F401

    return list(RULES.values())


def markdown() -> str:
    """The "How longarm decides" section: each rule, its citation and its dates."""
    lines = ["| area | rule | citation | in force (source) | operative words |", "| --- | --- | --- | --- | --- |"]
    for r in all_rules():
        dates = (
            "; ".join(
                f"{v['from']}"
                + (f" to {v['to']}" if "to" in v else " on")
                + (f", compliance {v['compliance']}" if "compliance" in v else "")
                + f" ({params.cite(v)})"
                for v in r.versions()
            )
            or "all dates"
        )
        words = " ".join(r.doc.split())
        lines.append(f"| {r.area} | `{r.id}` | {r.citation} | {dates} | {words} |")
    return "\n".join(lines) + "\n"
