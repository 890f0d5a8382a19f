"""Screening party names against the lists: an index for candidates, a declared score to decide.

Candidates come from an inverted index of normalised tokens (and of adjacent tokens joined, so
"Hua Wei" finds "Huawei"), with typo-tolerant lookup through a deletion neighbourhood: a query
never scans the whole list. Each candidate is then scored from named, weighted features, so
every score can be broken down for a reviewer:

    token score   = harmonic mean of the rare-word-weighted (IDF) share of the query's tokens
                    matched in the candidate and of the candidate's tokens matched in the query;
                    tokens match on Jaro-Winkler similarity >= 0.90
    - 0.12        per unmatched token on either side (a different business word, city or
                    person is a different party: "Mwangi & Sons" is not "Mwangi & Daughters")
    x 0.5         when the numbers in the names differ (numbered vessels and SPVs)
    + 0.02/-0.03  legal forms equal / different (when both names have one)
    + 0.03/-0.05  the given country is / is not among the entry's countries

A name made only of legal forms ("CORP", "LLC") has no tokens and matches nothing.
"""

from __future__ import annotations

import hashlib
import heapq
import marshal
import math
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import JaroWinkler, Levenshtein

from longarm.screening.lists import Entry, ScreeningList, bulk_load, current
from longarm.screening.normalize import Name, normalize

THRESHOLD = 0.85
TOKEN_MATCH = 0.90
UNMATCHED_PENALTY = 0.12
NUMBER_FACTOR = 0.5
CANDIDATES = 40
RARE_DF = 800  # a term in more names than this only adds weight to candidates
COUNTRY_BONUS = 0.03  # added when the given country is among the entry's
COUNTRY_MALUS = 0.05  # taken off when it is not
PRUNE = 0.66  # share of the query's weight a candidate must share to be able to reach THRESHOLD


@dataclass(frozen=True)
class Score:
    value: float
    explanation: str

    @property
    def match(self) -> bool:
        return self.value >= THRESHOLD


@dataclass(frozen=True)
class Match:
    entry: Entry
    matched_name: str
    score: float
    explanation: str
    entry_index: int = -1


def _without_place(name: str) -> str:
    """An Entity List name without its trailing ", City, Province" (legal forms are kept)."""
    parts = name.split(",")
    while len(parts) > 1 and not normalize(parts[-1]).legal_forms and len(parts[-1].split()) <= 3:
        parts.pop()
    return ",".join(parts).strip()


_PAREN = re.compile(r"\(([^)]*)\)")
_ACRONYM = re.compile(r"^[A-Z0-9&.\-]{2,10}$")


def _merge_runs(tokens: tuple[str, ...], other: set[str]) -> tuple[str, ...]:
    """Join runs of up to four adjacent tokens whose concatenation is a token of the other name
    ("hua wei" -> "huawei", "peng xin xu" -> "pengxinxu")."""
    if len(tokens) < 2:
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for j in range(min(len(tokens), i + 4), i + 1, -1):
            if "".join(tokens[i:j]) in other:
                out.append("".join(tokens[i:j]))
                i = j
                break
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)


