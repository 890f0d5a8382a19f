"""Build the independent screening evaluation set: bench/eval/dev.csv and bench/eval/heldout.csv.

    python bench/eval/build.py             # regenerate both splits (byte-identical on every run)
    python bench/eval/build.py --extract   # first refresh bench/eval/sources/ from ../shared/data/names
    python bench/eval/build.py --out DIR   # write the splits somewhere else (the determinism test)
    python bench/eval/build.py --pairs-seed 20261130 --out-heldout bench/eval/heldout-b.csv
                                           # a fresh sample of held-out pairs (same entities, new pairs)
    python bench/eval/build.py --pairs-seed 20261201 --out-dev bench/eval/dev-b.csv
                                           # a fresh sample of dev pairs (dev-b.csv; 20261202: dev-c.csv)

Inputs: the bundled list (src/longarm/data/ecfr/screening-list.json) and bench/eval/sources/
(seeded samples of the Wikidata transliteration pairs, the rigour reference files, and small
hand-typed tables for Chinese, Japanese, Arabic and Russian names). Nothing here imports longarm:
the set must not depend on the matcher it measures. How each class is made: METHOD.md.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import random
import re
import shutil
import unicodedata
from collections import defaultdict
from functools import partial
from pathlib import Path

import yaml
from opencc import OpenCC
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

SEED = 20261129
PAIRS_SEED_B = 20261130  # heldout-b.csv: the same held-out entities, pairs drawn afresh (METHOD.md)
DEV_PAIRS_SEEDS = {"dev-b": 20261201, "dev-c": 20261202}  # fresh samples of the dev entities (METHOD.md)
DEV_SHARE = 40  # per cent of entities in dev.csv
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SOURCES = HERE / "sources"
LIST_FILE = ROOT / "src" / "longarm" / "data" / "ecfr" / "screening-list.json"
COMPOSED = re.compile(r"(AR|RU|SW)\d+$")  # keys of composed persons (a draw number, not a person)
FIELDS = ["id", "name1", "name2", "type", "label", "class", "how", "entity1", "entity2", "list_entry"]
CLASSES = [
    "cross_script",
    "typo",
    "extra_words",
    "alias_in_string",
    "partial",
    "initials",
    "numbers",
    "legal_form",
    "over_normalisation",
    "lookalike",
    "spelling_variant",
]
TYPES = {"Individual": "person", "Entity": "organization", "Vessel": "vessel", "Aircraft": "any", None: "any"}

# Words that say what kind of body a name belongs to, not which one: never a "distinctive" token.
WEAK = set(
    """co ltd limited llc inc incorporated corp corporation company companies gmbh ag jsc ojsc cjsc pjsc ooo zao
    oao pao ao sa srl bv plc pte pvt private sdn bhd pty llp lp the of and for de la le el al in on at a an
    group holding holdings international trading industry industries technology technologies tech
    co.ltd kg mbh nv spa sas sarl fzco fze fzc est establishment""".split()
)


PARTICLES = {"van", "von", "de", "der", "da", "di", "du", "la", "le", "al", "el", "bin", "ibn", "ben", "y", "del"}
ORG_WORDS = WEAK - PARTICLES - {"of", "and", "for", "in", "on", "at", "a", "an", "the"}


# ----------------------------------------------------------------------------- small helpers


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def tokens(s: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(s))


def content(s: str) -> frozenset[str]:
    return frozenset(t for t in tokens(s) if t not in WEAK)


def stable(*parts: object, seed: int = SEED) -> int:
    return int(hashlib.sha256(":".join(map(str, (seed, *parts))).encode()).hexdigest()[:12], 16)


def split_of(entity: str) -> str:
    """The entity split always hangs on SEED, whatever seed draws the pairs."""
    return "dev" if stable("split", entity, seed=SEED) % 100 < DEV_SHARE else "heldout"


def lev(a: str, b: str) -> int:
    return int(Levenshtein.distance(a, b))


def skeleton(w: str) -> str:
    return re.sub(r"[aeiouy]", "", w)


def read_tsv(name: str) -> list[list[str]]:
    rows = []
    for line in (SOURCES / name).read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


# ----------------------------------------------------------------------------- sources


def extract(shared: Path) -> None:
    """Refresh sources/ from ../shared/data/names: seeded samples and verbatim rigour files."""
    rng = random.Random(SEED)
    for lang, script in (("hebrew", r"[\u0590-\u05ff'\"׳״\- ]+"), ("korean", r"[\uac00-\ud7a3 \-]+")):
        rows = []
        with gzip.open(shared / "wikidata-translit" / f"wd_{lang}.gz", "rt", encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                parts = line.rstrip("\n").split("\t")
                if len(parts) != 2:
                    continue
                en, other = (p.strip() for p in parts)
                words = en.split()
                if not 2 <= len(words) <= 4 or not re.fullmatch(r"[A-Za-z][A-Za-z'\-. ]+", en):
                    continue
                if re.search(r"\b(of|the|von der|jr|sr)\b|\.", en, re.I) or not re.fullmatch(script, other):
                    continue
                if lang == "hebrew" and len(other.split()) != len(words):
                    continue
                rows.append((n, en, other))
        keep = sorted(rng.sample(rows, 700))
        with (SOURCES / f"wd_{lang}.sample.tsv").open("w", encoding="utf-8", newline="\n") as out:
            out.write(f"# line\tenglish\t{lang}  (seeded sample of wikidata-translit/wd_{lang}.gz, CC0 1.0)\n")
            for n, en, other in keep:
                out.write(f"{n}\t{en}\t{other}\n")
    (SOURCES / "rigour").mkdir(exist_ok=True)
    for name in ("LICENSE", "org_types.yml", "stopwords.yml"):
        shutil.copyfile(shared / "rigour" / name, SOURCES / "rigour" / name)
    shutil.copyfile(shared / "wikidata-translit" / "LICENSE", SOURCES / "WIKIDATA-LICENSE")


# ----------------------------------------------------------------------------- the list


class ListData:
    """The bundled list: entries grouped into entities (names that fold to the same content
    tokens belong to one entity, across lists), token document frequencies, a sibling finder."""

    def __init__(self) -> None:
        raw = json.loads(LIST_FILE.read_bytes())
        self.digest = hashlib.sha256(LIST_FILE.read_bytes()).hexdigest()
        self.entries = raw["entries"]
        self.names = [[e["n"], *e.get("a", [])] for e in self.entries]
        self.type = [TYPES.get(e.get("t"), "any") for e in self.entries]
        parent = list(range(len(self.entries)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        seen: dict[tuple[str, ...], int] = {}
        for i, names in enumerate(self.names):
            for n in names:
                key = tuple(sorted(content(n)))
                if not key:
                    continue
                if key in seen:
                    a, b = find(i), find(seen[key])
                    parent[max(a, b)] = min(a, b)
                else:
                    seen[key] = i
        self.cluster = [find(i) for i in range(len(self.entries))]
        self.df: dict[str, int] = defaultdict(int)
        members: dict[int, set[str]] = defaultdict(set)
        for i, names in enumerate(self.names):
            for n in names:
                members[self.cluster[i]].update(content(n))
        for toks in members.values():
            for t in toks:
                self.df[t] += 1
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)  # token -> (entry, name index)
        self.contents = [[content(n) for n in names] for names in self.names]
        for i, names in enumerate(self.names):
            for k in range(len(names)):
                for t in sorted(self.contents[i][k]):
                    if self.df[t] <= 300:
                        self.postings[t].append((i, k))
        self.folded: dict[str, list[str]] = defaultdict(list)
        self.refs: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.cluster_content: dict[int, set[frozenset[str]]] = defaultdict(set)
        for i, names in enumerate(self.names):
            for n in names:
                self.cluster_content[self.cluster[i]].add(content(n))

    def entity(self, i: int) -> str:
        return f"L{self.cluster[i]}"

    def _other_entity(self, i: int, j: int, mine: frozenset[str], other: frozenset[str]) -> bool:
        """j is another entity than i, and the two names each have a word the other lacks."""
        if self.cluster[j] == self.cluster[i] or not (other - mine) or not (mine - other):
            return False
        if all(t.isdigit() for t in other ^ mine):
            return False
        return not any(c <= other or other <= c for c in self.cluster_content[self.cluster[i]])

    def nearest(self, i: int, name: str) -> tuple[int, str] | None:
        """The listed name of another entity (same split) closest to `name` letter by letter."""
        split = split_of(self.entity(i))
        if not self.folded:
            for j, names in enumerate(self.names):
                for k, n in enumerate(names):
                    self.folded[split_of(self.entity(j))].append(" ".join(tokens(n)))
                    self.refs[split_of(self.entity(j))].append((j, k))
        mine = content(name)
        hits = process.extract(" ".join(tokens(name)), self.folded[split], scorer=fuzz.ratio, limit=30, score_cutoff=60)
        for _, _, idx in hits:
            j, k = self.refs[split][idx]
            if self._other_entity(i, j, mine, self.contents[j][k]):
                return j, self.names[j][k]
        return None

    def sibling(self, i: int, name: str, rng: random.Random, same_type: bool = True) -> tuple[int, str] | None:
        """A different listed entity (same split) whose name shares words with `name` yet has a
        distinctive word of its own, and lacks one of `name`'s: the hard negative partner."""
        mine = content(name)
        if not mine:
            return None
        split = split_of(self.entity(i))
        scored: dict[tuple[int, int], float] = {}
        for t in sorted(mine):
            for j, k in self.postings.get(t, ()):
                if self.cluster[j] == self.cluster[i] or (j, k) in scored:
                    continue
                other = self.contents[j][k]
                inter = len(mine & other)
                if not inter or not (other - mine) or not (mine - other):
                    continue
                if not any(not t2.isdigit() for t2 in (other ^ mine)):
                    continue
                if any(c <= other or other <= c for c in self.cluster_content[self.cluster[i]]):
                    continue
                if same_type and self.type[j] != self.type[i]:
                    continue
                if split_of(self.entity(j)) != split:
                    continue
                scored[(j, k)] = inter / len(mine | other)
        if not scored:
            return None
        best = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        j, k = rng.choice(best)[0]
        return j, self.names[j][k]


