"""Extractor: Document (rows of cells) -> Submission (typed forms).

Knows budgets, not file formats. Forms are split at their titles; inside a form, labels
from the vocabulary say what the neighbouring cells mean. Nothing the source holds is
dropped silently: what cannot be read becomes a note on the form or the submission.
"""

from __future__ import annotations

import re

from checker.document import Document
from checker.extract.builder import FormBuilder
from checker.extract.cells import Tok, is_free_text, is_title, norm_label, prepare
from checker.extract.indicators import (
    HEADER_WORDS, IndicatorParser, is_header_cell, is_header_row, level1_of, level2_of, opens_transposed,
)
from checker.extract.normalize import half_width, key
from checker.extract.script import restore_written, simplify_rows
from checker.extract.truncation import judge_end, table_words
from checker.extract.unitname import is_placeholder_unit, looks_like_unit
from checker.extract.values import column_year, find_year, glued_budget, parse_money, standalone_year
from checker.extract.vocabulary import (
    BLOCK_END, BUDGET_COLUMNS, CONTENT_LEVEL1, COVER_TITLE, DECLARED_UNIT, DEPARTMENT_MARK_FIELDS,
    DEPARTMENT_MARK_LABELS, EXECUTED_COLUMNS, FIELD_LABELS, from_labels, FORM_OPENER_FIELDS, FORM_OPENER_LABELS,
    HEADING_KIND_WORDS, HEADING_WORDS, KIND_WORDS_IN_TITLE, LABEL_PATTERNS, LEVEL2_PARENT, LOWEST_LEVEL_WINS,
    NAME_FIELDS, NOT_FORM_KINDS, PLAN_COLUMNS, PROJECT_MARK_FIELDS, PROJECT_MARK_LABELS, PROJECT_VARIANTS,
    SCORE_COLUMNS, SECTION_LABELS, TASK_AMOUNT_COLUMNS, TITLE_PATTERNS, TOTAL_ROW_LABELS,
    UNIT_SUFFIX,
)
from checker.model import CostLine, Money, PlanItem, Submission, SummaryLine, Text

_AMOUNT_ONLY = re.compile(r"^-?\d[\d,]*(\.\d+)?\s*(万元|元|万)?$")
# "全年预算数(A)", "执行率(B/A)": the letters name the column in a formula, not the label.
_COLUMN_LETTER = re.compile(r"\([A-Z](?:[+\-*/][A-Z])*\)$")
_LEADING_UNIT = re.compile(r"^\s*\((万元|元)\)\s*(?=\S)")
_SEQ_SPECIAL = re.compile(r"^[一二三四五六七八九十]+$")
_SEQ_DIRECTION = re.compile(r"^\d+$")


@from_labels
def _field_prefixes() -> list[str]:
    return sorted((w for w in FIELD_LABELS if len(w) >= 4), key=len, reverse=True)


@from_labels
def _next_name_label() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(
        {w for w, (f, _) in FIELD_LABELS.items() if f in NAME_FIELDS and len(w) >= 4}, key=len, reverse=True))))


# Words that open a section or a sign-off box rather than a field.
_NON_FIELD_WORDS = sorted({norm_label(w) for w in list(SECTION_LABELS) + BLOCK_END}, key=len, reverse=True)


@from_labels
def _next_label() -> re.Pattern[str]:
    """Where a name run on into the next label ends: any label or section word of four or more characters."""
    return re.compile("|".join(map(re.escape, sorted(
        {w for w in list(FIELD_LABELS) + list(SECTION_LABELS) if len(w) >= 4}, key=len, reverse=True))))


def title_kind(text: str) -> str | None:
    k = key(text)
    if COVER_TITLE.search(k) and not re.search(r"项目|部门整体|单位整体|专项", k):
        return "cover"
    for kind, pattern in TITLE_PATTERNS:
        if pattern.search(k):
            return kind
    return None


def match_label(text: str, prefix: bool = True):
    """(field, vtype, inline value or None, unit from the label) if text is a field label.
    `prefix`: also accept a label run together with its value ("项目名称科普基金")."""
    t = re.sub(r"^其中\s*[:：]?\s*", "", half_width(text).strip())
    m = DECLARED_UNIT.search(t)
    if m and len(t) <= 12:
        return ("amount_unit", "unit", m.group(1), m.group(1))
    label, sep, value = t.partition(":")
    k, unit = _label_key(label)
    inline = value.strip() if sep else None
    if k not in FIELD_LABELS and _SEAL_MARK.sub("", k) in FIELD_LABELS:
        k = _SEAL_MARK.sub("", k)  # "单位名称(公章)", "填报单位(公章)": the seal mark is no part of the label
    if k in FIELD_LABELS:
        return (*FIELD_LABELS[k], inline, unit)
    for pattern, field, vtype in LABEL_PATTERNS:
        if pattern.match(k):
            return field, vtype, inline, unit
    if k in SECTION_LABELS or is_title(text) or not prefix:
        return None
    # A label run together with its value; a colon further on belongs to the value
    # ("年度资金总额194.9194.9100%其中:中央…").
    return _prefix_label(norm_label(t) if sep else k, unit)


_SEAL_MARK = re.compile(r"\((?:盖章|公章|签章|盖公章|章)\)$")
_BRACKETS = str.maketrans("[]【】〔〕［］", "()()()()")


def _label_key(label: str) -> tuple[str, str | None]:
    """The one normaliser labels are compared after (half-width, no spaces, no enumeration, one kind
    of bracket, no required-field marks "*"/"★", no column letters such as "(A)"), and the money
    unit its suffix declares ("(万元)"). Traditional characters were simplified on reading."""
    k = _COLUMN_LETTER.sub("", norm_label(label).translate(_BRACKETS).strip("*★※△"))
    um = UNIT_SUFFIX.search(k)
    return (k[: um.start()], um.group(1)) if um else (k, None)


def _prefix_label(whole: str, unit: str | None):
    for word in _field_prefixes():
        if whole.startswith(word) and len(whole) > len(word):
            if any(whole.startswith(w) for w in _NON_FIELD_WORDS if len(w) > len(word)):
                return None  # "主管部门审核意见…" is a sign-off box, not 主管部门 with a value
            field, vtype = FIELD_LABELS[word]
            rest = whole[len(word):]
            # A bracket after the label qualifies it ("年度绩效目标(文字)"), it is no value; an
            # open one is a column header cut at a line break ("单位名称(项目类别").
            money = _UNIT_THEN_VALUE.match(rest) if vtype == "money" else None
            if money is not None:  # "资金总额(万元)50": the unit bracket, then the value
                return field, vtype, money.group(2), money.group(1)
            if rest.startswith("("):
                return (field, vtype, None, unit) if re.fullmatch(r"\([^()]*\)", rest) else None
            return field, vtype, rest, unit
    return None