class Index:
    """The searchable form of a screening list."""

    def __init__(self, lst: ScreeningList, state: tuple | None = None):  # type: ignore[type-arg]
        self.lst = lst
        self.version = lst.version
        if state is not None:
            self._restore(state)
            return
        self._plain: list[tuple] = []  # type: ignore[type-arg]
        self.entry_of: list[int] = []
        self.raw: list[str] = []
        postings: dict[str, list[int]] = defaultdict(list)
        el = [i for i, s in enumerate(lst.tables["sources"]) if s.startswith("Entity List")]
        for ei, r in enumerate(lst.records):
            variants = {r["n"], *r.get("a", ())}
            origin = {v: v for v in variants}
            if r["s"] in el:  # EL names often carry ", City, Province"
                origin.update({_without_place(v): v for v in variants if "," in v})
            for v in list(origin):  # "Name (ACRONYM)": the name and the acronym are each a name
                m = _PAREN.search(v)
                if m and _ACRONYM.match(m.group(1).strip()):
                    origin.setdefault(" ".join(_PAREN.sub(" ", v).split()), origin[v])
                    origin.setdefault(m.group(1).strip(), origin[v])
            for v in sorted(origin):
                n = normalize(v)
                if not n.tokens:
                    continue
                nid = len(self._plain)
                self._plain.append((n.original, n.tokens, tuple(sorted(n.legal_forms)), tuple(sorted(n.numbers))))
                self.entry_of.append(ei)
                self.raw.append(origin[v])
                terms = set(n.tokens) | {a + b for a, b in zip(n.tokens, n.tokens[1:])}
                for t in terms:
                    postings[t].append(nid)
        self.postings = dict(postings)
        self._finish()

    def _finish(self, idf: dict[str, float] | None = None) -> None:
        total = len(self.entry_of)
        self.idf = idf if idf is not None else {t: math.log(1 + total / len(ids)) for t, ids in self.postings.items()}
        self.max_idf = math.log(1 + total)
        self._deletes: dict[str, list[str]] | None = None
        self.cache_path: Path | None = None
        self._sets: dict[int, frozenset[int]] = {}
        self._screened: dict[tuple[str, str | None], list[Match]] = {}
        self._remembered: dict[tuple[str, str | None], list[Match]] = {}

    @property
    def deletes(self) -> dict[str, list[str]]:
        """Each indexed term of five letters or more under each of its one-letter deletions
        (a symmetric-delete typo index); built on the first typo lookup."""
        if self._deletes is None:
            path = self.cache_path.with_suffix(".deletes.marshal") if self.cache_path else None
            try:
                with bulk_load():
                    self._deletes = marshal.loads(path.read_bytes()) if path else None
            except (OSError, ValueError, EOFError, TypeError):
                pass
            if self._deletes is None:
                table: dict[str, list[str]] = defaultdict(list)
                for t in self.postings:
                    if len(t) >= 5:
                        for i in range(len(t)):
                            table[t[:i] + t[i + 1 :]].append(t)
                self._deletes = dict(table)
                if path:
                    _save(path, self._deletes)
        return self._deletes

    def state(self) -> tuple:  # type: ignore[type-arg]
        """Plain data (marshal-able) from which the index is restored without re-normalising."""
        return (self._plain, self.entry_of, self.raw, self.postings, self.idf)

    def _restore(self, state: tuple) -> None:  # type: ignore[type-arg]
        self._plain, self.entry_of, self.raw, self.postings, idf = state
        self._finish(idf)

    def name(self, nid: int) -> Name:
        """The normalised name `nid` (built on demand: only candidates are ever scored)."""
        o, t, f, n = self._plain[nid]
        return Name(o, tuple(t), frozenset(f), frozenset(n))

    def weight(self, token: str) -> float:
        return self.idf.get(token, self.max_idf)

    @lru_cache(maxsize=100_000)
    def _similar_terms(self, term: str) -> tuple[str, ...]:
        """The term itself if indexed, else indexed terms one edit (or one transposition) away."""
        if term in self.postings:
            return (term,)
        if len(term) < 5:
            return ()
        table = self.deletes
        found = set(table.get(term, ()))  # a letter was dropped from the query
        for i in range(len(term)):
            d = term[:i] + term[i + 1 :]
            if d in self.postings:  # a letter was added to the query
                found.add(d)
            found.update(table.get(d, ()))  # a letter was changed or swapped
        return tuple(sorted(t for t in found if Levenshtein.distance(t, term, score_cutoff=2) <= 2))

    def candidates(self, q: Name) -> list[int]:
        """Name ids sharing (possibly misspelt) tokens with the query, best first.

        Rare terms create candidates; common terms (in more than RARE_DF names) only add weight
        to candidates already found, unless the query has nothing else. A candidate that cannot
        share PRUNE of the query's weight cannot reach THRESHOLD and is dropped unscored.
        """
        joined = {a + b for a, b in zip(q.tokens, q.tokens[1:])} - set(q.tokens)
        terms: list[tuple[float, list[int]]] = []
        for term in [*set(q.tokens), *joined]:
            # single tokens may be misspelt; joined pairs ("hua"+"wei") are looked up exactly
            found = self._similar_terms(term) if term not in joined else ((term,) if term in self.postings else ())
            w = self.weight(term)  # the query term's own weight, as the score uses it
            terms += [(w, self.postings[t]) for t in found]
        floor = PRUNE * sum(self.weight(t) for t in _merge_runs(q.tokens, joined & self.postings.keys()))
        # prefix filtering: a name holding none of the heaviest terms, whose rest weighs less than
        # the floor, cannot be a candidate; so only those terms create candidates
        terms.sort(key=lambda x: (-x[0], len(x[1])))
        rest = sum(w for w, _ in terms)
        acc: dict[int, float] = defaultdict(float)
        extra: list[tuple[float, list[int]]] = []
        for w, ids in terms:
            if rest >= floor and (len(ids) <= RARE_DF or not acc):
                for nid in ids:
                    acc[nid] += w
                rest -= w
            else:
                extra.append((w, ids))
        for w, ids in extra:
            members = self._members(ids)
            for nid in acc:
                if nid in members:
                    acc[nid] += w
        kept = [nid for nid, w in acc.items() if w >= floor]
        size = len(q.tokens) - sum(1 for t in joined if t in self.postings)
        plain = self._plain
        # best shared weight first; among equals, names of about the query's length
        return heapq.nsmallest(CANDIDATES, kept, key=lambda nid: (-acc[nid], abs(len(plain[nid][1]) - size)))

    def _members(self, ids: list[int]) -> frozenset[int]:
        key = id(ids)
        if key not in self._sets:
            self._sets[key] = frozenset(ids)
        return self._sets[key]

    def screen(self, name: str, country: str | None = None, type: str | None = None) -> list[Match]:
        """Entries at or above the threshold, best first, one per entry (each name screened once)."""
        remembered = self._remembered.get((name, country)) if type is None else None
        if remembered is not None:
            return remembered
        return adjust_for_country(self.candidates_for(name, type), country)

    def candidates_for(self, name: str, type: str | None = None) -> list[Match]:
        """Country-free results for `name`: one per entry, best first, every entry that some country
        could lift to the threshold (`adjust_for_country` then decides). Cached per (name, type)."""
        key = (name, type)
        if key not in self._screened:
            if len(self._screened) > 200_000:
                self._screened.clear()
            self._screened[key] = self._screen(name, type)
        return self._screened[key]

    def _screen(self, name: str, type: str | None) -> list[Match]:
        q = normalize(name)
        if not q.tokens:
            return []
        best: dict[int, tuple[float, str, str]] = {}
        for nid in self.candidates(q):
            ei = self.entry_of[nid]
            s = score(q, self.name(nid), self.weight)
            held = best.get(ei)
            primary = self.raw[nid] == self.lst.records[ei]["n"]
            if s.value >= THRESHOLD - COUNTRY_BONUS and (
                held is None or s.value > held[0] or (s.value == held[0] and primary)
            ):
                best[ei] = (s.value, self.raw[nid], s.explanation)
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
        return [Match(self.lst.entry(ei), raw, v, expl, ei) for ei, (v, raw, expl) in ranked]

    def remember(self, name: str, country: str | None, found: list[tuple[int, str, float, str]]) -> None:
        """Seed the per-process screening cache with results computed elsewhere (batch workers)."""
        self._remembered[(name, country)] = [
            Match(self.lst.entry(ei), raw, score, expl, ei) for ei, raw, score, expl in found
        ]


