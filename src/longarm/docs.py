"""Generated documentation: README sections that must not drift from the code.

`python -m longarm.docs README.md` rewrites every section between `<!-- NAME:start -->` and
`<!-- NAME:end -->` markers; the tests fail when the committed README differs.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from pathlib import Path

from longarm.chips import listing
from longarm.rules.registry import markdown as rules_markdown

CATALOGUE_DATES = (dt.date(2023, 1, 1), dt.date(2024, 1, 1), dt.date(2026, 11, 28))


def catalogue_table() -> str:
    """Every catalogue chip's ECCN on the three reference dates."""
    by_date = {on: {r["id"]: r for r in listing(on)} for on in CATALOGUE_DATES}
    first = by_date[CATALOGUE_DATES[0]]
    head = "| chip | TPP | density | " + " | ".join(f"ECCN {on}" for on in CATALOGUE_DATES) + " |"
    lines = [head, "|" + " --- |" * (3 + len(CATALOGUE_DATES))]
    for chip_id, r in first.items():
        tpp = "unknown" if r["tpp"] is None else f"{r['tpp']:,.0f}"
        pd = "unknown" if r["performance_density"] is None else f"{r['performance_density']:.2f}"
        cells = []
        for on in CATALOGUE_DATES:
            row = by_date[on][chip_id]
            cells.append(
                row["eccn"]
                if row["eccn"] != "UNDETERMINED"
                else "undetermined (" + " / ".join(row["eccn_candidates"]) + ")"
            )
        lines.append(f"| `{chip_id}` | {tpp} | {pd} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def bench_table() -> str:
    """The benchmark table as last recorded by `make bench` (bench/RESULTS.md)."""
    path = Path(__file__).resolve().parents[2] / "bench" / "RESULTS.md"
    if not path.is_file():
        return "(run `make bench`)\n"
    lines = path.read_text("utf-8").splitlines()
    return "\n".join(line for line in lines if line.startswith("|") or line.startswith("Measured")) + "\n"


SECTIONS: dict[str, Callable[[], str]] = {"rules": rules_markdown, "catalogue": catalogue_table, "bench": bench_table}


def render(text: str) -> str:
    """`text` with every generated section brought up to date."""
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        text = pattern.sub(lambda m, make=make: m.group(1) + make() + m.group(2), text)
    return text


def main(paths: list[str]) -> None:
    for p in paths:
        path = Path(p)
        path.write_text(render(path.read_text("utf-8")), "utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
