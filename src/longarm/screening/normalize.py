"""Name normalisation for screening: the same party written any way gives the same tokens.

In order, each step for a reason:

1. Bounded work: at most MAX_CHARS characters and MAX_TOKENS tokens are looked at, so a huge
   "name" costs no more than a long one.
2. Clean: control and format characters, symbols (®, ™, emoji) removed; NFKC (full-width and
   circled digits, Roman-numeral characters); Cyrillic and Greek look-alike letters inside Latin
   words folded to Latin ("Нuаwеі" -> Huawei).
3. Aliases split: "A (B)", "A a.k.a. B", "A f/k/a B", "A (ex-B)", "A; B" are several names of one
   party (`names`); each is normalised on its own and the best pair wins.
4. Scripts to Latin, one syllable per token where a script writes syllables: Chinese to English
   business words and pinyin syllables (Traditional folded to Simplified first; "第十四" -> 14),
   Japanese kana and kanji to Hepburn readings (cutlet), Hangul per syllable (Revised
   Romanisation, common surname spellings), Burmese by a syllable table, Hebrew and Arabic by
   consonants (compared later by consonant skeleton), anything else by anyascii.
5. Words that carry no identity stripped and recorded: party labels ("SHIPPER:"), person titles,
   vessel prefixes (MV, M/T), legal forms (kept apart: they are compared, not matched).
6. Tokens: dotted initials joined ("H.u.a.w.e.i", "A.B.C."), generic business words in many
   languages folded to one English word, abbreviations expanded (Intl, Mfg, Bros, F.lli), number
   words, ordinals and Roman numerals to digits (numbers must then agree exactly).

No stemming: "Star" and "Stars" stay two words, and word order is kept for the scorer.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from anyascii import anyascii

from longarm.screening import hebrew, korean, names_data
from longarm.screening.burmese import romanize as burmese_romanize

MAX_CHARS = 1000  # characters of one name looked at
MAX_TOKENS = 32  # tokens of one name kept
MAX_TOKEN = 40  # characters of one token kept

TYPES = ("person", "organization", "vessel")

# Chinese words common in company names, translated before the rest is read as pinyin.
CHINESE_WORDS = {
    "市场": " market ",
    "市": " ",  # "深圳市" Shenzhen City: the Latin name writes the city alone
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
    "商贸": " trading ",
    "工业": " industry ",
    "实业": " industry ",
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
    "航运": " shipping ",
    "海运": " shipping ",
    "物流": " logistics ",
    "进出口": " import export ",
    "分公司": " branch ",
    "实验室": " laboratory ",
    "设备": " equipment ",
    "材料": " materials ",
    "制造": " manufacturing ",
    "数字": " digital ",
    "智能": " intelligent ",
    "终端": " device ",
    "服务": " services ",
    "云": " cloud ",
    "研发": " research development ",
    "产业": " industry ",
    "香港": " hong kong ",
    "澳门": " macau ",
    "西安": " xian ",
    "银行": " bank ",
    "能源": " energy ",
    "化工": " chemical ",
    "机械": " machinery ",
    "仪器": " instrument ",
    "光电": " optoelectronics ",
    "航空": " aviation ",
    "航天": " aerospace ",
    "科学": " science ",
    "设计": " design ",
    "工程": " engineering ",
    "研究": " research ",
    "精密": " precision ",
    "光学": " optical ",
    "船舶": " shipbuilding ",
    "重工业": " heavy industry ",
    "重工": " heavy industries ",
    "电气": " electric ",
    "电力": " power ",
    "石油": " petroleum ",
    "化学": " chemical ",
    "医药": " pharmaceutical ",
    "生物": " biological ",
    "系统": " system ",
    "自动化": " automation ",
    "集成": " integrated ",
    "芯片": " chip ",
    "测试": " testing ",
    "检测": " testing ",
    "控制": " control ",
    "动力": " power ",
    "汽车": " automobile ",
    "金融": " financial ",
    "证券": " securities ",
    "传媒": " media ",
    "新材料": " new materials ",
}
# The English names listed parties use for their Chinese brands, which no reading gives
# ("寒武纪" is read han wu ji; the company writes Cambricon). Each is the name on the bundled list.
CHINESE_BRANDS = {
    "寒武纪": " cambricon ",
    "中科曙光": " sugon ",
    "曙光": " dawning ",
    "中芯国际集成电路制造": " semiconductor manufacturing international ",  # SMIC's full Chinese name
    "中芯国际": " semiconductor manufacturing international ",
    "中芯": " smic ",
    "旷视": " megvii ",
    "商汤": " sensetime ",
    "海光": " hygon ",
    "海康威视": " hikvision ",
    "大华": " dahua ",
    "大疆": " dji ",
    "科大讯飞": " iflytek ",
    "长江存储": " yangtze memory ",
    "壁仞": " biren ",
    "摩尔线程": " moore thread ",
    "云从": " cloudwalk ",
    "依图": " yitu ",
    "宇视": " uniview ",
    "海能达": " hytera ",
    "同方威视": " tongfang nuctech ",
    "威视": " nuctech ",
    "中兴": " zte ",
    "北方工业": " north industries ",
    "兵器工业": " north industries ",
    "中国移动": " china mobile ",
    "中国电信": " china telecom ",
    "中国联通": " china unicom ",
    "航空工业": " aviation industry corporation ",
    "国防科技大学": " national university defense technology ",
    "飞腾": " phytium ",
    "龙芯": " loongson ",
    "兆芯": " zhaoxin ",
    "算能": " sophgo ",
    "浪潮": " inspur ",
    "海思": " hisilicon ",
    "创新": " innovation ",
    "开发": " development ",
}
_CHINESE_RX = re.compile("|".join(sorted(map(re.escape, {**CHINESE_WORDS, **CHINESE_BRANDS}), key=len, reverse=True)))
_CHINESE_WORDS_RX = re.compile("|".join(sorted(map(re.escape, CHINESE_WORDS), key=len, reverse=True)))
_BRAND_RX = re.compile("|".join(sorted(map(re.escape, CHINESE_BRANDS), key=len, reverse=True)))
# Russian words of organisation names, as the lists transliterate them, to the English words of
# their translated aliases ("BESPILOTNYE SISTEMY" / "UNMANNED SYSTEMS", "INSTITUT OKEANOLOGII ...
# ROSSIISKOI AKADEMII NAUK" / "INSTITUTE OF OCEANOLOGY ... RUSSIAN ACADEMY OF SCIENCES"). Keyed by
# stem in a folded spelling (`_russian_key`: kh h, ts c, y i, doubled letters once) so that every
# romanisation and case ending of a word ("rossiyskoy", "rossiiskoi", "rossiskoi") finds it.
RUSSIAN_STEMS = {
    "bespilotn": "unmanned",
    "sistem": "system",
    "rosisk": "russian",
    "akademi": "academy",
    "nauk": "science",
    "nauchn": "science",
    "isledovatelsk": "research",
    "proizvodstven": "production",
    "institut": "institute",
    "okeanologi": "oceanology",
    "fizichesk": "physical",
    "problem": "problems",
    "teoretichesk": "theoretical",
    "prikladn": "applied",
    "mehanik": "mechanics",
    "sibirsk": "siberian",
    "otdeleni": "branch",
    "federaln": "federal",
    "gosudarstven": "state",
    "biudzhetn": "budgetary",
    "uchrezhdeni": "institution",
    "nacionaln": "national",
    "centr": "center",
    "morsk": "marine",
    "biologi": "biology",
    "transportn": "transport",
    "kompani": "company",
    "holdingov": "holding",
    "raket": "rocket",
    "raketn": "rocket",
    "aviacion": "aviation",
    "kosmichesk": "space",
    "elektron": "electronics",
    "elektronn": "electronics",
    "priborostroitelsk": "instrument",
    "mashinostroitelsk": "engineering",
    "stroitelsk": "construction",
    "neft": "oil",
    "neftian": "oil",
    "energetichesk": "energy",
    "himichesk": "chemical",
    "metalurgichesk": "metallurgical",
    "sudostroitelsk": "shipbuilding",
    "sudostroeni": "shipbuilding",
    "priborostroeni": "instrument",
    "mashinostroeni": "engineering",
    "obedineni": "association",
    "obiedineni": "association",
    "predpriat": "enterprise",
    "biur": "bureau",
    "optichesk": "optical",
    "radiotehnichesk": "radio engineering",
    "tehnichesk": "technical",
    "sviaz": "communication",
    "tehnologi": "technology",
    "tehnologichesk": "technology",
    "innovacion": "innovation",
    "inzhenern": "engineering",
    "torgov": "trading",
    "promishlen": "industrial",
    "grup": "group",
    "finansov": "financial",
    "investicion": "investment",
    "servis": "services",
    "vneshneekonomichesk": "foreign economic",
    "eksport": "export",
    "upravliaiushch": "management",
    "avtomatik": "automation",
    "avtomatizaci": "automation",
    "issledovani": "research",
    "razrabotk": "development",
    "materialov": "materials",
    "universitet": "university",
    "gosudarstvenii": "state",
    "dalnevostochn": "far eastern",
    "severo": "north",
    "iuzhn": "southern",
    "severn": "northern",
    "vostochn": "eastern",
    "zapadn": "western",
}
# Case, gender and number endings of Russian adjectives and nouns, longest first (folded spelling).
_RUSSIAN_ENDINGS = tuple("ogo omu imi ami aia oie oe oi ie ia ih ii om ov ei a i e u o".split())
_RUSSIAN_FOLD = [("kh", "h"), ("ts", "c"), ("tc", "c"), ("y", "i"), ("j", "i")]


@lru_cache(maxsize=50_000)
def _russian(tok: str) -> str | None:
    """A transliterated Russian organisation word in English ("sistemy" system), or None."""
    if len(tok) < 4 or not tok.isalpha():
        return None
    key = tok
    for a, b in _RUSSIAN_FOLD:
        key = key.replace(a, b)
    key = re.sub(r"(.)\1+", r"\1", key)
    if key in RUSSIAN_STEMS:
        return RUSSIAN_STEMS[key]
    for end in _RUSSIAN_ENDINGS:
        if key.endswith(end) and len(key) - len(end) >= 3 and key[: -len(end)] in RUSSIAN_STEMS:
            return RUSSIAN_STEMS[key[: -len(end)]]
    return None


JAPANESE_WORDS = {
    "重工業": " heavy industries ",
    "工業": " industries ",
    "製作所": " works ",
    "電機": " electric ",
    "電気": " electric ",
    "自動車": " motor ",
    "銀行": " bank ",
    "商事": " trading ",
    "通信": " communication ",
    "技術": " technology ",
    "電子": " electronics ",
    "研究所": " research institute ",
    "大学": " university ",
    "産業": " industry ",
    "海運": " shipping ",
    "汽船": " steamship ",
    "物産": " trading ",
    "貿易": " trading ",
}
# Words of Japanese company names that Chinese writes otherwise (Chinese 制造厂, 电机, 汽车, 贸易).
_JAPANESE_HINT = re.compile("製作所|電機|電気|自動車|商事|物産|重工業|汽船|海運|興業|産業")
_JAPANESE_RX = re.compile("|".join(sorted(map(re.escape, JAPANESE_WORDS), key=len, reverse=True)))
KOREAN_WORDS = {
    "전자": " electronics ",
    "기술": " technology ",
    "중공업": " heavy industries ",
    "산업": " industry ",
    "무역": " trading ",
    "해운": " shipping ",
    "은행": " bank ",
    "그룹": " group ",
    "대학교": " university ",
    "연구소": " research institute ",
    "회사": " company ",
    "상사": " trading ",
    "통신": " communication ",
    "반도체": " semiconductor ",
    "물산": " trading ",
    "항공": " aviation ",
}
_KOREAN_RX = re.compile("|".join(sorted(map(re.escape, KOREAN_WORDS), key=len, reverse=True)))
# Common spellings of Korean surnames (the Revised Romanisation differs: 김 gim, 이 i, 박 bak).
KOREAN_SURNAMES = dict(
    zip(
        "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진지엄채원천방공현함변염여추도석선설마길연위표명기반왕금옥육인맹제모탁국",
        (
            "kim lee park choi jung kang cho yoon jang lim han oh seo shin kwon hwang ahn song ryu jeon hong ko moon "
            "yang son bae baek heo yoo nam shim roh ha kwak sung cha joo woo koo min jin ji um chae won chun bang "
            "kong hyun ham byun yeom yeo choo do seok sun seol ma gil yeon wi pyo myung ki ban wang keum ok yook in "
            "maeng je mo tak kook"
        ).split(),
    )
)

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3007"
_KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HANGUL = "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
_HANGUL_RX = re.compile(f"[{_HANGUL}]")
_SCRIPTS = [
    ("cjk", re.compile(f"[{_HAN}{_KANA}]+")),
    ("hangul", re.compile(f"[{_HANGUL}]+")),
    (
        "abjad",
        re.compile(r"(?:[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]['’]?)+"),
    ),
    ("burmese", re.compile(r"[\u1000-\u109f\uaa60-\uaa7f]+")),
]
_KANA_RX = re.compile(f"[{_KANA}]")
_HAN_RX = re.compile(f"[{_HAN}]+")
_SHORT_HAN = re.compile(f"^\\s*[{_HAN}]{{2,5}}\\s*$")
_JAPANESE_MARK = re.compile("株式会社|有限会社|合同会社")

# Look-alike letters from Cyrillic and Greek, folded inside Latin words.
_LOOKALIKES = str.maketrans(
    "аАвВеЕкКмМнНоОрРсСтТуУхХіІјЈѕЅԁԛԝүһӏӀαΑβΒεΕζΖηΗιΙκΚμΜνΝοΟρΡτΤυΥχΧ",
    "aABBeEkKmMhHoOpPcCtTyYxXiIjJsSdqwyhlIaABBeEZZnHiIkKMMvNoOpPtTuYxX",
)
_LATIN = re.compile(r"[A-Za-z]")
_NON_LATIN_LETTER = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]")
_LOOKALIKE_ONLY = re.compile(r"^[аАвВеЕкКмМнНоОрРсСтТуУхХіІјЈѕЅԁԛԝүһӏӀαΑβΒεΕζΖηΗιΙκΚμΜνΝοΟρΡτΤυΥχΧ]+$")

_LABELS = re.compile(
    r"^\s*(?:shipper|consignee|notify(?:\s+party)?|buyer|seller|end[\s-]?user|ultimate\s+consignee|customer|"
    r"consignor|importer|exporter|beneficiary|applicant|party|attn|attention|sold\s+to|ship\s+to|bill\s+to)"
    r"\s*[:#]\s*",
    re.IGNORECASE,
)
_VESSEL_PREFIXES = {"mv", "mt", "ms", "ss", "fv", "mts", "mty", "rv", "m v", "m t", "m s", "m y", "s s", "f v"}
_VESSEL_PREFIXES |= {"motor vessel", "motor tanker", "motor ship", "steam ship", "fishing vessel", "vessel", "tanker"}
_SAFE_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "madam", "madame", "mme", "monsieur"}
_EZAFE = re.compile(r"(?<=[A-Za-z]{3})-[eE](?=\s)")
_DOTTED = re.compile(r"(?<![\w.])(?:[^\W\d_]\.){2,}(?:[^\W\d_](?![\w]))?")
_HYPHEN_INITIALS = re.compile(r"(?<![\w.])([^\W\d_])\.\s?-\s?([^\W\d_])\.")
_PERSON_WORDS = frozenset({"muhammad"})  # abbreviations a person's name holds
ABBREVIATIONS = {
    "computational": "computing",  # 计算 in a translated name
    "computation": "computing",
    "technologies": "technology",
    "tech": "technology",
    "techn": "technology",
    "technol": "technology",
    "technological": "technology",
    "electronic": "electronics",
    "semiconductors": "semiconductor",
    "intl": "international",
    "int": "international",
    "internat": "international",
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
    "mfr": "manufacturing",
    "eng": "engineering",
    "engg": "engineering",
    "ind": "industry",
    "inds": "industry",
    "industries": "industry",
    "industrial": "industry",
    "sci": "science",
    "sciences": "science",
    "scientific": "science",
    "grp": "group",
    "hldgs": "holding",
    "hldg": "holding",
    "holdings": "holding",
    "svcs": "services",
    "svc": "services",
    "service": "services",
    "systems": "system",
    "sys": "system",
    "trade": "trading",
    "natl": "national",
    "nat": "national",
    "dept": "department",
    "mach": "machinery",
    "bros": "brothers",
    "md": "muhammad",
    "mohd": "muhammad",
    "muhd": "muhammad",
    "mhd": "muhammad",
    "res": "research",
    "indl": "industrial",
    "trdg": "trading",
    "techs": "technology",
    "mfrs": "manufacturing",
    "bro": "brothers",
    "fratelli": "brothers",
    "flli": "brothers",
    "hermanos": "brothers",
    "hnos": "brothers",
    "freres": "brothers",
    "assn": "association",
    "assoc": "association",
    "mgmt": "management",
    "dev": "development",
    "devt": "development",
    "elec": "electric",
    "chem": "chemical",
    "chemicals": "chemical",
    "pharma": "pharmaceutical",
    "pharmaceuticals": "pharmaceutical",
    "shpg": "shipping",
    "navigation": "shipping",
    "logistic": "logistics",
    "co": "company",
    "comp": "company",
    "cos": "company",
    "companies": "company",
    "corp": "corporation",
    "corporate": "corporation",
    "and": "&",
    "et": "&",
    "und": "&",
}
STOP = {"the", "of", "&", "de", "la", "le", "du", "des", "der", "die", "das", "for", "an", "del", "al", "el"}
_ROMAN_RX = re.compile(r"^(?=[xvilc])(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$|^c$")
_ROMAN_VALUES = {"c": 100, "l": 50, "x": 10, "v": 5, "i": 1}


def _roman(tok: str) -> str | None:
    """A Roman numeral up to 100 (XXXVIII -> 38); "Xi", "Li", "Lv" are names and are left alone."""
    if tok in ("xi", "li", "lv") or not _ROMAN_RX.match(tok):  # also syllables and names
        return None
    total = 0
    for k, ch in enumerate(tok):
        v = _ROMAN_VALUES[ch]
        total += -v if k + 1 < len(tok) and _ROMAN_VALUES[tok[k + 1]] > v else v
    return str(total) if total else None


_ROMAN_READING = re.compile(r"^(?=[xvi])x{0,3}(ix|iv|v?i{0,3})$")


def roman_reading(tok: str) -> str | None:
    """The number a word of Roman-numeral letters may stand for, up to 39, whatever `_roman` made of
    it: "Xi" and "Li" (syllables), "V" (an initial), "XXXII" leading a name. Only read so where the
    other name writes that number in digits (`match.read_romans`)."""
    if not _ROMAN_READING.match(tok):
        return None
    total = 0
    for k, ch in enumerate(tok):
        v = _ROMAN_VALUES[ch]
        total += -v if k + 1 < len(tok) and _ROMAN_VALUES[tok[k + 1]] > v else v
    return str(total)


_MIXED = re.compile(r"^(?:[a-z]{2,}\d+|\d+[a-z]{3,})$")
_ALNUM = re.compile(r"[a-z]+|\d+")
# English words kept as written (not folded to a synonym from the many-language table), so that
# a typo in them still lands near them.
ENGLISH_WORDS = frozenset(
    (
        "trading trade plant factory bureau office works agency association industrial industry group holding "
        "services center institute university academy research development production enterprise international "
        "national engineering design system systems complex company corporation management"
    ).split()
)
# Generic business words: in a name, but naming nobody on their own.
GENERIC = ENGLISH_WORDS | set(ABBREVIATIONS.values()) | {w for v in CHINESE_WORDS.values() for w in v.split()}
GENERIC |= set(
    (
        "technology electronics semiconductor science scientific information communication network software "
        "manufacturing equipment materials digital intelligent trading logistics shipping import export "
        "investment holding group industry services system systems engineering energy power aviation "
        "aerospace supply chain new precision optical machinery instrument chemical electric electronic "
        "nauchno issledovatelsky proizvodstvennoe obyedinenie predpriyatie gosudarstvennoe federalnoe unitarnoe "
        "kombinat tsentr institut otkrytoe zakrytoe aktsionernoe obshchestvo kompaniya firma general "
        "south north east west southern northern eastern western central federal state owned unitary "
        "enterprise foreign open closed joint stock public national republican regional municipal"
    ).split()
)
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th|e|er|eme|o|a|ª|º)$")
_HAN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_HAN_NUMBER = re.compile(
    r"第([〇零一二两三四五六七八九十百0-9]+)|([〇零一二两三四五六七八九十百]+)(?=[号號所院厂廠局])"
)
# Words that name a place: an unmatched place costs less (a branch or city suffix), but two
# different places on the two sides are a conflict (the same name in another city).
PLACES = frozenset(
    (
        "beijing shanghai shenzhen guangzhou tianjin chengdu hangzhou wuhan nanjing xian changsha suzhou dongguan "
        "chongqing qingdao dalian xiamen hefei jinan shenyang harbin kunming zhengzhou fuzhou ningbo wuxi zhuhai "
        "foshan hong kong hk macau macao taiwan taipei china prc guangdong jiangsu zhejiang shandong sichuan hubei "
        "hunan fujian hebei henan anhui liaoning jilin heilongjiang shaanxi shanxi yunnan guizhou guangxi hainan "
        "xinjiang tibet gansu ningxia qinghai mongolia russia moscow petersburg iran tehran syria damascus iraq "
        "baghdad lebanon beirut uae dubai sharjah abu dhabi turkey istanbul ankara pakistan karachi lahore "
        "islamabad india delhi mumbai singapore malaysia kuala lumpur indonesia jakarta thailand bangkok vietnam "
        "hanoi korea seoul pyongyang japan tokyo osaka germany berlin hamburg munich france paris london uk usa "
        "america american chinese russian iranian european europe asia asian africa nigeria kenya egypt cairo "
        "israel armenia belarus minsk kazakhstan uzbekistan kyrgyzstan tajikistan georgia azerbaijan baku ukraine "
        "kyiv kiev crimea sevastopol netherlands rotterdam amsterdam belgium antwerp italy milan spain cyprus "
        "limassol greece piraeus canada brazil mexico panama venezuela caracas cuba havana myanmar yangon "
        "burma cambodia laos philippines manila branch office "
        "afghanistan albania algeria andorra angola argentina australia austria bahrain bangladesh belgium "
        "bolivia botswana bulgaria cameroon chile colombia congo croatia czechia denmark ecuador eritrea "
        "estonia ethiopia finland gabon ghana gibraltar guatemala honduras hungary iceland ireland italy "
        "jamaica kuwait latvia libya liechtenstein lithuania luxembourg madagascar malawi malta mauritania "
        "mauritius moldova monaco montenegro morocco mozambique namibia nepal nicaragua norway oman paraguay "
        "peru poland portugal qatar romania rwanda senegal serbia seychelles slovakia slovenia somalia sudan "
        "suriname sweden switzerland tanzania tunisia turkiye turkmenistan uganda uruguay yemen zambia "
        "zimbabwe emirates arabia saudi representative liaison"
    ).split()
)


@dataclass(frozen=True)
class Name:
    """One name of a party after normalisation."""

    original: str
    tokens: tuple[str, ...]  # content tokens, in order
    legal_forms: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    stripped: tuple[str, ...] = ()  # words removed as carrying no identity (titles, labels, prefixes, symbols)
    script: str = (
        "latin"  # the script it was written in: latin, cjk, hangul ("hangul words" glued), abjad, burmese, other
    )
    jurisdictions: frozenset[str] = frozenset()  # of its legal forms, where a form belongs to one
    generics: frozenset[str] = frozenset()  # families of its legal forms (LLC, JSC, ...)
    acronym: str = ""  # initials of the words as written, with and without legal forms ("|" between)
    written: tuple[str, ...] = ()  # each token as written, before abbreviations and translations

    @property
    def joined(self) -> str:
        return "".join(self.tokens)

    @property
    def key(self) -> str:
        return " ".join(self.tokens)


def clean(text: str) -> tuple[str, list[str]]:
    """Bounded, control characters and symbols removed, NFKC, look-alike letters folded; with what was removed."""
    removed: list[str] = []
    if len(text) > MAX_CHARS:
        removed.append(f"only the first {MAX_CHARS:,} characters of {len(text):,} were read")
        text = text[:MAX_CHARS]
    if not (text.isascii() and text.isprintable()):
        out = []
        for ch in text:
            cat = unicodedata.category(ch)
            if ch in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85" or cat == "Zl" or cat == "Zp":
                out.append(" ")
            elif cat == "Cc":
                continue  # a control character inside a word ("B\x07IZNES") is not a space
            elif cat in ("Cf", "Co", "Cs", "Cn") or "\ufe00" <= ch <= "\ufe0f":
                continue
            elif cat in ("So", "Sk") and not ("\u2460" <= ch <= "\u24ff" or "\u3200" <= ch <= "\u32ff"):
                removed.append(ch)
                out.append(" ")
            else:
                out.append(ch)
        text = unicodedata.normalize("NFKC", "".join(out))
        if _NON_LATIN_LETTER.search(text):
            text = _fold_lookalikes(text, removed)
    return text, removed


def _fold_lookalikes(text: str, notes: list[str]) -> str:
    words = text.split(" ")
    latin_words = sum(1 for w in words if _LATIN.search(w))
    out = []
    for w in words:
        mixed = _LATIN.search(w) and _NON_LATIN_LETTER.search(w)
        lone = latin_words and not _LATIN.search(w) and _LOOKALIKE_ONLY.match(w) and latin_words >= len(words) / 2
        if mixed or lone:
            folded = w.translate(_LOOKALIKES)
            if folded != w:
                notes.append(f"look-alike letters in {w!r} read as {folded!r}")
            w = folded
        out.append(w)
    return " ".join(out)


_PAREN = re.compile(r"[(\[{（【]([^()\[\]{}（）【】]*)[)\]}）】]")


@cache
def _split_rx() -> re.Pattern[str]:
    alts = []
    for p in names_data.split_phrases():
        rx = re.escape(p).replace(r"\.", r"\.?").replace(r"\ ", r"\s+")
        alts.append(rx)
    return re.compile(r"(?<![^\W_])[\s\-:]*(?:" + "|".join(alts) + r")(?![^\W_])[\s\-:.,]*", re.IGNORECASE)


_LEAD_MARK = re.compile(
    r"^\s*(?:ex|also|formerly|former|previously|aka|a\.k\.a\.?|f\.k\.a\.?|f/k/a|now|including|incl\.?)\b[\s\-:.,]*",
    re.I,
)


def split_aliases(text: str) -> list[str]:
    """The names written in one string: each part around "a.k.a." / "f/k/a" / "formerly" / ";"; of
    each part, the name without its parentheses, a parenthesised name at its end ("Huawei
    Technologies Co., Ltd. (HiSilicon)", "ARBEL EXPRESS (ex-SARONIC EXPRESS)") and the part with
    the parentheses read inline. A parenthesis inside a name ("CASC (...) 1st Academy") qualifies
    the words before it and is read inline only."""
    out: list[str] = []

    def add(s: str) -> None:
        s = " ".join(s.split()).strip(" ,;:-")
        if s and s not in out:
            out.append(s)

    rx = _split_rx()
    outside_parts = [p for p in rx.split(_PAREN.sub(lambda m: " " * len(m.group(0)), text)) if p.strip(" ,;:-")]
    if len(outside_parts) > 1 and ";" not in text and not _PAREN.search(text):
        for p in outside_parts:
            add(p)
        return out
    for part in re.split(r";", text):
        pieces = [p for p in rx.split(part) if p.strip(" ,;:-")] if not _PAREN.search(part) else [part]
        for piece in pieces:
            groups = list(_PAREN.finditer(piece))
            if not groups:
                add(piece)
                continue
            if not any(_qualifier(g.group(1)) for g in groups):
                add(_PAREN.sub(" ", piece))
            last = groups[-1]
            tail = piece[last.end() :].strip(" .,;:-")
            if (not tail or _only_form(tail)) and not _qualifier(last.group(1)):
                inner = _LEAD_MARK.sub("", last.group(1))
                for p in rx.split(inner):
                    add(p)
            add(_PAREN.sub(lambda m: " " + _LEAD_MARK.sub("", m.group(1)) + " ", piece))
    return out


def _qualifier(text: str) -> bool:
    """A parenthesis that qualifies the name rather than naming it: a number or a place
    ("CETC 13", "(Shanghai)")."""
    if _LEAD_MARK.match(text):
        return False  # "(formerly ...)", "(ex-...)": another name
    words = names_data.fold_ascii(text).split()
    if len(words) > 3:
        return False
    return any(w.isdigit() for w in words) or bool(words) and all(w in PLACES for w in words)


def _only_form(text: str) -> bool:
    words = names_data.fold_ascii(text)
    return bool(words) and words in names_data.legal_forms()


@lru_cache(maxsize=200_000)
def names(text: str, type: str | None = None) -> tuple[Name, ...]:
    """Every name in `text` (aliases split), each normalised; names without content tokens left out."""
    text, removed = clean(text)
    if _HANGUL_RX.search(text):
        text = korean.prepare(text)
    found: list[Name] = []
    for part in split_aliases(text):
        n = _normalize(part, type, tuple(removed))
        if n.tokens and not any(n.tokens == f.tokens and n.numbers == f.numbers for f in found):
            found.append(n)
        if n.script == "abjad" and hebrew.has_hebrew(part):
            # a Hebrew letter read two ways (a vav vowel or v, het h or kh): each reading is a name
            for alt in hebrew.readings(part)[1:]:
                m = _normalize(alt, type, tuple(removed), script_as="abjad")
                if m.tokens and not any(m.tokens == f.tokens and m.numbers == f.numbers for f in found):
                    found.append(dataclasses.replace(m, original=n.original))
    short = type != "organization" and _SHORT_HAN.match(text) and not found[0].legal_forms if found else False
    if short or (found and found[0].script == "cjk" and _JAPANESE_HINT.search(text) and not _KANA_RX.search(text)):
        # a short name in kanji alone may be Japanese ("黒澤明"), as may a longer one holding a word
        # of Japanese company names ("三菱重工業", "日立製作所"): its Japanese reading is a name too
        jp = _normalize(text, type, tuple(removed), japanese=True)
        if len(jp.tokens) >= 2 and jp.tokens != found[0].tokens:
            found.append(jp)
    if found and found[0].script == "cjk" and (_BRAND_RX.search(text) or _KANA_RX.search(text)):
        # a brand's Chinese name is also written in pinyin ("海光" Hygon, "Chengdu Haiguang ..."); a
        # foreign word in katakana is also read as that word ("エレクトロン" electron)
        plain = _normalize(split_aliases(text)[0], type, tuple(removed), plain=True)
        if plain.tokens and all(plain.tokens != f.tokens for f in found):
            found.append(plain)
    if found and found[0].script == "hangul":
        first = split_aliases(text)[0]
        reading = korean.name_readings(first.strip()) if type != "organization" else None
        for spelling in reading or ():
            # a Korean name ("김정은"): also in the spellings names use (Kim Jung-eun; Lee, Yi, Rhee)
            m = _normalize(" ".join(spelling), type, tuple(removed), script_as="hangul")
            if m.tokens and all(m.tokens != f.tokens for f in found):
                found.append(dataclasses.replace(m, original=found[0].original))
        if reading is None or type != "person" or not korean.looks_like_name(first.strip()):
            # a Hangul word is one name word however many syllables: read it also glued ("미셸" misyel;
            # not a person's Korean name, whose syllables are written apart or hyphenated)
            glued = _normalize(first, type, tuple(removed), glue=True)
            if glued.tokens:  # its words compare by consonants, as a foreign name written in Hangul
                found.append(dataclasses.replace(glued, script="hangul words"))
    named = [n for n in found if _identifies(n)]  # "(Beijing)" or "(Holding)" alone names nobody
    return tuple(found if len(found) < 2 else named or found[-1:])


def _fields(n: Name) -> tuple:  # type: ignore[type-arg]
    return (n.tokens, n.legal_forms, n.numbers, n.stripped, n.script, n.jurisdictions, n.generics, n.acronym, n.written)


def _identifies(n: Name) -> bool:
    """Whether a part names someone: "(Beijing)" or "(Holding)" alone does not; a name of three
    generic words or more ("National University of Defense Technology") does."""
    return len(n.tokens) > 2 or any(t not in PLACES and t not in GENERIC and not t.isdigit() for t in n.tokens)


@lru_cache(maxsize=200_000)
def normalize(text: str, type: str | None = None) -> Name:
    """The normalised form of one party name (no alias splitting: see `names`)."""
    cleaned, removed = clean(text)
    n = _normalize(cleaned, type, tuple(removed))
    return Name(text, *_fields(n))


def _normalize(
    text: str,
    type: str | None,
    removed: tuple[str, ...],
    japanese: bool = False,
    glue: bool = False,
    plain: bool = False,
    script_as: str = "",
) -> Name:
    original = text
    stripped: list[str] = [f"symbol {c!r}" if len(c) == 1 else c for c in removed]
    m = _LABELS.match(text)
    if m:
        stripped.append(f"label {m.group(0).strip()!r}")
        text = text[m.end() :]
    reordered = _person_order(text, type)
    if reordered != text:
        stripped.append(REORDERED)
        text = reordered
    forms: dict[str, names_data.Form] = {}
    script = "latin"
    if not text.isascii():
        text, script = _transliterate(text, forms, japanese, glue, plain)
    script = script_as or script
    text = _HYPHEN_INITIALS.sub(lambda m: f" {m.group(1)} {m.group(2)} ", text)
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)
    text = re.sub(r"\bf\.\s?lli\b", "fratelli", text, flags=re.I)
    text = _EZAFE.sub("", text)  # Persian "Bank-e Melli": the -e joins, it names nothing
    text = text.casefold().replace("&", " & ").replace("'", "").replace("’", "")
    text = re.sub(r"[^\w&]+|_", " ", text)
    raw = text.split()[: MAX_TOKENS * 2]
    raw = [p[:MAX_TOKEN] for t in raw for p in (_ALNUM.findall(t) if _MIXED.match(t) else (t,))]
    if type != "person" and any(len(t) >= 8 and _GLUED_FORM.match(t) for t in raw):
        raw = [p for t in raw for p in _unglue(t)]
    if script != "abjad":  # a consonant spelling is no title: عمر Omar reads "mr"
        raw = _strip_prefixes(raw, type, stripped)
    written = [w for w in raw if w not in STOP and not w.isdigit() and w not in ("and", "und", "et")]
    if type != "person":
        raw = [_legal_word(t) if k < 4 or k >= len(raw) - 4 else t for k, t in enumerate(raw)]
        raw = _strip_forms(raw, forms, stripped)
    tokens: list[str] = []
    spelt: list[str] = []
    numbers: set[str] = set()
    generic = names_data.org_words()
    words = names_data.number_words()
    syllabic = script in ("cjk", "hangul", "burmese")
    for i, tok in enumerate(raw):
        roman = script == "hangul" and tok != "i" and bool(_ROMAN_RX.match(tok))  # a regnal number (2세 ii)
        if syllabic and len(tok) <= 3 and tok.isalpha() and not roman:  # a syllable ("de", "la", "e"), not a word
            tokens.append(tok)
            spelt.append(tok)
            continue
        as_written = tok
        if type != "person" and tok not in ENGLISH_WORDS:
            tok = _russian(tok) or tok
        full = ABBREVIATIONS.get(tok, tok)
        if type != "person" or full in _PERSON_WORDS:  # a person's "Mach" is no machinery; "Md." is Muhammad
            tok = full
        if tok not in ENGLISH_WORDS and type != "person":
            tok = generic.get(tok, tok)
        if tok in STOP:
            continue
        if tok in ("no", "nr", "number") and i + 1 < len(raw) and (raw[i + 1].isdigit() or raw[i + 1] in words):
            continue
        if tok == "number" and raw[i + 1 : i + 2] in (["no"], ["nr"]):  # "Enterprise Number No. 1"
            continue
        if tok in ("no", "nr", "number") and type != "person" and i + 1 < len(raw) and roman_reading(raw[i + 1]):
            continue  # "No. IV"
        num = _number(tok, i, raw, type, words, script)
        if num is not None:
            tok = num
        if any(ch.isdigit() for ch in tok):
            numbers.update(re.findall(r"\d+", tok))
        tokens.append(tok)
        spelt.append(tok if num is not None else as_written)
    if type != "person" and ("named" in tokens or "im" in tokens[:-1]):
        tokens, spelt = _named_after(tokens, spelt, stripped)
    # a word repeated ("Huawei Technologies Co., Ltd. Huawei") is said once; short ones (initials,
    # "Hia Soo Gan Benson Hia") may be parts of the name in their own right
    seen: set[str] = set()
    keep = [len(t) < 4 or type == "person" or not (t in seen or seen.add(t)) for t in tokens]  # type: ignore[func-returns-value]
    tokens = [t for t, k in zip(tokens, keep) if k][:MAX_TOKENS]
    spelt = [w for w, k in zip(spelt, keep) if k][:MAX_TOKENS]
    acronyms = {"".join(w[0] for w in written), "".join(w[0] for w in written[:-1])}
    acronyms.add("".join(w[0] for w in raw if w not in STOP and not w.isdigit() and w not in ("and", "und", "et")))
    return Name(
        original,
        tuple(tokens),
        frozenset(f.key for f in forms.values()),
        frozenset(numbers),
        tuple(stripped),
        script,
        frozenset(f.jurisdiction for f in forms.values() if f.jurisdiction),
        frozenset(f.generic for f in forms.values()),
        "|".join(sorted(a for a in acronyms if len(a) >= 3)) if len(written) >= 3 else "",
        tuple(spelt),
    )


_LEGAL_WORDS = (
    "company",
    "limited",
    "liability",
    "corporation",
    "incorporated",
    "obshchestvo",
    "otvetstvennostyu",
    "ogranichennoi",
    "ogranichennoy",
    "aktsionernoe",
)


@lru_cache(maxsize=50_000)
def _legal_word(tok: str) -> str:
    """A misspelt legal-form word near either end of a name, corrected ("COMANY", "LIIMTED"), so
    that the legal form around it is recognised."""
    if len(tok) < 6 or tok in _NOT_FUZZY or not tok.isalpha() or tok in names_data.legal_form_firsts():
        return tok
    from rapidfuzz.distance import OSA

    for word in _LEGAL_WORDS:
        if tok[0] == word[0] and tok != word and abs(len(tok) - len(word)) <= 2:
            if OSA.distance(tok, word, score_cutoff=2) <= (1 if len(word) <= 7 else 2):
                return word
    return tok


def _named_after(tokens: list[str], spelt: list[str], stripped: list[str]) -> tuple[list[str], list[str]]:
    """ "Named after" ("imeni", "im.") carries no identity, and the person named after it is written
    in the Russian genitive ("Institut ... im. P.P. Shirshova", "Zavod imeni Gubkina"): read in the
    nominative, as the translated alias writes it ("P.P. Shirshov Institute")."""
    out_t: list[str] = []
    out_s: list[str] = []
    k = 0
    while k < len(tokens):
        if tokens[k] != "named" and (tokens[k] != "im" or k + 1 == len(tokens)):
            out_t.append(tokens[k])
            out_s.append(spelt[k])
            k += 1
            continue
        stripped.append(f"{spelt[k]!r} (named after)")
        k += 1
        if k < len(tokens) and tokens[k] in ("after", "for"):
            k += 1
        words = 0
        while k < len(tokens) and words < 3 and (len(tokens[k]) <= 2 or tokens[k] not in GENERIC):
            tok = tokens[k]
            if len(tok) > 2 and tok.isalpha():
                tok = _nominative(tok)
                words += 1
            out_t.append(tok)
            out_s.append(tok if tok != tokens[k] else spelt[k])
            k += 1
    return out_t, out_s


_GENITIVE = [
    (re.compile(r"(?<=[sc]k)ogo$"), "y"),  # Zhirmunskogo -> Zhirmunsky
    (re.compile(r"(?<=[bcdfghjklmnpqrstvwxz])a$"), ""),  # Shirshova, Gubkina, Khristianovicha
    (re.compile(r"(?<=ts|tz)y$"), "a"),  # Kapitsy -> Kapitsa
]


def _nominative(tok: str) -> str:
    """A Russian surname in the genitive, in the nominative ("Shirshova" -> "shirshov")."""
    if len(tok) < 5:
        return tok
    for rx, repl in _GENITIVE:
        new = rx.sub(repl, tok)
        if new != tok:
            return new
    return tok


# Legal-form words glued to the next or previous word by a dropped space ("PJSCSASCO",
# "LIMITEDLIABILITY COMPANY", "ROSHAN TRADINGCOMPANY"): long forms, after a word of six letters or more.
_FORM_WORDS = "pjsc|ojsc|cjsc|company|limited|liability|corporation|gmbh|llc|ltd"
_GLUED_FORM = re.compile(f"^(?:(?:{_FORM_WORDS})[a-z]{{3,}}|[a-z]{{3,}}(?:{_FORM_WORDS}))$")
_GLUED_HEAD = re.compile(f"^({_FORM_WORDS.replace('|llc|ltd', '')})([a-z]{{3,}})$")
_GLUED_TAIL = re.compile(f"^([a-z]{{6,}}?)({_FORM_WORDS})$")  # not "Aircompany", "Intercompany"


def _unglue(tok: str) -> list[str]:
    """A token split where a legal-form word was glued to it, else the token."""
    if len(tok) < 8:
        return [tok]
    m = _GLUED_HEAD.match(tok) or _GLUED_TAIL.match(tok)
    if m is None:
        return [tok]
    return [p for part in m.groups() for p in _unglue(part)]


REORDERED = "'SURNAME, Given' read as 'Given SURNAME'"


def _person_order(text: str, type: str | None) -> str:
    """ "SURNAME, Given Names" (the lists' way of writing a person) read as "Given Names SURNAME"."""
    if type not in ("person", None) or text.count(",") != 1:
        return text
    left, right = (p.strip() for p in text.split(","))
    if not left or not right or len(left.split()) > 4 or len(right.split()) > 5 or any(c.isdigit() for c in text):
        return text
    if type == "person" or (left.isupper() and not right.isupper()) or (len(left.split()) == 1 and _name_like(right)):
        return f"{right} {left}"
    return text


def _name_like(text: str) -> bool:
    """Given names after "SURNAME,": one to three words, none of them a legal form or a place."""
    words = names_data.fold_ascii(text).split()
    if not 1 <= len(words) <= 3 or text.isupper():
        return False
    table = names_data.legal_forms()
    return not any(w in table or w in PLACES or w in GENERIC for w in words)


def _number(tok: str, i: int, raw: list[str], type: str | None, words: dict[str, str], script: str) -> str | None:
    if tok.isdigit():
        return str(int(tok)) if len(tok) < 12 else tok
    if tok in words and (type != "person" or i == len(raw) - 1 or tok.endswith(("st", "nd", "rd", "th"))):
        # in a person's name an ordinal, or a generation at the end ("Santos Three"): "ten" inside
        # is a particle ("Ineke ten Cate")
        return words[tok]
    m = _ORDINAL.match(tok)
    if m:
        return str(int(m.group(1)))
    if (
        i > 0
        and script in ("latin", "abjad", "hangul")
        and (
            tok in ("ii", "iii", "iv")  # a generation (John Smith III), for persons too
            or (type != "person" and (len(tok) > 1 or (i == len(raw) - 1 and tok in "ivx")))
        )
    ):
        value = _roman(tok)
        if value:
            return value
    return None


def _strip_prefixes(raw: list[str], type: str | None, stripped: list[str]) -> list[str]:
    """Vessel prefixes and person titles at the start carry no identity."""
    titles = names_data.person_titles()
    changed = True
    while changed and len(raw) > 1:
        changed = False
        if type != "person":
            for n in (2, 1):
                head = " ".join(raw[:n])
                if len(raw) > n and head in _VESSEL_PREFIXES:
                    stripped.append(f"vessel prefix {head!r}")
                    raw, changed = raw[n:], True
                    break
        if changed:
            continue
        for n in (4, 3, 2, 1):
            head = " ".join(raw[:n])
            if len(raw) > n and head in titles and (type == "person" or head in _SAFE_TITLES):
                stripped.append(f"title {head!r}")
                raw, changed = raw[n:], True
                break
    return raw


def _strip_forms(raw: list[str], forms: dict[str, names_data.Form], stripped: list[str]) -> list[str]:
    """Legal forms out of the token list: short ones ("AG", "SA") only at either end, longer ones
    ("Co Ltd", "Sendirian Berhad", "GmbH") anywhere; misspelt long forms ("LIMTIED") at the end."""
    table = names_data.legal_forms()
    firsts = names_data.legal_form_firsts()
    raw = _strip_misspelt_edge_form(raw, forms, stripped)
    out: list[str] = []
    i = 0
    n = len(raw)
    while i < n:
        if raw[i] not in firsts:
            out.append(raw[i])
            i += 1
            continue
        for k in range(min(_LONGEST_FORM, n - i), 0, -1):  # the longest form first
            alias = " ".join(raw[i : i + k])
            form = table.get(alias)
            if form is None:
                continue
            rest = raw[i + k :]
            at_end = all(t in table for t in rest)
            at_start = i == 0 and bool(rest) and alias in _START_FORMS
            if k > 1 or len(alias) > 3 or alias in _ANYWHERE_FORMS or at_end or at_start:
                forms[form.key] = form
                stripped.append(f"legal form {alias!r}")
                i += k
                break
        else:
            out.append(raw[i])
            i += 1
    out = _strip_misspelt_long_form(out, forms, stripped)
    while len(out) > 1 and len(out[-1]) >= 6 and out[-1].isalpha():
        fuzzy = _fuzzy_form(out[-1])
        if fuzzy is None:
            break
        if fuzzy.key != "-":
            forms[fuzzy.key] = fuzzy
        stripped.append(f"legal form {out[-1]!r} (misspelt)")
        out.pop()
    return out


_LONGEST_FORM = 10  # words ("societe par actions par loi sur les societes par actions")
_START_FORMS = {"pt", "ooo", "zao", "oao", "pao", "ao", "tov", "ojsc", "cjsc", "pjsc", "jsc", "cv", "pp", "kk"}
_ANYWHERE_FORMS = {"ltd", "llc", "inc", "plc", "jsc", "bhd", "sdn", "fze", "fzco", "ojsc", "cjsc", "pjsc"}
_FUZZY_FORMS = {"limited": "ltd", "company": "company", "corporation": "corp", "incorporated": "inc", "liability": "-"}
_NOT_FUZZY = {"cooperation", "corporate", "compass", "complex", "compact", "limiter", "liberty", "comply", "compuware"}


@lru_cache(maxsize=1)
def _long_forms_by_initials() -> dict[str, list[tuple[str, names_data.Form]]]:
    """Legal forms of several words and 12 letters or more, by the initials of their words."""
    out: dict[str, list[tuple[str, names_data.Form]]] = {}
    for alias, form in names_data.legal_forms().items():
        if " " in alias and len(alias) >= 12:
            out.setdefault("".join(w[0] for w in alias.split()), []).append((alias, form))
    return out


def _strip_misspelt_long_form(out: list[str], forms: dict[str, names_data.Form], stripped: list[str]) -> list[str]:
    """A long legal form of several words at the end of a name, misspelt ("SPLOKA Z OGRANICZONA
    ODPOOWIEDZIALNOSCIA"): the same initials, and at most one edit per ten letters."""
    from rapidfuzz.distance import OSA

    table = _long_forms_by_initials()
    for k in range(min(_LONGEST_FORM, len(out) - 1), 1, -1):
        tail = out[-k:]
        candidates = table.get("".join(w[0] for w in tail))
        if not candidates:
            continue
        text = " ".join(tail)
        for alias, form in candidates:
            budget = len(alias) // 10
            if abs(len(alias) - len(text)) <= budget and OSA.distance(text, alias, score_cutoff=budget) <= budget:
                forms[form.key] = form
                stripped.append(f"legal form {text!r} (misspelt)")
                return out[:-k]
    return out


@lru_cache(maxsize=1)
def _long_forms_by_ends() -> tuple[dict[str, list[tuple[str, names_data.Form]]], int]:
    """Legal forms of several words and 12 letters or more, spaces left out, by their first three
    letters and by their last three (one typo leaves one end or the other as written); and the
    longest such form."""
    out: dict[str, list[tuple[str, names_data.Form]]] = {}
    longest = 0
    for alias, form in names_data.legal_forms().items():
        if " " in alias and len(alias) >= 12:
            joined = alias.replace(" ", "")
            longest = max(longest, len(joined))
            for key in ("<" + joined[:3], joined[-3:] + ">"):
                out.setdefault(key, []).append((joined, form))
    return out, longest


def _strip_misspelt_edge_form(raw: list[str], forms: dict[str, names_data.Form], stripped: list[str]) -> list[str]:
    """A long legal form misspelt at the start or the end of a name, spaces aside ("OIMITE D LIABILITY
    COMPANY X", "X PRIVATELIMITDE", "Otkrtoe Akts onernoe Obshchestvo X"): at most one edit per ten
    letters. A form written right is left to the exact pass (nor is anything taken beside it)."""
    from rapidfuzz.distance import OSA

    if len(raw) < 2:
        return raw
    table, longest = _long_forms_by_ends()
    for at_start in (True, False):
        best: tuple[int, int, names_data.Form] | None = None
        text = ""
        fixed: list[tuple[str, names_data.Form]] | None = None
        for k in range(1, min(_LONGEST_FORM, len(raw) - 1) + 1):
            text = text + raw[k - 1] if at_start else raw[-k] + text
            if len(text) > longest + 6:
                break
            if len(text) < 11:
                continue
            if fixed is None:  # the end that stays put as the window grows
                fixed = table.get("<" + text[:3] if at_start else text[-3:] + ">", [])
            moving = table.get(text[-3:] + ">" if at_start else "<" + text[:3], [])
            for joined, form in (*fixed, *moving):
                budget = len(joined) // 10
                if abs(len(joined) - len(text)) > budget:
                    continue
                d = OSA.distance(text, joined, score_cutoff=budget)
                if d == 0:
                    return raw  # written right: the exact pass strips it
                if d <= budget and (best is None or d < best[0]):
                    best = (d, k, form)
        if best is not None:
            _, k, form = best
            forms[form.key] = form
            stripped.append(f"legal form {' '.join(raw[:k] if at_start else raw[-k:])!r} (misspelt)")
            raw = raw[k:] if at_start else raw[:-k]
            if len(raw) < 2:
                break
    return raw


def _fuzzy_form(tok: str) -> names_data.Form | None:
    """A misspelt legal-form word at the end of a name ("LIMTIED", "COMLANY")."""
    from rapidfuzz.distance import OSA

    if tok in _NOT_FUZZY:
        return None
    for word, key in _FUZZY_FORMS.items():
        if abs(len(tok) - len(word)) <= 2 and OSA.distance(tok, word, score_cutoff=2) <= 2:
            if key == "-":
                return names_data.Form("-", "", "")
            return names_data.legal_forms().get(key)
    return None


def _transliterate(
    text: str, forms: dict[str, names_data.Form], japanese: bool = False, glue: bool = False, plain: bool = False
) -> tuple[str, str]:
    """Non-Latin scripts to Latin, script by script; the main non-Latin script found."""
    low = text.casefold()
    for alias, form in names_data.native_forms():
        if alias in low:
            if alias.isascii() or re.search(f"[{_HAN}{_HANGUL}]", alias) or "(" in alias:
                low = low.replace(alias, " ")
            else:
                low2 = re.sub(rf"(?<!\w){re.escape(alias)}(?!\w)", " ", low)
                if low2 == low:
                    continue
                low = low2
            forms[form.key] = form
    text = low
    script = "other"
    if japanese or _KANA_RX.search(text) or _JAPANESE_MARK.search(text) or {"kk", "yk", "gk"} & forms.keys():
        if _HAN_RX.search(text) or _KANA_RX.search(text):
            return _japanese(text, plain), "cjk"
    for name, rx in _SCRIPTS:
        if rx.search(text):
            script = name
            if name == "cjk":
                text = _chinese(text, plain)
            elif name == "hangul":
                text = rx.sub(lambda m: " " + _hangul(m.group(0), surname=not glue) + " ", text)
            elif name == "abjad":
                if hebrew.has_hebrew(text):
                    text = hebrew.prepare(text)
                text = rx.sub(lambda m: " " + _abjad(m.group(0)) + " ", text)
            elif name == "burmese":
                text = rx.sub(lambda m: " " + burmese_romanize(m.group(0)) + " ", text)
    text = text.replace(SYLLABLE, "" if glue else " ")
    if not text.isascii():
        text = anyascii(text)
    return text, script


@cache
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def _han_number(s: str) -> str:
    if s.isdigit():
        return s
    total, cur = 0, 0
    for ch in s:
        if ch in "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            cur = cur * 10 + _HAN_DIGITS[ch] if ch in _HAN_DIGITS else cur
    return str(total + cur)


def _chinese(text: str, plain: bool = False) -> str:
    """Chinese: business words in English, numbers as digits, every other character a pinyin syllable."""
    from pypinyin import lazy_pinyin

    text = _t2s().convert(text)
    text = _HAN_NUMBER.sub(lambda m: f" {_han_number(m.group(1) or m.group(2))} ", text)
    if plain:  # brands read in pinyin, as some of their Latin names write them
        text = _CHINESE_WORDS_RX.sub(lambda m: CHINESE_WORDS[m.group(0)], text)
    else:
        text = _CHINESE_RX.sub(lambda m: CHINESE_BRANDS.get(m.group(0)) or CHINESE_WORDS[m.group(0)], text)
    return _HAN_RX.sub(lambda m: " " + " ".join(lazy_pinyin(m.group(0))) + " ", text)


@cache
def _cutlet(foreign: bool = False):  # type: ignore[no-untyped-def]
    import cutlet

    k = cutlet.Cutlet()
    k.use_foreign_spelling = foreign
    return k


_KATAKANA_RUN = re.compile("^[\u30a1-\u30ffー]+$")
# A foreign word in katakana closes every consonant with a vowel ("Advantest" アドバンテスト
# a-do-ba-n-te-su-to): read as a loanword, the vowel after a consonant before another consonant
# or at the end goes.
_KANA_EPENTHESIS = re.compile(r"(?<=[bdfgkprstz])[uo](?=[bcdfghjklmnpqrstvwxz]|$)")


_LONG_VOWELS = [("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ii", "i"), ("ee", "e")]


def _japanese(text: str, foreign: bool = False) -> str:
    """Japanese: company words in English, the rest read in Hepburn (long vowels written short);
    `foreign`: katakana read as the foreign word it writes (its spelling where the dictionary
    knows it, "エレクトロン" electron, else without the added vowels, "adbantest")."""
    text = _JAPANESE_RX.sub(lambda m: JAPANESE_WORDS[m.group(0)], text)

    def read(m: re.Match[str]) -> str:
        run = m.group(0)
        out = _cutlet().romaji(run, capitalize=False).casefold()
        if foreign and _KATAKANA_RUN.match(run):
            spelt = _cutlet(True).romaji(run, capitalize=False).casefold()
            if spelt != out and " " not in spelt.strip():  # a katakana run is one word: Micron, not "my clone"
                return " " + spelt + " "
            out = re.sub(r"([b-df-hj-np-tv-z])\1", r"\1", _KANA_EPENTHESIS.sub("", out.replace(" ", "")))
        for a, b in _LONG_VOWELS:
            out = out.replace(a, b)
        return " " + out + " "

    if foreign:
        text = re.sub("[\u30a1-\u30ffー]+", read, text)
    return re.sub(f"[{_HAN}{_KANA}ー]+", read, text)


def _hangul(run: str, surname: bool = True) -> str:
    """Hangul: business words in English, then one token per syllable; a person's surname in its
    common spelling."""
    parts = _KOREAN_RX.split(run)
    words = _KOREAN_RX.findall(run)
    out = []
    for i, part in enumerate(parts):
        syl = [anyascii(ch).casefold() for ch in part]
        if not surname and syl:
            syl = _loanword(syl)
        if surname and syl and i == 0 and not words and 2 <= len(part) <= 4 and part[0] in KOREAN_SURNAMES:
            syl[0] = KOREAN_SURNAMES[part[0]]
        if syl:
            out.append(SYLLABLE.join(syl))
        if i < len(words):
            out.append(KOREAN_WORDS[words[i]].strip())
    return " ".join(out)


# A foreign name written in Hangul adds a vowel "eu" after a consonant the Hangul syllable cannot
# close ("Scott" 스콧 seu-kos, "Albert" 알베르트 al-be-leu-teu) or before an l ("Clinton" 클린턴
# keul-lin), closes a syllable with ㅅ for a final t ("Matt" 맷 maes), writes the English short a
# as ㅐ ae ("Adam" 애덤) and a final -er, -or, -ar as 어 eo ("Miller" 밀러 milleo, the r not
# sounded): read as a loanword, the consonants and vowels line up with the Latin spelling.
_EPENTHETIC = re.compile(r"^([^aeiouyw]+)eu$")
_CLUSTER_L = re.compile(r"^([^aeiouyw]+)eul$")


def _loanword(syl: list[str]) -> list[str]:
    if len(syl) < 2:  # one syllable alone may be a Korean name part (배 Bae)
        return [s[:-1] + "t" if len(s) > 2 and s.endswith("s") and s[-2] in "aeiou" else s for s in syl]
    out = [
        _CLUSTER_L.sub(r"\1", s) if k + 1 < len(syl) and syl[k + 1].startswith("l") else s for k, s in enumerate(syl)
    ]
    out = [_EPENTHETIC.sub(r"\1", s).replace("ae", "a") for s in out]
    out = [s[:-1] + "t" if len(s) > 2 and s.endswith("s") and s[-2] in "aeiou" else s for s in out]
    if out[-1].endswith("eo"):
        out[-1] = out[-1][:-1] + "r"
    return out


SYLLABLE = "\u01c0"  # joins the syllables of one Hangul word until the reading decides


# Hebrew and Arabic letters to one Latin letter each, so that a consonant spelling holds no
# digraph: "כהן" is k-h-n (Cohen), not kh-n.
_HEBREW = str.maketrans(
    {
        "ב": "b",
        "ו": "w",
        "כ": "k",
        "ך": "k",
        "פ": "p",
        "ף": "f",
        "ש": "s",
        "ח": "h",
        "צ": "s",
        "ץ": "s",
        "ת": "t",
        "ט": "t",
    }
)
_ARABIC = str.maketrans(
    {
        "خ": "x",
        "ش": "s",
        "ث": "s",
        "غ": "g",
        "ذ": "z",
        "ح": "h",
        "ع": "",
        "ق": "q",
        "ج": "j",
        "ظ": "z",
        "ص": "s",
        "ض": "d",
        "ط": "t",
        "ك": "k",
    }
)


_GERESH = re.compile("([גזצתח])['׳’]")


def _abjad(run: str) -> str:
    """Hebrew and Arabic letters to Latin consonants (the vowels are not written)."""
    if hebrew.has_hebrew(run):
        return hebrew.romanize(run)
    run = run.replace("וו", "v")  # a doubled vav is the consonant v
    run = re.sub(r"(?<=[\u05d0-\u05ea])יי(?=[\u05d0-\u05ea])", "ei", run)  # a doubled yod inside: ei ("Major")
    run = re.sub(r"(?<![\u05d0-\u05ea])א([וי])", lambda m: "o" if m.group(1) == "ו" else "i", run)  # initial vowels
    run = _GERESH.sub(lambda m: {"ג": "j", "ז": "j", "צ": "c", "ת": "t", "ח": "x"}.get(m.group(1), m.group(1)), run)
    return anyascii(run.translate(_HEBREW).translate(_ARABIC)).casefold().replace("'", "").replace("`", "")
