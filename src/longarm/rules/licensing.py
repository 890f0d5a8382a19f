"""License requirements: 742.6(a)(6) RS scopes, the headquarters rule, the Entity List (744.11),
end-use controls (744), embargoes (746) and the Commerce Country Chart (738).

Each function returns a `Requirement`: the step (met / not met / unknown) and, when met,
the reason for control and the review policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from longarm import catalog, destinations, listing_dates, params
from longarm.rules import paragraphs
from longarm.rules.classification import z_both_levels
from longarm.rules.logic import Tri, all_of, any_of, show
from longarm.rules.registry import rule
from longarm.trace import Case, Step

FILE = "licensing"


@dataclass(frozen=True)
class Requirement:
    step: Step
    reason: str
    review_policy: str | None = None
    kind: str = "rs"  # rs | hq | entity_list | end_use | embargo | chart


def _not_needed(citation: str, text: str, reason: str, kind: str) -> Requirement:
    return Requirement(Step(False, citation, text), reason, kind=kind)


def rs_version(case: Case, key: str, posture: str) -> tuple[dict[str, Any] | None, str, tuple[str, ...]]:
    """The RS scope version that applies on the case's date under `posture`, why, and its caveats."""
    entry = params.in_force(FILE, key, case.on)
    why = ""
    gaps: tuple[str, ...] = ()
    if entry is not None and entry.get("compliance") and case.on < entry["compliance"]:
        earlier = [v for v in params.versions(FILE, key) if v.get("to") == entry["from"]]
        why = (
            f"{entry['id']} is in force but compliance is required only from {entry['compliance']}; "
            f"the scope in force before it applies"
        )
        entry = earlier[0] if earlier else None
    enf = params.in_force(FILE, "enforcement", case.on) if entry is not None else None
    if enf is not None and entry is not None and enf["replaces"] == entry["id"]:
        gaps = tuple(enf.get("gaps", ()))
        if posture == "enforced":
            why = enf["text"]
            case.use(enf)
            entry = _with_added(next(v for v in params.versions(FILE, key) if v["id"] == enf["with"]), enf)
        else:
            why = f"the CFR text is applied; BIS announced it does not enforce it ({params.cite(enf)})"
    if entry is not None:
        gaps = tuple(entry.get("gaps", ())) + gaps
    return case.use(entry), why, gaps


def _with_added(entry: dict[str, Any], enf: dict[str, Any]) -> dict[str, Any]:
    """The scope version applied under an enforcement statement, with the destinations the statement
    keeps within it by name (`add_countries`, per level)."""
    added = enf.get("add_countries")
    if not added:
        return entry
    scopes = {
        level: {**scope, "countries": sorted({*scope.get("countries", ()), *added.get(level, ())})}
        for level, scope in entry["scopes"].items()
    }
    return {**entry, "scopes": scopes}


def _scope_of(entry: dict[str, Any], level: str) -> tuple[dict[str, Any], str, str] | None:
    scope = entry["scopes"].get(level)
    if scope is None:
        return None
    return (
        scope,
        scope.get("citation", entry.get("citation", "15 CFR 742.6(a)(6)")),
        scope.get("text", entry.get("text", "")),
    )


MACAU_D5 = {"countries": ["MO"], "groups": ["D:5"]}


def hq_entity(case: Case, scope: dict[str, Any] | None = None) -> Tri:
    """Whether any party is headquartered, or has an ultimate parent headquartered, in `scope`
    (Macau or D:5 by default); unknown when a headquarters not given could decide it."""
    scope = scope or MACAU_D5
    if not case.tx.parties:
        return None
    values: list[Tri] = []
    for p in case.tx.parties:
        hqs: list[Tri] = [
            destinations.in_scope(destinations.treated_as(c, case.on), scope, case.on) if c else None
            for c in (p.headquarters_country, p.ultimate_parent_headquarters_country)
        ]
        values.append(any_of(hqs))
    return any_of(values)


def _all_hq_in(case: Case, scope: dict[str, Any]) -> Tri:
    """Whether every party and its ultimate parent are headquartered in `scope` (None when one is not given)."""
    if not case.tx.parties:
        return None
    values: list[Tri] = [
        destinations.in_scope(destinations.treated_as(c, case.on), scope, case.on) if c else None
        for p in case.tx.parties
        for c in (p.headquarters_country, p.ultimate_parent_headquarters_country)
    ]
    return all_of(values)


def _either(value: Tri, yes: str, no: str, why: str) -> str:
    return yes if value else no if value is False else f"{yes} if {why}, else {no}"