# ----------------------------------------------------------------------------- perturbations

ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
POS = {c: (r, k) for r, row in enumerate(ROWS) for k, c in enumerate(row)}
NEAR = {
    c: [d for d, (r2, k2) in POS.items() if d != c and abs(r2 - r) <= 1 and abs(k2 - k) <= 1]
    for c, (r, k) in POS.items()
}


def typo(name: str, edits: int, rng: random.Random) -> tuple[str, str]:
    s = list(name)
    ops = []
    for _ in range(edits):
        spans = [m.span() for m in re.finditer(r"[A-Za-z]{4,}", "".join(s))]
        if not spans:
            break
        a, b = rng.choice(spans)
        p = rng.randrange(a, b)
        op = rng.choice(["sub", "sub", "del", "ins", "swap", "space"])
        c = s[p]
        if op == "sub" and c.lower() in NEAR:
            d = rng.choice(NEAR[c.lower()])
            s[p] = d.upper() if c.isupper() else d
        elif op == "del":
            del s[p]
        elif op == "ins":
            s.insert(p, c)
        elif op == "swap" and p + 1 < b:
            s[p], s[p + 1] = s[p + 1], s[p]
        elif op == "space":
            joined = "".join(s)
            gaps = [m.start() for m in re.finditer(r"(?<=[A-Za-z]) (?=[A-Za-z])", joined)]
            if gaps and rng.random() < 0.5:
                del s[rng.choice(gaps)]
                op = "join"
            else:
                s.insert(p if p > a else p + 1, " ")
                op = "split"
        else:
            op = "del"
            del s[p]
        ops.append(op)
    return "".join(s), "+".join(ops)


HOMOGLYPHS = {
    "a": "а",
    "c": "с",
    "e": "е",
    "i": "і",
    "o": "о",
    "p": "р",
    "x": "х",
    "y": "у",
    "A": "А",
    "B": "В",
    "C": "С",
    "E": "Е",
    "H": "Н",
    "I": "І",
    "K": "К",
    "M": "М",
    "O": "О",
    "P": "Р",
    "T": "Т",
    "X": "Х",
    "Y": "Υ",
    "N": "Ν",
    "Z": "Ζ",
}


def lookalike(name: str, rng: random.Random) -> tuple[str, str]:
    kind = rng.choice(["cyrillic", "cyrillic", "dotted", "fullwidth", "invisible", "symbols"])
    if kind == "cyrillic":
        out = "".join(HOMOGLYPHS[c] if c in HOMOGLYPHS and rng.random() < 0.5 else c for c in name)
        if out == name:
            return name, ""
        return out, "homoglyphs, Cyrillic/Greek letters in Latin words"
    if kind == "dotted":
        words = name.split()
        k = max(range(len(words)), key=lambda i: (len(words[i]) if words[i].isalpha() else 0, -i))
        if not 3 <= len(words[k]) <= 9 or not words[k].isalpha():
            return name, ""
        words[k] = ".".join(words[k])
        return " ".join(words), "letters of one word separated by dots"
    if kind == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name), "full-width Latin"
    if kind == "invisible":
        chars = list(name)
        for _ in range(2):
            chars.insert(rng.randrange(1, len(chars)), rng.choice(["\u200b", "\u00ad", "\u200d", "\u0007", "\ufeff"]))
        return "".join(chars), "zero-width, soft-hyphen and control characters"
    sym = rng.choice(["★", "•", "_", "|", "~", "*"])
    return sym + " " + name.replace(" ", f" {sym} ", 1) + " " + sym, "symbols between words"


ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()
ORDINALS = "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()


def roman(n: int) -> str:
    out = ""
    for v, r in ROMAN:
        while n >= v:
            out, n = out + r, n - v
    return out


def from_roman(s: str) -> int | None:
    for n in range(1, 40):
        if roman(n) == s:
            return n
    return None


