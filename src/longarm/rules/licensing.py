"""License requirements: 742.6(a)(6) RS scopes, the headquarters rule, the Entity List (744.11),
end-use controls (744), embargoes (746) and the Commerce Country Chart (738).

Each function returns a `Requirement`: the step (met / not met / unknown) and, when met,
the reason for control and the review policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from longarm import destinations, params
from longarm.rules.logic import Tri, any_of
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
    if enf is not None and enf["replaces"] == entry["id"]:
        gaps = tuple(enf.get("gaps", ()))
        if posture == "enforced":
            why = enf["text"]
            case.use(enf)
            entry = next(v for v in params.versions(FILE, key) if v["id"] == enf["with"])
        else:
            why = f"the CFR text is applied; BIS announced it does not enforce it ({params.cite(enf)})"
    if entry is not None:
        gaps = tuple(entry.get("gaps", ())) + gaps
    return case.use(entry), why, gaps


def _scope_of(entry: dict[str, Any], level: str) -> tuple[dict[str, Any], str, str] | None:
    scope = entry["scopes"].get(level)
    if scope is None:
        return None
    return (
        scope,
        scope.get("citation", entry.get("citation", "15 CFR 742.6(a)(6)")),
        scope.get("text", entry.get("text", "")),
    )


def review_policy(case: Case, *, headquartered: bool = False) -> str | None:
    """15 CFR 742.6(b)(10) as described in the sources; the 2026 case-by-case policy where it fits."""
    p = params.in_force(FILE, "review_policy", case.on)
    if p is None:
        return None
    if headquartered or destinations.in_scope(case.destination, p["denial"], case.on):
        policy = p["denial"]["text"]
    else:
        policy = p["other"]
    cbc = p.get("case_by_case")
    if (
        cbc
        and case.tx.from_country in cbc["from_countries"]
        and case.destination in cbc["to_countries"]
        and case.item.tpp is not None
        and case.item.tpp < cbc["tpp_below"]
    ):
        policy += f"; or {cbc['text']}"
    return policy + " (secondary source)"


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
    the UAE plus D:1/D:4/D:5 for .b (AI Diffusion text, compliance from 2025-05-15)."""
    level = case.level
    if level not in ("a", "b"):
        return _not_needed(
            "15 CFR 742.6(a)(6)", f"the item ({case.eccn}) is not a 3A090.a/.b, 4A090.a/.b or .z item", "RS", "rs"
        )
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
    detail = (
        f"{case.eccn} to {case.destination}: destination {'within' if hit else 'outside'} "
        f"{destinations.describe(scope)} ({params.cite(entry)})" + (f"; {why}" if why else "")
    )
    return Requirement(
        Step(hit, citation, detail + (f". {text}" if hit and text else ""), gaps=gaps),
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
    return Requirement(
        Step(
            hit,
            citation,
            f"3A090.c to {case.destination}: destination "
            f"{'within' if hit else 'outside'} {destinations.describe(scope)} ({params.cite(entry)})",
        ),
        "RS",
        "presumption of denial (secondary source)" if hit else None,
    )


@rule("HQ rule", "15 CFR 744.23(a)(3); 742.6(a)(6)(iii)(A)", area="license requirements", reads=((FILE, "hq_rule"),))
def headquarters(case: Case, posture: str) -> Requirement:
    """ "a license is required to export advanced computing items to entities headquartered in Country
    Group D:5 ... or Macau or with an ultimate parent company headquartered in Country Group D:5 or
    Macau – even if the entities themselves are located outside Country Group D:5 or Macau"."""
    entry = case.in_force(FILE, "hq_rule")
    level = case.level
    if entry is None or level not in entry["levels"]:
        return _not_needed(
            "15 CFR 744.23(a)(3)",
            "the headquarters rule was not in force on this date"
            if entry is None
            else f"the item ({case.eccn}) is not an advanced computing .a/.b item",
            "RS",
            "hq",
        )
    citation = entry["levels"][level]
    if case.destination == "US":
        return _not_needed(citation, "the headquarters rule reaches destinations outside the United States", "RS", "hq")
    values: list[Tri] = []
    named = []
    for p in case.tx.parties:
        hqs = [
            (c, destinations.in_scope(destinations.treated_as(c, case.on), entry["hq"], case.on))
            for c in (p.headquarters_country, p.ultimate_parent_headquarters_country)
            if c
        ]
        if any(v for _, v in hqs):
            values.append(True)
            named.append(f"{p.role} '{p.name}' ({', '.join(c for c, v in hqs if v)})")
        else:
            values.append(False if len(hqs) == 2 else None)
    value = any_of(values)
    if not case.tx.parties:
        value = None
    text = (
        f"parties headquartered or with an ultimate parent headquartered in Macau or D:5: {', '.join(named)}"
        if value
        else "no party is headquartered, or has an ultimate parent headquartered, in Macau or D:5"
        if value is False
        else "where the parties (or their ultimate parents) are headquartered is not known"
    )
    question = (
        None
        if value is not None
        else (
            "Where are the end user, consignees and purchaser headquartered, and where is each one's ultimate "
            "parent headquartered? (parties[].headquarters_country, parties[].ultimate_parent_headquarters_country)"
        )
    )
    return Requirement(
        Step(value, citation, f"{text}. {entry['text']}", question, tuple(entry.get("gaps", ()))),
        "RS",
        review_policy(case, headquartered=True) if value else None,
        "hq",
    )


@rule("744.11 Entity List", "15 CFR 744.11", area="license requirements", reads=(("entity_list", "listing"),))
def entity_list(case: Case) -> list[Requirement]:
    """A license is required, to the extent stated in the entry's License Requirement column, when a
    party on the Entity List is a party to the transaction."""
    out = []
    for h in case.hits:
        if h.list != "Entity List":
            continue
        text = (
            f"{h.party} '{h.name}' matches Entity List entry '{h.matched_name}' "
            f"({h.federal_register or 'FR citation not given'}): {h.license_requirement}"
        )
        out.append(
            Requirement(Step(True, "15 CFR 744.11; 15 CFR 744 Supp. 4", text), "EL", h.license_policy, "entity_list")
        )
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
    if not destinations.in_scope(case.destination, entry["destinations"], case.on):
        return _not_needed(
            entry["citation"],
            f"{use} end-use control: {case.destination} is outside {destinations.describe(entry['destinations'])}",
            "end use",
            "end_use",
        )
    uses = case.tx.end_uses
    value: Tri = None if uses is None else use in uses
    return Requirement(
        Step(
            value,
            entry["citation"],
            f"{use.replace('_', ' ')} end use: "
            + {True: "declared", False: "not declared", None: "end uses not given"}[value]
            + f". {entry['text']} (secondary source)",
            None if value is not None else f"Will the item be used for {use.replace('_', ' ')}? (end_uses)",
        ),
        "end use",
        "case-by-case (policy not in the bundled sources)" if value else None,
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


_COLUMN = re.compile(r"\b([A-Z]{2}) Column (\d)")


@rule("738 Country Chart", "15 CFR 738.4; 15 CFR 738 Supp. 1", area="license requirements")
def country_chart(case: Case) -> list[Requirement]:
    """For each reason for control of the ECCN that names a Country Chart column, an X in that column
    for the destination means a license is required (738.4(a)(2))."""
    base = case.eccn.upper()[:5]
    entry = destinations.ccl().get(base)
    if entry is None or not entry.get("countryChart"):
        return []
    row, marks, pointer = destinations.chart_marks(case.destination)
    out = []
    for ctl in entry["countryChart"]:
        m = _COLUMN.search(ctl["countryChart"])
        if not m:
            continue
        column = f"{m.group(1)} {m.group(2)}"
        control = ctl["control"]
        applies: Tri = (
            True
            if "entire entry" in control
            else (True if case.eccn.upper() in control.upper() else None if case.eccn.upper() == base else False)
        )
        if applies is False:
            continue
        if row is None:
            value: Tri = None
            text = f"{control} ({column}): no Country Chart row for {case.destination}"
        elif pointer:
            continue  # embargoed rows: part 746, handled by `embargo`
        else:
            value = column in (marks or [])
            if applies is None and value:
                value = None
            text = f"{control} ({column}): {row} {'has an X' if column in (marks or []) else 'has no X'}"
        out.append(
            Requirement(
                Step(
                    value,
                    f"15 CFR 738 Supp. 1 ({column})",
                    text,
                    None if value is not None else f"Which paragraph of {base} describes the item? (item.eccn)",
                ),
                m.group(1),
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
