"""Every party screened against the restricted-party lists, each listing applied from its date."""

from __future__ import annotations

import datetime as dt

from longarm.model import Citation, ScreeningHit, Transaction
from longarm.screening import lists, match


def screen_parties(tx: Transaction) -> tuple[list[ScreeningHit], list[Citation], list[str]]:
    """Every party screened against the bundled lists, with the Entity List's listing year applied."""
    lst = lists.current()
    hits: list[ScreeningHit] = []
    findings: list[Citation] = []
    warnings: list[str] = []
    if tx.as_of > dt.date.fromisoformat(lst.generated_at[:10]):
        warnings.append(f"screening used {lst.version}; list changes after that date are not known to longarm")
    for i, party in enumerate(tx.parties):
        matches = match.screen(party.name, party.country, lst)
        if not matches:
            findings.append(
                Citation(
                    citation="15 CFR 744 Supp. 4; Consolidated Screening List",
                    text=f"{party.role} '{party.name}': no match in {lst.version}",
                )
            )
        for m in matches:
            e = m.entry
            year = e.earliest_fr_year
            if e.list_name == "Entity List" and year and tx.as_of.year < year:
                findings.append(
                    Citation(
                        citation="15 CFR 744 Supp. 4",
                        text=(
                            f"{party.role} '{party.name}' matches '{m.matched_name}', first cited in the Federal Register "
                            f"in {year}: not yet listed on {tx.as_of}"
                        ),
                    )
                )
                continue
            if e.list_name == "Entity List" and year == tx.as_of.year:
                warnings.append(
                    f"parties[{i}]: '{m.matched_name}' was added to the Entity List in {year}; the "
                    f"exact listing date is not in the bundled list, so the listing is applied"
                )
            authority = lst.authority.get(e.source) or lists.bundled().authority.get(e.source, {})
            hit = ScreeningHit(
                party=party.role,
                name=party.name,
                list=e.list_name,
                matched_name=m.matched_name,
                score=m.score,
                citation=authority.get("citation", e.source),
                entity_number=e.entity_number,
                license_requirement=e.license_requirement,
                license_policy=e.license_policy,
                federal_register=e.federal_register,
                footnotes=e.footnotes,
                lists_version=lst.version,
            )
            hits.append(hit)
            findings.append(
                Citation(
                    citation=hit.citation,
                    text=(
                        f"{party.role} '{party.name}' matches {e.list_name} entry '{m.matched_name}' "
                        f"(score {m.score:.2f}; {m.explanation})"
                        + (f"; footnotes {hit.footnotes}" if hit.footnotes else "")
                    ),
                )
            )
            if e.list_name not in ("Entity List", "Denied Persons List"):
                effect = authority.get("effect", "")
                warnings.append(f"{party.role} '{party.name}' is on the {e.list_name}: {effect}".strip())
    return hits, findings, warnings
