"""How alike two name tokens are, graded and length-aware, and the keys used across scripts.

A token pair scores 1.0 when equal and less for each edit, within an edit budget that grows with
the length of the word (none for two letters, one up to five, two up to nine, three beyond).
Look-alike characters (o/0, i/l/1, c/k, ...) cost half an edit; a different digit is a different
party (0.0); a word and its gender or plural ending ("Alexandra"/"Alexander", "Makarova"/"Makarov")
are two names, not a typo. A single letter against a word starting with it is an initial.

Across scripts, names are also compared by consonant skeleton: Hebrew and Arabic write no
vowels, and romanisations disagree on them ("Mohammed"/"mhmd", "Cohen"/"khn").
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

from longarm.screening import names_data

INITIAL = 0.85  # a single letter against a word that starts with it
ENDING = 0.6  # a word against the same word with another gender or plural ending
ABBREVIATION = 0.8  # a word against its written abbreviation


def _confusable_table() -> dict[int, str]:
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.get(c, c) != c:
            c = parent[c]
        return c

    for a, b in names_data.confusable_pairs():
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {ord(c): find(c) for c in parent}


_CONF: dict[int, str] | None = None
# Gender and number endings (either order): a different ending is a different name.
_ENDINGS = {
    frozenset(p)
    for p in [
        ("", "a"),
        ("", "s"),
        ("o", "a"),
        ("er", "ra"),
        ("us", "a"),
        ("y", "a"),
        ("i", "a"),
        ("e", "a"),
        ("", "e"),
    ]
}


def _budget(n: int) -> int:
    return 0 if n <= 2 else 1 if n <= 5 else 2 if n <= 9 else 3


def _per_edit(n: int) -> float:
    return 0.25 if n <= 4 else 0.12 if n <= 7 else 0.09 if n <= 11 else 0.07


_VOWEL_SET = set("aeiouy")


def abbreviates(a: str, b: str) -> bool:
    """`a` is a written abbreviation of `b`: a prefix ("res" research) or a contraction keeping the
    first and last letters in order ("indl" industrial, "trdg" trading, "assn" association)."""
    if len(a) < 3 or len(b) < len(a) + 2 or a[0] != b[0] or not a.isalpha():
        return False
    if b.startswith(a):
        return True
    if a[-1] != b[-1]:
        return False
    it = iter(b)
    return all(ch in it for ch in a)


def is_ending(a: str, b: str) -> bool:
    """The same word with another gender or number ending ("Carlo"/"Carlos", "Makarova"/"Makarov")."""
    p = 0
    for x, y in zip(a, b):
        if x != y:
            break
        p += 1
    return p >= 3 and frozenset((a[p:], b[p:])) in _ENDINGS


@lru_cache(maxsize=500_000)
def token_sim(a: str, b: str) -> float:
    """Similarity of two normalised tokens, 0..1."""
    global _CONF
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    if a[-1].isdigit() or b[-1].isdigit() or a[0].isdigit() or b[0].isdigit():
        return 0.0
    la, lb = len(a), len(b)
    if la == 1 or lb == 1:
        return INITIAL if a[0] == b[0] else 0.0
    n = max(la, lb)
    if abbreviates(a, b) or abbreviates(b, a):
        return ABBREVIATION
    d = OSA.distance(a, b)
    if d > 0:
        if _CONF is None:
            _CONF = _confusable_table()
        dc = OSA.distance(a.translate(_CONF), b.translate(_CONF))
        cost = dc + 0.5 * (d - dc)
    else:
        cost = 0.0
    budget = _budget(n)
    if n <= 4 and not (_VOWEL_SET & set(a) and _VOWEL_SET & set(b)):
        budget = 0  # acronyms: CSIC is not CSSC
    if cost > budget + 0.01:
        return max(0.0, 0.5 * (1 - cost / n))
    sim = 1 - _per_edit(n) * cost
    if is_ending(a, b):
        sim = min(sim, ENDING)
    return sim


_DIGRAPHS = [("kh", "k"), ("gh", "g"), ("th", "t"), ("dh", "d"), ("sh", "s"), ("bh", "b"), ("ts", "s")]
_CLASSES = str.maketrans("pfvbcqzgdl", "bbbbkksktr")
_VOWELS = re.compile(r"[aeiouyw']")


@lru_cache(maxsize=200_000)
def skeletons(token: str) -> tuple[str, ...]:
    """The consonant skeletons of a token: similar consonants one letter, vowels (and w, y) dropped,
    then digraphs folded (kh, sh, th, ...), a final h dropped, doubled letters once, an Arabic
    article written without its vowel dropped. A word written with vowels (a Latin name) also
    gives the skeleton without any h ("John" -> jn, as Hebrew writes it)."""
    t = token
    if len(t) > 4 and (t.startswith("al") or t.startswith("el")):
        t = t[2:]
    if len(t) > 2 and t[0] == "l" and t[1] not in "aeiouy":
        t = t[1:]  # "lkhtyb": the article written without its vowel
    if t[:1] == "w":
        t = "b" + t[1:]  # an initial w/v (Hebrew vav) is a consonant
    t = _VOWELS.sub("", t.replace("x", "ks").translate(_CLASSES))
    for a, b in _DIGRAPHS:
        t = t.replace(a, b)
    t = re.sub(r"(.)\1+", r"\1", t.rstrip("h"))
    if "h" in t and any(v in token for v in "aeiou"):
        return (t, re.sub(r"(.)\1+", r"\1", t.replace("h", "")))
    return (t,)


def skeleton(token: str) -> str:
    return skeletons(token)[0]


@lru_cache(maxsize=200_000)
def skeleton_sim(a: str, b: str) -> float:
    """Similarity of two tokens by consonant skeleton (for names crossing scripts)."""
    return max(_skel_sim(x, y) for x in skeletons(a) for y in skeletons(b))


def _skel_sim(sa: str, sb: str) -> float:
    if len(sa) < 2 or len(sb) < 2:
        return 0.0
    if sa == sb:
        return 0.95
    n = max(len(sa), len(sb))
    d = OSA.distance(sa, sb)
    if d > (1 if n >= 4 else 0) or sa[0] != sb[0]:
        return 0.0
    return 0.95 - 0.2 * d
