"""License Exceptions (15 CFR 740): which are available, on what conditions, and which are foreclosed.

Each exception is read from its verbatim text by date (exceptions.yaml): NAC/ACA (740.8), AIA
(740.27), ACM (740.28), LPP (740.29(a)), with the restrictions of 740.2(a)(9)(ii) and 744.16.
An exception is offered when nothing known rules it out; each of its conditions is `met`,
`not_met` or `to_confirm` (a fact the answer does not have, or a step the exporter must take).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from longarm import destinations, params
from longarm.model import Condition, LicenseException
from longarm.rules.classification import z_both_levels
from longarm.rules.licensing import Requirement, hq_entity
from longarm.rules.logic import Tri, all_of, any_of
from longarm.rules.registry import rule
from longarm.trace import Case, Step

FILE = "exceptions"
MACAU_D5 = {"countries": ["MO"], "groups": ["D:5"]}
# the kinds of requirement imposed under part 744 or 746 (740.8(b))
PART_744_746 = ("entity_list", "end_use", "embargo", "list", "letter")


@rule(
    "744.16 no exceptions",
    "15 CFR 744.16; 744.15",
    area="license exceptions",
    reads=((FILE, "entity_list_bar"), ("entity_list", "list_effects")),
)
def entity_list_bar(case: Case) -> Step | None:
    """ "Per § 744.16(b) no License Exception is available" for a transaction with an Entity List party;
    nor with an Unverified List party (744.15)."""
    entry = case.in_force(FILE, "entity_list_bar")
    if entry is not None and any(h.list == "Entity List" for h in case.hits):
        return Step(True, entry["citation"], entry["text"])
    effects = case.in_force("entity_list", "list_effects")
    for h in case.hits:
        effect = (effects or {}).get("effects", {}).get(h.list, {})
        if effect.get("forecloses_exceptions"):
            return Step(True, effect["citation"], f"{h.party} '{h.name}' is on the {h.list}: {effect['text']}")
    return None


@dataclass
class _Draft:
    """An exception under evaluation: its conditions so far, or why it is not available."""

    name: str
    citation: str
    text: str
    conditions: list[Condition]
    questions: list[str]
    refused: str | None = None

    def condition(self, text: str, status: Tri, question: str | None = None) -> None:
        word = {True: "met", False: "not_met", None: "to_confirm"}[status]
        self.conditions.append(Condition(text=text, status=word))  # type: ignore[arg-type]
        if status is False and self.refused is None:
            self.refused = f"condition not met: {text}"
        if status is None and question:
            self.questions.append(question)


def _datacenter(case: Case) -> Tri:
    """Whether the item is designed or marketed for use in datacenters: the classified item's fact (for a
    computer its own, as given; derived from its ICs only where absent), else the input's."""
    if case.item.datacenter is not None:
        return case.item.datacenter
    return case.tx.item.datacenter


def _designer_approved(case: Case) -> Tri:
    designer = case.tx.item.designer
    return None if designer is None else designer.approved_or_authorized


DATACENTER_Q = "Is the item designed or marketed for use in datacenters? (item.datacenter)"
HQ_Q = (
    "Where are the parties and their ultimate parents headquartered? "
    "(parties[].headquarters_country, parties[].ultimate_parent_headquarters_country)"
)


def _overcomes(case: Case, r: Requirement, overcomes: list[str], restriction: dict[str, Any] | None) -> Tri:
    """Whether the exception can overcome requirement `r`: its kind is one the exception overcomes; for
    NAC/ACA (`restriction`, 740.8(b)) a headquarters requirement of part 742 is not barred, and one of
    § 744.23(a)(3) only for the exports and reexports of the carve-out."""
    if r.kind in overcomes:
        return True
    if restriction is None or r.kind != "hq":
        return False
    if r.step.citation.startswith("15 CFR 742."):
        return "rs" in overcomes  # 740.8(b) bars requirements under part 744 or 746 only
    carve = restriction["carve_out"]
    if not r.step.citation.startswith(carve["citation"]):
        return False
    if case.tx.activity not in carve["activities"]:
        return False
    inside = destinations.in_scope(case.destination, carve["outside"], case.on)
    return None if inside is None else not inside


