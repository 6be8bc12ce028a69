"""The 绩效指标 block: 一级/二级 found by vocabulary wherever merged cells put them.

Labels of vertically merged cells land on any row of their span (or only once, at the
top); the current 一级/二级 carries down until the next label. A 二级 that belongs to
another 一级 moves the row there (a lost merged label), except the legacy placements
the rules must still see (成本 under 产出, 满意度 under 效益).
"""

from __future__ import annotations

import re

from checker.extract.cells import Tok, level_words, norm_label
from checker.extract.values import COUNT_UNITS, SUFFIX_OPS, parse_target
from checker.extract.glued import figure_ends, is_date, read_cell_run, read_glued, word_ends
from checker.extract.vocabulary import (
    EXPLANATION_ENDS, EXPLANATION_LEADS, HEADER_ACTUAL, HEADER_EXPLANATION, HEADER_LEVEL1, HEADER_LEVEL2,
    HEADER_LEVEL3, HEADER_OP, HEADER_REASON, HEADER_SCORE, HEADER_STANDARD, HEADER_UNIT, HEADER_VALUE,
    HEADER_WEIGHT, INDICATOR_HEADER_WORDS, INDICATOR_NOISE, LEGACY_PLACEMENT, LEVEL1, LEVEL2, LEVEL2_PARENT,
    NAME_ENDINGS, TRAILING_TREND_VALUE,
)
from checker.model import Indicator

HEADER_WORDS = INDICATOR_HEADER_WORDS
# Header cell -> the role of its column after the name. Columns are known by their header, never by
# their place: a self-evaluation table may put 分值 before the target and 得分 after the actual.
_COLUMN_ROLES = [(HEADER_LEVEL3, "name"), (HEADER_VALUE, "value"), (HEADER_EXPLANATION, "explanation"),
                 (HEADER_STANDARD, "standard"), (HEADER_ACTUAL, "actual"), (HEADER_WEIGHT, "weight"),
                 (HEADER_SCORE, "score"), (HEADER_REASON, "reason"), (HEADER_OP, "op"), (HEADER_UNIT, "unit")]


def header_key(text: str) -> str:
    """A header cell's words: a pipe left on a wrapped cell ("实际 完成值 |") is no part of them."""
    return norm_label(text).strip("|｜")


def column_role(text: str) -> str | None:
    k = header_key(text)
    return next((role for words, role in _COLUMN_ROLES if k in words), None)


def _lookup(table: dict[str, list[str]], k: str) -> str | None:
    base = k[:-2] if k.endswith("指标") else k
    base = re.sub(r"\(\d+分\)$", "", base)
    base = base[:-2] if base.endswith("指标") else base
    for canon, syns in table.items():
        if base == canon[:-2] or base in syns or k == canon:
            return canon
    if table is LEVEL2 and k.endswith("满意度指标") and len(k) <= 16:
        return "服务对象满意度指标"  # any "…满意度指标" heading, as the vendor importers map it
    return None


def level1_of(text: str) -> str | None:
    return _lookup(LEVEL1, norm_label(text))


def level2_of(text: str) -> str | None:
    return _lookup(LEVEL2, norm_label(text))


def opens_transposed(toks: list[Tok]) -> bool:
    """A transposed indicator table: "三级指标 | 名称1 | 名称2 …" with the targets in a row below it
    labelled 年度目标值 (Guangdong 专项资金 forms)."""
    return (len(toks) >= 2 and norm_label(toks[0].text) in HEADER_LEVEL3
            and not any(header_key(t.text) in HEADER_WORDS for t in toks[1:]))


def is_header_cell(text: str) -> bool:
    return header_key(text) in HEADER_WORDS


def is_header_row(toks: list[Tok]) -> bool:
    keys = {header_key(t.text) for t in toks}
    return len(keys & HEADER_WORDS) >= 2 and bool(keys & (HEADER_LEVEL1 | HEADER_LEVEL2 | HEADER_LEVEL3))


_TRAILING_VALUE = re.compile(
    # The name up to its first 汉字 is [^汉字]*? (not .*?) and the figure never starts inside a run
    # of digits (?<!\d): the same matches, in time linear in the line, not quadratic (issue 15).
    r"^(?P<name>[^\u4e00-\u9fff]*?[\u4e00-\u9fff].*?)(?P<value>(?:≥|≤|>=|<=|>|<|=|不低于|不少于|不超过|不高于|达到)?(?<!\d)\d+(?:\.\d+)?"
    r"(?:%|[^\d\s,，。;；]{1,4})?(?:以上|以下|以内)?)$"
)