_UNIT_THEN_VALUE = re.compile(r"\((?:金额)?(?:单位:)?(万元|元)\)\s*(-?\d.*)$")


@from_labels
def _money_label_inside() -> re.Pattern[str]:
    return re.compile(
        "(?:" + "|".join(map(re.escape, sorted((w for w, (_, vt) in FIELD_LABELS.items() if vt == "money" and len(w) >= 4),
                                               key=len, reverse=True)))
        + r")(?:\((?:万元|元)\))?[:：]?\s*-?\d[\d,]*(?:\.\d+)?\s*(?:万元|元|万)?\s*(?:$|其中)")


def _split_money_label_inside(row: list[Tok], i: int) -> None:
    """A money label with its figure run on after other words ("县动物卫生监督所资金总额(万元)50"):
    the label and figure become a cell of their own. Only where the figure ends the cell: in prose
    ("…项目资金3万元用于宣传") an amount is not the form's."""
    text = half_width(row[i].text)
    m = _money_label_inside().search(text)
    if m is not None and m.start() > 0:
        row[i: i + 1] = [Tok(text[: m.start()].strip(), row[i].loc, row[i].row),
                         Tok(text[m.start():], row[i].loc, row[i].row)]


def _rejoin_split_label(row: list[Tok], i: int) -> bool:
    """A label wrapped over two cells of a copy ("地方主管部 | 门", "省级业务主管部 | 门") is one label."""
    if i + 1 >= len(row) or len(norm_label(row[i + 1].text)) > 3:
        return False
    joined = row[i].text.strip() + row[i + 1].text.strip()
    if match_label(joined, prefix=False) is None or match_label(row[i + 1].text, prefix=False) is not None:
        return False
    row[i: i + 2] = [Tok(joined, row[i].loc, row[i].row)]
    return True


_NOT_MONEY_COLUMN = -1
_SUB_COLUMN_WORDS = {"合计", "小计", "总计", "金额"}
_FIGURE = re.compile(r"^-?\d[\d,]*(\.\d+)?\s*(万元|元|万|%)?$")


def _is_figure(text: str) -> bool:
    return bool(_FIGURE.match(half_width(text).strip()))


def _column_key(text: str) -> str:
    k = _COLUMN_LETTER.sub("", norm_label(text))
    um = UNIT_SUFFIX.search(k)
    return k[: um.start()] if um else k


def _money_column(text: str) -> int | None:
    """The rank of a budget column (best first), None for an executed/rate/score column,
    _NOT_MONEY_COLUMN for anything else."""
    k = _column_key(text)
    if k in BUDGET_COLUMNS:
        return BUDGET_COLUMNS.index(k)
    if k in EXECUTED_COLUMNS or k in SCORE_COLUMNS:
        return None
    return _NOT_MONEY_COLUMN


def _is_budget_sub_label(text: str) -> bool:
    return norm_label(text) in _SUB_COLUMN_WORDS or _money_column(text) not in (None, _NOT_MONEY_COLUMN)


def _figures_at(row: list[Tok], j: int) -> list[Tok]:
    """The run of figures (amounts, rates) that starts at row[j]."""
    figures: list[Tok] = []
    while j + len(figures) < len(row) and _is_figure(row[j + len(figures)].text):
        figures.append(row[j + len(figures)])
    return figures


def _best_budget(ranked: list[tuple[int | None, Tok]]) -> Tok | None:
    """The figure under the best budget column (executed/rate/score columns have rank None)."""
    budget = sorted((rank, n, tok) for n, (rank, tok) in enumerate(ranked) if rank is not None)
    return budget[0][2] if budget else None


_LEADING_COLUMN = re.compile(r"^\s*(\([A-Z](?:[+\-*/][A-Z])*\))?\s*")


def _budget_column_value(value: str) -> str | None:
    """A money value that opens with its column's name ("全年预算数(A)300…", "(A)300" after the label
    全年预算数): the figure after a budget column; None after an executed column."""
    v = _LEADING_COLUMN.sub("", half_width(value), count=1)
    for word in sorted(BUDGET_COLUMNS + EXECUTED_COLUMNS, key=len, reverse=True):
        if v.startswith(word):
            if word in EXECUTED_COLUMNS:
                return None
            return _LEADING_COLUMN.sub("", v[len(word):], count=1)
    return v if v != half_width(value) else value


def is_labelish(text: str) -> bool:
    k = norm_label(text)
    if match_label(text, prefix=False) is not None or k in SECTION_LABELS or is_title(text) or k in HEADER_WORDS:
        return True  # an indicator header cell ("一级指标") is never a field's value either
    return bool(level1_of(text) or level2_of(text))


def _starts_block_end(row: list[Tok]) -> bool:
    first = norm_label(row[0].text)
    if any(first.startswith(word.rstrip(":")) for word in BLOCK_END) or is_cost_header(row):
        return True
    # A contact line after the table ("填报人：刘洋", "联系电话：0736-…") is not an indicator.
    label = match_label(row[0].text, prefix=False)
    return label is not None and label[1] == "contact"


def _opens_with_level(text: str) -> bool:
    """A 一级, or a 二级 heading written out ("数量指标"), opens the indicator block even when the
    header row was lost in a run-on copy (its 一级 is then known from the 二级)."""
    return bool(level1_of(text) or (level2_of(text) and norm_label(text).endswith("指标")))


def _blank_how(label: Tok, nxt: Tok | None, free_text: bool) -> str:
    """A label with nothing after it is a certain blank only where the table shows the empty
    cell: the label ends its row, or an empty column separates it from the next label. In free
    text, or with two labels side by side (a header row over values below), the value may be
    elsewhere. A label closed by its colon ("填表人：") with another label right after it is blank
    wherever it stands."""
    if half_width(label.text).strip().endswith(":"):
        return "label"
    if free_text:
        return "near"
    if nxt is None:
        return "label"
    a, b = label.loc.col if label.loc else None, nxt.loc.col if nxt.loc else None
    return "label" if a is not None and b is not None and b - a > 1 else "near"


def is_cost_header(row: list[Tok]) -> bool:
    keys = [norm_label(t.text) for t in row]
    return any(k.startswith("支出明细") for k in keys) and (len(keys) >= 3 or any("测算" in k for k in keys))


def is_summary_header(row: list[Tok]) -> bool:
    keys = {norm_label(t.text) for t in row}
    return "序号" in keys and "名称" in keys


