"""The catalogue's status on a date: each chip's ECCN, and its license status for a few
representative destinations, as the diff and the what-if compare them.

The representative transaction: an export from the United States of the US-origin chip to an end
user located and headquartered in the destination, for none of the listed end uses. Facts beyond
these (the exporter, letters, the end user's name) stay unknown."""

from __future__ import annotations

import datetime as dt
from typing import Any

# One destination per kind of treatment: China and Macau (named in every scope), a Country Group
# D:5 member, D:1/D:4 members outside D:5, A:5 members, and the countries whose membership moved.
DESTINATIONS = ("CN", "MO", "RU", "KH", "VN", "SA", "AE", "MY", "IN", "DE")
END_USER = "Representative Local Customer"


def eccn(chip_id: str, on: dt.date) -> str:
    """The chip's ECCN on `on`; an undetermined one names its candidates."""
    from longarm.classify import classify
    from longarm.model import Item

    r = classify(Item(catalog_id=chip_id), on)
    if r.eccn == "UNDETERMINED":
        return f"undetermined ({' / '.join(r.candidates)})"
    return r.eccn


def status(chip_id: str, country: str, on: dt.date, posture: str = "text") -> str:
    """The outcome of exporting the chip from the United States to `country` on `on`, with the
    review policy of its license requirements or the exceptions available."""
    from longarm.assess import assess
    from longarm.model import Item, Party, Transaction

    user = Party(
        role="end_user",
        name=END_USER,
        country=country,
        headquarters_country=country,
        ultimate_parent_headquarters_country=country,
    )
    d = assess(
        Transaction(
            as_of=on,
            from_country="US",
            to_country=country,
            item=Item(catalog_id=chip_id, origin_country="US"),
            parties=[user],
            end_uses=[],
            posture=posture,  # type: ignore[arg-type]
        )
    )
    detail = sorted({_policy(r.review_policy) for r in d.license_requirements if r.review_policy})
    if d.outcome == "LICENSE_EXCEPTION":
        detail = sorted({e.name for e in d.license_exceptions})
    return d.outcome + (f" ({'; '.join(detail)})" if detail else "")


def _policy(text: str) -> str:
    """A review policy without its trailing "(15 CFR ...)" citation: a status compares the policy."""
    text = text.strip()
    if text.endswith(")"):
        depth = 0
        for i in range(len(text) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(text[i], 0)
            if depth == 0:
                if text[i:].startswith("(15 CFR"):
                    return text[:i].rstrip()
                break
    return text


def snapshot(
    on: dt.date, destinations: tuple[str, ...] = DESTINATIONS, posture: str = "text"
) -> dict[str, dict[str, Any]]:
    """Every catalogue chip's ECCN and destination statuses on `on`."""
    from longarm import catalog

    return {
        chip: {"eccn": eccn(chip, on), "destinations": {c: status(chip, c, on, posture) for c in destinations}}
        for chip in catalog.chips()
    }


def compare(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The chips whose ECCN or a destination's status differs, in catalogue order."""
    out = []
    for chip, b in before.items():
        a = after[chip]
        dests = [
            {"country": c, "before": s, "after": a["destinations"][c]}
            for c, s in b["destinations"].items()
            if a["destinations"][c] != s
        ]
        if b["eccn"] != a["eccn"] or dests:
            out.append({"id": chip, "before": b["eccn"], "after": a["eccn"], "destinations": dests})
    return out
