"""Prepare reader rows for extraction: drop empties, split labels out of run-together text.

Real copies put several cells into one: "填表人：   联系电话：", "资金总额：55.62",
"产出指标数量指标农村义务教育学校改造覆盖率100%", or a whole PDF page on one line.
Splitting is driven by the vocabulary, never by positions.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

from checker.document import Row
from checker.extract.normalize import clean, half_width, key
from checker.extract.vocabulary import (
    FIELD_LABELS, HEADER_LEVEL1, from_labels, HEADER_LEVEL2, HEADER_LEVEL3, INDICATOR_HEADER_WORDS, INLINE_SPLIT_LABELS,
    LEVEL1, LEVEL2, TITLE_PATTERNS,
)
from checker.model import Location

_ENUM_PREFIX = re.compile(r"^(?:其中[:：]?|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+[、.]|\d+[、.]|[（(]\d+[)）])\s*")


@dataclass(slots=True)
class Tok:
    """One cell's text after preparation, with where it came from."""

    text: str
    loc: Location
    row: int  # index of the prepared row


def strip_enum(text: str) -> str:
    """'其中：基本支出' / '(一)财政拨款小计' / '1、一般公共预算' -> the label itself."""
    prev = None
    while prev != text:
        prev = text
        text = _ENUM_PREFIX.sub("", text)
    return text


def level_words() -> list[str]:
    """Every 一级/二级 spelling, with and without 指标, longest first."""
    words: set[str] = set()
    for canon, syns in list(LEVEL1.items()) + list(LEVEL2.items()):
        for w in [canon, *syns]:
            words.add(w)
            words.add(w if w.endswith("指标") else w + "指标")
    return sorted(words, key=len, reverse=True)


_LEVEL_WORDS = level_words()
# Peeling a level off the front of a cell only for full headings ("成本控制" is a name, not 成本).
_PEEL_WORDS = [w for w in _LEVEL_WORDS if w.endswith("指标")]
# A label with its colon, or a unit declaration run on after another field ("填报单位:(盖章) 单位:万元").
_INLINE_RE = re.compile("(" + "|".join(map(re.escape, sorted(INLINE_SPLIT_LABELS, key=len, reverse=True)))
                        + r")\s*[:：]|单位\s*[:：]\s*(?:万元|元)")


def split_inline_labels(text: str) -> list[str]:
    """Split "填表人：   联系电话：" into its labelled parts."""
    starts = [m.start() for m in _INLINE_RE.finditer(text)]
    if len(starts) < 2 and not (starts and starts[0] > 0 and text[: starts[0]].strip()):
        return [text]
    bounds = ([0] if starts[0] > 0 else []) + starts + [len(text)]
    parts = [text[a:b].strip() for a, b in zip(bounds, bounds[1:])]
    return [p for p in parts if p]


# A note after a level heading: its score ("(40分)") or the template's "(必填)", "(必填硬性指标)".
_LEVEL_NOTE = re.compile(r"^\s*[(（](?:\d+(?:\.\d+)?分|必填[^)）]{0,8})[)）]\s*")


def peel_levels(text: str) -> list[str]:
    """"产出指标数量指标农村…100%" -> ["产出指标", "数量指标", "农村…100%"]."""
    out: list[str] = []
    rest = text
    while True:
        compact = rest.replace(" ", "")
        word = next((w for w in _PEEL_WORDS if compact.startswith(w) and len(compact) > len(w)), None)
        # "产出指标(50分)" is a heading with its score, not a heading plus a name.
        if word is None or re.fullmatch(r"\(\d+分\)", compact[len(word):]):
            break
        out.append(word)
        rest = _LEVEL_NOTE.sub("", _drop_prefix(rest, word).lstrip(":： "), count=1)
    if out:
        out.append(rest)
        return out
    return [text]


def _drop_prefix(text: str, word: str) -> str:
    """Remove `word` from the start of text, ignoring spaces inside text."""
    i = n = 0
    while i < len(text) and n < len(word):
        if text[i] != " ":
            n += 1
        i += 1
    return text[i:]


_JOINS_NUMBER = re.compile(r"^[年月日万元%个次人度期项号岁)）]")  # "7 岁以下儿童…": an age, not two cells


def split_words(text: str) -> list[str]:
    """Whitespace separates cells in free text, except inside "2021 年 1 月" or "968.19 万"."""
    words: list[str] = []
    for word in text.split():
        prev = words[-1] if words else ""
        if prev and (prev[-1].isdigit() and _JOINS_NUMBER.match(word) or prev[-1] in "(（:："
                     or prev[-1] in "年月" and re.match(r"^\d+[月日]", word)):
            words[-1] += word
        else:
            words.append(word)
    return words


def _merged_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


@from_labels
def _run_together_re() -> re.Pattern[str]:
    """Every field label and level word of four or more characters, longest first."""
    words = {w for w in FIELD_LABELS if len(w) >= 4} | {w for w in _LEVEL_WORDS if len(w) >= 4}
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
_PEEL_SET = set(_PEEL_WORDS)


_HEADER_RE = re.compile("|".join(map(re.escape, sorted((w for w in INDICATOR_HEADER_WORDS if len(w) >= 2),
                                                     key=len, reverse=True))))
_LEVEL_HEADERS = HEADER_LEVEL1 | HEADER_LEVEL2 | HEADER_LEVEL3


