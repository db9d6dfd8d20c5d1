"""Text folded for comparison: the same name written with or without diacritics, in capitals or not,
with its spaces doubled, "và" or "các" left out, or shortened to its usual abbreviation ("UBND",
"Sở KH&CN", "MTTQ", "LHH") folds to the same words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kehoach.text import unidecode_vi

# Abbreviations of Vietnamese administrative names, folded. An abbreviation is read only where it is
# written in capitals ("UBND", "KH&CN"): "tu" is also the folded "từ", "vp" nothing in particular.
ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "ub": "uy ban",
    "hdnd": "hoi dong nhan dan",
    "mttq": "mat tran to quoc",
    "ubmttq": "uy ban mat tran to quoc",
    "mt": "mat tran",
    "vn": "viet nam",
    "tw": "trung uong",
    "tu": "tinh uy",
    "hu": "huyen uy",
    "tp": "thanh pho",
    "tx": "thi xa",
    "lhh": "lien hiep hoi khoa hoc ky thuat",
    "kh&cn": "khoa hoc cong nghe",
    "khcn": "khoa hoc cong nghe",
    "kh&kt": "khoa hoc ky thuat",
    "khkt": "khoa hoc ky thuat",
    "skhcn": "so khoa hoc cong nghe",
    "ttkhcn": "trung tam khoa hoc cong nghe",
    "qlkh": "quan ly khoa hoc",
    "qlcn": "quan ly chuyen nganh",
    "khtc": "ke hoach tai chinh",
    "kh&dt": "ke hoach dau tu",
    "khdt": "ke hoach dau tu",
    "gd&dt": "giao duc dao tao",
    "gddt": "giao duc dao tao",
    "tt&tt": "thong tin truyen thong",
    "tttt": "thong tin truyen thong",
    "tn&mt": "tai nguyen moi truong",
    "tnmt": "tai nguyen moi truong",
    "nn&ptnt": "nong nghiep phat trien nong thon",
    "nnptnt": "nong nghiep phat trien nong thon",
    "nn&mt": "nong nghiep moi truong",
    "ldtbxh": "lao dong thuong binh xa hoi",
    "ld&tbxh": "lao dong thuong binh xa hoi",
    "tb&xh": "thuong binh xa hoi",
    "vhttdl": "van hoa the thao du lich",
    "tt&dl": "the thao du lich",
    "gtvt": "giao thong van tai",
    "xd": "xay dung",
    "cntt": "cong nghe thong tin",
    "dmst": "doi moi sang tao",
    "cds": "chuyen doi so",
    "dhqg": "dai hoc quoc gia",
    "dh": "dai hoc",
    "cd": "cao dang",
    "hlhpn": "hoi lien hiep phu nu",
    "tncs": "thanh nien cong san",
    "ca": "cong an",
    "bchqs": "bo chi huy quan su",
    "vp": "van phong",
}

# Skipped when names are compared: punctuation, and the words a list puts between names.
SEPARATORS = frozenset(",;.:()[]/-–—+“”\"'‘’…*")
SOFT_WORDS = frozenset({"cac", "va", "nhung"})
# Where a name that is not known ends: punctuation and "và" ("A, B và C").
PIECE_ENDS = SEPARATORS | {"va"}

_TOKEN = re.compile(r"[^\W_]+|&|[^\w\s]")


def fold(text: str) -> str:
    """Lower case, no diacritics, đ as d: "Ủy ban Nhân dân" → "uy ban nhan dan"."""
    return unidecode_vi(text).lower()


def squash(text: str) -> str:
    """Spaces as one space, the ends trimmed: the words as written, laid out once."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Token:
    """One word of a line, folded (`word`), and where it stands in the line as written."""

    word: str
    start: int
    end: int

    @property
    def separates(self) -> bool:
        return self.word in SEPARATORS

    @property
    def soft(self) -> bool:
        return self.word in SEPARATORS or self.word in SOFT_WORDS


def tokens(text: str) -> list[Token]:
    """The words of `text`, folded, abbreviations written in capitals spelled out ("UBND" → "uy",
    "ban", "nhan", "dan", each pointing at "UBND" in the text); "KH & CN" is read as "KH&CN"."""
    raw = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    joined: list[tuple[str, int, int]] = []
    index = 0
    while index < len(raw):
        word, start, end = raw[index]
        # "KH&CN", "KH & CN": one abbreviation.
        while index + 2 < len(raw) and raw[index + 1][0] == "&" and raw[index + 2][0][:1].isalnum():
            word, end = f"{word}&{raw[index + 2][0]}", raw[index + 2][2]
            index += 2
        joined.append((word, start, end))
        index += 1
    result = []
    for word, start, end in joined:
        folded = fold(word)
        letters = word.replace("&", "")
        if len(letters) >= 2 and letters.isupper() and folded in ABBREVIATIONS:
            result += [Token(part, start, end) for part in ABBREVIATIONS[folded].split()]
        else:
            result.append(Token(folded, start, end))
    return result


def key(text: str) -> str:
    """The words that identify a name, folded, abbreviations spelled out, without punctuation, "và"
    or "các": "Sở KH&CN" and "Sở Khoa học và Công nghệ" have the same key."""
    return " ".join(token.word for token in tokens(text) if not token.soft)


def capitalise(text: str) -> str:
    """The first letter in capitals, the rest as written."""
    return text[:1].upper() + text[1:]