def adjust_for_country(matches: list[Match], country: str | None) -> list[Match]:
    """Country-free candidates (`Index.candidates_for`) with the country applied: the score raised
    when the country is among the entry's, lowered when it is not; those below the threshold
    dropped; best first. Without a country (or for an entry without countries) nothing changes."""
    out = []
    for m in matches:
        countries = m.entry.countries
        value, expl = m.score, m.explanation
        if country and countries:
            inside = country in countries
            value = max(0.0, min(1.0, value + (COUNTRY_BONUS if inside else -COUNTRY_MALUS)))
            expl += (
                f"; country {country} {'is' if inside else 'is not'} among the entry's ({', '.join(countries)}): "
                f"{'+' if inside else '-'}{COUNTRY_BONUS if inside else COUNTRY_MALUS:.2f} -> {value:.2f}"
            )
        if value >= THRESHOLD:
            out.append(Match(m.entry, m.matched_name, round(value, 4), expl, m.entry_index))
    out.sort(key=lambda m: -m.score)  # stable: equal scores keep the country-free order
    return out


def score(
    q: Name,
    c: Name,
    weight,
    country: str | None = None,  # type: ignore[no-untyped-def]
    countries: tuple[str, ...] = (),
) -> Score:
    """How alike two normalised names are, with the features that made the score."""
    if not q.tokens or not c.tokens:
        return Score(0.0, "a name made only of legal forms or stop words identifies nobody")
    qt = tuple(dict.fromkeys(_merge_runs(q.tokens, set(c.tokens))))
    ct = tuple(dict.fromkeys(_merge_runs(c.tokens, set(qt))))
    pairs = []
    used: dict[int, float] = {}
    for t in qt:
        best, best_j = 0.0, -1
        for j, u in enumerate(ct):
            if j in used:
                continue
            sim = (
                1.0
                if t == u
                else (0.0 if (t in q.numbers or u in c.numbers) else JaroWinkler.normalized_similarity(t, u))
            )
            if sim > best:
                best, best_j = sim, j
        if best >= TOKEN_MATCH:
            used[best_j] = best
            pairs.append((t, ct[best_j], best))
        else:
            pairs.append((t, None, 0.0))
    matched_q = sum(weight(t) * s for t, u, s in pairs if u)
    cover_q = matched_q / sum(weight(t) for t in qt)
    cover_c = sum(weight(ct[j]) * s for j, s in used.items()) / sum(weight(u) for u in ct)
    token_score = 0.0 if cover_q + cover_c == 0 else 2 * cover_q * cover_c / (cover_q + cover_c)
    unmatched = sum(1 for _, u, _ in pairs if u is None) + (len(ct) - len(used))
    value = token_score - UNMATCHED_PENALTY * unmatched
    notes = [
        f"{sum(1 for p in pairs if p[1])} of {len(qt)} query tokens matched "
        f"({', '.join(f'{t}={u} {s:.2f}' if u else f'{t} unmatched' for t, u, s in pairs)})",
        f"{len(used)} of {len(ct)} listed tokens matched",
    ]
    if unmatched:
        notes.append(f"-{UNMATCHED_PENALTY * unmatched:.2f} for {unmatched} unmatched token(s)")
    if q.numbers != c.numbers and (q.numbers or c.numbers):
        value *= NUMBER_FACTOR
        notes.append(
            f"numbers differ ({'/'.join(sorted(q.numbers)) or 'none'} vs "
            f"{'/'.join(sorted(c.numbers)) or 'none'}): x{NUMBER_FACTOR}"
        )
    if q.legal_forms and c.legal_forms:
        same = bool(q.legal_forms & c.legal_forms)
        value += 0.02 if same else -0.03
        notes.append(
            f"legal form {'agrees' if same else 'differs'} ({'/'.join(sorted(q.legal_forms))} vs "
            f"{'/'.join(sorted(c.legal_forms))})"
        )
    if country and countries:
        inside = country in countries
        value += 0.03 if inside else -0.05
        notes.append(f"country {country} {'is' if inside else 'is not'} among the entry's ({', '.join(countries)})")
    value = max(0.0, min(1.0, value))
    return Score(round(value, 4), f"token score {token_score:.2f}; " + "; ".join(notes) + f" -> {value:.2f}")


