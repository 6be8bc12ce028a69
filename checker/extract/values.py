"""Value grammars: 指标值 -> Target, money text -> (Decimal, unit), years.

`≥90%`, `不低于95%`, `90%以上`, `两次`, `2万人次`, `0.08元/人`, `≤3万元`, `12月底前`, `持续提升` …
Numbers are Decimal; Chinese numerals go through cn2an.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from checker.extract.normalize import half_width
from checker.extract.vocabulary import GRADED_WORDS
from checker.model import Target

OP_WORDS: list[tuple[str, str]] = [
    ("大于等于", ">="), ("小于等于", "<="), ("不低于", ">="), ("不少于", ">="), ("不小于", ">="),
    ("至少", ">="), ("不高于", "<="), ("不超过", "<="), ("不多于", "<="), ("不大于", "<="), ("至多", "<="),
    ("控制在", "<="), ("低于", "<"), ("小于", "<"), ("少于", "<"), ("高于", ">"), ("大于", ">"), ("超过", ">"),
    ("达到", "="), ("等于", "="), ("达", "="),
    (">=", ">="), ("<=", "<="), ("≥", ">="), ("≤", "<="), (">", ">"), ("<", "<"), ("=", "="),
]
SUFFIX_OPS = [("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<="), ("之内", "<=")]
_CN_NUM = "零〇一二两三四五六七八九十百千万亿"
_NUM = re.compile(rf"^(\d+(?:\.\d+)?|[{_CN_NUM}]+(?:点[{_CN_NUM}]+)?)")
COUNT_UNITS = {"次", "个", "人", "期", "项", "场", "册", "人次", "天", "月", "年", "批", "家", "所", "座", "条",
               "台", "辆", "名", "户", "份", "篇", "部", "种", "类", "轮", "期次", "场次", "万元", "元"}
_DEADLINE = re.compile(r"^(月|日|号)(底|末|初|中旬|下旬)?(前|之前|以前|内)?(完成)?$")
_UNIT = re.compile(r"^[^\d\s,;，；。]{1,8}$")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # "1,500人次"
_WEAK_OPS = ("达到", "达")  # "达到95%以上": the suffix says which way


def _to_decimal(num: str) -> Decimal | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", num):
        return Decimal(num)
    try:
        import cn2an

        value = cn2an.cn2an(num, "smart")
    except (ValueError, KeyError, TypeError):
        return None
    try:
        return Decimal(str(value)).normalize() if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return None


def parse_target(raw: str) -> Target:
    """Parse a 指标值. Anything that is not op+number+unit is qualitative."""
    # A wrapped line inside the cell (Excel Alt+Enter, a PDF wrap) is no break in the value.
    text = _THOUSANDS.sub("", re.sub(r"\s+", "", half_width(raw)))
    target = Target(raw=raw)
    if not text:
        return target
    op = prefix = None
    for word, sym in OP_WORDS:
        if text.startswith(word):
            op, prefix, text = sym, word, text[len(word):]
            break
    for word, sym in SUFFIX_OPS:
        if text.endswith(word) and len(text) > len(word):
            if op is None or prefix in _WEAK_OPS:
                op = sym
            text = text[: -len(word)]
            break
    m = _NUM.match(text)
    number = _to_decimal(m.group(1)) if m else None
    rest = text[m.end():] if m else text
    if m and m.group(1)[0] in _CN_NUM and rest not in COUNT_UNITS:
        number = None  # "一般", "十分满意": Chinese words, not numerals with a unit
    if number is not None and _DEADLINE.search(rest):
        number = None  # "12月底前" is a deadline, not the number 12
    if number is not None and (rest == "" or _UNIT.match(rest)):
        unit = rest or None
        if unit and unit.startswith(("万", "亿")) and not unit.startswith(("万元", "亿元")):
            # 2万人次 -> 20000 人次; 3万元 keeps 万元 as the money unit.
            number *= Decimal(10000) if unit[0] == "万" else Decimal(100000000)
            unit = unit[1:] or None
        return target.model_copy(update={
            "op": op or "=", "op_explicit": op is not None, "number": number, "unit": unit,
        })
    stripped = half_width(raw).strip()
    return target.model_copy(update={"qualitative": True, "graded": stripped in GRADED_WORDS})


_MONEY = re.compile(r"(-?\d[\d,]*(?:\.\d+)?)\s*(万元|万|元)?")


# A number run into prose ("1上杭县龙岩市…", a numbered list copied without breaks) is not an
# amount; a label run on after one ("30其中:") or a short word ("12万元整") still is.
_PROSE_TAIL = re.compile(r"\s*(?!其中)[\u4e00-\u9fff]{4}")


def parse_money(raw: str) -> tuple[Decimal, str | None] | None:
    """The first amount in a money cell and the unit written with it (万元/元/None)."""
    text = half_width(raw).strip()
    if not text:
        return None
    m = _MONEY.search(text)
    if not m or m.start() > 2 or _PROSE_TAIL.match(text, m.end()):
        return None
    if not m.group(2) and text[m.end():].lstrip().startswith("%"):
        return None  # a rate ("100%", or figures run together into one: "202010100.00%"), not an amount
    try:
        amount = Decimal(m.group(1).replace(",", ""))
    except InvalidOperation:
        return None
    unit = m.group(2)
    if unit == "万":
        unit = "万元"
    return amount, unit


_GLUED_RUN = re.compile(r"^\s*(\d[\d.]*)%")
_NUMBER_PART = re.compile(r"^(0|[1-9]\d*)(\.\d+)?$")


def glued_budget(raw: str) -> Decimal | None:
    """A self-evaluation row whose figures were run together before the rate: budget, executed,
    optionally a score, then the execution rate ("194.9194.9100%" = 194.9 | 194.9 | 100%,
    "202010100.00%" = 20 | 20 | 10 | 100.00%). The budget is read only when exactly one way of
    cutting the run makes executed / budget equal the rate written."""
    m = _GLUED_RUN.match(half_width(raw))
    if not m:
        return None
    run = m.group(1)
    budgets = {parts[0] for parts in _cuts(run, 3) + _cuts(run, 4) if _rate_holds(parts)}
    return budgets.pop() if len(budgets) == 1 else None


def _cuts(run: str, n: int) -> list[list[Decimal]]:
    if n == 1:
        return [[Decimal(run)]] if _NUMBER_PART.match(run) else []
    out = []
    for i in range(1, len(run)):
        head = run[:i]
        if _NUMBER_PART.match(head):
            out.extend([Decimal(head), *rest] for rest in _cuts(run[i:], n - 1))
    return out


def _rate_holds(parts: list[Decimal]) -> bool:
    budget, executed, rate = parts[0], parts[1], parts[-1]
    if budget <= 0 or executed <= 0 or rate <= 0 or (len(parts) == 4 and parts[2] > 100):
        return False  # a zero rate fits any tiny remainder: it proves nothing
    places = max(-rate.as_tuple().exponent, 0)
    return abs(executed / budget * 100 - rate) <= Decimal(5) / Decimal(10) ** (places + 1)


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_ONLY = re.compile(r"^\(?\s*((?:19|20)\d{2})\s*年?度?\s*\)?$")


def find_year(text: str) -> int | None:
    m = _YEAR.search(half_width(text))
    return int(m.group(1)) if m else None


_YEAR_LEAD = re.compile(r"^\(\s*((?:19|20)\d{2})\s*年度\s*\)")
_YEARS = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*[年.\-/])")
_YEAR_COLUMN = re.compile(r"^((?:19|20)\d{2})年度?(?:金额|预算|预算数|预算金额|资金|预算资金|资金需求)(?:\((?:万元|元)\))?$")
_DATE_YEAR = re.compile(r"^\s*((?:19|20)\d{2})(?!\d)")


def standalone_year(text: str) -> int | None:
    """A subtitle like "(2024年度)" or "2021年" that states the year by itself, or a cell that
    opens with "(2022年度)" (a copy that ran the next cell on after it)."""
    t = half_width(text).strip()
    m = _YEAR_ONLY.match(t) or _YEAR_LEAD.match(t)
    return int(m.group(1)) if m else None


def period_year(text: str) -> int | None:
    """A project period within one calendar year ("2022年3月-2022年11月", "2024年1月至12月")
    counts as the budget year; a period over several years states none."""
    years = {int(y) for y in _YEARS.findall(half_width(text))}
    return years.pop() if len(years) == 1 else None


def column_year(text: str) -> int | None:
    """An amount column named by its year ("2021年金额", "2024年预算数(万元)")."""
    m = _YEAR_COLUMN.match(re.sub(r"\s+", "", half_width(text)))
    return int(m.group(1)) if m else None


def date_year(text: str) -> int | None:
    """The year a date opens with ("2021年1月28日", "2023.6.28")."""
    m = _DATE_YEAR.match(half_width(text))
    return int(m.group(1)) if m else None
