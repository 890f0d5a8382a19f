"""Item -> ECCN on a date, with metrics, cited reasons and the questions that would settle it.

The facts come from the item as given, completed from the bundled catalogue when a
`catalog_id` is named (a given figure wins over the catalogue's, with a warning). A computer's own
datacenter fact is decided here too (as given, else derived from its ICs, saying so), so that classify,
assess, the API and batch show the same item.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from longarm import catalog, metrics, params
from longarm.errors import InputError, Problem
from longarm.model import Citation, Contained, Item, ItemResult
from longarm.rules import classification as cls
from longarm.rules.classification import UNCLASSIFIED, UNDETERMINED, Check, ICFacts, ICResult
from longarm.rules.logic import show

QUESTIONS = {
    "tpp": "What is the item's total processing performance (TPP = 2 × MacTOPS × bit length, dense "
    "rates, highest over bit lengths)? (item.tpp or item.units)",
    "performance_density": "What is the applicable die area in mm² (all logic dies made on a "
    "non-planar-transistor node)? It decides performance density. (item.die_area_mm2)",
    "datacenter": "Is the item designed or marketed for use in datacenters? (item.datacenter)",
    "io_gbs": "What is the aggregate bidirectional transfer rate over all inputs and outputs to ICs "
    "other than volatile memories, in GB/s? (item.bidirectional_transfer_rate_gbs)",
    "max_tops": "What is the item's peak processing performance in TOPS at any bit length? (item.units)",
    "memory_bandwidth_density": "What is the memory bandwidth density in GB/s per mm² of package or stack? "
    "(item.memory_bandwidth_density, or memory_bandwidth_gbs and package_area_mm2)",
    "contains": "Which integrated circuits does the computer, assembly or component contain? (item.contains)",
    "exporter_role": "What is the exporter's role: is it the IC's front-end fabricator or OSAT company "
    "(Note 1 to 3A090.a binds only them)? (exporter.role)",
    "process_node": "What process node is the logic die produced on, in nm? The foundry presumption covers the "
    "16/14 nm node or below. (item.process_node_nm)",
    "nonplanar": "What transistor architecture does the die use: is it non-planar (FinFET, GAA)? "
    "(item.nonplanar_transistors)",
    "transistor_count": "What is the aggregated approximated transistor count of the final packaged IC, as "
    "attested by the front-end fabricator or an approved OSAT? (item.transistor_count)",
    "includes_hbm": "What memory does the final packaged IC contain: does it include high-bandwidth memory? "
    "(item.includes_hbm)",
    "designer_approved": "What is the IC designer's standing: is it an approved (Supp. No. 6 to part 740) or "
    "authorized IC designer whose attestation of TPP and performance density the fabricator holds? "
    "(item.designer.approved_or_authorized)",
}

# Note 2 to 3A090 turns on each IC's own design or marketing: where that is what is unknown inside a
# computer, this replaces QUESTIONS["datacenter"] once per IC it could decide.
CONTAINED_DATACENTER_Q = (
    "Is the IC item.contains[{i}]{name} designed or marketed for use in datacenters? Note 2 to 3A090 turns on "
    "the IC's own design or marketing, not the computer's. (item.contains[{i}].datacenter)"
)


_ECCN = re.compile(r"^(EAR99|[0-9][A-E][0-9]{3})((\.[A-Z0-9]+)*)$")


@cache
def _ccl_eccns() -> tuple[str, ...]:
    from longarm.destinations import ccl

    return tuple(sorted(ccl()))


def validate_eccn(text: str, field: str) -> str:
    """A declared ECCN, upper-cased, if its five-character head is on the bundled Commerce Control List.

    EAR99 is valid; so is any paragraph of a listed ECCN ("3A090.a", "5A992.c", "5A002.z.1.a").
    Raises InputError naming `field`, with the nearest real ECCNs.
    """
    from rapidfuzz import fuzz, process

    value = text.strip().upper()
    m = _ECCN.match(value)
    if m and (m.group(1) == "EAR99" or m.group(1) in _ccl_eccns()):
        if m.group(1) == "EAR99" and m.group(2):
            raise InputError(Problem(field, f"{text!r}: EAR99 has no paragraphs"))
        return value
    head = value.split(".")[0]
    near = [e for e, _, _ in process.extract(head, _ccl_eccns() + ("EAR99",), scorer=fuzz.ratio, limit=3)]
    raise InputError(
        Problem(
            field,
            f"{text!r} is not an ECCN on the Commerce Control List (15 CFR 774 Supp. 1, eCFR 2026-07-23) "
            f"nor EAR99; nearest: {', '.join(near)}",
        )
    )


def _given(
    value: float | None, chip_value: float | None, field: str, chip: catalog.Chip | None, warnings: list[str]
) -> float | None:
    if value is not None and chip_value is not None and abs(value - chip_value) > 1e-6 * max(1, chip_value):
        warnings.append(
            f"{field} {value:g} differs from the catalogue figure {chip_value:g} for "
            f"{chip.id if chip else '?'}; the given value is used"
        )
    return value if value is not None else chip_value


def ic_facts(
    tpp: float | None,
    die_area: float | None,
    datacenter: bool | None,
    units: list | None,
    io_gbs: float | None,
    chip: catalog.Chip | None,
    warnings: list[str],
    field: str = "item",
) -> ICFacts:
    """The classification facts of one IC from what was given and its catalogue row."""
    max_tops = None
    if units is not None:
        unit_tpp = metrics.tpp_from_units(units)
        dense = [u.tops if u.tops is not None else 2 * (u.mactops or 0) for u in units if not u.sparse]
        max_tops = max(dense) if dense else None
        if unit_tpp is None:
            warnings.append(
                f"{field}.units: only sparse rates were given; TPP is computed from dense "
                "rates (3A090 Technical Note 3), so it is unknown"
            )
        if tpp is None:
            tpp = unit_tpp
    tpp = _given(tpp, chip.tpp if chip else None, f"{field}.tpp", chip, warnings)
    die_area = _given(die_area, chip.die_area_mm2 if chip else None, f"{field}.die_area_mm2", chip, warnings)
    if datacenter is None and chip is not None and chip.datacenter is not None:
        datacenter = chip.datacenter
        warnings.append(
            f"{field}.datacenter taken from the catalogue's descriptive label for {chip.id} "
            f"({'yes' if datacenter else 'no'}); it is not a determination of the EAR's "
            "'designed or marketed for use in datacenters'"
        )
    if chip is not None:
        warnings.extend(chip.caveats)
    # a given die area wins; otherwise the catalogue's range, if the sources only bound the area
    area_range = chip.die_area_mm2_range if chip is not None and die_area is None else None
    pd_range = metrics.performance_density_range(tpp, area_range)
    return ICFacts(
        tpp=tpp,
        performance_density=metrics.performance_density(tpp, die_area),
        performance_density_range=pd_range,
        datacenter=datacenter,
        io_gbs=io_gbs,
        io_gbs_at_least=chip.interconnect_bw_gbs if chip is not None and io_gbs is None else None,
        max_tops=max_tops if max_tops is not None else (chip.max_tops if chip else None),
    )


def _contained_facts(c: Contained, i: int, warnings: list[str]) -> ICFacts:
    field = f"item.contains[{i}]"
    chip = catalog.get(c.catalog_id, f"{field}.catalog_id") if c.catalog_id else None
    return ic_facts(c.tpp, c.die_area_mm2, c.datacenter, None, None, chip, warnings, field)


def _result(
    item: Item,
    facts: ICFacts | None,
    res: ICResult,
    warnings: list[str],
    on: dt.date,
    questions: list[str],
    ask: dict[str, list[str]] | None = None,
) -> ItemResult:
    """The item's result from its checks; `ask` replaces the question of a missing fact (by its key)."""
    candidates = sorted(res.candidates, key=lambda e: (e == UNCLASSIFIED, e))
    eccn = candidates[0] if len(candidates) == 1 else UNDETERMINED
    reasons = [Citation(citation=c.citation, text=f"{show(c.value)}: {c.text}") for c in res.checks]
    reasons += [Citation(citation="15 CFR 774 Supp. 1 (version history)", text=n) for n in res.notes]
    if eccn == UNCLASSIFIED:
        reasons.append(
            Citation(
                citation="15 CFR 774 Supp. 1",
                text=(
                    "not in 3A090, 4A090, 3A991.p or 4A994.l on these facts; classify the item against the rest "
                    "of the Commerce Control List (EAR99 only if no entry describes it)"
                ),
            )
        )
    if eccn == UNDETERMINED:
        for check in res.checks:
            if check.value is None:
                for m in check.missing:
                    questions.extend(q for q in (ask or {}).get(m, [QUESTIONS[m]]) if q not in questions)
    declared = item.eccn.strip().upper() if item.eccn else None
    if declared:
        eccn = _check_declared(declared, eccn, candidates, reasons, warnings)
    pointer = cls.z_pointer(eccn, on)
    if pointer is not None:
        reasons.append(Citation(citation=pointer.citation, text=pointer.text))
    return ItemResult(
        eccn=eccn,
        candidates=candidates if eccn == UNDETERMINED else [eccn],
        tpp=facts.tpp if facts else None,
        performance_density=facts.performance_density if facts else None,
        datacenter=facts.datacenter if facts else None,
        declared_eccn=declared,
        reasons=reasons,
        warnings=warnings,
        questions=questions,
    )


