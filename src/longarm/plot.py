"""The TPP × performance-density plane with the 3A090 regions of a date shaded and each chip placed."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from longarm import params
from longarm.chips import listing
from longarm.errors import InputError, Problem

X_MIN, X_MAX, Y_MIN, Y_MAX = 100.0, 60000.0, 0.15, 60.0
UNKNOWN_Y = 0.2  # chips without die area sit on a strip at the bottom, labels upright


def plot(path: Path, on: dt.date) -> Path:
    """Write the chart to `path` (.png or .svg)."""
    if path.suffix.lower() not in (".png", ".svg"):
        raise InputError(Problem("--plot", "must end in .png or .svg"))
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist (create it first)"
        raise InputError(Problem("--plot", f"folder {str(folder)!r} {what}"))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(Problem("--plot", f"folder {str(folder)!r} is not writable"))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 6.5), dpi=120)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(X_MIN, X_MAX)
    ax.set_ylim(Y_MIN, Y_MAX)
    version = params.in_force("classification", "eccn_3a090_ab", on)
    if version is None:
        title = f"No 3A090 on {on} (first in force 2022-10-07)"
    elif version["test"] == "io_and_tpp":
        p = version["params"]
        ax.axvspan(
            p["tpp"],
            X_MAX,
            color="#d62728",
            alpha=0.15,
            label=f"3A090.a if I/O ≥ {p['io_gbs']} GB/s (TPP ≥ {p['tpp']})",
        )
        title = f"3A090 as of {on} ({params.cite(version)}): TPP and I/O, no density test"
    else:
        p = version["params"]
        ax.fill_between([p["a1_tpp"], X_MAX], Y_MIN, Y_MAX, color="#d62728", alpha=0.18, label="3A090.a.1")
        ax.fill_between([p["a2_tpp"], p["a1_tpp"]], p["a2_pd"], Y_MAX, color="#d62728", alpha=0.10, label="3A090.a.2")
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
            ax.vlines(row["tpp"], lo, hi, color=color, lw=2.2, alpha=0.75, zorder=3)
            ax.scatter([row["tpp"]] * 2, [lo, hi], s=22, marker="_", color=color, zorder=3)
            ax.annotate(row["id"], (row["tpp"], hi), fontsize=6, xytext=(3, 2), textcoords="offset points")
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
    ax.set_xlabel("total processing performance (TPP)")
    ax.set_ylabel("performance density (TPP / mm²)")
    ax.set_title(title, fontsize=9)
    ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    save(fig, path)
    return path


def save(fig: Any, path: Path, **savefig: Any) -> None:
    """Write a figure for `--plot` and close it: written beside the target and renamed, so an
    existing file is never left half-written; an unwritable path is the caller's error."""
    import matplotlib.pyplot as plt

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp{path.suffix}")
    try:
        fig.savefig(tmp, **savefig)
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise InputError(Problem("--plot", f"cannot write {str(path)!r}: {e.strerror or e}")) from None
    finally:
        plt.close(fig)
