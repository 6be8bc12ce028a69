"""Indicator rows whose cells were run together (PDF and doc-share copies of self-evaluation tables).

"安装坡面水标尺10≥266米≥266米10" under 三级指标 | 分值 | 年度指标值 | 全年实际值 | 得分 is one row
written without a break between its cells, and one cell may hold several such rows. The header says
which columns follow the name and in which order; the value grammar says where each figure can end.
A row is read as: name, then the header's columns in order, each a figure, a bare score or a
completion word. Where the glue leaves a choice (is "20100%" 分值 20 and 100%, or 2 and 0100%?), the
reading with the most support wins: a target equal to its actual, a 分值 equal to its 得分, every
column of the header filled. A figure must be followed by what the header puts after it (the next
column, or the next row's name, or the end), so the digits inside a name ("森林火灾6小时内扑灭率",
"5000吨稻谷、500吨成品粮储备到位率") are not taken for its value.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from checker.extract.normalize import half_width
from checker.extract.vocabulary import (
    COMPLETION_WORDS, DIRECTION_WORDS, FIGURE_DIRECTIONS, GRADED_WORDS, MEASURE_UNITS, TRAILING_TREND_VALUE,
)

# A numbered label opening a name ("指标1种薯采购价格…", "任务2:…"): its number is no value.
_NUMBERED = ("指标", "任务", "目标")
_INSIDE_DATE = re.compile(r"(?:\d{4}年|\d{1,2}月)$")  # "2021年|11月": the middle of a date starts nothing
MAX_NAME = 60  # characters: a longer run before a value is prose, not a name

# Columns the glued reader can bound; any other column after the name (a free-text reason) ends the row.
FIGURE_ROLES = ("weight", "value", "actual", "score")

_OPS = ("大于等于", "小于等于", "不低于", "不少于", "不小于", "不高于", "不超过", "不多于", "不大于", "低于",
        "小于", "少于", "高于", "大于", "超过", "达到", ">=", "<=", "≥", "≤", "≧", "≦", ">", "<", "=")
_SUFFIXES = ("及以上", "及以下", "以上", "以下", "以内", "之内")
_UNITS = tuple(sorted(set(MEASURE_UNITS), key=len, reverse=True))
_DATE = re.compile(r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:前|之前|底前|底|末)?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DEADLINE = re.compile(r"\d{1,2}月(?:底|末|初|中旬|下旬|\d{1,2}日)(?:前|之前|以前|内)?(?:完成)?")
_QUALITATIVE = tuple(sorted({*GRADED_WORDS, *COMPLETION_WORDS, *DIRECTION_WORDS}, key=len, reverse=True))
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class GluedRow:
    name: str
    cells: dict[str, str] = field(default_factory=dict)


def is_date(text: str) -> bool:
    """"2021年12月31日", "2024年10月底前": a deadline written as a date is a value."""
    return bool(_DATE.fullmatch(half_width(text).replace(" ", ""))) and len(text) > 5


def _number_ends(text: str, p: int) -> list[int]:
    """Every place a bare number starting at p may end ("20100%" -> 20 or 201 or 2010 …)."""
    m = _NUMBER.match(text, p)
    if not m:
        return []
    digits = m.group(0)
    if len(digits) == 4 and text.startswith("年", m.end()):
        return [m.end()]  # a year is never cut ("2022年12月底前")
    ends = []
    int_len = len(digits.split(".")[0])
    for k in range(1, int_len + 1):
        if k > 1 and digits[0] == "0":
            break
        ends.append(p + k)
    if "." in digits:  # "0.910010": 0.9 then 10 …, the decimals may be cut too
        ends = [e for e in ends if e < p + int_len] + [p + int_len + 1 + j for j in range(1, len(digits) - int_len)]
    return ends


def _unit_after(text: str, q: int) -> list[int]:
    ends = []
    for lead in ("", "万", "亿"):
        if lead and not text.startswith(lead, q):
            continue
        r = q + len(lead)
        for unit in _UNITS:
            if text.startswith(unit, r):
                ends.append(r + len(unit))
                break
    return ends


def figure_ends(text: str, p: int) -> list[int]:
    """Where a figure ("≥266米", "不低于95%", "0.9‰", "90%以上", "2023年12月31日") starting at p may end.
    A unit or a 以上 written after the number belongs to it; a figure with a comparison or a unit
    never ends inside a run of digits. A bare number may ("00": a target 0 and an actual 0)."""
    date = _DATE.match(text, p)
    if date and date.end() - p > 5:
        return [date.end()]  # a date is one value, never a year and a month
    deadline = _DEADLINE.match(text, p)
    if deadline:
        return [deadline.end()]  # "11月底完成", "6月30日前"
    ends: set[int] = set()
    q = p
    for op in _OPS + FIGURE_DIRECTIONS:
        if text.startswith(op, p) and _NUMBER.match(text, p + len(op)):
            q = p + len(op)
            break
    for end in _number_ends(text, q):
        units = _unit_after(text, end)
        stop = max(units) if units else end
        if stop == end and (q > p or end < len(text) and text[end] == ".") and _NUMBER.match(text, end):
            continue
        for suffix in _SUFFIXES:
            if text.startswith(suffix, stop):
                stop += len(suffix)
                break
        ends.add(stop)
    return sorted(ends)


def word_ends(text: str, p: int) -> list[int]:
    """A written value at p: a graded, completion or direction word (the longest that fits) or a
    trend ("显著提升"). A phrase written twice in a row is found by _repeat_len."""
    ends = {p + len(w) for w in _QUALITATIVE if text.startswith(w, p)}
    ends = {max(ends)} if ends else set()
    for k in range(2, 9):
        if TRAILING_TREND_VALUE.fullmatch(text, p, p + k):
            ends.add(p + k)
    return sorted(ends)


def _repeat_len(text: str, p: int) -> list[int]:
    """Any short phrase written twice in a row: a target equal to its actual ("正面支撑正面支撑")."""
    out = []
    for k in range(1, 11):
        if p + 2 * k <= len(text) and text[p:p + k] == text[p + k:p + 2 * k] and _CJK.search(text[p:p + k]):
            out.append(p + k)
    return out


def _score_number(text: str) -> bool:
    """A 分值 or 得分: at most 100."""
    try:
        return Decimal(text) <= 100
    except InvalidOperation:
        return False


def _tokens(text: str, p: int, role: str) -> list[int]:
    if role in ("weight", "score"):
        ends = [e for e in _number_ends(text, p) if _score_number(text[p:e])
                and not (role == "weight" and _unit_after(text, e))]  # a score may meet the next name's 天…
        return [e for e in ends if Decimal(text[p:e]) > 0] if role == "weight" else ends  # no row weighs 0
    if role == "reason":
        ends = [p + len(w) for w in COMPLETION_WORDS if text.startswith(w, p)]
        return [max(ends)] if ends else []
    if role == "unit":  # a 计量单位 cell: the unit alone ("%", "万亩")
        return _unit_after(text, p)
    if role == "op":  # a 指标性质 cell: the comparison alone
        return next(([p + len(op)] for op in _OPS if text.startswith(op, p)), [])
    ends = set(figure_ends(text, p)) | set(word_ends(text, p)) | set(_repeat_len(text, p))
    return sorted(ends)


def _starts_value(text: str, p: int, roles: tuple[str, ...] = ()) -> bool:
    """Whether the columns after a name can start at p (a 计量单位 cell may come first: "…完成率%90…")."""
    return bool(figure_ends(text, p) or word_ends(text, p) or "unit" in roles and _unit_after(text, p)
                or "op" in roles and _tokens(text, p, "op"))


def _magnitude(text: str) -> Decimal | None:
    m = _NUMBER.search(text)
    return Decimal(m.group(0)) if m else None


def _near(target: str, actual: str | None) -> float:
    """An actual of the target's order (90 and 100, not 9 and 101001) supports the reading."""
    a, b = _magnitude(target), _magnitude(actual or "")
    if a is None or b is None:
        return 0.0
    if a == b == 0 or (a > 0 and Decimal("0.5") <= b / a <= 2):
        return 2.0
    return 0.0


