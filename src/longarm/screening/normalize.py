"""Name normalisation for screening: the same company spelt any way gives the same tokens.

Steps: Unicode NFKC; Traditional -> Simplified Chinese (OpenCC); Chinese company-name words to
English ("技术" -> technology) and the rest of the Chinese to pinyin, one word per run ("华为" ->
huawei); other scripts to Latin (anyascii); case and punctuation folding; legal forms made
equivalent ("Co., Ltd." = "Company Limited" = "有限公司" -> ltd); common abbreviations and plurals
folded ("Technologies", "Tech" -> technology). What remains are the content tokens that identify
the party, the legal forms, and any numbers (which must agree exactly: vessels, SPVs).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from anyascii import anyascii

# Chinese words common in company names, longest first when replacing.
CHINESE_WORDS = {
    "股份有限公司": " ltd ",
    "有限责任公司": " ltd ",
    "有限公司": " ltd ",
    "集团": " group ",
    "公司": " company ",
    "技术": " technology ",
    "科技": " technology ",
    "电子": " electronics ",
    "半导体": " semiconductor ",
    "大学": " university ",
    "研究所": " research institute ",
    "研究院": " research institute ",
    "研究中心": " research center ",
    "中心": " center ",
    "国际": " international ",
    "控股": " holding ",
    "投资": " investment ",
    "贸易": " trading ",
    "工业": " industry ",
    "信息": " information ",
    "通信": " communication ",
    "网络": " network ",
    "软件": " software ",
    "微电子": " microelectronics ",
    "集成电路": " integrated circuit ",
    "计算": " computing ",
    "超级计算": " supercomputing ",
    "国家": " national ",
    "中国": " china ",
    "北京": " beijing ",
    "上海": " shanghai ",
    "深圳": " shenzhen ",
    "广州": " guangzhou ",
    "天津": " tianjin ",
    "成都": " chengdu ",
    "杭州": " hangzhou ",
    "武汉": " wuhan ",
    "南京": " nanjing ",
    "西安": " xian ",
    "长沙": " changsha ",
    "苏州": " suzhou ",
    "香港": " hong kong ",
    "澳门": " macau ",
    "分公司": " branch ",
    "实验室": " laboratory ",
    "设备": " equipment ",
    "材料": " materials ",
    "制造": " manufacturing ",
    "数字": " digital ",
    "智能": " intelligent ",
    "终端": " device ",
    "服务": " service ",
    "云": " cloud ",
    "研发": " research and development ",
    "东莞": " dongguan ",
}
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CHINESE_RX = re.compile("|".join(sorted(map(re.escape, CHINESE_WORDS), key=len, reverse=True)))

# Legal forms, as folded word sequences -> canonical form.
LEGAL_FORMS = {
    "company limited": "ltd",
    "co ltd": "ltd",
    "co limited": "ltd",
    "limited": "ltd",
    "ltd": "ltd",
    "pte ltd": "ltd",
    "pvt ltd": "ltd",
    "private limited": "ltd",
    "pty ltd": "ltd",
    "sdn bhd": "sdnbhd",
    "corporation": "corp",
    "corp": "corp",
    "incorporated": "inc",
    "inc": "inc",
    "company": "co",
    "co": "co",
    "gmbh": "gmbh",
    "mbh": "gmbh",
    "llc": "llc",
    "l l c": "llc",
    "ag": "ag",
    "sa": "sa",
    "s a": "sa",
    "sarl": "sarl",
    "s a r l": "sarl",
    "srl": "srl",
    "s r l": "srl",
    "spa": "spa",
    "s p a": "spa",
    "kk": "kk",
    "k k": "kk",
    "kabushiki kaisha": "kk",
    "bv": "bv",
    "b v": "bv",
    "nv": "nv",
    "n v": "nv",
    "plc": "plc",
    "oy": "oy",
    "ab": "ab",
    "as": "as",
    "a s": "as",
    "jsc": "jsc",
    "ojsc": "jsc",
    "cjsc": "jsc",
    "pjsc": "jsc",
    "ooo": "llc",
    "zao": "jsc",
    "oao": "jsc",
    "pao": "jsc",
    "fze": "fze",
    "fzco": "fze",
    "fz llc": "fze",
    "pty": "pty",
    "lp": "lp",
    "llp": "llp",
    "sas": "sas",
    "bhd": "sdnbhd",
    "tbk": "tbk",
    "pt": "pt",
    "ltda": "ltda",
    "sac": "sac",
    "se": "se",
    "kft": "kft",
    "doo": "doo",
    "d o o": "doo",
    "sp z o o": "spzoo",
    "spolka z o o": "spzoo",
    "limited liability company": "llc",
    "limited liability partnership": "llp",
    "s a c": "sac",
    "pvt": "ltd",
    "private": "ltd",
    "joint stock company": "jsc",
    "public joint stock company": "jsc",
    "closed joint stock company": "jsc",
    "open joint stock company": "jsc",
}
# Words that only describe the legal form ("Limited Liability Company", "Joint Stock Company"):
# dropped when the name has a legal form, so a typo in one of them does not leave the others.
DESIGNATORS = {
    "liability",
    "joint",
    "stock",
    "jointstock",
    "public",
    "closed",
    "open",
    "private",
    "partnership",
    "limited",
    "company",
    "corporation",
}
# Misspelt legal-form words still count as legal forms ("LIMTIED", "COMPNAY").
FUZZY_FORMS = {"limited": "ltd", "company": "co", "corporation": "corp", "incorporated": "inc"}
_FORM_RX = re.compile(r"\b(" + "|".join(sorted(map(re.escape, LEGAL_FORMS), key=len, reverse=True)) + r")\b")

# Abbreviations and inflections folded to one token.
SYNONYMS = {
    "technologies": "technology",
    "tech": "technology",
    "techn": "technology",
    "technol": "technology",
    "technological": "technology",
    "electronic": "electronics",
    "semiconductors": "semiconductor",
    "intl": "international",
    "int": "international",
    "univ": "university",
    "inst": "institute",
    "institutes": "institute",
    "centre": "center",
    "centres": "center",
    "centers": "center",
    "labs": "laboratory",
    "lab": "laboratory",
    "laboratories": "laboratory",
    "mfg": "manufacturing",
    "eng": "engineering",
    "engg": "engineering",
    "ind": "industry",
    "industries": "industry",
    "industrial": "industry",
    "sci": "science",
    "sciences": "science",
    "scientific": "science",
    "grp": "group",
    "hldgs": "holding",
    "holdings": "holding",
    "svcs": "services",
    "service": "services",
    "systems": "system",
    "sys": "system",
    "trade": "trading",
    "natl": "national",
    "dept": "department",
    "mach": "machinery",
    "and": "&",
    "et": "&",
    "und": "&",
    "y": "&",
}
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
STOP = {"the", "of", "&", "de", "la", "le", "du", "des", "der", "die", "das", "for", "a", "an", "d", "s"}


@dataclass(frozen=True)
class Name:
    """A party name after normalisation."""

    original: str
    tokens: tuple[str, ...]  # content tokens, in order
    legal_forms: frozenset[str]
    numbers: frozenset[str]

    @property
    def joined(self) -> str:
        return "".join(self.tokens)

    @property
    def key(self) -> str:
        return " ".join(self.tokens)


@cache
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def _chinese(text: str) -> str:
    from pypinyin import lazy_pinyin

    text = _t2s().convert(text)
    text = _CHINESE_RX.sub(lambda m: CHINESE_WORDS[m.group(0)], text)
    return _CJK.sub(lambda m: " " + "".join(lazy_pinyin(m.group(0))) + " ", text)


def fold(text: str) -> str:
    """NFKC; Chinese to pinyin/English; other scripts to Latin; lower case; punctuation to spaces."""
    text = unicodedata.normalize("NFKC", text)
    if _CJK.search(text):
        text = _chinese(text)
    if not text.isascii():
        text = anyascii(text)
    text = text.casefold().replace("&", " & ").replace("'", "")
    text = re.sub(r"[^\w&]+|_", " ", text)
    return " ".join(text.split())


def _fuzzy_form(tok: str) -> str | None:
    if len(tok) < 6 or not tok.isalpha():
        return None
    from rapidfuzz.distance import Levenshtein

    for word, form in FUZZY_FORMS.items():
        if (
            word[0] in tok[:2]
            and abs(len(tok) - len(word)) <= 2
            and Levenshtein.distance(tok, word, score_cutoff=2) <= 2
        ):
            return form
    return None


def _stem(tok: str) -> str:
    """A light plural fold so that a misspelt plural lands near its singular."""
    if len(tok) <= 4 or not tok.isalpha():
        return tok
    if tok.endswith("ies"):
        return tok[:-3] + "y"
    if tok.endswith("s") and not tok.endswith(("ss", "us", "is")):
        return tok[:-1]
    return tok


@lru_cache(maxsize=200_000)
def normalize(text: str) -> Name:
    """The normalised form of a party name."""
    folded = fold(text)
    forms: set[str] = set()

    def strip_form(m: re.Match[str]) -> str:
        forms.add(LEGAL_FORMS[m.group(1)])
        return " "

    body = _FORM_RX.sub(strip_form, folded)
    tokens = []
    numbers = set()
    for raw in body.split():
        form = _fuzzy_form(raw)
        if form:
            forms.add(form)
            continue
        tok = _stem(SYNONYMS.get(raw, raw))
        if tok in STOP:
            continue
        if not tok.isalpha() and _DIGIT.search(tok):
            numbers.update(_DIGITS.findall(tok))
        tokens.append(tok)
    if forms:
        tokens = [t for t in tokens if t not in DESIGNATORS] or tokens
    tokens = list(dict.fromkeys(tokens))  # "Huawei Technologies Co., Ltd. (Huawei)": once is enough
    return Name(text, tuple(tokens), frozenset(forms), frozenset(numbers))


def key(text: str) -> str:
    """The exact-match key: content tokens in order."""
    return normalize(text).key
