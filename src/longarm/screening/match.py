"""Screening party names against the lists: an index for candidates, a declared score to decide.

Candidates come from an inverted index of normalised tokens (and of adjacent tokens joined, so
"Hua Wei" finds "Huawei"; of consonant skeletons, so "משה כהן" finds "Moshe Cohen"; of initials,
so "CETC" finds its name), with typo-tolerant lookup through a deletion neighbourhood (and, for a
word found nowhere, the word split off beside it or the two words it runs together: "Resea rch",
"Goldennest"; for a Latin word with nothing one edit away, words two edits away, which only add
weight to names its other words find: "Roshan Trdanig"); also the words an abbreviation may stand
for ("Elec."), given names as initials ("Kim H.W."), a listed name the query holds whole and a
listed acronym equal to the query's initials: a query never scans the whole list. Each candidate
name is then scored part by part, so every score can be read by a reviewer:

    aligned words   each query word paired with the listed word most like it (graded, length-aware
                    similarity, see `similarity`); the score is the weighted average over the aligned
                    pairs and the extra words, a word weighing by its rarity in the list (IDF)
    extra words     an extra word on either side counts in full, a place name (city, branch) at 0.3
    partial query   every query word found in the listed name and one of them rare: the listed
                    party is found whatever else its name holds ("Huawei", "Inspur")
    listed inside   every word of a listed name found in a longer query (branches, middle names)
    acronym         a one-word query equal to the initials of the listed name, as written too
                    ("TAESA", "MKO"); Russian organisational initials against the words they stand
                    for ("NPP" = Research and Production Enterprise) count as aligned initials
    order           words aligned out of order: -0.10 (-0.20 for a person; -0.65 for two given
                    names swapped, "Ali Hassan" / "Hassan Ali": in Arabic naming another person)
    person parts    a first or last name on each side that the other lacks: -0.25 (across
                    scripts, a word on each side sharing under 55 % of its consonants: -0.25)
    endings         a word aligned with the same word of another gender or number ending: -0.35
    listed words    two words aligned as alike that are both in the list, never as spellings of each
                    other in one entry ("Radic"/"Tadic"): -0.15 per pair
    opposites       "North X" vs "South X": -0.35
    places          a different place on each side ("Beijing X" vs "Hangzhou X"): -0.15
    x 0.5           when the numbers in the names differ (Star II is not Star III), unless the query
                    has none and is part of the listed name ("CSSC" in "CSSC 704th Institute")
    legal forms     different families -0.03; forms of two jurisdictions (GmbH vs Sdn Bhd) -0.65
    country         applied afterwards (`adjust_for_country`): +0.03 inside, -0.05 outside

A name made only of legal forms ("CORP", "LLC") has no words and matches nothing.
"""

from __future__ import annotations

import hashlib
import heapq
import marshal
import math
import os
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from longarm.screening.korean import SURNAME_SPELLINGS
from longarm.screening.lists import Entry, ScreeningList, bulk_load, current
from longarm.screening.normalize import GENERIC, PLACES, REORDERED, STOP, Name, names, normalize, roman_reading
from longarm.screening.similarity import (
    OPPOSITES,
    SPELLING,
    is_ending,
    is_roman,
    one_syllable,
    skeleton_kinship,
    skeleton_sim,
    skeletons,
    syllable_sim,
    token_sim,
)

THRESHOLD = 0.85
ALIGN_FLOOR = 0.55  # token pairs less alike than this are not aligned
PLACE_COST = 0.3
PERSON_EXTRA = 0.35  # an extra middle name or patronymic of a person
QUERY_EXTRA = 1.0  # an extra query word costs in full
LISTED_EXTRA = 0.8  # an extra listed word costs less: listed names are the long, formal ones
NUMBER_FACTOR = 0.5
ORDER_PENALTY = 0.10
PERSON_ORDER_PENALTY = 0.20
GIVEN_NAMES_SWAPPED = 0.65  # two given names in the other order ("Ali Hassan" / "Hassan Ali"): another person
PERSON_PART_CONFLICT = 0.25  # a first or last name on each side that the other lacks: another person
CROSS_PART_CONFLICT = 0.25  # across scripts, a word on each side unlike the other: another person
KINSHIP = 0.55  # ... unlike: less than this share of consonant skeleton in common
PLACE_CONFLICT = 0.15
OPPOSITE_CONFLICT = 0.35  # "North X" vs "South X": one word each side, opposites
FORM_DIFFERS = 0.03
JURISDICTION_CONFLICT = 0.65
INITIALS = 0.85  # "A.D." against "Anton Daniel"
ACRONYM = 0.88  # a one-word name equal to the initials of the other
DISTINCT_WORDS = 0.15  # per pair of listed words aligned as alike, not spellings of each other
ENDING_PENALTY = 0.35  # per word aligned with the same word of another gender or number ending
GENERIC_FORMS = frozenset({"ltd", "corp", "inc", "company", "llc", "plc"})  # used everywhere, for any family
GENERIC_ONLY = 0.8  # the most a query of one or two generic words can score
PARTIAL_FLOOR = 0.86  # a partial query's score is at least this plus 0.14 x its plain score
RARE_WORD_DF = 400  # a word in at most this many listed names can stand for the party alone
COMMON_WORD_DF = 40  # ... unless it is a generic word, which must be rarer than this
COUNTRY_BONUS = 0.03  # added when the given country is among the entry's
COUNTRY_MALUS = 0.05  # taken off when it is not
CANDIDATES = 40
ONE_WORD_CANDIDATES = 600
RARE_DF = 800  # a term in more names than this only adds weight to candidates
OWN_SHARE = 0.45  # ... and of its own weight, unless it holds the whole query
PRUNE = 0.6  # share of the query's weight a candidate must share to be able to reach THRESHOLD
HELD_WHOLE = 0.95  # ... unless the query holds this share of the candidate's own weight
HELD_SHARE = 0.4  # ... and the candidate, of two words or more besides places, weighs at least this share of the query
ABBREVIATED = 6  # the listed words an abbreviation may stand for: the commonest it starts ("Elec." -> Electronic)
TWO_EDITS = 5  # a word of this many letters with nothing one edit away is looked up two edits away
TWO_EDITS_SIM = 0.75  # ... the least similarity of a word found so
TWO_EDITS_KEPT = 4  # ... and how many of the closest are kept
PREFIX = 7  # ... looked up by their first letters
ACRONYM_NAMES = 50  # a query's initials are looked up as a listed one-word name when it is this rare
ACRONYM_LETTERS = 4  # ... and this long (three letters name too many unrelated parties: "CPP", "RAM")
CROSS_SCRIPTS = ("abjad", "hangul", "hangul words", "burmese")
ENTRY_TYPES = {"Individual": "person", "Entity": "organization", "Vessel": "vessel", "Aircraft": "aircraft"}


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


