"""The TPP × performance-density chart as SVG, drawn on the server (no JavaScript).

The same regions and scales as `longarm chips --plot`; each chip is a point whose `<title>`
names it on hover, and the page lists the same data as a table for screen readers.
"""

from __future__ import annotations

import datetime as dt
import math
from html import escape
from typing import Any

from longarm import params
from longarm.plot import UNKNOWN_Y, X_MAX, X_MIN, Y_MAX, Y_MIN

W, H, LEFT, RIGHT, TOP, BOTTOM = 760, 470, 64, 16, 16, 48
COLORS = {"3A090.a": "#a50f15", "3A090.b": "#b34700", "3A991.p": "#1f5a96", "UNDETERMINED": "#4d4d4d"}


def _x(v: float) -> float:
    v = min(max(v, X_MIN), X_MAX)
    return LEFT + (math.log10(v) - math.log10(X_MIN)) / (math.log10(X_MAX) - math.log10(X_MIN)) * (W - LEFT - RIGHT)


def _y(v: float) -> float:
    v = min(max(v, Y_MIN), Y_MAX)
    return TOP + (1 - (math.log10(v) - math.log10(Y_MIN)) / (math.log10(Y_MAX) - math.log10(Y_MIN))) * (
        H - TOP - BOTTOM
    )


def _rect(x0: float, x1: float, y0: float, y1: float, fill: str, opacity: float, label: str) -> str:
    x, y = _x(x0), _y(y1)
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{_x(x1) - x:.1f}" height="{_y(y0) - y:.1f}" fill="{fill}" '
        f'fill-opacity="{opacity}"><title>{escape(label)}</title></rect>'
    )


def regions(on: dt.date) -> tuple[str, list[str]]:
    """The 3A090 regions in force on `on` as SVG, and the caption lines."""
    version = params.in_force("classification", "eccn_3a090_ab", on)
    if version is None:
        return "", [f"No 3A090 on {on} (first in force 2022-10-07)."]
    p = version["params"]
    if version["test"] == "io_and_tpp":
        return _rect(p["tpp"], X_MAX, Y_MIN, Y_MAX, "#d62728", 0.15, f"3A090.a if I/O ≥ {p['io_gbs']} GB/s"), [
            f"3A090 as of {on} ({params.cite(version)}): TPP ≥ {p['tpp']:g} and I/O ≥ {p['io_gbs']:g} GB/s; no density test."
        ]
    parts = [
        _rect(p["a1_tpp"], X_MAX, Y_MIN, Y_MAX, "#d62728", 0.18, f"3A090.a.1: TPP ≥ {p['a1_tpp']:g}"),
        _rect(
            p["a2_tpp"],
            p["a1_tpp"],
            p["a2_pd"],
            Y_MAX,
            "#d62728",
            0.10,
            f"3A090.a.2: TPP ≥ {p['a2_tpp']:g}, PD ≥ {p['a2_pd']:g}",
        ),
        _rect(p["b2_tpp"], p["a1_tpp"], p["b2_pd"], p["b2_pd_below"], "#ff7f0e", 0.18, "3A090.b.2"),
        _rect(p["b1_tpp"], p["b1_tpp_below"], p["b1_pd"], p["b2_pd"], "#ff7f0e", 0.10, "3A090.b.1"),
    ]
    return "".join(parts), [
        f"3A090 regions as of {on} ({params.cite(version)}): 3A090.a.1 TPP ≥ {p['a1_tpp']:g}; "
        f"3A090.a.2 TPP ≥ {p['a2_tpp']:g} and PD ≥ {p['a2_pd']:g}; 3A090.b below them. "
        f"Non-datacenter items below TPP {p['datacenter_note_tpp']:g} are excluded."
    ]


def chart(rows: list[dict[str, Any]], on: dt.date) -> tuple[str, list[str]]:
    """The chart's SVG (safe to insert: every name is escaped) and its caption."""
    shaded, caption = regions(on)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
        f'aria-labelledby="chart-title" class="chart"><title id="chart-title">TPP and performance density of '
        f"the catalogue, with the 3A090 thresholds of {on}</title>",
        f'<rect x="{LEFT}" y="{TOP}" width="{W - LEFT - RIGHT}" height="{H - TOP - BOTTOM}" fill="#ffffff" stroke="#666"/>',
        shaded,
    ]
    for v in (100, 300, 1000, 3000, 10000, 30000):
        x = _x(v)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{H - BOTTOM}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{H - BOTTOM + 16}" text-anchor="middle" font-size="11">{v:,}</text>')
    for w in (0.3, 1.0, 3.0, 10.0, 30.0):
        y = _y(w)
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{w:g}</text>')
    out.append(f'<text x="{(W + LEFT) / 2}" y="{H - 8}" text-anchor="middle" font-size="12">TPP (log)</text>')
    out.append(
        f'<text x="14" y="{(H - BOTTOM) / 2}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 14 {(H - BOTTOM) / 2})">performance density (log)</text>'
    )
    for r in rows:
        if r["tpp"] is None:
            continue
        if r["performance_density"] is None and r["performance_density_range"] is not None:
            out.append(_range_bar(r))
            continue
        known = r["performance_density"] is not None
        y = _y(r["performance_density"] if known else UNKNOWN_Y)
        pd = f"{r['performance_density']:.2f}" if known else "unknown (die area not published)"
        label = escape(f"{r['id']}: TPP {r['tpp']:,.0f}, density {pd}, {r['eccn']}")
        color = COLORS.get(r["eccn"], "#000000")
        shape = (
            f'<circle cx="{_x(r["tpp"]):.1f}" cy="{y:.1f}" r="5" fill="{color}" stroke="#fff"/>'
            if known
            else f'<path d="M{_x(r["tpp"]) - 5:.1f},{y - 4:.1f} h10 l-5,8 z" fill="{color}"/>'
        )
        out.append(f'<g class="chip"><title>{label}</title>{shape}</g>')
    out.append("</svg>")
    return "".join(out), caption


def density_text(value: float | None, span: list[float | None] | None) -> str:
    """A performance density for the page: the figure, its range where the die area is known only as a
    range (">= lo" where the area has only an upper bound), or unknown."""
    if value is not None:
        return f"{value:.2f}"
    if span is not None and span[0] is not None:
        return f"≥ {span[0]:.2f}" if span[1] is None else f"{span[0]:.2f} to {span[1]:.2f}"
    return "unknown"


def _range_bar(r: dict[str, Any]) -> str:
    """A chip whose die area is known only as a range: a bar over the densities it allows (to the top
    of the frame where the range is open), never a point at a guessed density."""
    lo, hi = r["performance_density_range"]
    x, color = _x(r["tpp"]), COLORS.get(r["eccn"], "#000000")
    pd = density_text(None, r["performance_density_range"])
    label = escape(f"{r['id']}: TPP {r['tpp']:,.0f}, density {pd} (die area known only as a range), {r['eccn']}")
    y0, y1 = _y(lo), _y(hi if hi is not None else Y_MAX)
    return (
        f'<g class="chip"><title>{label}</title><line x1="{x:.1f}" x2="{x:.1f}" y1="{y0:.1f}" y2="{y1:.1f}" '
        f'stroke="{color}" stroke-width="4" stroke-opacity="0.75"/></g>'
    )
