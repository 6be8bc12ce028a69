"""Facts for the A family (arithmetic / reconciliation). All sums in Decimal here; the engine
gets 分 integers, absolute gaps and display strings.

Kinds built here (fields beyond fid/kind/form/form_kind/loc):

- dept_amounts      total/basic/project[_fen], parts_complete, computed, diff, total_vs_parts_abs_fen;
                    has_income_breakdown, general/gov_fund/other[_fen], income_sum, income_diff,
                    total_vs_income_abs_fen                                          (A01, A02, A07, C06)
- cost_sum_check    left_zh/left_en/left, right_zh/right_en/right, diff, gap_fen   (A03)
- calc_check        scope (formula/row), item, calc, computed, stated, diff, gap_fen (A04)
- summary_sum_check left_zh/left_en/left, right_zh/right_en/right, diff, gap_fen   (A05)
- direction_amounts direction, direction_key, special_name, special_key, total, total_fen,
                    special_amount, special_amount_fen, over_special_fen            (A06)
- funded_table      name, amount, amount_fen                                       (A07)
- funded_sum        count, total, sum_fen, max_part_fen                            (A07)
- form_units        money_count, unit_declared, assumed_unit                       (A08)
- money_figure      label_zh, label_en, raw, unit, decimals, negative              (A09)
- unit_cost_check   name, unit_cost, quantity_name, quantity, computed, budget_zh, budget_en,
                    budget, deviation_pct, deviation_bp (the first quantity in the unit vs
                    the budget), closest_deviation_bp (any such quantity vs the budget or a
                    支出明细 line)                                                   (A11)
- indicator_figures one per indicator (one fact instead of three keeps the engine fast):
                    name, value, form_no; name_key, value_key, quantitative       (C03, when named)
                    unit, number, integral, negative, growth_like, pct_bp (%)    (A12, when numeric)
                    amount, amount_fen, budget_zh/en, budget, budget_fen, excess_fen (A10, amounts)
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Iterator

from checker.facts import FactContext, money_display, name_key, text_of, to_fen, wan_display
from checker.facts.consistency import indicator_value_key
from checker.facts.calc import MONEY_UNITS, YUAN_PER_WAN, parse_calculation, parse_unit_cost
from checker.model import Indicator, Money, Submission

ZERO = Decimal(0)

MONEY_LABELS = {  # field -> (zh, en), per form kind
    "department": {"total": ("资金总额", "total funds"), "basic": ("基本支出", "basic expenditure"),
                   "project": ("项目支出", "project expenditure"),
                   "general_budget": ("一般公共预算拨款", "general public budget"),
                   "gov_fund": ("政府性基金拨款", "government fund"), "other_funds": ("其他资金", "other funds")},
    "project": {"total": ("预算资金", "project budget"), "fiscal": ("财政拨款", "fiscal appropriation"),
                "other_funds": ("其他资金", "other funds")},
    "special_fund_summary": {"total": ("合计", "grand total")},
    "spending_direction": {"total": ("项目金额", "direction amount"),
                           "special_amount": ("所属专项金额", "special fund amount"),
                           "cost_total": ("支出明细合计", "cost detail total")},
}


def facts(submission: Submission, ctx: FactContext) -> Iterator[dict]:
    for index, form in enumerate(submission.forms):
        if form.kind == "department":
            yield from _dept(ctx, index, form)
        if form.kind in ("project", "spending_direction"):
            yield from _cost_sums(ctx, index, form)
            yield from _calculations(ctx, index, form)
        if form.kind == "special_fund_summary":
            yield from _summary_sums(ctx, index, form)
        if form.kind == "spending_direction":
            yield from _direction(ctx, index, form)
        yield from _units(ctx, index, form)
        yield from _indicator_figures(ctx, index, form)
        yield from _unit_costs(ctx, index, form)
    yield from _funded(ctx, submission)


# ---- A01 / A02 ------------------------------------------------------------------------------

def _dept(ctx: FactContext, index: int, form) -> Iterator[dict]:
    anchor = form.total or form.basic or form.project
    fact = ctx.base("dept_amounts", index, form, anchor.loc if anchor else form.title_loc)
    for name in ("total", "basic", "project"):
        money = getattr(form, name)
        if money is not None:
            fact[name] = money_display(money)
            fact[f"{name}_fen"] = money.fen
    complete = all(getattr(form, n) is not None for n in ("total", "basic", "project"))
    fact["parts_complete"] = complete
    if complete:
        computed = form.basic.wan + form.project.wan
        fact["computed"] = wan_display(computed)
        fact["diff"] = wan_display(abs(form.total.wan - computed))
        fact["total_vs_parts_abs_fen"] = abs(to_fen(form.total.wan) - to_fen(computed))
    fact["has_income_breakdown"] = bool(form.has_income_breakdown)
    if form.has_income_breakdown:
        parts = {"general": form.general_budget, "gov_fund": form.gov_fund, "other": form.other_funds}
        income = sum((m.wan for m in parts.values() if m is not None), ZERO)  # blank = 0
        for name, money in parts.items():
            fact[name] = money_display(money) if money is not None else "0.00"
            fact[f"{name}_fen"] = money.fen if money is not None else 0
        fact["income_sum"] = wan_display(income)
        # No part read as a number: the breakdown's figures may sit in cells or under labels the
        # reader did not take (其中：当年财政拨款 …), so "blank = 0" is not a certain read.
        fact["income_parts_read"] = sum(1 for m in parts.values() if m is not None)
        if form.total is not None:
            fact["income_diff"] = wan_display(abs(form.total.wan - income))
            fact["total_vs_income_abs_fen"] = abs(to_fen(form.total.wan) - to_fen(income))
    yield fact


# ---- A03: cost lines vs the table's amounts --------------------------------------------------

def _sum_check(ctx: FactContext, kind: str, index: int, form, loc, left: tuple[str, str, Decimal],
               right: tuple[str, str, Decimal]) -> dict:
    fact = ctx.base(kind, index, form, loc)
    fact.update(left_zh=left[0], left_en=left[1], left=wan_display(left[2]),
                right_zh=right[0], right_en=right[1], right=wan_display(right[2]),
                diff=wan_display(abs(left[2] - right[2])), gap_fen=abs(to_fen(left[2]) - to_fen(right[2])))
    return fact


def _cost_sums(ctx: FactContext, index: int, form) -> Iterator[dict]:
    amounts = [line.amount for line in form.cost_lines if line.amount is not None]
    cost_total: Money | None = getattr(form, "cost_total", None)
    total: Money | None = form.total
    total_label = ("项目金额", "the direction amount") if form.kind == "spending_direction" else ("预算资金", "the project budget")
    if amounts:
        lines_sum = sum((m.wan for m in amounts), ZERO)
        left = ("支出明细各行之和", "The cost lines add up to", lines_sum)
        if cost_total is not None:
            yield _sum_check(ctx, "cost_sum_check", index, form, cost_total.loc, left,
                             ("合计行", "the total row", cost_total.wan))
        if total is not None:
            yield _sum_check(ctx, "cost_sum_check", index, form, total.loc, left,
                             (total_label[0], total_label[1], total.wan))
    elif cost_total is not None and total is not None:
        yield _sum_check(ctx, "cost_sum_check", index, form, cost_total.loc,
                         ("支出明细合计行", "The cost total row", cost_total.wan),
                         (total_label[0], total_label[1], total.wan))


# ---- A04: calculation strings ----------------------------------------------------------------

def _calculations(ctx: FactContext, index: int, form) -> Iterator[dict]:
    for line in form.cost_lines:
        if not line.calculation:
            continue
        formulas = parse_calculation(line.calculation)
        if not formulas:
            continue
        item = line.item or line.content or "—"
        for formula in formulas:
            if formula.stated_wan is None:
                continue
            fact = ctx.base("calc_check", index, form, line.loc)
            fact.update(scope="formula", item=item, calc=formula.text,
                        computed=_fine(formula.computed_wan), stated=_fine(formula.stated_wan),
                        diff=_fine(abs(formula.computed_wan - formula.stated_wan)),
                        gap_fen=abs(to_fen(formula.computed_wan) - to_fen(formula.stated_wan)))
            yield fact
        if line.amount is not None:
            results = sum((f.stated_wan if f.stated_wan is not None else f.computed_wan for f in formulas), ZERO)
            fact = ctx.base("calc_check", index, form, line.amount.loc or line.loc)
            fact.update(scope="row", item=item, calc=" ＋ ".join(f.text for f in formulas),
                        computed=_fine(results), stated=money_display(line.amount),
                        diff=_fine(abs(results - line.amount.wan)),
                        gap_fen=abs(to_fen(results) - line.amount.fen))
            yield fact


def _fine(wan: Decimal) -> str:
    """万元 with 2 decimals, or 4 when the 元 digits matter (0.0125)."""
    fine = wan.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return wan_display(wan) if fine == fine.quantize(Decimal("0.01")) else str(fine)


# ---- A05: summary table sums -----------------------------------------------------------------

def _summary_sums(ctx: FactContext, index: int, form) -> Iterator[dict]:
    total = form.total
    specials = [ln for ln in form.lines if ln.level == "special"]
    directions = [ln for ln in form.lines if ln.level == "direction"]
    special_amounts = [ln.amount.wan for ln in specials if ln.amount is not None]
    direction_amounts = [ln.amount.wan for ln in directions if ln.amount is not None]
    if total is not None and special_amounts:
        yield _sum_check(ctx, "summary_sum_check", index, form, total.loc,
                         ("合计", "The grand total", total.wan),
                         ("各专项之和", "the sum of the special funds", sum(special_amounts, ZERO)))
    if total is not None and direction_amounts:
        yield _sum_check(ctx, "summary_sum_check", index, form, total.loc,
                         ("合计", "The grand total", total.wan),
                         ("各支出方向之和", "the sum of the spending directions", sum(direction_amounts, ZERO)))
    # Each special fund = the directions listed under it (until the next special fund).
    current = None
    groups: list[tuple] = []
    for line in form.lines:
        if line.level == "special":
            current = (line, [])
            groups.append(current)
        elif line.level == "direction" and current is not None:
            current[1].append(line)
    for special, children in groups:
        child_amounts = [c.amount.wan for c in children if c.amount is not None]
        if special.amount is None or not child_amounts:
            continue
        label = f"{special.seq} {special.name}".strip()
        yield _sum_check(ctx, "summary_sum_check", index, form, special.amount.loc or special.loc,
                         (f"专项「{label}」", f"Special fund '{label}'", special.amount.wan),
                         ("其下各支出方向之和", "the sum of its directions", sum(child_amounts, ZERO)))


# ---- A06: direction table amounts ------------------------------------------------------------

def _direction(ctx: FactContext, index: int, form) -> Iterator[dict]:
    if form.total is None and form.special_amount is None:
        return
    anchor = form.total or form.special_amount
    fact = ctx.base("direction_amounts", index, form, anchor.loc)
    direction, special = text_of(form.direction_name), text_of(form.special_name)
    fact["direction"] = direction or "—"
    fact["special_name"] = special or "—"
    if direction:
        fact["direction_key"] = name_key(direction)
    if special:
        fact["special_key"] = name_key(special)
    for name in ("total", "special_amount"):
        money = getattr(form, name)
        if money is not None:
            fact[name] = money_display(money)
            fact[f"{name}_fen"] = money.fen
    if form.total is not None and form.special_amount is not None:
        fact["over_special_fen"] = form.total.fen - form.special_amount.fen
        fact["diff"] = wan_display(abs(form.total.wan - form.special_amount.wan))
    yield fact


# ---- A07: project tables vs the department's 项目支出 ---------------------------------------

def _funded(ctx: FactContext, submission: Submission) -> Iterator[dict]:
    has_summary = any(f.kind == "special_fund_summary" for f in submission.forms)
    parts: list[tuple[int, object, str, Money]] = []
    for index, form in enumerate(submission.forms):
        amount: Money | None = None
        if form.kind == "project":
            amount = form.total
            name = text_of(form.project_name) or form.title or "项目"
        elif form.kind == "special_fund_summary":
            amount = form.total
            name = form.title or "专项资金汇总表"
        elif form.kind == "spending_direction" and not has_summary:
            amount = form.total  # the summary already counts its directions
            name = text_of(form.direction_name) or form.title or "支出方向"
        if amount is None:
            continue
        parts.append((index, form, name, amount))
        fact = ctx.base("funded_table", index, form, amount.loc)
        fact.update(name=name, amount=money_display(amount), amount_fen=amount.fen)
        yield fact
    if len(parts) >= 2:
        total = sum((m.wan for *_, m in parts), ZERO)
        fact = ctx.base("funded_sum", -1, None, parts[0][3].loc)
        fact.update(count=len(parts), total=wan_display(total), sum_fen=to_fen(total),
                    max_part_fen=max(m.fen for *_, m in parts))
        yield fact


# ---- A08 / A09: units and figures ------------------------------------------------------------

def _moneys(form) -> Iterator[tuple[str, str, Money]]:
    labels = MONEY_LABELS.get(form.kind, {})
    for field, (zh, en) in labels.items():
        money = getattr(form, field, None)
        if money is not None:
            yield zh, en, money
    for line in getattr(form, "cost_lines", []):
        if line.amount is not None:
            item = line.item or line.content or "—"
            yield f"支出明细「{item}」", f"cost line '{item}'", line.amount
    for line in getattr(form, "lines", []):
        if line.amount is not None and line.level != "total":
            label = f"{line.seq} {line.name}".strip()
            yield f"汇总表「{label}」", f"summary line '{label}'", line.amount


def _units(ctx: FactContext, index: int, form) -> Iterator[dict]:
    moneys = list(_moneys(form))
    if not moneys:
        return
    declared = form.amount_unit is not None or all(_unit_written(m.raw) for *_, m in moneys)
    fact = ctx.base("form_units", index, form, moneys[0][2].loc or form.title_loc)
    fact.update(money_count=len(moneys), unit_declared=declared, assumed_unit=moneys[0][2].unit)
    yield fact
    for zh, en, money in moneys:
        fact = ctx.base("money_figure", index, form, money.loc)
        fact.update(label_zh=zh, label_en=en, raw=money.raw or str(money.amount), unit=money.unit,
                    decimals=_decimals(money), negative=money.amount < 0)
        yield fact


_UNIT_IN_RAW = re.compile(r"元|[0-9.]\s*[万亿]")  # "3万元", "750000元", "250万"


def _unit_written(raw: str) -> bool:
    return bool(_UNIT_IN_RAW.search(raw or ""))


def _decimals(money: Money) -> int:
    raw = (money.raw or "").strip()
    digits = "".join(ch for ch in raw if ch.isdigit() or ch == ".")
    if digits.count(".") == 1:
        return len(digits.split(".")[1])
    exponent = money.amount.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


# ---- A10 / A11 / A12: indicator values -------------------------------------------------------

def _budget(form) -> tuple[str, str, Money] | None:
    """The funding an indicator of this form belongs to."""
    if form.kind == "department" and form.total is not None:
        return "资金总额", "total funds", form.total
    if form.kind == "project" and form.total is not None:
        return "预算资金", "the project budget", form.total
    if form.kind == "spending_direction" and form.total is not None:
        return "项目金额", "the direction amount", form.total
    return None


def _money_value(ind: Indicator) -> Decimal | None:
    """The indicator's value in 万元 when it is a plain amount (not per unit)."""
    target = ind.target
    if target is None or target.number is None or not target.unit:
        return None
    unit = target.unit.strip()
    if unit in MONEY_UNITS:
        return target.number * MONEY_UNITS[unit] / YUAN_PER_WAN
    return None