def review_policy(case: Case, *, headquartered: Tri = None) -> str | None:
    """The license review policy of 742.6(b)(10) in the version in force, as its text says."""
    p = params.in_force(FILE, "review_policy", case.on)
    if p is None:
        return None
    style = p["style"]
    if p.get("enforced_style") and case.posture == "enforced" and params.in_force(FILE, "enforcement", case.on):
        style = p["enforced_style"]
    d5 = destinations.in_scope(case.destination, MACAU_D5, case.on)
    hq = hq_entity(case) if headquartered is None else headquartered
    zone = any_of([d5, hq])
    why = "the destination is Macau/D:5 or a party is headquartered there"
    denial, approval = "presumption of denial", "presumption of approval"
    if style == "china":
        policy = denial
    elif style == "d5_or_hq":
        policy = _either(zone, denial, approval, why)
    elif style == "d5_or_hq_case_by_case":
        dc = case.item.datacenter
        cbc: Tri = (
            (dc is False if dc is not None else None) if case.level == "a" else (dc if case.level == "b" else False)
        )
        within = _either(cbc, "case-by-case", denial, "the 742.6(b)(10)(iii)(B)(1)/(2) datacenter test is met")
        policy = within if zone else approval if zone is False else f"{within} if {why}, else {approval}"
    else:  # ai_diffusion
        if case.level == "a":
            supp5 = params.in_force("exceptions", "supp5_a", case.on)
            supp5_scope = {"countries": (supp5 or {}).get("countries", [])}
            # (iii)(A)(2): "to or within destinations listed in paragraph (a) ... or to entities headquartered
            # in, or whose ultimate parent company is headquartered in, a destination listed in paragraph (a)"
            tier1 = any_of(
                [destinations.in_scope(case.destination, supp5_scope, case.on), _all_hq_in(case, supp5_scope)]
            )
            allocation = f"{approval} up to the per-country allocation of 790,000,000 TPP (2025-2027), then denial"
            other = _either(
                tier1, approval, allocation, "the end user is headquartered in a Supplement No. 5 (a) destination"
            ) + (" (Supplement No. 5 to part 740 from secondary sources)" if supp5 and not tier1 else "")
        else:
            other = approval
        policy = _either(zone, denial, other, why)
    extra = p.get("case_by_case")
    if (
        extra
        and case.tx.from_country in extra["from_countries"]
        and case.destination in extra["to_countries"]
        and case.item.tpp is not None
        and case.item.tpp < extra["tpp_below"]
    ):
        bandwidth = _dram_bandwidth(case)
        if bandwidth is None:
            policy += f"; or, if its total DRAM bandwidth is below {extra['dram_bandwidth_below_gbs']:,} GB/s, {extra['text']}"
        elif bandwidth < extra["dram_bandwidth_below_gbs"]:
            policy += f"; or {extra['text']}"
    return f"{policy} ({p['citation']})"


def _dram_bandwidth(case: Case) -> float | None:
    """The item's total DRAM bandwidth in GB/s: as given, else the catalogue's memory bandwidth."""
    item = case.tx.item
    if item.memory_bandwidth_gbs is not None:
        return item.memory_bandwidth_gbs
    if item.catalog_id:
        try:
            return catalog.get(item.catalog_id).memory_bw_gbs
        except Exception:  # an unknown id is reported by classification
            return None
    return None


def review_policy_744_23(case: Case) -> str | None:
    """744.23(d) as the text in force says, for the headquarters requirement of 744.23(a)(3)."""
    p = params.in_force(FILE, "review_policy_744_23", case.on)
    if p is None:
        return None
    d5 = destinations.in_scope(case.destination, MACAU_D5, case.on)
    if p["style"] == "v1":
        policy = _either(d5, "presumption of denial", "case-by-case", "the destination is Macau or D:5")
        policy += (
            " (presumption of approval only for end users headquartered in the United States, A:5 or A:6 that are "
            "not majority-owned by an entity headquartered in Macau or D:5)"
        )
    else:
        dc = case.item.datacenter
        cbc: Tri = (dc is False if dc is not None else None) if case.level == "a" else True
        policy = _either(cbc, "case-by-case", "presumption of denial", "the item is not a datacenter 3A090.a item")
    return f"{policy} ({p['citation']})"


@rule(
    "742.6(a)(6) RS",
    "15 CFR 742.6(a)(6)",
    area="license requirements",
    reads=((FILE, "rs_advanced_computing"), (FILE, "enforcement")),
)
def rs_advanced_computing(case: Case, posture: str) -> Requirement:
    """RS license requirement for 3A090.a/.b, 4A090.a/.b and .z items to the destinations of the text
    in force: China (2022), China and Macau (2023), "Country Groups D:1, D:4, or D:5 that is not also
    specified in Country Groups A:5 or A:6" (from 2023-11-17), "any destination worldwide" for .a and
    the UAE plus D:1/D:4/D:5 for .b (AI Diffusion text, compliance from 2025-05-15). A .z ECCN given at a
    paragraph that holds both levels is decided under both."""
    level = case.level
    if level is None and z_both_levels(case.eccn):
        return _either_level(case, _rs_level(case, posture, "a"), _rs_level(case, posture, "b"))
    if level not in ("a", "b"):
        return _not_needed(
            "15 CFR 742.6(a)(6)", f"the item ({case.eccn}) is not a 3A090.a/.b, 4A090.a/.b or .z item", "RS", "rs"
        )
    return _rs_level(case, posture, level)