# A template's unfilled figure run on after the name: "…覆盖率XX", "…满意度≥**", "…人数XX人".
_TRAILING_PLACEHOLDER = re.compile(
    r"^(?P<name>.*?[\u4e00-\u9fff])(?P<value>(?:(?:≥|≤|>=|<=|>|<|=|不低于|不少于|不超过|不高于|达到)[Xx×*○□]+"
    r"|[Xx×*○□]{2,})(?:%|[\u4e00-\u9fff/]{1,4})?)$"
)


_OP = r"(?:≥|≤|>=|<=|>|<|=)"  # a comparison written as a symbol


# One target written once per region column and run together (区域目标值 of a transfer-payment
# table: "…合规情况>=95%>=95%…>=95%"): the figure repeated is the value, as the first region's
# column is in a table. Only a comparison or a percentage repeats unambiguously ("…数量222" may be 222).
_TRAILING_REPEATED = re.compile(
    rf"^(?P<name>.*?[\u4e00-\u9fff])(?P<value>{_OP}?\d+(?:\.\d+)?%?)(?P=value)+$", re.S)


def split_trailing_value(text: str) -> tuple[str, str] | None:
    """"农村义务教育学校改造覆盖率100%" -> ("农村义务教育学校改造覆盖率", "100%"); a placeholder
    left for the figure splits the same way ("…覆盖率XX" -> ("…覆盖率", "XX")), and a figure
    repeated once per region ("…合规情况>=95%>=95%") is that figure."""
    repeated = _TRAILING_REPEATED.match(text)
    if repeated and _figure(repeated.group("value")):
        return repeated.group("name"), repeated.group("value")
    m = _TRAILING_VALUE.match(text)
    if not m:
        p = _TRAILING_PLACEHOLDER.match(text)
        return (p.group("name"), p.group("value")) if p else None
    target = parse_target(m.group("value"))
    if target.qualitative or target.number is None:
        return None
    return m.group("name"), m.group("value")


# A percentage run on before the words ("100%农村义务教育学校改造覆盖率"): name and value cells
# swapped in a run-on copy. Split in the order written, so the facts see the swap (Q06).
_LEADING_PERCENT = re.compile(
    r"^(?P<first>(?:≥|≤|>=|<=|>|<|=|不低于|不少于|不超过|不高于|达到)?\d+(?:\.\d+)?[%％])"
    r"(?P<rest>[\u4e00-\u9fff]{2}.*)$"
)


def split_leading_percent(text: str) -> tuple[str, str] | None:
    """"100%农村义务教育学校改造覆盖率" -> ("100%", "农村义务教育学校改造覆盖率")."""
    m = _LEADING_PERCENT.match(text)
    return (m.group("first"), m.group("rest")) if m else None


# A bare number run on before a name that its explanation echoes ("2312222宗教管理经费补助县数量反映宗教管理
# 经费补助县数量情况"): the echo after 反映 shows where the name starts, so the number is a value written
# first (a swapped row). A name that starts with digits (12345热线) is echoed with them and stays whole;
# one or two digits may be the row's serial number, and a number with a unit may be the name's own
# ("2023年培训人次反映培训人次情况"), so those stay whole too.
_LEADING_BARE_NUMBER = re.compile(r"^(?P<first>\d{3,}(?:\.\d+)?)(?P<rest>[\u4e00-\u9fff].*)$", re.S)


def split_leading_number(text: str) -> tuple[str, str] | None:
    """"2312222宗教管理经费补助县数量反映宗教管理经费补助县数量情况" -> ("2312222", "宗教管理经费…情况")."""
    m = _LEADING_BARE_NUMBER.match(text)
    if not m:
        return None
    for lead in EXPLANATION_LEADS:
        name, sep, echo = m.group("rest").partition(lead)
        if sep and echo.startswith(name):
            return m.group("first"), m.group("rest")
    return None


# A published notice writes each indicator as "指标1:机柜数量(≥77台)" under a heading
# "【产出指标-数量指标】": a numbered label, the name, and the target in closing brackets.
_LABELLED_BRACKET = re.compile(r"^(?:(?:指标|任务)\s*\d+\s*[:：.、]\s*)?(?P<name>[^()（）]*[\u4e00-\u9fff][^()（）]*?)"
                               r"\s*[(（](?P<value>[^()（）]+)[)）]$")
_NUMBERED_LABEL = re.compile(r"^(?:指标|任务)\s*\d+\s*[:：.、]")


