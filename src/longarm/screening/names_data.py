"""Reference data for name matching, read from the bundled files in longarm/data/names/.

Legal forms (`org_types.yml`), organisation words in many languages (`symbols.yml`), titles,
vessel prefixes and alias phrases (`stopwords.yml`), look-alike characters (`compare.yml`) and
number words (`ordinals.yml`) come from the rigour project (MIT; see PROVENANCE.md there). This
module turns them into the lookup tables `normalize` uses; the few judgements that are longarm's
own (which legal forms belong to one jurisdiction, which generic words are places) are written
here with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from anyascii import anyascii

# Legal-form families kept as legal forms; the others in org_types.yml (state enterprises,
# non-profits, banks, religious bodies) are words that identify ("Ministry", "Foundation", "Bank").
_FORM_FAMILIES = {"LLC", "JSC", "LP", "LLP", "GP", "SP", "JV", None, ""}
# Aliases in org_types.yml that are ordinary words in names and must stay tokens.
_NOT_FORMS = {"cooperation", "cooperative", "private enterprise", "co-op", "firm", "trust", "bank"}
# Short aliases that are also name words, initials or Roman numerals ("Star II", "Mount Ed").
_NOT_FORMS |= set(
    "i ii iii iv v vi vii viii ix x xi xii in at et ed ll lt too sad ou na yu tu uu ca pr ps pe pp ss cia sha ei sb "
    "sd rs og ky ks ju xt xk sf pc dp rp ip kv ay".split()
)

# Legal forms of one jurisdiction (display form, folded): two names whose forms belong to
# different jurisdictions name two companies ("X GmbH" is not "X Sdn Bhd"). Generic forms
# (Ltd, Inc, Corp, LLC, Co) occur everywhere and never conflict.
JURISDICTION = {
    "gmbh": "DE",
    "ag": "DE",
    "kg": "DE",
    "ug": "DE",
    "ohg": "DE",
    "sdn bhd": "MY",
    "bhd": "MY",
    "berhad": "MY",
    "pt": "ID",
    "tbk": "ID",
    "kk": "JP",
    "yk": "JP",
    "gk": "JP",
    "ooo": "RU",
    "oao": "RU",
    "zao": "RU",
    "pao": "RU",
    "ao": "RU",
    "sp z o o": "PL",
    "sa de cv": "MX",
    "s de rl de cv": "MX",
    "sarl": "FR",
    "sas": "FR",
    "srl": "IT",
    "spa": "IT",
    "bv": "NL",
    "nv": "NL",
    "ab": "SE",
    "oy": "FI",
    "oyj": "FI",
    "kft": "HU",
    "zrt": "HU",
    "sro": "CZ",
    "ltda": "BR",
    "pty ltd": "AU",
    "pte ltd": "SG",
    "sacv": "MX",
    "pvt ltd": "IN",
    "jusikhoesa": "KR",
    "bm": "IL",
    "as": "NO",
    "aps": "DK",
    "ehf": "IS",
    "fze": "AE",
    "fzco": "AE",
    "fzc": "AE",
    "wll": "BH",
    "sae": "EG",
    "doo": "RS",
    "ad": "BG",
    "eood": "BG",
    "tov": "UA",
    "tnhh": "VN",
    "ctcp": "VN",
}


@dataclass(frozen=True)
class Form:
    key: str  # the compare form, folded ("gmbh", "sdn bhd", "ltd")
    generic: str  # the family (LLC, JSC, ...), or the key when the data gives none
    jurisdiction: str  # "" for forms used everywhere


def fold_ascii(text: str) -> str:
    """Lower-case Latin letters and digits separated by single spaces (for table keys)."""
    text = anyascii(text).casefold().replace("&", " & ")
    return " ".join(re.sub(r"[^a-z0-9&]+", " ", text).split())


@cache
def _yaml(name: str) -> Any:
    """A bundled YAML file, parsed; the parsed form is cached beside the screening index (keyed
    by the file's content), since parsing costs more than a short command's whole run."""
    import hashlib
    import marshal

    from longarm.screening.match import _save, cache_dir

    raw = resources.files("longarm.data").joinpath(f"names/{name}").read_bytes()
    path = cache_dir() / f"names-{name}-{hashlib.sha256(raw).hexdigest()[:16]}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    import yaml

    data = yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    _save(path, data)
    return data


@cache
def legal_forms() -> dict[str, Form]:
    """Folded alias (any script, transliterated) -> form, for the legal forms kept."""
    latin: dict[str, Form] = {}
    for t in _yaml("org_types.yml")["types"]:
        if t.get("generic") not in _FORM_FAMILIES:
            continue
        aliases = [a for a in t["aliases"] if a]
        key = fold_ascii(t.get("compare") or t.get("display") or aliases[0])
        if not key:
            continue
        form = Form(key, t.get("generic") or key, JURISDICTION.get(key, ""))
        for a in [*aliases, t.get("display") or "", t.get("compare") or ""]:
            f = fold_ascii(a)
            if not f or f in _NOT_FORMS:
                continue
            latin.setdefault(f, form)
    for alias, key, generic in _EXTRA_FORMS:
        form = Form(key, generic, JURISDICTION.get(key, ""))
        latin[alias] = form
    return latin


# Forms the data lacks or spells otherwise, as they appear in listed names.
_EXTRA_FORMS = [
    ("co ltd", "ltd", "LLC"),
    ("company", "company", "LLC"),
    ("co", "company", "LLC"),
    ("company limited", "ltd", "LLC"),
    ("co limited", "ltd", "LLC"),
    ("ltd", "ltd", "LLC"),
    ("limited", "ltd", "LLC"),
    ("corp", "corp", "LLC"),
    ("corporation", "corp", "LLC"),
    ("inc", "inc", "LLC"),
    ("incorporated", "inc", "LLC"),
    ("llc", "llc", "LLC"),
    ("l l c", "llc", "LLC"),
    ("plc", "plc", "JSC"),
    ("pte ltd", "pte ltd", "LLC"),
    ("pte", "pte ltd", "LLC"),
    ("pvt ltd", "pvt ltd", "LLC"),
    ("private limited", "pvt ltd", "LLC"),
    ("pty ltd", "pty ltd", "LLC"),
    ("sdn bhd", "sdn bhd", "LLC"),
    ("sendirian berhad", "sdn bhd", "LLC"),
    ("bhd", "bhd", "JSC"),
    ("berhad", "bhd", "JSC"),
    ("pt", "pt", "LLC"),
    ("perseroan terbatas", "pt", "LLC"),
    ("tbk", "tbk", "JSC"),
    ("kk", "kk", "JSC"),
    ("k k", "kk", "JSC"),
    ("kabushiki kaisha", "kk", "JSC"),
    ("kabushiki gaisha", "kk", "JSC"),
    ("yugen kaisha", "yk", "LLC"),
    ("godo kaisha", "gk", "LLC"),
    ("jusikhoesa", "jusikhoesa", "JSC"),
    ("chusikhoesa", "jusikhoesa", "JSC"),
    ("ooo", "ooo", "LLC"),
    ("zao", "zao", "JSC"),
    ("oao", "oao", "JSC"),
    ("pao", "pao", "JSC"),
    ("ojsc", "jsc", "JSC"),
    ("cjsc", "jsc", "JSC"),
    ("pjsc", "jsc", "JSC"),
    ("jsc", "jsc", "JSC"),
    ("joint stock company", "jsc", "JSC"),
    ("joint stock co", "jsc", "JSC"),
    ("open joint stock co", "ojsc", "JSC"),
    ("closed joint stock co", "cjsc", "JSC"),
    ("public joint stock co", "pjsc", "JSC"),
    ("fze", "fze", "LLC"),
    ("fzco", "fzco", "LLC"),
    ("fz llc", "fze", "LLC"),
    ("fzc", "fzc", "LLC"),
    ("sp z o o", "sp z o o", "LLC"),
    ("spolka z o o", "sp z o o", "LLC"),
    ("sp z oo", "sp z o o", "LLC"),
    ("cong ty tnhh", "tnhh", "LLC"),
    ("tnhh", "tnhh", "LLC"),
    ("cong ty co phan", "ctcp", "JSC"),
    ("ctcp", "ctcp", "JSC"),
    ("spolka z oo", "sp z o o", "LLC"),
    ("spolka z ograniczona odpowiedzialnoscia", "sp z o o", "LLC"),
    ("bm", "bm", "LLC"),
    ("gmbh", "gmbh", "LLC"),
    ("mbh", "gmbh", "LLC"),
    ("ag", "ag", "JSC"),
    ("aktiengesellschaft", "ag", "JSC"),
    # Russian federal state institutions and enterprises (FGBU, FGBUN, FGUP): the form of a
    # research institute or state enterprise, which rigour files with state bodies, not legal forms
    ("fgbu", "fgbu", "SOE"),
    ("fgbun", "fgbu", "SOE"),
    ("fgbou", "fgbu", "SOE"),
    ("fgup", "fgup", "SOE"),
    ("federal state budgetary institution", "fgbu", "SOE"),
    ("federal state budgetary institution of science", "fgbu", "SOE"),
    ("federal state budgetary scientific institution", "fgbu", "SOE"),
    ("federal state budget institution", "fgbu", "SOE"),
    ("federal state budget institution of science", "fgbu", "SOE"),
    ("federal state unitary enterprise", "fgup", "SOE"),
    *(
        (f"federaln{a} gosudarstvenn{b} byudzhetn{c} uchrezhdeni{d}{n}", "fgbu", "SOE")
        for a in ("oe", "oye")
        for b in ("oe", "oye")
        for c in ("oe", "oye")
        for d in ("e", "ye")
        for n in ("", " nauki")
    ),
    *(
        (f"federaln{a} gosudarstvenn{b} unitarn{c} predpriyatie", "fgup", "SOE")
        for a in ("oe", "oye")
        for b in ("oe", "oye")
        for c in ("oe", "oye")
    ),
]
# Non-Latin forms written without spaces or with punctuation, matched in the raw text.
_NATIVE_FORMS = [
    ("股份有限公司", "ltd", "LLC"),
    ("有限责任公司", "ltd", "LLC"),
    ("有限責任公司", "ltd", "LLC"),
    ("有限公司", "ltd", "LLC"),
    ("株式会社", "kk", "JSC"),
    ("有限会社", "yk", "LLC"),
    ("合同会社", "gk", "LLC"),
    ("주식회사", "jusikhoesa", "JSC"),
    ("(주)", "jusikhoesa", "JSC"),
    ("㈜", "jusikhoesa", "JSC"),
    ('בע"מ', "bm", "LLC"),
    ("בע״מ", "bm", "LLC"),
    ("בעמ", "bm", "LLC"),
    ("ооо", "ooo", "LLC"),
    ("зао", "zao", "JSC"),
    ("оао", "oao", "JSC"),
    ("пао", "pao", "JSC"),
    ("ао", "ao", "JSC"),
    ("тов", "tov", "LLC"),
    ("общество с ограниченной ответственностью", "ooo", "LLC"),
    ("акционерное общество", "ao", "JSC"),
    ("публичное акционерное общество", "pao", "JSC"),
    ("закрытое акционерное общество", "zao", "JSC"),
    ("открытое акционерное общество", "oao", "JSC"),
]


@cache
def legal_form_firsts() -> frozenset[str]:
    """The first words of the legal forms (a word not among them starts no legal form)."""
    return frozenset(a.split()[0] for a in legal_forms())


@cache
def native_forms() -> list[tuple[str, Form]]:
    """Non-Latin legal forms, longest first, matched in the cleaned text before transliteration."""
    out = {a: Form(k, g, JURISDICTION.get(k, "")) for a, k, g in _NATIVE_FORMS}
    return sorted(out.items(), key=lambda kv: -len(kv[0]))


@cache
def org_words() -> dict[str, str]:
    """Organisation words in many languages (folded, one word) -> one English word, so that a
    translated generic word still lines up ("kompaniya", "gongsi" -> company)."""
    data = _yaml("symbols.yml")
    out: dict[str, str] = {}
    for section in ("org_symbols", "org_domains"):
        for key, aliases in data[section].items():
            canon = _CANON.get(str(key), str(key))
            for a in [str(key), *map(str, aliases or ())]:
                if re.search(r"[\u3000-\u9fff\uac00-\ud7af]", a):
                    continue  # CJK words are translated by the Chinese glossary, not by single characters
                f = fold_ascii(a)
                if f and " " not in f and len(f) >= 3 and f not in out:
                    out[f] = canon
    for word in ("company", "corporation", "co", "corp", "firm", "private", "public", "limited"):
        out.pop(word, None)  # legal-form words are handled as legal forms
    # OKB is Opytno- (experimental) as often as Osoboe (special) Konstruktorskoe Byuro: kept as
    # written, it aligns with the words it stands for ("Experimental Design Bureau")
    out.pop("okb", None)
    return out


# The English word each symbol key stands for (keys are rigour's abbreviations).
_CANON = {
    "co": "company",
    "org": "organization",
    "corp": "corporation",
    "coop": "cooperative",
    "assoc": "association",
    "bros": "brothers",
    "grp": "group",
    "intl": "international",
    "natl": "national",
    "mgmt": "management",
    "dept": "department",
    "fdn": "foundation",
    "fed": "federal",
    "dev": "development",
    "repu": "republic",
    "tech": "technology",
}


@cache
def person_titles() -> frozenset[str]:
    """Titles before a person's name (folded), which carry no identity."""
    return frozenset(fold_ascii(p) for p in _yaml("stopwords.yml")["PERSON_NAME_PREFIXES"] if fold_ascii(p)) - {"the"}


@cache
def split_phrases() -> list[str]:
    """Phrases between two names of one party ("a.k.a.", "f/k/a", "formerly"), folded-ish, longest first."""
    phrases = {p.casefold() for p in _yaml("stopwords.yml")["NAME_SPLIT_PHRASES"]}
    phrases |= {"aka", "fka", "f.k.a.", "f.k.a", "formerly known as", "now known as", "t/a", "dba", "nka"}
    return sorted(phrases, key=len, reverse=True)


@cache
def confusable_pairs() -> list[tuple[str, str]]:
    return [(a, b) for a, b in _yaml("compare.yml")["similar_pairs"]]


@cache
def number_words() -> dict[str, str]:
    """English, French, German and Spanish number words and ordinals (folded) -> digits, 0..100."""
    out: dict[str, str] = {}
    for n, words in _yaml("ordinals.yml")["ordinals"].items():
        for w in words:
            w = str(w).strip()
            if re.fullmatch(r"[A-Za-zÀ-ÿ\- ]+", w) and not re.fullmatch(r"[IVXLCivxlc]+(st|nd|rd|th)?", w):
                f = fold_ascii(w)
                if f and f not in _NOT_NUMBERS:
                    out.setdefault(f, str(n))
    return out


# Number words that are also ordinary name words.
_NOT_NUMBERS = {"premier", "nil", "prime", "primo", "une", "un", "uno", "ein", "eine", "a", "an", "i", "zero"}