# From the most to the least controlled: a declared ECCN the facts cannot check is used only when
# no classification the facts allow is more controlled (a claim of less control is never taken).
CONTROL_RANK = ("3A090.A", "4A090.A", "3A090.B", "4A090.B", "3A090.C", "3A991.P", "4A994.L", "EAR99")


def _rank(eccn: str) -> int:
    return CONTROL_RANK.index(eccn.upper()) if eccn.upper() in CONTROL_RANK else len(CONTROL_RANK)


def _check_declared(
    declared: str, eccn: str, candidates: list[str], reasons: list[Citation], warnings: list[str]
) -> str:
    """Compare the user's ECCN with the computed one; a .z ECCN of the same level is accepted."""
    level = cls.z_level(declared)
    computed_family = declared.startswith(("3A090", "4A090", "3A991.P", "4A994.L")) or level is not None
    if eccn == UNCLASSIFIED and not computed_family:
        reasons.append(
            Citation(
                citation=f"15 CFR 774 Supp. 1, ECCN {declared}",
                text=f"declared {declared} is outside the paragraphs longarm computes and "
                "consistent with them: used as the item's ECCN",
            )
        )
        return declared
    if level and eccn in (f"3A090.{level}", f"4A090.{level}"):
        reasons.append(
            Citation(
                citation=f"15 CFR 774 Supp. 1, ECCN {declared}",
                text=f"declared {declared} is the .z paragraph of an item that meets {eccn}: used as the item's ECCN",
            )
        )
        return declared
    allowed = {c.upper(): c for c in candidates}
    if eccn == UNDETERMINED and declared in allowed and _rank(declared) <= min(map(_rank, candidates)):
        used = allowed[declared]
        reasons.append(
            Citation(
                citation=f"15 CFR 774 Supp. 1, ECCN {used}",
                text=f"declared {used} is the most controlled of the classifications the facts given allow "
                f"({', '.join(candidates)}): used as the item's ECCN",
            )
        )
        warnings.append(f"item.eccn: {used} is taken as declared; the figures that would check it are not given")
        return used
    if declared != eccn and declared not in candidates:
        warnings.append(
            f"item.eccn: declared {declared} but the rules in force give {eccn}; the computed classification is used"
        )
    return eccn


