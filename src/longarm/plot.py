"""The TPP × performance-density plane with the 3A090 regions of a date shaded and each chip placed.

A published claim can be marked on it: an arrow from the chip's catalogue position to where the
claim, if true, would put it (scaled along the metric the claim is read along), labelled with the
ECCN that position has. A density known only as a range is drawn as a bar, never as its midpoint.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path
from typing import Any

from longarm import params
from longarm.chips import listing
from longarm.errors import InputError, Problem

X_MIN, X_MAX, Y_MIN, Y_MAX = 100.0, 60000.0, 0.15, 60.0
UNKNOWN_Y = 0.2  # chips without die area sit on a strip at the bottom, labels upright


def plot(path: Path, on: dt.date, claim_ids: list[str] | tuple[str, ...] = ()) -> Path:
    """Write the chart to `path` (.png or .svg), marking the published claims named in `claim_ids`."""
    from longarm import claims as claims_mod

    problems: list[Problem] = []
    if path.suffix.lower() not in (".png", ".svg"):
        problems.append(Problem("--plot", "must end in .png or .svg"))
    problems += _target_problems(path)
    marked = []
    for claim_id in dict.fromkeys(claim_ids):  # every bad id is reported, before anything is drawn
        try:
            marked.append(claims_mod.get(claim_id, "--claim"))
        except InputError as e:
            problems += e.problems
    if problems:
        raise InputError(problems)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [claims_mod.check(c, on) for c in marked]
    # a claim that puts its chip beyond the usual frame widens it rather than leaving the chart
    x_max = max([X_MAX] + [1.4 * r["tpp_if_true"] for r in shown if r["tpp_if_true"] is not None])
    y_max = max([Y_MAX] + [1.4 * y for r in shown for y in _ys(r["performance_density_if_true"])])
    caption_in = 0.34 * len(shown) + (0.35 if shown else 0.0)  # a strip below the chart, one caption per claim
    fig, ax = plt.subplots(figsize=(10, 6.5 + caption_in), dpi=120)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(X_MIN, x_max)
    ax.set_ylim(Y_MIN, y_max)
    version = params.in_force("classification", "eccn_3a090_ab", on)
    if version is None:
        title = f"No 3A090 on {on} (first in force 2022-10-07)"
    elif version["test"] == "io_and_tpp":
        p = version["params"]
        ax.axvspan(
            p["tpp"],
            x_max,
            color="#d62728",
            alpha=0.15,
            label=f"3A090.a if I/O ≥ {p['io_gbs']} GB/s (TPP ≥ {p['tpp']})",
        )
        title = f"3A090 as of {on} ({params.cite(version)}): TPP and I/O, no density test"
    else:
        p = version["params"]
        ax.fill_between([p["a1_tpp"], x_max], Y_MIN, y_max, color="#d62728", alpha=0.18, label="3A090.a.1")
        ax.fill_between([p["a2_tpp"], p["a1_tpp"]], p["a2_pd"], y_max, color="#d62728", alpha=0.10, label="3A090.a.2")
        ax.fill_between(
            [p["b2_tpp"], p["a1_tpp"]], p["b2_pd"], p["b2_pd_below"], color="#ff7f0e", alpha=0.18, label="3A090.b.2"
        )
        ax.fill_between(
            [p["b1_tpp"], p["b1_tpp_below"]], p["b1_pd"], p["b2_pd"], color="#ff7f0e", alpha=0.10, label="3A090.b.1"
        )
        title = (
            f"3A090 regions as of {on} ({params.cite(version)}); non-datacenter items below TPP "
            f"{p['datacenter_note_tpp']:g} excluded"
        )
    colors = {"3A090.a": "#a50f15", "3A090.b": "#d95f0e", "3A991.p": "#2171b5", "UNDETERMINED": "#636363"}
    points: dict[tuple[float, float | None], list[dict]] = {}
    for row in listing(on):
        if row["tpp"] is not None and row["performance_density_range"] is not None:
            # die area known only as a range: a vertical bar over the densities it allows
            lo, hi = row["performance_density_range"]
            color = colors.get(row["eccn"], "#000000")
            # hi null (only an upper bound on the area): the bar runs to the top of the frame
            ends = [lo, hi] if hi is not None else [lo]
            ax.vlines(row["tpp"], lo, hi if hi is not None else y_max, color=color, lw=2.2, alpha=0.75, zorder=3)
            ax.scatter([row["tpp"]] * len(ends), ends, s=22, marker="_", color=color, zorder=3)
            ax.annotate(row["id"], (row["tpp"], ends[-1]), fontsize=6, xytext=(3, 2), textcoords="offset points")
        elif row["tpp"] is not None:
            points.setdefault((round(row["tpp"], 1), row["performance_density"]), []).append(row)
    for (tpp, pd), rows in sorted(points.items(), key=lambda kv: kv[0][0]):
        known = pd is not None
        y: float = pd if pd is not None else UNKNOWN_Y
        ax.scatter(
            tpp,
            y,
            s=28,
            marker="o" if known else "v",
            color=colors.get(rows[0]["eccn"], "#000000"),
            edgecolors="white",
            linewidths=0.5,
            zorder=3,
        )
        label = " / ".join(r["id"] for r in rows)  # chips with the same metrics share one label
        if known:
            ax.annotate(label, (tpp, y), fontsize=6, xytext=(3, 2), textcoords="offset points")
        else:
            ax.annotate(
                label,
                (tpp, y),
                fontsize=5,
                xytext=(0, 6),
                textcoords="offset points",
                rotation=90,
                ha="center",
                va="bottom",
            )
    ax.axhline(UNKNOWN_Y * 0.9, color="#999999", lw=0.5, ls=":")
    ax.text(
        X_MIN * 1.05,
        UNKNOWN_Y * 0.8,
        "▼ die area unknown: performance density unknown;  | die area known only as a range",
        fontsize=7,
    )
    height = 6.5 + caption_in
    if shown:
        fig.text(
            0.01,
            (caption_in - 0.05) / height,
            "\u2605 where a published claim, if true, would put its chip (a dashed bar where its density is a range); "
            "arrows from the chip's catalogue position",
            fontsize=7,
            va="top",
        )
    for i, r in enumerate(shown):
        color = CLAIM_COLORS[i % len(CLAIM_COLORS)]
        caption = _mark(ax, r, color, i + 1)
        fig.text(0.01, (caption_in - 0.3 - 0.34 * i) / height, caption, fontsize=7, color=color, va="top")
    ax.set_xlabel("total processing performance (TPP)")
    ax.set_ylabel("performance density (TPP / mm²)")
    ax.set_title(title, fontsize=9)
    ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout(rect=(0, caption_in / height, 1, 1))
    save(fig, path)
    return path


def _target_problems(path: Path) -> list[Problem]:
    """Why `--plot path` cannot be written, checked before anything is drawn: its folder must be a
    writable folder, and an existing target a regular file (a folder, pipe or device is never replaced)."""
    folder = path.parent
    try:
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist (create it first)"
            return [Problem("--plot", f"folder {str(folder)!r} {what}")]
        if not os.access(folder, os.W_OK | os.X_OK):
            return [Problem("--plot", f"folder {str(folder)!r} is not writable")]
        if path.exists() and not path.is_file():
            return [Problem("--plot", f"{str(path)!r} exists and is not a regular file")]
    except OSError as e:  # a name too long for the file system, a loop of links, ...
        return [Problem("--plot", f"cannot write {str(path)!r}: {e.strerror or e}")]
    return []


CLAIM_COLORS = ("#6a3d9a", "#1b7837", "#b35806", "#01665e")


def _eccn(eccn: str, candidates: list[str]) -> str:
    return f"{eccn} ({'/'.join(candidates)})" if len(candidates) > 1 else eccn


def _ys(value: float | list[float] | None) -> list[float]:
    """Where a density sits on the chart: one point, both ends of a range, or the unknown strip."""
    if value is None:
        return [UNKNOWN_Y]
    return list(value) if isinstance(value, list) else [value]


def _mark(ax: Any, r: dict[str, Any], color: str, n: int) -> str:
    """Claim number `n`: an arrow from the chip's catalogue position to its position if the claim
    were true, tagged [n]; returns the caption naming the claim and the ECCN there (nothing is
    drawn where the position cannot be placed because TPP is unknown)."""
    head = f"[{n}] {r['id']}: {r['chip']} at {r['claimed_ratio']:.3g} × {r['versus']}"
    x0, x1 = r["tpp"], r["tpp_if_true"]
    if x1 is None:
        return f"{head}: cannot be placed, TPP unknown"
    y0s, y1s = _ys(r["performance_density"]), _ys(r["performance_density_if_true"])
    if len(y1s) == 2:
        ax.vlines(x1, y1s[0], y1s[1], color=color, lw=2.2, ls="--", zorder=4)
    ax.scatter([x1] * len(y1s), y1s, s=90, marker="*", color=color, edgecolors="white", linewidths=0.5, zorder=5)
    if x0 is not None:
        # end to end: a point to a range (or back) gets one arrow to each end, never to a midpoint
        pairs = list(zip(y0s, y1s)) if len(y0s) == len(y1s) else [(y0s[0], y1s[0]), (y0s[-1], y1s[-1])]
        for a, b in pairs:
            ax.annotate(
                "",
                xy=(x1, b),
                xytext=(x0, a),
                arrowprops={"arrowstyle": "->", "color": color, "lw": 1.2, "shrinkA": 3, "shrinkB": 5},
                zorder=4,
            )
    ax.annotate(f"[{n}]", (x1, min(y1s)), fontsize=7, color=color, xytext=(4, -9), textcoords="offset points")
    along = "TPP" if r["along"] == "tpp" else "performance density"
    change = {True: "yes", False: "no", None: "unknown"}[r["eccn_would_change"]]
    return (
        f"{head}, read along {along}\n"
        f"      if true: {_eccn(r['eccn_if_true'], r['eccn_if_true_candidates'])}; "
        f"catalogue: {_eccn(r['eccn'], r['eccn_candidates'])}; ECCN changes: {change}"
        + ("; no arrow: the chip's catalogue TPP is unknown" if x0 is None else "")
    )


def save(fig: Any, path: Path, **savefig: Any) -> None:
    """Write a figure for `--plot` and close it: written beside the target and renamed, so an
    existing file is never left half-written; an unwritable path is the caller's error."""
    import matplotlib.pyplot as plt

    # a short temporary name: a target name near the file-system limit must not fail on the temporary one
    tmp = path.with_name(f".longarm-{os.getpid()}.tmp{path.suffix}")
    try:
        fig.savefig(tmp, **savefig)
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise InputError(Problem("--plot", f"cannot write {str(path)!r}: {e.strerror or e}")) from None
    finally:
        plt.close(fig)
