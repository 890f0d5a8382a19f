"""Transaction -> Determination: what the EAR require on a date, with the cited trace.

Order of evaluation (each step a rule in `longarm.rules`): classification; screening of every
party; subject to the EAR (734.3, de minimis, FDP); license requirements (746, 742.6, the
headquarters rule, 744.11, 744 end uses, 738 Country Chart); license exceptions (744.16, 740);
General Prohibition 10 and denial orders. The decision is computed under the requested posture
and under the other one; where they differ, `warnings` says how.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from longarm import destinations, foreign_law, params
from longarm.classify import classify
from longarm.model import (
    Citation,
    Determination,
    GeneralProhibition,
    Item,
    ItemResult,
    LicenseException,
    LicenseRequirement,
    ScreeningHit,
    Transaction,
)
from longarm.rules import exceptions, jurisdiction, letters, licensing, parties, prohibitions
from longarm.rules.classification import UNCLASSIFIED, UNDETERMINED
from longarm.rules.licensing import Requirement
from longarm.rules.logic import Tri, any_of
from longarm.trace import Case, Step

OUTCOME_RANK = ("PROHIBITED", "LICENSE_REQUIRED", "UNDETERMINED", "LICENSE_EXCEPTION", "NLR")


def _affiliates(case: Case) -> list[Requirement]:
    entry = case.in_force("entity_list", "affiliates_rule")
    if entry is None:
        return []
    owned = [p for p in case.tx.parties if p.owned_50pct_by_listed_entity]
    status = entry["status"]
    citation = f"15 CFR 744.11 (Affiliates rule; {params.cite(entry)})"
    if status == "suspended":
        case.note(citation, f"does not apply: {entry['text']}")
        return []
    if status == "unknown":
        case.warn(f"Affiliates (50 %) rule: {entry['text']}")
    if not owned:
        case.note(
            citation,
            "no party is stated to be at least 50 % owned by Entity List parties "
            "(parties[].owned_50pct_by_listed_entity)",
        )
        if status == "active" and any(p.owned_50pct_by_listed_entity is None for p in case.tx.parties):
            case.warn(
                "Affiliates (50 %) rule in force: whether each party is at least 50 % owned by Entity List "
                "parties was not given (parties[].owned_50pct_by_listed_entity)"
            )
        return []
    value: Tri = True if status == "active" else None
    last_known = (entry["from"] - dt.timedelta(days=1)).isoformat()  # the day before the unknown period
    names = ", ".join(f"{p.role} '{p.name}'" for p in owned)
    return [
        Requirement(
            Step(
                value,
                citation,
                f"{names} at least 50 % owned by Entity List parties. {entry['text']}",
                None if value else f"Was the Affiliates rule suspension extended beyond {last_known}?",
            ),
            "EL",
            "as for the owning entity's entry",
            "entity_list",
        )
    ]


def _decide(case: Case) -> Determination:
    tx, on = case.tx, case.on
    for country in {
        case.destination,
        *(
            c
            for p in tx.parties
            for c in (p.country, p.headquarters_country, p.ultimate_parent_headquarters_country)
            if c
        ),
    }:
        caveat = destinations.membership_caveat(country, on)
        if caveat:
            case.warn(caveat)
    alias = params.in_force("country_groups", "aliases", on)
    if tx.to_country != case.destination and alias is not None:
        case.note(
            "15 CFR 738 Supp. 1 (Hong Kong)", f"{tx.to_country} is treated as {case.destination}: {alias['text']}"
        )

    subject, subject_steps = jurisdiction.subject_to_ear(case)
    reqs: list[Requirement] = []
    if tx.activity == "use":
        case.note(
            "15 CFR 734.13-734.16",
            "'use' is not an export, reexport or transfer (in-country): the "
            "license requirements of parts 742, 744 and 746 reach those activities, not use itself",
        )
    else:
        reqs.append(licensing.embargo(case))
        sanctions = licensing.russia_belarus(case)
        if sanctions is not None:
            reqs.append(sanctions)
        reqs.append(licensing.rs_advanced_computing(case, case.posture))
        reqs.append(licensing.rs_hbm(case, case.posture))
        sme = licensing.rs_sme(case)
        if sme is not None:
            reqs.append(sme)
        reqs.append(licensing.rs_model_weights(case, case.posture))
        reqs.append(licensing.headquarters(case, case.posture))
        reqs += licensing.entity_list(case)
        reqs += licensing.other_lists(case)
        reqs += _affiliates(case)
        reqs += licensing.end_uses(case)
        reqs += letters.letters(case)
        reqs += licensing.country_chart(case)
        reqs += [Requirement(s, "end use", None, "end_use") for s in licensing.unencoded_end_uses(case)]
    for r in reqs:
        case.record(r.step)
    req_value = any_of(r.step.value for r in reqs)
    if subject is False:
        license_required: Tri = False
    elif subject is None:
        license_required = None if req_value is not False else False
    else:
        license_required = req_value

    available: list[LicenseException] = []
    if license_required:
        available = exceptions.available(case, reqs)
        exceptions.unencoded(case)

    prohibitions_: list[GeneralProhibition] = []
    denial = prohibitions.denial_order(case)
    if denial is not None:
        case.record(denial)
    gp10 = prohibitions.gp10_prc_ics(case, subject) if subject is not False else None
    if gp10 is not None:
        case.record(gp10)
    if gp10 is not None and gp10.value:
        prohibitions_.append(GeneralProhibition(number=10, citation=gp10.citation, text=gp10.text))

    # an item outside the classified paragraphs: no requirement found, but the license question turns
    # on an ECCN that is not known
    unclassified = case.eccn in (UNCLASSIFIED, UNDETERMINED) and license_required is False and subject is not False
    if unclassified:
        license_required = None
        case.warn(
            "the item is outside the paragraphs longarm classifies (3A090, 4A090, 3A991.p, 4A994.l); "
            "other CCL entries were not evaluated"
        )
        case.questions.append("What is the item's ECCN under the rest of the Commerce Control List? (item.eccn)")
    if (denial and denial.value) or (gp10 and gp10.value):
        outcome = "PROHIBITED"
    elif subject is False:
        outcome = "NLR"
    elif license_required:
        outcome = "LICENSE_EXCEPTION" if available else "LICENSE_REQUIRED"
    elif license_required is None or (gp10 is not None and gp10.value is None):
        outcome = "UNDETERMINED"
    else:
        outcome = "NLR"

    d = Determination(
        as_of=on,
        ruleset="",
        item=case.item,
        posture=case.posture,
        outcome=outcome,
        subject_to_ear=subject,
        subject_to_ear_reasons=[Citation(citation=s.citation, text=s.text) for s in subject_steps],
        license_required=license_required,
        license_requirements=[] if subject is False else _one_per_citation(reqs),
        license_exceptions=available,
        general_prohibitions=prohibitions_,
        screening=case.hits,
        warnings=case.warnings,
        questions=case.questions,
        findings=case.findings,
    )
    _conditional(d, "if the item is subject to the EAR (undetermined)")
    return d


def _conditional(d: Determination, condition: str, sources: list[tuple[str, Determination]] | None = None) -> None:
    """A listed requirement means a license is required: requirements that apply only if an undetermined
    fact turns out one way are named in `warnings` under that condition (per classification for `sources`),
    not listed."""
    if d.license_required is True or not d.license_requirements:
        return
    for cond, reqs in [(f"if the item is {e}", r.license_requirements) for e, r in sources or ()] or [
        (condition, d.license_requirements)
    ]:
        if reqs:
            named = "; ".join(
                f"{r.citation} ({r.reason}{', ' + r.review_policy if r.review_policy else ''})" for r in reqs
            )
            d.warnings.append(f"{cond}, a license is required under: {named}")
    d.license_requirements = []


def _one_per_citation(reqs: list[Requirement]) -> list[LicenseRequirement]:
    """The requirements that apply, one entry per citation and reason (texts joined, never listed twice)."""
    out: dict[tuple[str, str], LicenseRequirement] = {}
    for r in reqs:
        if not r.step.value:
            continue
        key = (r.step.citation, r.reason)
        if key not in out:
            out[key] = LicenseRequirement(
                citation=r.step.citation, reason=r.reason, review_policy=r.review_policy, text=r.step.text
            )
            continue
        seen = out[key]
        if r.step.text not in seen.text:
            seen.text += f"; {r.step.text}"
        seen.review_policy = _policies(seen.review_policy, r.review_policy)
    return list(out.values())


def _policies(*texts: str | None) -> str | None:
    """Review policies joined once each (entries of one list group often repeat the same policy)."""
    out: list[str] = []
    for text in texts:
        for p in (text or "").split("; "):
            p = p.strip().rstrip(".")
            if p and p.lower() not in (o.lower() for o in out):
                out.append(p)
    return "; ".join(out) or None


def _past_the_sources(tx: Transaction) -> str | None:
    """A warning for an as_of later than the newest source: what the answer could miss."""
    entry = params.in_force("sources", "coverage", tx.as_of)
    if entry is None or tx.as_of <= entry["through"]:
        return None
    return f"as_of {tx.as_of.isoformat()} is after {entry['through'].isoformat()}: {entry['text']}"


def _ruleset(on: dt.date, cases: list[Case]) -> str:
    dates = [e["from"] for c in cases for e in c.sources_used if e["from"] <= on]
    for key in ("eccn_3a090_ab", "eccn_3a090_c", "eccn_4a090"):
        entry = params.in_force("classification", key, on)
        if entry is not None:
            dates.append(entry["from"])
    latest = max((d for d in dates if d > dt.date(2000, 1, 1)), default=None)
    return f"EAR as amended through {latest.isoformat()}" if latest else "EAR (no advanced-computing rule in force)"


def _evaluate(
    tx: Transaction,
    item: ItemResult,
    posture: str,
    hits: list[ScreeningHit],
    screen_findings: list[Citation],
    screen_warnings: list[str],
) -> tuple[Determination, list[Case]]:
    destination = destinations.treated_as(tx.to_country, tx.as_of)
    results: list[tuple[str, Determination]] = []
    cases = []
    for eccn in item.candidates or [item.eccn]:
        case = Case(
            tx=tx,
            on=tx.as_of,
            posture=posture,
            item=item,
            eccn=eccn,
            destination=destination,
            hits=hits,
            warnings=list(screen_warnings) + list(item.warnings),
            questions=list(item.questions),
        )
        case.findings = [Citation(citation=r.citation, text=r.text) for r in item.reasons] + list(screen_findings)
        cases.append(case)
        results.append((eccn, _decide(case)))
    if len(results) == 1:
        return results[0][1], cases
    outcomes = {d.outcome for _, d in results}
    worst = min(results, key=lambda r: OUTCOME_RANK.index(r[1].outcome))[1]
    if len(outcomes) == 1:
        required = {d.license_required for _, d in results}
        if len(required) > 1:
            worst = worst.model_copy(deep=True)
            worst.license_required = None
            _conditional(worst, "", results)
        return worst, cases
    merged = worst.model_copy(deep=True)
    merged.outcome = "UNDETERMINED"
    required = {d.license_required for _, d in results}
    merged.license_required = required.pop() if len(required) == 1 else None
    subject = {d.subject_to_ear for _, d in results}
    merged.subject_to_ear = subject.pop() if len(subject) == 1 else None
    merged.license_exceptions = []
    merged.warnings.insert(
        0,
        "the classification is undetermined and the outcome depends on it: "
        + "; ".join(f"if {e}: {d.outcome}" for e, d in results),
    )
    for _, d in results:
        merged.questions += [q for q in d.questions if q not in merged.questions]
    _conditional(merged, "", results)
    return merged, cases


def _summary(d: Determination) -> tuple:
    return (
        d.outcome,
        d.license_required,
        tuple((r.citation, r.reason) for r in d.license_requirements),
        tuple(e.name for e in d.license_exceptions),
    )


@lru_cache(maxsize=4096)
def _classified(item_json: str, on: dt.date, role: str | None) -> ItemResult:
    """Classification is a pure function of the item's facts and the date: decided once."""
    return classify(Item.model_validate_json(item_json), on, role)