def classify(item: Item, on: dt.date, exporter_role: str | None = None) -> ItemResult:
    """The ECCN of `item` under the CCL text in force on `on`, with reasons and open questions."""
    if item.eccn:
        validate_eccn(item.eccn, "item.eccn")
    warnings: list[str] = []
    questions: list[str] = []
    chip = catalog.get(item.catalog_id, "item.catalog_id") if item.catalog_id else None
    if item.type == "hbm":
        density = item.memory_bandwidth_density or metrics.memory_bandwidth_density(
            item.memory_bandwidth_gbs, item.package_area_mm2
        )
        out = _result(item, None, cls.classify_hbm(density, on), warnings, on, questions)
        out.memory_bandwidth_density = density
        return out
    if item.type == "computer":
        if not item.contains:
            res = ICResult(
                {UNDETERMINED}, [Check("4A090", None, "the ICs it contains are not given", ("contains",))], []
            )
            out = _result(item, None, res, warnings, on, questions)
            out.eccn, out.candidates = UNDETERMINED, ["4A090.a", "4A090.b", "4A994.l", UNCLASSIFIED]
            out.questions = [QUESTIONS["contains"]]
            out.datacenter = item.datacenter
            return out
        ic_results = []
        contained: list[tuple[str, ICFacts]] = []
        for i, c in enumerate(item.contains):
            f = _contained_facts(c, i, warnings)
            r = cls.classify_ic(f, on)
            name = c.catalog_id or f"item.contains[{i}]"
            r.checks = [Check(ch.paragraph, ch.value, f"{name}: {ch.text}", ch.missing) for ch in r.checks]
            ic_results.append(r)
            contained.append((name, f))
        comp = cls.classify_computer([r.candidates for r in ic_results], on)
        merged = ICResult(
            comp.candidates,
            [ch for r in ic_results for ch in r.checks] + comp.checks,
            [n for r in ic_results for n in r.notes] + comp.notes,
        )
        ask = {"datacenter": _contained_datacenter_questions(item, contained, on)}
        out = _result(item, None, merged, warnings, on, questions, ask)
        out.datacenter, how = cls.computer_datacenter(item.datacenter, [(n, f.datacenter) for n, f in contained])
        if item.datacenter is None:
            out.reasons.append(Citation(citation="15 CFR 740.8(a); 15 CFR 742.6(b)(10) (datacenter items)", text=how))
        return out
    if item.type == "other" and chip is None and item.tpp is None and not item.units:
        res = ICResult(
            {UNCLASSIFIED},
            [],
            ["item of type 'other' without performance figures: not an IC, computer or HBM that longarm classifies"],
        )
        return _result(item, None, res, warnings, on, questions)
    facts = ic_facts(
        item.tpp, item.die_area_mm2, item.datacenter, item.units, item.bidirectional_transfer_rate_gbs, chip, warnings
    )
    res = cls.classify_ic(facts, on)
    foundry = params.in_force("classification", "foundry_presumption", on)
    presumed = False
    if foundry is not None and item.type == "ic":
        presumed = _foundry(item, chip, exporter_role, on, foundry, res, warnings)
    out = _result(item, facts, res, warnings, on, questions)
    if presumed:
        out.datacenter = True
    return out


