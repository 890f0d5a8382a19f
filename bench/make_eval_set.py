"""Build the labelled screening evaluation set from the real bundled list (deterministic, seed 7).

Positives are variants of real listed names: typos, abbreviations, reordered person names,
legal-form changes, upper case without punctuation, Chinese script (Simplified and Traditional)
for pinyin-named Chinese entities, pinyin split into syllables. Negatives are hard: sibling
entries sharing a distinctive word, the same name in another city, another number, another
business word, "& Sons" vs "& Daughters", and queries made only of legal forms.

    python bench/make_eval_set.py > tests/data/screening_eval.csv
"""

from __future__ import annotations

import csv
import random
import re
import sys

from longarm.screening.lists import bundled
from longarm.screening.normalize import normalize

RNG = random.Random(7)
LEGAL = {
    " Co., Ltd.": [" Company Limited", " Co Ltd", " Limited", " CO., LTD"],
    " Ltd.": [" Limited", " LTD"],
    " Corporation": [" Corp.", " Corp"],
    " LLC": [" L.L.C.", " Limited Liability Company"],
    " Inc.": [" Incorporated", " Inc"],
    " GmbH": [" G.m.b.H.", " mbH"],
}
ABBREV = {
    "Technologies": "Tech",
    "Technology": "Tech.",
    "International": "Intl",
    "Corporation": "Corp",
    "Company": "Co",
    "Industries": "Ind.",
    "Electronics": "Electronic",
    "Laboratory": "Lab",
    "University": "Univ.",
    "Institute": "Inst.",
    "Engineering": "Eng.",
    "Trading": "Trade",
}
CITIES = [
    "Beijing",
    "Shanghai",
    "Shenzhen",
    "Guangzhou",
    "Tianjin",
    "Chengdu",
    "Hangzhou",
    "Wuhan",
    "Nanjing",
    "Moscow",
    "Tehran",
    "Dubai",
    "Hong Kong",
    "Xian",
    "Changsha",
    "Suzhou",
]
BUSINESS = [
    "Trading",
    "Technology",
    "Electronics",
    "Logistics",
    "Shipping",
    "Industrial",
    "Machinery",
    "Investment",
    "Engineering",
    "Aviation",
    "Semiconductor",
    "Software",
]
# Chinese script for pinyin-named listed entities (the list itself has no Chinese script).
CHINESE = {
    "Huawei Technologies Co., Ltd.": "华为技术有限公司",
    "Beijing Huawei Digital Technologies Co., Ltd.": "北京华为数字技术有限公司",
    "Chengdu Huawei Technologies Co., Ltd.": "成都华为技术有限公司",
    "Hangzhou Huawei Digital Technology Co., Ltd.": "杭州华为数字技术有限公司",
    "Shenzhen Pengxinxu Technology Co., Ltd.": "深圳鹏新旭技术有限公司",
    "Huawei Device Co., Ltd.": "华为终端有限公司",
    "Shanghai Huawei Technologies Co., Ltd.": "上海华为技术有限公司",
    "Suzhou Huawei Technology Research and Development Co., Ltd.": "苏州华为技术研发有限公司",
    "Wuhan Huawei Technologies Co., Ltd.": "武汉华为技术有限公司",
    "Xi'an Huawei Technologies Co., Ltd.": "西安华为技术有限公司",
    "Nanjing Huawei Technologies Co., Ltd.": "南京华为技术有限公司",
    "Shenzhen Huawei Technology Service Co., Ltd.": "深圳华为技术服务有限公司",
    "Huawei Cloud Computing Technology Co., Ltd.": "华为云计算技术有限公司",
    "Dongguan Huawei Service Co., Ltd.": "东莞华为服务有限公司",
}
SYLLABLES = {
    "huawei": "hua wei",
    "pengxinxu": "peng xin xu",
    "hisilicon": None,
    "zhongxing": "zhong xing",
    "haiguang": "hai guang",
    "sugon": None,
    "shuguang": "shu guang",
    "tianjin": "tian jin",
    "changsha": "chang sha",
    "shenzhen": "shen zhen",
    "hangzhou": "hang zhou",
    "chengdu": "cheng du",
}


def typo(name: str) -> str | None:
    words = [w for w in name.split() if len(w) >= 6 and w.isalpha()]
    if not words:
        return None
    w = RNG.choice(words)
    i = RNG.randrange(1, len(w) - 1)
    kind = RNG.choice(["sub", "del", "swap"])
    if kind == "sub":
        new = w[:i] + RNG.choice("aeiou") + w[i + 1 :]
    elif kind == "del":
        new = w[:i] + w[i + 1 :]
    else:
        new = w[: i - 1] + w[i] + w[i - 1] + w[i + 1 :]
    return name.replace(w, new, 1) if new != w else None


