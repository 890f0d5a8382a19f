"""Korean personal names in Hangul: the spellings their bearers use in Latin.

A Korean name is a one-syllable surname (a few have two) and a given name of one or two syllables,
written without spaces ("김정은"); in Latin it is written surname first or last, the given name
joined by a hyphen, glued or apart ("Kim Jong-un", "Kim Jong Un", "Jong-un Kim"). The Revised
Romanization of Korean (Ministry of Culture and Tourism notice 2000-8) reads each syllable from its
letters (initial, vowel, final); personal names mostly keep older spellings, close to
McCune-Reischauer without its diacritics: ㅓ (RR eo) as u ("Sung", "Jung", "Chul", "Suk"), ㅕ
(RR yeo) as yu ("Hyun", "Kyung", "Myung"), 영 as Young, 우 as Woo, 희 as Hee, and the surnames in
their own spellings (이 Lee / Yi / Rhee, 박 Park / Pak, 최 Choi / Choe, 김 Kim / Gim, ...).
North Korean names on the lists keep McCune-Reischauer without its diacritics ("Kim Jong Un",
"Ri Pyong Chol"). `name_readings` gives these readings of a name written as one Hangul word;
`looks_like_name` says whether a Hangul word is such a name (so that it is not also read as one
glued foreign word).
"""

from __future__ import annotations

import re

_INITIALS = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_VOWELS = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
_FINALS = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t",
           "ng", "t", "t", "k", "t", "p", "t")  # fmt: skip
# The vowels as names write them (McCune-Reischauer without breves): ŏ -> u, yŏ -> yu.
_NAME_VOWELS = {"eo": "u", "yeo": "yu", "eu": "eu", "ui": "ui"}
# Whole syllables whose usual name spelling the letter rules do not give.
NAME_SYLLABLES = {
    "영": "young",
    "우": "woo",
    "희": "hee",
    "이": "yi",
    "의": "eui",
    "서": "seo",
    "어": "eo",
    "여": "yeo",
}
# Surnames in the spelling most of their bearers use in Latin (the Revised Romanization differs:
# 김 gim, 이 i, 박 bak, 최 choe, 정 jeong).
SURNAMES = {
    "김": "kim gim",
    "이": "lee yi rhee ri i",
    "리": "lee ri",
    "박": "park pak bak",
    "최": "choi choe",
    "정": "jung chung jeong",
    "강": "kang gang",
    "조": "cho jo",
    "윤": "yoon yun",
    "장": "jang chang",
    "임": "lim im",
    "림": "lim rim",
    "한": "han",
    "오": "oh o",
    "서": "seo suh",
    "신": "shin sin",
    "권": "kwon gwon",
    "황": "hwang",
    "안": "ahn an",
    "송": "song",
    "류": "ryu yoo lyu",
    "유": "yoo yu",
    "전": "jeon jun chun",
    "홍": "hong",
    "고": "ko koh go",
    "문": "moon mun",
    "양": "yang",
    "손": "son sohn",
    "배": "bae",
    "백": "baek paek paik",
    "허": "heo hur huh",
    "남": "nam",
    "심": "shim sim",
    "노": "roh noh no",
    "하": "ha",
    "곽": "kwak gwak",
    "성": "sung seong",
    "차": "cha",
    "주": "joo ju chu",
    "우": "woo u",
    "구": "koo ku gu",
    "민": "min",
    "진": "jin",
    "지": "ji",
    "엄": "um eom",
    "채": "chae",
    "원": "won",
    "천": "chun cheon",
    "방": "bang",
    "공": "kong gong",
    "현": "hyun hyeon",
    "함": "ham",
    "변": "byun byeon",
    "염": "yeom yum",
    "여": "yeo yo",
    "추": "choo chu",
    "도": "do",
    "석": "seok suk",
    "선": "sun seon",
    "설": "seol sul",
    "마": "ma",
    "길": "gil kil",
    "연": "yeon yun",
    "위": "wi",
    "표": "pyo",
    "명": "myung myeong",
    "기": "ki gi",
    "반": "ban",
    "왕": "wang",
    "금": "keum geum",
    "옥": "ok",
    "육": "yook yuk",
    "인": "in",
    "맹": "maeng",
    "제": "je",
    "모": "mo",
    "탁": "tak",
    "국": "kook guk",
    "나": "na ra",
    "라": "ra na",
    "용": "yong",
}
COMPOUND_SURNAMES = {
    "남궁": "namgung",
    "황보": "hwangbo",
    "제갈": "jegal",
    "선우": "sunwoo",
    "독고": "dokgo",
    "사공": "sagong",
}
_FIRST, _LAST = 0xAC00, 0xD7A3


def syllable(ch: str, name: bool = False) -> str:
    """One Hangul syllable in the Revised Romanization (as it stands alone), or in the spelling
    names use (`name`)."""
    code = ord(ch) - _FIRST
    if not 0 <= code <= _LAST - _FIRST:
        return ch
    if name and ch in NAME_SYLLABLES:
        return NAME_SYLLABLES[ch]
    ini, rest = divmod(code, 588)
    vow, fin = divmod(rest, 28)
    v = _VOWELS[vow]
    if name:
        v = _NAME_VOWELS.get(v, v)
    return _INITIALS[ini] + v + _FINALS[fin]