class _FormReader:
    """Reads the rows of one form segment into a FormBuilder."""

    def __init__(self, builder: FormBuilder, free_text: bool):
        self.b = builder
        self.free_text = free_text
        self.state = "fields"
        self.block: str | None = None
        self.pending: tuple | None = None
        self.ind: IndicatorParser | None = None
        self.cost_item_col: int | None = None  # the 支出明细 column of the cost block's header
        self.task_cols: dict[int, str] = {}  # column -> money field of a 年度主要任务 table
        self.plan_cols: dict[int, str] = {}  # column -> PlanItem field, from a plan table's header row
        # column -> (field, value type, unit) of a label whose value is on the next row, in its column
        self.values_below: dict[int, tuple[str, str, str | None]] = {}
        # labels of a free-text copy left blank one after another: their values may follow later
        self.blank_run: list[tuple[Tok, str, str, str | None]] = []
        self.fragment: Tok | None = None  # the first part of a label wrapped over two rows
        self.seq_col: int | None = None  # the 序号 column of the 汇总表 header
        self.header_lines: list[Tok] = []  # indicator header cells met one per line
        # (column, rank) of a money block's header (全年预算数(A) | 全年执行数(B) | 执行率): rank orders
        # the budget columns best first, None marks executed/rate/score columns.
        self.money_cols: list[tuple[int | None, int | None]] = []

    def read(self, rows: list[list[Tok]]) -> None:
        for row in rows:
            for tok in row:
                self.b.texts.append(Text(value=tok.text, loc=tok.loc))
                if column_year(tok.text):
                    self.b.column_years.add(column_year(tok.text))
                if UNIT_SUFFIX.search(norm_label(tok.text)) and self.b.declared_unit is None:
                    self.b.declared_unit = UNIT_SUFFIX.search(norm_label(tok.text)).group(1)
            self._row(row)
        self._note_end(rows)
        self._end_indicators()

    def _note_end(self, rows: list[list[Tok]]) -> None:
        """Where the form's text stopped, for checker.extract.truncation."""
        self.b.end_state = self.state
        self.b.ended_by_footer = bool(rows) and _starts_block_end(rows[-1])
        self.b.last_loc = rows[-1][-1].loc if rows else None

    def _end_indicators(self) -> None:
        if self.ind is not None:
            self.b.indicators.extend(self.ind.finish())
            self.b.notes.extend(self.ind.notes)
            self.b.has_explanation_column |= self.ind.has_explanation
            self.b.has_standard_column |= self.ind.has_standard
            self.ind = None

    def _row(self, row: list[Tok]) -> None:
        if self.b.year is None:
            for tok in row[:3]:
                self.b.year = standalone_year(tok.text)
                if self.b.year:
                    break
        if self.state == "indicators":
            if not _starts_block_end(row):
                self.ind.feed(row)
                return
            self._end_indicators()
            self.state = "fields"
        if self.state == "cost":
            if self._cost_row(row):
                return
            self.state = "fields"
        if self.state == "summary":
            if not _starts_block_end(row):
                self._summary_row(row)
                return
            self.state = "fields"
        header_lines, self.header_lines = self.header_lines, []
        if is_header_row(row) or ((_opens_with_level(row[0].text) or opens_transposed(row)) and self.b.kind is not None):
            self.state = "indicators"
            self.pending = None
            self.block = None
            header = row if is_header_row(row) else None
            if header is None and is_header_row(header_lines):
                header = header_lines  # a header written one cell per line just before the block
            self.ind = IndicatorParser(header)
            if not is_header_row(row):
                self.ind.feed(row)
            return
        if len(row) == 1 and is_header_cell(row[0].text):
            self.header_lines = header_lines + row
        elif len(row) == 1 and header_lines and re.fullmatch(r"\d+(?:\.\d+)?", row[0].text.strip()):
            self.header_lines = header_lines  # a weight under the header ("50"): the header goes on
        if is_cost_header(row):
            self.state = "cost"
            self.cost_item_col = next((t.loc.col for t in row if norm_label(t.text) == "支出明细" and t.loc), None)
            return
        if self.b.kind == "special_fund_summary" and is_summary_header(row):
            self.state = "summary"
            self.seq_col = next((t.loc.col for t in row if norm_label(t.text) == "序号" and t.loc), None)
            return
        self._field_row(row)

    # -- header fields ---------------------------------------------------------------------
    # A label's value is found inline ("资金总额：55" / "项目名称科普基金"), to its right, in a sub-column
    # (under the budget column of a money block's header), below it (the next line of a free-text
    # copy, or the row under a row of headings), later in a PDF copy that writes labels first, or
    # in a plan/task table the label opens.
    def _field_row(self, row: list[Tok]) -> None:
        if self.block == "plans" and self._task_table_row(row):
            return
        if self._values_below(row) or self._money_header(row):
            return
        if not is_labelish(row[0].text):
            self.blank_run = []
        row = self._wrapped_label(self._pending_value(row))
        if not row:
            return
        labelled = self._labelled_cells(row)
        if labelled is None:
            return
        if not labelled:
            self._block_row(row)

    def _values_below(self, row: list[Tok]) -> bool:
        """A row of labels over a row of values ("项目名称 | 主管部门" over "植树造林 | 青山市林业局", or
        "总体目标 | 实施期目标 | 年度目标" over their texts): each value is its column's label's."""
        below, self.values_below = self.values_below, {}
        if not below or any(is_labelish(t.text) for t in row):
            return False
        only = set(below.values())
        for tok in row:
            spec = below.get(tok.loc.col if tok.loc else -1)
            if spec is None and len(only) == 1 and next(iter(only))[1] == "goal":
                spec = next(iter(only))  # one goal heading over a merged text cell
            if spec:
                field, vtype, unit = spec
                self._assign(field, vtype, tok.text, unit, tok, how="near")  # below its label
        return True

    def _pending_value(self, row: list[Tok]) -> list[Tok]:
        """A label that ended the previous line of a free-text copy takes this line's first cell."""
        if self.pending is None:
            return row
        label_tok, field, vtype, unit = self.pending
        self.pending = None
        if vtype == "money" and _money_column(label_tok.text) != _NOT_MONEY_COLUMN:
            figure, end = self._columns_below(label_tok, row)
            if figure is not None:
                self._assign(field, vtype, figure.text, unit, figure, how="near")
                return row[end:]
        row = list(row)
        _rejoin_split_label(row, 0)  # "总体 | 目标" is a label, not this label's value
        joined = match_label(label_tok.text + row[0].text, prefix=False)
        if joined is not None and joined[2] is None and ":" not in half_width(label_tok.text):
            # "部门(单位)" / "名称" on two lines: one label, read again with this line
            return [Tok(label_tok.text + row[0].text, label_tok.loc, label_tok.row), *row[1:]]
        if vtype == "money" and not re.search(r"\d", row[0].text) and not is_labelish(row[0].text):
            # a money label over a line without a figure ("项目资金" / "预算执行") heads a block:
            # its amount is labelled further on, that line is no amount
            return row
        if not is_labelish(row[0].text):
            self._assign(field, vtype, row[0].text, unit, row[0], how="near")  # on the next line
            return row[1:]
        if vtype == "money":
            self.b.note_blank_money(field, "near")
        elif vtype in ("text", "contact", "goal"):
            # another label follows: left blank, or its value is elsewhere (free text has no
            # cells); a label closed by its colon ("填表人：") with nothing after it is blank.
            closed = half_width(label_tok.text).strip().endswith(":")
            self._assign(field, vtype, "", unit, label_tok, how="label" if closed else "near")
            self.blank_run.append((label_tok, field, vtype, unit))
        return row

    def _wrapped_label(self, row: list[Tok]) -> list[Tok]:
        """A label written over two rows of its cell ("年度" / "目标"): the first part waits on its
        own row for the rest."""
        fragment, self.fragment = self.fragment, None
        if not row:
            return row
        if fragment is not None:
            joined = match_label(fragment.text + row[0].text, prefix=False)
            if joined is not None and joined[2] is None:
                return [Tok(fragment.text + row[0].text, fragment.loc, fragment.row), *row[1:]]
        k = norm_label(row[0].text)
        if len(row) == 1 and 2 <= len(k) <= 4 and match_label(row[0].text) is None \
                and any(label.startswith(k) and label != k for label in FIELD_LABELS):
            self.fragment = row[0]
            return []
        return row

    def _labelled_cells(self, row: list[Tok]) -> bool | None:
        """Read every label of the row with its value. True if the row had a label, None when a
        plan table took the rest of the row."""
        labelled = False
        row = list(row)  # a value cut at the next label puts that label back into the row
        i: int | None = 0
        while i is not None and i < len(row):
            lab = match_label(row[i].text)
            if lab is None and _rejoin_split_label(row, i):
                lab = match_label(row[i].text)
            elif lab is None:
                _split_money_label_inside(row, i)  # the label, if any, is then the next cell
            if lab is None:
                i += 1
                continue
            labelled = True
            i = self._read_label(row, i, lab)
        return None if i is None else labelled

    def _read_label(self, row: list[Tok], i: int, lab: tuple) -> int | None:
        """Read the label at row[i]; the index of the next cell to look at (None: row done)."""
        field, vtype, inline, unit = lab
        if vtype == "unit":
            self.b.declared_unit = unit
            return i + 1
        if vtype in ("plans", "measures"):
            return self._block_label(row, i, vtype)
        self.block = None
        if inline:
            return self._inline_value(row, i, field, vtype, inline, unit)
        return self._value_beside(row, i, field, vtype, unit, colon=inline is not None)

    def _inline_value(self, row: list[Tok], i: int, field: str, vtype: str, inline: str, unit: str | None) -> int:
        """"资金总额：55" or "项目名称科普基金": the value is in the label's own cell."""
        self.blank_run = []
        # After the label's colon: exact; run together with the label: split by us.
        how = "label" if ":" in half_width(row[i].text) else "near"
        self._assign(field, vtype, self._cut_at_next_label(row, i, field, inline), unit, row[i], how=how)
        return i + 1

    def _cut_at_next_label(self, row: list[Tok], i: int, field: str, value: str) -> str:
        """A name never runs into the next label: "青山区教育局项目执行单位化工区学校" is a name, then
        the label 项目执行单位 with its own value, put back into the row after row[i]."""
        if field not in NAME_FIELDS and field != "project_name":
            return value
        # A project's name may hold money words ("…财政拨款补助"), never a unit or contact label.
        m = (_next_name_label() if field == "project_name" else _next_label()).search(norm_label(value))
        if m is None or m.start() == 0:
            return value
        k = norm_label(value)
        row.insert(i + 1, Tok(k[m.start():], row[i].loc, row[i].row))
        return k[: m.start()]

    def _block_label(self, row: list[Tok], i: int, vtype: str) -> int | None:
        """年度重点工作计划 / 保障措施: a block whose items follow, on this row or below."""
        self.block = vtype
        rest = [t for t in row[i + 1:] if norm_label(t.text) not in SECTION_LABELS]
        if vtype == "measures":
            if rest and match_label(rest[0].text) is None:
                self.b.measures.append(Text(value=rest[0].text, loc=rest[0].loc))
                return row.index(rest[0]) + 1
            return i + 1
        self.plan_cols = {}
        if self._plan_header(row[i + 1:]):
            return None
        if rest:
            self._plan(rest)
            return None
        return i + 1

    def _money_header(self, row: list[Tok]) -> bool:
        """全年预算数(A) | 全年执行数(B) | 执行率 | 得分: the columns of the figures on the rows below."""
        cols = [(t.loc.col if t.loc else None, _money_column(t.text)) for t in row]
        known = [(c, rank) for c, rank in cols if rank != _NOT_MONEY_COLUMN]
        if len(known) < 2 or all(rank is None for _, rank in known) or any(_is_figure(t.text) for t in row):
            return False
        self.money_cols = known
        return True

    def _columns_below(self, label_tok: Tok, row: list[Tok]) -> tuple[Tok | None, int]:
        """A free-text copy of "全年预算数(A) | 全年执行数(B)" over "7165.32 | 6992.95": the line after a
        money-column label opens with the other column labels, then the figures in the same order."""
        ranks = [_money_column(label_tok.text)]
        j = 0
        while j < len(row) and _money_column(row[j].text) != _NOT_MONEY_COLUMN:
            ranks.append(_money_column(row[j].text))
            j += 1
        figures = _figures_at(row, j)
        budget = _best_budget(list(zip(ranks, figures)))
        if len(ranks) < 2 or budget is None:
            return None, 0
        return budget, j + len(figures)

    def _sub_column_value(self, row: list[Tok], i: int) -> tuple[Tok | None, int]:
        """The amount of a money label in a sub-column: under the budget column of the money block's
        header, or after a sub-label ("项目资金(万元) | 合计 | 250", "年度资金总额 | 全年预算数(A) | 300").
        Returns the value (None: not this layout) and the index after the figures read."""
        j = i + 1
        while j < len(row) and _is_budget_sub_label(row[j].text):
            j += 1
        figures = _figures_at(row, j)
        end = j + len(figures)
        if not figures or (j == i + 1 and not self.money_cols):
            return None, (end if figures else i + 1)
        if j > i + 1:
            return figures[0], end
        return _best_budget(self._under_header(figures)), end

    def _under_header(self, figures: list[Tok]) -> list[tuple[int | None, Tok]]:
        """Each figure with the rank of the header column it is under: by column position, or in a
        text copy (no positions) the k-th figure under the k-th column."""
        header = dict(self.money_cols)
        if None not in header and all(f.loc and f.loc.col in header for f in figures):
            return [(header[f.loc.col], f) for f in figures]
        return [(rank, f) for (_, rank), f in zip(self.money_cols, figures)]

    def _value_beside(self, row: list[Tok], i: int, field: str, vtype: str, unit: str | None,
                      colon: bool = False) -> int:
        """The value right of the label; else, at the end of a free-text line, the next line's
        first cell; else the field is blank (a goal heading's text may follow on the next row)."""
        tok = row[i]
        if vtype == "money":
            value, end = self._sub_column_value(row, i)
            if value is not None:
                self._assign(field, vtype, value.text, unit, value)
                return end
        nxt = row[i + 1] if i + 1 < len(row) else None
        if nxt is not None and not is_labelish(nxt.text):
            end = self._labels_then_values(row, i, field, vtype, unit)
            if end:
                return end
            self._assign(field, vtype, self._cut_at_next_label(row, i + 1, field, nxt.text), unit, nxt)
            return i + 2
        if nxt is None and self.free_text:
            self.pending = (tok, field, vtype, unit)
        else:
            self._no_value_beside(tok, field, vtype, unit, colon, _blank_how(tok, nxt, self.free_text))
        return i + 1

    def _labels_then_values(self, row: list[Tok], i: int, field: str, vtype: str, unit: str | None) -> int:
        """A PDF copy writes the labels of a row first, then their values ("部门(单位)名称 / 填报人
        广水市人民政府办公室 南春锋"): when the labels left blank just before this one and this one
        are followed by exactly as many values, they pair in order. The index after them, or 0."""
        run, self.blank_run = self.blank_run, []
        # "年度总体目标 / 预期目标": a heading over the label of the same field heads it, no value of its own
        run = [r for n, r in enumerate(run) if all(later[1] != r[1] for later in run[n + 1:])]
        values = []
        while i + 1 + len(values) < len(row) and not is_labelish(row[i + 1 + len(values)].text):
            values.append(row[i + 1 + len(values)])
        if not run or not self.free_text or len(values) != len(run) + 1:
            return 0
        for (_, f, vt, u), tok in zip([*run, (row[i], field, vtype, unit)], values):
            self._assign(f, vt, tok.text, u, tok, how="near")  # paired by order, not by cell
        return i + 1 + len(values)

    def _no_value_beside(self, tok: Tok, field: str, vtype: str, unit: str | None, colon: bool,
                         how: str = "label") -> None:
        """The field is blank here; a column heading's value may be on the next row, under it, or in a
        free-text copy come later, after the next label (see _labels_then_values)."""
        if vtype == "money":
            self.b.note_blank_money(field, how)
        if vtype in ("text", "contact", "goal"):
            self._assign(field, vtype, "", unit, tok, how=how)
            if self.free_text and not colon:  # "填表人：" with nothing after it is blank, full stop
                self.blank_run.append((tok, field, vtype, unit))
        col = tok.loc.col if tok.loc else None
        # A column heading has no colon; "填表人：" with nothing after it is a blank signature line.
        heading = not colon and vtype in ("text", "money", "goal") and not self.free_text
        if col is not None and (heading or (vtype == "goal" and col)):
            self.values_below[col] = (field, vtype, unit)

    def _block_row(self, row: list[Tok]) -> None:
        """A row without labels inside a plan or measures block is one of its items."""
        if self.block == "plans":
            if not self._plan_header(row):
                self._plan(row)
        elif self.block == "measures":
            self.b.measures.append(Text(value=" ".join(t.text for t in row), loc=row[0].loc))

    def _assign(self, field: str, vtype: str, value: str, unit: str | None, tok: Tok, how: str = "label") -> None:
        if field == "general_budget" or field == "gov_fund" or field == "other_funds":
            self.b.has_income_breakdown = True
        if vtype == "money":
            self._assign_money(field, value, unit, tok, how)
        elif vtype == "measures":
            self.b.measures.append(Text(value=value, loc=tok.loc, how=how))
        else:
            if field in LOWEST_LEVEL_WINS and value.strip() and not is_placeholder_unit(value):
                self.b.text.pop(field, None)  # a later 主管部门 is a lower level: the unit's own
            self.b.set_text(field, value, tok.loc, how=how)

    def _assign_money(self, field: str, value: str, unit: str | None, tok: Tok, how: str = "label") -> None:
        value = _budget_column_value(value)
        if value is None:
            return  # "全年执行数(B)259.45": the executed amount is never the form's
        lead = _LEADING_UNIT.match(half_width(value))
        if lead:  # "资金总额(万元)50" read as label + "(万元)50": the unit belongs to the amount
            unit, value = lead.group(1), half_width(value)[lead.end():]
        unit_only = re.fullmatch(r"\(?(万元|元)\)?", half_width(value).strip())
        if unit_only:
            self.b.declared_unit = self.b.declared_unit or unit_only.group(1)
            return
        glued = glued_budget(value)
        parsed = (glued, None) if glued is not None else parse_money(value)
        if parsed is None:
            if value.strip():
                self.b.notes.append(f"“{tok.text}”处的金额无法识别：{value.strip()[:30]}")
                # Words in place of the amount are certainly not a number; digits we could not
                # parse ("968.191 8") may be one.
                self.b.note_blank_money(field, "near" if re.search(r"\d", value) else "label")
            return
        amount, value_unit = parsed
        self.b.set_money(field, amount, value_unit or unit, value, tok.loc, how=how)

    def _task_table_row(self, row: list[Tok]) -> bool:
        """A 年度主要任务 table with amount columns: its sub-header, task rows, and the 合计 row,
        whose amounts are the form's 资金总额 / 财政拨款 / 其他资金."""
        header = {t.loc.col if t.loc and t.loc.col else i: TASK_AMOUNT_COLUMNS[norm_label(t.text)]
                  for i, t in enumerate(row) if norm_label(t.text) in TASK_AMOUNT_COLUMNS}
        if len(header) >= 2 and len(header) == len(row):
            self.task_cols = header
            return True
        if not self.task_cols:
            return False
        amounts = [t for t in row if _AMOUNT_ONLY.match(half_width(t.text))]
        if not amounts:
            return False
        words = [t for t in row if t not in amounts]
        if words and norm_label(words[0].text) in TOTAL_ROW_LABELS:
            by_order = list(self.task_cols.values())
            for j, tok in enumerate(amounts):
                field = self.task_cols.get(tok.loc.col if tok.loc else -1) or (by_order[j] if j < len(by_order) else None)
                if field:
                    self._assign(field, "money", tok.text, None, tok)
        elif words:
            total = next((t for t in amounts if self.task_cols.get(t.loc.col if t.loc else -1) == "total"), amounts[0])
            parsed = parse_money(total.text)
            self.b.plans.append(PlanItem(content="：".join(t.text for t in words), loc=words[0].loc,
                                         amount=parsed[0] if parsed else None))
        return True

    def _plan_header(self, toks: list[Tok]) -> bool:
        """时间 | 事项 | 责任单位/科室 | 工作目标: the columns of the plan rows below, not a plan item."""
        cols = {t.loc.col: PLAN_COLUMNS[norm_label(t.text)] for t in toks
                if t.loc and t.loc.col and norm_label(t.text) in PLAN_COLUMNS}
        if len(cols) < 2 or len(cols) != len([t for t in toks if t.text.strip()]):
            return False
        self.plan_cols = cols
        return True

    def _plan(self, toks: list[Tok]) -> None:
        if self.plan_cols and all(t.loc and t.loc.col in self.plan_cols for t in toks):
            parts: dict[str, list[str]] = {"period": [], "content": [], "owner": []}
            for t in toks:
                if t.text.strip():
                    parts[self.plan_cols[t.loc.col]].append(t.text)
            self.b.plans.append(PlanItem(period=" ".join(parts["period"]), content="：".join(parts["content"]),
                                         owner=" ".join(parts["owner"]), loc=toks[0].loc))
            return
        texts = [t.text for t in toks]
        if len(texts) == 1:
            item = PlanItem(content=texts[0], loc=toks[0].loc)
        elif len(texts) == 2:
            item = PlanItem(period=texts[0], content=texts[1], loc=toks[0].loc)
        else:
            item = PlanItem(period=texts[0], owner=" ".join(texts[1:-1]), content=texts[-1], loc=toks[0].loc)
        self.b.plans.append(item)

    # -- 支出明细 ------------------------------------------------------------------------------
    def _cost_row(self, row: list[Tok]) -> bool:
        keys = [norm_label(t.text) for t in row]
        if keys[0] in ("合计", "总计"):
            amount = next((t for t in row[1:] if _AMOUNT_ONLY.match(half_width(t.text))), None)
            if amount is not None:
                parsed = parse_money(amount.text)
                self.b.cost_total = (parsed[0], parsed[1], amount.text, amount.loc)
            return False
        if _starts_block_end(row):
            return False
        idx = next((i for i, t in enumerate(row) if _AMOUNT_ONLY.match(half_width(t.text))), None)
        if idx is None:
            self.b.cost_lines.append(CostLine(content=row[0].text, item=" ".join(t.text for t in row[1:]),
                                              loc=row[0].loc))
            return True
        before, after = row[:idx], row[idx + 1:]
        if len(before) == 1 and self._in_item_column(before[0]) and self.b.cost_lines:
            # A vertically merged 支出内容 shows only on its first row: carry it down.
            before = [Tok(self.b.cost_lines[-1].content, before[0].loc, before[0].row), before[0]]
        parsed = parse_money(row[idx].text)
        amount = Money(amount=parsed[0], unit=parsed[1] or self.b.declared_unit or "万元", raw=row[idx].text,
                       loc=row[idx].loc)
        self.b.cost_lines.append(CostLine(
            content=before[0].text if before else "",
            item=before[1].text if len(before) > 1 else (before[0].text if before else ""),
            amount=amount, calculation="\n".join(t.text for t in after), loc=row[0].loc,
        ))
        return True

    def _in_item_column(self, tok: Tok) -> bool:
        return self.cost_item_col is not None and tok.loc is not None and tok.loc.col == self.cost_item_col

    # -- 汇总表 --------------------------------------------------------------------------------
    def _in_seq_column(self, tok: Tok) -> bool:
        """Whether `tok` sits under the 序号 header; without column positions, assume it does."""
        col = tok.loc.col if tok.loc else None
        return self.seq_col is None or col is None or col == self.seq_col

    def _summary_row(self, row: list[Tok]) -> None:
        toks = list(row)
        seq = ""
        level = "direction"
        first = norm_label(toks[0].text)
        if first in ("合计", "总计"):
            level = "total"
            toks = toks[1:]
        elif _SEQ_SPECIAL.match(first):
            seq, level, toks = toks[0].text, "special", toks[1:]
        elif _SEQ_DIRECTION.match(first) and (len(toks) > 1 or self._in_seq_column(toks[0])):
            # A bare number under 序号 is a numbered row left empty (T03), not a name.
            seq, toks = toks[0].text, toks[1:]
        if toks and set(toks[0].text) <= set("….。·. "):
            level = "filler"
        if level == "total" and not seq:
            name = "合计"
        else:
            name = toks.pop(0).text if toks else ""
        amount = None
        if toks and _AMOUNT_ONLY.match(half_width(toks[0].text)):
            tok = toks.pop(0)
            parsed = parse_money(tok.text)
            amount = (parsed[0], parsed[1], tok.text, tok.loc)
        goals = [t.text for t in toks]
        line = SummaryLine(seq=seq, name=name, level=level, period_goal=goals[0] if goals else "",
                           annual_goal=goals[1] if len(goals) > 1 else "", loc=row[0].loc)
        self.b.lines.append((line, amount))


