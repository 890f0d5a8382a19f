"""Hebrew to Latin consonants, for comparison by consonant skeleton with a name's Latin spelling.

Hebrew writes consonants and only some vowels: the matres lectionis ו and י stand for o/u and i/e
as often as for the consonants v/w and y, and an initial א or ע carries a vowel the script does
not write. The reading keeps one Latin letter per consonant (so that "כהן" is k-h-n, Cohen, not
kh-n) and writes the vowel an initial או / אי carries; `readings` gives the other readings of a
word where a letter is ambiguous:

- an initial א or ע carries a vowel ("אליעזר" Eliezer) or is silent before one the Latin name
  writes as its first letter;

- a single ו inside a word is a vowel (o, u: "מוסקבה") or the consonant v ("דוד" David, "לוי" Levi);
- a doubled וו is v or w ("דייוויד" David, "אדוורד" Edward);
- ח is h ("חיים" Haim) or kh / ch ("חאלד" Khaled, "מנחם" Menachem);
- צ / ץ is s / z ("צבי" Zvi) or ts / tz ("יצחק" Yitzhak, "כ"ץ" Katz).

The geresh marks the sounds Hebrew borrows (ג׳ j, ז׳ zh, צ׳ ch, ת׳ th, ח׳ kh); gershayim inside a
word mark an abbreviation (כ"ץ) and are dropped. Regnal ordinals after a name (הראשון, השני, ...)
are written as the Roman numerals the Latin name carries ("Pius II" / "פיוס השני"), and epithets
of persons (הקדוש "Saint", המלך "King", ...) in English, so that they line up with the Latin name's.
Sources: the Academy of the Hebrew Language's transliteration rules (2006/2011) for the letters
and the geresh; the matres lectionis as any Hebrew grammar describes them.
"""

from __future__ import annotations

import itertools
import re

LETTERS = {
    "א": "",
    "ב": "b",
    "ג": "g",
    "ד": "d",
    "ה": "h",
    "ו": "w",
    "ז": "z",
    "ח": "h",
    "ט": "t",
    "י": "y",
    "כ": "k",
    "ך": "k",
    "ל": "l",
    "מ": "m",
    "ם": "m",
    "נ": "n",
    "ן": "n",
    "ס": "s",
    "ע": "",
    "פ": "p",
    "ף": "f",
    "צ": "s",
    "ץ": "s",
    "ק": "k",
    "ר": "r",
    "ש": "s",
    "ת": "t",
}
# Letter + geresh: the sounds Hebrew writes for foreign words and names.
GERESH = {"ג": "j", "ז": "j", "צ": "c", "ץ": "c", "ת": "t", "ח": "x", "ד": "d"}
# Regnal ordinals (masculine and feminine) after a ruler's name, as the Latin name writes them.
ORDINALS = {
    "הראשון": "i",
    "הראשונה": "i",
    "השני": "ii",
    "השנייה": "ii",
    "השניה": "ii",
    "השלישי": "iii",
    "השלישית": "iii",
    "הרביעי": "iv",
    "הרביעית": "iv",
    "החמישי": "v",
    "החמישית": "v",
    "השישי": "vi",
    "השישית": "vi",
    "השביעי": "vii",
    "השביעית": "vii",
    "השמיני": "viii",
    "השמינית": "viii",
    "התשיעי": "ix",
    "התשיעית": "ix",
    "העשירי": "x",
    "העשירית": "x",
    "האחד עשר": "xi",
    "השנים עשר": "xii",
}
# Epithets and titles of persons, in English, as the Latin name writes them (before the name where
# Hebrew writes them after it: word order does not count across scripts).
EPITHETS = {
    "הקדוש": "saint",
    "הקדושה": "saint",
    "הנסיך": "prince",
    "הנסיכה": "princess",
    "המלך": "king",
    "המלכה": "queen",
    "הקיסר": "emperor",
    "הקיסרית": "empress",
    "האפיפיור": "pope",
    "הרב": "rabbi",
    "רבי": "rabbi",
    'ד"ר': "dr",
    "דוקטור": "dr",
    "פרופסור": "prof",
    "סר": "sir",
    "הגדול": "great",
    "הגדולה": "great",
    "הצעיר": "junior",
    "הבן": "junior",
    "האב": "senior",
    "הזקן": "elder",
}
WORDS = {**ORDINALS, **EPITHETS}
HEBREW_LETTER = re.compile("[\u05d0-\u05ea]")
_POINTS = re.compile("[\u0591-\u05c7]")  # cantillation marks and vowel points (niqqud)
_GERSHAYIM = re.compile('(?<=[\u05d0-\u05ea])["״](?=[\u05d0-\u05ea])')
_ARTICLE = re.compile("(?:(?<=\\s)|^)(?:אל|א)[-־](?=[\u05d0-\u05ea])")  # Arabic al- / assimilated a-
MAX_READINGS = 6