def _either_level(case: Case, at_a: Requirement, at_b: Requirement) -> Requirement:
    """A requirement for a .z item whose paragraph holds both a .a and a .b level: decided where both levels
    agree, else undetermined with the question of which paragraph describes the item."""
    a, b = at_a.step, at_b.step
    citation = a.citation if a.citation == b.citation else f"{a.citation}; {b.citation}"
    value: Tri = a.value if a.value == b.value else None
    text = (
        f"{case.eccn} holds paragraphs at the 3A090.a and the 3A090.b level: "
        f"if .a level, {show(a.value)} ({a.text}); if .b level, {show(b.value)} ({b.text})"
    )
    question = (
        a.question or b.question
        if a.value is None or b.value is None
        else f"Which paragraph of {case.eccn} describes the item: one meeting or exceeding the parameters of "
        "3A090.a, or of 3A090.b? (item.eccn)"
    )
    return Requirement(
        Step(value, citation, text, None if value is not None else question, a.gaps + b.gaps),
        at_a.reason,
        (at_a.review_policy or at_b.review_policy) if value else None,
        at_a.kind,
    )


def _rs_level(case: Case, posture: str, level: str) -> Requirement:
    entry, why, gaps = rs_version(case, "rs_advanced_computing", posture)
    if entry is None:
        return _not_needed(
            "15 CFR 742.6(a)(6)",
            f"no advanced-computing RS requirement was in force on {case.on}" + (f" ({why})" if why else ""),
            "RS",
            "rs",
        )
    found = _scope_of(entry, level)
    if found is None:
        return _not_needed(
            entry.get("citation", "15 CFR 742.6(a)(6)"),
            f"the text in force ({params.cite(entry)}) has no RS scope for .{level} items",
            "RS",
            "rs",
        )
    scope, citation, text = found
    hit = destinations.in_scope(case.destination, scope, case.on)
    where = {True: "within", False: "outside", None: "not known to be within or outside"}[hit]
    detail = (
        f"{case.eccn} to {case.destination}: destination {where} "
        f"{destinations.describe(scope)} ({params.cite(entry)})" + (f"; {why}" if why else "")
    )
    return Requirement(
        Step(
            hit,
            citation,
            detail + (f". {text}" if hit is not False and text else ""),
            None if hit is not None else destinations.membership_question(case.destination, case.on),
            gaps=gaps,
        ),
        "RS",
        review_policy(case) if hit else None,
    )


@rule("742.6(a)(6)(i)(B) HBM", "15 CFR 742.6(a)(6)(i)(B)", area="license requirements", reads=((FILE, "rs_hbm"),))
def rs_hbm(case: Case, posture: str) -> Requirement:
    """RS applies to 3A090.c: "To or within Macau or a destination specified in Country Group D:5"."""
    if case.level != "c":
        return _not_needed("15 CFR 742.6(a)(6)(i)(B)", f"the item ({case.eccn}) is not 3A090.c", "RS", "rs")
    entry, why, _ = rs_version(case, "rs_hbm", posture)
    if entry is None:
        return _not_needed(
            "15 CFR 742.6(a)(6)(i)(B)",
            f"no HBM requirement applied on {case.on}" + (f" ({why})" if why else ""),
            "RS",
            "rs",
        )
    scope, citation, text = _scope_of(entry, "c")  # type: ignore[misc]
    hit = destinations.in_scope(case.destination, scope, case.on)
    hq = hq_entity(case)
    policy = (
        _either(
            None if hq is None else not hq,
            "presumption of approval",
            "presumption of denial",
            "no party is headquartered in Macau or D:5",
        )
        + " (15 CFR 742.6(b)(10)(ii))"
    )
    return Requirement(
        Step(
            hit,
            citation,
            f"3A090.c to {case.destination}: destination "
            f"{'within' if hit else 'outside' if hit is False else 'not known to be within'} "
            f"{destinations.describe(scope)} ({params.cite(entry)})",
            None if hit is not None else destinations.membership_question(case.destination, case.on),
        ),
        "RS",
        policy if hit else None,
    )


def _sme_item(case: Case, entry: dict[str, Any]) -> tuple[Tri, str]:
    """Whether the item is one of the paragraphs the text names; unknown where the sources do not date a
    paragraph (`unknown_items`) or a bare ECCN names only some of its paragraphs."""
    eccn = case.eccn.upper()
    items = [i.upper() for i in entry["items"]]
    unknown = [i.upper() for i in entry.get("unknown_items", ())]
    hit = next((i for i in items if eccn.startswith(i)), None)
    if hit:
        return True, f"{case.eccn} is named ({hit})"
    undated = next((i for i in unknown if eccn.startswith(i)), None)
    if undated:
        return None, f"whether {undated} is named on {case.on} is not in the sources (undated)"
    below = [i for i in items + unknown if i.startswith(eccn + ".")]
    if below:
        return None, f"{case.eccn}: whether it is one of the paragraphs named ({', '.join(below)}) is unknown"
    return False, f"{case.eccn} is not among {', '.join(entry['items'])}"


