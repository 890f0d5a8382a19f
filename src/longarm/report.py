"""The batch report: a static HTML summary a compliance manager can forward.

Counts by outcome and by destination, every row that needs a license or is flagged (General
Prohibition 10, Entity List or other list hits), and two charts embedded as images.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from pathlib import Path
from typing import Any

import polars as pl

from longarm.errors import InputError, Problem

FLAGGED = ("LICENSE_REQUIRED", "PROHIBITED", "UNDETERMINED")


def _chart(counts: dict[str, int], title: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 2.6), dpi=110)
    labels = list(counts)[:15]
    ax.barh(labels[::-1], [counts[k] for k in labels][::-1], color="#4a6fa5")
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
    df: pl.DataFrame, path: Path, *, run_id: str, input_path: Path, counts: dict[str, int], lists_version: str
) -> Path:
    by_dest = dict(df.group_by("to_country").len().sort("len", descending=True).iter_rows())
    flagged = df.filter(
        pl.col("outcome").is_in(FLAGGED)
        | (pl.col("general_prohibitions") != "")
        | (pl.col("screening_hits") != "")
        | (pl.col("error") != "")
    )
    cols = [
        c
        for c in (
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
        if c in df.columns
    ]
    outcome_rows = [{"outcome": k, "rows": v} for k, v in counts.items()]
    doc = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>longarm batch report {html.escape(run_id)}</title>
<style>body{{font:14px system-ui,sans-serif;margin:2em;max-width:1200px}}table{{border-collapse:collapse;font-size:12px}}
td,th{{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}}th{{background:#eef}}</style></head><body>
<h1>Export-control screening of {html.escape(input_path.name)}</h1>
<p>Run {html.escape(run_id)}; {df.height:,} rows; lists {html.escape(lists_version)}; generated
{dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}. Determinations apply the cited EAR text to the
facts in the order book; they are not legal advice.</p>
<h2>Outcomes</h2>{_table(outcome_rows, ["outcome", "rows"])}{_chart(counts, "rows by outcome")}
<h2>Destinations</h2>{_chart(by_dest, "rows by destination")}
<h2>Rows needing a license, flagged or invalid ({flagged.height:,})</h2>
{_table(flagged.head(5000).to_dicts(), cols)}
{"<p>First 5,000 shown; the output file holds all.</p>" if flagged.height > 5000 else ""}
</body></html>"""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".pdf":
        try:
            from weasyprint import HTML
        except ImportError:
            raise InputError(
                Problem("--report", "a PDF report needs WeasyPrint (pip install weasyprint); use .html")
            ) from None
        HTML(string=doc).write_pdf(path)
    else:
        path.write_text(doc, "utf-8")
    return path
