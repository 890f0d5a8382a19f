"""The batch report: a static HTML summary a compliance manager can forward.

Counts by outcome and by destination, the rows that need a license or are flagged (General
Prohibition 10, Entity List or other list hits, invalid rows; the first 5,000), and two charts
embedded as images. Built from the run's per-partition summaries, so its memory does not grow
with the order book. Values are text, never markup: `$...$` in a label is not math.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from pathlib import Path
from typing import Any

from longarm.errors import InputError, Problem

COLUMNS = (
    "order_id",
    "to_country",
    "catalog_id",
    "end_user",
    "eccn",
    "outcome",
    "general_prohibitions",
    "screening_hits",
    "reasons",
    "error",
)


def pdf_support() -> None:
    """Exit 2 before any work when a PDF report is asked for and WeasyPrint is missing."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        raise InputError(
            Problem("--report", "a PDF report needs WeasyPrint (pip install weasyprint); use .html")
        ) from None


def _chart(counts: dict[str, int], title: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with plt.rc_context({"text.parse_math": False, "text.usetex": False}):
        fig, ax = plt.subplots(figsize=(6, 2.6), dpi=110)
        labels = [str(k) for k in list(counts)[:15]]
        ax.barh(range(len(labels)), [counts[k] for k in list(counts)[:15]][::-1], color="#4a6fa5")
        ax.set_yticks(range(len(labels)), labels[::-1])
        ax.set_title(title, fontsize=9)
        ax.tick_params(labelsize=7)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
    return f'<img alt="{html.escape(title)}" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _table(rows: list[dict[str, Any]], cols: list[str]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(r.get(c, '')))}</td>" for c in cols) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_report(
    data: dict[str, Any], path: Path, *, run_id: str, input_path: Path, counts: dict[str, int], lists_version: str
) -> Path:
    """`data`: {"destinations": {country: rows}, "flagged": n, "flagged_rows": [row, ...]}."""
    by_dest = data["destinations"]
    rows = data["flagged_rows"]
    total = sum(counts.values())
    cols = list(COLUMNS)
    outcome_rows = [{"outcome": k, "rows": v} for k, v in counts.items()]
    doc = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>longarm batch report {html.escape(run_id)}</title>
<style>body{{font:14px system-ui,sans-serif;margin:2em;max-width:1200px}}table{{border-collapse:collapse;font-size:12px}}
td,th{{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}}th{{background:#eef}}</style></head><body>
<h1>Export-control screening of {html.escape(input_path.name)}</h1>
<p>Run {html.escape(run_id)}; {total:,} rows; lists {html.escape(lists_version)}; generated
{dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}. Determinations apply the cited EAR text to the
facts in the order book; they are not legal advice.</p>
<h2>Outcomes</h2>{_table(outcome_rows, ["outcome", "rows"])}{_chart(counts, "rows by outcome")}
<h2>Destinations</h2>{_chart(by_dest, "rows by destination")}
<h2>Rows needing a license, flagged or invalid ({data["flagged"]:,})</h2>
{_table(rows, cols)}
{f"<p>First {len(rows):,} shown; the output file holds all.</p>" if data["flagged"] > len(rows) else ""}
</body></html>"""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".pdf":
        pdf_support()
        from weasyprint import HTML

        HTML(string=doc).write_pdf(path)
    else:
        path.write_text(doc, "utf-8")
    return path
