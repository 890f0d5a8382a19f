"""Is the item subject to the EAR? 15 CFR 734.3, 734.4 (de minimis), 734.9 (foreign direct product).

Every prong is met, not met or unknown; an unknown prong names the question that settles it.
"""

from __future__ import annotations

from typing import Any

from longarm import destinations, params
from longarm.rules.logic import Tri, all_of, any_of, show
from longarm.rules.registry import register, rule
from longarm.trace import Case, Step

FILE = "jurisdiction"
FDP_QUESTION = (
    "Which US-origin technology or software (ECCNs) is the item, or the plant (or major component "
    "of a plant) that produced it, a direct product of? [] if none. "
    "(item.foreign_direct_product.direct_product_of, .plant_direct_product_of)"
)
FDP_KEYS = ("fdp_b", "fdp_e1", "fdp_e2", "fdp_e3", "fdp_h", "fdp_i", "fdp_k", "fdp_l")


@rule("734.3(a)(1)", "15 CFR 734.3(a)(1)", area="jurisdiction")
def in_united_states(case: Case) -> Step:
    """ "All items in the United States" are subject to the EAR (wherever they were made)."""
    here = case.tx.from_country
    value: Tri = None if here is None else here == "US"
    return Step(
        value,
        "15 CFR 734.3(a)(1)",
        f"items in the United States: the item is now in {here or 'an unknown country'}",
        None if value is not None else "Where is the item now? (from_country)",
    )


@rule("734.3(a)(2)", "15 CFR 734.3(a)(2)", area="jurisdiction")
def us_origin(case: Case) -> Step:
    """ "All U.S. origin items wherever located" are subject to the EAR."""
    origin = case.tx.item.origin_country
    value: Tri = None if origin is None else origin == "US"
    return Step(
        value,
        "15 CFR 734.3(a)(2)",
        f"US-origin items wherever located: the item was produced in {origin or 'an unknown country'}",
        None if value is not None else "Where was the item produced? (item.origin_country)",
    )


@rule("734.4 de minimis", "15 CFR 734.3(a)(3), 734.4", area="jurisdiction", reads=((FILE, "de_minimis"),))
def de_minimis(case: Case) -> Step | None:
    """Foreign-made items incorporating more than the de minimis level of controlled US-origin content
    are subject to the EAR: 10 percent for Country Groups E:1/E:2, 25 percent elsewhere."""
    p = case.in_force(FILE, "de_minimis")
    if p is None:
        return None
    strict = bool(destinations.groups_of(case.destination, case.on) & set(p["strict_groups"]))
    limit = p["strict_percent"] if strict else p["percent"]
    pct = case.tx.item.us_controlled_content_pct
    value: Tri = None if pct is None else pct > limit
    return Step(
        value,
        p["citation"],
        f"US-origin controlled content {'unknown' if pct is None else f'{pct:g} %'} vs more than "
        f"{limit} % (de minimis level for {case.destination})",
        None
        if value is not None
        else "What share of the item's value is US-origin controlled content? (item.us_controlled_content_pct)",
        tuple(p.get("gaps", ())),
    )


def _product_scope(case: Case, inputs: list[str] | None) -> tuple[Tri, str]:
    facts = case.tx.item.foreign_direct_product
    direct = facts.direct_product_of if facts else None
    plant = facts.plant_direct_product_of if facts else None
    if inputs is None:
        return None, "product scope not encoded (input technology not in the sources)"
    wanted = set(inputs)
    hits = sorted(wanted & set((direct or []) + (plant or [])))
    if hits:
        return True, f"direct product (or product of a plant that is one) of US-origin {', '.join(hits)}"
    if direct is not None and plant is not None:
        return False, "not a direct product of the listed US-origin technology or software, nor made by such a plant"
    return None, "whether the item or its plant is a direct product of the listed US technology/software is unknown"


def _item_scope(case: Case, scope: dict[str, Any]) -> tuple[Tri, str]:
    eccn = case.eccn.upper()
    if scope.get("any"):
        return True, "any foreign-produced item"
    if "eccns" in scope:
        listed = [e.upper() for e in scope["eccns"]]
        if eccn in ("UNCLASSIFIED", "UNDETERMINED"):
            return False, f"item ECCN {case.eccn} is outside {', '.join(scope['eccns'])}"
        met = any(eccn.startswith(e) for e in listed)
        return met, f"item ECCN {case.eccn} {'in' if met else 'not in'} {', '.join(scope['eccns'])}"
    reasons = _reasons_for_control(case.eccn)
    if reasons is None:
        return None, f"reasons for control of {case.eccn} unknown"
    met = bool(set(scope["reasons"]) & reasons)
    return met, f"item ECCN {case.eccn} {'is' if met else 'is not'} controlled for {'/'.join(scope['reasons'])}"