def cache_dir() -> Path:
    """Where built indexes are kept: $LONGARM_CACHE, else $XDG_CACHE_HOME/longarm, else ~/.cache/longarm."""
    if os.environ.get("LONGARM_CACHE"):
        return Path(os.environ["LONGARM_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "longarm"


def _code_digest() -> str:
    here = Path(__file__).parent
    h = hashlib.sha256()
    for name in ("normalize.py", "match.py", "lists.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


def load_index(lst: ScreeningList) -> Index:
    """The index of `lst`, restored from the cache when one was built by this code for this list."""
    path = cache_dir() / f"index-{lst.digest[:16]}-{_code_digest()}.marshal"
    try:
        with bulk_load():
            index = Index(lst, marshal.loads(path.read_bytes()))
    except (OSError, ValueError, EOFError, TypeError):
        index = Index(lst)
        _save(path, index.state())
    index.cache_path = path
    return index


def _save(path: Path, data: object) -> None:
    """Write a cache file atomically; a read-only cache only means rebuilding next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
        tmp.write_bytes(marshal.dumps(data))
        os.replace(tmp, path)
    except OSError:
        pass


_INDEXES: dict[str, Index] = {}


def index_for(lst: ScreeningList | None = None) -> Index:
    """The index of `lst` (default: the list in service), built or restored once per process."""
    lst = lst or current()
    if lst.digest not in _INDEXES:
        _INDEXES[lst.digest] = load_index(lst)
    return _INDEXES[lst.digest]


def screen(
    name: str, country: str | None = None, lst: ScreeningList | None = None, type: str | None = None
) -> list[Match]:
    """Entries of the list in service matching `name`, best first."""
    return index_for(lst).screen(name, country, type)


def match(a: str, b: str, type: str | None = None) -> Score:
    """How alike two party names are (rare-word weights from the list in service)."""
    return score(normalize(a), normalize(b), index_for().weight)
