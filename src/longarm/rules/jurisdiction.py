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
    are subject to the EAR: 10 percent for Country Groups E:1/E:2, 25 percent elsewhere ("Except as
    provided in paragraph (a)": see 734.4(a)(8)-(9))."""
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


CONTENT_QUESTION = (
    "Does the item's US-origin controlled content include a U.S.-origin integrated circuit specified under "
    "Category {cats} of the CCL? Then 15 CFR {paragraph} leaves it no de minimis level. "
    "(item.us_origin_ics)"
)
NO_DE_MINIMIS_KEYS = ("de_minimis_a8", "de_minimis_a9")


def _listed_scope(case: Case, scope: dict[str, Any]) -> tuple[Tri, str]:
    """Item scope of 734.4(a)(8)/(9): the ECCN paragraphs listed (`eccns`), or a CCL product group
    (`category`, e.g. 3B) except the paragraphs listed (`except`). A bare ECCN whose listed paragraphs
    are only some of its own is unknown (which paragraph describes the item decides)."""
    eccn = case.eccn.upper()
    listed = [e.upper() for e in scope.get("eccns", scope.get("except", []))]
    if eccn in ("UNCLASSIFIED", "UNDETERMINED"):
        return None, f"the item's ECCN is not known ({case.eccn}), so whether it is named is unknown (item.eccn)"
    hit = next((e for e in listed if eccn.startswith(e)), None)
    below = [e for e in listed if e.startswith(eccn + ".")]
    if "category" in scope:
        if not eccn.startswith(scope["category"].upper()):
            return False, f"item ECCN {case.eccn} is not in Category {scope['category']}"
        if hit:
            return False, f"item ECCN {case.eccn} is excepted ({hit})"
        if below:
            return (
                None,
                f"item ECCN {case.eccn}: whether it is one of the excepted paragraphs ({', '.join(below)}) is unknown",
            )
        return True, f"item ECCN {case.eccn} is in Category {scope['category']} and not excepted"
    if hit:
        return True, f"item ECCN {case.eccn} is named ({hit})"
    if below:
        return None, f"item ECCN {case.eccn}: whether it is one of the paragraphs named ({', '.join(below)}) is unknown"
    return False, f"item ECCN {case.eccn} is not among {', '.join(scope['eccns'])}"


def _eccn_question(case: Case, citation: str) -> str:
    """The question that settles an item scope left open by the ECCN."""
    if case.eccn.upper() in ("UNCLASSIFIED", "UNDETERMINED"):
        return f"What is the item's ECCN? {citation} turns on it. (item.eccn)"
    return f"Which paragraph of {case.eccn} describes the item? {citation} turns on it. (item.eccn)"


def _us_origin_ic(case: Case, content: dict[str, Any]) -> tuple[Tri, str]:
    """Content prong of 734.4(a)(8)/(9): the commodity "contains a U.S.-origin integrated circuit specified
    under Category 3, 4, or 5 of the CCL". Read from `item.us_origin_ics`; the share of controlled content
    does not settle it (an IC of those Categories need not be controlled for the destination, so even 0 %
    leaves it open)."""
    cats = ", ".join(content["us_origin_ic_categories"])
    ics = case.tx.item.us_origin_ics
    if ics is not None:
        named = [e for e in ics if e[0] in content["us_origin_ic_categories"]]
        if named:
            return True, f"contains U.S.-origin IC(s) {', '.join(named)} (item.us_origin_ics), of Category {cats}"
        given = f"only {', '.join(ics)}" if ics else "none"
        return False, f"U.S.-origin ICs: {given} (item.us_origin_ics), none of Category {cats}"
    pct = case.tx.item.us_controlled_content_pct
    if pct is None:
        return (
            None,
            f"US-origin controlled content not given; whether it includes a US-origin IC of Category {cats} is unknown",
        )
    return None, (
        f"{pct:g} % US-origin controlled content; whether it includes a U.S.-origin integrated circuit of "
        f"Category {cats} is not given (any such IC, at any percentage, leaves no de minimis level)"
    )


def _no_de_minimis(case: Case, key: str) -> Step | None:
    p = case.in_force(FILE, key)
    if p is None:
        return None
    citation, name = p["citation"], p["name"]
    item_v, item_t = _listed_scope(case, p["item_scope"])
    if item_v is False:
        return Step(False, citation, f"no de minimis level ({name}): item scope not met ({item_t})")
    reach_v, reach_t, reach_field = _reach(case, p["reach"])
    if reach_v is False:
        return Step(False, citation, f"no de minimis level ({name}): reach not met ({reach_t})")
    content_v, content_t = _us_origin_ic(case, p["content"])
    if content_v is False:
        return Step(False, citation, f"no de minimis level ({name}): content not met ({content_t})")
    unless: dict[str, str] = p.get("unless") or {}
    parts = [item_v, reach_v, content_v] + ([None] if unless else [])
    value = all_of(parts)
    question = None
    if value is None:
        cats = ", ".join(p["content"]["us_origin_ic_categories"])
        question = (
            _eccn_question(case, citation)
            if item_v is None
            else f"Facts for {citation[7:]}: {reach_t} ({reach_field})"
            if reach_v is None
            else CONTENT_QUESTION.format(cats=cats, paragraph=citation[7:])
            if content_v is None
            else unless["question"]
        )
    return Step(
        value,
        citation,
        f"no de minimis level ({name}) {'(whatever the share of US content) ' if value else ''}when all are met: "
        f"item scope {show(item_v)} ({item_t}); US-origin IC content {show(content_v)} ({content_t}); "
        f"reach {show(reach_v)} ({reach_t})"
        + (f"; exclusion not evaluated ({unless['text']})" if unless else "")
        + f". {p['text']}",
        question,
        tuple(p.get("gaps", ())),
    )


@rule(
    "734.4(a)(8)-(9) no de minimis",
    "15 CFR 734.4(a)(8), (a)(9)",
    area="jurisdiction",
    reads=tuple((FILE, k) for k in NO_DE_MINIMIS_KEYS),
)
def no_de_minimis(case: Case) -> list[Step]:
    """ "There is no de minimis level related to the SME FDP rule for a commodity meeting the parameters in
    ECCNs 3B001.a.4, c, d, f.1, f.5, [f.6,] k to n, p.2, p.4, r, or 3B002.c ... when the commodity contains a
    U.S.-origin integrated circuit specified under Category 3, 4, or 5 of the CCL, and the commodity is destined
    for Macau or ... D:5, unless excluded" ((a)(8)); nor "for an item meeting the parameters in ECCNs specified in
    Category 3B (except [those]) ... destined for an entity with a Footnote 5 designation" (from 2025-01-16 also
    for an advanced-node "facility" in Macau or D:5) ((a)(9)): such an item is subject to the EAR whatever its
    share of US content."""
    return [s for s in (_no_de_minimis(case, k) for k in NO_DE_MINIMIS_KEYS) if s is not None]


def _product_scope(case: Case, inputs: list[str] | None, plant_inputs: list[str] | None = None) -> tuple[Tri, str]:
    """Whether the item is a direct product of the listed US technology/software (`inputs`), or made by a
    plant that is (`plant_inputs` where the rule lists other ECCNs for the plant, else `inputs`). An item
    that is a direct product of no US technology or software, nor made by such a plant, is outside every
    FDP rule, whatever its lists."""
    facts = case.tx.item.foreign_direct_product
    direct = facts.direct_product_of if facts else None
    plant = facts.plant_direct_product_of if facts else None
    if direct == [] and plant == []:
        return False, "not a direct product of any US-origin technology or software, nor made by such a plant"
    if inputs is None:
        return None, "product scope not encoded (input technology not in the sources)"
    wanted = set(inputs)
    hits = sorted((wanted & set(direct or [])) | (set(plant_inputs or inputs) & set(plant or [])))
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
            return None, (
                f"the item's ECCN is not known ({case.eccn}), so whether it is in {', '.join(scope['eccns'])} "
                "is unknown (item.eccn)"
            )
        met = any(eccn.startswith(e) for e in listed)
        if met and scope.get("except"):
            # "3B001 (except 3B001.a.4, c, ...)": an excepted paragraph is out; a bare ECCN whose excepted
            # paragraphs are only some of its own is unknown (which paragraph describes the item decides)
            excepted = [e.upper() for e in scope["except"]]
            hit = next((e for e in excepted if eccn.startswith(e)), None)
            if hit:
                return False, f"item ECCN {case.eccn} is excepted ({hit})"
            below = [e for e in excepted if e.startswith(eccn + ".")]
            if below:
                return None, (
                    f"item ECCN {case.eccn}: whether it is an excepted paragraph ({', '.join(below)}) is unknown "
                    "(item.eccn)"
                )
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


def _reach(case: Case, reach: dict[str, Any]) -> tuple[Tri, str, str | None]:
    """Whether the transaction is within a rule's reach, in words, and the input field of the first
    prong that is unknown (None when none is)."""
    parts: list[Tri] = []
    words = []
    unknown: list[str] = []
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
        if v is None:
            unknown.append("end_uses")
    if "destinations" in reach:
        v = destinations.in_scope(case.destination, reach["destinations"], case.on)
        local.append(v)
        words.append(f"destination {case.destination} in {destinations.describe(reach['destinations'])}: {show(v)}")
        if v is None:
            unknown.append("to_country")
    if local:
        parts.append(all_of(local))
    if "hq" in reach:
        v, text = _party_hq(case, reach["hq"])
        parts.append(v)
        words.append(text)
        if v is None:
            unknown.append("parties[].headquarters_country")
    value = any_of(parts)
    return value, "; ".join(words), unknown[0] if value is None and unknown else None


def fdp(case: Case, key: str) -> Step | None:
    """One foreign direct product rule, prong by prong: item scope, product scope, reach."""
    p = case.in_force(FILE, key)
    if p is None:
        return None
    item_v, item_t = _item_scope(case, p["item_scope"])
    if item_v is False:
        return Step(False, f"15 CFR {p['paragraph']}", f"{p['name']}: item scope not met ({item_t})")
    reach_v, reach_t, reach_field = _reach(case, p["reach"])
    if reach_v is False:
        return Step(False, f"15 CFR {p['paragraph']}", f"{p['name']}: reach not met ({reach_t})")
    prod_v, prod_t = _product_scope(case, p["inputs"], p.get("plant_inputs"))
    value = all_of([item_v, prod_v, reach_v])
    question = None
    if value is None:
        question = (
            FDP_QUESTION
            if prod_v is None
            else f"Facts for {p['paragraph']}: {reach_t} ({reach_field})"
            if reach_v is None
            else _eccn_question(case, f"15 CFR {p['paragraph']}")
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
    """15 CFR 734.3: subject if in the US, US-origin, above de minimis (or with no de minimis level,
    734.4(a)(9)), or within an FDP rule."""
    steps = [case.record(in_united_states(case), ask=False), case.record(us_origin(case), ask=False)]
    if not any(s.value for s in steps):
        steps += [
            case.record(s, ask=False)
            for s in (de_minimis(case), *no_de_minimis(case), *(fdp(case, k) for k in FDP_KEYS))
            if s is not None
        ]
    value = any_of(s.value for s in steps)
    if value is None:
        for s in steps:
            case.ask(s.question)
    return value, [s for s in steps if s.value is (True if value else None)]
