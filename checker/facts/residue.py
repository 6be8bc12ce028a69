"""T family facts: what the blank template left behind in a filled form.

Kinds built here:

- `form_residue` — one per form and `category`, with `count` and `examples` (the first
  occurrence is the fact's location). Categories: `placeholder` (template labels such as
  "A专项", "支出方向（子项）2", an empty "事项1", in a cell or as a name read from a longer cell), `filler` ("……" rows), `empty_row` (numbered
  rows with no amount and no target), `guidance` (填表说明, 请填写 …), `prompt` (unfilled "( )",
  "年 月 日", a bare "（盖章）").
- `artefacts` (document level): `artefact_count`, `artefact_examples` (stripped "[bookmark: …]").
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from checker.facts.vocab import (find_word, form_names, join_examples, match_pattern, matches_pattern, norm, normed_set,
                                 words)
from checker.model import Location, Submission

_EXAMPLE_LIMIT = 5
NAME_FIELDS = ("project_name", "direction_name", "special_name")
_EMPTY_BRACKETS = re.compile(r"\(\)[年月日号时元万]")  # "( )月至( )月", "（ ）万元"
_BLANK_DATE = re.compile(r"年月日")
_SEAL_ONLY = re.compile(r"^[^:()]{0,12}:?\((盖章|签章|公章)\)[:]?$")
_EXAMPLE_PREFIX = re.compile(r"(?<![比案惯条体实事举范])例:")


class _Hits:
    """Matching cells of one kind: their text and the first location."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.loc: Location | None = None

    def add(self, text: str, loc: Location | None) -> None:
        self.texts.append(text.strip())
        if self.loc is None:
            self.loc = loc


def _prompt(text: str) -> bool:
    return _prompt_normed(norm(text))


def _prompt_normed(t: str) -> bool:
    if _EMPTY_BRACKETS.search(t) or (_BLANK_DATE.search(t) and not re.search(r"\d", t)):
        return True
    return bool(_SEAL_ONLY.match(t))


def _guidance(text: str, phrases: list[str]) -> bool:
    return _guidance_normed(norm(text), phrases)


def _guidance_normed(t: str, phrases: list[str]) -> bool:
    return bool(find_word(t, phrases)) or bool(_EXAMPLE_PREFIX.search(t))


def _plan_placeholder(plan: Any, patterns: list[str]) -> str | None:
    """The 事项N label of a plan row with an empty body. Which field the label lands in depends on
    the table's columns (a lone cell is read as the content), so any cell may hold it."""
    if plan.content.strip() and not matches_pattern(plan.content, patterns):
        return None
    return next((c for c in (plan.period, *plan.owner.split(), plan.content) if matches_pattern(c, patterns)), None)


def _empty_rows(form: Any, placeholder_patterns: list[str], fillers: frozenset[str]) -> _Hits:
    """Numbered summary / cost rows that carry nothing but a number and maybe a template name."""
    hits = _Hits()
    for line in getattr(form, "lines", []):
        if line.level in ("direction", "special") and line.seq.strip() and line.amount is None \
                and not line.period_goal.strip() and not line.annual_goal.strip():
            hits.add(f"{line.seq} {line.name}".strip(), line.loc)
    for cost in getattr(form, "cost_lines", []):
        words_in = [w for w in (cost.content, cost.item) if norm(w) and norm(w) not in fillers]
        # A row of nothing but "……" is T02's filler row; a template name with no amount is a template row.
        if cost.amount is None and not cost.calculation.strip() and words_in and all(
                matches_pattern(w, placeholder_patterns) for w in words_in):
            hits.add(" ".join(words_in), cost.loc)
    return hits


def residue_facts(form: Any, index: int, ctx: Any) -> list[dict]:
    placeholder_patterns = words(ctx, "template_placeholder_patterns")
    plan_patterns = words(ctx, "plan_placeholder_patterns")
    fillers = normed_set(words(ctx, "filler_cells"))
    guidance_phrases = words(ctx, "guidance_phrases")

    placeholders, filler, guidance, prompts = _Hits(), _Hits(), _Hits(), _Hits()
    seen = set()  # locations of placeholder cells
    for text in form.texts:
        value = text.value or ""
        if not value.strip():
            continue
        t = norm(value)  # once per cell: every check below reads the normalised text
        if t in fillers:
            filler.add(value, text.loc)
        elif match_pattern(t, placeholder_patterns):
            placeholders.add(value, text.loc)
            seen.add(text.loc)
        if _guidance_normed(t, guidance_phrases):
            guidance.add(value[:40], text.loc)
        if _prompt_normed(t):
            prompts.add(value, text.loc)
    for plan in form.plans:
        label = _plan_placeholder(plan, plan_patterns)
        if label:
            placeholders.add(label, plan.loc)
    # A name read out of a longer cell (free text: "项目名称B专项主管部门…") is not a cell of its own.
    for field in NAME_FIELDS:
        name = getattr(form, field, None)
        if name is not None and name.loc not in seen and matches_pattern(name.value or "", placeholder_patterns):
            placeholders.add(name.value, name.loc)
    empty = _empty_rows(form, placeholder_patterns, fillers)

    found = {"placeholder": placeholders, "filler": filler, "empty_row": empty, "guidance": guidance,
             "prompt": prompts}
    out = []
    for category, hits in found.items():
        fact = ctx.base("form_residue", index, form, hits.loc)
        fact.update(form_names(form, index))
        fact.update({
            "category": category,
            "count": len(hits.texts),
            "examples": join_examples(hits.texts, 3 if category == "guidance" else _EXAMPLE_LIMIT),
        })
        out.append(fact)
    return out


def facts(submission: Submission, ctx: Any) -> Iterable[dict]:
    for index, form in enumerate(submission.forms):
        yield from residue_facts(form, index, ctx)
    if submission.artefacts:
        first = submission.artefacts[0]
        fact = ctx.base("artefacts", -1, None, first.loc)
        fact.update({
            "artefact_count": len(submission.artefacts),
            "artefact_examples": join_examples([a.value for a in submission.artefacts], 3),
        })
        yield fact
