"""The default report: rich tables a person reads in a terminal.

Per file a header panel (file, forms read, grade, score, the four dimension scores), then the
findings grouped by form, errors first. Severity is always a word (错误/警告/提示), colour only
adds to it, so the report reads the same with NO_COLOR, in a pipe or at 80 columns.
"""

from __future__ import annotations

import io
import re

from rich import box
from rich.console import Console
from rich.panel import Panel
from rich.style import Style
from rich.table import Table
from rich.text import Text

from checker.model import Result
from checker.report.grid import Column, Grid
from checker.report.i18n import dimension_word, grade_meaning, grade_word, severity_word, t
from checker.report.view import (
    GRADE_ORDER,
    SEVERITIES,
    SEVERITY_ORDER,  # noqa: F401  (kept for callers of the first version)
    dimension_max,
    form_views,
    grouped_findings,
    location_text,
    number,
    severity_counts,
    summarize,
    worst_first,
)

# C0/C1 control characters (ESC above all) from a document must not reach the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Document text as printable terminal text: line breaks kept, tabs as spaces, other
    control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
GRADE_STYLE = {"优": "bold green", "良": "bold blue", "中": "bold yellow", "差": "bold red"}


def render_terminal(results: list[Result], console: Console, lang: str = "zh") -> None:
    for result in results:
        _render_one(result, console, lang)
    _render_summary(results, console, lang)


def render_text(results: list[Result], lang: str = "zh", width: int = 100, color: bool = False) -> str:
    """The terminal report as a string (for --output and tests): plain text unless color."""
    buf = io.StringIO()
    console = Console(file=buf, width=width, no_color=not color, force_terminal=color, color_system="standard"
                      if color else None, highlight=False, emoji=False, legacy_windows=False)
    render_terminal(results, console, lang)
    return buf.getvalue()


def _sev(severity: str, lang: str) -> Text:
    return Text(severity_word(severity, lang), style=SEVERITY_STYLE.get(severity, ""))


def _header(result: Result, lang: str) -> Panel:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    if result.status != "checked":
        grid.add_row(t("label.error", lang), Text(clean(result.error.message if result.error else ""), style="red"))
        if result.grade_reason:
            grid.add_row(t("label.grade_reason", lang), Text(clean(result.grade_reason)))
        return Panel(grid, title=Text(clean(result.path)), title_align="left", border_style="red", box=box.ROUNDED)
    grade = Text(grade_word(result.grade, lang), style=GRADE_STYLE.get(result.grade or "", "bold"))
    if result.grade:
        grade.append(f"  {grade_meaning(result.grade, lang)}", style="")
    grid.add_row(t("col.grade", lang), grade)
    if result.score is not None:
        grid.add_row(t("col.score", lang), Text(t("label.score_of", lang, score=number(result.score))))
    if result.dimensions:
        top = dimension_max(result)
        dims = "  ".join(f"{dimension_word(d, lang)} {number(v)}/{number(top.get(d))}"
                         for d, v in result.dimensions.items())
        grid.add_row(t("section.dimensions", lang), Text(dims))
    counts = severity_counts(result.findings)
    line = Text()
    for i, sev in enumerate(SEVERITIES):
        if i:
            line.append("  ")
        line.append_text(_sev(sev, lang))
        line.append(f" {counts[sev]}")
    grid.add_row(t("label.findings", lang), line)
    if result.grade_reason:
        grid.add_row(t("label.grade_reason", lang), Text(clean(result.grade_reason)))
    views = form_views(result, lang)
    forms = Text()
    for v in views:
        if forms:
            forms.append("\n")
        parts = [f"{v.number}. {v.kind_label}"]
        if v.title and v.title != v.kind_label:
            parts.append(v.title)
        parts += [x for x in (v.year, v.unit_name) if x]
        if v.total_wan:
            parts.append(f"{v.total_wan} 万元")
        parts.append(t("label.indicator_count", lang, n=v.indicator_count))
        forms.append(clean(" · ".join(parts)))
    grid.add_row(t("section.forms", lang), forms if views else Text(t("label.no_forms", lang)))
    for note in result.submission.notes if result.submission else []:
        grid.add_row(t("label.note", lang), Text(clean(note), style="yellow"))
    style = GRADE_STYLE.get(result.grade or "", "").replace("bold ", "") or "none"
    return Panel(grid, title=Text(clean(result.path)), title_align="left", border_style=style, box=box.ROUNDED)


_STYLES = {k: Style.parse(v) for k, v in SEVERITY_STYLE.items()}


def _findings_table(findings, lang: str) -> Grid:
    columns = [Column(t("col.rule", lang)), Column(t("col.level", lang)), Column(t("col.location", lang), ratio=2),
               Column(t("col.problem", lang), ratio=4), Column(t("col.fix", lang), ratio=3)]
    rows = [[(clean(f.rule), None), (severity_word(f.severity, lang), _STYLES.get(f.severity)),
             (clean(location_text(f, lang)), None), (clean(f.message), None), (clean(f.fix), None)]
            for f in findings]
    return Grid(columns, rows)


def _render_one(result: Result, console: Console, lang: str) -> None:
    console.print(_header(result, lang))
    if result.status != "checked":
        console.print()
        return
    if not result.findings:
        console.print(t("label.no_findings", lang))
        console.print()
        return
    for group in grouped_findings(result, lang):
        console.print(Text(clean(group.label), style="bold"))
        console.print(_findings_table(group.findings, lang), crop=False)  # lines fit already
    console.print()


def _render_summary(results: list[Result], console: Console, lang: str) -> None:
    s = summarize(results)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(t("label.files", lang), str(s.files))
    grid.add_row(t("label.checked", lang), str(s.checked))
    grid.add_row(t("label.unreadable", lang), Text(str(s.errors), style="red" if s.errors else ""))
    line = Text()
    for i, sev in enumerate(SEVERITIES):
        if i:
            line.append("  ")
        line.append_text(_sev(sev, lang))
        line.append(f" {s.findings[sev]}")
    grid.add_row(t("label.findings", lang), line)
    grades = Text()
    for i, g in enumerate(GRADE_ORDER):
        if i:
            grades.append("  ")
        grades.append(grade_word(g, lang), style=GRADE_STYLE[g])
        grades.append(f" {s.grades[g]}")
    grades.append(f"  {grade_word(None, lang)} {s.grades['none']}")
    grid.add_row(t("label.grades", lang), grades)
    console.print(Panel(grid, title=Text(t("section.summary", lang), style="bold"), title_align="left",
                        box=box.ROUNDED))
    if len(results) > 1:  # the reviewer's view of a batch: worst first
        columns = [Column(t("col.file", lang), ratio=1), Column(t("col.grade", lang)),
                   Column(t("col.score", lang), justify="right"),
                   *(Column(severity_word(s, lang), justify="right") for s in SEVERITIES)]
        rows = []
        for r in worst_first(results):
            c = severity_counts(r.findings)
            if r.status == "checked":
                word = (grade_word(r.grade, lang), Style.parse(GRADE_STYLE[r.grade]) if r.grade else None)
            else:
                word = (t("status.error", lang), Style.parse("red"))
            rows.append([(clean(r.path), None), word, (number(r.score), None), *((str(c[k]), None) for k in SEVERITIES)])
        console.print(Text(t("section.files", lang), style="bold"))
        console.print(Grid(columns, rows, row_lines=False), crop=False)
