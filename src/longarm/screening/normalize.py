"""Name normalisation for screening: the same company spelt differently gives the same key."""
from __future__ import annotations

import re
import unicodedata

# Legal forms made equivalent (longest first so "co ltd" wins over "co").
LEGAL_FORMS = {
    "company limited": "ltd", "co ltd": "ltd", "co limited": "ltd", "limited": "ltd", "ltd": "ltd",
    "有限公司": "ltd", "有限责任公司": "ltd", "股份有限公司": "ltd",
    "corporation": "corp", "corp": "corp", "incorporated": "inc", "inc": "inc",
    "company": "co", "co": "co", "gmbh": "gmbh", "llc": "llc", "l l c": "llc",
    "pte ltd": "ltd", "private limited": "ltd", "pvt ltd": "ltd", "sa": "sa", "s a": "sa", "ag": "ag",
    "kk": "kk", "k k": "kk", "kabushiki kaisha": "kk", "sdn bhd": "sdnbhd", "bv": "bv", "b v": "bv",
    "nv": "nv", "n v": "nv", "plc": "plc", "srl": "srl", "s r l": "srl", "oy": "oy", "ab": "ab",
    "spa": "spa", "s p a": "spa", "sarl": "sarl", "jsc": "jsc", "ooo": "ooo", "pty ltd": "ltd", "pty": "pty",
}
_FORM_RX = re.compile(r"\b(" + "|".join(sorted((re.escape(k) for k in LEGAL_FORMS if k.isascii()),
                                                key=len, reverse=True)) + r")\b")


def fold(text: str) -> str:
    """NFKC, case-folded, punctuation to spaces, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    for cjk, form in LEGAL_FORMS.items():
        if not cjk.isascii() and text.endswith(cjk):
            text = text[: -len(cjk)] + " " + form
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def key(text: str) -> str:
    """The exact-match key: folded, legal forms canonical."""
    folded = fold(text)
    return " ".join(_FORM_RX.sub(lambda m: LEGAL_FORMS[m.group(1)], folded).split())