def _indicator_figures(ctx: FactContext, index: int, form) -> Iterator[dict]:
    growth = ctx.words("growth_words")
    budget = _budget(form)
    for ind in form.indicators:
        if not (ind.name or "").strip() and not ind.value.strip():
            continue
        fact = ctx.base("indicator_figures", index, form, ind.value_loc or ind.loc)
        fact.update(name=ind.name or "—", value=ind.value or "—", form_no=index + 1)
        key = name_key(ind.name)
        if key and ind.value.strip():  # C03 compares named, filled indicators only
            value_key, quantitative = indicator_value_key(ind)
            fact.update(name_key=key, value_key=value_key or "—", quantitative=quantitative)
        target = ind.target
        if target is not None and target.number is not None:
            number = target.number
            unit = (target.unit or "").strip()
            fact.update(unit=unit, number=_plain(number), integral=number == number.to_integral_value(),
                        negative=number < 0, growth_like=any(w in (ind.name or "") for w in growth))
            if unit == "%":
                fact["pct_bp"] = int((number * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        amount = _money_value(ind)
        if amount is not None and budget is not None and budget[2].fen > 0:
            zh, en, money = budget  # a blank or zero budget line says nothing about the indicator
            fact.update(amount=wan_display(amount), amount_fen=to_fen(amount), budget_zh=zh, budget_en=en,
                        budget=money_display(money), budget_fen=money.fen, excess_fen=to_fen(amount) - money.fen)
        yield fact


def _quantity(ind: Indicator) -> tuple[Decimal, str] | None:
    target = ind.target
    if target is None or target.number is None or not target.unit:
        return None
    unit = target.unit.strip()
    if unit in MONEY_UNITS or "%" in unit or "/" in unit or "元" in unit:
        return None
    number = target.number
    if len(unit) > 1 and unit[0] in "万亿":  # "2万人次" read as 2 + 万人次
        number *= Decimal(10000) if unit[0] == "万" else Decimal(100000000)
        unit = unit[1:]
    return number, unit


def _unit_costs(ctx: FactContext, index: int, form) -> Iterator[dict]:
    for ind in form.indicators:
        cost = parse_unit_cost(ind.value) or parse_unit_cost(ind.name)
        if cost is None:
            continue
        quantities = _matching_quantities(form.indicators, ind, cost.per)
        if not quantities:
            continue
        stated = _money_value(ind)  # "0.08元/人 | 3万元": the row states the total cost
        if stated is not None:
            budget_zh, budget_en, budget = "该行成本", "the cost stated in the row", stated
            others: list[Decimal] = []
        else:
            found = _budget(form)
            if form.kind == "department" and form.project is not None:
                found = ("项目支出", "project expenditure", form.project)
            if found is None:
                continue
            budget_zh, budget_en, budget = found[0], found[1], found[2].wan
            # A component's unit cost (人均奖励成本) matches its 支出明细 line, not the whole budget.
            others = [line.amount.wan for line in getattr(form, "cost_lines", []) if line.amount is not None]
        if budget <= 0:
            continue
        quantity_ind, (number, unit) = quantities[0]
        computed = cost.yuan * number / YUAN_PER_WAN
        deviation = abs(computed - budget) / budget
        # The closest pairing of any quantity in that unit with the budget or a cost line: the
        # rule fires only when even that is off (which quantity a unit cost counts is a guess).
        closest = min(abs(cost.yuan * n / YUAN_PER_WAN - b) / b
                      for _, (n, _u) in quantities for b in [budget, *others] if b > 0)
        fact = ctx.base("unit_cost_check", index, form, ind.loc or ind.name_loc)
        fact.update(name=ind.name or "—", unit_cost=cost.text, quantity_name=quantity_ind.name or "—",
                    quantity=quantity_ind.value, computed=_fine(computed), budget_zh=budget_zh,
                    budget_en=budget_en, budget=wan_display(budget),
                    deviation_pct=f"{(deviation * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%",
                    deviation_bp=_bp(deviation), closest_deviation_bp=_bp(closest))
        yield fact


def _bp(share: Decimal) -> int:
    return int((share * 10000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _matching_quantities(indicators: Iterable[Indicator], cost_ind: Indicator, per: str) -> list:
    """Quantity indicators counted in the unit cost's unit: exact unit first, then a unit that
    starts with the other (人 / 人次), each in table order."""
    exact, prefix = [], []
    for ind in indicators:
        if ind is cost_ind:
            continue
        quantity = _quantity(ind)
        if quantity is None:
            continue
        unit = quantity[1]
        if unit == per:
            exact.append((ind, quantity))
        elif unit.startswith(per) or per.startswith(unit):
            prefix.append((ind, quantity))
    return exact + prefix


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