@rule("742.6(a)(6)(i) SME", "15 CFR 742.6(a)(6)(i)", area="license requirements", reads=((FILE, "rs_sme"),))
def rs_sme(case: Case) -> Requirement | None:
    """RS requirement for semiconductor manufacturing items: "A license is required for exports, reexports, and
    transfers (in-country) to or within either Macau or a destination specified in Country Group D:5 ... of items
    specified in 3B001.a.4, c, d, f.1, f.5, k to n, p.2, p.4, r, 3B002.c, 3D992, or 3E992" (742.6(a)(6)(i)(A),
    December 2024 text; earlier texts name other paragraphs), except items subject to the EAR only under
    734.4(a)(8) or 734.9(k) reexported by certain entities ((a)(6)(i)(A)(2), not evaluable from the sources).
    None (no step) for an item of an ECCN no version names."""
    families = {i.upper()[:5] for v in params.versions(FILE, "rs_sme") for i in v["items"]}
    if case.eccn.upper()[:5] not in families:
        return None
    entry = case.in_force(FILE, "rs_sme")
    if entry is None:
        return _not_needed(
            "15 CFR 742.6(a)(6)",
            f"no RS requirement for semiconductor manufacturing items was in force on {case.on} (from 2022-10-07)",
            "RS",
            "rs",
        )
    citation = entry["citation"]
    item_v, item_t = _sme_item(case, entry)
    if item_v is False:
        return _not_needed(citation, f"semiconductor manufacturing items: {item_t}", "RS", "rs")
    hit = destinations.in_scope(case.destination, entry["scope"], case.on)
    where = destinations.describe(entry["scope"])
    if hit is False:
        return _not_needed(citation, f"{case.eccn} to {case.destination}: outside {where}", "RS", "rs")
    excl = entry.get("exclusions")
    # the exclusions reach only foreign-made items reexported or exported from abroad
    us_item = case.tx.from_country == "US" or case.tx.item.origin_country == "US"
    excluded: Tri = False if excl is None or us_item else None
    excl_cite = excl["citation"] if excl else ""
    value = all_of([item_v, hit, None if excluded is None else True])
    question = None
    if value is None:
        question = (
            (
                f"Did 15 CFR 742.6(a)(6)(i)(A) name {case.eccn} on {case.on}? The eCFR of "
                f"{params.versions(FILE, 'rs_sme')[-1]['from']} names it; the rule that added it is not in the "
                "sources (check the regulation)."
                if item_t.endswith("(undated)")
                else f"Which paragraph of {case.eccn} describes the item? (item.eccn)"
            )
            if item_v is None
            else destinations.membership_question(case.destination, case.on)
            if hit is None
            else f"Is the item subject to the EAR only under 15 CFR 734.4(a)(8) or 734.9(k) and reexported or "
            "exported from abroad by an entity located in a country of Supplement No. 4 to part 742 (or one that "
            "has implemented equivalent controls) and not headquartered in Macau or Country Group D:5? Then "
            f"{excl_cite} excludes it (that supplement is not in the sources). (exporter.country)"
        )
    return Requirement(
        Step(
            value,
            citation,
            f"{item_t}; {case.destination} {'within' if hit else 'not known to be within'} {where}"
            + (f"; exclusion for foreign-made items not evaluated ({excl_cite})" if excluded is None else "")
            + f". {entry['text']} ({params.cite(entry)})",
            question,
            gaps=tuple(entry.get("gaps", ())),
        ),
        "RS",
        entry["policy"] if value else None,
    )


@rule(
    "RS model weights",
    "15 CFR 742.6(a)(13)",
    area="license requirements",
    reads=((FILE, "rs_model_weights"), (FILE, "enforcement")),
)
def rs_model_weights(case: Case, posture: str) -> Requirement:
    """742.6(a)(13): "A license is required for the export, reexport, and transfer (in-country) of
    items specified in ECCN 4E091 to all destinations worldwide." Part of the AI Diffusion rule,
    which BIS announced on 2025-05-13 it does not enforce: not applied under posture `enforced`."""
    citation = "15 CFR 742.6(a)(13)"
    if not case.eccn.upper().startswith("4E091"):
        return _not_needed(citation, f"the item ({case.eccn}) is not 4E091 (AI model weights)", "RS", "rs")
    entry = params.in_force(FILE, "rs_model_weights", case.on)
    if entry is None or (entry.get("compliance") and case.on < entry["compliance"]):
        when = "" if entry is None else f" (compliance required from {entry['compliance']})"
        return _not_needed(citation, f"no model-weights requirement applied on {case.on}{when}", "RS", "rs")
    enf = params.in_force(FILE, "enforcement", case.on)
    if enf is not None and posture == "enforced":
        case.use(enf)
        return _not_needed(citation, f"the CFR text requires a license worldwide; {enf['text']}", "RS", "rs")
    case.use(entry)
    why = f"; BIS announced it does not enforce it ({params.cite(enf)})" if enf is not None else ""
    return Requirement(
        Step(
            True,
            citation,
            f"4E091 to {case.destination}: {entry['text']} ({params.cite(entry)}){why}",
            gaps=tuple(entry.get("gaps", ())),
        ),
        "RS",
        entry["review_policy"],
    )


