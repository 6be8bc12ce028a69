"""S family facts: is each form complete and its indicator hierarchy in the expected shape.

Kinds built here:

- `document_forms` (document level): `form_count`.
- `form_header` — one per form: `title`, `title_recognised`, `has_year` (stated as the table's year, not
  inferred from the period, an amount column or the 填报日期) (+ `year`); department:
  `funds_by_source` (88号 申报表), `amounts_missing_count` + `amounts_missing_zh/en`, `functions_state`, `goal_state`
  ("filled" / "blank" / "absent": label there but empty / no such label); project and spending
  direction: `required_missing_count` + `required_missing_zh/en`.
- `form_period` — project / spending direction with a year in its implementation period:
  `period`, `period_years` (+ `_en`), `outside_year`, `multi_year_declared`, `year`.
- `form_plan` — forms with a phase plan: `plan_count`, `timed_count` (items with a time span),
  `distinct_periods`, `first_period`.
- `indicator_block` — department / project / spending direction: `indicator_count`,
  `has_output` / `has_benefit` / `has_satisfaction`, `missing_level1_count` + `_zh/en`,
  `output_missing_count` + `output_missing_zh/en`, `benefit_count`, `benefit_substantive_count`,
  `benefit_quantitative_count`, `year` (when known).
- `cost_layout` — same forms, located at the first cost row: `layout` ("standard" /
  "no_level2" / "other_level2" / "under_output" / "absent"), `cost_level2`, `indicator_count`,
  `year` (when known).
- `level_naming` — same forms, two per form, located at the row concerned: `aspect`
  "placement" with `satisfaction_under_benefit`; `aspect` "names" with `legacy_count` +
  `legacy_names` (raw 一级/二级 labels mapped from a non-standard name).
- `level2_group` — one per 二级 heading in a form: `level1`, `level2`, `level2_raw`, `row_count`,
  `named_count` (rows with a 三级 name).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from checker.facts import text_of
from checker.facts.indicators import INDICATOR_FORMS, Vocab, is_period, is_placeholder, is_quantitative, vocab_for
from checker.facts.vocab import contains_any, form_names, norm, words
from checker.model import Submission

LEVEL1_REQUIRED = (("产出指标", "output"), ("效益指标", "benefit"), ("满意度指标", "satisfaction"))
OUTPUT_LEVEL2 = (("数量指标", "quantity"), ("质量指标", "quality"), ("时效指标", "timeliness"))
COST_STANDARD_LEVEL2 = ("经济成本指标", "社会成本指标", "生态环境成本指标")
SATISFACTION_L2 = "服务对象满意度指标"

DEPT_AMOUNTS = (("total", "资金总额", "total funds"), ("basic", "基本支出", "basic expenditure"),
                ("project", "项目支出", "project expenditure"))


def _funds_by_source(form: Any) -> bool:
    """The 88号 申报表 states the year's funds by source (金额合计 = 财政拨款 + 其他资金, per task)
    and has no 基本支出/项目支出 lines (nor a 职能 field). A table that splits by use (either
    line present) is the other template."""
    by_source = any(getattr(form, a, None) is not None for a in ("general_budget", "gov_fund", "other_funds"))
    return by_source and form.basic is None and form.project is None


# (attribute, zh, en, required only when the template has the label)
REQUIRED_FIELDS = {
    "project": (("project_name", "项目名称", "project name", False), ("total", "预算资金", "budget amount", False),
                ("fund_nature", "资金性质", "fund nature", True), ("period", "实施期", "implementation period", False),
                ("goal", "年度目标", "annual target", False)),
    "spending_direction": (("direction_name", "支出方向名称", "spending direction name", False),
                           ("total", "项目金额", "amount", False),
                           ("period", "项目实施期", "implementation period", False),
                           ("goal", "年度绩效目标", "annual target", False)),
}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_DURATION_YEARS = re.compile(r"^(\d+)年$")
_TIMED = re.compile(r"月|季度|年|日|\d{4}[.\-/]\d")


def _state(text: Any) -> str:
    if text is None:
        return "absent"
    return "filled" if text_of(text) else "blank"


def _joined(items: list[str], sep: str) -> str:
    return sep.join(items)


def header_fact(form: Any, index: int, ctx: Any) -> dict:
    fact = ctx.base("form_header", index, form, form.title_loc)
    fact.update(form_names(form, index))
    title = (form.title or "").strip()
    fact.update({
        "title": title,
        "title_recognised": bool(title) and bool(contains_any(title, words(ctx, "form_title_words"))),
        "has_year": form.year is not None and not getattr(form, "year_inferred", False),
    })
    if form.year is not None:
        fact["year"] = form.year
    if form.kind == "department":
        by_source = _funds_by_source(form)
        due = DEPT_AMOUNTS[:1] if by_source else DEPT_AMOUNTS  # by source: only the total is due
        missing = [(zh, en) for attr, zh, en in due if getattr(form, attr, None) is None]
        fact.update({
            "funds_by_source": by_source,
            "amounts_missing_count": len(missing),
            "amounts_missing_zh": _joined([m[0] for m in missing], "、"),
            "amounts_missing_en": _joined([m[1] for m in missing], ", "),
            "functions_state": _state(form.functions),
            "goal_state": _state(form.goal),
        })
    if form.kind in REQUIRED_FIELDS:
        missing = []
        for attr, zh, en, optional in REQUIRED_FIELDS[form.kind]:
            value = getattr(form, attr, None)
            if value is None and optional:
                continue  # the template has no such field
            if value is None or (hasattr(value, "value") and not text_of(value)):
                missing.append((zh, en))
        fact.update({
            "required_missing_count": len(missing),
            "required_missing_zh": _joined([m[0] for m in missing], "、"),
            "required_missing_en": _joined([m[1] for m in missing], ", "),
        })
    return fact


def period_fact(form: Any, index: int, ctx: Any) -> dict | None:
    period = text_of(getattr(form, "period", None))
    years = sorted({int(y) for y in _YEAR.findall(norm(period))})
    if not years or form.year is None:
        return None
    duration = _DURATION_YEARS.match(norm(period))
    declared = bool(contains_any(period, words(ctx, "multi_year_words"))) or bool(duration and int(duration.group(1)) > 1)
    category = text_of(getattr(form, "category", None))
    declared = declared or bool(category and contains_any(category, ["跨年", "多年"]))
    fact = ctx.base("form_period", index, form, form.period.loc)
    fact.update(form_names(form, index))
    fact.update({
        "period": period,
        "period_years": "、".join(str(y) for y in years),
        "period_years_en": ", ".join(str(y) for y in years),
        "outside_year": any(y != form.year for y in years),
        "multi_year_declared": declared,
        "year": form.year,
    })
    return fact


def plan_fact(form: Any, index: int, ctx: Any) -> dict | None:
    # Budgeted tasks (88号 年度主要任务) list what is done with the money, not when: not a phase plan.
    plans = [p for p in form.plans if p.amount is None]
    if not plans:
        return None
    timed = [p for p in plans if p.period and (is_period(p.period) or _TIMED.search(p.period))]
    fact = ctx.base("form_plan", index, form, (timed or plans)[0].loc)
    fact.update(form_names(form, index))
    fact.update({
        "plan_count": len(plans),
        "timed_count": len(timed),
        "distinct_periods": len({norm(p.period) for p in timed}),
        "first_period": timed[0].period.strip() if timed else "",
    })
    return fact


def _legacy(form: Any) -> tuple[list[str], Any]:
    """Raw 一级/二级 labels that differ from the standard name they were mapped to, and the
    location of the first row that uses one."""
    found: list[str] = []
    first = None
    for ind in form.indicators:
        for raw, canon in ((ind.level1_raw, ind.level1), (ind.level2_raw, ind.level2)):
            key = norm(raw)
            if not key or not canon:
                continue
            if not key.endswith("指标"):
                key += "指标"
            if key != canon and raw.strip() not in found:
                found.append(raw.strip())
                first = first or ind.loc
    return found, first


def _cost_layout(form: Any) -> tuple[str, str, Any]:
    """How cost sits in the hierarchy, the odd 二级 name if any, and the first cost row."""
    cost_rows = [i for i in form.indicators if i.level1 == "成本指标"]
    if cost_rows:
        level2s = [i.level2 or "" for i in cost_rows]
        if all(l2 in COST_STANDARD_LEVEL2 for l2 in level2s):
            return "standard", "", cost_rows[0].loc
        if all(l2 in ("", "成本指标") for l2 in level2s):
            return "no_level2", "", cost_rows[0].loc
        other = [i.level2_raw or i.level2 or "" for i in cost_rows if (i.level2 or "") not in COST_STANDARD_LEVEL2]
        return "other_level2", next((o for o in other if o), ""), cost_rows[0].loc
    under_output = [i for i in form.indicators if i.level2 == "成本指标"]
    if under_output:
        return "under_output", "", under_output[0].loc
    return "absent", "", None


def block_fact(form: Any, index: int, ctx: Any, vocab: Vocab) -> dict:
    rows = [i for i in form.indicators if i.name.strip() or i.value.strip()]
    level1s = {i.level1 for i in rows}
    has_sat = "满意度指标" in level1s or any(i.level2 == SATISFACTION_L2 for i in rows)
    present = {"产出指标": "产出指标" in level1s, "效益指标": "效益指标" in level1s, "满意度指标": has_sat}
    missing = [(zh, en) for zh, en in LEVEL1_REQUIRED if not present[zh]]
    out_missing = [(zh, en) for zh, en in OUTPUT_LEVEL2
                   if not any(i.level2 == zh and i.name.strip() for i in form.indicators)]
    benefit = [i for i in rows if i.level1 == "效益指标" and i.level2 != SATISFACTION_L2 and i.name.strip()]
    substantive = [i for i in benefit if norm(i.value) and not is_placeholder(i.value, vocab)]
    first = rows[0].loc if rows else form.title_loc
    fact = ctx.base("indicator_block", index, form, first)
    fact.update(form_names(form, index))
    fact.update({
        "indicator_count": len(rows),
        "has_output": present["产出指标"],
        "has_benefit": present["效益指标"],
        "has_satisfaction": has_sat,
        "missing_level1_count": len(missing),
        "missing_level1_zh": "、".join(m[0] for m in missing),
        "missing_level1_en": ", ".join(m[1] for m in missing),
        "output_missing_count": len(out_missing),
        "output_missing_zh": "、".join(m[0] for m in out_missing),
        "output_missing_en": ", ".join(m[1] for m in out_missing),
        "benefit_count": len(benefit),
        "benefit_substantive_count": len(substantive),
        "benefit_quantitative_count": sum(1 for i in substantive if is_quantitative(i.value, i.target, vocab)),
    })
    if form.year is not None:
        fact["year"] = form.year
    return fact


def cost_fact(form: Any, index: int, ctx: Any) -> dict:
    layout, cost_level2, where = _cost_layout(form)
    rows = [i for i in form.indicators if i.name.strip() or i.value.strip()]
    fact = ctx.base("cost_layout", index, form, where or (rows[0].loc if rows else form.title_loc))
    fact.update(form_names(form, index))
    fact.update({"layout": layout, "cost_level2": cost_level2, "indicator_count": len(rows)})
    if form.year is not None:
        fact["year"] = form.year
    return fact


def naming_facts(form: Any, index: int, ctx: Any) -> list[dict]:
    """Two facts: where satisfaction sits (`aspect` placement) and legacy names (`aspect` names)."""
    nested = [i for i in form.indicators if i.level1 == "效益指标" and i.level2 == SATISFACTION_L2]
    legacy, legacy_loc = _legacy(form)
    placement = ctx.base("level_naming", index, form, nested[0].loc if nested else None)
    placement.update(form_names(form, index))
    placement.update({"aspect": "placement", "satisfaction_under_benefit": bool(nested)})
    names = ctx.base("level_naming", index, form, legacy_loc)
    names.update(form_names(form, index))
    names.update({"aspect": "names", "legacy_count": len(legacy),
                  "legacy_names": "、".join(f"“{n}”" for n in legacy)})
    return [placement, names]


def group_facts(form: Any, index: int, ctx: Any) -> Iterable[dict]:
    """One fact per 二级 heading: consecutive rows with the same (一级, 二级)."""
    groups: list[list[Any]] = []
    for ind in form.indicators:
        if groups and (groups[-1][0].level1, groups[-1][0].level2) == (ind.level1, ind.level2):
            groups[-1].append(ind)
        else:
            groups.append([ind])
    for rows in groups:
        head = rows[0]
        if not head.level2:
            continue
        fact = ctx.base("level2_group", index, form, head.loc)
        fact.update(form_names(form, index))
        fact.update({
            "level1": head.level1 or "",
            "level2": head.level2,
            "level2_raw": (head.level2_raw or head.level2).strip(),
            "row_count": len(rows),
            "named_count": sum(1 for i in rows if i.name.strip()),
        })
        yield fact


def facts(submission: Submission, ctx: Any) -> Iterable[dict]:
    doc = ctx.base("document_forms", -1, None, None)
    doc["form_count"] = len(submission.forms)
    yield doc
    vocab = vocab_for(ctx)
    for index, form in enumerate(submission.forms):
        yield header_fact(form, index, ctx)
        if getattr(form, "period", None) is not None:
            period = period_fact(form, index, ctx)
            if period is not None:
                yield period
        plan = plan_fact(form, index, ctx)
        if plan is not None:
            yield plan
        if form.kind in INDICATOR_FORMS:
            yield block_fact(form, index, ctx, vocab)
            yield cost_fact(form, index, ctx)
            yield from naming_facts(form, index, ctx)
            yield from group_facts(form, index, ctx)