def _part_744_746(r: Requirement) -> bool:
    """A requirement under part 744 or 746 (the 740.8(b) restriction), not the Country Chart or part 742."""
    return any(c.strip().startswith(("15 CFR 744", "15 CFR 746")) for c in r.step.citation.split(";"))


def _other_requirements(
    case: Case,
    draft: _Draft,
    reqs: list[Requirement],
    overcomes: list[str],
    restriction: dict[str, Any] | None = None,
) -> None:
    """A requirement the exception cannot overcome forecloses it; an undetermined one is a condition."""
    can = [(r, _overcomes(case, r, overcomes, restriction)) for r in reqs]
    known = [r for r, ok in can if r.step.value and ok is False]
    if known:
        draft.refused = "it does not overcome " + "; ".join(
            f"{r.step.citation} ({r.reason}{', headquarters requirement' if r.kind == 'hq' else ''})" for r in known
        )
        if restriction is not None and any(_part_744_746(r) for r in known):
            draft.refused += f" ({restriction['citation']}: {restriction['text']})"
        return
    unknown = [r for r, ok in can if (r.step.value is None and ok is not True) or (r.step.value and ok is None)]
    if unknown:
        draft.condition(
            "no license requirement it cannot overcome applies (undetermined: "
            + "; ".join(r.step.citation for r in unknown)
            + ")",
            None,
            next((r.step.question for r in unknown if r.step.question), None),
        )


def _a9_restriction(case: Case, draft: _Draft, item_eligible_family: bool) -> None:
    """740.2(a)(9)(ii): to D:1/D:4/D:5 (excluding A:5/A:6), or (from 2025) to entities headquartered in
    Macau/D:5, only the listed exceptions may be used for 3A090/4A090/.z items."""
    entry = case.in_force(FILE, "restrictions_740_2_a9")
    if entry is None or not item_eligible_family or draft.name in entry["allowed"]:
        return
    hits: list[Tri] = [destinations.in_scope(case.destination, entry["destinations"], case.on)]
    if entry["hq"]:
        hits.append(hq_entity(case))
    restricted = any_of(hits)
    if restricted:
        draft.refused = f"{entry['citation']}: {entry['text']}"
    elif restricted is None:
        draft.condition(
            f"{entry['citation']} does not restrict it (the destination is not in D:1, D:4 or D:5 outside A:5/A:6"
            + (", and no party is headquartered in Macau or D:5)" if entry["hq"] else ")"),
            None,
            destinations.membership_question(case.destination, case.on)
            if destinations.unknown_groups(case.destination, case.on)
            else HQ_Q,
        )


def _route(case: Case, route: dict[str, Any]) -> Tri:
    """Whether one route of NAC/ACA covers the transaction: activity, destination, headquarters."""
    activity = "export" if case.tx.activity == "use" else case.tx.activity
    if activity not in route["activities"]:
        return False
    parts: list[Tri] = []
    if route.get("hq"):
        parts.append(hq_entity(case))
    if "destinations" in route:
        parts.append(destinations.in_scope(case.destination, route["destinations"], case.on))
    if "exclude" in route:
        inside = destinations.in_scope(case.destination, route["exclude"], case.on)
        parts.append(None if inside is None else not inside)
    if route.get("not_hq"):
        h = hq_entity(case)
        parts.append(None if h is None else not h)
    return all_of(parts)


