"""The evaluation trace: what each rule found, in order, with its citation.

A `Case` holds the facts of one transaction for one candidate ECCN; rules read it and
append `Step`s to its trace. Unknown outcomes carry the question that would settle them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from longarm import params
from longarm.model import Citation, ItemResult, ScreeningHit, Transaction
from longarm.rules.logic import Tri


@dataclass(frozen=True)
class Step:
    """One rule's result: met (True), not met (False) or unknown (None)."""

    value: Tri
    citation: str
    text: str
    question: str | None = None
    gaps: tuple[str, ...] = ()  # caveats of the dated entry applied; surfaced when the step matters


@dataclass
class Case:
    tx: Transaction
    on: dt.date
    posture: str
    item: ItemResult
    eccn: str
    destination: str
    hits: list[ScreeningHit]
    findings: list[Citation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    sources_used: list[dict[str, Any]] = field(default_factory=list)

    @property
    def level(self) -> str | None:
        """The advanced-computing level of the ECCN: a, b, c, or None."""
        e = self.eccn.upper()
        if e in ("3A090.A", "4A090.A") or (".Z" in e and _z(e) == "a"):
            return "a"
        if e in ("3A090.B", "4A090.B") or (".Z" in e and _z(e) == "b"):
            return "b"
        return "c" if e == "3A090.C" else None

    def record(self, step: Step, *, ask: bool = True) -> Step:
        """Append a step to the findings; a step that applies or is undetermined surfaces its
        source caveats, and (if `ask`) an undetermined one its question."""
        mark = {True: "applies", False: "does not apply", None: "undetermined"}[step.value]
        self.findings.append(Citation(citation=step.citation, text=f"{mark}: {step.text}"))
        if step.value is not False:
            for gap in step.gaps:
                self.warn(gap)
        if ask and step.value is None:
            self.ask(step.question)
        return step

    def ask(self, question: str | None) -> None:
        if question and question not in self.questions:
            self.questions.append(question)

    def note(self, citation: str, text: str) -> None:
        self.findings.append(Citation(citation=citation, text=text))

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def use(self, entry: dict[str, Any] | None) -> dict[str, Any] | None:
        """Mark a dated entry as applied (it dates the ruleset)."""
        if entry is not None:
            self.sources_used.append(entry)
        return entry

    def in_force(self, file: str, key: str) -> dict[str, Any] | None:
        return self.use(params.in_force(file, key, self.on))


def _z(eccn: str) -> str | None:
    from longarm.rules.classification import z_level

    return z_level(eccn)
