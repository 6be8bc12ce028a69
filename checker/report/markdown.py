"""Markdown report: for issue trackers, wikis and e-mail. Document text is escaped so a cell can
neither break a table nor inject markup or HTML."""

from __future__ import annotations

import io
import re
from typing import IO

from checker import __version__
from checker.model import Result
from checker.report.i18n import baseline_word, dimension_word, grade_meaning, grade_word, sep, severity_word, t
from checker.report.summary import BaseReporter, BatchSummary, FileRow, baseline_counts, has_marks, run_rows
from checker.report.view import (
    GRADE_ORDER,
    SEVERITIES,
    dimension_max,
    form_views,
    grouped_findings,
    location_text,
    number,
    sorted_findings,
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
    # Issue trackers turn @name into a notification, #12 into a link and bare addresses into
    # links: as entities they show the same and do nothing.
    s = s.replace("@", "&#64;").replace("#", "&#35;").replace("://", "&#58;//").replace("www.", "www&#46;")
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return s.replace("\n", "<br>")


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(md(c) for c in cells) + " |"


def _table(head: list[str], rows: list[list[object]]) -> list[str]:
    return [_row(head), "|" + "|".join("---" for _ in head) + "|", *(_row(r) for r in rows)]


def summary_anchor(lang: str) -> str:
    """The fragment Markdown renderers (GitHub, GitLab, Gitea) give the summary heading."""
    return t("section.summary", lang).lower().replace(" ", "-")


class MarkdownReporter(BaseReporter):
    """The title and a link down to the summary first, each file's section as it arrives, the
    batch summary at the end."""

    def __init__(self, lang: str, out: IO[str], owned: bool = False, skipped: list[str] | None = None,
                 title: str | None = None):
        super().__init__(lang, out, owned, skipped)
        # A reference link: the only link in the report, and not of the inline form `](`.
        self._lines([f"# {md(title or t('report.title', lang))}", "",
                     f"[{md(t('label.to_summary', lang))}][summary]", "", f"[summary]: #{summary_anchor(lang)}", ""])

    def _lines(self, lines: list[str]) -> None:
        self.write("".join(line + "\n" for line in lines))

    def file_part(self, result: Result, row: FileRow) -> None:
        self._lines(_file(result, self.lang))

    def finish(self) -> None:
        _summary(self.summary, self.skipped, self.lang, self._lines, run_rows(self.run, self.incomplete, self.lang))
        self._lines(["", f"*{md(t('label.generated_by', self.lang, version=__version__))}*"])


def to_markdown(results: list[Result], lang: str = "zh", title: str | None = None,
                skipped: list[str] | None = None) -> str:
    buf = io.StringIO()
    reporter = MarkdownReporter(lang, buf, skipped=skipped, title=title)
    for r in results:
        reporter.add(r)
    reporter.close()
    return buf.getvalue()


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
    if getattr(result, "provisional", False):
        grade_line += f" ({md(t('label.provisional', lang))})"
    if result.score is not None:
        grade_line += f" · **{md(t('col.score', lang))}**: {md(t('label.score_of', lang, score=number(result.score)))}"
    out += [grade_line, ""]
    marks = baseline_counts(result)
    if marks is not None:
        out += [f"**{md(t('label.baseline', lang))}**: " + md(sep(lang).join(
            f"{baseline_word(k, lang)} {n}" for k, n in (("new", marks.new), ("open", marks.open),
                                                          ("fixed", marks.fixed)))), ""]
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
        marks_col = has_marks(group.findings)
        out += [f"#### {md(group.label)}", ""]
        out += _table([t("col.rule", lang), t("col.level", lang), *([t("col.baseline", lang)] if marks_col else []),
                       t("col.location", lang), t("col.problem", lang), t("col.fix", lang)],
                      [[f.rule, severity_word(f.severity, lang),
                        *([baseline_word(f.baseline, lang)] if marks_col else []),
                        location_text(f, lang), f.message, f.fix]
                       for f in group.findings])
        out.append("")
    if result.fixed:
        out += [f"### {md(t('section.fixed', lang))}", ""]
        out += _table([t("col.rule", lang), t("col.level", lang), t("col.location", lang), t("col.problem", lang)],
                      [[f.rule, severity_word(f.severity, lang), location_text(f, lang), f.message]
                       for f in sorted_findings(result.fixed)])
        out.append("")
    if result.deductions:
        out += [f"### {md(t('section.deductions', lang))}", ""]
        out += _table([t("col.dimension", lang), t("col.rule", lang), t("col.points", lang), t("col.message", lang)],
                      [[dimension_word(d.dimension, lang), d.rule, f"-{number(d.points)}", d.message]
                       for d in result.deductions])
        out.append("")
    return out


def _summary(s: BatchSummary, skipped: list[str], lang: str, emit, run: list[tuple[str, str]] | None = None) -> None:
    """Write the batch summary through `emit(lines)`; long tables go out in slices."""
    findings = sep(lang).join(f"{severity_word(k, lang)} {s.findings[k]}" for k in SEVERITIES)
    grades = [f"{grade_word(g, lang)} {s.grades[g]}" for g in GRADE_ORDER] + \
        [f"{grade_word(None, lang)} {s.grades[None]}"]
    rows: list[list[object]] = [
        *([label, value] for label, value in run or []),
        [t("label.files", lang), s.files],
        [t("label.checked", lang), s.checked],
        [t("label.unreadable", lang), s.errors],
        [t("label.findings", lang), findings],
        [t("label.grades", lang), sep(lang).join(grades)],
    ]
    if s.baseline is not None:
        b = s.baseline
        rows.append([t("label.baseline", lang), sep(lang).join(
            f"{baseline_word(k, lang)} {n}" for k, n in (("new", b.new), ("open", b.open), ("fixed", b.fixed)))])
    if skipped:
        rows.append([t("label.skipped", lang), len(skipped)])
    emit([f"## {md(t('section.summary', lang))}", "", *_table([t("col.measure", lang), t("col.value", lang)], rows),
          ""])
    batch = s.files > 1
    if batch and s.rules:
        emit([f"### {md(t('section.top_rules', lang))}", "",
              *_table([t("col.rule", lang), t("col.title", lang), t("col.files", lang), t("col.findings", lang)],
                      [[r.rule, r.title, r.files, r.findings] for r in s.top_rules()]), ""])
    if skipped:
        emit([f"### {md(t('section.skipped', lang))}", "", *_table([t("col.note", lang)], [[n] for n in skipped]), ""])
    if batch:
        emit([f"### {md(t('section.units', lang))}", "",
              *_table([t("col.unit", lang), t("col.files", lang), t("col.findings", lang), t("col.worst_grade", lang)],
                      [])])
        for u in s.unit_rows():
            emit([_row([u.unit or t("label.unknown_unit", lang), u.files, u.findings, grade_word(u.worst, lang)])])
        emit([""])
        emit([f"### {md(t('section.files', lang))}", "",
              *_table([t("col.file", lang), t("col.grade", lang), t("col.score", lang),
                       *(severity_word(k, lang) for k in SEVERITIES)], [])])
        for r in s.worst_first():
            emit([_row([r.path, grade_word(r.grade, lang) if r.status == "checked" else t("status.error", lang),
                        number(r.score), *(r.count(k) for k in SEVERITIES)])])
        emit([""])