def split_labelled_bracket(text: str) -> tuple[str, str] | None:
    """"指标1:机柜数量(≥77台)" -> ("机柜数量", "≥77台"); "指标2:服务保障民生(有力保障)" -> (…, "有力保障").
    Without the numbered label only a figure in the brackets is a value ("成本控制数(万元)" stays a name)."""
    m = _LABELLED_BRACKET.match(text.strip())
    if not m:
        return None
    value = m.group("value").strip()
    if _NUMBERED_LABEL.match(text.strip()):
        return (m.group("name").strip(), value) if len(value) <= 12 else None
    return (m.group("name").strip(), value) if _figure(value) else None


_PER_UNIT = re.compile(r"(?:/[\u4e00-\u9fff]{1,2})?(?:[.·][\u4e00-\u9fff]{1,2})?")


def split_leading_value(text: str) -> tuple[str, str, str] | None:
    """A row glued to its explanation ("补助学生数量168反映补助学生人数…", "残疾学生家庭负担率有所减轻对家庭…"):
    the name ends with a measure word (率, 数量, 标准, 时间 …) and the target is the figure, date or
    trend that follows it -> (name, value, the rest)."""
    for q in range(2, len(text)):
        if text[q - 1] not in NAME_ENDINGS or len(re.findall(r"[\u4e00-\u9fff]", text[:q])) < 3:
            continue
        ends = figure_ends(text, q) or [e for e in word_ends(text, q) if TRAILING_TREND_VALUE.fullmatch(text, q, e)]
        if not ends:
            continue
        end = max(ends)
        if end < len(text) and text[end].isdigit():
            continue
        if "/" in text[q:end] or text.startswith("/", end):  # "17元/人.每天": a rate per person and day
            end = _PER_UNIT.match(text, end).end()
        return text[:q], text[q:end], text[end:]
    return None


def split_trailing_trend(text: str) -> tuple[str, str] | None:
    """"义务教育优质均衡发展情况稳步提高" -> ("义务教育优质均衡发展情况", "稳步提高")."""
    m = TRAILING_TREND_VALUE.search(text)
    if not m or not re.search(r"[\u4e00-\u9fff]{2}", text[: m.start()]):
        return None
    return text[: m.start()], m.group("value")


# Several indicators run together in one cell of a run-on copy, each written name, explanation,
# figure ("…次数反映…情况2280次大楼安检巡察次数反映…情况200次"). An indicator ends after its figure
# (or the placeholder left for it), or after its explanation's closing word (反映…情况) when its
# figure was written first (a swapped row), if the words that follow are a name with an
# explanation of its own. Otherwise they are more of the same one ("反映全年完成3次检查情况5次").
_UNIT_WORDS = "|".join(map(re.escape, sorted(COUNT_UNITS | {"%"}, key=len, reverse=True)))
_FIGURE_BEFORE_WORDS = re.compile(  # a figure, or a template's placeholder for one ("XX", "≥**")
    rf"(?<=[\u4e00-\u9fff])(?:{_OP}?\d+(?:\.\d+)?(?:{_UNIT_WORDS})"
    rf"|(?:{_OP}[Xx×*○□]+|[Xx×*○□]{{2,}})(?:{_UNIT_WORDS})?)(?=[\u4e00-\u9fff])")
_VALUE_SUFFIXES = tuple(word for word, _ in SUFFIX_OPS) + ("左右",)
# A count or a percentage opening a run's first indicator: its figure written before its name.
# Dates stay whole ("2023年培训人次…" is a name).
_LEADING_FIGURE = re.compile(
    rf"^(?P<first>{_OP}?\d+(?:\.\d+)?(?:{_UNIT_WORDS}))(?P<rest>[\u4e00-\u9fff].*)$", re.S)
_DATE_UNITS = ("年", "月", "天")


def _next_name(text: str, at: int, after_explanation: bool) -> bool:
    """Whether text[at:] opens a name followed by its own explanation."""
    rest = text[at:]
    next_lead = min((rest.find(lead) for lead in EXPLANATION_LEADS if lead in rest), default=-1)
    if next_lead <= 0 or rest.startswith(_VALUE_SUFFIXES) or _FIGURE_BEFORE_WORDS.search(rest[:next_lead]):
        return False
    name = rest[:next_lead]
    return not after_explanation or (len(re.findall(r"[\u4e00-\u9fff]", name)) >= 2
                                     and not any(end in name for end in EXPLANATION_ENDS)
                                     and not re.search(r"\d", name))