def _qualitative_confirmed(value: str, cells: dict[str, str]) -> bool:
    """A written value ("是") is told from the words of a name ("…是否明显提高") only by what follows
    it: the same words as the actual, a completion word, or a score."""
    return (cells.get("actual") in (value, *COMPLETION_WORDS) or bool(cells.get("score") or cells.get("weight")))


def _joined_pieces(rows: list[GluedRow]) -> list[GluedRow]:
    """Unread pieces side by side are one piece."""
    if len(rows) >= 2 and not rows[0].cells and not rows[1].cells:
        return [GluedRow(rows[0].name + rows[1].name), *rows[2:]]
    return rows


class _Reader:
    def __init__(self, text: str, roles: list[str]):
        self.text = text
        self.roles = roles  # the columns after the name, in header order
        self._memo: dict[int, tuple[float, list[GluedRow]] | None] = {}
        self._column_memo: dict[tuple[int, int], list[tuple[int, dict[str, str], float]]] = {}
        # Where a row's columns may start: after a name's last character, where a value begins.
        lead = tuple(roles[:2])
        self._starts = [q for q in range(2, len(text))
                        if (_CJK.match(text, q - 1) or text[q - 1] in ")）") and _starts_value(text, q, lead)
                        and not text.endswith(_NUMBERED, 0, q) and not _INSIDE_DATE.search(text, 0, q)]

    def rows(self) -> list[GluedRow] | None:
        best = self._best(0)
        if best is None or not best[1]:
            return None
        return best[1]

    def _skip_to(self, p: int) -> int | None:
        """Where the next row can start when the words from p are too long for a name: prose
        before the table, a reason written out. The words up to there stay one unread piece."""
        later = (q for q in self._starts if q - p > MAX_NAME and self._columns(q, 0))
        q = next(later, None)
        return q - MAX_NAME if q is not None else None

    def _best(self, p: int) -> tuple[float, list[GluedRow]] | None:
        if p not in self._memo:
            self._memo[p] = self._best_from(p)
        return self._memo[p]

    def _best_from(self, p: int) -> tuple[float, list[GluedRow]] | None:
        """The best reading of text[p:] as rows; the words left over at the end stay one unread piece."""
        text = self.text
        if p >= len(text):
            return 0.0, []
        best: tuple[float, list[GluedRow]] | None = (-5.0, [GluedRow(text[p:])])
        for q in self._starts[bisect.bisect_left(self._starts, p + 2):]:
            if q - p > MAX_NAME:
                break
            name = text[p:q]
            if len(_CJK.findall(re.sub("[年月日]", "", name))) < 2 or not (_CJK.match(name) or name[0].isalnum() or name[0] in "(（“\""):
                continue
            # A name holding a comparison or a percentage ("…里程≥120公里") has swallowed its target.
            odd_name = 6.0 if re.search(r"[≥≤><]\d|\d%", name) else 0.0
            odd_name += 4.0  # each row must earn its place: more rows are no better reading
            for end, cells, score in self._columns(q, 0):
                score -= odd_name
                rest = self._best(end)
                if rest is None:
                    continue
                total = score + rest[0]
                if best is None or total > best[0]:
                    best = (total, [GluedRow(name, cells), *rest[1]])
        skip = self._skip_to(p)
        if skip is not None and skip > p:
            rest = self._best(skip)
            if rest is not None and rest[0] - 0.5 > best[0]:
                best = (rest[0] - 0.5, _joined_pieces([GluedRow(text[p:skip]), *rest[1]]))
        return best

    def _columns(self, p: int, i: int) -> list[tuple[int, dict[str, str], float]]:
        if (p, i) not in self._column_memo:
            self._column_memo[(p, i)] = self._columns_from(p, i)
        return self._column_memo[(p, i)]

    def _columns_from(self, p: int, i: int) -> list[tuple[int, dict[str, str], float]]:
        """Readings of the columns roles[i:] from p: (end, cells, support)."""
        text = self.text
        if i == len(self.roles) or self.roles[i] not in FIGURE_ROLES + ("reason", "unit", "op"):
            return [(p, {}, 0.0)] if self._row_may_end(p) else []
        role = self.roles[i]
        out: list[tuple[int, dict[str, str], float]] = []
        ends = _tokens(text, p, role)
        if role in ("value", "actual") and "unit" in self.roles:
            # The unit has its own column: the figures are bare (a comparison allowed).
            ends = [e for e in ends if re.fullmatch(r"[^\d]{0,4}\d+(?:\.\d+)?", text[p:e])]
        for end in ends:
            for e2, cells, score in self._columns(end, i + 1):
                value = text[p:end]
                if role == "value" and not (self._confirmed(cells) or e2 == len(text)):
                    continue
                if role == "value" and not re.search(r"\d", value) and not _qualitative_confirmed(value, cells):
                    continue
                if role in ("value", "actual") and value.isdigit() and end < len(text) and text[end].isdigit():
                    # A bare target cut from the digits after it: only a bare figure may follow ("00" is
                    # 0 and 0); "4" + "8小时" would cut a name's "48小时".
                    nxt = next((cells[r] for r in self.roles[i + 1:] if r in cells), "")
                    if not nxt.isdigit():
                        continue
                # A run of digits cut before a figure with a unit ("20" + "100%") is rarely the reading.
                cut = 0.0
                if p and text[p - 1].isdigit() and text[p].isdigit() and not value.isdigit():
                    cut = 6.0
                if role == "value" and value.isdigit() and end < len(text) and text[end].isdigit():
                    cut += 5.0  # "63" is rather one target than 6 and 3
                out.append((e2, {role: value, **cells}, score - cut + self._support(role, value, cells)))
        if role != "value":  # a column left empty
            for e2, cells, score in self._columns(p, i + 1):
                out.append((e2, cells, score - {"weight": 2.0, "score": 2.0, "unit": 0.0, "op": 0.0}.get(role, 0.5)))
        return out

    def _row_may_end(self, p: int) -> bool:
        if p and self.text[p - 1].isdigit() and any(e - p >= 2 or self.text[p] in "%‰" for e in _unit_after(self.text, p)):
            return False  # "12150万株": the unit belongs to the figure before it, it opens no name
        return p >= len(self.text) or bool(_CJK.match(self.text, p)) or self.text[p] in "(（【[“\"…·.,，;；:：、"

    @staticmethod
    def _confirmed(cells: dict[str, str]) -> bool:
        """A value followed by none of the columns its header announces is part of the name."""
        return bool(cells)

    @staticmethod
    def _support(role: str, value: str, cells: dict[str, str]) -> float:
        if role == "value":
            return 10.0 + (4.0 if cells.get("actual") == value else 0.0) + _near(value, cells.get("actual"))
        if role == "weight":
            return 2.0 + (3.0 if cells.get("score") == value else 0.0)
        return 1.0


