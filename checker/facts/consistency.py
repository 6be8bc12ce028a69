"""Facts for the C family (consistency across the tables of one document). The comparisons
themselves are joins in the engine; this module only supplies comparable keys.

Kinds built here (fields beyond fid/kind/form/form_kind/loc):

- unit_name        source_zh, source_en, name, name_key, core_key, first, form_no (C01)
- form_year        year, first, title, form_no                                   (C02)
  (C03 matches indicator_figures from amounts.py; its value key is indicator_value_key here)
- summary_form     title                                                         (C05)
- summary_line     level, seq, name, name_key, amount, amount_fen,
                   annual_goal, annual_goal_key, period_goal, period_goal_key    (A06, C04, C05)
- direction_form   direction, direction_key, special_name, special_key,
                   annual_goal, annual_goal_key, period_goal, period_goal_key    (C04, C05)
- fund_nature      nature, nature_class (general/gov_fund/other)                 (C06)
- plan_coverage    items, best_item, best_target, best_bp                        (C07)

Optional keys are left out when the document has no value (rules test them with $ex).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from decimal import Decimal
from typing import Iterator

from checker.facts import FactContext, money_display, name_key, text_of
from checker.model import Indicator, Submission

_QUALITATIVE_TAIL = re.compile(r"(以前|之前|前)$")
# "12月底" is the month's last day and "年底" is 12月31日: the same deadline written two ways.
_MONTH_END = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(?:底|末)")
_YEAR_END = re.compile(r"(\d{4})年(?:底|末)")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
FUND_CLASSES = (
    ("general", ("一般公共预算", "公共预算", "财政拨款", "一般预算")),
    ("gov_fund", ("政府性基金",)),
    ("other", ("其他资金", "自有资金", "单位资金", "专户", "非税")),
)


def facts(submission: Submission, ctx: FactContext) -> Iterator[dict]:
    yield from _unit_names(ctx, submission)
    yield from _years(ctx, submission)
    for index, form in enumerate(submission.forms):
        if form.kind == "special_fund_summary":
            fact = ctx.base("summary_form", index, form, form.title_loc)
            fact["title"] = form.title or "—"
            yield fact
            yield from _summary_lines(ctx, index, form)
        if form.kind == "spending_direction":
            yield from _direction_form(ctx, index, form)
        if form.kind == "project":
            yield from _fund_nature(ctx, index, form)
    yield from _plan_coverage(ctx, submission)


# ---- C01 / C02 -------------------------------------------------------------------------------

_REGION_PREFIX = (re.compile(r"^.{1,8}?(省|自治区)(?=.)"), re.compile(r"^.{1,8}?市(?=.{1,8}?[区县])"))


def unit_core(name: str, abbreviations: list[str]) -> str:
    """A unit name without abbreviation or region differences: 长沙市望城区科学技术局 and
    望城区科技局 share the core 望城区科技局 (abbreviations: vocabulary `unit_abbreviations`)."""
    key = name_key(name)
    pairs = sorted((entry.split("=", 1) for entry in abbreviations if "=" in entry), key=lambda p: -len(p[0]))
    for full, short in pairs:
        key = key.replace(name_key(full), name_key(short))
    for prefix in _REGION_PREFIX:
        key = prefix.sub("", key)
    return key


_UNIT_CODE = re.compile(r"^\s*[\[(（【]?\s*\d{2,}\s*[\])）】]?\s*[-—_:：、.]?\s*")  # "[112]…", "219-…"


def _unit_sources(form) -> list[tuple]:
    """Where a form names the unit that submits it. A project's 实施单位 may be a subordinate
    unit, so a project table is compared through its 主管部门 and its seal line instead."""
    seal = (form.contacts.seal_unit, "编制/填报单位（盖章）", "sealing unit")
    if form.kind == "project":
        sources = [(form.department, "主管部门", "supervising department"), seal]
        if text_of(form.unit_label) and text_of(form.unit_label) != text_of(form.implementer):
            sources.insert(0, (form.unit_label, "单位名称", "unit name"))
        if not text_of(form.department) and not text_of(seal[0]):
            sources.append((form.unit_name, "单位名称", "unit name"))  # named by its title only
        return sources
    return [(form.unit_label or form.unit_name, "单位名称", "unit name"), seal]


def _unit_names(ctx: FactContext, submission: Submission) -> Iterator[dict]:
    abbreviations = ctx.words("unit_abbreviations")
    first = True
    for index, form in enumerate(submission.forms):
        seen: set[str] = set()
        for text, zh, en in _unit_sources(form):
            name = _UNIT_CODE.sub("", text_of(text))
            key = name_key(name)
            if not key or key in seen:
                continue
            seen.add(key)
            fact = ctx.base("unit_name", index, form, text.loc or form.title_loc)
            fact.update(source_zh=zh, source_en=en, name=name, name_key=key,
                        core_key=unit_core(name, abbreviations), first=first, form_no=index + 1,
                        certain=bool(getattr(text, "certain", True)))
            first = False
            yield fact


def _years(ctx: FactContext, submission: Submission) -> Iterator[dict]:
    first = True
    for index, form in enumerate(submission.forms):
        if form.year is None:
            continue
        fact = ctx.base("form_year", index, form, form.title_loc)
        fact.update(year=form.year, first=first, title=form.title or "—", form_no=index + 1)
        first = False
        yield fact


# ---- C03 -------------------------------------------------------------------------------------

def indicator_value_key(ind: Indicator) -> tuple[str, bool]:
    """Number + unit for quantitative values (the operator is wording: 4期 = ≥4期)."""
    target = ind.target
    if target is not None and target.number is not None:
        number = format(target.number.normalize(), "f") if target.number != 0 else "0"
        return f"{number}{(target.unit or '').strip()}", True
    return _QUALITATIVE_TAIL.sub("", name_key(_spelled_out_ends(ind.value))), False


def _spelled_out_ends(value: str) -> str:
    def month_end(m: re.Match) -> str:
        year, month = m.group(1), int(m.group(2))
        if not 1 <= month <= 12:
            return m.group(0)
        # Without a year, February ends on the 28th (the common case; C03 compares like with like).
        last = calendar.monthrange(int(year) if year else 2001, month)[1]
        return f"{year + '年' if year else ''}{month}月{last}日"

    return _MONTH_END.sub(month_end, _YEAR_END.sub(r"\1年12月31日", value))


# ---- C04 / C05 (and A06) ---------------------------------------------------------------------

def _goals(fact: dict, annual: str, period: str) -> None:
    if annual:
        fact["annual_goal"] = annual
        fact["annual_goal_key"] = name_key(annual)
    if period:
        fact["period_goal"] = period
        fact["period_goal_key"] = name_key(period)


def _summary_lines(ctx: FactContext, index: int, form) -> Iterator[dict]:
    for line in form.lines:
        if line.level not in ("special", "direction") or not name_key(line.name):
            continue
        fact = ctx.base("summary_line", index, form, line.loc)
        fact.update(level=line.level, seq=line.seq or "", name=line.name, name_key=name_key(line.name))
        if line.amount is not None:
            fact["amount"] = money_display(line.amount)
            fact["amount_fen"] = line.amount.fen
        _goals(fact, (line.annual_goal or "").strip(), (line.period_goal or "").strip())
        yield fact


def _direction_form(ctx: FactContext, index: int, form) -> Iterator[dict]:
    direction, special = text_of(form.direction_name), text_of(form.special_name)
    anchor = form.special_name or form.direction_name
    fact = ctx.base("direction_form", index, form, anchor.loc if anchor is not None else form.title_loc)
    fact["direction"] = direction or "—"
    fact["special_name"] = special or "—"
    if direction:
        fact["direction_key"] = name_key(direction)
    if special:
        fact["special_key"] = name_key(special)
    _goals(fact, text_of(form.goal), text_of(form.period_goal))
    yield fact


# ---- C06 -------------------------------------------------------------------------------------

def _fund_nature(ctx: FactContext, index: int, form) -> Iterator[dict]:
    nature = text_of(form.fund_nature)
    if not nature:
        return
    normal = unicodedata.normalize("NFKC", nature)
    for cls, words in FUND_CLASSES:
        if any(w in normal for w in words):
            fact = ctx.base("fund_nature", index, form, form.fund_nature.loc)
            fact.update(nature=nature, nature_class=cls)
            yield fact


# ---- C07 -------------------------------------------------------------------------------------

def _bigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for run in _CJK.findall(text or ""):
        grams.update(run[i:i + 2] for i in range(len(run) - 1))
    return grams


def _plan_coverage(ctx: FactContext, submission: Submission) -> Iterator[dict]:
    targets: list[str] = []
    for form in submission.forms:
        if form.kind in ("project", "spending_direction"):
            targets.extend([text_of(form.goal), text_of(form.period_goal)])
            targets.extend(p.content for p in form.plans)
            targets.extend(i.name for i in form.indicators)
            targets.extend(text_of(getattr(form, n, None)) for n in ("project_name", "direction_name"))
        if form.kind == "special_fund_summary":
            targets.extend(t for ln in form.lines for t in (ln.name, ln.annual_goal, ln.period_goal))
    target_grams = [(t, _bigrams(t)) for t in targets if t]
    if not target_grams:
        return
    for index, form in enumerate(submission.forms):
        if form.kind != "department":
            continue
        items = [p.content.strip() for p in form.plans if p.content.strip()]
        if not items:
            continue
        best = (Decimal(-1), items[0], "")
        for item in items:
            grams = _bigrams(item)
            if not grams:
                continue
            for text, other in target_grams:
                share = Decimal(len(grams & other)) / Decimal(len(grams))
                if share > best[0]:
                    best = (share, item, text)
        loc = next((p.loc for p in form.plans if p.content.strip()), None)
        fact = ctx.base("plan_coverage", index, form, loc or form.title_loc)
        fact.update(items=len(items), best_item=best[1][:60], best_target=best[2][:60] or "—",
                    best_bp=max(0, int(best[0] * 10000)))
        yield fact
