"""Burmese to Latin, one syllable per token, in the conventional spelling of names.

Burmese names are written in Latin by syllable ("မင်းအောင်လှိုင်" -> Min Aung Hlaing), not letter
by letter: a syllable is an initial consonant, medials (ya, ra, wa, ha), a vowel and an optional
final consonant killed by the asat (်), and its spelling depends on the vowel and final together
(ောင် -> aung, ိုင် -> aing, ိန် -> ein). The tables follow the conventional (BGN/PCGN-style)
romanisation that Burmese names on the sanctions lists use; tone marks are not written.
"""

from __future__ import annotations

ONSETS = {
    "က": "k",
    "ခ": "hk",
    "ဂ": "g",
    "ဃ": "g",
    "င": "ng",
    "စ": "s",
    "ဆ": "hs",
    "ဇ": "z",
    "ဈ": "z",
    "ည": "ny",
    "ဉ": "ny",
    "ဋ": "t",
    "ဌ": "ht",
    "ဍ": "d",
    "ဎ": "d",
    "ဏ": "n",
    "တ": "t",
    "ထ": "ht",
    "ဒ": "d",
    "ဓ": "d",
    "န": "n",
    "ပ": "p",
    "ဖ": "hp",
    "ဗ": "b",
    "ဘ": "b",
    "မ": "m",
    "ယ": "y",
    "ရ": "y",
    "လ": "l",
    "ဝ": "w",
    "သ": "th",
    "ဟ": "h",
    "ဠ": "l",
    "အ": "",
}
INDEPENDENT = {"ဣ": "i", "ဤ": "i", "ဥ": "u", "ဦ": "u", "ဧ": "e", "ဩ": "aw", "ဪ": "aw", "ဿ": "th"}
ASAT, VIRAMA, ANUSVARA = "\u103a", "\u1039", "\u1036"
MEDIAL_Y, MEDIAL_R, MEDIAL_W, MEDIAL_H = "\u103b", "\u103c", "\u103d", "\u103e"
TONES = {"\u1037", "\u1038"}
VOWEL_SIGNS = {"\u102b", "\u102c", "\u102d", "\u102e", "\u102f", "\u1030", "\u1031", "\u1032"}

# (vowel signs, final class) -> rhyme; final classes: k (က), ng (င), t (စ တ ပ), n (န မ ံ), y (ယ), i (ည)
RHYMES = {
    ("", ""): "a",
    ("ာ", ""): "a",
    ("ါ", ""): "a",
    ("ိ", ""): "i",
    ("ီ", ""): "i",
    ("ု", ""): "u",
    ("ူ", ""): "u",
    ("ေ", ""): "e",
    ("ဲ", ""): "e",
    ("ော", ""): "aw",
    ("ေါ", ""): "aw",
    ("ို", ""): "o",
    ("", "k"): "et",
    ("ို", "k"): "aik",
    ("ော", "k"): "auk",
    ("ေါ", "k"): "auk",
    ("", "ng"): "in",
    ("ို", "ng"): "aing",
    ("ော", "ng"): "aung",
    ("ေါ", "ng"): "aung",
    ("", "t"): "at",
    ("ိ", "t"): "eik",
    ("ု", "t"): "ok",
    ("", "n"): "an",
    ("ိ", "n"): "ein",
    ("ု", "n"): "on",
    ("", "y"): "e",
    ("", "i"): "i",
    ("ို", "l"): "o",
    ("", "l"): "an",
}
FINALS = {"က": "k", "င": "ng", "စ": "t", "တ": "t", "ပ": "t", "ဋ": "t", "န": "n", "မ": "n", "ဏ": "n"}
FINALS |= {"ယ": "y", "ည": "i", "ဉ": "n", "လ": "l"}


def _onset(cons: str, medials: str) -> str:
    base = ONSETS.get(cons, INDEPENDENT.get(cons, ""))
    if MEDIAL_Y in medials or MEDIAL_R in medials:
        base = {"k": "ky", "hk": "ch", "g": "gy", "p": "py", "hp": "hp", "b": "by", "m": "my"}.get(base, base + "y")
    if MEDIAL_H in medials:
        base = "sh" if base in ("y", "yy") else "h" + base
    return base


def romanize(text: str) -> str:
    """Burmese text as space-separated Latin syllables."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch not in ONSETS and ch not in INDEPENDENT:
            i += 1
            continue
        j = i + 1
        medials = vowels = ""
        while j < n and text[j] in (MEDIAL_Y, MEDIAL_R, MEDIAL_W, MEDIAL_H):
            medials += text[j]
            j += 1
        final = ""
        while j < n:
            c = text[j]
            if c in VOWEL_SIGNS:
                vowels += c
            elif c in TONES:
                pass
            elif c == ANUSVARA:
                final = "n"
            elif c == ASAT and not final:
                pass  # "ော်": the asat on a vowel only marks the tone
            elif c in ONSETS and j + 1 < n and text[j + 1] in (ASAT, VIRAMA):
                final = FINALS.get(c, "t")
                j += 2
                continue
            else:
                break
            j += 1
        vowels = "".join(sorted(set(vowels), key=vowels.index)).replace("ာ", "ာ")
        key = vowels.replace("\u102c\u103a", "\u102c")
        if MEDIAL_W in medials and not key:
            rhyme = {"": "wa", "t": "ut", "n": "un"}.get(final, "w" + RHYMES.get(("", final), "a"))
        else:
            rhyme = RHYMES.get((key, final)) or RHYMES.get((key, "")) or RHYMES.get(("", final), "a")
        if ch in INDEPENDENT:
            rhyme = INDEPENDENT[ch] if not final else rhyme
            out.append(rhyme if not final else rhyme)
        else:
            out.append(_onset(ch, medials) + rhyme)
        i = j
    return " ".join(out)