def legal_change(name: str) -> str | None:
    for form, options in LEGAL.items():
        if name.endswith(form):
            return name[: -len(form)] + RNG.choice(options)
    return None


def abbreviate(name: str) -> str | None:
    hits = [w for w in ABBREV if re.search(rf"\b{w}\b", name)]
    return re.sub(rf"\b{hits[0]}\b", ABBREV[hits[0]], name) if hits else None


def shout(name: str) -> str:
    return re.sub(r"[^\w\s]", "", name).upper()


def reorder_person(name: str) -> str | None:
    parts = name.split()
    if len(parts) == 2 and all(p.isalpha() for p in parts):
        return f"{parts[1]}, {parts[0]}"
    return None


def pinyin_split(name: str) -> str | None:
    out, changed = [], False
    for w in name.split():
        s = SYLLABLES.get(w.lower())
        if s:
            out.append(" ".join(x.capitalize() for x in s.split()))
            changed = True
        else:
            out.append(w)
    return " ".join(out) if changed else None


def main() -> None:
    lst = bundled()
    entries = lst.entries
    companies = [
        e for e in entries if e.type != "Individual" and len(normalize(e.name).tokens) >= 2 and e.name.isascii()
    ]
    people = [e for e in entries if e.type == "Individual" and e.name.isascii()]
    el = [e for e in companies if e.list_name == "Entity List"]
    rows: list[tuple[str, str, int, str]] = []

    def add(a: str | None, b: str, label: int, kind: str) -> None:
        if a and a != b:
            rows.append((a, b, label, kind))

    for e in RNG.sample(companies, 180):
        add(typo(e.name), e.name, 1, "typo")
    for e in RNG.sample(companies, 200):
        add(legal_change(e.name), e.name, 1, "legal form")
    for e in RNG.sample(companies, 200):
        add(abbreviate(e.name), e.name, 1, "abbreviation")
    for e in RNG.sample(companies, 50):
        add(shout(e.name), e.name, 1, "case and punctuation")
    for e in RNG.sample(people, 60):
        add(reorder_person(e.name), e.name, 1, "reordered")
    listed = {e.name for e in entries}
    for en, zh in CHINESE.items():
        if en in listed:
            add(zh, en, 1, "chinese script")
            import opencc

            add(opencc.OpenCC("s2t").convert(zh), en, 1, "chinese traditional")
    for e in el:
        split = pinyin_split(e.name)
        if split:
            add(split, e.name, 1, "pinyin spacing")
    # hard negatives
    by_token: dict[str, list] = {}
    for e in el:
        for t in set(normalize(e.name).tokens):
            by_token.setdefault(t, []).append(e)
    sib = 0
    for t, group in sorted(by_token.items()):
        if 2 <= len(group) <= 40 and len(t) > 4 and sib < 160:
            a, b = RNG.sample(group, 2)
            if normalize(a.name).key != normalize(b.name).key:
                add(a.name, b.name, 0, "sibling")
                sib += 1
    for e in RNG.sample(companies, 400):
        city = next((c for c in CITIES if re.search(rf"\b{c}\b", e.name)), None)
        if city:
            add(e.name.replace(city, RNG.choice([c for c in CITIES if c != city])), e.name, 0, "other city")
    for e in RNG.sample([e for e in entries if re.search(r"\b\d+\b", e.name)], 90):
        m = re.search(r"\b(\d+)\b", e.name)
        add(e.name[: m.start()] + str(int(m.group(1)) + RNG.randint(1, 9)) + e.name[m.end() :], e.name, 0, "number")
    for e in RNG.sample(companies, 300):
        word = next((w for w in BUSINESS if re.search(rf"\b{w}\b", e.name)), None)
        if word:
            add(
                re.sub(rf"\b{word}\b", RNG.choice([w for w in BUSINESS if w != word]), e.name),
                e.name,
                0,
                "business word",
            )
    for e in RNG.sample(companies, 40):
        add(f"{e.name.split()[0]} & Sons", f"{e.name.split()[0]} & Daughters", 0, "sons vs daughters")
    for form in ["CORP", "LLC", "Co., Ltd.", "Limited", "GmbH", "S.A.", "Pte. Ltd.", "Sdn. Bhd.", "K.K.", "Inc."]:
        for e in RNG.sample(companies, 3):
            add(form, e.name, 0, "legal form only")
    # de-duplicate, keep order
    seen = set()
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["name1", "name2", "label", "kind"])
    for r in rows:
        if (r[0], r[1]) not in seen:
            seen.add((r[0], r[1]))
            w.writerow(r)


if __name__ == "__main__":
    main()
