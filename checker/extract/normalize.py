"""Text normalisation shared by the extractor: full-width to half-width, label keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WS = re.compile(r"\s+")
# Characters NFKC leaves alone or maps badly for our purposes.
_EXTRA = str.maketrans({
    "≧": "≥", "≦": "≤", "＞": ">", "＜": "<", "＝": "=", "％": "%", "－": "-", "—": "-", "–": "-",
    "～": "~", "〜": "~", "×": "×", "＊": "*", "：": ":", "，": ",", "（": "(", "）": ")",
    "【": "[", "】": "]", "“": '"', "”": '"',
})


# Cells repeat (labels, headers, level words): the same text is normalised thousands of times a file.
@lru_cache(maxsize=16384)
def half_width(text: str) -> str:
    """Full-width digits/letters/punctuation to ASCII (≥ and ≤ are kept)."""
    return unicodedata.normalize("NFKC", text).translate(_EXTRA)


_SPACES = re.compile(r"[ \t\u3000\xa0]+")


def clean(text: str) -> str:
    """Trim and collapse runs of spaces; newlines inside a cell are kept (several formulas
    in one 测算 cell are separated by them)."""
    lines = (_SPACES.sub(" ", ln).strip() for ln in text.split("\n"))
    return "\n".join(ln for ln in lines if ln)


@lru_cache(maxsize=16384)
def key(text: str) -> str:
    """A comparison key for labels: half-width, no whitespace, no trailing colon."""
    k = _WS.sub("", half_width(text))
    return k.rstrip(":")