@rule("HQ rule", "15 CFR 744.23(a)(3); 742.6(a)(6)(iii)(A)", area="license requirements", reads=((FILE, "hq_rule"),))
def headquarters(case: Case, posture: str) -> Requirement:
    """744.23(a)(3)(i): advanced computing items "destined to any destination other than those specified in
    Country Groups D:1, D:4, or D:5 (excluding any destination also specified in Country Groups A:5 or A:6)
    for an entity that is headquartered in, or whose ultimate parent company is headquartered in, either
    Macau or a destination specified in Country Group D:5"; from 2025-01-13 it names .b items only, and
    3A090.a falls under 742.6(a)(6)(iii)(A) for such entities "located outside of destinations that were
    subject to a license requirement prior to the AI Diffusion Rule" (BIS guidance of 2026-05-31)."""
    level = case.level
    if level is None and z_both_levels(case.eccn):
        return _either_level(case, _hq_level(case, posture, "a"), _hq_level(case, posture, "b"))
    return _hq_level(case, posture, level)


def _hq_level(case: Case, posture: str, level: str | None) -> Requirement:
    entry = case.in_force(FILE, "hq_rule")
    if entry is None or level not in entry["levels"]:
        return _not_needed(
            "15 CFR 744.23(a)(3)",
            "the headquarters rule was not in force on this date"
            if entry is None
            else f"the item ({case.eccn}) is not an advanced computing item the headquarters rule reaches",
            "RS",
            "hq",
        )
    spec = entry["levels"][level]
    citation = spec["citation"]
    if case.destination == "US":
        return _not_needed(citation, "the headquarters rule reaches destinations outside the United States", "RS", "hq")
    outside: Tri = True
    if "outside" in spec:
        inside = destinations.in_scope(case.destination, spec["outside"], case.on)
        if inside:
            return _not_needed(
                citation,
                f"{case.destination} is within {destinations.describe(spec['outside'])}: the destination "
                "requirement of 742.6(a)(6) governs there, not the headquarters rule",
                "RS",
                "hq",
            )
        outside = None if inside is None else True
    party = hq_entity(case, entry["hq"])
    value = all_of([party, outside])
    named = [
        f"{p.role} '{p.name}' ({', '.join(c for c in (p.headquarters_country, p.ultimate_parent_headquarters_country) if c and destinations.in_scope(destinations.treated_as(c, case.on), entry['hq'], case.on))})"
        for p in case.tx.parties
        if any(
            c and destinations.in_scope(destinations.treated_as(c, case.on), entry["hq"], case.on)
            for c in (p.headquarters_country, p.ultimate_parent_headquarters_country)
        )
    ]
    text = (
        f"parties headquartered or with an ultimate parent headquartered in Macau or D:5: {', '.join(named)}"
        if party
        else "no party is headquartered, or has an ultimate parent headquartered, in Macau or D:5"
        if party is False
        else "where the parties (or their ultimate parents) are headquartered is not known"
    )
    question = None
    if value is None:
        question = (
            destinations.membership_question(case.destination, case.on)
            if outside is None
            else (
                "Where are the end user, consignees and purchaser headquartered, and where is each one's ultimate "
                "parent headquartered? (parties[].headquarters_country, parties[].ultimate_parent_headquarters_country)"
            )
        )
    policy = None
    if value:
        policy = (
            review_policy(case, headquartered=True) if spec["policy"] == "742.6(b)(10)" else review_policy_744_23(case)
        )
    return Requirement(
        Step(value, citation, f"{text}. {entry['text']}", question, tuple(entry.get("gaps", ()))),
        "RS",
        policy,
        "hq",
    )


@rule("744.11 Entity List", "15 CFR 744.11", area="license requirements", reads=(("entity_list", "listing"),))
def entity_list(case: Case) -> list[Requirement]:
    """A license is required, to the extent stated in the entry's License Requirement column, when a
    party on the Entity List is a party to the transaction."""
    groups: dict[tuple[str | None, str | None], list[Any]] = {}
    for h in case.hits:
        if h.list == "Entity List":
            groups.setdefault((h.license_requirement, h.license_policy), []).append(h)
    out = []
    for (requirement, policy), hits in groups.items():
        entries = sorted({f"'{h.matched_name}' ({h.federal_register or 'FR citation not given'})" for h in hits})
        parties = sorted({f"{h.party} '{h.name}'" for h in hits})
        text = (
            f"{', '.join(parties)} match{'es' if len(parties) == 1 else ''} Entity List "
            f"entr{'y' if len(entries) == 1 else 'ies'} {'; '.join(entries)}: {requirement}"
        )
        out.append(Requirement(Step(True, "15 CFR 744.11; 15 CFR 744 Supp. 4", text), "EL", policy, "entity_list"))
    return out


