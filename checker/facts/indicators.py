"""Q family facts: what each 三级 indicator says, judged in Python, handed to the engine as flags.

Kinds built here:

- `indicator` — one per 三级 row that has a name or a value (rows with neither are empty 二级
  rows, which `structure.py` reports). Fields: `level1` (+ `level1_en`), `level2`, `level2_raw`, `name`, `value`,
  `standard`, `explanation` (strings, "" when absent); `value_kind` (see `shape_of`); `op`
  (">=", "<=", ">", "<", "=" or ""), `op_explicit`, `number`, `unit`; for percent values only
  `value_bp` and `value_pct_floor` (98.5% -> 9850 and 98); flags `has_name`, `value_missing`, `rate_name`, `dimensionless_name` (系数/指数: no unit due), `satisfaction`,
  `satisfaction_by_level`, `sat_name_ok`, `swapped` (the name cell holds the value and the value
  cell a name; `value_kind` is then "swapped"), `is_cost`, `input_measure`, `value_open_ended`,
  `value_trend`, `standard_trend`, `standard_malformed_deadline`, `hedge` (+ `hedge_word`),
  `has_other_year` (+ `other_year`, `year`), `has_explanation_column`, `explanation_missing`,
  `expl_repeats_name`, `rate_without_formula`; issue codes (one per concern, "" when none):
  `name_issue`, `timing_issue`, `cost_issue`; `certain` (false when the name cell holds a bare
  figure, or on `row_cut`, the last row of a cut-off form); and `form_zh` / `form_en`.
- `indicator_pair` — two 三级 names of one form where one is the other with words left out
  ("项目成本控制率" in "项目或定额成本控制率"): `name_a`, `value_a`, `name_b`, `value_b`,
  `similarity_pct` (shorter/longer length, 100 = identical), `same_measure`, `values_differ`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Iterable

from checker.extract.truncation import still_cut
from checker.facts import name_key, plain_number
from checker.facts.vocab import contains_any, find_word, form_names, norm, words
from checker.model import Indicator, Submission

INDICATOR_FORMS = ("department", "project", "spending_direction")
COST_LEVEL2 = ("成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标")
ECONOMIC_COST_LEVEL2 = ("", "成本指标", "经济成本指标")
QUANTITATIVE_KINDS = ("percent", "count", "money", "unit_cost", "duration", "measure", "number")
_OPS = {">=": ">=", "<=": "<=", ">": ">", "<": "<", "=": "="}
LEVEL1_EN = {"产出指标": "output", "成本指标": "cost", "效益指标": "benefit", "满意度指标": "satisfaction"}


class Vocab:
    """The word lists this module uses, normalised once per vocabulary (see `vocab_for`)."""

    def __init__(self, ctx: Any):
        def w(name: str) -> tuple[str, ...]:
            return tuple(words(ctx, name))

        self.graded = frozenset(norm(x) for x in w("graded_words"))
        self.trend = w("trend_words")
        self.hedge = w("hedge_words")
        self.hedge_exceptions = tuple(n for x in w("hedge_exceptions") if (n := norm(x)))
        self.slogan = w("slogan_words")
        self.placeholders = frozenset(norm(x) for x in w("placeholder_values"))
        self.count_units = frozenset(norm(x) for x in w("count_units") + w("output_count_units"))
        self.duration_units = frozenset(norm(x) for x in w("duration_units"))
        self.money_units = frozenset(norm(x) for x in w("money_units"))
        self.rate = w("rate_markers")
        self.dimensionless = w("dimensionless_words")
        self.timeliness = w("timeliness_markers")
        self.formula = w("formula_markers")
        self.input_heads = tuple(norm(x) for x in w("input_heads"))
        self.input_staff = tuple(norm(x) for x in w("input_staff"))
        self.input_verbs = w("input_verbs")
        self.input_money = self.input_verbs + ("经费", "资金")
        self.sat_suffixes = tuple(norm(x) for x in w("satisfaction_suffixes"))
        self.deadline = w("deadline_words")


_VOCAB_CACHE: dict[int, tuple[Any, Vocab]] = {}


def vocab_for(ctx: Any) -> Vocab:
    """The Vocab of `ctx`'s word lists, built once per vocabulary mapping (the rulebook's is the
    same object for every submission), not once per submission and module."""
    mapping = getattr(ctx, "vocab", None)
    if not mapping:
        return Vocab(ctx)
    cached = _VOCAB_CACHE.get(id(mapping))
    if cached is None or cached[0] is not mapping:
        if len(_VOCAB_CACHE) > 16:
            _VOCAB_CACHE.clear()
        cached = (mapping, Vocab(ctx))
        _VOCAB_CACHE[id(mapping)] = cached
    return cached[1]


# ---- value shapes ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Shape:
    kind: str
    op: str = ""
    op_explicit: bool = False
    number: Decimal | None = None
    unit: str = ""


_FALLBACK = re.compile(
    r"^(?P<op>>=|<=|≥|≤|>|<|=|不低于|不少于|至少|不高于|不超过|至多|达到)?"
    r"(?P<num>\d+(?:\.\d+)?)(?P<wan>万(?!元))?(?P<unit>%|[^\d%]{0,6}?)(?P<suffix>以上|以下|以内)?$"
)
_WORD_OPS = {"≥": ">=", "≤": "<=", "不低于": ">=", "不少于": ">=", "至少": ">=", "不高于": "<=",
             "不超过": "<=", "至多": "<=", "达到": "="}
_SUFFIX_OPS = {"以上": ">=", "以下": "<=", "以内": "<="}

_DATE = r"\d{4}(?:年|[.\-/])\(?\d{1,2}\)?(?:月|[.\-/])?(?:\d{1,2}(?:日|号)?)?"
_END = r"(?:\d{4}(?:年|[.\-/]))?\(?\d{1,2}\)?(?:月|[.\-/])?(?:\d{1,2}(?:日|号)?)?"
_SEP = r"(?:至|到|-|~|—)"
_PERIOD = re.compile(rf"^{_DATE}{_SEP}{_END}$")
_MONTH_PERIOD = re.compile(r"^\(?\d{1,2}\)?月?(?:份)?(?:至|到|-|~)\(?\d{1,2}\)?月(?:份)?$")
_DATE_ONLY = re.compile(rf"^{_DATE}$")
_MALFORMED_DEADLINE = re.compile(r"\d底")  # "12底前完成": the 月 is missing
_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年|[.\-/]|$)")
# A template's blank value kept its marks: "≥**", "≥XX%", "≤××万元", "XX个" (the op and unit of the
# template, the figure never filled in). One mark is enough after an operator, two without.
_MARKED_PLACEHOLDER = re.compile(
    r"^(?:(?:>=|<=|≥|≤|>|<|=|不低于|不少于|至少|不高于|不超过|至多|达到)[Xx×*○□_]+|[Xx×*○□_]{2,})"
    r"(?:%|[^\dXx×*○□_]{0,4})$"
)
_GRADED_PATTERN = re.compile(
    r"^(?:基本|全部|全面|按时|按期|按计划|如期|顺利|圆满)?(?:完成|达到|达标|实现|合格|符合)"
    r"(?:预期|目标|预期目标|要求|标准|规定|任务|计划)?$"
)
_CN_NUMERAL_START = re.compile(r"^(?:两|二|三|四|五|六|七|八|九|十)[十百千]*(?:次|场|期|批|届|轮|场次|个)(?!性)")
_ARABIC_COUNT = re.compile(
    r"(?<!第)(?<![\d.])\d+(?:\.\d+)?万?(?:人次|场次|次|场|期|项|名|批|所|家|座|份|册|篇|届|轮|户|台|辆|套|件|处|个|人|万元|元|%)"
)


def _to_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def is_period(text: str) -> bool:
    t = norm(text)
    if t in ("全年", "全年度", "本年度", "1-12月", "1至12月"):
        return True
    return bool(_PERIOD.match(t) or _MONTH_PERIOD.match(t))


def is_date(text: str) -> bool:
    return bool(_DATE_ONLY.match(norm(text)))


def is_deadline(text: str, vocab: Vocab) -> bool:
    t = norm(text)
    if not contains_any(t, vocab.deadline):
        return False
    return bool(re.search(r"\d|年|月|日", t))


def is_graded(text: str, vocab: Vocab) -> bool:
    t = norm(text).rstrip("。.")
    return t in vocab.graded or bool(_GRADED_PATTERN.match(t))


def unit_kind(unit: str, vocab: Vocab) -> str:
    u = norm(unit)
    if not u:
        return "number"
    if u in ("%", "％"):
        return "percent"
    if "/" in u and u.split("/", 1)[0] in vocab.money_units:
        return "unit_cost"
    if u in vocab.money_units:
        return "money"
    if u in vocab.duration_units:
        return "duration"
    if u in vocab.count_units:
        return "count"
    return "measure"


def _parse_number(text: str) -> tuple[str, bool, Decimal, str] | None:
    """Fallback for values the extractor did not parse: (op, explicit, number, unit)."""
    m = _FALLBACK.match(norm(text))
    if not m:
        return None
    number = _to_decimal(m.group("num"))
    if number is None:
        return None
    if m.group("wan"):
        number *= 10000
    op_word = m.group("op") or ""
    op = _WORD_OPS.get(op_word, op_word) or _SUFFIX_OPS.get(m.group("suffix") or "", "")
    return (op or "=", bool(op), number, m.group("unit") or "")


def shape_of(value: str, target: Any, vocab: Vocab) -> Shape:
    """What kind of value a 指标值 is: a number with its unit class, a date form, a word."""
    t = norm(value)
    if not t:
        return Shape("empty")
    if is_placeholder(t, vocab):
        return Shape("placeholder")
    parsed: tuple[str, bool, Decimal, str] | None = None
    if target is not None and getattr(target, "number", None) is not None:
        parsed = (_OPS.get(target.op or "=", "="), bool(target.op_explicit), target.number, target.unit or "")
    elif target is None or not getattr(target, "qualitative", False):
        parsed = _parse_number(t)
    if parsed is not None:
        op, explicit, number, unit = parsed
        kind = unit_kind(unit, vocab)
        prose = kind == "measure" and ("%" in unit or len(norm(unit)) > 5)
        if kind != "measure" or not (prose or is_deadline(t, vocab)):
            return Shape(kind, op, explicit, number, unit)
        # "12月底到位" (a month read as a number) is a deadline; "10%以上的水平" is prose.
    if is_period(t):
        return Shape("period")
    if is_deadline(t, vocab):
        return Shape("deadline")
    if is_date(t):
        return Shape("date")
    if is_graded(t, vocab):
        return Shape("graded")
    return Shape("qualitative")


def is_placeholder(value: str, vocab: Vocab) -> bool:
    """"无", "/", "XX" (vocabulary `placeholder_values`), or a template value whose figure was
    never filled in ("≥**", "≥XX%")."""
    t = norm(value)
    return t in vocab.placeholders or bool(_MARKED_PLACEHOLDER.match(t))


def is_quantitative(value: str, target: Any, vocab: Vocab) -> bool:
    return shape_of(value, target, vocab).kind in QUANTITATIVE_KINDS


# ---- text judgements ------------------------------------------------------------------------

def hedge_word(value: str, kind: str, vocab: Vocab) -> str:
    """The hedging word in a 指标值 ("力争", "约" …), or ""; 以上 counts only inside prose."""
    t = norm(value)
    for exception in vocab.hedge_exceptions:
        t = t.replace(exception, "")
    found = find_word(t, vocab.hedge)
    if not found and kind == "qualitative" and ("以上" in t or "以下" in t):
        found = "以上" if "以上" in t else "以下"
    return found


def other_year(value: str, year: int | None, kind: str = "") -> int | None:
    """The first year written in the value that is not the budget year. A period value
    ("2023.07-2024.01") is a time window, judged with the implementation period (S15); in a
    quantity ("≤1983.88万元", "≥2000人") the figure is an amount, not a year."""
    if year is None or kind == "period" or kind in QUANTITATIVE_KINDS:
        return None
    for match in _YEAR_IN_TEXT.finditer(norm(value)):
        found = int(match.group(1))
        if found != year:
            return found
    return None


def name_is_value(name: str, vocab: Vocab) -> bool:
    """"0.08元/人", "3万元", "≥90%": the name cell holds a value."""
    parsed = _parse_number(name)
    return parsed is not None and unit_kind(parsed[3], vocab) in ("percent", "money", "unit_cost", "count",
                                                                  "duration", "number")


def value_in_name(name: str) -> bool:
    """"两次大型活动", "开展2次培训": the target figure is written into the name."""
    t = norm(name)
    return bool(_CN_NUMERAL_START.match(t) or _ARABIC_COUNT.search(t))


def name_issue(name: str, vocab: Vocab) -> str:
    t = norm(name)
    if not t:
        return ""
    if name_is_value(t, vocab):
        return "name_is_value"
    if is_period(t) or is_date(t) or (t[0].isdigit() and is_deadline(t, vocab)):
        return "name_is_period"
    if value_in_name(t):
        return "value_in_name"
    if contains_any(t, vocab.slogan) or t.endswith("!"):
        return "slogan"
    return ""


def input_measure(name: str, shape: Shape, vocab: Vocab) -> bool:
    """Money or staff put in (经费, 资金, 驻村干部数量), not what the money produces."""
    t = norm(name)
    if not t or any(t.endswith(r) for r in ("率", "度")):
        return False
    if any(t.endswith(h) for h in vocab.input_heads) or any(t.endswith(s) for s in vocab.input_staff):
        return True
    return shape.kind in ("money", "unit_cost") and bool(find_word(t, vocab.input_money))


def sat_name_ok(name: str, vocab: Vocab) -> bool:
    """A satisfaction name that names who is satisfied: "社会群众满意度", not "人人满意"."""
    t = norm(name)
    for suffix in vocab.sat_suffixes:
        if t.endswith(suffix) and len(t) - len(suffix) >= 2:
            return not contains_any(t, vocab.slogan)
    return False


def repeats_name(explanation: str, name: str) -> bool:
    e, n = name_key(explanation), name_key(name)
    return bool(e) and (e == n or (n.startswith(e) and len(e) >= len(n) - 1))


def timing_issue(shape: Shape, name: str, value: str, vocab: Vocab) -> str:
    if _MALFORMED_DEADLINE.search(norm(value)):
        return "malformed_deadline"
    if shape.kind == "duration" and not shape.op_explicit:
        return "duration_no_op"
    if shape.kind == "percent" and not contains_any(name, vocab.timeliness):
        return "rate_not_timeliness"
    if shape.kind in ("count", "money", "unit_cost", "measure", "number"):
        return "not_time"
    return ""


def cost_issue(ind: Indicator, shape: Shape, rate: bool, issue_of_name: str) -> str:
    if issue_of_name == "name_is_value":
        return "swapped"
    if shape.kind in ("empty", "placeholder"):
        return ""
    if rate and shape.kind != "percent":
        return "rate_no_percent"
    if (ind.level2 or "") in ECONOMIC_COST_LEVEL2 and shape.kind not in ("money", "unit_cost", "percent"):
        return "not_amount"
    return ""


def _bp(number: Decimal) -> int:
    return int((number * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# ---- facts ----------------------------------------------------------------------------------

def indicator_fact(ind: Indicator, form: Any, index: int, ctx: Any, vocab: Vocab) -> dict:
    name, value = ind.name.strip(), ind.value.strip()
    level1, level2 = ind.level1 or "", ind.level2 or ""
    shape = shape_of(value, ind.target, vocab)
    rate = bool(contains_any(name, vocab.rate))
    by_level = level1 == "满意度指标" or level2 == "服务对象满意度指标"
    issue_of_name = name_issue(name, vocab)
    # Name and value swapped ("≥300人 | 参赛学生人数"): the value cell holds the name, so the
    # value is not judged as a value (Q04/Q05/Q09/Q12/Q13/Q15); Q06 (and Q11) say what is wrong.
    swapped = issue_of_name == "name_is_value" and shape.kind in ("qualitative", "graded")
    if swapped:
        shape = Shape("swapped")
    standard = (ind.standard or "").strip()
    explanation = (ind.explanation or "").strip()
    has_expl_col = bool(getattr(form, "has_explanation_column", False))
    is_cost = level1 == "成本指标" or level2 in COST_LEVEL2
    hedge = "" if swapped else hedge_word(value, shape.kind, vocab)
    year = getattr(form, "year", None)
    other = None if swapped else other_year(value, year, shape.kind)

    fact = ctx.base("indicator", index, form, ind.loc or ind.value_loc or ind.name_loc)
    fact.update(form_names(form, index))
    fact.update({
        # A name that is itself a bare figure means the cells were read out of place: not a
        # certain read (facts() also clears it on the row a cut-off text stops in).
        "row_cut": False,
        "certain": issue_of_name != "name_is_value",
        "level1": level1,
        "level1_en": LEVEL1_EN.get(level1, level1),
        "level2": level2,
        "level2_raw": (ind.level2_raw or "").strip(),
        "name": name,
        "value": value,
        "standard": standard,
        "explanation": explanation,
        "has_name": bool(name),
        "value_missing": bool(name) and not value,
        "value_kind": shape.kind,
        "op": shape.op,
        "op_explicit": shape.op_explicit,
        "number": plain_number(shape.number) if shape.number is not None else "",
        "unit": shape.unit,
        "rate_name": rate,
        "dimensionless_name": bool(contains_any(name, vocab.dimensionless)),
        "satisfaction": by_level or "满意" in name,
        "satisfaction_by_level": by_level,
        "sat_name_ok": sat_name_ok(name, vocab),
        "swapped": swapped,
        "is_cost": is_cost,
        "input_measure": input_measure(name, shape, vocab) and not is_cost,
        "value_open_ended": shape.kind == "qualitative" and not re.search(r"\d", value),
        "value_trend": shape.kind == "qualitative" and bool(contains_any(value, vocab.trend)),
        "standard_trend": bool(standard) and not is_graded(standard, vocab)
        and bool(contains_any(standard, vocab.trend)),
        "standard_malformed_deadline": bool(_MALFORMED_DEADLINE.search(norm(standard))),
        "hedge": bool(hedge),
        "hedge_word": hedge,
        "has_other_year": other is not None,
        "has_explanation_column": has_expl_col,
        "explanation_missing": has_expl_col and bool(name) and not explanation,
        "expl_repeats_name": bool(explanation) and repeats_name(explanation, name),
        "rate_without_formula": bool(explanation) and rate and not contains_any(explanation, vocab.formula),
        "name_issue": issue_of_name,
        "timing_issue": timing_issue(shape, name, value, vocab) if level2 == "时效指标" and not swapped else "",
        "cost_issue": cost_issue(ind, shape, rate, issue_of_name) if is_cost else "",
    })
    if shape.kind == "percent" and shape.number is not None:
        fact["value_bp"] = _bp(shape.number)
        fact["value_pct_floor"] = int(shape.number.to_integral_value(rounding=ROUND_FLOOR))
    if year is not None:
        fact["year"] = year
    if other is not None:
        fact["other_year"] = other
    return fact


def _measure_class(fact: dict) -> str:
    return "percent" if fact["rate_name"] or fact["value_kind"] == "percent" else fact["value_kind"]


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


# Q16 compares every pair of names in a form; real tables have up to ~100 indicators. Beyond this
# (a crafted or generated file with thousands) the pairs are not compared, and Q16 says so.
MAX_PAIRED_INDICATORS = 300


def pair_facts(pairs: list[tuple[Indicator, dict]], form: Any, index: int, ctx: Any) -> Iterable[dict]:
    """Names of one form where the shorter is the longer with words left out (or identical)."""
    keyed = [(key, frozenset(key), ind, fact) for ind, fact in pairs if fact["name"]
             for key in (name_key(fact["name"]),)]
    if len(keyed) > MAX_PAIRED_INDICATORS:
        fact = ctx.base("indicator_pairs_skipped", index, form, keyed[0][2].loc or keyed[0][2].name_loc)
        fact.update(form_names(form, index))
        fact.update({"indicator_count": len(keyed), "limit": MAX_PAIRED_INDICATORS})
        yield fact
        return
    for i, (key_a, chars_a, ind_a, fact_a) in enumerate(keyed):
        for key_b, chars_b, ind_b, fact_b in keyed[i + 1:]:
            (short, short_chars), (long, long_chars) = sorted(((key_a, chars_a), (key_b, chars_b)),
                                                              key=lambda k: len(k[0]))
            # The character sets rule out most pairs before the subsequence walk.
            if len(short) < 2 or not short_chars <= long_chars or not _is_subsequence(short, long):
                continue
            fact = ctx.base("indicator_pair", index, form, ind_b.loc or ind_b.name_loc)
            fact.update(form_names(form, index))
            fact.update({
                "name_a": fact_a["name"], "value_a": fact_a["value"],
                "name_b": fact_b["name"], "value_b": fact_b["value"],
                "similarity_pct": len(short) * 100 // len(long),
                "same_measure": _measure_class(fact_a) == _measure_class(fact_b),
                "values_differ": norm(fact_a["value"]) != norm(fact_b["value"]),
            })
            yield fact


def facts(submission: Submission, ctx: Any) -> Iterable[dict]:
    vocab = vocab_for(ctx)
    for index, form in enumerate(submission.forms):
        if form.kind not in INDICATOR_FORMS:
            continue
        built: list[tuple[Indicator, dict]] = []
        # The last row of a form whose text stops inside it may be cut mid-cell.
        cut_row = form.indicators[-1] if form.indicators and still_cut(form) else None
        for ind in form.indicators:
            if not (ind.name.strip() or ind.value.strip()):
                continue
            fact = indicator_fact(ind, form, index, ctx, vocab)
            if ind is cut_row:
                fact.update(row_cut=True, certain=False)
            built.append((ind, fact))
            yield fact
        yield from pair_facts(built, form, index, ctx)
