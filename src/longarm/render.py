"""Human renderings of results: plain text a compliance officer can read and file.

The JSON twins are the pydantic models themselves; these functions only format.
"""

from __future__ import annotations

from longarm.model import Determination, ItemResult


def _num(v: float | None, digits: int) -> str:
    return "unknown" if v is None else f"{v:,.{digits}f}"


def classification(r: ItemResult, as_of: str, title: str) -> str:
    lines = [
        f"{title}: {r.eccn}" + (f" (one of {', '.join(r.candidates)})" if r.eccn == "UNDETERMINED" else ""),
        f"  as of {as_of}",
        f"  TPP {_num(r.tpp, 1)}; performance density {_num(r.performance_density, 2)}"
        + (
            f"; memory bandwidth density {_num(r.memory_bandwidth_density, 2)} GB/s/mm²"
            if r.memory_bandwidth_density is not None
            else ""
        ),
    ]
    if r.declared_eccn:
        lines.append(f"  declared ECCN {r.declared_eccn}")
    lines.append("Reasons:")
    lines += [f"  - {c.citation}: {c.text}" for c in r.reasons]
    lines += _section("Questions that would settle it:", "?", r.questions)
    lines += _section("Warnings:", "!", r.warnings)
    return "\n".join(lines)


def _section(title: str, mark: str, items: list[str]) -> list[str]:
    return [title, *(f"  {mark} {i}" for i in items)] if items else []


OUTCOME_WORDS = {
    "NLR": "No license required",
    "LICENSE_EXCEPTION": "License required, but a License Exception is available",
    "LICENSE_REQUIRED": "License required",
    "PROHIBITED": "Do not proceed: a General Prohibition or denial order applies",
    "UNDETERMINED": "Undetermined: a decisive fact is unknown",
}


CONDITION_MARKS = {"met": "met", "not_met": "not met", "to_confirm": "to confirm"}


def memo(d: Determination) -> str:
    """A determination as a compliance memo: conclusion first, then each step with its citation."""
    subject = {True: "yes", False: "no", None: "undetermined"}[d.subject_to_ear]
    lic = {True: "yes", False: "no", None: "undetermined"}[d.license_required]
    lines = [
        f"CONCLUSION: {OUTCOME_WORDS[d.outcome]} ({d.outcome})",
        f"  as of {d.as_of}, posture '{d.posture}', {d.ruleset}",
        f"  item: {d.item.eccn}; TPP {_num(d.item.tpp, 1)}; performance density {_num(d.item.performance_density, 2)}",
        f"  subject to the EAR: {subject}; license required: {lic}",
    ]
    lines += _section("\nQUESTIONS THAT WOULD SETTLE IT", "?", [q.text for q in d.questions])
    if d.license_requirements:
        lines.append("\nLICENSE REQUIREMENTS")
        lines += [
            f"  - {r.citation} [{r.reason}]"
            + (f" — review policy: {r.review_policy}" if r.review_policy else "")
            + f"\n    {r.text}"
            for r in d.license_requirements
        ]
    if d.license_exceptions:
        lines.append("\nLICENSE EXCEPTIONS AVAILABLE")
        for e in d.license_exceptions:
            lines.append(f"  - {e.name} ({e.citation}): {e.text}")
            lines += [f"      [{CONDITION_MARKS[c.status]}] {c.text}" for c in e.conditions]
    if d.general_prohibitions:
        lines.append("\nGENERAL PROHIBITIONS")
        lines += [f"  - GP{g.number} ({g.citation}): {g.text}" for g in d.general_prohibitions]
    if d.screening:
        lines.append("\nSCREENING")
        lines += [
            f"  - {h.party} '{h.name}' = {h.list}: '{h.matched_name}' (score {h.score:.2f}; {h.citation})"
            for h in d.screening
        ]
    lines += _section("\nWARNINGS", "!", d.warnings)
    if d.foreign_law_flags:
        lines.append("\nOTHER JURISDICTIONS (informational; not part of the EAR outcome)")
        lines += [f"  - {f.jurisdiction} {f.measure} ({f.citation}): {f.text}" for f in d.foreign_law_flags]
    lines.append("\nREASONING (in order of evaluation)")
    lines += [f"  {i:>2}. {f.citation}: {f.text}" for i, f in enumerate(d.findings, 1)]
    lines.append("\nThis determination applies the cited text to the facts given; it is not legal advice.")
    return "\n".join(lines)
