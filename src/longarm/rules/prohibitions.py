"""General Prohibitions (15 CFR 736.2(b)) and list-based bars.

GP10 is applied through a registry of dated BIS guidance documents (guidance.yaml); the
May 13, 2025 guidance presumes PRC-developed 3A090 ICs were designed or produced in
violation of the EAR, so dealing in them (including using them) risks GP10 anywhere.
"""

from __future__ import annotations

from longarm import catalog
from longarm.rules.logic import Tri
from longarm.rules.registry import rule
from longarm.trace import Case, Step

FILE = "guidance"


def _catalog_ids(case: Case) -> list[str]:
    item = case.tx.item
    return ([item.catalog_id] if item.catalog_id else []) + [c.catalog_id for c in item.contains or [] if c.catalog_id]


def _named(case: Case, named: list[str]) -> list[str]:
    """Catalogue chips in the item that the guidance names: BIS itself treats them as PRC 3A090 ICs,
    whatever figures are (or are not) published for them."""
    return [i for i in _catalog_ids(case) if i in named]


def _prc_designed(case: Case, countries: list[str], named: list[str]) -> tuple[Tri, str]:
    item = case.tx.item
    ids = _catalog_ids(case)
    named_hit = _named(case, named)
    if named_hit:
        return True, f"named in the guidance ({', '.join(named_hit)})"
    designers = [catalog.get(i).designer_country for i in ids]
    if item.designer and item.designer.country:
        designers.append(item.designer.country)
    if any(d in countries for d in designers):
        return True, "developed by a designer in the PRC or Macau"
    if designers:
        return False, f"designer country {', '.join(sorted(set(designers)))}"
    if item.origin_country and item.origin_country not in countries:
        case.warn(
            "GP10 guidance: the IC's designer is not given; its production outside the PRC/Macau was "
            "taken as showing it is not a PRC-developed IC (item.designer)"
        )
        return False, f"produced in {item.origin_country}; designer not given"
    return None, "who designed the IC is not known"


@rule(
    "GP10 PRC 3A090 ICs",
    "15 CFR 736.2(b)(10); BIS guidance of 2025-05-13",
    area="general prohibitions",
    reads=((FILE, "gp10"), (FILE, "gp10_prc_ics")),
)
def gp10_prc_ics(case: Case, subject: Tri) -> Step | None:
    """General Prohibition 10 with BIS's 2025-05-13 guidance: "engaging in GP10 activities, including use of
    PRC 3A090 ICs… could result in BIS enforcement actions" (Huawei Ascend 910B, 910C, 910D named);
    acquisition solely for technical evaluation or destructive testing is not pursued."""
    guide = case.in_force(FILE, "gp10_prc_ics")
    gp10 = case.in_force(FILE, "gp10")
    if guide is None or gp10 is None:
        return Step(
            False,
            "15 CFR 736.2(b)(10)",
            "no BIS guidance on PRC advanced computing ICs was in force "
            "on this date; GP10 turns on knowledge of a violation, of which no fact was given",
        )
    named = _named(case, guide["named_chips"])
    if not named and (case.eccn.upper()[:5] not in guide["item_eccns"] or case.level not in guide["item_levels"]):
        return Step(False, guide["citation"], f"the guidance concerns PRC 3A090 ICs; the item is {case.eccn}")
    prc, why = _prc_designed(case, guide["designer_countries"], guide["named_chips"])
    if prc is False:
        return Step(False, guide["citation"], f"not a PRC 3A090 IC ({why})")
    uses = case.tx.end_uses or []
    if set(uses) & set(guide["carve_out_end_uses"]):
        return Step(
            False, guide["citation"], f"PRC 3A090 IC ({why}) acquired for technical evaluation: {guide['carve_out']}"
        )
    if subject is None:
        case.warn(
            "whether the item is subject to the EAR is not established by the facts given; the BIS "
            "guidance presumes PRC 3A090 ICs were designed or produced in violation of the EAR"
        )
    question = None if prc is not None else "Who designed the IC, and where? (item.designer)"
    text = (
        f"PRC 3A090 IC ({why}); activity '{case.tx.activity}'. {guide['text']} {guide['wording']} GP10: {gp10['text']}"
    )
    return Step(prc, guide["citation"], text, question, tuple(guide.get("gaps", ())))


@rule("Denied Persons List", "15 CFR 764 Supp. 2", area="general prohibitions")
def denial_order(case: Case) -> Step | None:
    """ "A denial order prohibits participation" by the denied person in any transaction subject to the EAR."""
    hits = [h for h in case.hits if h.list == "Denied Persons List"]
    if not hits:
        return None
    return Step(
        True,
        "15 CFR 764 Supp. 2",
        "; ".join(f"{h.party} '{h.name}' is on the Denied Persons List ('{h.matched_name}')" for h in hits),
    )