def _segments(rows: list[list[Tok]], free_text: bool) -> list[tuple[str | None, Tok | None, list[list[Tok]]]]:
    """Split rows at form titles. The part before the first title has kind None; a cover or an
    allocation table keeps its title kind ("cover", "allocation"), which is not a form kind.
    In free text a title may sit in the middle of a long line: the line is cut there."""
    segments: list[tuple[str | None, Tok | None, list[list[Tok]]]] = [(None, None, [])]
    if free_text:
        rows = regroup_free_text(rows)
    for row in rows:
        title = None
        if len(row) <= 2 or free_text:
            title = next((t for t in row[:1] if is_title(t.text)), None) if free_text else \
                next((t for t in row if is_title(t.text)), None)
        if title is not None:
            kind = title_kind(title.text)
            segments.append((kind, title, []))
            rest = [t for t in row if t is not title]
            if rest:
                segments[-1][2].append(rest)
            continue
        segments[-1][2].append(row)
    return segments


# --- forms known by their content ------------------------------------------------------------
_LEVEL_HEADING = re.compile(r"^\[?(产出|效益|满意度)指标[-—]")  # 【产出指标-数量指标】


def _cell_label(text: str) -> str:
    """The label part of a cell: "项目名称:绿化养护" -> 项目名称, "【项目概况】" -> 项目概况."""
    label = half_width(text).partition(":")[0]
    return norm_label(label).strip("[]")


