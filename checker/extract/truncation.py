"""Does the file's last form stop before its end? A cut-off page or excerpt.

A form is incomplete when the text ends
- inside its indicator table: no footer (填表人, 注:, 附件 …) closed it, and either the three
  level-1 classes every template has (产出, 效益, 满意度) were not all reached, or the last row is
  cut (a name without a value, or a heading without rows); or
- before its indicator table, for the kinds whose every template has one, with no footer either.

Only the last form of a file can be cut this way: every other form is closed by the next title.
Rules about missing parts then leave alone what may lie past the end (see checker.facts.structure).
"""

from __future__ import annotations

import re

from checker.extract.builder import FormBuilder
from checker.model import Indicator

INDICATOR_KINDS = ("department", "project", "spending_direction")
LEVEL1_EVERY_TEMPLATE = ("产出指标", "效益指标", "满意度指标")
SATISFACTION_L2 = "服务对象满意度指标"


def _classes_seen(rows: list[Indicator]) -> set[str]:
    seen = {i.level1 for i in rows if i.level1}
    if any(i.level2 == SATISFACTION_L2 for i in rows):
        seen.add("满意度指标")
    return seen


_SIGN_OFF = re.compile(r"盖章|签章|签字|签名")


def _sign_off(row: Indicator) -> bool:
    """The table's sign-off lines (…科室(盖章) 年 月 日) read as a last row: the table was closed."""
    return bool(_SIGN_OFF.search(row.name + row.value))


def _row_cut(row: Indicator) -> bool:
    """A heading without rows under it, or a name whose value is missing."""
    return not (row.name.strip() and row.value.strip())


def _where(row: Indicator) -> str:
    parts = [(row.level1_raw or row.level1 or "").strip(), (row.level2_raw or row.level2 or "").strip(),
             row.name.strip()]
    return " › ".join(p for p in parts if p)


TABLE_WORDS = ("绩效目标", "绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "绩效自评")


def table_words(rows) -> list[str]:
    """The words of target tables that occur in `rows` (prepared, simplified), in TABLE_WORDS order."""
    text = "".join(tok.text for row in rows for tok in row)
    return [w for w in TABLE_WORDS if w in text]


def judge_end(form, builder: FormBuilder) -> None:
    """Mark `form` (the file's last form, built by `builder`) incomplete when its text stops early."""
    if form.kind not in INDICATOR_KINDS or builder.ended_by_footer:
        return
    rows = list(form.indicators)
    if not rows:
        # before the indicator table, or just after its header row (no row under it yet)
        if builder.end_state in ("fields", "cost", "indicators"):
            _mark(form, builder, "")
        return
    if builder.end_state != "indicators":
        return  # the block was closed by a row after it
    if looks_cut(rows) or _stops_after_value(rows[-1], builder):
        _mark(form, builder, _where(rows[-1]) or "绩效指标")


# Text that ends a sentence or a table: after it, nothing was cut.
_CLOSED = re.compile(r"[。.!！?？)）\]】\d%]$")


def _stops_after_value(last: Indicator, builder: FormBuilder) -> bool:
    """The last cell of the text runs on a few characters past the last value read and stops in
    mid-word ("社区满意度95%以上,家长满"): the page was cut inside that row."""
    value = re.sub(r"\s+", "", last.value)
    tail = re.sub(r"\s+", "", builder.texts[-1].value) if builder.texts else ""
    at = tail.rfind(value) if value else -1
    rest = tail[at + len(value):] if at >= 0 else ""
    return 0 < len(rest.strip(",，;；、 ")) <= 12 and not _CLOSED.search(rest)


def looks_cut(rows: list[Indicator]) -> bool:
    """Whether indicator rows that run to the end of the text look cut off: nothing read, a last
    row cut mid-way, or output, benefit and satisfaction not all reached. A table that lacks
    satisfaction and ends without any footer cannot be told from a cut-off page: S17 says so."""
    if not rows:
        return True
    last = rows[-1]
    if _sign_off(last):
        return False
    return _row_cut(last) or not set(LEVEL1_EVERY_TEMPLATE) <= _classes_seen(rows)


def still_cut(form) -> bool:
    """`form.incomplete`, re-checked against its rows (a model edited after reading may no
    longer end the way the text did)."""
    if not getattr(form, "incomplete", False):
        return False
    rows = list(form.indicators)
    # still ending on the row the text stopped in (_stops_after_value), or cut by its rows
    return not rows or looks_cut(rows) or _where(rows[-1]) == (form.stops_at or "")


def _mark(form, builder: FormBuilder, where: str) -> None:
    """`where`: the last heading or name read in the indicator table, "" when the text ends
    before the table."""
    form.incomplete = True
    form.stops_at = where
    form.stops_loc = builder.last_loc
    place = f"“{where}”处" if where else "绩效指标表之前"
    note = f"正文在{place}中断，表格不完整：其后的内容未能读取。"
    if note not in form.notes:
        form.notes.append(note)