@rule(
    "other lists", "15 CFR 744.8, 744.15, 744.21", area="license requirements", reads=(("entity_list", "list_effects"),)
)
def other_lists(case: Case) -> list[Requirement]:
    """Military End User List (744.21: license for the items in Supp. 2 to part 744) and SDN (744.8: license
    for designations under listed programmes): undetermined where the bundled sources cannot say."""
    entry = case.in_force("entity_list", "list_effects")
    if entry is None:
        return []
    out = []
    for h in case.hits:
        effect = entry["effects"].get(h.list)
        if effect and effect.get("requirement") == "unknown":
            out.append(
                Requirement(
                    Step(
                        None,
                        effect["citation"],
                        f"{h.party} '{h.name}' is on the {h.list} "
                        f"('{h.matched_name}'). {effect['text']} (secondary source)",
                        effect["question"],
                    ),
                    h.list,
                    None,
                    "list",
                )
            )
    return out


def _end_use_control(case: Case, key: str, use: str) -> Requirement | None:
    entry = case.in_force(FILE, key)
    if entry is None:
        return None
    items = entry["items"]
    if items != "all" and not any(case.eccn.upper().startswith(i) for i in items):
        return _not_needed(entry["citation"], f"{use} end-use control does not reach {case.eccn}", "end use", "end_use")
    excluded = entry.get("excluded_footnote")
    # the exclusion removes a requirement, so it needs a footnote known to be in force (one applied only
    # because its date is uncertain keeps both requirements)
    if excluded and any(
        h.list == "Entity List"
        and excluded["footnote"] in h.footnotes
        and h.party in ("end_user", "ultimate_consignee")
        and listing_dates.footnote(excluded["footnote"], h.federal_register, case.on).state is True
        for h in case.hits
    ):
        return _not_needed(
            entry["citation"],
            f"{use.replace('_', ' ')} end-use control: excluded by {excluded['citation']}, the item being destined to "
            f"an entity designated with footnote {excluded['footnote']} on the Entity List. {excluded['text']} "
            f"({params.cite(entry)})",
            "end use",
            "end_use",
        )
    inside = destinations.in_scope(case.destination, entry["destinations"], case.on)
    uses = case.tx.end_uses
    if inside is False and uses and use in uses:
        # the control turns on where the end use is ("a 'supercomputer' located in or destined to", "a
        # 'facility' located in"), not on the destination of this export
        where = destinations.describe(entry["destinations"])
        there = [
            p
            for p in case.tx.parties
            if p.role in ("end_user", "ultimate_consignee")
            and p.country
            and destinations.in_scope(destinations.treated_as(p.country, case.on), entry["destinations"], case.on)
        ]
        return Requirement(
            Step(
                True if there else None,
                entry["citation"],
                f"{use.replace('_', ' ')} end use declared; the export goes to {case.destination}, outside {where}, "
                + (
                    f"but {', '.join(f'{p.role} {p.name!r} is in {p.country}' for p in there)}"
                    if there
                    else f"and whether the end use is located in or destined to {where} is not known"
                )
                + f". {entry['text']} ({params.cite(entry)})",
                None
                if there
                else f"Is the {use.replace('_', ' ')} end use located in or destined to {where}? (end_uses)",
            ),
            "end use",
            (review_policy_744_23(case) if entry["citation"].startswith("15 CFR 744.23") else None)
            or "review policy not in the bundled sources"
            if there
            else None,
            "end_use",
        )
    if inside is False:
        return _not_needed(
            entry["citation"],
            f"{use} end-use control: {case.destination} is outside {destinations.describe(entry['destinations'])}",
            "end use",
            "end_use",
        )
    value: Tri = None if uses is None else use in uses
    if value and inside is None:
        return Requirement(
            Step(
                None,
                entry["citation"],
                f"{use.replace('_', ' ')} end use declared; whether {case.destination} is within "
                f"{destinations.describe(entry['destinations'])} on this date is not known",
                destinations.membership_question(case.destination, case.on),
            ),
            "end use",
            None,
            "end_use",
        )
    return Requirement(
        Step(
            value,
            entry["citation"],
            f"{use.replace('_', ' ')} end use: "
            + {True: "declared", False: "not declared", None: "end uses not given"}[value]
            + f". {entry['text']} ({params.cite(entry)})",
            None if value is not None else f"Will the item be used for {use.replace('_', ' ')}? (end_uses)",
        ),
        "end use",
        (
            (review_policy_744_23(case) if entry["citation"].startswith("15 CFR 744.23") else None)
            or "review policy not in the bundled sources"
        )
        if value
        else None,
        "end_use",
    )


@rule(
    "744 end uses",
    "15 CFR 744.2-744.4, 744.22, 744.23",
    area="license requirements",
    reads=(
        (FILE, "end_use_supercomputer"),
        (FILE, "end_use_advanced_node_ic_production"),
        (FILE, "end_use_wmd"),
        (FILE, "end_use_military_intelligence"),
    ),
)
def end_uses(case: Case) -> list[Requirement]:
    """End-use controls: 'supercomputer' and advanced-node IC production in China/Macau/D:5 (744.23),
    military-intelligence (744.22) and WMD (744.2-744.4) end uses, as the sources describe them."""
    out = []
    for use in ("supercomputer", "advanced_node_ic_production", "military_intelligence"):
        r = _end_use_control(case, f"end_use_{use}", use)
        if r is not None:
            out.append(r)
    wmd = params.in_force(FILE, "end_use_wmd", case.on)
    if wmd is not None:
        if case.tx.end_uses is None:
            case.warn(
                "end uses not given: weapons-of-mass-destruction (15 CFR 744.2-744.4) and military "
                "(15 CFR 744.21) end-use controls turn on knowledge of the end use and were not evaluated"
            )
        else:
            r = _end_use_control(case, "end_use_wmd", "wmd")
            if r is not None:
                out.append(r)
    return out