def _content_level1(text: str) -> str | None:
    """The 一级 a cell names as a heading: 产出指标, 数量指标 (-> 产出指标), 【效益指标-社会效益指标】."""
    m = _LEVEL_HEADING.match(half_width(text).strip())
    if m:
        return m.group(1) + "指标"
    k = norm_label(text)
    level = level1_of(text)
    if level is None and k.endswith("指标"):
        level = LEVEL2_PARENT.get(level2_of(text) or "")
    return level if level in CONTENT_LEVEL1 else None


def _field_of(key_: str) -> str | None:
    entry = FIELD_LABELS.get(key_) or FIELD_LABELS.get(UNIT_SUFFIX.sub("", key_))
    return entry[0] if entry else None


def _marks(row: list[Tok]) -> tuple[set[str], set[str]]:
    """The labels of a row that only a project form / only a department form carries."""
    project: set[str] = set()
    department: set[str] = set()
    for tok in row:
        k = _cell_label(tok.text)
        field = _field_of(k)
        if field in PROJECT_MARK_FIELDS or k in PROJECT_MARK_LABELS:
            project.add(field or k)
        elif field in DEPARTMENT_MARK_FIELDS or k in DEPARTMENT_MARK_LABELS:
            department.add(field or k)
    return project, department


@from_labels
def _opener_labels() -> set[str]:
    return {k for k, (field, _) in FIELD_LABELS.items() if field in FORM_OPENER_FIELDS} | FORM_OPENER_LABELS
