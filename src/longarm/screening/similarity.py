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
        ("", "iya"),
        ("", "ia"),
    ]
}


# Latin spellings of one sound in the romanisations lists use (Russian, Arabic, Persian, Chinese):
# Tsiklon/Ciklon, Khafif/Hafif, Zhirmunsky/Jirmunsky, Yusuf/Yousef/Jusuf, Qomati/Komati.
_SPELLINGS = [
    ("dzh", "j"),
    ("tch", "ch"),
    ("sch", "sh"),
    ("dj", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("ph", "f"),
    ("ck", "k"),
    ("ts", "c"),
    ("tz", "c"),
    ("tc", "c"),
    ("ks", "x"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
]
_HARD_C = re.compile(r"c(?![eiy]|h)")
_SOFT_E = re.compile(r"(?<=[^aeiouy])(?:yo|io|ye|ie)(?=[^aeiouy])")
_FINAL_TA = re.compile(r"(?<=[^aeiou])[ae]h$|(?<=[^aeiou])ah?$")
SPELLING = 0.92  # two romanisations of one name ("Mohamed"/"Mohammed", "Tsiklon"/"Ciklon")


@lru_cache(maxsize=200_000)
def spelling_key(token: str) -> str:
    """A token with the spellings romanisations disagree on folded: digraphs (kh, zh, ts, ...),
    q/k, w/v, y/i, c before a consonant or back vowel as k, ou/oo/u, the Russian soft e and yo
    between consonants as e, a final -iy/-ii as -i, a final -eh/-ah/-a (the Arabic and Persian
    feminine ending, "Haniyeh"/"Haniya"), doubled letters once."""
    t = token
    if t[:2] == "ye" and len(t) > 4:
        t = t[1:]  # Yevgeny / Evgeniy
    t = _FINAL_TA.sub("a", t)
    t = _SOFT_E.sub("e", t)  # Fyodor / Fedor, Semyonov / Semenov, Soloviev / Solovev
    for a, b in _SPELLINGS:
        t = t.replace(a, b)
    t = _HARD_C.sub("k", t).replace("q", "k").replace("w", "v").replace("y", "i")
    if t.endswith("ii"):
        t = t[:-1]  # Yuriy, Yurii, Yury; -skiy, -sky
    return re.sub(r"(.)\1+", r"\1", t)


def _budget(n: int) -> int:
    return 0 if n <= 2 else 1 if n <= 5 else 2 if n <= 9 else 3


def _per_edit(n: int) -> float:
    return 0.25 if n <= 4 else 0.12 if n <= 7 else 0.09 if n <= 11 else 0.07


_VOWEL_SET = set("aeiouy")
_ROMAN = re.compile(r"^(?=[xvi]{2})x{0,3}(ix|iv|v?i{0,3})$")
# Words of one kind that differ in meaning, not in spelling: never a typo of each other.
OPPOSITES = frozenset(
    (
        "north south east west northern southern eastern western northeast northwest southeast southwest "
        "upper lower inner outer red blue green black white yellow first second third new old"
    ).split()
)


def is_roman(token: str) -> bool:
    """A Roman numeral of two letters or more up to 39 (a regnal number: VIII, XIV)."""
    return bool(_ROMAN.match(token))


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
    """The same word with another gender or number ending ("Carlo"/"Carlos", "Makarova"/"Makarov"),
    also once romanisations are folded ("Solovyova"/"Solovyov"); an added vowel after a vowel
    ("Baha"/"Bahaa") or a doubled last letter ("Weiss"/"Weis") is a spelling, not an ending."""
    if _ending(a, b):
        return True
    if not (a.isalpha() and b.isalpha() and min(len(a), len(b)) >= 5):
        return False
    ka, kb = spelling_key(a), spelling_key(b)
    return abs(len(ka) - len(kb)) == 1 and (ka + "a" == kb or kb + "a" == ka) and _ending(ka, kb)  # a feminine -a


def _ending(a: str, b: str) -> bool:
    p = 0
    for x, y in zip(a, b):
        if x != y:
            break
        p += 1
    ends = frozenset((a[p:], b[p:]))
    if p < 3 or ends not in _ENDINGS:
        return False
    if "" in ends and a[p - 1] in ends:
        return False  # a doubled last letter is a spelling ("Weiss"/"Weis", "Hess"/"Hes"), not an ending
    return not ("" in ends and ends - {""} <= {"a", "e"} and a[p - 1] in "aeiou")  # Yevgeniy/Yevgeniya is one


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
        if a in "ivx" and is_roman(b) or b in "ivx" and is_roman(a):
            return 0.0  # "Ilya V" / "Ilya VI": two numbers, not an initial and a word
        return INITIAL if a[0] == b[0] else 0.0
    if a in OPPOSITES and b in OPPOSITES:
        return 0.0  # "Far Eastern" is not "Far Western", "SMIC Northern" not "SMIC Southern"
    if is_roman(a) and is_roman(b):
        return 0.0  # two regnal numbers (a person's, kept as written): Henry VIII is not Henry VII
    if "x" in a or "x" in b:
        xa, xb = a.replace("x", "ks"), b.replace("x", "ks")  # "Alexei" / "Aleksey"
        if xa == xb:
            return 0.95
        if OSA.distance(xa, xb) < OSA.distance(a, b):
            a, b, la, lb = xa, xb, len(xa), len(xb)
    n = max(la, lb)
    if abbreviates(a, b) or abbreviates(b, a):
        return ENDING if is_ending(a, b) else ABBREVIATION  # "Viktor"/"Viktoriya": another name
    d = OSA.distance(a, b)
    if d > 0:
        if _CONF is None:
            _CONF = _confusable_table()
        dc = OSA.distance(a.translate(_CONF), b.translate(_CONF))
        cost = dc + 0.5 * (d - dc)
    else:
        cost = 0.0
    if cost >= 1 and a.isalpha() and b.isalpha() and n >= 4:
        ka, kb = spelling_key(a), spelling_key(b)
        if ka == kb:
            return ENDING if is_ending(a, b) else SPELLING
        dk = OSA.distance(ka, kb) + 0.5  # a romanisation folded, then an edit
        if dk < cost:
            cost = dk
    budget = _budget(n)
    if n <= 4 and not (_VOWEL_SET & set(a) and _VOWEL_SET & set(b)):
        budget = 0  # acronyms: CSIC is not CSSC
    if cost > budget + 0.01:
        return max(0.0, 0.5 * (1 - cost / n))
    sim = 1 - _per_edit(n) * cost
    if is_ending(a, b):
        sim = min(sim, ENDING)
    return sim


_DIGRAPHS = [
    ("dj", "j"),
    ("kh", "k"),
    ("gh", "g"),
    ("th", "t"),
    ("dh", "d"),
    ("sh", "s"),
    ("ph", "f"),
    ("ts", "s"),
    ("ch", "k"),
]
_CLASSES = str.maketrans("pfvbcqzgdlx", "bbbbkksktrk")
_VOWELS = re.compile(r"[aeiouyw']")
_SOFT_C = re.compile(r"c(?=[eiy])")
_SOFT_G = re.compile(r"g(?=[eiy])")
_HARD_G = re.compile(r"g(?![hn])")
_SILENT_R = re.compile(r"(?<=[aeiou])r(?=[^aeiouy]|$)")


def _vowelled(token: str) -> bool:
    """A word written with its vowels (a Latin name), not a consonant spelling, whose first letter
    may be the vowel an initial alef carries ("elyzr" Eliezer)."""
    return any(v in token[1:] for v in "aeiou")


@lru_cache(maxsize=200_000)
def skeletons(token: str) -> tuple[str, ...]:
    """The consonant skeletons of a token: similar consonants one letter, vowels (and w, y) dropped,
    then digraphs folded (kh, sh, th, ...), a final h dropped, doubled letters once. Where a
    spelling is ambiguous, each reading: an Arabic article written without its vowel ("lkhtyb")
    dropped or not; for a word written with vowels (a Latin name), "ch" as in French (sh) and the
    skeleton without any h ("John" -> jn, as Hebrew writes it)."""
    starts = [token]
    if len(token) > 4 and (token.startswith("al") or token.startswith("el")):
        starts.append(token[2:])  # an article, or the first syllable ("Eliezer", "Aloni")
    elif len(token) > 2 and token[0] == "l" and token[1] not in "aeiouy":
        starts.append(token[1:])
    vowelled = _vowelled(token)
    if vowelled:  # Latin spellings of one sound: ch as sh or h, c before e/i as s, j as y or zh
        for rewrite in _REWRITES:  # each reading combined with the others ("George": soft g, silent r)
            starts += [alt for t in starts for alt in rewrite(t) if alt != t][: _MAX_READINGS - len(starts)]
    out: list[str] = []
    least = 0
    for n, t in enumerate(starts):
        if t[:1] == "w":
            t = "b" + t[1:]  # an initial w/v (Hebrew vav) is a consonant
        if vowelled:  # digraphs as written, before the vowels go (a consonant spelling has none)
            for a, b in _DIGRAPHS:
                t = t.replace(a, b)
        t = t.replace("x", "ks" if vowelled else "k").translate(_CLASSES)
        # a doubled letter once; also read with the same consonant twice around a vowel kept twice
        # ("joji" j-j, as George reads without its r), a reading that only adds consonants
        twice = _VOWELS.sub("", re.sub(r"(.)\1+", r"\1", t)).rstrip("h")
        t = re.sub(r"(.)\1+", r"\1", twice)
        if n == 0:
            least = (len(t) + 1) // 2
        for k in (t, twice) if twice != t and len(t) == 1 else (t,):
            for r in (k, re.sub(r"(.)\1+", r"\1", k.replace("h", ""))) if "h" in k and vowelled else (k,):
                if n == 0 or len(r) >= least:  # not a reading that lost most consonants ("gimjeongeun" m-n)
                    out.append(r)
    return tuple(dict.fromkeys(out))


def _ch(t: str) -> list[str]:
    return [t.replace("ch", "sh"), t.replace("ch", "h")] if "ch" in t else []


def _soft_c(t: str) -> list[str]:
    return [_SOFT_C.sub("s", t)]


def _soft_g(t: str) -> list[str]:
    return [_SOFT_G.sub("j", t)]  # George, Gene, Giulio as Hebrew writes them


def _egyptian_g(t: str) -> list[str]:
    # a hard g for the Arabic jim, as Egypt says it (Gamal, Ragab, Naggar: جمال, رجب, نجار)
    return [_HARD_G.sub("j", t)] if t.startswith("g") or "gg" in t else []


def _j(t: str) -> list[str]:
    # j as y (Jan), zh (Jacques) or the Spanish h (José, Javier, Juan as Hebrew writes them)
    return [t.replace("j", "y"), t.replace("j", "zh"), t.replace("j", "h")] if "j" in t else []


def _silent(t: str) -> list[str]:
    # letters not sounded, which a spelling by ear leaves out: gh (Knight, Hugh), an initial k, w,
    # g or p before n, r or s (Knowles, Wraith, Gnome, Psaltis)
    out = [t.replace("gh", "")] if "gh" in t else []
    if t[:2] in ("kn", "wr", "gn", "ps", "pn"):
        out.append(t[1:])
    return out


def _silent_end(t: str) -> list[str]:
    # a final consonant French does not sound (Louis, Dubois, Barrault, Jolliet)
    return [t[:-1]] if len(t) >= 4 and t[-1] in "stxdz" and t[-2] in "aeiouy" else []


def _th(t: str) -> list[str]:
    return [t.replace("th", "s")] if "th" in t else []  # English th as Korean and Japanese write it (Seth, Worth)


def _silent_r(t: str) -> list[str]:
    return [_SILENT_R.sub("", t)]  # an r not sounded (Korean and Japanese drop it)


_REWRITES = (_ch, _soft_c, _soft_g, _j, _silent_r, _silent, _th, _silent_end, _egyptian_g)
_MAX_READINGS = 24


def skeleton(token: str) -> str:
    return skeletons(token)[0]


@lru_cache(maxsize=200_000)
def skeleton_sim(a: str, b: str) -> float:
    """Similarity of two tokens by consonant skeleton (for names crossing scripts)."""
    if not _matres_agree(a, b):
        return 0.0
    best = max(_skel_sim(x, y) for x in skeletons(a) for y in skeletons(b))
    if best == 0.85 and (min(len(a), len(b)) > 4 or max(len(a), len(b)) > 6):
        return 0.0  # one consonant each: only for short words
    return best


@lru_cache(maxsize=200_000)
def skeleton_kinship(a: str, b: str, matres: bool = False) -> float:
    """How much of two words' consonant skeletons agree (1 - edits / length, best readings): a
    loose measure for words that did not align. Two spellings of one name across scripts keep
    half their consonants or more ("lwy" Louis, "olck" Olczak); two names seldom do. With `matres`
    (Arabic, which writes every long vowel) a consonant spelling whose long vowels disagree with
    the Latin one is another name ("hsyn" is Husayn, not Hassan)."""
    if matres and not _matres_agree(a, b):
        return 0.0
    best = 0.0
    for x in skeletons(a):
        for y in skeletons(b):
            if x and y:
                best = max(best, 1 - OSA.distance(x, y) / max(len(x), len(y)))
    return best


def _skel_sim(sa: str, sb: str) -> float:
    if not sa or not sb:
        return 0.0
    if sa == sb:
        return 0.95 if len(sa) >= 2 else 0.85  # "ly" / "Ali": one consonant, a short word
    n = max(len(sa), len(sb))
    d = OSA.distance(sa, sb)
    if d > (1 if n >= 3 else 0) or sa[0] != sb[0]:
        return 0.0
    return 0.8 if n >= 5 else 0.75 if n == 4 else 0.55


def _matres_agree(a: str, b: str) -> bool:
    """Hebrew and Arabic write long vowels and diphthongs with y and w (Husayn "hsyn", Mahmoud
    "mhmwd"): a written y or w needs a vowel for it in the Latin name, and a Latin diphthong (ei,
    ay, ou, oo) needs its letter in the consonant spelling. "hsyn" is not Hassan."""
    if _vowelled(a):
        a, b = b, a
    if _vowelled(a) or not _vowelled(b):
        return True  # not a consonant spelling against a vowelled one
    inner = a[1:]
    if "y" in inner and not any(v in b for v in "iey"):
        return False
    if "w" in inner and not any(v in b for v in "ouw"):
        return False
    if any(d in b for d in ("ei", "ay")) and "y" not in inner:
        return False
    if any(d in b for d in ("ou", "oo")) and "w" not in inner:
        return False
    return True


_LOOSE = [("yeo", "yo"), ("eo", "o"), ("eu", "u"), ("ae", "e"), ("oo", "u"), ("ee", "i"), ("ch", "j"), ("sh", "s")]
_LOOSE_CLASSES = str.maketrans("gdbr", "ktpl")


@lru_cache(maxsize=200_000)
def loose(token: str) -> str:
    """A token with the romanisations of syllabic scripts folded (Korean: eo/o, eu/u, g/k, d/t,
    b/p, r/l, ch/j), vowels kept: "jeong" ~ "jung", "seok" ~ "suk", never "jeong" ~ "kwang"."""
    for a, b in _LOOSE:
        token = token.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", token.translate(_LOOSE_CLASSES))


_ONE_SYLLABLE = re.compile(r"^[^aeiou]*[aeiouyw]+[^aeiou]*$")


def one_syllable(token: str) -> bool:
    """A token of one vowel group: a Hangul or Burmese syllable rather than a glued word."""
    return bool(_ONE_SYLLABLE.match(token))


def syllable_sim(a: str, b: str) -> float:
    """Similarity of a syllable-script token and a Latin one by their loose forms."""
    la, lb = loose(a), loose(b)
    return 0.95 if la == lb else 0.95 * token_sim(la, lb)