def _initials(tokens: tuple[str, ...]) -> str:
    return "".join(t[0] for t in tokens if not t.isdigit())


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
        self.types: list[str | None] = []
        postings: dict[str, list[int]] = defaultdict(list)
        el = [i for i, s in enumerate(lst.tables["sources"]) if s.startswith("Entity List")]
        with bulk_load():
            for ei, r in enumerate(lst.records):
                etype = ENTRY_TYPES.get(r.get("t") or "")
                self.types.append(etype)
                variants = {r["n"], *r.get("a", ())}
                origin = {v: v for v in variants}
                if r["s"] in el:  # EL names often carry ", City, Province"; a listed name wins
                    for v in sorted(variants):
                        if "," in v:
                            origin.setdefault(_without_place(v), v)
                seen: set[tuple] = set()  # type: ignore[type-arg]
                ntype = etype if etype in ("person", "organization", "vessel") else None
                for v in sorted(origin):
                    for n in names(v, ntype):
                        k = (n.tokens, n.legal_forms, n.numbers)
                        if k in seen:
                            continue
                        seen.add(k)
                        nid = len(self._plain)
                        self._plain.append(_plain(n))
                        self.entry_of.append(ei)
                        self.raw.append(origin[v])
                        for t in _terms(n):
                            postings[t].append(nid)
        self.postings = {t: ids for t, ids in postings.items()}
        self._finish()

    def _finish(self) -> None:
        self._total = len(self.entry_of)
        self.idf: dict[str, float] = {}  # rarity weights, computed when first asked for
        self.max_idf = math.log(1 + self._total)
        self._deletes: dict[str, list[str]] | _Deletes | None = None
        self._deletes2: dict[str, list[str]] | _Deletes | None = None
        self.cache_path: Path | None = None
        self._sets: dict[int, frozenset[int]] = {}
        self._unions: dict[tuple[str, ...], list[int]] = {}
        self._screened: dict[tuple[str, str | None], list[Match]] = {}
        self._remembered: dict[tuple[str, str | None], list[Match]] = {}
        self._similar: dict[str, tuple[str, ...]] = {}
        self._leads: dict[str, float] = {}
        self._weights: dict[int, float] = {}
        self._personal: dict[str, bool] = {}
        self._given: dict[str, float] = {}
        self._vocab: list[str] | None = None
        self._far: set[str] = set()  # words whose similar terms are two edits away

    @property
    def deletes(self) -> dict[str, list[str]] | _Deletes:
        """Each indexed word of four letters or more under each of its one-letter deletions
        (a symmetric-delete typo index); built on the first typo lookup, and restored from the
        cache in its packed form, which decodes only the entries a lookup reads."""
        if self._deletes is None:
            self._deletes = self._typo_table(".deletes.marshal", 1)
        return self._deletes

    @property
    def deletes2(self) -> dict[str, list[str]] | _Deletes:
        """Each indexed word of five letters or more under its first letters and each of their one-
        and two-letter deletions (`_near_keys`), for a word two edits from every listed word ("Egnia"
        for Sernia, "Trdanig" for Trading); built on the first such lookup and kept packed."""
        if self._deletes2 is None:
            self._deletes2 = self._typo_table(".deletes2.marshal", 2)
        return self._deletes2

    def _typo_table(self, suffix: str, edits: int) -> dict[str, list[str]] | _Deletes:
        path = self.cache_path.with_suffix(suffix) if self.cache_path else None
        try:
            with bulk_load():
                if path:
                    return _Deletes(*marshal.loads(path.read_bytes()))
        except (OSError, ValueError, EOFError, TypeError):
            pass
        table: dict[str, list[str]] = defaultdict(list)
        least = 4 if edits == 1 else 5
        for t in {t for p in self._plain for t in (*p[0], *p[9])}:  # words, not joined words
            if len(t) >= least and t.isalpha():
                for d in _deletions(t, 1) if edits == 1 else _near_keys(t):
                    table[d].append(t)
        if edits == 1:
            built: dict[str, list[str]] | _Deletes = dict(table)
            packed = _Deletes.pack(table)
        else:  # large: kept in its packed form
            packed = _Deletes.pack(table)
            built = _Deletes(*packed)
        if path:
            _save(path, packed)
        return built

    def state(self) -> tuple:  # type: ignore[type-arg]
        """Plain data (marshal-able) from which the index is restored without re-normalising: each
        name as its own marshal blob and the posting lists packed in one array, so that a restore
        makes a few large objects and a query decodes only the names and lists it touches."""
        plain = self._plain.blobs if isinstance(self._plain, _Names) else [marshal.dumps(p) for p in self._plain]
        postings = self.postings.packed if isinstance(self.postings, _Postings) else _pack(self.postings)
        return (plain, self.entry_of, self.raw, self.types, postings)

    def _restore(self, state: tuple) -> None:  # type: ignore[type-arg]
        plain, self.entry_of, self.raw, self.types, postings = state
        self._plain = _Names(plain)  # type: ignore[assignment]
        self.postings = _Postings(*postings)  # type: ignore[assignment]
        self._finish()

    def name(self, nid: int) -> Name:
        """The normalised name `nid` (built on demand: only candidates are ever scored)."""
        return _unplain(self._plain[nid])

    def weight(self, token: str) -> float:
        w = self.idf.get(token)
        if w is None:
            ids = self.postings.get(token)
            w = self.idf[token] = math.log(1 + self._total / len(ids)) if ids else self.max_idf
        return w

    def leading_share(self, token: str) -> float:
        """The share of the listed names holding `token` in which it comes first (after a place):
        high for a brand ("Huawei ..."), low for a generic word ("... Steel Complex")."""
        if token not in self._leads:
            self._leads[token] = self._leading_share(token)
        return self._leads[token]

    def personal(self, token: str) -> bool:
        """Whether a word is mostly found in persons' names ("Ali", "Kim", "Mohammed")."""
        if token not in self._personal:
            ids = self.postings.get(token, [])
            people = sum(1 for nid in ids if self.types[self.entry_of[nid]] == "person")
            self._personal[token] = people * 2 >= len(ids) > 0
        return self._personal[token]

    def distinct_words(self, a: str, b: str) -> bool:
        """Two different words both in the list, never in the names of one entry (which would make
        them spellings of each other, as an entry's aliases are)."""
        if a == b or not a.isalpha() or not b.isalpha():
            return False
        ia, ib = self.postings.get(a), self.postings.get(b)
        if not ia or not ib:
            return False
        ea = {self.entry_of[n] for n in ia}
        return not any(self.entry_of[n] in ea for n in ib)

    def given_share(self, token: str) -> float:
        """The share of the persons' names holding `token` in which it is not the last word (the
        surname, names being kept in "Given SURNAME" order): high for a given name ("Hassan")."""
        if token not in self._given:
            ids = [nid for nid in self.postings.get(token, []) if self.types[self.entry_of[nid]] == "person"]
            given = sum(1 for nid in ids if self._plain[nid][0][-1] != token)
            self._given[token] = given / len(ids) if len(ids) >= 3 else 0.0
        return self._given[token]

    def _leading_share(self, token: str) -> float:
        ids = self.postings.get(token, [])
        if self.personal(token):
            return 0.0  # a given name ("Mohammed") stands for nobody on its own
        lead = 0
        for nid in ids:
            toks = self._plain[nid][0]
            k = 0
            while k < len(toks) - 1 and toks[k] in PLACES:
                k += 1
            lead += toks[k] == token if k < len(toks) else 0
        return lead / len(ids) if ids else 0.0

    def _name_weight(self, nid: int) -> float:
        w = self._weights.get(nid)
        if w is None:
            w = self._weights[nid] = sum(self.weight(t) for t in self._plain[nid][0])
        return w

    def df(self, token: str) -> int:
        """In how many listed names a word occurs."""
        ids = self.postings.get(token)
        return len(ids) if ids else 0

    def _similar_terms(self, term: str, latin: bool = True) -> tuple[str, ...]:
        """The term itself if indexed, else indexed terms one edit (or one transposition) away; for
        a word of the Latin script with none, two edits away."""
        key = term if latin else "\x01" + term
        found = self._similar.get(key)
        if found is None:
            if len(self._similar) > 100_000:
                self._similar.clear()
                self._far.clear()
            found = self._similar[key] = self._find_similar(term, two=latin)
        return found

    def _repairs(
        self, toks: tuple[str, ...], unfound: set[str], weights: dict[str, float]
    ) -> list[tuple[float, list[int]]]:
        """Terms for query words not in the list as written, read as a word split in two with a
        typo ("Deve llopment", "Xonco rd") or two words run together ("Goldennest",
        "Kbxknvestment"); each credited with the weight of the query words it repairs."""
        out: list[tuple[float, list[int]]] = []
        for a, b in zip(toks, toks[1:]):
            if (
                (a in unfound or b in unfound)
                and (min(len(a), len(b)) <= 4 or (a in unfound and b in unfound))  # "rch", "Investi gacionec"
                and (a + b).isalpha()
                and a + b not in self.postings
            ):
                w = weights.get(a, self.weight(a)) + weights.get(b, self.weight(b))
                out += [(w, self.postings[t]) for t in self._find_similar(a + b, deep=False)]
        for t in unfound:
            if len(t) < 8 or t in weights:
                continue
            splits = [(t[:k], t[k:]) for k in range(3, len(t) - 2)]
            heads = [x for x, _ in splits if x in self.postings]
            tails = [y for _, y in splits if y in self.postings]
            halves = next(([x, t[len(x) :]] for x in heads if t[len(x) :] in tails), None)
            # else the longest word the token starts or ends with, and the rest one typo away
            for exact, rest in (
                (heads[-1], t[len(heads[-1]) :]) if heads else ("", ""),
                (tails[0], t[: -len(tails[0])]) if tails else ("", ""),
            ):
                if halves is None and len(rest) >= 5:
                    near = self._find_similar(rest, deep=False)
                    if near:
                        halves = [exact, near[0]]
            if halves:
                out += [(self.weight(t) / 2, self.postings[h]) for h in halves]
        return out

    def _find_similar(self, term: str, deep: bool = True, two: bool = False) -> tuple[str, ...]:
        if term in self.postings:
            return (term,)
        if len(term) < 4 or not term.isalpha():
            return ()
        table = self.deletes
        found = set(table.get(term, ()))  # a letter was dropped from the query
        for i in range(len(term)):
            d = term[:i] + term[i + 1 :]
            if d in self.postings:  # a letter was added to the query
                found.add(d)
            found.update(table.get(d, ()))  # a letter was changed or swapped
        if not found and deep and len(term) >= 7 and not two:  # two edits in a long word ("Igtertekk")
            for d in _deletions(term, 2):
                found.update(table.get(d, ()))
        least = 0.75 if len(term) < 5 else 0.8
        found = {t for t in found if token_sim(t, term) >= least}
        if not found and deep and two and len(term) >= TWO_EDITS:
            return self._two_edits(term)
        return tuple(sorted(found))

    def _two_edits(self, term: str) -> tuple[str, ...]:
        """Listed words two edits from `term` (of five letters or more: "Dloant" for Dolomant,
        "Egnia" for Sernia), found by deleting up to two letters on each side; the closest few."""
        table = self.deletes2
        found: set[str] = set()
        for d in _near_keys(term):
            found.update(table.get(d, ()))
        near = [
            (dist, -token_sim(t, term), t)
            for t, dist, _ in process.extract(term, found, scorer=OSA.distance, score_cutoff=2, limit=None)
        ]
        near = sorted(x for x in near if -x[1] >= TWO_EDITS_SIM)
        if near:
            self._far.add(term)
        return tuple(sorted(t for _, _, t in near[:TWO_EDITS_KEPT]))

    def candidates(self, q: Name) -> list[int]:
        """Name ids sharing (possibly misspelt) words with the query, best first.

        Rare terms create candidates; common terms (in more than RARE_DF names) only add weight
        to candidates already found, unless the query has nothing else. A candidate that cannot
        share PRUNE of the query's weight cannot reach THRESHOLD and is dropped unscored.
        """
        toks = q.tokens
        latin = q.script not in CROSS_SCRIPTS  # consonant skeletons two edits apart are other names
        joined = {a + b for a, b in zip(toks, toks[1:])} | {a + b + c for a, b, c in zip(toks, toks[1:], toks[2:])}
        joined -= set(toks)
        terms: list[tuple[float, list[int]]] = []
        boost: list[tuple[float, list[int]]] = []
        spelt = dict(zip(q.tokens, q.written))
        unfound: set[str] = set()
        weights: dict[str, float] = {}  # in the floor, a misspelt word weighs what the word it stands for weighs
        for term in dict.fromkeys(toks):
            w = self.weight(term)
            found = self._similar_terms(term, latin)
            written = spelt.get(term, term)
            if not found and written != term:
                found = self._similar_terms(written, latin)
            if found and len(written) >= 3 and written != term and term.startswith(written):
                found = self._abbreviated(written, found)  # "Elec." may be Electronic as well as Electric
            far = bool(found) and (term in self._far or written in self._far)
            if found and term not in self.postings and not far:
                weights[term] = min(self.weight(t) for t in found)
            if far:  # two edits away: only adds to the names other words find
                boost.append((w, self._union(found)))
            elif found:  # a name holding two spellings of the word ("Grup", "Group") counts it once
                terms.append((w, self._union(found)))
            if "+" + term in self.postings:  # written apart in the list ("Hua Wei")
                terms.append((w, self.postings["+" + term]))
            elif term not in self.postings and term.isalpha():
                unfound.add(term)
        if unfound and q.script not in CROSS_SCRIPTS:
            terms += self._repairs(toks, unfound, weights)
        for term in joined:
            if term in self.postings:
                terms.append((self.weight(term), self.postings[term]))
        if len(toks) == 1 and 3 <= len(toks[0]) <= 8 and toks[0].isalpha():
            ac = "^" + toks[0]
            if ac in self.postings:
                terms.append((self.weight(toks[0]), self.postings[ac]))
        if 2 <= len(toks) <= 4:  # a person's given names as initials ("Kim H.W." = Kim Hyon Woo)
            for t in toks:
                if 2 <= len(t) <= 3 and t.isalpha():
                    others = _initials(tuple(x for x in toks if x != t))
                    for ac in {"^" + t + others, "^" + others + t}:
                        if ac in self.postings:
                            terms.append((weights.get(t) or self.weight(t), self.postings[ac]))
        merged = _merge_runs(toks, joined & self.postings.keys())

        # places and branch words cost little, and a short token may be initials ("V.A.")
        def wt(t: str) -> float:
            return weights.get(t) or self.weight(t)

        floor = PRUNE * sum(
            wt(t) * PLACE_COST if t in PLACES else min(wt(t), 3.0) if len(t) <= 3 else wt(t) for t in merged
        )
        # prefix filtering: a name holding none of the heaviest terms, whose rest weighs less than
        # the floor, cannot be a candidate; so only those terms create candidates
        terms.sort(key=lambda x: (-x[0], len(x[1])))
        rest = sum(w for w, _ in terms + boost)
        acc: dict[int, float] = defaultdict(float)
        extra: list[tuple[float, list[int]]] = boost
        for w, ids in terms:
            if rest >= floor and (len(ids) <= RARE_DF or not acc):
                for nid in ids:
                    acc[nid] += w
                rest -= w
            else:
                extra.append((w, ids))
        for w, ids in extra:
            if len(ids) < len(acc):
                for nid in ids:
                    if nid in acc:
                        acc[nid] += w
                continue
            members = self._members(ids)
            for nid in acc:
                if nid in members:
                    acc[nid] += w
        # a name sharing little of its own weight can only match as a name that holds the whole query
        whole = floor / PRUNE * 0.95
        wc = self._name_weight
        if any(len(t) <= 3 for t in toks):  # initials align with whole words: no share to demand
            kept = [nid for nid, w in acc.items() if w >= floor]
        else:
            kept = [nid for nid, w in acc.items() if w >= floor and (w >= whole or w >= OWN_SHARE * wc(nid))]
        # a listed name the query holds whole, however much else the query says ("X, Hong Kong
        # Representative Office"): the name's own words must be a fair share of the query's
        held_least = HELD_SHARE * floor / PRUNE
        plain = self._plain
        kept += [
            nid
            for nid, w in acc.items()
            if floor > w >= held_least
            and w >= HELD_WHOLE * wc(nid)
            and sum(t not in PLACES for t in plain[nid][0]) >= 2
        ]
        kept += self._acronym_names(q, set(kept))
        size = len(merged)
        limit = ONE_WORD_CANDIDATES if size == 1 else CANDIDATES
        # best shared weight first (among equals, names of about the query's length); and the names
        # the query holds most completely, which a query longer than them ("..., Shenzhen, China")
        # would otherwise push out
        best = heapq.nsmallest(limit, kept, key=lambda nid: (-acc[nid], abs(len(plain[nid][0]) - size)))
        if len(kept) <= limit:
            return best
        held = heapq.nsmallest(limit // 2, kept, key=lambda nid: (-acc[nid] / (wc(nid) or 1.0), -acc[nid]))
        return list(dict.fromkeys(best + held))

    def _abbreviated(self, written: str, found: tuple[str, ...]) -> tuple[str, ...]:
        """`found` and the listed words an abbreviation may stand for: those starting with it."""
        key = "." + written
        more = self._similar.get(key)
        if more is None:
            vocab = self._vocabulary()
            i = bisect_left(vocab, written)
            words: list[str] = []
            while i < len(vocab) and vocab[i].startswith(written) and len(words) < 500:
                words.append(vocab[i])
                i += 1
            more = self._similar[key] = tuple(heapq.nlargest(ABBREVIATED, words, key=self.df))
        return tuple(sorted({*found, *more}))

    def _vocabulary(self) -> list[str]:
        """The indexed words (letters only), sorted."""
        if self._vocab is None:
            terms = self.postings if isinstance(self.postings, _Postings) else sorted(self.postings)
            self._vocab = [t for t in terms if t.isalpha()]
        return self._vocab

    def _acronym_names(self, q: Name, kept: set[int]) -> list[int]:
        """Listed names of one word that are the initials of the query ("Glavnoye Upravlenie
        Glubokovodnykh Issledovanii" -> "GUGI"), which share no word with it."""
        out: list[int] = []
        if not ACRONYM_LETTERS <= len(q.tokens) <= 8 or any(t.isdigit() for t in q.tokens):
            return out
        keys = {_initials(w) for w in (q.tokens, q.written, tuple(t for t in q.tokens if not _generic(t)))}
        for key in sorted(k for k in keys if ACRONYM_LETTERS <= len(k) <= 8):
            ids = self.postings.get(key) or []
            if len(ids) <= ACRONYM_NAMES:
                plain = self._plain
                out += [nid for nid in ids if nid not in kept and plain[nid][0] == (key,)]
        return out

    def _union(self, found: tuple[str, ...]) -> list[int]:
        """The names holding any of `found`, one list kept per set of terms (`_members` caches by
        the list's identity, so a list must live as long as its cached set)."""
        if len(found) == 1:
            return self.postings[found[0]]
        ids = self._unions.get(found)
        if ids is None:
            if len(self._unions) > 50_000:
                self._unions.clear()
                self._sets.clear()
            ids = self._unions[found] = sorted(set().union(*(self.postings[t] for t in found)))
        return ids

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
        queries = names(name, type)
        if not queries:
            return []
        best: dict[int, tuple[float, str, str]] = {}
        for q in queries:
            for nid in self.candidates(q):
                ei = self.entry_of[nid]
                etype = self.types[ei]
                if (type and etype and etype != type) or (q.legal_forms and etype == "person"):
                    continue  # another kind of party; a name with a legal form is not a person's
                c = self.name(nid)
                if numbers_differ(q, c):
                    continue  # "Star II" is not "Star III": scores at most 0.5
                s = score(q, c, self.weight, type or etype, self.df, explain=False)
                if s.value < THRESHOLD - COUNTRY_BONUS:
                    continue
                held = best.get(ei)
                primary = self.raw[nid] == self.lst.records[ei]["n"]
                if held is None or s.value > held[0] or (s.value == held[0] and primary):
                    s = score(q, c, self.weight, type or etype, self.df)
                    expl = s.explanation if len(queries) == 1 else f"as {q.original!r}: {s.explanation}"
                    best[ei] = (s.value, self.raw[nid], expl)
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
        return [Match(self.lst.entry(ei), raw, v, expl, ei) for ei, (v, raw, expl) in ranked]

    def remember(self, name: str, country: str | None, found: list[tuple[int, str, float, str]]) -> None:
        """Seed the per-process screening cache with results computed elsewhere (batch workers)."""
        self._remembered[(name, country)] = [
            Match(self.lst.entry(ei), raw, score, expl, ei) for ei, raw, score, expl in found
        ]


def _plain(n: Name) -> tuple:  # type: ignore[type-arg]
    return (
        n.tokens,
        tuple(sorted(n.legal_forms)),
        tuple(sorted(n.numbers)),
        n.stripped,
        n.script,
        tuple(sorted(n.jurisdictions)),
        tuple(sorted(n.generics)),
        n.original,
        n.acronym,
        n.written,
    )


def _unplain(p: tuple) -> Name:  # type: ignore[type-arg]
    t, f, n, s, sc, j, g, o, a, w = p
    return Name(o, tuple(t), frozenset(f), frozenset(n), tuple(s), sc, frozenset(j), frozenset(g), a, tuple(w))


def _terms(n: Name) -> set[str]:
    t = n.tokens
    terms = set(t) | set(n.written)
    terms |= {"+" + a + b for a, b in zip(t, t[1:])} | {"+" + a + b + c for a, b, c in zip(t, t[1:], t[2:])}
    terms |= {"~" + sk for tok in t for sk in skeletons(tok) if len(sk) >= 2}
    if 3 <= len(t) <= 8:
        terms.add("^" + _initials(t))
    terms.update("^" + a for a in n.acronym.split("|") if a)
    terms.update("^" + a for a in acronyms_as_written(n))
    return terms


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


def _merge_runs(tokens: tuple[str, ...], other: set[str], written: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Join runs of up to four adjacent tokens whose concatenation is a token of the other name
    ("hua wei" -> "huawei", "peng xin xu" -> "pengxinxu"), also as written before a word was
    translated or folded ("Technological Center" / "TECHNOLOGICALCENTER": a space dropped)."""
    if len(tokens) < 2 or not other:
        return tokens
    spelt = written if len(written) == len(tokens) else ()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for j in range(min(len(tokens), i + 4), i + 1, -1):
            cat = "".join(tokens[i:j])
            if cat in other or spelt and "".join(spelt[i:j]) in other:
                out.append(cat if cat in other else "".join(spelt[i:j]))
                i = j
                break
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)


def _fuzzy_merge(tokens: tuple[str, ...], other: tuple[str, ...], cross: str = "") -> tuple[str, ...]:
    """Join runs of adjacent tokens (syllables, a split word) that together are like one token of
    the other name ("sam seong" ~ "samsung", "casinov a" ~ "casinova", "deve llopment" ~
    "development"): runs of short tokens, or two tokens of any length."""
    if len(tokens) < 2:
        return tokens
    others = set(other)
    loose = [k for k, t in enumerate(tokens) if t not in others and not t.isdigit()]
    if not loose:
        return tokens
    long_other = [u for u in others if len(u) >= 4 and u not in tokens]
    if not long_other:
        return tokens
    max_len = max(map(len, long_other)) + 2
    near = {n + d for n in map(len, long_other) for d in (-2, -1, 0, 1, 2)}
    out: list[str] = []
    i = 0
    free = set(loose)
    while i < len(tokens):
        merged = False
        for j in range(min(len(tokens), i + (6 if cross else 4)), i + 1, -1):
            if any(k not in free for k in range(i, j)):
                continue  # a word that matches as it is, or a number, stays as it is
            run = tokens[i:j]
            if j - i > 2 and any(len(t) > 5 for t in run):
                continue
            cat = "".join(run)
            if len(cat) > max_len * (2 if cross else 1) or cat in others or (not cross and len(cat) not in near):
                continue
            like = any(abs(len(u) - len(cat)) <= 2 and token_sim(cat, u) >= 0.85 for u in long_other)
            if not like and cross == "hangul":  # syllables of a Korean name: their vowels are written
                like = any(syllable_sim(cat, u) >= 0.85 for u in long_other)
            elif not like and cross:
                like = any(skeleton_sim(cat, u) >= 0.75 for u in long_other)
            if like and all(token_sim(t, u) < 0.9 for t in run for u in others):
                if cross and any(skeleton_sim(t, u) >= 0.9 for t in run if len(t) >= 3 for u in others):
                    continue  # a word of the run already lines up on its own
                out.append(cat)
                i = j
                merged = True
                break
        if not merged:
            out.append(tokens[i])
            i += 1
    return tuple(out)


def _align(
    qt: tuple[str, ...],
    ct: tuple[str, ...],
    cross: str,
    wq: dict[str, str],
    wc: dict[str, str],
    side_q: bool = True,
) -> list[tuple[int, int, float]]:
    """Pairs (query word, listed word, similarity), most alike first, each word used once; words
    compare as normalised ("Petroleum" = "Oil") or as written (a typo in "Petrol")."""
    sims = []
    for i, t in enumerate(qt):
        for j, u in enumerate(ct):
            if cross == "abjad":  # a consonant spelling is no abbreviation: compare skeletons only
                s = 1.0 if t == u else skeleton_sim(t, u)
                if s >= ALIGN_FLOOR:
                    sims.append((s, -abs(i - j), i, j))
                continue
            s = token_sim(t, u)
            if s < 1.0 and (t in wq or u in wc):
                s = max(s, token_sim(wq.get(t, t), wc.get(u, u)))
            if cross and s < 0.95 and not (is_roman(t) and is_roman(u)):
                if cross == "hangul words" or not one_syllable(t if side_q else u):  # a whole word
                    s = max(s, skeleton_sim(t, u), syllable_sim(t, u))
                else:  # a Hangul or Burmese syllable: its vowels are written
                    s = max(s, syllable_sim(t, u))
            if s >= ALIGN_FLOOR:
                sims.append((s, -abs(i - j), i, j))
    sims.sort(reverse=True)
    used_i: set[int] = set()
    used_j: set[int] = set()
    pairs = []
    for s, _, i, j in sims:
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            pairs.append((i, j, s))
    return pairs


def _generic(token: str) -> bool:
    return token in PLACES or token in GENERIC


def numbers_differ(q: Name, c: Name) -> bool:
    """Whether `score` halves: then it is at most 0.5 (every other part keeps it at most 1 before
    the halving and only lowers it after), below any threshold, so the pair need not be scored.
    A query without a number may still be part of a numbered name ("CSSC" in "... (CSSC) 704th
    Research Institute"): `score` decides."""
    return q.numbers != c.numbers and bool(q.numbers) and read_romans(q, c) is None


def read_romans(q: Name, c: Name) -> tuple[Name, Name] | None:
    """The two names with a word that may be a Roman numeral read as the number the other name
    writes in digits and it lacks ("XXXII County" / "32 County", "Tian Xi Wan" / "Tian 11 Wan",
    "Ilya V" / "Ilya 5"), when that accounts for every number the names disagree on; else None."""
    if q.numbers == c.numbers:
        return None
    q2, c2 = _as_numbers(q, c.numbers - q.numbers), _as_numbers(c, q.numbers - c.numbers)
    return None if q2 is None or c2 is None else (q2, c2)


def _as_numbers(n: Name, wanted: frozenset[str]) -> Name | None:
    if not wanted:
        return n
    tokens = list(n.tokens)
    found: set[str] = set()
    for k, t in enumerate(tokens):
        v = roman_reading(t)
        if v in wanted and v not in found:
            tokens[k] = v
            found.add(v)
    return replace(n, tokens=tuple(tokens), numbers=n.numbers | wanted) if found == wanted else None


def score(
    q: Name,
    c: Name,
    weight,  # type: ignore[no-untyped-def]
    type: str | None = None,
    df=None,  # type: ignore[no-untyped-def]
    explain: bool = True,
) -> Score:
    """How alike two normalised names are (q the query, c the listed name), part by part (the
    explanation left empty with `explain` false: screening explains only what it keeps)."""
    if not q.tokens or not c.tokens:
        return Score(0.0, "a name made only of legal forms or stop words identifies nobody")
    read = read_romans(q, c)
    if read:
        q, c = read
    qt = _merge_runs(q.tokens, set(c.tokens), q.written)
    ct = _merge_runs(c.tokens, set(qt), c.written)
    # across scripts: "abjad" (consonants written), "hangul" or "burmese" (syllables), "" otherwise
    cross = "" if q.script == c.script else q.script if q.script in CROSS_SCRIPTS else c.script
    cross = cross if cross in CROSS_SCRIPTS else ""
    side_q = q.script == cross
    arabic = cross == "abjad" and bool(_ARABIC.search(q.original + c.original))  # every long vowel written
    if qt != ct:
        qt = _fuzzy_merge(qt, ct + c.written, cross)
        ct = _fuzzy_merge(ct, qt + q.written, cross)
    spelt_q = {t: w for t, w in zip(q.tokens, q.written) if t != w}
    spelt_c = {t: w for t, w in zip(c.tokens, c.written) if t != w}
    pairs = [(i, i, 1.0) for i in range(len(qt))] if qt == ct else _align(qt, ct, cross, spelt_q, spelt_c, side_q)
    initials = _align_initials(qt, ct, pairs) if pairs else []  # initials beside a word that matched
    wq = [weight(t) for t in qt]
    wc = [weight(u) for u in ct]
    aligned_q = {i for i, _, _ in pairs}
    aligned_c = {j for _, j, _ in pairs}
    num = den = 0.0
    for i, j, s in pairs:
        pw = (wq[i] + wc[j]) / 2
        num += pw * s
        den += pw
    for i, js in initials:  # "A.D." against "Anton Daniel"
        pw = (wq[i] + sum(wc[j] for j in js)) / 2
        num += pw * INITIALS
        den += pw
        aligned_q.add(i)
        aligned_c.update(js)
    org_initials = _align_org_initials(qt, ct, aligned_q, aligned_c) if pairs else []
    for iq, jc in org_initials:  # "NPP" against "Research and Production Enterprise"
        pw = (sum(wq[i] for i in iq) + sum(wc[j] for j in jc)) / 2
        num += pw * INITIALS
        den += pw
        aligned_q.update(iq)
        aligned_c.update(jc)
    extra_q = [i for i in range(len(qt)) if i not in aligned_q]
    extra_c = [j for j in range(len(ct)) if j not in aligned_c]
    person = type == "person"
    for i in extra_q:
        den += QUERY_EXTRA * wq[i] * (PLACE_COST if qt[i] in PLACES and not person else PERSON_EXTRA if person else 1.0)
    for j in extra_c:
        den += (
            LISTED_EXTRA * wc[j] * (PLACE_COST if ct[j] in PLACES and not person else PERSON_EXTRA if person else 1.0)
        )
    base = num / den if den else 0.0
    value = base
    notes: list[str] = []
    if explain:
        words = ", ".join(f"{qt[i]}={ct[j]} {s:.2f}" for i, j, s in sorted(pairs))
        words += "".join(f", {qt[i]}={' '.join(ct[j] for j in js)} (initials) {INITIALS:.2f}" for i, js in initials)
        words += "".join(
            f", {' '.join(qt[i] for i in iq)}={' '.join(ct[j] for j in jc)} (Russian initials) {INITIALS:.2f}"
            for iq, jc in org_initials
        )
        notes.append(f"aligned {words.lstrip(', ') or 'nothing'}")
        if extra_q:
            notes.append("extra query words " + ", ".join(qt[i] for i in extra_q))
        if extra_c:
            notes.append("extra listed words " + ", ".join(ct[j] for j in extra_c))
        notes.append(f"weighted average {base:.2f}")
    strong = [(i, j, s) for i, j, s in pairs if s >= 0.85]
    partial = False
    if df is not None and not extra_q and len(strong) == len(qt) and extra_c and (type != "person" or len(qt) >= 2):
        rare = [qt[i] for i, j, s in strong if s == 1.0 and _rare(qt[i], ct[j], df)]
        if rare:
            partial = True
            value = max(value, PARTIAL_FLOOR + (1 - PARTIAL_FLOOR) * base)
            notes.append(f"every query word is in the listed name, {rare[0]!r} rare: partial name {value:.2f}")
    elif (
        df is not None
        and not extra_c
        and len(strong) == len(ct)
        and extra_q
        and (type != "person" or _middle_only(extra_q, [i for i, _, _ in strong]))
    ):
        rare = [ct[j] for i, j, s in strong if _rare(qt[i], ct[j], df) and (s == 1.0 or len(ct) > 1)]
        named_extra = [qt[i] for i in extra_q if not _generic(qt[i])]
        if (
            (rare and len(named_extra) <= 2 and (len(ct) >= 2 or len(ct[0]) >= 5))
            or (len(ct) >= 2 and all(qt[i] in PLACES for i in extra_q))
            or (len(ct) >= 3 and not named_extra)  # a name of three words or more, with business words added
        ):
            value = max(value, THRESHOLD + 0.1 * base)
            notes.append(f"the whole listed name is in the query: {value:.2f}")
    for one, many, side, other in ((qt, ct, "listed", c), (ct, qt, "query", q)):
        if len(one) == 2 and sum(t in PLACES and t in many for t in one) == 1:  # "SMIC Beijing"
            place = next(t for t in one if t in PLACES)
            one, many = tuple(t for t in one if t != place), tuple(t for t in many if t != place)
        word_df = df(one[0]) if df is not None else 0
        short = len(one) == 1 and len(many) >= 2 and 3 <= len(one[0]) <= 8 and one[0].isalpha()
        personal = word_df > 5 and getattr(df, "__self__", None) is not None and df.__self__.personal(one[0])
        if short and not personal and type != "person":
            if (
                one[0] in other.acronym.split("|")
                or any(
                    len(t) >= 3 and _initials(t) == one[0] for t in (many, tuple(x for x in many if not _generic(x)))
                )
                or one[0] in spelled_acronyms(other)
            ):
                value = max(value, ACRONYM)
                notes.append(f"{one[0]!r} is the initials of the {side} name: {ACRONYM:.2f}")
                break
    if len(qt) <= 2 and all(_generic(t) for t in qt) and (extra_c or extra_q) and value > GENERIC_ONLY:
        value = GENERIC_ONLY  # "Bank", "Trading Company" inside a longer name: words anyone's name may hold
        notes.append(f"only generic words in the query: at most {GENERIC_ONLY:.2f}")
    idx = getattr(df, "__self__", None)
    if idx is not None and not cross:
        # two words of the list one consonant or so apart that no entry gives as spellings of each
        # other ("Radic"/"Tadic", "Hoda"/"Homa"): two names, not a typo
        real = [
            (qt[i], ct[j])
            for i, j, s in pairs
            if 0 < s < SPELLING
            and len(qt[i]) >= 4
            and not _generic(qt[i])
            and not set(skeletons(qt[i])) & set(skeletons(ct[j]))  # vowels apart: a romanisation
            and idx.distinct_words(qt[i], ct[j])
        ]
        if real:
            value -= DISTINCT_WORDS * len(real)
            notes.append(
                "words of other listed names ("
                + ", ".join(f"{a}/{b}" for a, b in real)
                + f"): -{DISTINCT_WORDS * len(real):.2f}"
            )
    # across scripts a final vowel is the reader's (Hangul writes no silent e: 주드 Jude, 나딘 Nadine)
    # an organisation's word has no gender ("Impuls"/"Impulse")
    endings = (
        []
        if cross or type in ("organization", "vessel")
        else [(qt[i], ct[j]) for i, j, s in pairs if is_ending(qt[i], ct[j])]
    )
    if endings:
        value -= ENDING_PENALTY * len(endings)
        notes.append(
            "another ending is another name ("
            + ", ".join(f"{a}/{b}" for a, b in endings)
            + f"): -{ENDING_PENALTY * len(endings):.2f}"
        )
    if len(pairs) >= 2 and q.script == c.script:
        order = [j for i, j, s in sorted(pairs)]
        inversions = sum(1 for a in range(len(order)) for b in range(a + 1, len(order)) if order[a] > order[b])
        if inversions:
            reordered = REORDERED in q.stripped or REORDERED in c.stripped
            if reordered or q.script != "latin":
                pen = 0.0
            elif type == "person" or (type is None and len(qt) == len(ct) == 2):
                # a rotation (surname first or last) is how persons are written; a swap of two
                # given names is another person ("Ibrahim Saleh" / "Saleh Ibrahim")
                pen = PERSON_ORDER_PENALTY if len(qt) == len(ct) == 2 and min(map(len, qt + ct)) > 1 else 0.0
                if pen and _given_names(qt, df):
                    pen = GIVEN_NAMES_SWAPPED
                if len(order) > 2 and not _rotation(order):
                    pen = ORDER_PENALTY
            else:
                pen = ORDER_PENALTY / 2 if _rotation(order) else ORDER_PENALTY  # "Bank Iran Zamin"
            if pen:
                value -= pen
                notes.append(f"words in another order: -{pen:.2f}")
    conflict = False
    if person and extra_q and extra_c and pairs and cross in ("", "abjad"):
        # a first or last name on each side that the other lacks ("Oleg Sergeevich Kozlov" / "Oleg
        # Sergeevich Ivanov", "Qusay Saddam Hussein" / "Uday Saddam Hussein"); middle names may
        # differ. Across scripts (a consonant spelling) only words not even starting alike: a
        # romanisation may fail to align ("Yitzhak"/"yshk"), "Nasser"/"Mansour" are two names.
        ends_q = [qt[i] for i in extra_q if i in (0, len(qt) - 1) and len(qt[i]) > 1]
        ends_c = [ct[j] for j in extra_c if j in (0, len(ct) - 1) and len(ct[j]) > 1]
        if cross:
            ends_q = [t for t in ends_q if not any(_start_alike(t, u) for u in ends_c)]
        if ends_q and ends_c:
            conflict = True
            value -= PERSON_PART_CONFLICT
            notes.append(f"another first or last name ({ends_q[0]} vs {ends_c[0]}): -{PERSON_PART_CONFLICT:.2f}")
    if person and extra_q and extra_c and pairs and cross and not conflict:
        # across scripts, a word left on each side: a spelling the alignment missed keeps half
        # its consonants or more ("lwy" Louis); otherwise another given name or surname
        # (a syllable of the Korean side is a name part, "i" the surname 이; a Latin letter an initial)
        left_q = [qt[i] for i in extra_q if len(qt[i]) > 1 or side_q]
        left_c = [ct[j] for j in extra_c if len(ct[j]) > 1 or not side_q]
        if left_q and left_c and all(skeleton_kinship(t, u, arabic) < KINSHIP for t in left_q for u in left_c):
            pen = CROSS_PART_CONFLICT
            if cross == "hangul":  # two Korean surnames (김 Kim vs Lee): two families
                native, latin = (qt, ct) if side_q else (ct, qt)
                ends = {latin[0], latin[-1]} & set(left_c if side_q else left_q)
                if native[0] in (left_q if side_q else left_c) and native[0] in SURNAME_SPELLINGS:
                    pen += CROSS_PART_CONFLICT if ends & SURNAME_SPELLINGS else 0.0
            value -= pen
            notes.append(f"another name across scripts ({left_q[0]} vs {left_c[0]}): -{pen:.2f}")
    opp_q = {qt[i] for i in extra_q if qt[i] in OPPOSITES}
    opp_c = {ct[j] for j in extra_c if ct[j] in OPPOSITES}
    if opp_q and opp_c:
        value -= OPPOSITE_CONFLICT
        notes.append(
            f"opposite words ({'/'.join(sorted(opp_q))} vs {'/'.join(sorted(opp_c))}): -{OPPOSITE_CONFLICT:.2f}"
        )
    places_q = {qt[i] for i in extra_q if qt[i] in PLACES and qt[i] not in ("branch", "office")}
    places_c = {ct[j] for j in extra_c if ct[j] in PLACES and ct[j] not in ("branch", "office")}
    if places_q and places_c:
        value -= PLACE_CONFLICT
        notes.append(
            f"different places ({'/'.join(sorted(places_q))} vs {'/'.join(sorted(places_c))}): -{PLACE_CONFLICT}"
        )
    if q.numbers != c.numbers and not q.numbers and partial:
        notes.append(f"the listed name's number ({'/'.join(sorted(c.numbers))}) narrows the partial name")
    elif q.numbers != c.numbers and (q.numbers or c.numbers):
        value *= NUMBER_FACTOR
        notes.append(
            f"numbers differ ({'/'.join(sorted(q.numbers)) or 'none'} vs "
            f"{'/'.join(sorted(c.numbers)) or 'none'}): x{NUMBER_FACTOR}"
        )
    if q.legal_forms and c.legal_forms:
        if q.jurisdictions and c.jurisdictions and not (q.jurisdictions & c.jurisdictions):
            value -= JURISDICTION_CONFLICT
            notes.append(
                f"legal forms of two jurisdictions ({'/'.join(sorted(q.legal_forms))} vs "
                f"{'/'.join(sorted(c.legal_forms))}): -{JURISDICTION_CONFLICT:.2f}"
            )
        elif (
            not (q.generics & c.generics)
            and not (q.legal_forms & c.legal_forms)
            and not (q.legal_forms <= GENERIC_FORMS or c.legal_forms <= GENERIC_FORMS)
        ):
            value -= FORM_DIFFERS
            notes.append(
                f"legal form differs ({'/'.join(sorted(q.legal_forms))} vs {'/'.join(sorted(c.legal_forms))}): "
                f"-{FORM_DIFFERS:.2f}"
            )
        else:
            notes.append(f"legal form agrees ({'/'.join(sorted(q.legal_forms))} vs {'/'.join(sorted(c.legal_forms))})")
    value = max(0.0, min(1.0, value))
    if not explain:
        return Score(round(value, 4), "")
    stripped = [s for s in dict.fromkeys(q.stripped + c.stripped)]
    if stripped:
        notes.append("stripped " + ", ".join(stripped))
    return Score(round(value, 4), "; ".join(notes) + f" -> {value:.2f}")


def _rare(t: str, u: str, df) -> bool:  # type: ignore[no-untyped-def]
    """A word rare enough to stand for a listed party on its own: not a generic business word or a
    place, and in few listed names (up to RARE_WORD_DF for a word that leads the names it is in,
    a brand such as Huawei; up to COMMON_WORD_DF otherwise)."""
    if len(u) < 4 or u.isdigit() or _generic(u):
        return False
    n = df(u)
    if n <= COMMON_WORD_DF:
        return True
    leads = getattr(df, "__self__", None)
    return n <= RARE_WORD_DF and leads is not None and leads.leading_share(u) >= 0.5


_WORD = re.compile(r"[^\W\d_]+")
_ARABIC = re.compile("[\u0600-\u06ff]")
_LINKS = STOP | {"and", "und", "et", "y", "e", "i"}


@lru_cache(maxsize=20_000)
def spelled_acronyms(n: Name) -> frozenset[str]:
    """`acronyms_as_written` of a name met while scoring, kept for the next query."""
    return acronyms_as_written(n)


def acronyms_as_written(n: Name) -> frozenset[str]:
    """Initials of a Latin name as written, small words included or not ("La Nueva Familia
    Michoacana" LNFM, "Al-Itihaad al-Islamiya" AIAI, "Sina Financial and Investment" SFI), and of
    its leading words when the rest is generic or a legal form ("Aero Express Intercontinental
    S.A." AEISA, "Sina Financial and Investment Holding Company" SFI)."""
    if n.script != "latin":
        return frozenset()
    text = "".join(ch for ch in unicodedata.normalize("NFKD", n.original.lower()) if not unicodedata.combining(ch))
    text = text.replace("'", "").replace("\u2019", "")
    words = _WORD.findall(text)
    token_of = dict(zip(n.written, n.tokens))
    bare = [w for w in words if token_of.get(w) not in PLACES]  # "... International (Beijing) Corporation" SMIC
    out: set[str] = set()
    for ws in (words, [w for w in words if w not in _LINKS], bare, [w for w in bare if w not in _LINKS]):
        if len(ws) < 2:
            continue
        out.add("".join(w[0] for w in ws))
        for k in range(2, len(ws)):
            rest = ws[k:]
            if all(w in _LINKS or len(w) <= 2 or w not in token_of or _generic(token_of[w]) for w in rest):
                out.add("".join(w[0] for w in ws[:k]))
    return frozenset(a for a in out if 3 <= len(a) <= 8)


def _start_alike(a: str, b: str) -> bool:
    """Two words (one a consonant spelling) whose consonant skeletons start with the same letter."""
    return bool({k[:1] for k in skeletons(a) if k} & {k[:1] for k in skeletons(b) if k})


def _given_names(tokens: tuple[str, ...], df) -> bool:  # type: ignore[no-untyped-def]
    """Two words that are both given names in the list's persons (seldom a surname, i.e. seldom
    last) and of more than one syllable ("Hassan Ali", not the pinyin "Li Wei"): in Arabic naming
    the second is the father's name, so the other order is another person."""
    idx = getattr(df, "__self__", None)
    if idx is None or len(tokens) != 2:
        return False
    return all(not one_syllable(t) and idx.given_share(t) >= 0.5 for t in tokens)


def _middle_only(extra: list[int], aligned: list[int]) -> bool:
    """Extra words of a person only between the aligned ones: middle names or patronymics, not
    another given name in front ("Ahmad Mahmud al-Haddad" is the son of "Mahmud al-Haddad")."""
    return bool(aligned) and all(min(aligned) < i < max(aligned) for i in extra)


def _rotation(order: list[int]) -> bool:
    """Aligned positions that are a rotation of 0..n-1 (a surname moved to the front or back)."""
    n = len(order)
    return all(order[(k + 1) % n] == (order[k] + 1) % n for k in range(n)) or sorted(order) != list(range(n))


# The Russian word each generic English word of an organisation's kind translates, by its first
# letter: NPP = Nauchno-Proizvodstvennoe Predpriyatie, "Scientific Production Enterprise"; NII =
# Nauchno-Issledovatelskiy Institut, "Scientific Research Institute"; OKB = Opytno-Konstruktorskoe
# Byuro, "Experimental Design Bureau"; NTTs = Nauchno-Tekhnicheskiy Tsentr. An empty letter: a word
# that is part of the previous one in Russian ("machine building", mashinostroitelnoe).
_RU_LETTERS: dict[str, tuple[str, ...]] = {
    "scientific": ("n",),
    "research": ("n", "i"),
    "production": ("p",),
    "enterprise": ("p",),
    "association": ("o",),
    "firm": ("f",),
    "complex": ("k",),
    "company": ("k",),
    "corporation": ("k",),
    "institute": ("i",),
    "center": ("c",),
    "technology": ("t",),
    "design": ("k",),
    "bureau": ("b",),
    "office": ("b",),
    "experimental": ("o",),
    "special": ("o", "s"),  # Osoboe or Spetsialnoe
    "engineering": ("k", "i"),
    "machine": ("m",),
    "building": ("",),
    "trading": ("t",),  # Torgovaya: PTK = Proizvodstvenno-Torgovaya Kompaniya
    "commercial": ("k",),
    "opytnoe": ("o",),  # the Russian words as written where no English word stands for them
    "opytno": ("o",),
    "konstruktorskoe": ("k",),
}


def _ru_initials(acronym: str, words: tuple[str, ...]) -> bool:
    """Whether `acronym` (folded: NPTs as npc) spells the Russian initials of `words` in order."""
    ends = {0}
    for w in words:
        letters = _RU_LETTERS.get(w)
        if letters is None:
            return False
        ends = {e + len(x) for e in ends for x in letters if acronym[e : e + len(x)] == x}
        if not ends:
            return False
    return len(acronym) in ends


def _align_org_initials(
    qt: tuple[str, ...], ct: tuple[str, ...], used_q: set[int], used_c: set[int]
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Unaligned Russian organisational initials (NPP, NII, OKB, NPTs) on one side against a run of
    unaligned generic words on the other that they abbreviate ("Research and Production Enterprise")."""
    out: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    for one, other, used_one, used_other, flip in ((qt, ct, used_q, used_c, False), (ct, qt, used_c, used_q, True)):
        for i, t in enumerate(one):
            if i in used_one or not (2 <= len(t) <= 5) or not t.isalpha() or t[0] not in "nmokp":
                continue
            a = t.replace("ts", "c")
            free = [j for j in range(len(other)) if j not in used_other]
            for k in range(len(free)):
                for n in range(len(a) + 1, 0, -1):
                    js = tuple(free[k : k + n])
                    if len(js) == n and js[-1] - js[0] == n - 1 and _ru_initials(a, tuple(other[j] for j in js)):
                        used_one.add(i)
                        used_other.update(js)
                        out.append(((i,), js) if not flip else (js, (i,)))
                        break
                else:
                    continue
                break
    return out


def _align_initials(
    qt: tuple[str, ...], ct: tuple[str, ...], pairs: list[tuple[int, int, float]]
) -> list[tuple[int, tuple[int, ...]]]:
    """Unaligned short query tokens that are the initials of a run of unaligned listed words."""
    used_q = {i for i, _, _ in pairs}
    used_c = {j for _, j, _ in pairs}
    out = []
    for i, t in enumerate(qt):
        if i in used_q or not (2 <= len(t) <= 4) or not t.isalpha():
            continue
        free = [j for j in range(len(ct)) if j not in used_c]
        for k in range(len(free) - len(t) + 1):
            js = tuple(free[k : k + len(t)])
            if all(js[m + 1] == js[m] + 1 for m in range(len(js) - 1)) and _initials(tuple(ct[j] for j in js)) == t:
                out.append((i, js))
                used_c.update(js)
                break
    return out


def _deletions(word: str, edits: int) -> set[str]:
    """The strings `word` leaves with exactly `edits` (1 or 2) letters deleted."""
    one = {word[:i] + word[i + 1 :] for i in range(len(word))}
    return one if edits == 1 else {d[:j] + d[j + 1 :] for d in one for j in range(len(d))}


def _near_keys(word: str) -> set[str]:
    """The keys of a word in the two-edit table: its first PREFIX letters with none, one or two
    deleted (SymSpell's prefix: two words two edits apart share a key; fewer keys per long word)."""
    head = word[:PREFIX]
    return {head} | _deletions(head, 1) | _deletions(head, 2)


def _pack(postings: dict[str, list[int]]) -> tuple[str, bytes, bytes]:
    """Posting lists as (the terms sorted and joined by NUL, each term's end offset, all name ids)."""
    terms = sorted(postings)
    ends, ids = array("I"), array("I")
    for t in terms:
        ids.extend(postings[t])
        ends.append(len(ids))
    return "\0".join(terms), ends.tobytes(), ids.tobytes()


class _Postings:
    """The read side of a term -> name ids mapping over the packed cache form.

    A term is found by bisection in the sorted terms; its list is decoded when first asked for and
    then kept, so the same list object is returned every time (`Index._members` caches by identity).
    """

    def __init__(self, terms: str, ends: bytes, ids: bytes):
        self.packed = (terms, ends, ids)
        self._terms = terms.split("\0") if terms else []
        self._ends = memoryview(ends).cast("I")
        self._ids = memoryview(ids).cast("I")
        self._lists: dict[str, list[int]] = {}

    def _find(self, term: str) -> int:
        i = bisect_left(self._terms, term)
        return i if i < len(self._terms) and self._terms[i] == term else -1

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and (term in self._lists or self._find(term) >= 0)

    def __getitem__(self, term: str) -> list[int]:
        ids = self._lists.get(term)
        if ids is None:
            i = self._find(term)
            if i < 0:
                raise KeyError(term)
            ids = self._lists[term] = self._ids[self._ends[i - 1] if i else 0 : self._ends[i]].tolist()
        return ids

    def get(self, term: str, default: list[int] | None = None) -> list[int] | None:
        return self[term] if term in self else default

    def keys(self) -> _Terms:
        return _Terms(self)

    def __len__(self) -> int:
        return len(self._terms)

    def __iter__(self) -> Iterator[str]:
        return iter(self._terms)


class _Terms:
    """`postings.keys()` for `some_set & postings.keys()`: the members of the set that are terms."""

    def __init__(self, postings: _Postings):
        self._postings = postings

    def __rand__(self, other: set[str]) -> set[str]:
        return {t for t in other if t in self._postings}

    __and__ = __rand__

    def __contains__(self, term: object) -> bool:
        return term in self._postings


class _Deletes:
    """The typo table over its packed cache form: the deletions sorted and joined by NUL, and the
    words under each, NUL-joined in one string, ending at the offsets in `ends`."""

    def __init__(self, keys: str, ends: bytes, words: str):
        self._keys = keys.split("\0") if keys else []
        self._ends = memoryview(ends).cast("I")
        self._words = words
        if len(self._ends) != len(self._keys):
            raise ValueError("damaged typo table")

    @staticmethod
    def pack(table: dict[str, list[str]]) -> tuple[str, bytes, str]:
        keys = sorted(table)
        ends, parts, at = array("I"), [], 0
        for k in keys:
            part = "\0".join(table[k])
            parts.append(part)
            at += len(part) + 1
            ends.append(at)
        return "\0".join(keys), ends.tobytes(), "\0".join(parts)

    def get(self, key: str, default: tuple[str, ...] | list[str] = ()) -> list[str] | tuple[str, ...]:
        i = bisect_left(self._keys, key)
        if i == len(self._keys) or self._keys[i] != key:
            return default
        start = self._ends[i - 1] if i else 0
        return self._words[start : self._ends[i] - 1].split("\0")


class _Names:
    """The plain names, each decoded from its marshal blob when first asked for."""

    def __init__(self, blobs: list[bytes]):
        self.blobs = blobs
        self._cache: dict[int, tuple] = {}  # type: ignore[type-arg]

    def __getitem__(self, nid: int) -> tuple:  # type: ignore[type-arg]
        p = self._cache.get(nid)
        if p is None:
            p = self._cache[nid] = marshal.loads(self.blobs[nid])
        return p

    def __len__(self) -> int:
        return len(self.blobs)

    def __iter__(self) -> Iterator[tuple]:  # type: ignore[type-arg]
        return (self[i] for i in range(len(self.blobs)))


def cache_dir() -> Path:
    """Where built indexes are kept: $LONGARM_CACHE, else $XDG_CACHE_HOME/longarm, else ~/.cache/longarm."""
    if os.environ.get("LONGARM_CACHE"):
        return Path(os.environ["LONGARM_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "longarm"


def _code_digest(here: Path | None = None) -> str:
    """A digest of the code and tables a built index depends on: every module of this package
    (a new module imported by normalisation is covered without being named here) and the name
    tables normalisation reads."""
    here = here or Path(__file__).parent
    h = hashlib.sha256()
    for module in sorted(here.glob("*.py")):
        h.update(module.name.encode() + b"\0" + module.read_bytes())
    for data in sorted((here.parent / "data" / "names").glob("*.yml")):  # the tables normalisation reads
        h.update(data.name.encode() + b"\0" + data.read_bytes())
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
        _prune(path)
    index.cache_path = path
    return index


def _prune(current: Path) -> None:
    """Remove indexes of the same list built by other code and unused for a day (best effort)."""
    import time

    prefix = current.name.rsplit("-", 1)[0]
    for old in current.parent.glob(prefix + "-*.marshal"):
        try:
            if not old.name.startswith(current.stem) and time.time() - old.stat().st_mtime > 86_400:
                old.unlink()
        except OSError:
            pass


def _save(path: Path, data: Any) -> None:
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
    """How alike two party names are, `a` taken as the query and `b` as the listed name (rare-word
    weights from the list in service); with several names in one string, the best pair."""
    idx = index_for()
    qa, qb = names(a, type), names(b, type)
    if not qa or not qb:
        return Score(0.0, "a name made only of legal forms, titles or stop words identifies nobody")
    best: Score | None = None
    for x in qa:
        for y in qb:
            if x is not qa[0] and y is not qb[0] and len(x.tokens) == 1 and len(y.tokens) == 1:
                continue  # two acronyms in parentheses say nothing about the names they follow
            s = score(x, y, idx.weight, type, idx.df)
            if best is None or s.value > best.value:
                multi = len(qa) > 1 or len(qb) > 1
                best = Score(s.value, f"{x.original!r} vs {y.original!r}: {s.explanation}") if multi else s
    if best is None:
        return Score(0.0, "no comparable names")
    return best