# The last two CJK characters of each opener label: a cheap test before normalising a cell.


@from_labels
def _opener_tails() -> set[str]:
    return {"".join(re.findall(r"[\u4e00-\u9fff]", k)[-2:]) for k in _opener_labels()}


def _is_opener(row: list[Tok]) -> bool:
    """A row holding a label that opens a form ("项目基本情况 | 项目名称 | 科普基金")."""
    for tok in row[:3]:
        if not any(tail in tok.text for tail in _opener_tails()):
            continue
        k = _cell_label(tok.text)
        if _field_of(k) in FORM_OPENER_FIELDS or k in FORM_OPENER_LABELS:
            return True
    return False


def _is_head_row(row: list[Tok]) -> bool:
    """A row that heads the form below it: its title, its year line, its 编制单位 line."""
    if len(row) == 1 and (standalone_year(row[0].text) or _heading_text(row[0].text)):
        return True
    return _field_of(_cell_label(row[0].text)) in ("seal_unit", "filing_unit")


def content_kind(rows: list[list[Tok]]) -> str | None:
    """The kind of form these rows hold, from what they hold: an indicator block (its header row,
    or headings of two of 产出/效益/满意度) with labels of one kind of form, or three such labels
    when the copy stops before the indicators. None: not a form (a notice, an allocation table)."""
    project: set[str] = set()
    department: set[str] = set()
    levels: set[str] = set()
    header = False
    for row in rows:
        header = header or is_header_row(row)
        p, d = _marks(row)
        project |= p
        department |= d
        levels |= {lv for tok in row for lv in [_content_level1(tok.text)] if lv}
    indicators = header or len(levels) >= 2
    marks = len(project) + len(department)
    if indicators and not marks:
        return _kind_of_heading(rows)  # a bare indicator block under "XX项目绩效目标"
    if not marks or (not indicators and (marks < 3 or not _has_amount(rows))):
        return None  # without indicators, labels with no figure are a template or instructions
    return "department" if len(department) > len(project) else "project"


