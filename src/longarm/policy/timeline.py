"""Every rule version since 2022-10-07 on one dated chart: the versions of each dated parameter
as bars, and the dates on which catalogue chips changed status (ECCN, or the license status of an
export to China) as markers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from longarm import params
from longarm.policy import catalogue
from longarm.policy.diff import KIND_OF_FILE, _dated

SINCE = dt.date(2022, 10, 7)
STATUS_COUNTRY = "CN"


def _rules(since: dt.date, until: dt.date) -> list[dict[str, Any]]:
    out = []
    for file in params.FILES[1:]:
        for key, entries in _dated(file):
            if not any(since <= e["from"] <= until or since < e.get("to", since) <= until for e in entries):
                continue  # unchanged since `since`: not a version of the period
            for e in entries:
                if e.get("to") and e["to"] <= since or e["from"] > until:
                    continue
                src = params.source(e["source"])
                out.append(
                    {
                        "file": file,
                        "key": key,
                        "id": e.get("id"),
                        "kind": e.get("kind") or KIND_OF_FILE.get(file, "rule"),
                        "from": e["from"].isoformat(),
                        "to": e["to"].isoformat() if e.get("to") else None,
                        "status": e.get("status") if isinstance(e.get("status"), str) else None,
                        "source": params.cite(e),
                        "source_url": src.get("url"),
                    }
                )
    return out


def _dates(rules: list[dict[str, Any]], since: dt.date, until: dt.date) -> list[dt.date]:
    found = {since}
    for r in rules:
        for d in (r["from"], r["to"]):
            if d and since <= dt.date.fromisoformat(d) <= until:
                found.add(dt.date.fromisoformat(d))
    for c in params.load("country_groups").get("changes") or []:
        if isinstance(c, dict) and isinstance(c.get("date"), dt.date) and since <= c["date"] <= until:
            found.add(c["date"])
    return sorted(found)


def _chip_changes(dates: list[dt.date]) -> list[dict[str, Any]]:
    """Chips whose ECCN or export-to-China status differs from the previous date's."""
    out: list[dict[str, Any]] = []
    previous = None
    for day in dates:
        state = catalogue.snapshot(day, (STATUS_COUNTRY,))
        if previous is not None:
            for change in catalogue.compare(previous, state):
                if change["before"] != change["after"]:
                    out.append(
                        {
                            "date": day.isoformat(),
                            "id": change["id"],
                            "what": "eccn",
                            "before": change["before"],
                            "after": change["after"],
                        }
                    )
                for d in change["destinations"]:
                    out.append(
                        {
                            "date": day.isoformat(),
                            "id": change["id"],
                            "what": f"status {d['country']}",
                            "before": d["before"],
                            "after": d["after"],
                        }
                    )
        previous = state
    return out


def timeline(since: dt.date = SINCE, until: dt.date | None = None) -> dict[str, Any]:
    """The dated versions of every rule changed since `since`, and the chip status changes."""
    until = until or dt.date.today()
    rules = _rules(since, until)
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "rules": rules,
        "country_group_changes": _group_changes(since, until),
        "chip_changes": _chip_changes(_dates(rules, since, until)),
    }


def _group_changes(since: dt.date, until: dt.date) -> list[dict[str, Any]]:
    """The dated Country Group membership changes of the period, with their sources."""
    out = []
    for c in params.load("country_groups").get("changes") or []:
        if not (isinstance(c, dict) and isinstance(c.get("date"), dt.date) and since <= c["date"] <= until):
            continue
        src = params.source(c["source"])
        label = ", ".join(
            p for p in (src.get("citation"), f"FR Doc {src['fr_doc']}" if src.get("fr_doc") else None) if p
        )
        out.append(
            {
                "date": c["date"].isoformat(),
                "country": c["country"],
                "group": c["group"],
                "change": c["change"],
                "source": label or src["title"],
                "source_url": src.get("url"),
            }
        )
    return sorted(out, key=lambda c: c["date"])


COLOURS = {
    "rule": "#4c72b0",
    "threshold": "#4c72b0",
    "exception": "#55a868",
    "guidance": "#dd8452",
    "list_entry": "#8172b3",
    "country_group": "#937860",
}