def read_glued(text: str, roles: list[str]) -> list[GluedRow] | None:
    """Rows of a glued cell, read by the header's columns after the name; None when it does not read."""
    if "value" not in roles:
        return None
    norm, starts = _normalised(text)
    rows = _Reader(norm, roles).rows()
    if rows is None:
        return None
    # Read on the normalised text, reported in the document's own characters.
    out, pos = [], 0

    def written(n: int) -> str:
        nonlocal pos
        a, pos = pos, pos + n
        return text[starts[a]:starts[pos - 1] + 1] if n else ""

    for row in rows:
        name = written(len(row.name))
        out.append(GluedRow(name, {role: written(len(value)) for role, value in row.cells.items()}))
    return out


def _normalised(text: str) -> tuple[str, list[int]]:
    """The text half-width and without spaces, and for each of its characters where it stands in text."""
    chars: list[str] = []
    starts: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        n = half_width(ch)
        chars.append(n)
        starts.extend([i] * len(n))
    return "".join(chars), starts


def _whole(ends: list[int], text: str) -> bool:
    return len(text) in ends


def _fits(text: str, role: str) -> bool:
    """Whether a whole cell can be the given column of a self-evaluation row."""
    t = half_width(text).replace(" ", "")
    if role in ("weight", "score"):
        return bool(re.fullmatch(r"\d+(?:\.\d+)?分?", t)) and _score_number(t.rstrip("分"))
    if role == "reason":
        return t in COMPLETION_WORDS
    return _whole(figure_ends(t, 0), t) or t in _QUALITATIVE or bool(TRAILING_TREND_VALUE.fullmatch(t))