def _kind_of_heading(rows: list[list[Tok]]) -> str | None:
    heading = _heading(rows)
    text = key(heading.text) if heading is not None else ""
    return next((kind for kind, words in HEADING_KIND_WORDS.items() if any(w in text for w in words)), None)


def _has_amount(rows: list[list[Tok]]) -> bool:
    return any(_AMOUNT_ONLY.match(half_width(t.text).strip()) for row in rows for t in row)


def _table_of(row: list[Tok]) -> tuple | None:
    loc = row[0].loc
    return (loc.sheet, loc.table) if loc is not None and loc.table is not None else None


def split_forms(rows: list[list[Tok]]) -> list[list[list[Tok]]]:
    """Several untitled forms in a row: a label that opens a form (项目名称, 部门(单位)名称, 转移支付
    (项目)名称), or a new table or sheet, after an indicator block starts the next one."""
    parts: list[list[list[Tok]]] = [[]]
    seen_indicators = False
    table = None
    for row in rows:
        new_table = _table_of(row) is not None and table is not None and _table_of(row) != table
        table = _table_of(row) or table
        if seen_indicators and new_table:
            parts.append([])
            seen_indicators = False
        elif seen_indicators and _is_opener(row):
            head: list[list[Tok]] = []
            while parts[-1] and _is_head_row(parts[-1][-1]):  # its title and 编制单位 come with it
                head.insert(0, parts[-1].pop())
            parts.append(head)
            seen_indicators = False
        parts[-1].append(row)
        seen_indicators = seen_indicators or is_header_row(row) or any(_content_level1(t.text) for t in row)
    return [p for p in parts if p]


def _heading(rows: list[list[Tok]]) -> Tok | None:
    """The line standing alone above an untitled form's first label ("XX局2025年项目绩效目标和指标"):
    its title as written, even when it names no kind. Not a year line, an 附件 number or a label."""
    for row in rows:
        if any(_marks(row)) or is_header_row(row) or any(_content_level1(t.text) for t in row):
            return None
        if len(row) == 1 and _heading_text(row[0].text):
            return row[0]
    return None


def _heading_text(text: str) -> bool:
    text = half_width(text).strip()
    words = re.sub(r"[(（]?(19|20)\d{2}\s*年度?[)）]?", "", text)
    return (len(re.findall(r"[\u4e00-\u9fff]", words)) >= 6 and len(text) <= 60 and ":" not in text
            and any(w in words for w in HEADING_WORDS)
            and not re.match(r"^(附件|附表|单位|注)", text) and match_label(text, prefix=False) is None)


def forms_by_content(kind: str | None, title: Tok | None,
                     rows: list[list[Tok]]) -> list[tuple[str | None, Tok | None, list[list[Tok]], str]]:
    """(kind, title, rows, kind_from) for one segment. A titled form keeps its title's kind; a part
    without a form title (the text before the first title, a cover page) holds the forms its
    content shows; an allocation table holds none."""
    if kind == "allocation":
        return [(None, title, rows, "")]
    parts = split_forms(rows)
    out: list[tuple[str | None, Tok | None, list[list[Tok]], str]] = []
    if kind not in NOT_FORM_KINDS and kind is not None:
        # A titled form; a second form after it without its own title is known by its content.
        first = parts[0] if parts else []
        if kind == "project" and title is not None and not any(w in key(title.text) for w in KIND_WORDS_IN_TITLE) \
                and content_kind(first) == "department":
            kind = "department"  # "部门绩效目标表": the title says target table, the content says whose
        out.append((kind, title, first, "title"))
        for part in parts[1:]:
            found = content_kind(part)
            if found is None:
                out[-1][2].extend(part)
                continue
            heading = _heading(part)
            out.append((found, heading, [r for r in part if r[0] is not heading], "content"))
        return out
    cover: list[list[Tok]] = []
    for part in parts:
        found = content_kind(part)
        if found is None:
            (out[-1][2] if out else cover).extend(part)  # a notice before the forms, a tail after one
            continue
        heading = _heading(part)
        if heading is not None:
            # What stands above the heading (a site's header, a notice) is not this form's.
            at = next(i for i, r in enumerate(part) if r[0] is heading)
            (out[-1][2] if out else cover).extend(part[:at])
            part = part[at + 1:]
        out.append((found, heading, part, "content"))
    if not out:
        return [(None, title, rows, "")]
    if cover or title is not None:  # a cover title's year carries over to the forms
        out.insert(0, (None, title, cover, ""))
    return out


