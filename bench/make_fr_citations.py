"""Build src/longarm/data/fr_citations.csv: Federal Register citation -> publication/effective date.

Run from the repository root with the statute book beside it (`../shared`):

    python bench/make_fr_citations.py ../shared

Two kinds of rows:
- `document`: one Federal Register document, pages first..last, with the publication and effective
  dates its own header states (sources named per row, transcribed from the Federal Register copies
  cited in `source`).
- `anchor`: one page known to carry a listing of that date (kept in `published`): the `start_date` column of the trade.gov
  Consolidated Screening List (2022 snapshot, `data/lists/consolidated.csv.gz`) for the earliest
  citation of an Entity List row. trade.gov gives it as the listing's start date (usually the FR
  publication date, sometimes the effective date).
The runtime (`longarm.listing_dates`) brackets any other page between the nearest rows of its volume
(FR pages run in publication order).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import sys
from collections import defaultdict
from pathlib import Path

CIT = re.compile(r"\b(\d{1,3})\s*F\.?\s?R\.?\s*(\d+)")

FR_GOV = "federalregister.gov / govinfo.gov"
# volume, first page, last page, published, effective, FR doc, what, source, source_quality
DOCUMENTS: list[tuple[int, int, int, str, str, str, str, str, str]] = [
    (
        84,
        22961,
        22963,
        "2019-05-21",
        "2019-05-16",
        "",
        "Huawei and 68 affiliates added to the Entity List",
        "85 FR 51596 (2020-08-20) preamble: 'added to the Entity List effective May 16, 2019 (84 FR 22961, May 21, "
        "2019)' (docslib.org copy of the FR page); regs/timeline.md",
        "primary",
    ),
    (
        84,
        43487,
        43495,
        "2019-08-21",
        "2019-08-19",
        "2019-17921",
        "46 further Huawei affiliates",
        "85 FR 51596 preamble: 'Effective August 19, 2019 (84 FR 43487, August 21, 2019)'",
        "primary",
    ),
    (
        85,
        29849,
        29853,
        "2020-05-19",
        "2020-05-15",
        "2020-10856",
        "General Prohibition Three amended; footnote 1 designation for Huawei entries",
        "FR document 2020-10856 header (api.ai-analytics.org/commerce-rule/2020-10856; open-gov.usebase.io)",
        "primary",
    ),
    (
        85,
        51596,
        51603,
        "2020-08-20",
        "2020-08-17",
        "",
        "38 Huawei affiliates added; FDP rule refined",
        "85 FR 51596 page header (Thursday, August 20, 2020); effective date: mohawkglobal.com trade-talk (secondary)",
        "secondary",
    ),
    (
        87,
        51876,
        51880,
        "2022-08-24",
        "2022-08-24",
        "2022-18268",
        "Additions of Entities to the Entity List",
        "regulations.justia.com/regulations/fedreg/2022/08/24/2022-18268 (FR page header and DATES)",
        "primary",
    ),
    (
        87,
        57068,
        57106,
        "2022-09-16",
        "",
        "2022-19910",
        "Russia/Belarus sanctions; Entity List changes",
        "regulations.justia.com/regulations/fedreg/2022/09/16/2022-19910 (FR page header)",
        "primary",
    ),
    (
        87,
        62186,
        62202,
        "2022-10-13",
        "2022-10-07",
        "2022-21658",
        "Advanced computing IFR; footnote 4 for 28 existing entities (Entity List modification at 87 FR 62202)",
        "FR document 2022-21658 (api.ai-analytics.org/commerce-rule/2022-21658); regs/timeline.md",
        "primary",
    ),
    (
        87,
        77505,
        77508,
        "",
        "2022-12-16",
        "",
        "36 entities added (China, Japan), incl. footnote 4 entries",
        "FR rule 'Additions and Revisions to the Entity List and Conforming Removal From the Unverified List', "
        "DATES: effective December 16, 2022 (d1tvxue8o4w0fl.cloudfront.net/federal-register copy)",
        "primary",
    ),
    (
        88,
        2821,
        2821,
        "2023-01-18",
        "",
        "2023-00888",
        "Advanced computing controls extended to Macau",
        "regs/timeline.md; regs/text/FR-abstracts",
        "primary",
    ),
    (
        88,
        6621,
        6624,
        "2023-02-01",
        "2023-01-31",
        "2023-02130",
        "Additions to the Entity List (Iran)",
        "regulations.justia.com/regulations/fedreg/2023/02/01/2023-02130 (FR page header and DATES)",
        "primary",
    ),
    (
        88,
        71991,
        71994,
        "2023-10-19",
        "2023-10-17",
        "2023-23048",
        "Entity List Additions: 13 entities in China (Biren, Moore Threads ...)",
        "govinfo.gov/content/pkg/FR-2023-10-19/html/2023-23048.htm (Pages 71991-71994; DATES)",
        "primary",
    ),
    (88, 73424, 73424, "2023-10-25", "2023-11-17", "2023-23049", "SME IFR", "regs/timeline.md", "primary"),
    (88, 73458, 73458, "2023-10-25", "2023-11-17", "2023-23055", "AC/S IFR", "regs/timeline.md", "primary"),
    (
        89,
        12231,
        12742,
        "2024-02-16",
        "",
        "",
        "issue No. 33 (all pages)",
        "govinfo.gov FR-2024-02-16 Reader Aids: 'Pages 12231-12742'",
        "primary",
    ),
    (
        89,
        14403,
        14403,
        "2024-02-27",
        "2024-02-27",
        "2024-03674",
        "Additions, revisions and a removal",
        "lexbuild.dev/fr/2024/02/2024-03674 (fr_citation, publication and effective dates)",
        "primary",
    ),
    (89, 23876, 23876, "2024-04-04", "", "2024-07004", "Corrections IFR", "regs/timeline.md", "primary"),
    (
        89,
        51644,
        51680,
        "2024-06-18",
        "",
        "2024-13148",
        "Russia/Belarus sanctions; 5 entities and 8 addresses",
        "regulations.justia.com/regulations/fedreg/2024/06/18/2024-13148 (FR page header)",
        "primary",
    ),
    (
        89,
        55033,
        55036,
        "2024-07-03",
        "",
        "2024-14635",
        "Addition of Entities and Revision of Entries",
        "regulations.justia.com/regulations/fedreg/2024/07/03/2024-14635 (FR page header)",
        "primary",
    ),
    (89, 72926, 72926, "2024-09-06", "", "", "CCL additions", "regs/timeline.md", "primary"),
    (
        89,
        86231,
        86712,
        "2024-10-30",
        "",
        "",
        "issue No. 210 (all pages)",
        "govinfo.gov FR-2024-10-30 Reader Aids: 'Pages 86231-86712'",
        "primary",
    ),
    (
        89,
        96790,
        96790,
        "2024-12-05",
        "2024-12-02",
        "2024-28270",
        "FDP IFR; footnote 5 created",
        "regs/timeline.md; regs/text/FR-abstracts",
        "primary",
    ),
    (
        89,
        96837,
        96837,
        "2024-12-05",
        "2024-12-02",
        "2024-28267",
        "140 Entity List additions, 14 entries modified (footnote 5 designations), published with the FDP IFR",
        "regs/timeline.md ('2024-12-02 ... SiCarrier row cites 89 FR 96837'); FR document 2024-28267 summary "
        "(frtracker.app) says it publishes concurrently with the FDP IFR",
        "secondary",
    ),
    (
        90,
        4544,
        4544,
        "2025-01-15",
        "2025-01-13",
        "2025-00636",
        "Framework for AI Diffusion",
        "regs/timeline.md",
        "primary",
    ),
    (
        90,
        4617,
        4620,
        "2025-01-16",
        "2025-01-16",
        "2025-00704",
        "11 entities added (China)",
        "frtracker.app/fr/2025-00704 (FR citation, pages, publication and effective dates)",
        "primary",
    ),
    (
        90,
        4621,
        4624,
        "2025-01-16",
        "2025-01-16",
        "2025-00480",
        "16 entities added (Sophgo ...)",
        "frtracker.app/fr/2025-00480 (FR citation, pages, publication and effective dates)",
        "primary",
    ),
    (
        90,
        5298,
        5298,
        "2025-01-16",
        "2025-01-16",
        "2025-00711",
        "Foundry due-diligence IFR",
        "regs/timeline.md",
        "primary",
    ),
    (90, 9604, 9604, "2025-02-14", "2025-02-11", "2025-02655", "3A090 correction", "regs/timeline.md", "primary"),
    (
        90,
        14046,
        14052,
        "2025-03-28",
        "2025-03-25",
        "2025-05427",
        "12 entities added (China, Taiwan)",
        "frtracker.app/fr/2025-05427 (FR citation, pages, publication and effective dates)",
        "primary",
    ),
    (
        90,
        47201,
        47214,
        "2025-09-30",
        "2025-09-29",
        "2025-19001",
        "Affiliates rule",
        "regs/entity-list-huawei.md",
        "primary",
    ),
    (91, 1684, 1684, "2026-01-15", "2026-01-15", "2026-00789", "H200 review policy", "regs/timeline.md", "primary"),
]

HEADER = ["volume", "first_page", "last_page", "published", "effective", "document", "what", "source", "source_quality"]


def anchors(shared: Path) -> dict[tuple[int, int], str]:
    """Earliest citation of each 2022 Entity List row -> its trade.gov start_date (earliest in the volume's year)."""
    path = shared / "data" / "lists" / "consolidated.csv.gz"
    seen: dict[tuple[int, int], set[str]] = defaultdict(set)
    with gzip.open(path) as fh:
        for row in csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8")):
            if not row["source"].startswith("Entity List") or not row["start_date"]:
                continue
            cites = [(int(v), int(p)) for v, p in CIT.findall(row["federal_register_notice"])]
            if cites:
                seen[min(cites)].add(row["start_date"])
    out = {}
    for (vol, page), dates in seen.items():
        in_year = sorted(d for d in dates if d[:4] == str(1935 + vol))
        if in_year:
            out[(vol, page)] = in_year[0]
    return out


def monotone(rows: list[list[str]]) -> list[list[str]]:
    """Drop anchors whose date runs against the page order of their volume (a later modification's date)."""
    keep: list[list[str]] = []
    by_vol: dict[str, list[list[str]]] = defaultdict(list)
    for r in rows:
        by_vol[r[0]].append(r)
    for vol_rows in by_vol.values():
        vol_rows.sort(key=lambda r: int(r[1]))
        docs = [r for r in vol_rows if r[6] != "listing start date"]
        for r in vol_rows:
            if r[6] != "listing start date":
                keep.append(r)
                continue
            d, p = r[4], int(r[1])
            bad = any((int(o[1]) <= p and (o[3] or o[4]) > d) or (int(o[1]) >= p and (o[3] or o[4]) < d) for o in docs)
            if not bad:
                keep.append(r)
    return keep


def main(shared: Path, out: Path) -> None:
    rows = [[str(c) for c in d] for d in DOCUMENTS]
    covered = {(d[0], p) for d in DOCUMENTS for p in range(d[1], d[2] + 1)}
    for (vol, page), date in sorted(anchors(shared).items()):
        if (vol, page) in covered:
            continue
        rows.append(
            [
                str(vol),
                str(page),
                str(page),
                date,
                "",
                "",
                "listing start date",
                "trade.gov CSL 2022 snapshot, start_date of the Entity List rows first citing this page",
                "primary",
            ]
        )
    rows = monotone(rows)
    rows.sort(key=lambda r: (int(r[0]), int(r[1])))
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    print(f"{len(rows)} rows -> {out}")


if __name__ == "__main__":
    base = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared")
    main(base, Path("src/longarm/data/fr_citations.csv"))