def _reasons_for_control(eccn: str) -> set[str] | None:
    if eccn.upper() == "EAR99":
        return set()  # EAR99 is not on the Commerce Control List: no reasons for control
    entry = destinations.ccl().get(eccn.upper()[:5])
    if entry is None or not entry.get("reasonForControl"):
        return None
    return {r.strip() for r in entry["reasonForControl"].split(",")}


def _party_hq(case: Case, scope: dict[str, Any]) -> tuple[Tri, str]:
    values: list[Tri] = []
    for p in case.tx.parties:
        hqs = [p.headquarters_country, p.ultimate_parent_headquarters_country]
        known: list[Tri] = [
            destinations.in_scope(destinations.treated_as(c, case.on), scope, case.on) if c else None for c in hqs
        ]
        values.append(any_of(known))
    value = any_of(values)
    return (
        value,
        f"a party headquartered (or with an ultimate parent headquartered) in "
        f"{destinations.describe(scope)}: {show(value)}",
    )


def _reach(case: Case, reach: dict[str, Any]) -> tuple[Tri, str]:
    parts: list[Tri] = []
    words = []
    v: Tri
    if "footnote" in reach:
        n = reach["footnote"]
        v = any(n in h.footnotes for h in case.hits if h.list == "Entity List")
        parts.append(v)
        words.append(f"footnote {n} Entity List party: {show(v)}")
    local: list[Tri] = []
    if "end_use" in reach:
        uses = case.tx.end_uses
        v = None if uses is None else reach["end_use"] in uses
        local.append(v)
        words.append(f"end use {reach['end_use']}: {show(v)}")
    if "destinations" in reach:
        v = destinations.in_scope(case.destination, reach["destinations"], case.on)
        local.append(v)
        words.append(f"destination {case.destination} in {destinations.describe(reach['destinations'])}: {show(v)}")
    if local:
        parts.append(all_of(local))
    if "hq" in reach:
        v, text = _party_hq(case, reach["hq"])
        parts.append(v)
        words.append(text)
    return any_of(parts), "; ".join(words)


def fdp(case: Case, key: str) -> Step | None:
    """One foreign direct product rule, prong by prong: item scope, product scope, reach."""
    p = case.in_force(FILE, key)
    if p is None:
        return None
    item_v, item_t = _item_scope(case, p["item_scope"])
    if item_v is False:
        return Step(False, f"15 CFR {p['paragraph']}", f"{p['name']}: item scope not met ({item_t})")
    reach_v, reach_t = _reach(case, p["reach"])
    if reach_v is False:
        return Step(False, f"15 CFR {p['paragraph']}", f"{p['name']}: reach not met ({reach_t})")
    prod_v, prod_t = _product_scope(case, p["inputs"])
    value = all_of([item_v, prod_v, reach_v])
    question = None
    if value is None:
        question = (
            FDP_QUESTION if prod_v is None else f"Facts for {p['paragraph']}: {reach_t if reach_v is None else item_t}"
        )
    return Step(
        value,
        f"15 CFR {p['paragraph']}",
        f"{p['name']}: item scope {show(item_v)} ({item_t}); product scope {show(prod_v)} ({prod_t}); "
        f"reach {show(reach_v)} ({reach_t})",
        question,
        tuple(p.get("gaps", ())),
    )


for _key in FDP_KEYS:
    _latest = params.versions(FILE, _key)[-1]
    register(
        f"734.9 {_key[4:]}",
        f"15 CFR {_latest['paragraph']}",
        area="jurisdiction",
        reads=((FILE, _key),),
        doc=f"{_latest['name']}: a foreign-produced item is subject to the EAR when its item scope, "
        "product scope (direct product of the listed US technology/software, or of a plant that is) "
        "and reach (destination, parties, end use) are all met.",
    )


def subject_to_ear(case: Case) -> tuple[Tri, list[Step]]:
    """15 CFR 734.3: subject if in the US, US-origin, above de minimis, or within an FDP rule."""
    steps = [case.record(in_united_states(case), ask=False), case.record(us_origin(case), ask=False)]
    if not any(s.value for s in steps):
        steps += [
            case.record(s, ask=False) for s in (de_minimis(case), *(fdp(case, k) for k in FDP_KEYS)) if s is not None
        ]
    value = any_of(s.value for s in steps)
    if value is None:
        for s in steps:
            case.ask(s.question)
    return value, [s for s in steps if s.value is (True if value else None)]
