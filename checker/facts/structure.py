"""S family facts: is each form complete and its indicator hierarchy in the expected shape.

Kinds built here:

- `document_forms` (document level): `form_count`; `table_words_count` + `table_words` (words of
  target tables in a text where no form was recognised).
- `form_header` — one per form: `title`, `title_recognised`, `has_year` (+ `year`; without a year:
  `year_unsure` + `year_hint`, a year written outside the indicators), `form_complete`; department:
  `funds_by_source` (88号 申报表), `amounts_missing_count` + `amounts_missing_zh/en` (certainly
  missing) and `amounts_unsure_count` + `_zh/en` (looks missing, the read may be wrong),
  `functions_state`, `goal_state` ("filled" / "blank" / "absent" / "past_end": label there but
  empty / no such label / no such label and the text stops before the indicator table); project
  and spending direction: `required_missing_count` + `required_missing_zh/en`, `required_unsure_count`
  + `_zh/en`. A field the template does not have (实施期, 资金性质, 基本支出/项目支出 in by-source
  templates) is not due; one that may lie past the end of a cut-off text is not counted.
- `form_end` — a form whose text stops early (FormBase.incomplete): `stops_at`, `in_block` (the
  text stops inside the indicator table rather than before it).
- `form_period` — project / spending direction with a year in its implementation period:
  `period`, `period_years` (+ `_en`), `outside_year`, `multi_year_declared`, `year`.
- `form_plan` — forms with a phase plan: `plan_count`, `timed_count` (items with a time span),
  `distinct_periods`, `first_period`.
- `indicator_block` — department / project / spending direction: `indicator_count`,
  `has_output` / `has_benefit` / `has_satisfaction`, `missing_level1_count` + `_zh/en`,
  `unsure_level1_count` + `_zh/en` (the class heading is written but no row was read under it),
  `output_missing_count` + `output_missing_zh/en`, `benefit_count`, `benefit_substantive_count`,
  `benefit_quantitative_count`, `form_complete`, `benefit_closed` (benefit was read to its end),
  `year` (when known). On a cut-off form only classes before the cut are counted missing.
- `cost_layout` — same forms, located at the first cost row: `layout` ("standard" /
  "no_level2" / "other_level2" / "under_output" / "absent" / "past_end"), `cost_level2`, `indicator_count`,
  `year` (when known).
- `level_naming` — same forms, two per form, located at the row concerned: `aspect`
  "placement" with `satisfaction_under_benefit`; `aspect` "names" with `legacy_count` +
  `legacy_names` (raw 一级/二级 labels mapped from a non-standard name).
- `level2_group` — one per 二级 heading in a form: `level1`, `level2`, `level2_raw`, `row_count`,
  `named_count` (rows with a 三级 name), `at_cut` (the last group of a cut-off form).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from checker.extract.truncation import still_cut
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


# (attribute, zh, en, required only when the template has the label). Every project and
# spending-direction template has a name, an amount and a target; 资金性质 and 实施期 only some
# (鄂州, 四川, 湖南 基础设施类, 武汉, 转移支付 and 自评表 templates have no 实施期 field).
REQUIRED_FIELDS = {
    "project": (("project_name", "项目名称", "project name", False), ("total", "预算资金", "budget amount", False),
                ("fund_nature", "资金性质", "fund nature", True), ("period", "实施期", "implementation period", True),
                ("goal", "年度目标", "annual target", False)),
    "spending_direction": (("direction_name", "支出方向名称", "spending direction name", False),
                           ("total", "项目金额", "amount", False),
                           ("period", "项目实施期", "implementation period", True),
                           ("goal", "年度绩效目标", "annual target", False)),
}
# A cell this short holding a piece of a field's label ("目标" after a split "年度 / 目标"), or a
# longer cell with the label run into its text ("…总体目标为推进…"), means the label is there and its
# value was not found: the read is not certain.
_FRAGMENT_MAX = 6
# Words that label a field in templates whose exact label the vocabulary does not list.
_LABEL_HINTS = {"goal": ("绩效目标",), "total": ("合计",)}
_NOT_A_LABEL = re.compile(r"表|申报|管理")  # 绩效目标表, 绩效目标申报, 绩效目标管理: titles and prose
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_DURATION_YEARS = re.compile(r"^(\d+)年$")
_TIMED = re.compile(r"月|季度|年|日|\d{4}[.\-/]\d")


def _state(text: Any, past_end: bool = False) -> str:
    """filled / blank (label there, nothing in it) / absent (no such label) / past_end (no such
    label, and the text stops before the parts where it would be)."""
    if text is None:
        return "past_end" if past_end else "absent"
    return "filled" if text_of(text) else "blank"


def _cut_before_indicators(form: Any) -> bool:
    return not form.indicators and bool(still_cut(form))


def _labels_of(field: str) -> list[str]:
    from checker.extract.vocabulary import FIELD_LABELS
    return [norm(label) for label, (f, _) in FIELD_LABELS.items() if f == field]


def _label_fragment(form: Any, field: str) -> bool:
    """Some short cell of the form is a piece of one of `field`'s labels (a split label), or a
    longer cell holds one of its labels run together with other text."""
    labels = _labels_of(field)
    hints = [h for h in labels if len(h) >= 4] + list(_LABEL_HINTS.get(field, ()))
    for text in form.texts:
        k = norm(text.value)
        if 2 <= len(k) <= _FRAGMENT_MAX and any(k in label for label in labels):
            return True
        for hint in hints:
            at = k.find(hint)
            if at >= 0 and len(k) > len(hint) and not _NOT_A_LABEL.match(k[at + len(hint):]):
                return True
    return False


def _field_state(form: Any, attr: str, optional: bool) -> str:
    """ok / missing (certainly not filled) / unsure (looks unfilled, but the read may be wrong) /
    skip (the template has no such field, or it may lie past the end of a cut-off text)."""
    value = getattr(form, attr, None)
    if value is not None:
        if not hasattr(value, "value") or text_of(value):
            return "ok"
        return "missing" if getattr(value, "certain", True) else "unsure"
    blank = getattr(form, "blank_money", {}).get(attr)
    if blank is not None:
        return "missing" if blank == "label" else "unsure"
    if optional or _cut_before_indicators(form):
        return "skip"
    return "unsure" if _label_fragment(form, attr) else "missing"


def _joined(items: list[str], sep: str) -> str:
    return sep.join(items)


_YEAR_WRITTEN = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*年")


def _year_hint(form: Any) -> str:
    """The first year written in the form outside its indicator cells (a filing date, an amount
    column such as 2024年度预算金额, a subtitle run into other text: "2021年"), or ""."""
    in_indicators = {loc for i in form.indicators for loc in (i.loc, i.name_loc, i.value_loc) if loc is not None}
    for text in [form.title or ""] + [t.value for t in form.texts if t.loc not in in_indicators]:
        m = _YEAR_WRITTEN.search(text)
        if m:
            return re.sub(r"\s+", "", m.group(0))
    return ""


# A title that names a table ("…申报明细表", "…表(2024年度)"): the reader knew its kind by content.
_NAMES_TABLE = re.compile(r"表\s*([(（][^()（）]*[)）])?\s*$")


def _title_recognised(form: Any, title: str, ctx: Any) -> bool:
    """Whether the title says which kind of target table the form is. The reader already judged
    titles it split forms at (in any script, 自评表 included). A form it knew by content passes
    when its title names a table (…申报明细表) or it has none (a web copy that lost its title is
    not this defect); a heading such as "…工作情况" does not say what the table is."""
    kind_from = getattr(form, "kind_from", "")
    if kind_from == "title" or (kind_from == "content" and (not title or _NAMES_TABLE.search(title))):
        return True
    return bool(title) and bool(contains_any(title, words(ctx, "form_title_words")))


def header_fact(form: Any, index: int, ctx: Any) -> dict:
    fact = ctx.base("form_header", index, form, form.title_loc)
    fact.update(form_names(form, index))
    title = (form.title or "").strip()
    fact.update({
        "title": title,
        "title_recognised": _title_recognised(form, title, ctx),
        "has_year": form.year is not None,
    })
    if form.year is not None:
        fact["year"] = form.year
    else:
        hint = _year_hint(form)
        fact["year_unsure"] = bool(hint)  # a year is written somewhere: our read may have missed it
        fact["year_hint"] = hint
    cut = _cut_before_indicators(form)
    fact["form_complete"] = not still_cut(form)
    if form.kind == "department":
        by_source = _funds_by_source(form)
        due = DEPT_AMOUNTS[:1] if by_source else DEPT_AMOUNTS  # by source: only the total is due
        # Every department template has a total; 基本支出/项目支出 lines only those that split the
        # funds by use (88号 申报表 and 自评表 state them by source): when neither line is there,
        # their absence is the template's, not the unit's.
        by_use = any(getattr(form, a, None) is not None or a in form.blank_money for a in ("basic", "project"))
        states = [(_field_state(form, attr, attr != "total" and not by_use), zh, en) for attr, zh, en in due]
        fact.update({
            "funds_by_source": by_source,
            "functions_state": _state(form.functions, cut),
            "goal_state": _state(form.goal, cut),
        })
        fact.update(_missing_fields(states, "amounts_missing", "amounts_unsure"))
    if form.kind in REQUIRED_FIELDS:
        states = [(_field_state(form, attr, optional), zh, en) for attr, zh, en, optional in REQUIRED_FIELDS[form.kind]]
        fact.update(_missing_fields(states, "required_missing", "required_unsure"))
    return fact


def _missing_fields(states: list[tuple[str, str, str]], missing: str, unsure: str) -> dict:
    """Count, zh and en lists of the fields certainly missing and of those that only look so."""
    out: dict = {}
    for prefix, wanted in ((missing, "missing"), (unsure, "unsure")):
        items = [(zh, en) for state, zh, en in states if state == wanted]
        out[f"{prefix}_count"] = len(items)
        out[f"{prefix}_zh"] = _joined([m[0] for m in items], "、")
        out[f"{prefix}_en"] = _joined([m[1] for m in items], ", ")
    return out


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


def _reached(order: tuple[tuple[str, str], ...], seen: list[str]) -> set[str]:
    """The parts of `order` (a template's usual sequence) at or before the furthest one seen:
    in a text that stops early, the parts after it may lie past the end."""
    names = [zh for zh, _ in order]
    furthest = max((names.index(x) for x in seen if x in names), default=-1)
    return set(names[: furthest + 1])


def _passed(indicators: list, level1: str) -> bool:
    """Rows of another 一级 follow the last row of `level1`: that block was read to its end."""
    last = max((n for n, i in enumerate(indicators) if i.level1 == level1), default=None)
    return last is not None and any(i.level1 and i.level1 != level1 for i in indicators[last + 1:])


def block_fact(form: Any, index: int, ctx: Any, vocab: Vocab) -> dict:
    rows = [i for i in form.indicators if i.name.strip() or i.value.strip()]
    level1s = {i.level1 for i in rows}
    has_sat = "满意度指标" in level1s or any(i.level2 == SATISFACTION_L2 for i in rows)
    present = {"产出指标": "产出指标" in level1s, "效益指标": "效益指标" in level1s, "满意度指标": has_sat}
    complete = not still_cut(form)
    # A heading the text stops at (no row under it yet) does not count as reached.
    read = form.indicators[:-1] if form.indicators and not form.indicators[-1].name.strip() else form.indicators
    seen1 = [i.level1 for i in read if i.level1] + (["满意度指标"] if has_sat else [])
    due1 = {zh for zh, _ in LEVEL1_REQUIRED} if complete else _reached(LEVEL1_REQUIRED, seen1)
    absent = [(zh, en) for zh, en in LEVEL1_REQUIRED if not present[zh] and zh in due1]
    # The class's word is written in the form ("产 出 指 标" in a run-on self-evaluation table) but
    # no row was read under it: the read, not the table, may be at fault.
    written = "".join(norm(t.value) for t in form.texts)
    unsure = [(zh, en) for zh, en in absent if zh in written]
    missing = [m for m in absent if m not in unsure]
    # Output's 二级 are due unless the text stops inside output, before the one in question.
    last1 = form.indicators[-1].level1 if form.indicators else None
    inside_output = not complete and last1 in (None, "产出指标")
    due2 = _reached(OUTPUT_LEVEL2, [i.level2 for i in read if i.level1 == "产出指标" and i.level2]) \
        if inside_output else {zh for zh, _ in OUTPUT_LEVEL2}
    out_missing = [(zh, en) for zh, en in OUTPUT_LEVEL2
                   if zh in due2 and not any(i.level2 == zh and i.name.strip() for i in form.indicators)]
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
        "unsure_level1_count": len(unsure),
        "unsure_level1_zh": "、".join(m[0] for m in unsure),
        "unsure_level1_en": ", ".join(m[1] for m in unsure),
        "output_missing_count": len(out_missing),
        "output_missing_zh": "、".join(m[0] for m in out_missing),
        "output_missing_en": ", ".join(m[1] for m in out_missing),
        "benefit_count": len(benefit),
        "benefit_substantive_count": len(substantive),
        "benefit_quantitative_count": sum(1 for i in substantive if is_quantitative(i.value, i.target, vocab)),
        "form_complete": complete,
        # Benefit is judged only when the text goes on past it (to satisfaction) or is complete.
        "benefit_closed": complete or _passed(form.indicators, "效益指标"),
    })
    if form.year is not None:
        fact["year"] = form.year
    return fact


def cost_fact(form: Any, index: int, ctx: Any) -> dict:
    layout, cost_level2, where = _cost_layout(form)
    if layout == "absent" and still_cut(form):
        layout = "past_end"  # the cost block may come after where the text stops
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
    cut = still_cut(form)
    for n, rows in enumerate(groups):
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
            # The last group of a text that stops inside it: its rows may lie past the end.
            "at_cut": cut and n == len(groups) - 1,
        })
        yield fact


def end_fact(form: Any, index: int, ctx: Any) -> dict:
    """Where the text of a cut-off form stops."""
    fact = ctx.base("form_end", index, form, getattr(form, "stops_loc", None) or form.title_loc)
    fact.update(form_names(form, index))
    stops_at = (getattr(form, "stops_at", None) or "").strip()
    fact.update({"incomplete": True, "stops_at": stops_at, "in_block": bool(stops_at)})
    return fact


def facts(submission: Submission, ctx: Any) -> Iterable[dict]:
    doc = ctx.base("document_forms", -1, None, None)
    doc["form_count"] = len(submission.forms)
    found = list(getattr(submission, "table_words", []) or [])
    doc["table_words_count"] = len(found)
    doc["table_words"] = "、".join(f"“{w}”" for w in found)
    yield doc
    vocab = vocab_for(ctx)
    for index, form in enumerate(submission.forms):
        yield header_fact(form, index, ctx)
        if still_cut(form):
            yield end_fact(form, index, ctx)
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