def _nac_aca(case: Case, reqs: list[Requirement]) -> list[_Draft]:
    entry = case.in_force(FILE, "nac_aca")
    if entry is None:
        return []
    out: list[_Draft] = []
    routes = [(r, _route(case, r)) for r in entry["routes"]]
    matched = [(r, v) for r, v in routes if v is not False]
    if not matched:
        case.record(
            Step(False, entry["citation"], f"NAC/ACA do not cover this {case.tx.activity} to {case.destination}")
        )
        return []
    seen: set[str] = set()
    # per exception, the route known to apply first, and of those the one with prior notification
    # (e.g. the 2023 text: an export to China is within both the D:1/D:4 and the Macau/D:5 route)
    for r, v in sorted(matched, key=lambda rv: (rv[1] is None, not rv[0].get("notify"))):
        if r["name"] in seen:
            continue
        seen.add(r["name"])
        draft = _Draft(r["name"], r["citation"], r["text"], [], [])
        levels = _levels(case)
        if not levels or not levels <= set(entry["levels"]):
            draft.refused = f"{case.eccn} is not eligible: {entry['eligible']}"
        elif "a" in levels:
            dc = _datacenter(case)
            # a datacenter item is excluded only at the .a level: for a .z item that may be either level,
            # a datacenter item turns on which paragraph describes it
            draft.condition(
                "the item is not designed or marketed for use in a datacenter (740.8(a) excludes datacenter "
                "items meeting the parameters of 3A090.a)",
                None if dc is None else not dc if levels == {"a"} else True if not dc else None,
                DATACENTER_Q if dc is None or levels == {"a"} else LEVEL_Q.format(eccn=case.eccn),
            )
        if v is None:
            draft.condition(
                f"the transaction is within the route: {r['text']}",
                None,
                destinations.membership_question(case.destination, case.on)
                if destinations.unknown_groups(case.destination, case.on)
                else HQ_Q,
            )
        _other_requirements(case, draft, reqs, entry["overcomes"], entry.get("restriction"))
        for c in entry["conditions"]:
            if c["id"] == "notify" and not r.get("notify"):
                continue
            if c["id"] == "no_744_746":
                continue  # evaluated above from the requirements themselves
            if c["id"] == "no_military":
                uses = case.tx.end_uses
                mil: Tri = None if uses is None else not ({"military", "military_intelligence"} & set(uses))
                draft.condition(c["text"], None if mil else False, "Is the end use or end user military? (end_uses)")
                continue
            draft.condition(c["text"], None)
        _a9_restriction(case, draft, True)
        if draft.refused is None:
            for gap in entry.get("gaps", ()):
                case.warn(gap)
            if r.get("widened"):
                case.warn(f"License Exception ACA after 2025-01-13: {r['text']}")
        out.append(draft)
    return out


LEVEL_Q = (
    "Which paragraph of {eccn} describes the item: one meeting or exceeding the parameters of 3A090.a, or of "
    "3A090.b? (item.eccn)"
)


def _levels(case: Case) -> set[str]:
    """The advanced-computing levels the item may be at: its own, or both for a .z ECCN given at a paragraph
    that holds a .a and a .b level (eligible only where the exception covers both)."""
    if case.level is not None:
        return {case.level}
    return {"a", "b"} if z_both_levels(case.eccn) else set()


def _ai_diffusion_off(case: Case) -> str | None:
    """Why the AI Diffusion exceptions are not applied (enforced posture), or None."""
    enf = params.in_force("licensing", "enforcement", case.on)
    if case.posture == "enforced" and enf is not None:
        return f"not applied under posture 'enforced': {enf['text']}"
    return None


def _ai_exception(case: Case, key: str, reqs: list[Requirement]) -> _Draft | None:
    entry = case.in_force(FILE, key)
    if entry is None:
        return None
    draft = _Draft(entry["name"], entry["citation"], entry["text"], [], [])
    off = _ai_diffusion_off(case)
    elig = entry["eligible"]
    activity = "export" if case.tx.activity == "use" else case.tx.activity
    if off:
        draft.refused = off
    elif activity not in entry.get("activities", (activity,)):
        draft.refused = f"it authorizes only {' and '.join(entry['activities'])}, not this {case.tx.activity}"
    elif (
        not _levels(case)
        or not _levels(case) <= set(elig["levels"])
        or ("types" in elig and case.tx.item.type not in elig["types"])
    ):
        draft.refused = f"{case.eccn} ({case.tx.item.type}) is not an eligible item"
    elif elig.get("designer_condition") and case.level == "a" and case.tx.item.type == "ic":
        draft.condition(
            '3A090.a only "if designed by an approved or authorized integrated circuit designer, as described in '
            'Note 1 to ECCN 3A090.a"',
            _designer_approved(case),
            "Is the IC designed by an approved or authorized IC designer? (item.designer.approved_or_authorized)",
        )
    return draft