ABBREVIATIONS = {
    "Brothers": "Bros",
    "Manufacturing": "Mfg",
    "International": "Intl",
    "Company": "Co",
    "Corporation": "Corp",
    "Technology": "Tech",
    "Technologies": "Techs",
    "Industries": "Inds",
    "Industrial": "Indl",
    "Engineering": "Engg",
    "Institute": "Inst",
    "University": "Univ",
    "Research": "Res",
    "Development": "Dev",
    "Electronics": "Elec",
    "Electronic": "Elec",
    "Machinery": "Mach",
    "Trading": "Trdg",
    "Shipping": "Shpg",
    "Import": "Imp",
    "Export": "Exp",
    "Aviation": "Avn",
    "Academy": "Acad",
    "Science": "Sci",
    "Telecommunications": "Telecom",
    "Association": "Assn",
    "Department": "Dept",
    "Equipment": "Equip",
    "Services": "Svcs",
    "Management": "Mgmt",
    "Investment": "Invt",
    "National": "Natl",
    "General": "Gen",
    "Saint": "St",
    "Mohammed": "Mohd",
    "Muhammad": "Md",
    "Fratelli": "F.lli",
}
OPPOSITES = {
    "North": "South",
    "South": "North",
    "East": "West",
    "West": "East",
    "Northern": "Southern",
    "Southern": "Northern",
    "Eastern": "Western",
    "Western": "Eastern",
    "Sons": "Daughters",
    "Brothers": "Sisters",
    "Upper": "Lower",
    "Lower": "Upper",
    "New": "Old",
    "Old": "New",
    "Inner": "Outer",
    "Red": "Blue",
    "White": "Black",
    "Black": "White",
}
GENDER = {
    "Aleksandr": "Aleksandra",
    "Alexander": "Alexandra",
    "Yevgeny": "Yevgeniya",
    "Evgeny": "Evgenia",
    "Evgeniy": "Evgeniya",
    "Valentin": "Valentina",
    "Viktor": "Viktoriya",
    "Stanislav": "Stanislava",
    "Vladislav": "Vladislava",
    "Yaroslav": "Yaroslava",
    "Daniel": "Daniela",
    "Gabriel": "Gabriela",
    "Juan": "Juana",
    "Francisco": "Francisca",
    "Antonio": "Antonia",
    "Mario": "Maria",
    "Carlo": "Carla",
    "Paulo": "Paula",
    "Carlos": "Carlo",
    "Marcos": "Marco",
    "Nicolas": "Nicola",
    "Andreas": "Andrea",
    "Lucas": "Luca",
}
PLURALS = {"Systems": "System", "Industries": "Industry", "Technologies": "Technology", "Services": "Service"}
BRANCHES = [
    ", {city} Branch",
    " ({city} Branch)",
    " - {city} Office",
    ", {city}",
    " {city} Representative Office",
]
CITIES = ["Dubai", "Hong Kong", "Shenzhen", "Moscow", "Singapore", "Istanbul", "Tehran", "Minsk", "Almaty", "Beijing"]
LABELS = ["SHIPPER: ", "Consignee: ", "END USER - ", "Ultimate consignee: ", "Bill to: ", "Buyer / "]
MARKS = [" ®", "®", " ™", "™", " ©", " 🚢", " ✅", " 🏭", " 😀", " ★"]
VESSEL_PREFIXES = ["MV ", "M/V ", "M/T ", "MT ", "M.V. ", "Motor Vessel "]
SPLITTERS = [
    " a.k.a. ",
    " f/k/a ",
    " (formerly {b})",
    " (ex-{b})",
    " aka ",
    "; a/k/a ",
    " formerly known as ",
    " (also {b})",
]
JURISDICTION_FORMS = {
    "GmbH": "DE",
    "AG": "DE",
    "Sdn Bhd": "MY",
    "Pte Ltd": "SG",
    "Sp. z o.o.": "PL",
    "OOO": "RU",
    "ZAO": "RU",
    "AO": "RU",
    "Pty Ltd": "AU",
    "S.A. de C.V.": "MX",
    "B.V.": "NL",
    "S.r.l.": "IT",
    "K.K.": "JP",
    "SARL": "FR",
    "FZE": "AE",
}


# ----------------------------------------------------------------------------- the builder


