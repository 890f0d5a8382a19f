"""License Exceptions (15 CFR 740): which are available, and which are foreclosed and why.

Only exceptions whose eligibility is encoded from the sources (NAC/ACA) can make the outcome
LICENSE_EXCEPTION; the others (HBM, AIA, ACM, LPP) are named in warnings, never relied on.
"""

from __future__ import annotations

from longarm import destinations
from longarm.metrics import at_least
from longarm.model import LicenseException
from longarm.rules.licensing import Requirement
from longarm.rules.logic import Tri
from longarm.rules.registry import rule
from longarm.trace import Case, Step

FILE = "exceptions"


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


def _nac_item_eligible(case: Case, p: dict) -> tuple[Tri, str]:  # type: ignore[type-arg]
    """NAC/ACA item test: .b items designed or marketed for datacenters; .a items not so designed with TPP ≥ 4800."""
    dc, tpp = case.item.datacenter, case.item.tpp  # the facts classification used
    if case.level == "b":
        return dc, "3A090.b item designed or marketed for datacenters"
    if case.level == "a":
        if dc is True:
            return False, "3A090.a item designed or marketed for datacenters"
        big: Tri = None if tpp is None else at_least(tpp, p["non_datacenter_a_tpp"])
        value: Tri = None if dc is None or big is None else (dc is False and big)
        return value, "3A090.a item not designed or marketed for datacenters with TPP 4800 or more"
    return False, f"{case.eccn} is not a 3A090/4A090 .a or .b item"


@rule("740.8 NAC/ACA", "15 CFR 740.8", area="license exceptions", reads=((FILE, "nac_aca"),))
def nac_aca(case: Case, requirements: list[Requirement]) -> tuple[list[LicenseException], Step | None]:
    """ "NAC: Yes, for 3A090.a, if the item is not designed or marketed for use in datacenters and has a
    'total processing performance' of 4800 or more; yes, for 3A090.b, if the item is designed or marketed
    for use in datacenters." From 2024-04-04 split into NAC (Macau, D:5) and ACA (other D:1/D:4)."""
    entry = case.in_force(FILE, "nac_aca")
    if entry is None:
        return [], None
    item_ok, why = _nac_item_eligible(case, entry["params"])
    if item_ok is False:
        return [], Step(False, entry["citation"], f"NAC/ACA not available: {why} is not eligible")
    only_rs = all(r.kind == "rs" for r in requirements if r.step.value)
    if not only_rs:
        return [], Step(
            False,
            entry["citation"],
            "NAC/ACA would overcome only the destination-based RS "
            "requirement; another requirement (Entity List, headquarters, end use, embargo) also applies",
        )
    for exc in entry["exceptions"]:
        if destinations.in_scope(case.destination, exc["destinations"], case.on):
            if item_ok is None:
                return [], Step(
                    None,
                    entry["citation"],
                    f"{exc['name']} may be available ({why}) if the item qualifies",
                    "Is the item designed or marketed for use in datacenters? (item.datacenter)",
                )
            text = (
                f"{why}; destination {case.destination} in {destinations.describe(exc['destinations'])}; "
                f"conditions: {exc['conditions']} (secondary source)"
            )
            return [LicenseException(name=exc["name"], citation=entry["citation"], text=text)], Step(
                True,
                entry["citation"],
                f"License Exception {exc['name']} available: {text}",
                gaps=tuple(entry.get("gaps", ())),
            )
    return [], Step(False, entry["citation"], f"NAC/ACA do not cover {case.destination}")


@rule(
    "740 unencoded",
    "15 CFR 740.25, 740.27-740.29",
    area="license exceptions",
    reads=((FILE, "exception_hbm"), (FILE, "exception_ai_diffusion")),
)
def unencoded(case: Case) -> None:
    """HBM (740.25), AIA (740.27), ACM (740.28), LPP (740.29): named when in force for the item's level;
    their conditions are not in the bundled sources, so they never make the outcome LICENSE_EXCEPTION."""
    for key in ("exception_hbm", "exception_ai_diffusion"):
        entry = case.in_force(FILE, key)
        if entry is not None and case.level in entry["levels"]:
            case.warn(f"{entry['name']} ({entry['citation']}): {entry['text']}")