def _finish(case: Case, draft: _Draft, reqs: list[Requirement]) -> _Draft:
    """The checks common to the AI Diffusion exceptions, after their own: 740.2(a)(9)(ii), then the
    requirements they cannot overcome (they overcome the 742.6(a)(6) destination requirement only)."""
    if draft.refused is None:
        _a9_restriction(case, draft, True)
    if draft.refused is None:
        _other_requirements(case, draft, reqs, ["rs"])
    return draft


def _aia(case: Case, reqs: list[Requirement]) -> _Draft | None:
    draft = _ai_exception(case, "exception_aia", reqs)
    if draft is None or draft.refused:
        return draft
    supp5 = case.in_force(FILE, "supp5_a")
    tier1 = {"countries": supp5["countries"]} if supp5 else {"countries": []}
    located = destinations.in_scope(case.destination, tier1, case.on)
    if located is False:
        draft.refused = f"{case.destination} is not in paragraph (a) of Supplement No. 5 to part 740 (secondary list)"
        return draft
    case.warn(f"License Exception AIA: {supp5['text'] if supp5 else 'Supplement No. 5 is not in the sources'}")
    values: list[Tri] = []
    for p in case.tx.parties:
        for c in (p.headquarters_country, p.ultimate_parent_headquarters_country):
            values.append(None if c is None else c in tier1["countries"])
    inside = all_of(values) if case.tx.parties else None
    elsewhere = [p for p in _recipients(case) if p.country and p.country not in tier1["countries"]]
    if elsewhere:
        draft.refused = (
            '740.27(a) authorizes exports "to entities located within destinations listed in paragraph (a) of '
            f'supplement no. 5": {", ".join(f"{p.role} {p.name!r} is located in {p.country}" for p in elsewhere)}'
        )
        return draft
    draft.condition(
        "no party is headquartered, nor has an ultimate parent headquartered, outside paragraph (a) of "
        "Supplement No. 5 to part 740",
        inside,
        HQ_Q,
    )
    entry = case.in_force(FILE, "exception_aia")
    for c in entry["conditions"]:  # type: ignore[index]
        draft.condition(c["text"], None)
    return _finish(case, draft, reqs)


def _acm(case: Case, reqs: list[Requirement]) -> _Draft | None:
    draft = _ai_exception(case, "exception_acm", reqs)
    if draft is None or draft.refused:
        return draft
    excluded = destinations.in_scope(case.destination, MACAU_D5, case.on)
    hq = hq_entity(case)
    if excluded or hq:
        draft.refused = (
            "740.28(c): not to Macau or D:5, nor to any consignee when the ultimate consignee (or its ultimate "
            "parent) is headquartered in Macau or D:5"
        )
        return draft
    if excluded is None or hq is None:
        draft.condition("740.28(c): not to Macau or D:5, nor for an ultimate consignee headquartered there", None, HQ_Q)
    entry = case.in_force(FILE, "exception_acm")
    uses = case.tx.end_uses
    operational = {"datacenter", "ai_model_training", "supercomputer", "military", "military_intelligence", "wmd"}
    in_d5 = [
        p
        for p in _recipients(case)
        if p.country and destinations.in_scope(destinations.treated_as(p.country, case.on), MACAU_D5, case.on)
    ]
    for c in entry["conditions"]:  # type: ignore[index]
        if c["id"] == "production_use" and uses and set(uses) <= operational:
            draft.condition(c["text"], False)
        elif c["id"] == "ultimately_outside" and in_d5:
            draft.condition(
                f"{c['text']} ({', '.join(f'{p.role} {p.name!r} is in {p.country}' for p in in_d5)})", False
            )
        else:
            draft.condition(c["text"], None)
    return _finish(case, draft, reqs)