class Builder:
    """Makes the pairs. `pairs_seed` drives every random choice except the entity split (which
    base names are picked, typos, look-alikes, composed names, negative partners): another seed
    gives a fresh sample of pairs over the same held-out entities."""

    def __init__(self, pairs_seed: int = SEED) -> None:
        self.seed = pairs_seed
        self.rng = random.Random(pairs_seed)
        self.L = ListData()
        self.rows: list[dict[str, str]] = []
        self.dropped: dict[str, int] = defaultdict(int)
        self.name_entry: dict[str, int] = {}
        for i, names in enumerate(self.L.names):
            for n in names:
                self.name_entry.setdefault(n, i)
        legal = yaml.safe_load((SOURCES / "rigour" / "org_types.yml").read_text("utf-8"))["types"]
        self.legal = legal
        stop = yaml.safe_load((SOURCES / "rigour" / "stopwords.yml").read_text("utf-8"))
        self.titles = [p for p in stop["PERSON_NAME_PREFIXES"] if re.fullmatch(r"[A-Za-z]+\.?", p)][:60]
        self.splitters = stop["NAME_SPLIT_PHRASES"]

    def stable(self, *parts: object) -> int:
        return stable(*parts, seed=self.seed)

    def add(self, n1: str, n2: str, typ: str, label: int, cls: str, how: str, e1: str, e2: str) -> None:
        if not n1.strip() or not n2.strip() or n1 == n2 and label == 1 and cls != "cross_script":
            self.dropped["identical or empty"] += 1
            return
        if split_of(e1) != split_of(e2):
            raise AssertionError(f"pair across splits: {e1} {e2}")
        le = self.name_entry.get(n2)
        self.rows.append(
            {
                "name1": n1,
                "name2": n2,
                "type": typ,
                "label": str(label),
                "class": cls,
                "how": how,
                "entity1": e1,
                "entity2": e2,
                "list_entry": "" if le is None or f"L{self.L.cluster[le]}" != e2 else str(le),
            }
        )

    def pool(self, pred, k: int, tag: str) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
        """k seeded (entry, name) picks satisfying pred, at most one per entity."""
        cands = []
        seen = set()
        for i, names in enumerate(self.L.names):
            for n in names:
                if pred(i, n):
                    cands.append((i, n))
        r = random.Random(self.stable("pool", tag))
        r.shuffle(cands)
        out = []
        for i, n in cands:
            if self.L.cluster[i] not in seen:
                seen.add(self.L.cluster[i])
                out.append((i, n))
            if len(out) == k:
                break
        return out

    def negative(
        self, cls: str, how: str, i: int, n1: str, base: str, same_type: bool = True, near: bool = False
    ) -> None:
        sib = self.L.nearest(i, base) if near else self.L.sibling(i, base, self.rng, same_type)
        if sib:
            j, m = sib
            self.add(n1, m, self.L.type[i], 0, cls, how, self.L.entity(i), self.L.entity(j))

    # -- real aliases of one listed entry -------------------------------------------------

    def list_aliases(self) -> None:
        per: dict[str, list[tuple[str, str, int, str]]] = defaultdict(list)
        order = list(range(len(self.L.names)))
        random.Random(self.stable("aliases")).shuffle(order)
        for i in order:
            names = self.L.names[i]
            if len(names) < 2:
                continue
            a, b = names[1], names[0]
            if len(names) > 2 and self.stable("pick", i) % 2:
                a, b = names[2], names[1]
            ta, tb = tokens(a), tokens(b)
            ca, cb = content(a), content(b)
            if ta == tb:
                continue
            if re.search(r"\(|a\.?k\.?a|f/k/a|formerly|\bex-", a + " " + b, re.I):
                cls = "alias_in_string"
            elif ca == cb and ca:
                cls = "legal_form" if set(ta) != set(tb) else "over_normalisation"
            elif _is_acronym(a, b) or _is_acronym(b, a):
                cls = "initials"
            elif ca and cb and (ca < cb or cb < ca):
                cls = "extra_words"
            elif {t for t in ta if t.isdigit()} != {t for t in tb if t.isdigit()}:
                continue
            elif ca and cb and _token_similar(ca, cb):
                cls = "spelling_variant"
            else:
                self.dropped["list aliases with nothing in common"] += 1
                continue
            per[cls].append((a, b, i, "list alias pair"))
        for cls, items in per.items():
            for a, b, i, how in items[:260]:
                self.add(a, b, self.L.type[i], 1, cls, how, self.L.entity(i), self.L.entity(i))
                self.negative(cls, "a listed alias vs a sibling entity of its entry", i, a, b)
            self.dropped[f"list aliases over the cap ({cls})"] += max(0, len(items) - 260)

    # -- cross-script ----------------------------------------------------------------------

    def cross_script(self) -> None:
        for lang, tag in (("hebrew", "WH"), ("korean", "WK")):
            rows = read_tsv(f"wd_{lang}.sample.tsv")
            by_token: dict[str, list[int]] = defaultdict(list)
            for k, (_, en, _) in enumerate(rows):
                for t in sorted(set(tokens(en)) - PARTICLES):
                    by_token[t].append(k)
            for k, (line, en, other) in enumerate(rows):
                e = f"{tag}{line}"
                a, b = (other, en) if k % 2 else (en, other)
                self.add(a, b, "person", 1, "cross_script", f"wikidata {lang}-english label pair", e, e)
                partners = sorted(
                    {
                        j
                        for t in tokens(en)
                        for j in by_token.get(t, ())
                        if j != k
                        and split_of(f"{tag}{rows[j][0]}") == split_of(e)
                        and set(tokens(rows[j][1])) != set(tokens(en))
                    }
                )
                if partners:
                    j = partners[self.stable("wdneg", lang, k) % len(partners)]
                    self.add(
                        other,
                        rows[j][1],
                        "person",
                        0,
                        "cross_script",
                        f"wikidata {lang} name vs another person sharing a word in English",
                        e,
                        f"{tag}{rows[j][0]}",
                    )
        self._hand_table("zh", "hand_zh.tsv")
        self._hand_table("ja", "hand_ja.tsv")
        self._composed_arabic()
        self._composed_russian()

    def _hand_table(self, lang: str, file: str) -> None:
        rows = read_tsv(file)
        s2t = OpenCC("s2t")
        tag = lang.upper()
        for k, (kind, native, latin) in enumerate(rows):
            e = f"{tag}{k}"
            if latin in self.name_entry:
                e = self.L.entity(self.name_entry[latin])
            typ = "person" if kind == "person" else "organization"
            self.add(native, latin, typ, 1, "cross_script", f"hand-typed {lang} name vs its Latin name", e, e)
            if lang == "zh":
                trad = s2t.convert(native)
                if trad != native:
                    self.add(
                        trad, latin, typ, 1, "cross_script", "hand-typed zh name in Traditional (OpenCC s2t)", e, e
                    )
            if kind == "person":
                parts = latin.split()
                variants = [f"{parts[-1].upper()}, {' '.join(parts[:-1])}", " ".join(reversed(parts))]
                if lang == "zh" and len(parts) == 2 and len(parts[1]) > 4:
                    variants.append(parts[0] + " " + _syllables(parts[1]))
                v = variants[self.stable("var", lang, k) % len(variants)]
                self.add(native, v, typ, 1, "cross_script", f"hand-typed {lang} name vs a reordered Latin form", e, e)
            # hard negatives: the native name vs another entry of the table sharing a Latin word
            mine = content(latin) or set(tokens(latin))
            for j, (kind2, _, latin2) in enumerate(rows):
                other = content(latin2) or set(tokens(latin2))
                e2 = f"{tag}{j}"
                if latin2 in self.name_entry:
                    e2 = self.L.entity(self.name_entry[latin2])
                if j != k and kind2 == kind and mine & other and split_of(e2) == split_of(e):
                    self.add(
                        native,
                        latin2,
                        typ,
                        0,
                        "cross_script",
                        f"hand-typed {lang} name vs another sharing a word",
                        e,
                        e2,
                    )

    def _composed_arabic(self) -> None:
        parts = read_tsv("hand_ar.tsv")
        given = [(a, r.split("|")) for k, a, r in parts if k == "given"]
        family = [(a, r.split("|")) for k, a, r in parts if k == "family"]
        r = random.Random(self.stable("arabic"))
        people = []
        for _ in range(160):
            g, f2, fam = r.choice(given), r.choice(given), r.choice(family)
            people.append((g, f2, fam))
        for n, (g, f2, fam) in enumerate(people):
            e = f"AR{n}"
            arabic = f"{g[0]} {f2[0]} {fam[0]}" if n % 2 else f"{g[0]} {fam[0]}"
            lat_g, lat_f, lat_fam = r.choice(g[1]), r.choice(f2[1]), r.choice(fam[1])
            latin = f"{lat_g} {lat_f} {lat_fam}" if n % 2 else f"{lat_g} {lat_fam}"
            if n % 3 == 0:
                latin = f"{lat_fam.upper()}, {lat_g}" + (f" {lat_f}" if n % 2 else "")
            self.add(
                arabic, latin, "person", 1, "cross_script", "composed Arabic name vs a listed-style romanisation", e, e
            )
            # negative: change one part to a different (often similar-looking) name
            alt = [x for x in given if x[0] != g[0]]
            close = [x for x in alt if _arabic_close(x[0], g[0])] or alt
            g2 = r.choice(close)
            latin2 = latin.replace(lat_g, r.choice(g2[1]), 1)
            self.add(arabic, latin2, "person", 0, "cross_script", "composed Arabic name vs another given name", e, e)

    def _composed_russian(self) -> None:
        rows = read_tsv("hand_ru.tsv")
        male = [(x[1], x[2].split("|"), x[3].split("|")) for x in rows if x[0] == "given_m"]
        female = [(c, r.split("|")) for k, c, r, *_ in rows if k == "given_f"]
        family = [(c, r.split("|")) for k, c, r, *_ in rows if k == "family"]
        r = random.Random(self.stable("russian"))
        for n in range(170):
            e = f"RU{n}"
            fam = r.choice(family)
            fam_lat = r.choice(fam[1])
            father = r.choice(male)
            pat = father[2] if len(father[2]) > 1 else None
            if n % 3 == 2:
                g = r.choice(female)
                cyr_fam, lat_fam = fam[0] + "а", fam_lat + "a"
                pat_c = pat[0][:-2] + "на" if pat else ""
                pat_l = pat[1][:-3] + "na" if pat else ""
            else:
                g = r.choice(male)[:2]
                cyr_fam, lat_fam = fam[0], fam_lat
                pat_c, pat_l = (pat[0], r.choice(pat[1:])) if pat else ("", "")
            g_lat = r.choice(g[1])
            cyr = f"{cyr_fam} {g[0]} {pat_c}".strip() if n % 2 else f"{g[0]} {cyr_fam}"
            lat = f"{lat_fam.upper()}, {g_lat} {pat_l}".strip() if n % 2 else f"{g_lat} {lat_fam}"
            self.add(
                cyr, lat, "person", 1, "cross_script", "composed Russian name vs a listed-style romanisation", e, e
            )
            if n % 3 == 2:  # a woman vs a man of the same family (male given name, male surname form)
                males = [m for m in male if m[0] == g[0][:-1]] or male
                him = r.choice(males)
                neg = lat.replace(lat_fam.upper(), fam_lat.upper()).replace(lat_fam, fam_lat).replace(g_lat, him[1][0])
                if pat and pat_l:
                    neg = neg.replace(pat_l, pat[1])
                how = "composed Russian woman's name vs a man of the same surname"
            else:
                other = r.choice([f for f in family if f[0] != fam[0]])
                neg = lat.replace(lat_fam.upper(), other[1][0].upper()).replace(lat_fam, other[1][0])
                how = "composed Russian name vs another surname"
            self.add(cyr, neg, "person", 0, "cross_script", how, e, e)

    # -- perturbation classes over listed names ----------------------------------------------

    def typos(self) -> None:
        base = self.pool(lambda i, n: len(re.sub(r"[^A-Za-z]", "", n)) >= 6 and len(n) <= 80, 420, "typo")
        for k, (i, n) in enumerate(base):
            letters = len(re.sub(r"[^A-Za-z]", "", n))
            levels = [1] + ([2] if letters >= 12 else []) + ([3] if letters >= 20 else [])
            edits = levels[k % len(levels)]
            q, ops = typo(n, edits, self.rng)
            if q == n:
                continue
            self.add(q, n, self.L.type[i], 1, "typo", f"typo-{edits} ({ops})", self.L.entity(i), self.L.entity(i))
            self.negative("typo", f"typo-{edits} of a name vs the closest other listed name", i, q, n, near=True)
        # real near-identical words: two listed entities whose names differ in one word by 1-2 letters
        by_rest: dict[tuple[str, ...], list[tuple[int, str, str]]] = defaultdict(list)
        for i, names in enumerate(self.L.names):
            toks = tokens(names[0])
            if 2 <= len(toks) <= 6:
                for p, t in enumerate(toks):
                    if len(t) >= 4 and t.isalpha():
                        by_rest[(*toks[:p], "*", *toks[p + 1 :])].append((i, t, names[0]))
        found = []
        for key in sorted(by_rest):
            group = by_rest[key]
            for x in range(len(group)):
                for y in range(x + 1, len(group)):
                    (i, t, n), (j, u, m) = group[x], group[y]
                    if self.L.cluster[i] == self.L.cluster[j] or lev(t, u) > 2 or skeleton(t) == skeleton(u):
                        continue
                    if split_of(self.L.entity(i)) == split_of(self.L.entity(j)):
                        found.append((n, m, i, j))
        random.Random(self.stable("nearwords")).shuffle(found)
        for n, m, i, j in found[:160]:
            self.add(
                n,
                m,
                self.L.type[i],
                0,
                "typo",
                "two listed entities one near-identical word apart",
                self.L.entity(i),
                self.L.entity(j),
            )

    def extra_words(self) -> None:
        persons = self.pool(
            lambda i, n: self.L.type[i] == "person" and "," in n and 2 <= len(n.split()) <= 4, 160, "xp"
        )
        given_pool = sorted({en.split()[0] for _, en, _ in read_tsv("wd_hebrew.sample.tsv")})
        for k, (i, n) in enumerate(persons):
            e = self.L.entity(i)
            sur, _, giv = n.partition(",")
            giv = giv.strip()
            if k % 3 == 0:
                q, how = f"{self.titles[self.stable('t', k) % len(self.titles)]} {giv} {sur.title()}", "title added"
            elif k % 3 == 1:
                q, how = (
                    f"{giv.split()[0]} {given_pool[self.stable('g', k) % len(given_pool)]} {sur.title()}",
                    "middle name added",
                )
            else:
                if len(giv.split()) < 2:
                    continue
                q, how = f"{giv.split()[0]} {sur.title()}", "listed middle name or patronymic missing from the query"
            self.add(q, n, "person", 1, "extra_words", how, e, e)
            self.negative("extra_words", how + "; vs a sibling entity", i, q, n)
        orgs = self.pool(
            lambda i, n: self.L.type[i] in ("organization", "any") and len(content(n)) >= 2 and len(n) <= 70, 300, "xo"
        )
        for k, (i, n) in enumerate(orgs):
            e = self.L.entity(i)
            kind = k % 3
            if kind == 0:
                q, how = (
                    n + BRANCHES[k % len(BRANCHES)].format(city=CITIES[self.stable("c", k) % len(CITIES)]),
                    "branch or city suffix",
                )
            elif kind == 1:
                q, how = LABELS[k % len(LABELS)] + n, "party label prefix"
            else:
                q, how = n + MARKS[k % len(MARKS)], "trademark sign or emoji"
            self.add(q, n, self.L.type[i], 1, "extra_words", how, e, e)
            self.negative("extra_words", how + "; vs a sibling entity", i, q, n)
        vessels = self.pool(lambda i, n: self.L.type[i] == "vessel" and len(n) >= 3, 110, "xv")
        for k, (i, n) in enumerate(vessels):
            e = self.L.entity(i)
            q = VESSEL_PREFIXES[k % len(VESSEL_PREFIXES)] + n
            self.add(q, n, "vessel", 1, "extra_words", "vessel prefix", e, e)
            self.negative("extra_words", "vessel prefix; vs a sibling vessel", i, q, n)

    def alias_in_string(self) -> None:
        inner = re.compile(r"^(.*?)\s*\(([^()]{4,})\)\s*(.*)$")
        real = []
        for i, names in enumerate(self.L.names):
            for n in names:
                m = inner.match(n)
                if not m:
                    continue
                outside, ins, rest = m.group(1).strip(" ,."), m.group(2), m.group(3)
                ins2 = re.sub(r"^(a\.?k\.?a\.?,?|f/k/a|formerly|ex-|also)\s*", "", ins, flags=re.I).strip()
                if len(content(ins2)) and not rest and len(outside) >= 4 and len(content(outside)) >= 1:
                    real.append((i, n, outside, ins2))
        random.Random(self.stable("ais")).shuffle(real)
        for k, (i, n, outside, ins) in enumerate(real[:220]):
            e = self.L.entity(i)
            q = ins if k % 2 else outside
            self.add(q, n, self.L.type[i], 1, "alias_in_string", "one part of a listed name holding two", e, e)
            self.negative("alias_in_string", "one part of a two-name listed string vs a sibling entity", i, q, q)
        multi = self.pool(
            lambda i, n: len(self.L.names[i]) >= 2 and n == self.L.names[i][0] and "(" not in n, 260, "aisq"
        )
        for k, (i, n) in enumerate(multi):
            e = self.L.entity(i)
            other = self.L.names[i][1 + self.stable("alt", i) % (len(self.L.names[i]) - 1)]
            if "(" in other:
                continue
            sp = SPLITTERS[k % len(SPLITTERS)]
            shown = sp.strip().replace("{b}", "NAME")
            q = other + sp.format(b=n) if "{b}" in sp else other + sp + n
            if k % 2:
                self.add(
                    q, n, self.L.type[i], 1, "alias_in_string", f"two names of one entry joined by '{shown}'", e, e
                )
            else:
                self.add(
                    n,
                    q,
                    self.L.type[i],
                    1,
                    "alias_in_string",
                    f"listed side holds two names joined by '{shown}'",
                    e,
                    e,
                )
            self.negative("alias_in_string", "two names joined; vs a sibling entity of the first", i, q, n)

    def partial(self) -> None:
        orgs = self.pool(
            lambda i, n: (
                self.L.type[i] == "organization" or self.L.type[i] == "any" and bool(set(tokens(n)) & ORG_WORDS)
            ),
            1500,
            "part",
        )
        pos = neg = 0
        vocab = sorted(t for t, d in self.L.df.items() if d >= 2 and len(t) >= 5 and t.isalpha())
        by_len: dict[int, list[str]] = defaultdict(list)
        for t in vocab:
            by_len[len(t)].append(t)
        for i, n in orgs:
            e = self.L.entity(i)
            words = [w for w in re.findall(r"[A-Za-z][A-Za-z\-]+", n) if fold(w) not in WEAK]
            rare = [w for w in words if len(w) >= 5 and self.L.df[fold(w)] <= 3 and fold(w).isalpha()]
            common = [w for w in words if self.L.df[fold(w)] >= 60]
            if rare and pos < 260:
                w = rare[0]
                self.add(w, n, self.L.type[i], 1, "partial", "the name's rarest word alone", e, e)
                pos += 1
                near = [u for d in (-1, 0, 1) for u in by_len[len(w) + d] if u != fold(w) and lev(u, fold(w)) == 1]
                hits = [
                    (j, k)
                    for u in near
                    for j, k in self.L.postings.get(u, ())
                    if self.L.cluster[j] != self.L.cluster[i] and split_of(self.L.entity(j)) == split_of(e)
                ]
                hits = [(j, k) for j, k in hits if fold(w) not in tokens(self.L.names[j][k])]
                if hits:
                    j, k2 = sorted(hits)[self.stable("nh", i) % len(hits)]
                    self.add(
                        w,
                        self.L.names[j][k2],
                        self.L.type[i],
                        0,
                        "partial",
                        "a rare word alone vs a name holding a word one letter off",
                        e,
                        self.L.entity(j),
                    )
                    neg += 1
            if common and neg < 240 and self.stable("cm", i) % 3 == 0:
                self.add(
                    common[0], n, self.L.type[i], 0, "partial", "a common word alone (in 60+ listed entities)", e, e
                )
                neg += 1
            if pos >= 260 and neg >= 240:
                break

    def initials(self) -> None:
        acr = []
        for i, names in enumerate(self.L.names):
            for n in names:
                for m in re.finditer(r"\(([A-Z]{3,7})\)", n):
                    full = n[: m.start()].strip(" ,")
                    if _is_acronym(m.group(1), full):
                        acr.append((i, m.group(1), n))
        random.Random(self.stable("acr")).shuffle(acr)
        for k, (i, a, n) in enumerate(acr[:120]):
            e = self.L.entity(i)
            q = ".".join(a) + "." if k % 2 else a
            self.add(
                q,
                n,
                self.L.type[i],
                1,
                "initials",
                "acronym given in the listed name" + (", dotted" if k % 2 else ""),
                e,
                e,
            )
            self.negative("initials", "acronym of a listed name vs a sibling entity", i, q, n)
        persons = self.pool(
            lambda i, n: (
                self.L.type[i] == "person" and re.fullmatch(r"[A-Z\-']+, [A-Z][a-z]+( [A-Z][a-z]+)?", n) is not None
            ),
            170,
            "ini",
        )
        for k, (i, n) in enumerate(persons):
            e = self.L.entity(i)
            sur, giv = n.split(", ")
            ini = " ".join(g[0] + "." for g in giv.split())
            q = f"{ini} {sur.title()}" if k % 2 else f"{sur.title()} {ini.replace(' ', '')}"
            self.add(q, n, "person", 1, "initials", "given names as initials", e, e)
            if k % 2 == 0:
                same_sur = [
                    (j, m)
                    for j, kk in self.L.postings.get(fold(sur), ())
                    for m in [self.L.names[j][kk]]
                    if self.L.cluster[j] != self.L.cluster[i]
                    and m.startswith(sur + ", ")
                    and m.split(", ")[1][:1] != giv[:1]
                    and split_of(self.L.entity(j)) == split_of(e)
                ]
                if same_sur:
                    j, m = sorted(same_sur)[self.stable("ss", i) % len(same_sur)]
                    self.add(
                        q,
                        m,
                        "person",
                        0,
                        "initials",
                        "initials vs a person of the same surname, other initial",
                        e,
                        self.L.entity(j),
                    )
        abbr_re = re.compile(r"\b(" + "|".join(ABBREVIATIONS) + r")\b")
        orgs = self.pool(lambda i, n: abbr_re.search(n) is not None and len(n) <= 90, 190, "abbr")
        for k, (i, n) in enumerate(orgs):
            e = self.L.entity(i)
            dot = "." if k % 2 else ""
            q = abbr_re.sub(partial(_abbreviate, dot), n)
            self.add(q, n, self.L.type[i], 1, "initials", "words abbreviated", e, e)
            self.negative("initials", "words abbreviated; vs a sibling entity", i, q, n)
        hyph = [(en, he) for _, en, he in read_tsv("wd_hebrew.sample.tsv")]
        for k, (en, _) in enumerate(hyph):
            parts = en.split()
            if len(parts) >= 3 and k % 4 == 0:
                q = " ".join([parts[0], *(p[0] + "." for p in parts[1:-1]), parts[-1]])
                self.add(
                    q,
                    en,
                    "person",
                    1,
                    "initials",
                    "middle names as initials (Wikidata person)",
                    f"WH{read_tsv('wd_hebrew.sample.tsv')[k][0]}",
                    f"WH{read_tsv('wd_hebrew.sample.tsv')[k][0]}",
                )

    def numbers(self) -> None:
        num = re.compile(r"(?<![\w.'\-])(\d{1,3}|[IVX]{2,5}|No\.? ?\d+|(?<=[A-Za-z] )[IVX]$)(?![\w.'\-])")
        base = self.pool(lambda i, n: num.search(n) is not None and len(n) <= 80 and len(content(n)) >= 1, 260, "num")
        for i, n in base:
            e = self.L.entity(i)
            m = num.search(n)
            assert m
            tok = m.group(1)
            val = (
                int(tok)
                if tok.isdigit()
                else from_roman(tok)
                if re.fullmatch(r"[IVX]+", tok)
                else int(re.sub(r"\D", "", tok))
            )
            if not val or val > 39:
                continue
            forms = [str(val), roman(val), f"No. {val}", "".join(chr(ord(c) + 0xFEE0) for c in str(val))]
            if val <= 12:
                forms.append(WORDS[val].title())
            if re.search(r"(N|No|#)\.? *$", n[: m.start()], re.I) or tok.startswith("N"):
                forms = [f for f in forms if not f.startswith("No")]
            forms = [f for f in forms if f != tok]
            f = forms[self.stable("nf", i) % len(forms)]
            q = n[: m.start()] + f + n[m.end() :]
            self.add(q, n, self.L.type[i], 1, "numbers", "the same number written another way", e, e)
            other = val + (1 if self.stable("nd", i) % 2 or val == 1 else -1)
            form = roman(other) if re.fullmatch(r"[IVX]+", tok) else str(other)
            neg = n[: m.start()] + form + n[m.end() :]
            if neg not in self.name_entry:
                self.add(neg, n, self.L.type[i], 0, "numbers", "the same name with another number", e, e)
        groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for i, names in enumerate(self.L.names):
            for n in names:
                if num.search(n):
                    groups[num.sub("#", fold(n))].append((i, n))
        sisters = []
        for key in sorted(groups):
            g = groups[key]
            for x in range(len(g)):
                for y in range(x + 1, len(g)):
                    (i, n), (j, n2) = g[x], g[y]
                    if self.L.cluster[i] != self.L.cluster[j] and split_of(self.L.entity(i)) == split_of(
                        self.L.entity(j)
                    ):
                        sisters.append((i, n, j, n2))
        random.Random(self.stable("sis")).shuffle(sisters)
        for i, n, j, n2 in sisters[:200]:
            self.add(
                n,
                n2,
                self.L.type[i],
                0,
                "numbers",
                "two listed entities whose names differ only in a number",
                self.L.entity(i),
                self.L.entity(j),
            )

    def legal_forms(self) -> None:
        aliases: dict[str, list[str]] = {}
        for t in self.legal:
            for a in t.get("aliases") or []:
                aliases.setdefault(a.casefold(), t.get("aliases") or [])
        ends = {
            "Co., Ltd.": ["Company Limited", "Co Ltd", "有限公司"],
            "Co. Ltd.": ["Company Limited", "有限公司"],
            "LLC": aliases["llc"] if "llc" in aliases else ["Limited Liability Company"],
            "GmbH": aliases["gmbh"],
            "AG": aliases["ag"],
            "JSC": aliases["jsc"] if "jsc" in aliases else ["Joint Stock Company"],
            "OOO": aliases["ooo"] if "ooo" in aliases else ["Obshchestvo s Ogranichennoy Otvetstvennostyu"],
            "ZAO": aliases["zao"],
            "Sdn Bhd": aliases["sdn. bhd."],
            "Sdn. Bhd.": aliases["sdn. bhd."],
            "Pte Ltd": aliases["pte ltd"],
            "Pte. Ltd.": aliases["pte ltd"],
            "Ltd.": ["Limited", "Ltd", 'בע"מ', "лимитед"],
            "Limited": ["Ltd.", "LTD", "Limitada"],
            "Inc.": ["Incorporated", "Inc"],
            "Corporation": ["Corp.", "Corp", "株式会社", "주식회사"],
            "S.A.": aliases["s.a."],
        }
        ends = {k: [a for a in v if a.casefold() != k.casefold()] for k, v in ends.items()}
        pat = re.compile(r"[ ,]+(" + "|".join(re.escape(k) for k in sorted(ends, key=len, reverse=True)) + r")$")
        base = self.pool(lambda i, n: pat.search(n) is not None and len(content(n)) >= 1 and len(n) <= 80, 340, "legal")
        forms = sorted(JURISDICTION_FORMS)
        for k, (i, n) in enumerate(base):
            e = self.L.entity(i)
            m = pat.search(n)
            assert m
            stem, form = n[: m.start()], m.group(1)
            choice = ends[form][self.stable("lf", i) % len(ends[form])] if ends[form] else form
            if k % 5 == 4:
                q, how = stem, "legal form dropped"
            else:
                q, how = f"{stem} {choice}", "legal form written in a long, short or local form"
            self.add(q, n, self.L.type[i], 1, "legal_form", how, e, e)
            if form in JURISDICTION_FORMS:
                alt = [f for f in forms if JURISDICTION_FORMS[f] != JURISDICTION_FORMS[form]]
                self.add(
                    f"{stem} {alt[self.stable('jf', i) % len(alt)]}",
                    n,
                    self.L.type[i],
                    0,
                    "legal_form",
                    "the same name in another jurisdiction",
                    e,
                    e,
                )
            elif k % 3 == 0:
                self.add(form, n, self.L.type[i], 0, "legal_form", "a legal form alone", e, e)
            else:
                self.negative("legal_form", "legal form rewritten; vs a sibling entity", i, q, n)
        # same names under conflicting jurisdiction-specific forms, on names that carry one
        jpat = re.compile(
            r"[ ,]+(" + "|".join(re.escape(k) for k in sorted(JURISDICTION_FORMS, key=len, reverse=True)) + r")\.?$"
        )
        base = self.pool(lambda i, n: jpat.search(n) is not None and len(content(n)) >= 1, 80, "jur")
        for i, n in base:
            m = jpat.search(n)
            assert m
            alt = [f for f in forms if JURISDICTION_FORMS[f] != JURISDICTION_FORMS[m.group(1)]]
            q = n[: m.start()] + " " + alt[self.stable("jj", i) % len(alt)]
            self.add(
                q,
                n,
                self.L.type[i],
                0,
                "legal_form",
                "the same name in another jurisdiction",
                self.L.entity(i),
                self.L.entity(i),
            )

    def over_normalisation(self) -> None:
        persons = self.pool(
            lambda i, n: (
                self.L.type[i] == "person" and re.fullmatch(r"[A-Z\-' ]+, [A-Z][a-z]+( [A-Z][a-z]+)*", n) is not None
            ),
            140,
            "onp",
        )
        for k, (i, n) in enumerate(persons):
            e = self.L.entity(i)
            sur, giv = n.split(", ")
            q = f"{giv} {sur.title()}" if k % 2 else f"{sur} {giv}".upper()
            self.add(q, n, "person", 1, "over_normalisation", "person name in the other order", e, e)
            self.negative("over_normalisation", "person name in the other order; vs a sibling entity", i, q, n)
        gen = re.compile(r"\b(" + "|".join(GENDER) + r")\b")
        base = self.pool(lambda i, n: self.L.type[i] in ("person", "any") and gen.search(n) is not None, 90, "gender")
        for i, n in base:
            q = gen.sub(lambda m: GENDER[m.group(1)], n, count=1)
            q = re.sub(r"\b([A-Z][A-Za-z]+)(OV|EV|IN)\b", r"\1\2A", q) if "A," not in q else q
            self.add(
                q,
                n,
                "person",
                0,
                "over_normalisation",
                "another given name one ending apart (gender or plural -s)",
                self.L.entity(i),
                self.L.entity(i),
            )
        opp = re.compile(r"\b(" + "|".join(OPPOSITES) + r")\b")
        base = self.pool(lambda i, n: self.L.type[i] != "person" and opp.search(n) is not None, 130, "opp")
        for i, n in base:
            q = opp.sub(lambda m: OPPOSITES[m.group(1)], n, count=1)
            if q not in self.name_entry:
                self.add(
                    q,
                    n,
                    self.L.type[i],
                    0,
                    "over_normalisation",
                    "a small word swapped for its opposite (North/South, Sons/Daughters)",
                    self.L.entity(i),
                    self.L.entity(i),
                )
        plu = re.compile(r"\b(" + "|".join(PLURALS) + r")\b")
        base = self.pool(lambda i, n: plu.search(n) is not None, 80, "plural")
        for i, n in base:
            q = plu.sub(lambda m: PLURALS[m.group(1)], n, count=1)
            self.add(
                q,
                n,
                self.L.type[i],
                1,
                "over_normalisation",
                "a generic word in the singular",
                self.L.entity(i),
                self.L.entity(i),
            )
            self.negative("over_normalisation", "a generic word in the singular; vs a sibling entity", i, q, n)
        ar = read_tsv("hand_ar.tsv")
        given = [r2.split("|")[0] for k, _, r2 in ar if k == "given" and " " not in r2.split("|")[0]]
        r = random.Random(self.stable("swap"))
        for s in range(60):
            a, b = r.sample(given, 2)
            e = f"SW{s}"
            self.add(
                f"{a} {b}",
                f"{b} {a}",
                "person",
                0,
                "over_normalisation",
                "two given names in the other order (another person)",
                e,
                e,
            )

    def lookalikes(self) -> None:
        base = self.pool(
            lambda i, n: 5 <= len(n) <= 60 and re.fullmatch(r"[A-Za-z0-9 ,.&'\-()]+", n) is not None, 420, "look"
        )
        for i, n in base:
            q, how = lookalike(n, self.rng)
            if not how:
                continue
            self.add(q, n, self.L.type[i], 1, "lookalike", how, self.L.entity(i), self.L.entity(i))
            self.negative("lookalike", how + "; vs the closest other listed name", i, q, n, near=True)

    def build(self) -> list[dict[str, str]]:
        self.list_aliases()
        self.cross_script()
        self.typos()
        self.extra_words()
        self.alias_in_string()
        self.partial()
        self.initials()
        self.numbers()
        self.legal_forms()
        self.over_normalisation()
        self.lookalikes()
        seen = set()
        out = []
        for r in self.rows:
            key = (r["name1"], r["name2"])
            if key in seen:
                self.dropped["duplicate pair"] += 1
                continue
            seen.add(key)
            out.append(r)
        return out if self.seed == SEED else self._apart_from_dev(out)

    def _apart_from_dev(self, rows: list[dict[str, str]]) -> list[dict[str, str]]:
        """Under another pairs seed, drop pairs dev.csv holds, and pairs of a composed person
        whose name a composed person of dev.csv also bears: a composed person's key (AR<n>, RU<n>,
        SW<n>) numbers a draw, so a new draw can repeat a dev name under a held-out key. A held-out
        sample drawn after the dev samples (any seed but PAIRS_SEED_B and theirs) keeps apart from
        those too."""
        dev = [r for r in built(SEED) if split_of(r["entity1"]) == "dev"]
        if self.seed not in (PAIRS_SEED_B, *DEV_PAIRS_SEEDS.values()):
            dev += [r for s in DEV_PAIRS_SEEDS.values() for r in built(s) if split_of(r["entity1"]) == "dev"]
        pairs = {(r["name1"], r["name2"]) for r in dev}
        composed = {r[k] for r in dev if COMPOSED.match(r["entity1"]) for k in ("name1", "name2")}
        out = []
        for r in rows:
            if split_of(r["entity1"]) == "dev":
                out.append(r)  # never written under another pairs seed
            elif (r["name1"], r["name2"]) in pairs:
                self.dropped["pair also in dev.csv"] += 1
            elif COMPOSED.match(r["entity1"]) and (r["name1"] in composed or r["name2"] in composed):
                self.dropped["composed name also in dev.csv"] += 1
            else:
                out.append(r)
        return out

    def dev_sample(self) -> list[dict[str, str]]:
        """The dev pairs of this pairs seed, apart from the held-out samples: pairs heldout.csv or
        heldout-b.csv holds are dropped, and pairs of a composed person bearing a name that a
        composed person of either bears (a draw can repeat a name under a dev key)."""
        held = [r for s in (SEED, PAIRS_SEED_B) for r in built(s) if split_of(r["entity1"]) == "heldout"]
        pairs = {(r["name1"], r["name2"]) for r in held}
        composed = {r[k] for r in held if COMPOSED.match(r["entity1"]) for k in ("name1", "name2")}
        out = []
        for r in built(self.seed):
            if split_of(r["entity1"]) != "dev":
                continue
            if (r["name1"], r["name2"]) in pairs:
                self.dropped["pair also in a held-out sample"] += 1
            elif COMPOSED.match(r["entity1"]) and (r["name1"] in composed or r["name2"] in composed):
                self.dropped["composed name also in a held-out sample"] += 1
            else:
                out.append(r)
        return out