def has_hebrew(text: str) -> bool:
    return bool(HEBREW_LETTER.search(text))


def prepare(text: str) -> str:
    """Points removed, gershayim inside a word dropped, epithets and ordinals in English, the
    Arabic article of a transcribed Arabic name ("אל-", "א-") dropped as the Latin side drops al-."""
    text = _POINTS.sub("", text)
    text = " ".join(WORDS.get(w, w) for w in text.split())
    text = _GERSHAYIM.sub("", text)
    return _ARTICLE.sub("", text)


def _word_readings(word: str) -> list[str]:
    """The readings of one run of Hebrew letters (geresh included), the usual one first."""
    options: list[list[str]] = []
    n = len(word)
    i = 0
    while i < n:
        ch = word[i]
        nxt = word[i + 1] if i + 1 < n else ""
        if nxt and nxt in "'׳’`" and ch in GERESH:
            options.append([GERESH[ch]])
            i += 2
            continue
        if ch in "'׳’`":
            i += 1
            continue
        if i == 0 and ch in "אע" and nxt in ("ו", "י"):
            if nxt == "ו" and word[i + 2 : i + 3] == "ו":  # אוו: a vowel and v ("אוונס" Evans) or w ("אוון" Owen)
                options.append(["ev", "ow"])
                i += 3
                continue
            options.append(["o" if nxt == "ו" else "i"])  # an initial vowel written with its mater
            i += 2
            continue
        if i == 0 and ch in "אע":
            options.append(["e", ""])  # the vowel an initial alef or ayin carries ("אברם" Avram)
            i += 1
            continue
        if ch == "א" and 0 < i < n - 1 and word[i - 1] not in "וי" and nxt not in "וי":
            options.append(["", "w"])  # a vowel, a or o/u as a foreign name's ou ("דאגלס" Douglas)
            i += 1
            continue
        if ch == "ו" and nxt == "ו":
            # a doubled vav is a consonant; at the start, w and the vowel after it ("ווד" Wood)
            options.append(["v", "vw"] if i == 0 else ["v", "w"])
            i += 2
            continue
        if ch == "ו" and (0 < i < n - 1 and word[i - 1] != "ו" or i == n - 1 and i > 1 and word[i - 1] == "י"):
            # inside, or final after a yod ("זיו" Ziv, "סטיו" Stav): a vowel (o, u) or the consonant v
            options.append(["w", "v"])
            i += 1
            continue
        if ch == "י" and nxt == "י" and 0 < i < n - 2:
            options.append(["ei"])  # a doubled yod inside: a diphthong ("מייג'ור" Major)
            i += 2
            continue
        if ch == "ח":
            options.append(["h", "k"])
        elif ch in "צץ":
            options.append(["s", "tz"])
        elif ch in LETTERS:
            options.append([LETTERS[ch]])
        else:
            options.append([ch])
        i += 1
    choices = [k for k, o in enumerate(options) if len(o) > 1]
    first = "".join(o[0] for o in options)
    out = [first]
    # one letter read the other way at a time, then all of them the other way
    for k in choices:
        alt = "".join(o[1] if j == k else o[0] for j, o in enumerate(options))
        out.append(alt)
    if len(choices) > 1:
        out.append("".join(o[-1] for o in options))
    return list(dict.fromkeys(out))


_RUN = re.compile("[\u05d0-\u05ea'׳’`]+")


def romanize(run: str) -> str:
    """The usual reading of Hebrew letters (a run or a whole text), in Latin consonants."""
    return _RUN.sub(lambda m: _word_readings(m.group(0))[0] if HEBREW_LETTER.search(m.group(0)) else "", run)


def readings(text: str) -> list[str]:
    """`text` with its Hebrew words read in Latin: the usual reading first, then others where a
    letter is ambiguous (at most MAX_READINGS, fewest changes first)."""
    text = prepare(text)
    parts = _RUN.split(text)
    words = _RUN.findall(text)
    per_word = [_word_readings(w) if HEBREW_LETTER.search(w) else [""] for w in words]
    combos = sorted(
        itertools.islice(itertools.product(*(range(len(r)) for r in per_word)), 4096),
        key=lambda c: (sum(1 for x in c if x), sum(c)),
    )
    out = []
    for combo in combos[:MAX_READINGS]:
        pieces = [parts[0]]
        for w, k, rest in zip(per_word, combo, parts[1:]):
            pieces.append(" " + w[k] + " ")
            pieces.append(rest)
        out.append("".join(pieces))
    return out