def assess(tx: Transaction) -> Determination:
    """Decide `tx` under its posture; where the other posture decides differently, say so in `warnings`."""
    item = _classified(tx.item.model_dump_json(), tx.as_of, tx.exporter.role).model_copy(deep=True)
    hits, screen_findings, screen_warnings = parties.screen_parties(tx)
    main, cases = _evaluate(tx, item, tx.posture, hits, screen_findings, screen_warnings)
    other_posture = "enforced" if tx.posture == "text" else "text"
    # the postures can only differ while an enforcement statement is in force
    if params.in_force("licensing", "enforcement", tx.as_of) is None:
        other = main
    else:
        other, _ = _evaluate(tx, item, other_posture, hits, screen_findings, screen_warnings)
    if _summary(main) != _summary(other):
        reqs = "; ".join(f"{r.citation} ({r.reason})" for r in other.license_requirements) or "none"
        main.warnings.insert(
            0,
            f"posture '{other_posture}' differs: outcome {other.outcome}, license required "
            f"{other.license_required}, requirements: {reqs} "
            f"(this determination applies posture '{tx.posture}')",
        )
    main.ruleset = _ruleset(tx.as_of, cases)
    late = _past_the_sources(tx)
    if late:
        main.warnings.insert(0, late)
    main.foreign_law_flags = foreign_law.flags(tx)
    return main
