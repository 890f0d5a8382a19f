"""The bundled regulation text: a page per section and version, and citations linked to it.

`data/regs/index.yaml` maps each section to its file and the dated versions (blocks of the
file between `####` rules); the first block of a file is its source note.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

RULE = re.compile(r"#{20,}")


@dataclass(frozen=True)
class Version:
    label: str
    header: str
    text: str
    start: dt.date | None
    end: dt.date | None

    def covers(self, on: dt.date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    source: str
    versions: tuple[Version, ...]

    def on(self, day: dt.date) -> Version | None:
        """The version in force on `day`, if the bundle has one."""
        return next((v for v in self.versions if v.covers(day)), None)

    def label(self, label: str) -> Version | None:
        return next((v for v in self.versions if v.label == label), None)


def _root() -> Any:
    return resources.files("longarm") / "data" / "regs"


def _blocks(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The source note and the (header, body) blocks of a file (a header sits between two rules)."""
    lines = text.splitlines()
    rules = [i for i, line in enumerate(lines) if RULE.fullmatch(line)]
    heads = [(a, b) for a, b in zip(rules, rules[1:]) if 1 <= b - a <= 4]
    if not heads:
        return "", [("", text)]
    source = "\n".join(lines[: heads[0][0]]).strip()
    blocks = []
    for n, (a, b) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        blocks.append((" ".join(lines[a + 1 : b]).strip(), "\n".join(lines[b + 1 : end]).strip()))
    return source, blocks


def _date(v: Any) -> dt.date | None:
    return v if isinstance(v, dt.date) else (dt.date.fromisoformat(v) if v else None)


@functools.cache
def sections() -> dict[str, Section]:
    index = yaml.safe_load((_root() / "index.yaml").read_text("utf-8"))["sections"]
    out = {}
    for key, entry in index.items():
        source, blocks = _blocks((_root() / entry["file"]).read_text("utf-8"))
        dated = entry.get("versions")
        versions: list[Version] = []
        if not dated:
            header, body = (
                ("", blocks[0][1]) if len(blocks) == 1 else ("", "\n\n".join(f"{h}\n\n{b}" for h, b in blocks))
            )
            versions.append(Version("text", header, body, None, None))
        else:
            by_label = {h.split()[0]: (h, b) for h, b in blocks if h}
            for v in dated:
                header, body = by_label[v["label"]]
                versions.append(Version(v["label"], header, body, _date(v.get("from")), _date(v.get("to"))))
        out[key] = Section(key, entry["title"], source, tuple(versions))
    return out


PARA = re.compile(r"\b(7\d\d\.\d+)")


def section_of(citation: str) -> str | None:
    """The bundled section a citation points into, if any."""
    c = citation.replace("§", " ")
    if re.search(r"\b(3A090|4A090|4E091)\b", c) or re.search(r"\b774\b.*Supp", c):
        return "774-3A090"
    if re.search(r"\b740\b,? Supp(\.|lement)? (No\. )?1\b", c) or "Country Group" in c:
        return "740-supp1"
    if re.search(r"\b740\b,? Supp(\.|lement)? (No\. )?5\b", c):
        return "740.29"
    m = PARA.search(c)
    if m and m.group(1) in sections():
        return m.group(1)
    low = c.lower()
    if "2025-05-13" in c or "may 13, 2025" in low:
        return "guidance-2025-05-13"
    if "2026-05-31" in c or "may 31, 2026" in low:
        return "guidance-2026-05-31"
    if "47201" in c:
        return "affiliates-rule"
    if "1684" in c and "91 FR" in c:
        return "h200-policy"
    if "mofcom" in low:
        return "cn-countermeasures"
    return None


def link(citation: str, on: dt.date | str) -> str | None:
    """The page of the regulation text a citation refers to, as in force on `on`."""
    key = section_of(citation)
    return None if key is None else f"/regs/{key}?on={on}"
