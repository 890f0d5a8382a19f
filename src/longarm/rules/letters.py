"""Is-informed letters (15 CFR 744.21(b), 744.23(b)): a license requirement on one exporter.

Two sources: the letters the user declares (`exporter.is_informed`), and a dated registry of
letters their recipients disclosed (letters.yaml), applied when `exporter.name` names the
recipient. Any other exporter of a named item is warned that such a letter exists.
"""

from __future__ import annotations

import re
from typing import Any

from longarm import destinations, params
from longarm.rules.licensing import Requirement, hq_entity
from longarm.rules.logic import Tri, all_of, any_of
from longarm.rules.registry import rule
from longarm.trace import Case, Step

FILE = "letters"


def _ids(case: Case) -> set[str]:
    item = case.tx.item
    return {i for i in [item.catalog_id, *(c.catalog_id for c in item.contains or [])] if i}


def _item_matches(case: Case, items: list[str]) -> bool:
    ids = _ids(case)
    eccn = case.eccn.upper()
    return any(i in ids or (i[:1].isdigit() and eccn.startswith(i.upper())) for i in items)


def _destination_matches(case: Case, wanted: list[str], hq: bool) -> Tri:
    countries = [d for d in wanted if ":" not in d]
    scope = {"countries": countries, "groups": [d for d in wanted if ":" in d]}
    values: list[Tri] = [case.tx.to_country in countries, destinations.in_scope(case.destination, scope, case.on)]
    if hq:
        values.append(hq_entity(case, scope))
    return any_of(values)


def _figures(case: Case) -> list[tuple[str, float | None, float | None]]:
    """(what, memory bandwidth, interconnect bandwidth) in GB/s of the item, or of each IC a system contains."""
    item = case.tx.item
    if item.contains:
        out = []
        for c in item.contains:
            chip = _chip(c.catalog_id)
            out.append((c.catalog_id or "a contained IC", *(chip if chip else (None, None))))
        return out
    chip = _chip(item.catalog_id) or (None, None)
    memory = item.memory_bandwidth_gbs if item.memory_bandwidth_gbs is not None else chip[0]
    link = item.bidirectional_transfer_rate_gbs if item.bidirectional_transfer_rate_gbs is not None else chip[1]
    return [(item.catalog_id or "the item", memory, link)]


def _chip(chip_id: str | None) -> tuple[float | None, float | None] | None:
    if not chip_id:
        return None
    from longarm import catalog

    try:
        chip = catalog.get(chip_id)
    except Exception:  # an unknown id is reported by classification
        return None
    return chip.memory_bw_gbs, chip.interconnect_bw_gbs


def _equivalent(case: Case, entry: dict[str, Any]) -> Step | None:
    """Whether the item "achiev[es] H20's memory bandwidth, interconnect bandwidth, or a combination
    thereof" (the letter's reported reach), measured by the figures in the registry; None if not applicable."""
    figures = entry.get("equivalent_figures")
    if not figures or case.tx.item.type not in ("ic", "computer"):
        return None
    memory_at, link_at = figures["memory_bandwidth_gbs"], figures["interconnect_gbs"]
    values: list[Tri] = []
    for _what, memory, link in _figures(case):
        values.append(
            any_of(
                [
                    None if memory is None else memory >= memory_at,
                    None if link is None else link >= link_at,
                ]
            )
        )
    value = any_of(values)
    if value is False:
        return None
    shown = "; ".join(
        f"{w}: memory bandwidth {'unknown' if m is None else f'{m:,.0f}'} GB/s, interconnect "
        f"{'unknown' if i is None else f'{i:,.0f}'} GB/s"
        for w, m, i in _figures(case)
    )
    return Step(
        value,
        entry["citation"],
        f"letter to {entry['recipient']} of {entry['date'].isoformat()} reportedly covers {entry['equivalents']}; "
        f"measured by {figures['measure']} ({memory_at:,} GB/s memory, {link_at:,} GB/s interconnect): "
        f"{shown} ({params.cite(entry)})",
        None
        if value is not None
        else f"Does the IC reach the memory bandwidth ({memory_at:,} GB/s) or interconnect bandwidth "
        f"({link_at:,} GB/s) of {figures['measure']}? (item.memory_bandwidth_gbs, item.bidirectional_transfer_rate_gbs)",
        (figures["gap"], *entry.get("gaps", ())),
    )