def _contained_datacenter_questions(item: Item, contained: list[tuple[str, ICFacts]], on: dt.date) -> list[str]:
    """What to ask where an IC's datacenter fact is missing inside a computer: that IC's own field, for each IC
    whose TPP leaves Note 2 to 3A090 open (the computer's own fact does not settle it); the computer's field
    only where no IC can be named and the computer's fact is not given either."""
    version = params.in_force(cls.FILE, "eccn_3a090_ab", on)
    note_tpp = (version or {}).get("params", {}).get("datacenter_note_tpp")
    return [
        CONTAINED_DATACENTER_Q.format(i=i, name="" if name.startswith("item.") else f" ({name})")
        for i, (name, f) in enumerate(contained)
        if f.datacenter is None and (f.tpp is None or note_tpp is None or f.tpp < note_tpp)
    ] or ([] if item.datacenter is not None else [QUESTIONS["datacenter"]])


def _foundry(
    item: Item,
    chip: catalog.Chip | None,
    role: str | None,
    on: dt.date,
    entry: dict,
    res: ICResult,
    warnings: list[str],
) -> bool:
    """Note 1 to 3A090.a: where the presumption stands the IC is 3A090.a for this exporter (returns True).

    For a front-end fabricator or OSAT, a node or memory type not given is taken from the catalogue row.
    """
    node, hbm = item.process_node_nm, item.includes_hbm
    if chip is not None and role in ("front_end_fabricator", "osat"):
        if node is None and chip.process_node_nm is not None:
            node = chip.process_node_nm
            warnings.append(
                f"item.process_node_nm taken from the catalogue's process node for {chip.id} "
                f"({chip.process_node!r} -> {node:g} nm)"
            )
        if hbm is None and chip.includes_hbm is not None:
            hbm = chip.includes_hbm
            warnings.append(f"item.includes_hbm taken from the catalogue's memory type for {chip.id}")
    c = res.candidates
    meets = True if c == {"3A090.a"} else False if "3A090.a" not in c and UNDETERMINED not in c else None
    facts = cls.FoundryFacts(
        exporter_role=role,
        process_node_nm=node,
        nonplanar_transistors=item.nonplanar_transistors,
        transistor_count=item.transistor_count,
        includes_hbm=hbm,
        designer_approved=item.designer.approved_or_authorized if item.designer else None,
        meets_3a090a=meets,
    )
    check = cls.foundry_presumption(facts, on, {**entry["params"], **entry})
    _, undated = cls.authorized_designer(on)
    if undated and facts.designer_approved and role in (None, "front_end_fabricator", "osat"):
        warnings.append(undated)  # the designer's standing may be what overcomes the presumption
    compliance = entry.get("compliance")
    if compliance and on < compliance:
        res.checks.append(
            Check(
                check.paragraph,
                False,
                f"in force from {entry['from']}, but compliance is required only from {compliance} "
                f"(FR Doc 2025-00711, DATES): not applied on {on}; {check.text}",
            )
        )
        if check.value is not False:
            warnings.append(
                f"the foundry/OSAT presumption (Note 1 to 3A090.a) is in force but compliance is required only "
                f"from {compliance}; from then this IC may be 3A090.a for a front-end fabricator or OSAT"
            )
        return False
    res.checks.append(check)
    if check.value is True:
        res.candidates = {"3A090.a"}
        return True
    if check.value is None and check.missing:
        res.candidates.add("3A090.a")
    return False