def read_cell_run(texts: list[str], roles: list[str]) -> list[GluedRow] | None:
    """Several rows of a self-evaluation table whose cells arrive one after another ("补助村数量 =8个 8 8 8
    保障村干部人数 =42个 42 8 8"): each row is a name, the cell after it (the target), then each column
    of the header that the next cell fits. None when a name would be a bare figure."""
    if "value" not in roles or roles[0] != "value":
        return None
    rows: list[GluedRow] = []
    i = 0
    while i < len(texts):
        if rows and re.fullmatch(r"\d+(?:\.\d+)?", texts[i].strip()):
            # A score column the header does not name; every cell is kept so the cells stay aligned.
            rows[-1].cells["score" if "score" not in rows[-1].cells else f"unnamed{i}"] = texts[i]
            i += 1
            continue
        if _fits(texts[i], "value") and not _CJK.search(texts[i]) or i + 1 >= len(texts):
            return None
        row = GluedRow(texts[i], {"value": texts[i + 1]})
        i += 2
        rest = [r for r in roles[1:] if r in FIGURE_ROLES + ("reason",)]
        for k, role in enumerate(rest):
            if i >= len(texts):
                break
            fits = _fits(texts[i], role)
            if not fits and role == "actual" and k + 1 < len(rest) and i + 1 < len(texts):
                fits = _fits(texts[i + 1], rest[k + 1]) and rest[k + 1] in ("weight", "score")
            if fits:
                row.cells[role] = texts[i]
                i += 1
        rows.append(row)
    return rows