def _known_label(text: str) -> bool:
    k = norm_label(text)
    return (k in FIELD_LABELS or k in SECTION_LABELS or k in HEADER_WORDS or k in PROJECT_MARK_LABELS
            or k in DEPARTMENT_MARK_LABELS or UNIT_SUFFIX.sub("", k) in FIELD_LABELS)


def join_broken_labels(rows: list[list[Tok]]) -> list[list[Tok]]:
    """A copy that breaks a label cell over two lines ("部门相应职能职" / "责概述", "部门(单位)" /
    "名称"), or a title ("项目支出绩效目标申" / "报表"): the two pieces are one when together they
    are a label or a title and neither is alone."""
    out: list[list[Tok]] = []
    for row in rows:
        if out and row and out[-1]:
            last, first = out[-1][-1], row[0]
            joined = last.text + first.text
            label = len(joined) <= 20 and _known_label(joined) and not _known_label(last.text) \
                and not _known_label(first.text)
            title = is_title(joined) and not is_title(last.text) and not is_title(first.text)
            if label or title:
                out[-1] = out[-1][:-1] + [Tok(joined, last.loc, last.row)]
                row = row[1:]
                if not row:
                    continue
        out.append(list(row))
    return out


def regroup_free_text(rows: list[list[Tok]]) -> list[list[Tok]]:
    """Free text has no row breaks: start a new row at every label, level or title, and keep
    runs of indicator-header words together as one header row."""
    out: list[list[Tok]] = []
    for row in join_broken_labels(rows):
        current: list[Tok] = []
        prev_header = False
        for tok in row:
            k = norm_label(tok.text)
            header = k in HEADER_WORDS
            cut = (header and not prev_header) or (not header and (
                is_title(tok.text) or level1_of(tok.text) or level2_of(tok.text)
                or match_label(tok.text) is not None or k in SECTION_LABELS))
            if cut and current:
                out.append(current)
                current = []
            current.append(tok)
            prev_header = header
        if current:
            out.append(current)
    return out


_SUBTITLE_YEAR = re.compile(r"^\(\s*((?:19|20)\d{2})\s*年度?\s*\)")


def _subtitle_year(rows: list[list[Tok]]) -> int | None:
    """The "(2022年度)" under a title, also when a copy runs the next cell on after it."""
    m = _SUBTITLE_YEAR.match(half_width(rows[0][0].text).strip()) if rows and rows[0] else None
    return int(m.group(1)) if m else None


def _title_head(title: Tok | None, rows: list[list[Tok]]) -> str:
    """The first line of a title split over two lines ("青山市林业局2024年" / "项目支出绩效目标表"): the
    single short cell that ends the text before it, or a title line with nothing under it (a file
    name over the table's own title)."""
    if not rows:
        return title.text if title is not None else ""
    last = rows[-1]
    if len(last) != 1 or len(last[0].text) > 40 or is_labelish(last[0].text):
        return ""
    text = last[0].text
    if re.search(r"年\s*\d{1,2}\s*月", text):
        return ""  # a date line, not half a title
    return text if find_year(text) or looks_like_unit(half_width(text).strip()) else ""


def _unit_from_title(title: str) -> str:
    """The unit a title opens with ("重庆市梁平区林业局2023年度部门整体绩效自评表"); a fragment that
    names no organisation ("项目支出", "就业补助资金", "预算部门(单位)") is not a unit."""
    k = half_width(title).strip()
    m = re.search(r"(19|20)\d{2}\s*年", k)
    prefix = k[: m.start()] if m else ""
    if not prefix:
        for _, pattern in TITLE_PATTERNS:
            pm = pattern.search(k)
            if pm:
                prefix = k[: pm.start()]
                break
    prefix = re.sub(r"^(附件|附表)?\s*\d*\s*[、.:]?", "", prefix.strip(" -—:")).strip(" -—:")
    if len(prefix) < 4 or re.search(r"附件|附表|\d", prefix) or not looks_like_unit(prefix):
        return ""
    return prefix


def extract(doc: Document) -> Submission:
    doc_rows, written = simplify_rows(doc)
    free_text = is_free_text(doc_rows)
    rows = prepare(doc_rows, free_text)
    submission = Submission(source=doc.path, format=doc.format, notes=list(doc.notes),
                            artefacts=[Text(value=a.text, loc=a.loc) for a in doc.artefacts])
    cover: FormBuilder | None = None
    previous: tuple[Tok | None, list[list[Tok]]] = (None, [])
    parts = [p for seg in _segments(rows, free_text) for p in forms_by_content(*seg)]
    for kind, title, seg_rows, kind_from in parts:
        builder = FormBuilder(kind, title.text if title else "", title.loc if title else None)
        head, previous = _title_head(*previous), (title, seg_rows)
        if title is not None:
            builder.year = find_year(title.text) or find_year(head) or _subtitle_year(seg_rows)
            if kind == "project":
                builder.variant = next((v for v in PROJECT_VARIANTS if v in key(title.text)), "")
        _FormReader(builder, free_text).read(seg_rows)
        if kind is None:
            # A cover page, or text before the first title: its year and contacts carry over.
            if cover is None or builder.has_content() or builder.text or builder.year:
                if cover is not None and cover.year and not builder.year:
                    builder.year = cover.year
                cover = builder
            continue
        # A titled form cut off before any field the reader fills still is that form when its
        # labels say so (转移支付(项目)名称, 中央主管部门 …).
        if not builder.has_content() and not any(any(_marks(r)) for r in seg_rows):
            continue
        if "unit_name" not in builder.text and title is not None:
            unit = _unit_from_title(title.text) or _unit_from_title(head + title.text)
            if unit:
                builder.set_text("title_unit", unit, title.loc, how="position")  # guessed from the title
        form = builder.build(cover)
        form.kind_from = kind_from
        submission.forms.append(form)
        last_builder = builder
    if submission.forms:
        judge_end(submission.forms[-1], last_builder)
    if not submission.forms:
        submission.table_words = table_words(rows)
        submission.notes.append("未识别出任何绩效目标表：没有“…绩效目标表”一类的表题，"
                                "内容中也没有带项目或部门栏目的绩效指标块。")
    restore_written(submission.forms, written)
    return submission
