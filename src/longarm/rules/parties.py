"""Every party screened against the restricted-party lists, each listing applied from its date."""

from __future__ import annotations

import datetime as dt

from longarm import listing_dates
from longarm.model import Citation, ScreeningHit, Transaction
from longarm.screening import lists, match


def screen_parties(tx: Transaction) -> tuple[list[ScreeningHit], list[Citation], list[str]]:
    """Every party screened against the lists in service; Entity List listings and footnotes applied by date."""
    lst = lists.current()
    hits: list[ScreeningHit] = []
    findings: list[Citation] = []
    warnings: list[str] = []
    listed_by = dt.date.fromisoformat(lst.generated_at[:10])
    if tx.as_of > listed_by:
        warnings.append(f"screening used {lst.version}; list changes after that date are not known to longarm")
    for i, party in enumerate(tx.parties):
        matches = match.screen(party.name, party.country, lst, type=party.type)
        if not matches:
            findings.append(
                Citation(
                    citation="15 CFR 744 Supp. 4; Consolidated Screening List",
                    text=f"{party.role} '{party.name}': no match in {lst.version}",
                )
            )
        for m in matches:
            e = m.entry
            footnotes = e.footnotes
            if e.list_name == "Entity List":
                status = listing_dates.listing(e.federal_register, tx.as_of, listed_by=listed_by)
                if status.state is False:
                    findings.append(
                        Citation(
                            citation="15 CFR 744 Supp. 4",
                            text=f"{party.role} '{party.name}' matches '{m.matched_name}', {status.text}",
                        )
                    )
                    continue
                if status.state is None:
                    warnings.append(f"parties[{i}]: '{m.matched_name}' {status.text}; the listing is applied")
                footnotes = []
                for n in e.footnotes:
                    fn = listing_dates.footnote(n, e.federal_register, tx.as_of)
                    if fn.state is False:
                        findings.append(
                            Citation(
                                citation="15 CFR 744 Supp. 4",
                                text=f"'{m.matched_name}': {fn.text}; the entry is applied without it",
                            )
                        )
                        continue
                    if fn.state is None:
                        warnings.append(f"parties[{i}]: '{m.matched_name}' {fn.text}; the footnote is applied")
                    footnotes.append(n)
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
                footnotes=footnotes,
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