# McCune-Reischauer without its breves and apostrophes, as North Korean names are written on the
# lists ("Kim Jong Un", "Ri Pyong Chol", "Choe Son Hui"): ŏ o, ŭ u, yŏ yo; a plosive voiceless at
# the start of a name part (k, t, p) and voiced after a vowel or a nasal (g, d, b); ㅈ j, ㄹ r.
_MR_INITIALS = ("k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_MR_VOICED = {"k": "g", "t": "d", "p": "b"}
_MR_VOWELS = {"eo": "o", "yeo": "yo", "eu": "u", "ui": "ui", "wo": "wo"}


def mr_syllable(ch: str, voiced: bool = False) -> str:
    """One Hangul syllable in McCune-Reischauer as names on the lists write it (no diacritics)."""
    code = ord(ch) - _FIRST
    if not 0 <= code <= _LAST - _FIRST:
        return ch
    ini, rest = divmod(code, 588)
    vow, fin = divmod(rest, 28)
    onset = _MR_INITIALS[ini]
    if voiced:
        onset = _MR_VOICED.get(onset, onset)
    v = _VOWELS[vow]
    return onset + _MR_VOWELS.get(v, v) + _FINALS[fin]


def _mr_given(given: str) -> list[str]:
    out: list[str] = []
    for k, ch in enumerate(given):
        prev = out[-1] if out else ""
        out.append(mr_syllable(ch, voiced=k > 0 and (prev[-1:] in "aeiouynmgl")))
    return out


def _split(word: str) -> tuple[str, str] | None:
    """(surname, given name) of a Korean name written as one word, or None."""
    if not all(_FIRST <= ord(c) <= _LAST for c in word):
        return None
    if 3 <= len(word) <= 4 and word[:2] in COMPOUND_SURNAMES:
        return word[:2], word[2:]
    if 2 <= len(word) <= 3 and word[0] in SURNAMES:
        return word[:1], word[1:]
    return None


def _epenthetic(ch: str) -> bool:
    """A syllable of ㅡ after a consonant with no final: the vowel Korean adds to a foreign
    consonant ("스" in 한스 Hans, "르" in 조르주 Georges), never a syllable of a Korean given name."""
    code = ord(ch) - _FIRST
    if not 0 <= code <= _LAST - _FIRST:
        return False
    ini, rest = divmod(code, 588)
    vow, fin = divmod(rest, 28)
    return _VOWELS[vow] == "eu" and fin == 0 and _INITIALS[ini] != ""


def looks_like_name(word: str) -> bool:
    """A Hangul word that reads as a Korean name rather than a foreign one: a common surname and
    two syllables (of three: 김정은); a foreign name's epenthetic ㅡ (조르주 Georges) rules it out;
    a name of two syllables may be either (이반: Lee Ban or Ivan)."""
    parts = _split(word)
    return parts is not None and len(parts[1]) >= 2 and not any(_epenthetic(ch) for ch in word)


def name_readings(word: str) -> list[list[str]] | None:
    """A Korean name written as one word in the spellings its bearer likely uses: the surname in
    each of its usual spellings, then the given name one syllable per token ("김정은" -> kim jung
    eun, gim jung eun); None when the word is not such a name."""
    parts = _split(word)
    if parts is None or any(_epenthetic(ch) for ch in word):
        return None
    surname, given = parts
    heads = (COMPOUND_SURNAMES.get(surname) or SURNAMES[surname]).split()
    syllables = [syllable(ch, name=True) for ch in given]
    out = [[head, *syllables] for head in heads]
    mr = ["".join(mr_syllable(ch) for ch in surname), *_mr_given(given)]  # "Kim Jong Un", "Ri Pyong Chol"
    return out if mr in out else [*out, mr]


# Words before or after a person's name in Hangul that the Latin name writes in English (titles and
# epithets; a word only when it stands apart: 왕 alone is also the surname Wang), and the regnal
# number "N세" that the Latin name writes as a Roman numeral ("앙리 2세" Henry II).
EPITHETS = {
    "교황": "pope",
    "황제": "emperor",
    "황후": "empress",
    "여왕": "queen",
    "국왕": "king",
    "공작": "duke",
    "대공": "archduke",
    "백작": "count",
    "공주": "princess",
    "왕자": "prince",
    "성인": "saint",
}
_REGNAL = re.compile(r"(?<![\d])(\d{1,2})\s?세(?![\uac00-\ud7af])")
_ROMAN = (
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


def prepare(text: str) -> str:
    """Epithets in English and regnal numbers as Roman numerals, as the Latin name writes them."""
    text = _REGNAL.sub(lambda m: " " + _roman(int(m.group(1))) + " " if 0 < int(m.group(1)) < 40 else m.group(0), text)
    return " ".join(EPITHETS.get(w, w) for w in text.split())


SURNAME_SPELLINGS = frozenset(s for v in (*SURNAMES.values(), *COMPOUND_SURNAMES.values()) for s in v.split())