@rule("746 embargoes", "15 CFR 746", area="license requirements", reads=((FILE, "embargo"),))
def embargo(case: Case) -> Requirement:
    """Destinations in Country Groups E:1/E:2 have no Country Chart entries: "See part 746 of the EAR to
    determine whether a license is required"."""
    entry = case.in_force(FILE, "embargo")
    if entry is None:
        return _not_needed("15 CFR 746", "no embargo data", "embargo", "embargo")
    hit = bool(destinations.groups_of(case.destination, case.on) & set(entry["groups"]))
    return Requirement(
        Step(
            hit,
            entry["citation"],
            f"{case.destination} "
            + (
                "is an embargoed destination (E:1/E:2). " + entry["text"]
                if hit
                else "is not in Country Group E:1 or E:2"
            ),
        ),
        "embargo",
        "policy of denial (part 746; not in the bundled sources)" if hit else None,
        "embargo",
    )


@rule(
    "746.8 Russia/Belarus",
    "15 CFR 746.8",
    area="license requirements",
    reads=((FILE, "sanctions_russia_belarus"),),
)
def russia_belarus(case: Case) -> Requirement | None:
    """Sanctions against Russia and Belarus: "additional license requirements for items listed in any ECCN on
    the CCL" (Country Chart footnote 6; 746.8(a)(1)), Categories 3-9 from 2022-02-24, every category from
    2022-04-08; a part 746 requirement, which no License Exception of part 740 here overcomes."""
    entry = case.in_force(FILE, "sanctions_russia_belarus")
    if entry is None:
        return None
    where: Tri = (
        True
        if case.destination in entry["countries"]
        else None
        if case.destination in entry.get("unknown_countries", ())
        else False
    )
    if where is False:
        return None
    eccn = case.eccn.upper()
    question = None
    if eccn == "EAR99":
        value: Tri = None
        what = (
            "an EAR99 item is reached only where the supplements to part 746 list it (by HTS code), and they are "
            "not in the bundled sources"
        )
        question = "Is the EAR99 item listed in a supplement to part 746 (Russia and Belarus sanctions)? (item.eccn)"
    elif eccn[:1].isdigit():
        value = eccn[0] in entry["categories"]
        what = f"{case.eccn} is in CCL Category {eccn[0]}" + ("" if value else ", not reached on this date")
    else:
        value, what = None, f"the ECCN is not known ({case.eccn})"
    if where is None and value:
        value = None
        question = f"From which day in February or March 2022 did 746.8 reach {case.destination}? (as_of)"
    return Requirement(
        Step(value, entry["citation"], f"{case.destination}: {what}. {entry['text']} ({params.cite(entry)})", question),
        "746.8",
        "policy of denial, with certain limited exceptions (87 FR 12226)" if value else None,
        "embargo",
    )


_ENCODED_ELSEWHERE = re.compile(r"742\.6\(a\)\((6|13)\)|746\.[18]\b")
_COLUMN = re.compile(r"\b([A-Z]{2}) Column (\d)")
# ECCNs whose controls by date are encoded in params (742.6(a)(6) scopes), as are the .z paragraphs'.
_DATED_ELSEWHERE = ("3A090", "4A090")


def _history_encoded(eccn: str) -> bool:
    base, path = paragraphs.split(eccn)
    return base in _DATED_ELSEWHERE or path[:1] == ("z",)