def header_run_cuts(text: str) -> set[int]:
    """The indicator header written as one run ("…一级指标二级指标三级指标分值年度指标值全年实际值得分…"):
    a cut before each of its words and after the last, so the header row is seen. Only a run of at
    least three header words that names a level counts: one header word alone may be a name's."""
    cuts: set[int] = set()
    run: list[re.Match[str]] = []
    for m in [*_HEADER_RE.finditer(text), None]:
        if m is not None and (not run or m.start() == run[-1].end()):
            run.append(m)
            continue
        if len(run) >= 3 and any(r.group(0) in _LEVEL_HEADERS for r in run):
            cuts |= {r.start() for r in run} | {run[-1].end()}
        run = [m] if m is not None else []
    return cuts


_GLUED_FIGURE = re.compile(r"[\u4e00-\u9fff][≥≤><=]?\d+(?:\.\d+)?[%‰]?(?=[\u4e00-\u9fff≥≤><=\d])")
_SPACED_FIGURE = re.compile(r"(?:^|\s)[≥≤><=]?\d+(?:\.\d+)?[%‰]?(?:\s|$)")


def spaces_are_wraps(text: str) -> bool:
    """A copy whose figures are glued to the words around them ("…到位率100%100%库存…") has no
    separator between its cells; a space in it is a wrapped line inside a cell ("管理制 度")."""
    glued = len(_GLUED_FIGURE.findall(text))
    return glued >= 3 and glued > 3 * len(_SPACED_FIGURE.findall(text))


def unwrap(text: str) -> str:
    """Spaces between Chinese characters of a glued copy are line wraps: drop them."""
    return re.sub(r"(?<=[\u4e00-\u9fff、,，(（)）])\s+(?=[\u4e00-\u9fff(（)）])", "", text)


def split_run_together(text: str) -> list[str]:
    """A long cell holding a whole table (PDF/web copies): cut before each known label.

    Inside the indicator block (from the first "…指标" heading) a field label cuts only when a
    colon follows it or it is a contact: there the words are indicator names ("项目资金使用合规性",
    "管理制度健全性", "预算资金执行率"), not the form's fields."""
    titles = _merged_spans([m.span() for _, p in TITLE_PATTERNS for m in p.finditer(text)])
    # A title keeps a short prefix ("鄂州市2022年…项目支出绩效目标表": the year is in it).
    title_cuts = {b for _, b in titles} | {a for a, _ in titles if a > 30}
    label_cuts: set[int] = set()
    in_indicators = False
    title_starts = iter(sorted(a for a, _ in titles) + [len(text) + 1])
    next_title = next(title_starts)
    for m in _run_together_re().finditer(text):
        while next_title <= m.start():  # a new form begins
            in_indicators, next_title = False, next(title_starts)
        if any(a - 30 <= m.start() < b for a, b in titles):
            continue
        word = m.group(0)
        if word in _PEEL_SET:
            in_indicators = True
        elif in_indicators and word in FIELD_LABELS and FIELD_LABELS[word][1] != "contact" \
                and not re.match(r"\s*[:：]", text[m.end():]):
            continue
        label_cuts.add(m.start())
    cuts = [c for c in sorted(label_cuts | title_cuts | header_run_cuts(text)) if 0 < c < len(text)]
    if len(cuts) < 2:
        return [text]
    bounds = [0] + cuts + [len(text)]
    return [text[a:b].strip() for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]


# A form's name that is not the form's title: a file name ("…绩效目标表.docx", "….DOC_第1页"), a table
# quoted in a sentence (《…绩效目标表》, "现将…申报表", a mirror site's "以下是…欢迎阅读").
_NAMED_NOT_TITLE = re.compile(r"\.(docx?|xlsx?|pdf|wps|et|txt)\b|_第\d+页|《|》|欢迎|以下是|现将|详见", re.I)


def is_title(text: str) -> bool:
    k = key(text)
    return len(k) <= 60 and any(p.search(k) for _, p in TITLE_PATTERNS) and not _NAMED_NOT_TITLE.search(k)


def prepare(rows: list[Row], free_text: bool) -> list[list[Tok]]:
    """Rows of non-empty tokens. `free_text`: the document is not a real table (one cell per
    line), so whitespace separates cells and long runs are cut at labels."""
    out: list[list[Tok]] = []
    for row in rows:
        toks: list[Tok] = []
        for cell in row.cells:
            text = cell.text.strip()
            if not text:
                continue
            pieces = [text]
            if free_text and not is_title(text):
                if spaces_are_wraps(text):
                    text = unwrap(text)
                pieces = [q for p in split_words(text) for q in split_run_together(p)]
            for piece in pieces:
                for part in split_inline_labels(piece):
                    for sub in peel_levels(part) if not is_title(part) else [part]:
                        sub = clean(sub)
                        if sub:
                            toks.append(Tok(sub, cell.loc, len(out)))
        if toks:
            out.append(toks)
    return out


def is_free_text(rows: list[Row]) -> bool:
    """True when the text has no table structure: (almost) every line is one cell."""
    nonempty = [r for r in rows if any(c.text.strip() for c in r.cells)]
    if not nonempty:
        return False
    multi = sum(1 for r in nonempty if sum(1 for c in r.cells if c.text.strip()) >= 2)
    return multi / len(nonempty) < 0.2


@lru_cache(maxsize=16384)
def norm_label(text: str) -> str:
    return strip_enum(key(half_width(text)))
