"""Markdown report: for issue trackers, wikis and e-mail. Document text is escaped so a cell can
neither break a table nor inject markup or HTML."""

from __future__ import annotations

import re

from checker import __version__
from checker.model import Result
from checker.report.i18n import dimension_word, grade_meaning, grade_word, severity_word, t
from checker.report.view import (
    GRADE_ORDER,
    SEVERITIES,
    dimension_max,
    form_views,
    grouped_findings,
    location_text,
    number,
    severity_counts,
    summarize,
    worst_first,
)

# Only what is markup inside a cell or after a label; text never starts a line here, so list and
# heading markers (- + # 1.) need no escape.
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def md(text: object) -> str:
    """Text safe inside a Markdown table cell or paragraph: HTML entities, escaped markup,
    line breaks as <br>."""
    s = _CONTROL.sub("", str(text))
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    s = _SPECIAL.sub(r"\\\1", s)
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return s.replace("\n", "<br>")


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(md(c) for c in cells) + " |"


def _table(head: list[str], rows: list[list[object]]) -> list[str]:
    return [_row(head), "|" + "|".join("---" for _ in head) + "|", *(_row(r) for r in rows)]


def to_markdown(results: list[Result], lang: str = "zh", title: str | None = None) -> str:
    out = [f"# {md(title or t('report.title', lang))}", ""]
    for result in results:
        out += _file(result, lang)
    out += _summary(results, lang)
    out += ["", f"*{md(t('label.generated_by', lang, version=__version__))}*", ""]
    return "\n".join(out)


def _file(result: Result, lang: str) -> list[str]:
    out = [f"## {md(t('col.file', lang))}：{md(result.path)}" if lang != "en"
           else f"## {md(t('col.file', lang))}: {md(result.path)}", ""]
    if result.status != "checked":
        out += [f"**{md(t('label.error', lang))}**: {md(result.error.message if result.error else '')}", ""]
        if result.grade_reason:
            out += [f"**{md(t('label.grade_reason', lang))}**: {md(result.grade_reason)}", ""]
        return out
    grade_line = f"**{md(t('col.grade', lang))}**: {md(grade_word(result.grade, lang))}"
    if result.grade:
        grade_line += f" — {md(grade_meaning(result.grade, lang))}"
    if result.score is not None:
        grade_line += f" · **{md(t('col.score', lang))}**: {md(t('label.score_of', lang, score=number(result.score)))}"
    out += [grade_line, ""]
    if result.grade_reason:
        out += [f"**{md(t('label.grade_reason', lang))}**: {md(result.grade_reason)}", ""]
    if result.dimensions:
        top = dimension_max(result)
        out += [f"### {md(t('section.dimensions', lang))}", ""]
        out += _table([t("col.dimension", lang), t("col.score", lang), t("col.max", lang)],
                      [[dimension_word(d, lang), number(v), number(top.get(d))] for d, v in result.dimensions.items()])
        out.append("")
    views = form_views(result, lang)
    out += [f"### {md(t('section.forms', lang))}", ""]
    if views:
        out += _table([t("col.number", lang), t("col.kind", lang), t("col.title", lang), t("col.year", lang),
                       t("col.unit", lang), t("col.total", lang), t("col.indicators", lang)],
                      [[v.number, v.kind_label, v.title, v.year, v.unit_name, v.total_wan, v.indicator_count]
                       for v in views])
    else:
        out.append(md(t("label.no_forms", lang)))
    out.append("")
    notes = result.submission.notes if result.submission else []
    for note in notes:
        out += [f"> {md(t('label.note', lang))}: {md(note)}", ""]
    out += [f"### {md(t('section.findings', lang))}", ""]
    if not result.findings:
        out += [md(t("label.no_findings", lang)), ""]
    for group in grouped_findings(result, lang):
        out += [f"#### {md(group.label)}", ""]
        out += _table([t("col.rule", lang), t("col.level", lang), t("col.location", lang), t("col.problem", lang),
                       t("col.fix", lang)],
                      [[f.rule, severity_word(f.severity, lang), location_text(f, lang), f.message, f.fix]
                       for f in group.findings])
        out.append("")
    if result.deductions:
        out += [f"### {md(t('section.deductions', lang))}", ""]
        out += _table([t("col.dimension", lang), t("col.rule", lang), t("col.points", lang), t("col.message", lang)],
                      [[dimension_word(d.dimension, lang), d.rule, f"-{number(d.points)}", d.message]
                       for d in result.deductions])
        out.append("")
    return out


def _summary(results: list[Result], lang: str) -> list[str]:
    s = summarize(results)
    out = [f"## {md(t('section.summary', lang))}", ""]
    findings = "，".join(f"{severity_word(k, lang)} {s.findings[k]}" for k in SEVERITIES) if lang != "en" \
        else ", ".join(f"{severity_word(k, lang)} {s.findings[k]}" for k in SEVERITIES)
    grades = [f"{grade_word(g, lang)} {s.grades[g]}" for g in GRADE_ORDER] + \
        [f"{grade_word(None, lang)} {s.grades['none']}"]
    sep = "，" if lang != "en" else ", "
    out += _table([t("col.measure", lang), t("col.value", lang)], [
        [t("label.files", lang), s.files],
        [t("label.checked", lang), s.checked],
        [t("label.unreadable", lang), s.errors],
        [t("label.findings", lang), findings],
        [t("label.grades", lang), sep.join(grades)],
    ])
    out.append("")
    if len(results) > 1:
        out += [f"### {md(t('section.files', lang))}", ""]
        rows = []
        for r in worst_first(results):
            c = severity_counts(r.findings)
            rows.append([r.path, grade_word(r.grade, lang) if r.status == "checked" else t("status.error", lang),
                         number(r.score), *(c[k] for k in SEVERITIES)])
        out += _table([t("col.file", lang), t("col.grade", lang), t("col.score", lang),
                       *(severity_word(k, lang) for k in SEVERITIES)], rows)
        out.append("")
    return out
