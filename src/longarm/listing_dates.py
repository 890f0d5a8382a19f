"""When an Entity List listing, or one of its footnote designations, took effect.

Supplement No. 4 to part 744 cites, for every entry, the Federal Register (FR) documents that added or
changed it ("84 FR 22963, 5/21/19"). A listing applies from the effective date of its first citation;
a footnote designation from the first citation on or after the rule that created the footnote.

Dates come from `data/fr_citations.csv` (FR documents with their stated publication and effective
dates, and pages whose listing date trade.gov gives; see `data/PROVENANCE.md`), from dates the entry
itself carries ("85 FR 51603, 8/20/20"), and otherwise from the FR's page order: pages run in
publication order within a volume (volume N is year 1935 + N), so a page between two dated pages was
published between their dates. Each citation therefore has a window: before `earliest` the action is
not in force, from `latest` it is; in between longarm cannot tell, so it applies the listing and warns.
Where only a publication date is known, `earliest` is a week before it: BIS rules are often effective
on filing for public inspection, days before publication (Huawei: effective 2019-05-16, published
2019-05-21). A citation unseen by the table (an entry a `lists update` brought) gets the same treatment.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

#: How long before its publication an FR rule may already be in force (filing for public inspection).
DISPLAY_WINDOW = dt.timedelta(days=7)

_CITE = re.compile(r"\b(\d{1,3})\s*F\.?\s?R\.?\s*(\d+)(?:\s*[,;]?\s*(\d{1,2})/(\d{1,2})/(\d{2,4})\b)?")


@dataclass(frozen=True, order=True)
class FRCite:
    volume: int
    page: int

    def __str__(self) -> str:
        return f"{self.volume} FR {self.page}"

    @property
    def year(self) -> int:
        return 1935 + self.volume


@dataclass(frozen=True)
class CitationDate:
    """What is known of when the FR action at one citation took effect."""

    cite: FRCite
    earliest: dt.date  # not in force before this date
    latest: dt.date  # in force from this date
    published: dt.date | None
    effective: dt.date | None
    source: str

    @property
    def exact(self) -> bool:
        return self.earliest == self.latest

    def describe(self) -> str:
        if self.effective and self.exact:
            pub = f", published {self.published}" if self.published and self.published != self.effective else ""
            return f"{self.cite} (effective {self.effective}{pub})"
        if self.published:
            return f"{self.cite} (published {self.published}; effective date not in the sources)"
        return f"{self.cite} (published between {self.earliest + DISPLAY_WINDOW} and {self.latest}; exact date unknown)"


@dataclass(frozen=True)
class Row:
    first: int
    last: int
    published: dt.date | None
    effective: dt.date | None
    source: str

    @property
    def date(self) -> dt.date:
        d = self.published or self.effective
        assert d is not None
        return d


@dataclass(frozen=True)
class Table:
    """The bundled FR citation table, by volume, sorted by first page."""

    volumes: dict[int, list[Row]]

    def rows(self, volume: int) -> list[Row]:
        return self.volumes.get(volume, [])


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@cache
def table() -> Table:
    raw = resources.files("longarm.data").joinpath("fr_citations.csv").read_text("utf-8")
    vols: dict[int, list[Row]] = {}
    for r in csv.DictReader(io.StringIO(raw)):
        row = Row(int(r["first_page"]), int(r["last_page"]), _date(r["published"]), _date(r["effective"]), r["source"])
        vols.setdefault(int(r["volume"]), []).append(row)
    for rows in vols.values():
        rows.sort(key=lambda x: x.first)
    return Table(vols)


def citations(federal_register: str | None) -> list[tuple[FRCite, dt.date | None]]:
    """The FR citations of an entry, each with the publication date the entry itself gives, if any."""
    out = []
    for vol, page, m, d, y in _CITE.findall(federal_register or ""):
        date = None
        if m:
            year = int(y) + (2000 if len(y) == 2 and int(y) < 70 else 1900 if len(y) == 2 else 0)
            try:
                date = dt.date(year, int(m), int(d))
            except ValueError:
                date = None
        out.append((FRCite(int(vol), int(page)), date))
    return out


def date_of(cite: FRCite, own_date: dt.date | None = None, tab: Table | None = None) -> CitationDate:
    """The window in which the FR action at `cite` took effect."""
    tab = tab or table()
    rows = tab.rows(cite.volume)
    for row in rows:
        if row.first <= cite.page <= row.last:
            if row.effective:
                return CitationDate(cite, row.effective, row.effective, row.published, row.effective, row.source)
            assert row.published is not None
            return CitationDate(cite, row.published - DISPLAY_WINDOW, row.published, row.published, None, row.source)
    if own_date:
        return CitationDate(cite, own_date - DISPLAY_WINDOW, own_date, own_date, None, "the entry's own citation date")
    firsts = [r.first for r in rows]
    i = bisect.bisect_right(firsts, cite.page)
    lower = rows[i - 1] if i > 0 else None
    upper = rows[i] if i < len(rows) else None
    lo = lower.date if lower else dt.date(cite.year, 1, 1)
    hi = upper.date if upper else dt.date(cite.year, 12, 31)
    if lo == hi:
        return CitationDate(cite, lo - DISPLAY_WINDOW, lo, lo, None, "FR page order (between two pages of that date)")
    return CitationDate(cite, lo - DISPLAY_WINDOW, hi, None, None, "FR page order (between dated pages)")


@dataclass(frozen=True)
class InForce:
    """Whether an action is in force on a date: True, False, or None (cannot tell), and why."""

    state: bool | None
    when: CitationDate | None
    text: str


def _status(when: CitationDate | None, as_of: dt.date, what: str) -> InForce:
    if when is None:
        return InForce(None, None, f"{what}: no Federal Register citation, so no date")
    if as_of >= when.latest:
        return InForce(True, when, f"{what} from {when.describe()}")
    if as_of < when.earliest:
        return InForce(False, when, f"not yet {what} on {as_of}: {what} only from {when.describe()}")
    return InForce(None, when, f"{what} by {when.describe()}: whether already in force on {as_of} is not known")


def listing(
    federal_register: str | None, as_of: dt.date, tab: Table | None = None, listed_by: dt.date | None = None
) -> InForce:
    """Whether the entry citing `federal_register` was on the Entity List on `as_of` (its first citation).

    `listed_by` is the date of the list version the entry was read from: it was listed by then.
    """
    cites = citations(federal_register)
    if not cites:
        return _status(None, as_of, "listed")
    cite, own = min(cites, key=lambda c: c[0])
    when = date_of(cite, own, tab)
    if listed_by and when.latest > listed_by:
        when = CitationDate(cite, min(when.earliest, listed_by), listed_by, when.published, when.effective, when.source)
    return _status(when, as_of, "listed")


@dataclass(frozen=True)
class FootnoteRule:
    number: int
    created_by: FRCite
    source: str


@cache
def footnote_rules() -> dict[int, FootnoteRule]:
    raw = resources.files("longarm.data").joinpath("entity_list_footnotes.csv").read_text("utf-8")
    out = {}
    for r in csv.DictReader(io.StringIO(raw)):
        vol, page = r["created_by"].split(" FR ")
        out[int(r["footnote"])] = FootnoteRule(int(r["footnote"]), FRCite(int(vol), int(page)), r["source"])
    return out


def footnote(number: int, federal_register: str | None, as_of: dt.date, tab: Table | None = None) -> InForce:
    """Whether the entry's footnote `number` designation was in force on `as_of`.

    The designation is the entry's first citation at or after the rule that created the footnote.
    A footnote whose creating rule is not in the table is applied from the listing.
    """
    rule = footnote_rules().get(number)
    what = f"footnote {number} designated"
    if rule is None:
        return listing(federal_register, as_of, tab)
    cites = sorted(citations(federal_register), key=lambda c: c[0])
    later = [c for c in cites if c[0] >= rule.created_by]
    if not later:
        return InForce(None, None, f"{what}: no citation of the entry at or after {rule.created_by}, so no date")
    cite, own = later[0]
    when = date_of(cite, own, tab)
    created = date_of(rule.created_by, None, tab)
    if created.latest > when.latest or created.earliest > when.earliest:
        when = CitationDate(
            cite,
            max(created.earliest, when.earliest),
            max(created.latest, when.latest),
            when.published,
            when.effective,
            when.source,
        )
    return _status(when, as_of, what)
