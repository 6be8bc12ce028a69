"""Calculation strings of 支出明细/测算依据: "彩色1元/份×2000份=0.2万元" and friends.

A pure, unit-aware parser with Decimal arithmetic. A formula is a product of terms, exactly one
of which is money, optionally followed by "= result":

    彩色1元/份×2000份=0.2万元        1 元 per 份 × 2000 → 2000 元 (stated 0.2 万元)
    活动1次/1.25万元×2次             inverted: 1.25 万元 per 1 次 × 2 → 2.5 万元
    100元/人/天*30人×2天              several per-units; x, X, *, ＊, ✕ mean ×
    ５０００元×１２个月                full-width digits (NFKC)
    2万元×80%                        a percentage is a factor

Several formulas may share one cell (newline, space or punctuation between them).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MONEY_UNITS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}
MAGNITUDES = {"万": Decimal(10000), "亿": Decimal(100000000), "千": Decimal(1000)}
YUAN_PER_WAN = Decimal(10000)

_NUM = r"(?<![\d.])\d+(?:\.\d+)?"  # never from inside a number: linear, not quadratic, on long digit runs
_UNIT = r"[^\d×=+\-\s,;。:()、/]{0,6}"
_TERM = rf"{_NUM}{_UNIT}(?:/(?:{_NUM})?{_UNIT})*"
_FORMULA = re.compile(
    rf"(?P<terms>{_TERM}(?:\s*×\s*{_TERM})+)"
    rf"(?:\s*=\s*(?P<res>{_NUM})\s*(?P<resu>亿元|万元|千元|元)?)?"
)
_TIMES = re.compile(r"(?<=[\d\u4e00-\u9fff%)])\s*[xX*✕✖⨯]\s*(?=\d)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_LABEL = re.compile(r"[\u4e00-\u9fffA-Za-z]{1,8}$")  # "彩色" in "彩色1元/份×…", for messages
_SEGMENT = re.compile(rf"^(?P<num>{_NUM})?(?P<unit>.*)$")


@dataclass(frozen=True)
class Formula:
    text: str  # the formula as matched (normalised)
    computed_wan: Decimal  # price × quantities, in 万元
    stated_wan: Decimal | None  # the "= result" in 万元, if written
    money_unit: str  # the unit the money term was written in (元/万元 …)


def normalise(text: str) -> str:
    """NFKC (full-width digits and signs), one multiplication sign, no thousands commas."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _TIMES.sub("×", text)
    return _THOUSANDS.sub("", text)


def parse_calculation(text: str) -> list[Formula]:
    """Every formula found in `text` that has exactly one money term; others are skipped."""
    formulas: list[Formula] = []
    text = normalise(text)
    for match in _FORMULA.finditer(text):
        terms = [t.strip() for t in match.group("terms").split("×")]
        evaluated = _evaluate(terms)
        if evaluated is None:
            continue
        computed_yuan, money_unit = evaluated
        stated = None
        if match.group("res"):
            unit = match.group("resu") or money_unit
            stated = Decimal(match.group("res")) * MONEY_UNITS[unit] / YUAN_PER_WAN
        label = _LABEL.search(text, 0, match.start())
        shown = (label.group(0) if label else "") + match.group(0).strip()
        formulas.append(Formula(shown, computed_yuan / YUAN_PER_WAN, stated, money_unit))
    return formulas


def _evaluate(terms: list[str]) -> tuple[Decimal, str] | None:
    money: tuple[Decimal, str] | None = None
    product = Decimal(1)
    for term in terms:
        parsed = _term(term)
        if parsed is None:
            return None
        kind, value, unit = parsed
        if kind == "money":
            if money is not None:
                return None  # two money terms: not a price × quantity formula
            money = (value, unit)
        else:
            product *= value
    if money is None:
        return None
    return money[0] * product, money[1]


def _term(term: str) -> tuple[str, Decimal, str] | None:
    """("money", 元 per unit, unit written) or ("factor", number, "")."""
    segments = []
    for raw in term.split("/"):
        seg = _SEGMENT.match(raw.strip())
        if seg is None:
            return None
        try:
            num = Decimal(seg.group("num")) if seg.group("num") else None
        except InvalidOperation:
            return None
        segments.append((num, seg.group("unit").strip()))
    (head_num, head_unit), rest = segments[0], segments[1:]
    if head_num is None:
        return None
    money_unit = _money_unit(head_unit)
    if money_unit:
        value = head_num * MONEY_UNITS[money_unit]
        for num, _ in rest:  # 100元/2人: the price is per 2 people
            if num is not None:
                if num == 0:
                    return None
                value /= num
        return "money", value, money_unit
    if rest and rest[0][0] is not None and _money_unit(rest[0][1]):
        # Inverted "1次/1.25万元": 1.25 万元 per 1 次.
        if head_num == 0:
            return None
        unit = _money_unit(rest[0][1])
        return "money", rest[0][0] * MONEY_UNITS[unit] / head_num, unit
    if any(num is not None and _money_unit(unit) for num, unit in rest):
        return None
    if head_unit.startswith("%"):
        return "factor", head_num / 100, ""
    return "factor", head_num * _magnitude(head_unit), ""


def _money_unit(unit: str) -> str | None:
    for name in ("亿元", "万元", "千元", "元"):
        if unit == name:
            return name
    return None


def _magnitude(unit: str) -> Decimal:
    if len(unit) > 1 and unit[0] in MAGNITUDES:
        return MAGNITUDES[unit[0]]
    if unit in MAGNITUDES:
        return MAGNITUDES[unit]
    return Decimal(1)


@dataclass(frozen=True)
class UnitCost:
    yuan: Decimal  # 元 per one `per` unit
    per: str  # the unit counted: 人, 人次, 份 …
    text: str


_UNIT_COST = re.compile(rf"(?P<num>{_NUM})\s*(?P<unit>亿元|万元|千元|元)\s*/\s*(?:每)?(?P<per>[\u4e00-\u9fffA-Za-z]{{1,4}})")


def parse_unit_cost(text: str) -> UnitCost | None:
    """A unit cost written in a name or value: "0.08元/人", "≤1.5元/人次", "3万元/场"."""
    match = _UNIT_COST.search(normalise(text))
    if match is None:
        return None
    yuan = Decimal(match.group("num")) * MONEY_UNITS[match.group("unit")]
    return UnitCost(yuan=yuan, per=match.group("per"), text=match.group(0))
