"""Vocabulary access for the S/Q/T/K fact builders, plus the text and naming helpers they share.

Word lists live in rules/vocabulary.yaml (data, not code). The engine hands them over as
`ctx.vocab`; when a builder runs without them (a bare FactContext in a unit test, a tool that
only wants facts) the built-in file is read directly, so a fact never depends on who called.

Some lists hold *patterns* in a small, regex-free notation (the rulebook refuses `[ ] ^ \\`
in vocabulary words): `{D}` one or more digits, `{L}` one capital letter A–Z, `{*}` any text.
A pattern matches a whole normalised cell.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import yaml

from checker.resources import RULES_DIR

VOCAB_FILE = RULES_DIR / "vocabulary.yaml"

_WS = re.compile(r"\s+")
_EXTRA = str.maketrans({
    "≧": "≥", "≦": "≤", "＞": ">", "＜": "<", "＝": "=", "％": "%", "－": "-", "—": "-", "–": "-",
    "～": "~", "〜": "~", "＊": "*", "：": ":", "，": ",", "（": "(", "）": ")", "；": ";",
})


@lru_cache(maxsize=1)
def _builtin() -> dict[str, list[str]]:
    try:
        data = yaml.safe_load(VOCAB_FILE.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    return {k: list(v) for k, v in data.items() if isinstance(v, list)}


def words(ctx: Any, name: str) -> list[str]:
    """The list `name` from the engine's vocabulary, else from rules/vocabulary.yaml."""
    found = ctx.words(name) if ctx is not None and hasattr(ctx, "words") else []
    return list(found) if found else list(_builtin().get(name, []))


@lru_cache(maxsize=4096)
def norm(text: str | None) -> str:
    """NFKC, full-width punctuation to ASCII (≥ ≤ kept), no whitespace. Memoised: the fact
    builders ask for the same cell, name or value many times per submission."""
    if not text:
        return ""
    return _WS.sub("", unicodedata.normalize("NFKC", text).translate(_EXTRA))


@lru_cache(maxsize=512)
def _normed_words(vocabulary: tuple[str, ...]) -> tuple[re.Pattern[str], tuple[tuple[str, str], ...]]:
    """A regex finding any of the words, and (word, normalised word) for each word that
    normalises to something, in list order. Word lists are constant, so each is normalised and
    compiled once per process, not once per cell."""
    pairs = tuple((word, w) for word in vocabulary if (w := norm(word)))
    return re.compile("|".join(re.escape(w) for _, w in pairs) or "(?!)"), pairs


def normed_set(vocabulary: list[str] | tuple[str, ...]) -> frozenset[str]:
    """The normalised words of a list, for membership tests (`norm(cell) in normed_set(...)`)."""
    return _normed_set(tuple(vocabulary))


@lru_cache(maxsize=128)
def _normed_set(vocabulary: tuple[str, ...]) -> frozenset[str]:
    return frozenset(norm(word) for word in vocabulary)


def find_word(t: str, vocabulary: list[str] | tuple[str, ...]) -> str:
    """The first word of `vocabulary` found in the already normalised text `t`, or ""."""
    any_word, pairs = _normed_words(tuple(vocabulary))
    if not any_word.search(t):  # most cells hold none of the words: one search, no loop
        return ""
    for word, w in pairs:
        if w in t:
            return word
    return ""


def contains_any(text: str, vocabulary: list[str] | tuple[str, ...]) -> str:
    """The first word of `vocabulary` found in `text` (both normalised), or ""."""
    return find_word(norm(text), vocabulary)


_TOKENS = {"{D}": r"\d+", "{L}": r"[A-Z]", "{*}": r".*"}
_TOKEN_SPLIT = re.compile(r"(\{D\}|\{L\}|\{\*\})")


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    parts = _TOKEN_SPLIT.split(norm(pattern))
    return re.compile("".join(_TOKENS.get(p, re.escape(p)) for p in parts))


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], tuple[tuple[str, re.Pattern[str]], ...]]:
    each = tuple((pattern, _compile(pattern)) for pattern in patterns)
    return re.compile("|".join(f"(?:{c.pattern})" for _, c in each) or "(?!)"), each


def match_pattern(t: str, patterns: list[str] | tuple[str, ...]) -> str:
    """The first pattern (notation above) that matches the whole already normalised `t`, or ""."""
    if not t:
        return ""
    any_pattern, each = _compiled(tuple(patterns))
    if not any_pattern.fullmatch(t):  # most cells match none: one match, no loop
        return ""
    for pattern, compiled in each:
        if compiled.fullmatch(t):
            return pattern
    return ""


def matches_pattern(text: str, patterns: list[str] | tuple[str, ...]) -> str:
    """The first pattern (notation above) that matches the whole normalised `text`, or ""."""
    return match_pattern(norm(text), patterns)


def join_examples(items: list[str], limit: int = 5, sep: str = "、") -> str:
    """Distinct items in order, at most `limit`, with an ellipsis when some were left out."""
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    shown = sep.join(f"“{s}”" for s in seen[:limit])
    return shown + ("…" if len(seen) > limit else "")


FORM_NAMES = {
    "department": ("部门整体支出绩效目标表", "department-wide target table"),
    "project": ("项目支出绩效目标表", "project target table"),
    "special_fund_summary": ("专项资金绩效目标汇总表", "special-fund summary table"),
    "spending_direction": ("专项资金支出方向绩效目标表", "spending-direction target table"),
}


def form_names(form: Any, index: int) -> dict[str, str]:
    """`form_zh` / `form_en` for messages: the form's number in the document and its kind."""
    zh, en = FORM_NAMES.get(getattr(form, "kind", ""), ("绩效目标表", "target table"))
    return {"form_zh": f"表{index + 1}（{zh}）", "form_en": f"Table {index + 1} ({en})"}