def _names(exporter_name: str | None, entry: dict[str, Any]) -> bool:
    if not exporter_name:
        return False
    words = re.sub(r"[^a-z0-9 ]", " ", exporter_name.lower()).split()
    text = " ".join(words)
    return any(re.search(rf"\b{re.escape(r)}\b", text) for r in entry["recipients"])


@rule("is-informed letters", "15 CFR 744.21(b); 744.23(b)", area="license requirements")
def letters(case: Case) -> list[Requirement]:
    """ "BIS may inform persons, either individually by specific notice or through amendment to the EAR ...
    that a license is required for a specific export, reexport, or transfer (in-country) of any item subject
    to the EAR to a certain end-user" (744.23(b)): the letters the exporter declares, and the publicly
    disclosed letters of the registry when `exporter.name` names their recipient."""
    out: list[Requirement] = []
    for letter in case.tx.exporter.is_informed or []:
        if letter.date > case.on:
            continue
        if letter.items and not _item_matches(case, letter.items):
            continue
        value = _destination_matches(case, letter.destinations, False) if letter.destinations else True
        if value is False:
            continue
        out.append(
            Requirement(
                Step(
                    value,
                    letter.citation,
                    f"the exporter declares a letter of {letter.date.isoformat()} informing it of a license "
                    f"requirement ({', '.join(letter.items) or 'all items'} to {', '.join(letter.destinations) or 'all destinations'})"
                    + (f": {letter.text}" if letter.text else ""),
                    None if value is not None else destinations.membership_question(case.destination, case.on),
                ),
                "is-informed",
                "as stated in the letter",
                "letter",
            )
        )
    for entry in params.versions(FILE, "letters"):
        if entry["date"] > case.on:
            continue
        where = _destination_matches(case, entry["destinations"], entry.get("hq", False))
        if where is False:
            continue
        if not _item_matches(case, entry["items"]):
            equivalent = _equivalent(case, entry)
            if equivalent is None:
                continue
            if not _names(case.tx.exporter.name, entry):
                if equivalent.value is True:
                    case.warn(
                        f"BIS informed {entry['recipient']} by letter of {entry['date'].isoformat()} of a license "
                        f"requirement that reportedly also covers {entry['equivalents']}; this item reaches "
                        f"{entry['equivalent_figures']['measure']} ({params.cite(entry)}). A letter binds its recipient only: if you "
                        "(or your supplier) received one, declare it in exporter.is_informed (exporter.name names the "
                        "exporter)"
                    )
            else:
                if where is not True:
                    equivalent = Step(
                        all_of([equivalent.value, where]),
                        equivalent.citation,
                        equivalent.text,
                        equivalent.question or destinations.membership_question(case.destination, case.on),
                        equivalent.gaps,
                    )
                out.append(Requirement(equivalent, "is-informed", "as stated in the letter (not public)", "letter"))
            continue
        if _names(case.tx.exporter.name, entry):
            out.append(
                Requirement(
                    Step(
                        where,
                        entry["citation"],
                        f"letter to {entry['recipient']} of {entry['date'].isoformat()}: {entry['text']} "
                        f"({params.cite(entry)})",
                        None if where is not None else destinations.membership_question(case.destination, case.on),
                        tuple(entry.get("gaps", ())),
                    ),
                    "is-informed",
                    "as stated in the letter (not public)",
                    "letter",
                )
            )
            if entry.get("equivalents"):
                case.warn(
                    f"The letter to {entry['recipient']} of {entry['date'].isoformat()} reportedly also covers {entry['equivalents']}"
                )
        else:
            case.warn(
                f"BIS informed {entry['recipient']} by letter of {entry['date'].isoformat()} of a license requirement "
                f"for this item ({', '.join(entry['items'])} to {', '.join(entry['destinations'])}"
                f"{' or entities headquartered there' if entry.get('hq') else ''}; {params.cite(entry)}). A letter "
                "binds its recipient only: if you (or your supplier) received one, declare it in exporter.is_informed "
                "(exporter.name names the exporter)"
            )
    return out