def plot(data: dict[str, Any], path: Path) -> None:
    """Draw `timeline()` to a PNG: one row per parameter, a bar per version; above it, a marker
    per date on which chips changed status, sized by how many."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    since, until = dt.date.fromisoformat(data["since"]), dt.date.fromisoformat(data["until"])
    rows: list[str] = []
    ordered = sorted(data["rules"], key=lambda r: r["file"] == "countermeasures")  # the EAR first
    for r in ordered:
        label = f"{r['file']}.{r['key']}" if r["file"] != "countermeasures" else f"CN {r['key']}"
        if label not in rows:
            rows.append(label)
    groups_row = "country_groups (dated changes)"
    if data.get("country_group_changes"):
        rows.insert(next((i for i, r in enumerate(rows) if r.startswith("CN ")), len(rows)), groups_row)
    height = 2.2 + 0.24 * len(rows)
    fig, (top, ax) = plt.subplots(
        2, 1, figsize=(15, height), sharex=True, gridspec_kw={"height_ratios": [2.0, 0.24 * len(rows)]}
    )
    for r in data["rules"]:
        label = f"{r['file']}.{r['key']}" if r["file"] != "countermeasures" else f"CN {r['key']}"
        y = len(rows) - 1 - rows.index(label)
        start = max(dt.date.fromisoformat(r["from"]), since)
        end = min(dt.date.fromisoformat(r["to"]) if r["to"] else until, until)
        width = max((end - start).days, 1)
        colour = COLOURS.get(r["kind"], "#4c72b0") if r["file"] != "countermeasures" else "#c44e52"
        faded = r["status"] in ("suspended", "unknown", "announced")
        ax.barh(
            y,
            width,
            left=mdates.date2num(start),
            height=0.7,
            color=colour,
            alpha=0.35 if faded else 0.85,
            edgecolor="white",
            linewidth=1.2,
            hatch="//" if r["status"] == "suspended" else None,
        )
        if width > 120:
            ax.text(mdates.date2num(start) + 4, y, r["id"] or "", va="center", fontsize=6.5, color="black")
    moves: dict[tuple[str, str], list[str]] = {}
    for c in data.get("country_group_changes", []):
        moves.setdefault((c["date"], c["country"]), []).append(("+" if c["change"] == "added" else "-") + c["group"])
    for (day, country), what in moves.items():
        x, y = mdates.date2num(dt.date.fromisoformat(day)), len(rows) - 1 - rows.index(groups_row)
        ax.plot([x], [y], marker="D", color=COLOURS["country_group"], markersize=6)
        ax.annotate(f"{country} {' '.join(what)}", (x, y), xytext=(5, -3), textcoords="offset points", fontsize=6.5)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(list(reversed(rows)), fontsize=7.5)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    plt.setp(ax.get_xticklabels(), rotation=45, ha="right", fontsize=8)
    ax.legend(
        handles=[
            Patch(color=COLOURS["rule"], label="EAR rule version"),
            Patch(color=COLOURS["exception"], label="license exception"),
            Patch(color=COLOURS["guidance"], label="guidance / letters"),
            Patch(color=COLOURS["list_entry"], label="list rule"),
            Patch(color=COLOURS["country_group"], label="Country Group change (◆)"),
            Patch(color="#c44e52", label="China's counter-measure"),
            Patch(facecolor="#999999", alpha=0.35, hatch="//", label="suspended / status unknown"),
        ],
        loc="lower left",
        fontsize=7,
        ncol=6,
        frameon=False,
        bbox_to_anchor=(0, -0.02 - 2.4 / max(len(rows), 1)),
    )
    by_date: dict[str, set[str]] = {}
    for c in data["chip_changes"]:
        by_date.setdefault(c["date"], set()).add(c["id"])
    for i, (day, ids) in enumerate(sorted(by_date.items())):
        x = mdates.date2num(dt.date.fromisoformat(day))
        top.vlines(x, 0, len(ids), color="#333333", linewidth=1)
        top.plot([x], [len(ids)], marker="o", color="#c44e52", markersize=5)
        top.annotate(
            f"{day}\n{len(ids)} chips",
            (x, len(ids)),
            xytext=(3, 2 + 14 * (i % 3)),
            textcoords="offset points",
            fontsize=6.5,
        )
        ax.axvline(x, color="#c44e52", linewidth=0.5, alpha=0.35)
    top.set_ylabel(f"chips changed\n(ECCN or export\nto {STATUS_COUNTRY})", fontsize=8)
    top.set_ylim(0, max((len(v) for v in by_date.values()), default=1) * 1.7 + 1)
    top.grid(axis="y", color="#eeeeee")
    top.set_title(
        f"EAR advanced-computing rules and China's counter-measures, {since} to {until}\n"
        "bars: the versions in force; markers: catalogue chips whose status changed",
        fontsize=10,
    )
    ax.set_xlim(mdates.date2num(since) - 10, mdates.date2num(until) + 10)
    fig.tight_layout()
    fig.subplots_adjust(left=max(fig.subplotpars.left, 0.24))
    from longarm.plot import save

    save(fig, path, dpi=130)
