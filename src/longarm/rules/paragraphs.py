"""Which paragraphs of an ECCN a Commerce Control List "reason for control" line names.

The License Requirements table of a CCL entry names paragraphs in the CCL's own shorthand: lists
and ranges after a first full reference ("NS applies to 3B001.a.1 to a.3, b, e, f.2 to f.4, g to j",
"4A003.b, .c, and .z.1"), full references ("3B001.c.1.a, 3B001.c.1.c, and 3B001.q") or the whole
entry ("AT applies to entire entry"). `covers` reads such a line against the item's ECCN: covered,
not covered, or unknown when the ECCN as given is broader than the paragraphs named or the line
adds conditions in words ("when usable in missiles", "except ... civil telecommunications").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from longarm.rules.logic import Tri

Path = tuple[str, ...]

# A full reference: ECCN and its paragraphs ("3B001.c.1.a"; the CCL once writes "3A001.z. 1.b").
_FULL = re.compile(r"\b(\d[A-E]\d{3})((?:\.(?: (?=\d))?[a-z0-9]+)*)")
# A short reference continuing a list ("a.3", "b", ".z.1"), not the start of a word ("discrete").
_SHORT = re.compile(r"\.?((?:[a-z]|\d+)(?:\.[a-z0-9]+)*)(?![A-Za-z0-9])")
# Separators inside a list: commas, "and", "or", and "to"/"through" for a range.
_SEP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s+(to|through)\s+)")
_LEAD = re.compile(r"^\s*[A-Z]{2,3}\s+applies\s+(?:to\s+)?(?:items\s+controlled\s+by\s+)?")
_ENTIRE = re.compile(r"\bentire entry\b")


@dataclass(frozen=True)
class Named:
    """One paragraph (`end` None) or a range of sibling paragraphs named for ECCN `eccn`."""

    eccn: str
    start: Path
    end: Path | None = None

    def __str__(self) -> str:
        first = ".".join((self.eccn, *self.start))
        return first if self.end is None else f"{first} to {'.'.join(self.end)}"


@dataclass(frozen=True)
class Reading:
    entire: bool
    named: tuple[Named, ...]
    qualified: bool  # words beyond the list: a condition the facts given do not settle


def _path(text: str) -> Path:
    return tuple(p for p in text.replace(" ", "").lower().strip(".").split(".") if p)


def split(eccn: str) -> tuple[str, Path]:
    """'3B001.C.1.a' -> ('3B001', ('c', '1', 'a'))."""
    base, _, rest = eccn.strip().partition(".")
    return base.upper(), _path(rest)


@cache
def read(control: str) -> Reading:
    """The paragraphs a reason-for-control line names; for "entire entry except ...", the paragraphs
    excepted (`named`), with `qualified` when the exception is stated in words."""
    entire = _ENTIRE.search(control)
    if entire:
        tail = control[entire.end() :]
        exc = re.search(r"\bexcept\b", tail)
        if exc is None:
            return Reading(True, (), False)
        named, rest = _list(tail[exc.end() :])
        return Reading(True, named, bool(re.search(r"[A-Za-z]", rest)))
    named, rest = _list(control)
    return Reading(False, named, bool(re.search(r"[A-Za-z]", _LEAD.sub("", rest))))


def _list(control: str) -> tuple[tuple[Named, ...], str]:
    """The paragraphs named in a text, and the words left over."""
    named: list[Named] = []
    left: list[str] = []
    pos = 0
    while (m := _FULL.search(control, pos)) is not None:
        left.append(control[pos : m.start()])
        eccn, start = m.group(1), _path(m.group(2))
        pending: Path | None = start
        pos = m.end()
        while True:
            sep = _SEP.match(control, pos)
            if sep is None:
                break
            at = sep.end()
            full = _FULL.match(control, at)
            short = None if full else _SHORT.match(control, at)
            if full is None and short is None:
                break
            if full is not None:
                if full.group(1) != eccn and pending is not None:
                    named.append(Named(eccn, pending))
                    pending = None
                eccn, nxt, pos = full.group(1), _path(full.group(2)), full.end()
            else:
                nxt, pos = _path(short.group(1)), short.end()  # type: ignore[union-attr]
            if sep.group(1) and pending is not None:  # "x to y": a range of siblings
                named.append(Named(eccn, pending, nxt))
                pending = None
            else:
                if pending is not None:
                    named.append(Named(eccn, pending))
                pending = nxt
        if pending is not None:
            named.append(Named(eccn, pending))
    left.append(control[pos:])
    return tuple(named), "".join(left)


def _key(part: str) -> tuple[int, int | str]:
    return (0, int(part)) if part.isdigit() else (1, part)


def _relation(path: Path, n: Named) -> str:
    """'inside' (the item's paragraph is within n), 'broader' (n is within it) or 'outside'."""
    start = n.start
    if n.end is None or len(n.end) != len(start) or n.end[:-1] != start[:-1]:
        ends = [start] if n.end is None else [start, n.end]
        if any(path[: len(e)] == e for e in ends):
            return "inside"
        return "broader" if any(e[: len(path)] == path and len(e) > len(path) for e in ends) else "outside"
    k = len(start)
    if len(path) < k:
        return "broader" if start[: len(path)] == path else "outside"
    if path[: k - 1] != start[: k - 1]:
        return "outside"
    lo, hi, mine = _key(start[-1]), _key(n.end[-1]), _key(path[k - 1])
    if lo[0] == hi[0] == mine[0] and lo <= mine <= hi:
        return "inside"
    return "outside"


def match(control: str, eccn: str) -> tuple[Tri, str]:
    """Whether the line covers the item's ECCN, and why: True (the paragraph is named or within a
    named one), False (it is not), None (the ECCN given is broader than the paragraphs named, the
    line names none of this entry's paragraphs, or it adds conditions in words)."""
    reading = read(control)
    base, path = split(eccn)
    mine = [n for n in reading.named if n.eccn == base]
    if reading.entire:
        if not reading.named and not reading.qualified:
            return True, "entire entry"
        rel = [_relation(path, n) for n in mine]
        excepted = ", ".join(str(n) for n in mine)
        if "inside" in rel:
            if reading.qualified:
                return None, f"{eccn} is within {excepted}, excepted with conditions in words"
            return False, f"entire entry except {excepted}, which holds {eccn}"
        if "broader" in rel:
            return None, f"{eccn} is broader than the paragraphs excepted ({excepted})"
        if reading.qualified and not mine:
            return (
                None,
                "entire entry except items described in words: whether the exception holds the item is a question of fact",
            )
        return True, f"entire entry; {eccn} is not among the paragraphs excepted ({excepted})"
    if not mine:
        return None, f"names no paragraph of {base} by number: whether it describes the item is a question of fact"
    listed = ", ".join(str(n) for n in mine)
    rel = [_relation(path, n) for n in mine]
    if "inside" in rel:
        hit = mine[rel.index("inside")]
        if reading.qualified:
            return None, f"{eccn} is within {hit}, named with conditions in words"
        return True, f"{eccn} is within {hit}"
    if "broader" in rel:
        return None, f"{eccn} is broader than the paragraphs named ({listed})"
    return False, f"{eccn} is not among {listed}"


def covers(control: str, eccn: str) -> Tri:
    """True, False or None: see `match`."""
    return match(control, eccn)[0]