@rule("738 Country Chart", "15 CFR 738.4; 15 CFR 738 Supp. 1", area="license requirements")
def country_chart(case: Case) -> list[Requirement]:
    """For each reason for control of the ECCN that names a Country Chart column, an X in that column
    for the destination means a license is required (738.4(a)(2)); a control the entry states as
    worldwide, or to Macau and Country Group D:5 under 742.4, requires one there in place of a column.
    Which paragraphs a control covers is read from its lists and ranges (`paragraphs`).

    The reasons for control and columns are those of the bundled eCFR. Before its date, for an entry whose
    history is not encoded elsewhere (3A090, 4A090 and .z are), a "no" for a control other than AT is not
    certain (an earlier text may have named the paragraph or another column): the chart step is undetermined
    unless a column of the entry has an X for the destination anyway. A worldwide or Macau/D:5 control of
    that text (742.4, not in the sources) is not applied to an earlier date as certain either."""
    base = case.eccn.upper()[:5]
    entry = destinations.ccl().get(base)
    if entry is None or not entry.get("countryChart"):
        return []
    snapshot = destinations.ccl_date()
    undated = case.on < snapshot and not _history_encoded(case.eccn)
    gaps = (
        (
            f"The Country Chart reasons for control of {base} applied are those of the eCFR of {snapshot}; "
            f"the entry as in force on {case.on} is not in the sources.",
        )
        if undated
        else ()
    )
    history_q = (
        f"The Country Chart reasons for control are those of the eCFR of {snapshot}; check the entry as in force "
        f"on {case.on}: does a reason for control of {case.eccn} require a license to {case.destination}? (item.eccn)"
    )
    row, marks, pointer = destinations.chart_marks(case.destination)
    out: list[Requirement] = []
    doubtful: list[str] = []  # controls other than AT whose "no" an earlier text might not share
    for ctl in entry["countryChart"]:
        control, where = ctl["control"], ctl["countryChart"]
        reason = control[:2]
        applies, why = paragraphs.match(control, case.eccn)
        m = _COLUMN.search(where)
        scope = None if m else destinations.chart_scope(where)
        if m is None and scope is None:
            if _ENCODED_ELSEWHERE.search(where) or applies is False:
                continue  # 742.6(a)(6)/(a)(13), part 746 (UN, Russia/Belarus): their own steps
            if "China, Russia, or Venezuela" in where and case.destination not in ("CN", "RU", "VE"):
                continue  # 742.6(a)(7) names these three destinations only
            # a control stated in words longarm does not read (EI 742.15, 742.6(a)(7), (a)(11), 742.13,
            # per-country text, ...): never a silent "no license"
            out.append(
                Requirement(
                    Step(
                        None,
                        f"15 CFR 738 Supp. 1; 15 CFR 774 Supp. 1, ECCN {base}",
                        f"{control}: {why}; {where.rstrip('.')} (this control's license requirement is not evaluated)",
                        f"Does '{control}' ('{where.rstrip('.')}') require a license for this item to "
                        f"{case.destination}? (item.eccn)",
                        gaps=gaps,
                    ),
                    reason,
                    None,
                    "chart",
                )
            )
            continue
        if applies is False:
            if reason != "AT":
                doubtful.append(f"{control}: {why}")
            continue
        question = None
        if m is not None:
            column = f"{m.group(1)} {m.group(2)}"
            citation = f"15 CFR 738 Supp. 1 ({column})"
            if row is None:
                value: Tri = None
                text = f"{control} ({column}): no Country Chart row for {case.destination}"
                question = f"Which Country Chart row is {case.destination}'s? (to_country)"
            elif pointer:
                continue  # embargoed rows: part 746, handled by `embargo`
            else:
                marked = column in (marks or [])
                value = marked if applies else (None if marked else False)
                covered = "" if why == "entire entry" else f"{why}; "
                text = f"{control} ({column}): {covered}{row} {'has an X' if marked else 'has no X'}"
                if not marked and reason != "AT":
                    doubtful.append(f"{control} ({column}): {row} has no X")
        else:
            dests, cite = scope  # type: ignore[misc]
            citation = f"15 CFR {cite}; 15 CFR 774 Supp. 1, ECCN {base}"
            hit = destinations.in_scope(case.destination, dests, case.on)
            value = all_of([applies, hit])
            inside = "within" if hit else "outside" if hit is False else "not known to be within"
            text = f"{control}: {why}; {where.rstrip('.')} ({case.destination} {inside} {destinations.describe(dests)})"
            if hit is None:
                question = destinations.membership_question(case.destination, case.on)
            elif hit is False:
                doubtful.append(f"{control}: {case.destination} {inside} {destinations.describe(dests)}")
            elif value and undated:
                value, question = None, history_q
                text += f"; whether {cite} required it on {case.on} is not in the sources"
        if value is None and question is None:
            question = (
                f"Which paragraph of {base} describes the item? (item.eccn)"
                if "broader" in why
                else f"Does '{control}' describe the item? (item.eccn)"
            )
        out.append(Requirement(Step(value, citation, text, question, gaps=gaps), reason, None, "chart"))
    if undated and doubtful and not pointer and not any(r.step.value for r in out):  # embargoes: part 746
        out.append(
            Requirement(
                Step(
                    None,
                    f"15 CFR 738 Supp. 1; 15 CFR 774 Supp. 1, ECCN {base} (eCFR {snapshot})",
                    f"no license under these reasons for control of the eCFR of {snapshot}: "
                    + "; ".join(doubtful)
                    + f"; but that text is applied to {case.on}, and an earlier text of {base} may have named "
                    "the paragraph or another column",
                    history_q,
                    gaps=gaps,
                ),
                "/".join(sorted({d[:2] for d in doubtful})),
                None,
                "chart",
            )
        )
    return out


def unencoded_end_uses(case: Case) -> list[Step]:
    """Declared end uses whose rules are not in the bundled sources: undetermined, never ignored."""
    table = params.load(FILE)["unencoded_end_uses"]
    return [
        Step(
            None,
            "15 CFR 744",
            table[u],
            f"Is a license required under the rule for '{u}' end uses? (not encoded: check the regulation)",
        )
        for u in (case.tx.end_uses or [])
        if u in table
    ]