def split_indicator_run(text: str) -> list[str]:
    """"A反映…2280次B反映…200次" -> ["A反映…2280次", "B反映…200次"]; one indicator -> [text]."""
    if sum(text.count(lead) for lead in EXPLANATION_LEADS) < 2:
        return [text]
    cuts = {m.end() for m in _FIGURE_BEFORE_WORDS.finditer(text) if _next_name(text, m.end(), False)}
    swapped = _LEADING_FIGURE.match(text)
    if swapped and not swapped.group("first").endswith(_DATE_UNITS):
        for end in EXPLANATION_ENDS:
            cuts |= {m.end() for m in re.finditer(re.escape(end), text) if _next_name(text, m.end(), True)}
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(text)), len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


def split_leading_figure(text: str) -> tuple[str, str] | None:
    """The first piece of a run whose figure was written first: "2280次办公大楼…情况" -> ("2280次", …)."""
    m = _LEADING_FIGURE.match(text)
    if not m or m.group("first").endswith(_DATE_UNITS) or not any(lead in text for lead in EXPLANATION_LEADS):
        return None
    return m.group("first"), m.group("rest")


def _figure(text: str) -> bool:
    """A comparison or a percentage ("≥20座", "100%"), which no 三级 name is ("12345热线" can be)."""
    t = parse_target(text)
    return not t.qualitative and t.number is not None and (t.op_explicit or t.unit == "%")


def _value_like(text: str) -> bool:
    t = parse_target(text)
    return not t.qualitative or t.graded or len(text) <= 8 or is_date(text)


def _run_of_indicators(data: list[Tok]) -> bool:
    """Pieces of one run-on cell that open with a whole indicator ("…合规情况>=95%" then
    "项目完成率…"): they follow one another, they are not the columns of one row."""
    return (len({(t.loc, t.row) for t in data}) == 1 and data[0].loc is not None
            and split_trailing_value(data[0].text) is not None)


def _joined_value(value: Tok | None, op: Tok | None, unit: Tok | None) -> Tok | None:
    """指标性质 "≥" | 指标值 "95" | 计量单位 "%" -> "≥95%": the comparison before the figure and the
    unit after it, whatever the order of the columns; a unit already written in the value is not repeated."""
    if value is None or not (op or unit):
        return value
    text = value.text.strip()
    op_text = op.text.strip() if op else ""
    unit_text = unit.text.strip() if unit else ""
    if op_text and not (parse_target(op_text + "1").op_explicit or re.fullmatch(r"[≥≤><=≧≦]+", op_text)):
        op_text = ""  # a 指标性质 that is no comparison ("定量", "正向"): not part of the value
    if op_text and parse_target(text).op_explicit:
        op_text = ""
    if unit_text and (text.endswith(unit_text) or parse_target(text).qualitative or unit_text in ("-", "/")):
        unit_text = ""
    if not (op_text or unit_text):
        return value
    return Tok(op_text + text + unit_text, value.loc, value.row)


# A level's spelling opening a glued piece, longest first ("产出数量指标", "产出数量", "社会效益").
_LEADING_LEVEL = re.compile("|".join(map(re.escape, level_words())))


_PUNCTUATION_ONLY = re.compile(r"[【】\[\]\-—–_·:：、|]+|[(（](?:\d+(?:\.\d+)?分|必填[^)）]{0,8})[)）]")


_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