_BUILT: dict[int, list[dict[str, str]]] = {}


def built(seed: int) -> list[dict[str, str]]:
    """Builder(seed).build(), once per process (the samples keep apart from one another's pairs)."""
    if seed not in _BUILT:
        _BUILT[seed] = Builder(seed).build()
    return _BUILT[seed]


def _abbreviate(dot: str, m: re.Match[str]) -> str:
    return ABBREVIATIONS[m.group(1)] + dot


def _is_acronym(short: str, full: str) -> bool:
    s = re.sub(r"[^A-Za-z]", "", short)
    if not 2 <= len(s) <= 8 or " " in short.strip() or not short.strip().replace(".", "").isupper():
        return False
    words = [w for w in re.findall(r"[A-Za-z]+", full) if w.lower() not in {"of", "and", "the", "for", "in"}]
    initials = "".join(w[0] for w in words).upper()
    return len(words) >= 2 and (initials == s.upper() or initials.startswith(s.upper()) and len(s) >= 3)


def _token_similar(a: frozenset[str], b: frozenset[str]) -> bool:
    matched = sum(1 for t in a if any(lev(t, u) <= max(1, len(t) // 3) for u in b))
    return matched >= max(1, (min(len(a), len(b)) + 1) // 2)


def _syllables(word: str) -> str:
    """A pinyin given name split at its syllable boundary ("Jinping" -> "Jin Ping")."""
    m = re.match(r"^([^aeiou]*[aeiou]+(?:ng|n(?![aeiou]))?)(.+)$", word)
    return f"{m.group(1)} {m.group(2).title()}" if m else word


def _arabic_close(a: str, b: str) -> bool:
    x, y = re.sub(r"[اأإوي ]", "", a), re.sub(r"[اأإوي ]", "", b)
    return lev(x, y) <= 1


def write_split(rows: list[dict[str, str]], split: str, path: Path) -> int:
    """One split's pairs to `path` (ids number the pairs of both splits); returns how many."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    w.writeheader()
    n = 0
    for k, r in enumerate(rows):
        if split_of(r["entity1"]) == split:
            w.writerow({"id": str(k + 1), **r})
            n += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return n


def write(rows: list[dict[str, str]], out: Path) -> dict[str, int]:
    return {split: write_split(rows, split, out / f"{split}.csv") for split in ("dev", "heldout")}


def counts_table(rows: list[dict[str, str]]) -> str:
    """Pairs per class, label and split, as the Markdown table METHOD.md carries."""
    tab: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in rows:
        for c in (r["class"], "all"):
            tab[(c, r["label"], split_of(r["entity1"]))] += 1
    lines = [
        "| class | dev positive | dev negative | held-out positive | held-out negative |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for c in [*CLASSES, "all"]:
        cells = " | ".join(str(tab[(c, lab, sp)]) for sp in ("dev", "heldout") for lab in "10")
        lines.append(f"| {c} | {cells} |")
    return "\n".join(lines)


def read_split(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def entities(rows: list[dict[str, str]]) -> set[str]:
    return {r[k] for r in rows for k in ("entity1", "entity2")}


def resample_table(fresh: list[dict[str, str]], heldout: list[dict[str, str]], old_name: str = "heldout.csv") -> str:
    """Pairs per class and label of a fresh sample, and how many of them (same name1, name2 and
    label) the first sample (heldout.csv, or dev.csv) already holds: counts only, so a held-out
    sample stays unseen."""
    old = {(r["name1"], r["name2"], r["label"]) for r in heldout}
    tab: dict[tuple[str, str], int] = defaultdict(int)
    for r in fresh:
        for c in (r["class"], "all"):
            tab[(c, r["label"])] += 1
            tab[(c, "old")] += (r["name1"], r["name2"], r["label"]) in old
    lines = [
        f"| class | positive | negative | also in {old_name} |",
        "| --- | ---: | ---: | ---: |",
    ]
    for c in [*CLASSES, "all"]:
        lines.append(f"| {c} | {tab[(c, '1')]} | {tab[(c, '0')]} | {tab[(c, 'old')]} |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--extract", action="store_true", help="refresh sources/ from ../shared/data/names first")
    p.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data" / "names")
    p.add_argument("--out", type=Path, default=HERE)
    p.add_argument("--stats", action="store_true", help="print counts per class and label")
    p.add_argument(
        "--pairs-seed",
        type=int,
        default=None,
        help=f"seed for the pairs only (the entity split keeps {SEED}); needs --out-heldout or --out-dev",
    )
    p.add_argument("--out-heldout", type=Path, default=None, help="write only the held-out split, to this file")
    p.add_argument("--out-dev", type=Path, default=None, help="write only the dev split, to this file")
    a = p.parse_args()
    if a.pairs_seed is not None and (a.out_heldout is None) == (a.out_dev is None):
        p.error(
            "--pairs-seed needs --out-heldout or --out-dev (one of them): "
            "dev.csv and heldout.csv are only ever built with SEED"
        )
    if a.out_dev is not None and a.pairs_seed in (None, SEED, PAIRS_SEED_B):
        p.error(f"--out-dev needs a --pairs-seed other than {SEED} (dev.csv) and {PAIRS_SEED_B} (heldout-b.csv)")
    if a.extract:
        extract(a.shared)
    b = Builder(SEED if a.pairs_seed is None else a.pairs_seed)
    if a.out_dev is not None:
        sample = b.dev_sample()
        n = write_split(sample, "dev", a.out_dev)
        print(f"{n} dev pairs (pairs seed {b.seed}) -> {a.out_dev}; list sha256 {b.L.digest[:16]}")
        if a.stats:
            print(resample_table(sample, read_split(HERE / "dev.csv"), "dev.csv"))
            for k, v in sorted(b.dropped.items()):
                print("dropped:", k, v)
        return
    rows = b.build()
    if a.out_heldout is not None:
        n = write_split(rows, "heldout", a.out_heldout)
        fresh = read_split(a.out_heldout)
        dev = read_split(HERE / "dev.csv")
        print(f"{n} held-out pairs (pairs seed {b.seed}) -> {a.out_heldout}; list sha256 {b.L.digest[:16]}")
        print(f"entities shared with dev.csv: {len(entities(fresh) & entities(dev))}")
        if a.stats:
            print(resample_table(fresh, read_split(HERE / "heldout.csv")))
            for k, v in sorted(b.dropped.items()):
                print("dropped:", k, v)
        return
    counts = write(rows, a.out)
    print(f"{len(rows)} pairs: {counts}; list sha256 {b.L.digest[:16]}")
    if a.stats:
        print(counts_table(rows))
        for k, v in sorted(b.dropped.items()):
            print("dropped:", k, v)


if __name__ == "__main__":
    main()