def _recipients(case: Case) -> list[Any]:
    """The parties that receive or use the item: end users and ultimate consignees."""
    return [p for p in case.tx.parties if p.role in ("end_user", "ultimate_consignee")]


def _lpp(case: Case, reqs: list[Requirement]) -> _Draft | None:
    draft = _ai_exception(case, "exception_lpp", reqs)
    if draft is None or draft.refused:
        return draft
    entry = case.in_force(FILE, "exception_lpp")
    for c in entry["conditions"]:  # type: ignore[index]
        draft.condition(c["text"], None)
    _finish(case, draft, reqs)
    if draft.refused is None:
        for gap in entry.get("gaps", ()):  # type: ignore[union-attr]
            case.warn(gap)
    return draft


@rule(
    "740.8 NAC/ACA",
    "15 CFR 740.8",
    area="license exceptions",
    reads=((FILE, "nac_aca"), (FILE, "restrictions_740_2_a9")),
)
def nac_aca(case: Case, reqs: list[Requirement]) -> list[_Draft]:
    """NAC "authorizes the export and reexport of any item classified in ECCN 3A090 ... except for items
    designed or marketed for use in a datacenter and meeting the parameters of 3A090.a, to Macau and
    Country Group D:5 or an entity headquartered in, or whose ultimate parent headquartered in, Macau or
    a destination specified in Country Group D:5, wherever located" (with prior notification); ACA covers
    D:1/D:4 and in-country transfers (from 2024-04-04); 740.2(a)(9)(ii) limits the exceptions usable for
    these items."""
    return _nac_aca(case, reqs)


@rule(
    "740.27-740.29 AIA/ACM/LPP",
    "15 CFR 740.27, 740.28, 740.29(a)",
    area="license exceptions",
    reads=((FILE, "exception_aia"), (FILE, "exception_acm"), (FILE, "exception_lpp"), (FILE, "supp5_a")),
)
def ai_diffusion_exceptions(case: Case, reqs: list[Requirement]) -> list[_Draft]:
    """AIA: "to entities located within destinations listed in paragraph (a) of supplement no. 5 ... unless
    the entity is headquartered outside" them; ACM: to 'private sector end users' for development,
    production or storage of items "ultimately destined to customers outside of Macau or ... D:5"; LPP:
    "up to 26,900,000 cumulative total processing performance (TPP) ... per-calendar year ... to a single
    ultimate consignee". Applied under posture `text` (BIS does not enforce the AI Diffusion rule)."""
    return [d for d in (_aia(case, reqs), _acm(case, reqs), _lpp(case, reqs)) if d is not None]


def available(case: Case, reqs: list[Requirement]) -> list[LicenseException]:
    """The License Exceptions that overcome every license requirement known to apply, with conditions."""
    bar = entity_list_bar(case)
    if bar is not None:
        case.record(bar)
        return []
    out: list[LicenseException] = []
    for draft in nac_aca(case, reqs) + ai_diffusion_exceptions(case, reqs):
        if draft.refused:
            case.record(Step(False, draft.citation, f"License Exception {draft.name} not available: {draft.refused}"))
            continue
        pending = [c.text for c in draft.conditions if c.status == "to_confirm"]
        case.record(
            Step(
                True,
                draft.citation,
                f"License Exception {draft.name} available: {draft.text}"
                + (f"; to confirm: {'; '.join(pending)}" if pending else ""),
            )
        )
        for q in draft.questions:
            case.ask(q)
        out.append(
            LicenseException(name=draft.name, citation=draft.citation, text=draft.text, conditions=draft.conditions)
        )
    return out


@rule(
    "740 unencoded",
    "15 CFR 740.25",
    area="license exceptions",
    reads=((FILE, "exception_hbm"),),
)
def unencoded(case: Case) -> None:
    """HBM (740.25): named when in force for 3A090.c; its conditions are not in the bundled sources, so it
    never makes the outcome LICENSE_EXCEPTION."""
    for key in ("exception_hbm",):
        entry = case.in_force(FILE, key)
        if entry is not None and case.level in entry["levels"]:
            case.warn(f"{entry['name']} ({entry['citation']}): {entry['text']}")