class IndicatorParser:
    def __init__(self, header: list[Tok] | None):
        self.indicators: list[Indicator] = []
        self.notes: list[str] = []
        self.l1: str | None = None
        self.l1_raw: str | None = None
        self.l2: str | None = None
        self.l2_raw: str | None = None
        self._l2_tok: Tok | None = None
        self._l2_used = True
        self._pending: Tok | None = None
        self.roles = ["name", "value", "explanation"]
        self.level2_col: int | None = None
        self.has_explanation = False
        self.has_standard = False
        self.col_roles: dict[int, str] = {}  # header column -> role, to place rows with empty cells
        self._header = list(header or [])
        self.header_roles: list[str] = []
        self._partial: dict[str, Tok] | None = None  # a row whose target cell came on the next line
        self._transposed: dict | None = None  # names and targets of a transposed table
        self._cells: list[Tok] = []  # one cell per line under a self-evaluation header, not yet read
        # A run-on copy may carry the first rows on the header's line: they are data, not columns.
        cut = len(self._header)
        while cut > 0 and norm_label(self._header[cut - 1].text) not in HEADER_WORDS:
            cut -= 1
        self._header, rest = self._header[:cut], self._header[cut:]
        if self._header:
            self._read_header(self._header)
        if rest and self._header and len({t.loc for t in rest} | {self._header[-1].loc}) == 1 \
                and any(re.search(r"\d", t.text) for t in rest):
            self.feed(rest)  # (words without a figure are a second header row: region names …)

    def _read_header(self, header: list[Tok]) -> None:
        roles: list[str] = []
        for tok in header:
            k = norm_label(tok.text)
            if k in HEADER_LEVEL2:
                self.level2_col = tok.loc.col
            role = column_role(tok.text)
            if role == "value" and "value" in roles:
                role = "ignore"  # a second target column (a region's, a year's): the first is the value
            if role == "explanation":
                self.has_explanation = True
            elif role == "standard":
                self.has_standard = True
            if role is not None and (roles or role in ("name", "value", "explanation", "standard")):
                roles.append(role)
            elif roles:
                roles.append("ignore")  # a column the reader does not know
        self.header_roles = roles
        if "name" in roles and "value" in roles:
            self.roles = roles
            data_header = header[len(header) - len(roles):]
            cols = [t.loc.col if t.loc else None for t in data_header]
            if None not in cols and len(set(cols)) == len(cols):
                self.col_roles = dict(zip(cols, roles))
        if not self.has_explanation:
            self.roles = [r if r != "explanation" else "ignore" for r in self.roles]

    # -- levels ------------------------------------------------------------------------
    def _set_l1(self, canon: str, tok: Tok) -> None:
        if self.l2 is not None and LEVEL2_PARENT.get(self.l2) == canon and self.l1 in (None, canon):
            # The 一级 of the running 二级 block, restated (a page break) or placed mid-span by a
            # vertical merge: the block goes on.
            self._flush_pending()
            self.l1, self.l1_raw = canon, tok.text
            return
        self._close_l2()
        self.l1, self.l1_raw = canon, tok.text
        self.l2 = self.l2_raw = None
        self._l2_tok = None

    def _set_l2(self, canon: str, tok: Tok) -> None:
        self._close_l2()
        parent = LEVEL2_PARENT.get(canon)
        if parent and self.l1 != parent and (self.l1, canon) not in LEGACY_PLACEMENT:
            self.l1, self.l1_raw = parent, self.l1_raw if self.l1 == parent else None
        self.l2, self.l2_raw = canon, tok.text
        self._l2_tok = tok
        self._l2_used = False

    def _close_l2(self) -> None:
        """A 二级 row with no 三级 under it is recorded (empty), so rules can see it."""
        self._flush_pending()
        if self._l2_tok is not None and not self._l2_used:
            self.indicators.append(Indicator(
                level1=self.l1, level1_raw=self.l1_raw, level2=self.l2, level2_raw=self.l2_raw,
                loc=self._l2_tok.loc, name_loc=self._l2_tok.loc,
            ))
            self._l2_used = True

    def _is_cost_level1(self, tok: Tok, seen_l1_in_row: bool) -> bool:
        """成本指标 is a 一级 (2021+ templates) or a 二级 under 产出 (older ones)."""
        if seen_l1_in_row:
            return False
        if self.level2_col is not None and tok.loc.col is not None:
            return tok.loc.col < self.level2_col
        return self.l1 != "产出指标"

    # -- rows --------------------------------------------------------------------------
    def _continues_header(self, row: list[Tok]) -> bool:
        """A header that spans two rows (its 指标值 cell wrapped under the rest): the columns combine."""
        return (bool(self._header) and not self.indicators and self._pending is None and not self._cells
                and all(header_key(t.text) in HEADER_WORDS for t in row))

    def _sub_header(self, row: list[Tok]) -> list[Tok] | None:
        """A second header row under the first (指标值 over 年度指标值 | 实际完成值): its cells take
        the columns they stand in. None when the columns are not known."""
        cols = {t.loc.col for t in self._header + row if t.loc is not None}
        if None in cols or any(t.loc is None for t in self._header + row):
            return None
        merged = {t.loc.col: t for t in self._header}
        if any(is_header_cell(merged[t.loc.col].text) and column_role(merged[t.loc.col].text) != "value"
               for t in row if t.loc.col in merged):
            return None  # it lands on the level or name columns: the header's cells wrapped, not a sub-header
        merged.update({t.loc.col: t for t in row})
        return [merged[c] for c in sorted(merged)]

    def _completes_partial(self, row: list[Tok]) -> bool:
        if self._partial is None:
            return False
        partial, self._partial = self._partial, None
        tok = row[0]
        if len(row) == 1 and not level1_of(tok.text) and not level2_of(tok.text) and _value_like(tok.text):
            partial["value"] = tok
            self._emit_fields(partial, [])
            return True
        self._emit_fields(partial, [])
        return False

    def _transposed_row(self, row: list[Tok]) -> bool:
        """Rows of a transposed table: names after 三级指标, then targets after the first target
        header, paired in order; what follows (another period's targets) is not read."""
        first = norm_label(row[0].text)
        if not self.indicators and self._transposed is None and opens_transposed(row):
            self._transposed = {"names": list(row[1:]), "values": None}
            return True
        t = self._transposed
        if t is None:
            return False
        if t["values"] is None and first in HEADER_VALUE:
            t["values"] = list(row[1:])
        elif t["values"] is None and not any(norm_label(x.text) in HEADER_WORDS for x in row):
            t["names"].extend(row)
        elif t["values"] is not None and len(t["values"]) < len(t["names"]):
            t["values"].extend(row)
        elif level1_of(row[0].text) or level2_of(row[0].text):
            return False
        if t["values"] is not None and len(t["values"]) >= len(t["names"]) and not t.get("done"):
            for name, value in zip(t["names"], t["values"]):
                self._emit(name, value, [])
            t["done"] = True
        return True

    def feed(self, row: list[Tok]) -> None:
        if self._transposed_row(row):
            return
        if self._continues_header(row):
            sub = self._sub_header(row)
            if sub is not None and "value" in self.header_roles:
                self._header = sub
                self._read_header(sub)
                return
            self._header += row
            self._read_header(self._header)
            self.col_roles = {}  # the wrapped cell's column says nothing about where its values stand
            return
        if self._completes_partial(row):
            return
        data: list[Tok] = []
        seen_l1 = seen_l2 = False
        for tok in row:
            k = norm_label(tok.text)
            if not data and (k in INDICATOR_NOISE or header_key(tok.text) in HEADER_WORDS or _PUNCTUATION_ONLY.fullmatch(k)):
                continue  # a header, or the brackets and dash of a "【产出指标-数量指标】" heading
            if not data and not self._in_name_column(tok):
                l1, l2 = level1_of(tok.text), (None if seen_l2 else level2_of(tok.text))
                if l1 == "成本指标" and l2 == "成本指标":
                    if self._is_cost_level1(tok, seen_l1):
                        self._set_l1(l1, tok)
                        seen_l1 = True
                    else:
                        self._set_l2(l2, tok)
                    continue
                if l1:
                    self._set_l1(l1, tok)
                    seen_l1 = True
                    continue
                if l2:
                    self._set_l2(l2, tok)
                    seen_l2 = True
                    continue
            data.append(tok)
        glued = self._glued_roles() and data and len({(t.loc, t.row) for t in data}) == 1 and data[0].loc is not None
        runs = read_cell_run([t.text for t in data], self._glued_roles()) \
            if glued and len(data) > len(self._glued_roles()) + 1 else None
        if glued and all(_LEADING_LEVEL.match(norm_label(t.text)) for t in data):
            for tok in data:  # pieces of one glued cell, each opening with its 二级 ("产出数量灭火…")
                self._glued_piece(tok)
        elif runs and len(runs) >= 2:
            self._flush_pending()
            self._emit_cell_run(data, runs)
        elif glued and len(data) == 1 and self._buffers(data[0]):
            pass
        elif len(data) >= 2 and _run_of_indicators(data):
            for tok in data:
                self._single(tok)
        elif len(data) >= 2:
            self._flush_pending()
            self._emit_row(data)
        elif len(data) == 1:
            self._single(data[0])

    def _in_name_column(self, tok: Tok) -> bool:
        """A 三级 named like a heading ("服务对象满意度" under 服务对象满意度指标) is a name."""
        return bool(self.col_roles) and tok.loc is not None and self.col_roles.get(tok.loc.col) == "name"

    def _free_columns_after_value(self) -> bool:
        """The header puts written columns (指标解释, 评分标准) right after the target."""
        if "value" not in self.roles:
            return False
        after = self.roles[self.roles.index("value") + 1:]
        return bool(after) and after[0] in ("explanation", "standard")

    def _glued_roles(self) -> list[str] | None:
        """The columns after the name when the header has figure columns besides the target
        (分值, 实际完成值, 得分 of a self-evaluation table): a glued row is read by them."""
        if "name" not in self.roles or not set(self.roles) & {"actual", "weight", "score"}:
            return None
        return self.roles[self.roles.index("name") + 1:]

    def _buffers(self, tok: Tok) -> bool:
        """One cell per line under a self-evaluation header (name, target, actual, score each on
        its own line): the cells are kept and read as rows when the block or the level ends."""
        if not self._cells and self._actual_after_break(tok):
            return True
        if self._cells and self._cells[-1].loc == tok.loc:
            return False  # not one cell per line
        rows = read_glued(tok.text, self._glued_roles() or [])
        if rows and any(r.cells.get("value") for r in rows) and len(_CJK_RE.findall(tok.text)) > 2:
            return False  # a whole glued row
        self._cells.append(tok)
        return True

    def _flush_cells(self) -> None:
        cells, self._cells = self._cells, []
        if not cells:
            return
        runs = read_cell_run([t.text for t in cells], self._glued_roles() or [])
        if runs is None:
            for tok in cells:
                self._single_plain(tok)
            self._flush_pending_only()
            return
        self._emit_cell_run(cells, runs)

    def _emit_cell_run(self, data: list[Tok], runs) -> None:
        """Rows read from cells that arrive one after another: each cell keeps its own location."""
        by_text = iter(data)
        for r in runs:
            name = next(by_text)
            value = next(by_text)
            actual = None
            for role in [k for k in r.cells if k != "value"]:
                tok = next(by_text)
                if role == "actual":
                    actual = tok
            self._emit(name, value, [], actual=actual)
        # (the cells of a score column the header did not name are consumed with their row)

    def _glued_piece(self, tok: Tok) -> None:
        """A piece of a glued cell that opens with a level's short spelling ("产出数量", "社会效益")
        followed by rows that read by the header: the level is set, the rows are read."""
        m = _LEADING_LEVEL.match(tok.text)
        roles = self._glued_roles()
        if m and roles and read_glued(tok.text[m.end():], roles):
            word = m.group(0)
            l1, l2 = level1_of(word), level2_of(word)
            if l2 and not (l1 and l2 == "成本指标" and self._is_cost_level1(tok, False)):
                self._set_l2(l2, Tok(word, tok.loc, tok.row))
            elif l1:
                self._set_l1(l1, Tok(word, tok.loc, tok.row))
            tok = Tok(tok.text[m.end():], tok.loc, tok.row)
        self._single(tok)

    def _actual_after_break(self, tok: Tok) -> bool:
        """A glued row cut by a line break (a page marker "2、" before it): a lone figure is the
        actual of the row before, when that row has none yet."""
        roles = self._glued_roles()
        last = self.indicators[-1] if self.indicators else None
        text = norm_label(tok.text)
        if not roles or "actual" not in roles or last is None or last.actual is not None or not last.value \
                or self._pending is not None or not _figure(text) or text != tok.text.strip()[-len(text):]:
            return False
        last.actual = text
        return True

    def _single(self, tok: Tok) -> None:
        if self._actual_after_break(tok):
            return
        roles = self._glued_roles()
        rows = read_glued(tok.text, roles) if roles else None
        if rows and any(r.cells.get("value") for r in rows):
            self._flush_pending()
            for r in rows:
                if not r.cells.get("value"):
                    self._single_plain(Tok(r.name, tok.loc, tok.row))
                    continue
                cell = {role: Tok(text, tok.loc, tok.row) for role, text in r.cells.items()}
                value = _joined_value(cell["value"], cell.get("op"), cell.get("unit"))
                self._emit(Tok(r.name, tok.loc, tok.row), value, [], actual=cell.get("actual"))
            return
        self._single_plain(tok)

    def _single_plain(self, tok: Tok) -> None:
        if self._pending is not None and _value_like(tok.text):
            name, self._pending = self._pending, None
            self._emit(name, tok, [])
            return
        if self._pending is not None and _figure(self._pending.text) and not _value_like(tok.text):
            # One cell per line with the value before its name ("≥20座" then "脱贫户供水设施数量"):
            # a swapped row, kept in the order written so the facts report the swap (Q06).
            first, self._pending = self._pending, None
            self._emit(first, tok, [])
            return
        run = split_indicator_run(tok.text)
        if len(run) > 1:
            self._flush_pending()
            swapped = split_leading_figure(run[0])
            if swapped:  # kept in the order written, so the facts report the swap (Q06)
                self._emit(Tok(swapped[0], tok.loc, tok.row), Tok(swapped[1], tok.loc, tok.row), [])
                run = run[1:]
            for piece in run:
                self._single(Tok(piece, tok.loc, tok.row))
            return
        self._flush_pending()
        glued = split_leading_value(tok.text) if self._free_columns_after_value() else None
        if glued:
            name, value, rest = (Tok(t, tok.loc, tok.row) for t in glued)
            self._emit(name, value, [], rest if rest.text else None)
            return
        split = (split_labelled_bracket(tok.text) or split_trailing_value(tok.text) or split_trailing_trend(tok.text)
                 or split_leading_percent(tok.text) or split_leading_number(tok.text))
        if split:
            name, value = split
            self._emit(Tok(name, tok.loc, tok.row), Tok(value, tok.loc, tok.row), [])
            return
        self._pending = tok

    def _flush_pending(self) -> None:
        if self._cells:
            self._flush_cells()
        self._flush_pending_only()

    def _flush_pending_only(self) -> None:
        if self._partial is not None:
            partial, self._partial = self._partial, None
            self._emit_fields(partial, [])
        if self._pending is not None:
            tok, self._pending = self._pending, None
            self._emit(tok, None, [])

    def _by_column(self, data: list[Tok]) -> list[str] | None:
        """Roles by the header's columns, when the row lines up with it (its first cell under 三级):
        an empty 指标值 cell then leaves the explanation in its own column."""
        if not self.col_roles or any(t.loc is None for t in data):
            return None
        roles = [self.col_roles.get(t.loc.col) for t in data]
        if roles[0] != "name" or None in roles or len(set(roles)) != len(roles):
            return None
        return roles

    def _emit_row(self, data: list[Tok]) -> None:
        fields: dict[str, Tok] = {}
        roles = self._by_column(data)
        for role, tok in zip(roles or self.roles, data):
            if role != "ignore" and role not in fields:
                fields[role] = tok
        extra = [] if roles else [t for t in data[len(self.roles):]]
        unread = [t.text for t in extra if re.search(r"[\u4e00-\u9fff]", t.text)]
        if unread and data:
            where = data[0].loc.describe() if data[0].loc else ""
            self.notes.append(f"{where}：指标行中有未能归入列的内容“{' '.join(unread)[:60]}”，可能是另一条指标，请人工核对。")
        if not roles and "value" in self.roles and "value" not in fields and self.roles.index("value") >= len(data) \
                and "name" in fields:
            self._partial = fields  # the row goes on in the next line (a cell-per-line copy)
            return
        self._emit_fields(fields, extra)

    @staticmethod
    def _explanation_in_name(name: Tok) -> tuple[Tok, Tok | None]:
        """"办公大楼维修次数反映办公大楼全年维修维护情况": a run-on copy of a table with an explanation
        column glues the name to its explanation; the explanation opens with its lead word (反映)."""
        for lead in EXPLANATION_LEADS:
            at = name.text.find(lead)
            rest = name.text[at:]
            # "…反映…情况" (or the lead alone where the copy is cut off); "群众反映问题办结率" is a name.
            if at >= 2 and len(re.findall(r"[\u4e00-\u9fff]", name.text[:at])) >= 2 \
                    and (rest == lead or rest.rstrip("<>=≥≤ ").endswith(EXPLANATION_ENDS)):
                return Tok(name.text[:at], name.loc, name.row), Tok(name.text[at:], name.loc, name.row)
        return name, None

    def _emit_fields(self, fields: dict[str, Tok], extra: list[Tok]) -> None:
        value = _joined_value(fields.get("value"), fields.get("op"), fields.get("unit"))
        self._emit(fields.get("name"), value, extra, fields.get("explanation"), fields.get("standard"),
                   fields.get("actual"))

    def _emit(self, name: Tok | None, value: Tok | None, extra: list[Tok], explanation: Tok | None = None,
              standard: Tok | None = None, actual: Tok | None = None) -> None:
        if name is not None and explanation is None and standard is None and (self.has_explanation or self.has_standard) \
                and (value is None or value.loc == name.loc):  # one glued cell, not the name's own cell
            name, written = self._explanation_in_name(name)
            if written is not None and self.has_explanation:
                explanation = written
            elif written is not None:
                standard = written
        value_text = value.text if value else ""
        anchor = name or value
        self.indicators.append(Indicator(
            level1=self.l1, level1_raw=self.l1_raw, level2=self.l2, level2_raw=self.l2_raw,
            name=name.text if name else "", value=value_text,
            target=parse_target(value_text) if value_text else None,
            explanation=(explanation.text if explanation else "") if self.has_explanation else None,
            standard=(standard.text if standard else "") if self.has_standard else None,
            loc=anchor.loc if anchor else None, name_loc=name.loc if name else None,
            value_loc=value.loc if value else None, actual=actual.text if actual else None,
        ))
        self._l2_used = True

    def finish(self) -> list[Indicator]:
        self._close_l2()
        self._flush_pending()
        return self.indicators
