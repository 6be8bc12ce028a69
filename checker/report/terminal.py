"""The default report: rich tables a person reads in a terminal.

Per file a header panel (file, forms read, grade, score, the four dimension scores), then the
findings grouped by form, errors first. Severity is always a word (错误/警告/提示), colour only
adds to it, so the report reads the same with NO_COLOR, in a pipe or at 80 columns.
"""

from __future__ import annotations

import io
import re
from typing import IO

from rich import box
from rich.console import Console
from rich.panel import Panel
from rich.style import Style
from rich.table import Table
from rich.text import Text

from checker.model import Result
from checker.report.grid import Column, Grid, print_long
from checker.report.i18n import (
    baseline_word,
    dimension_word,
    grade_meaning,
    grade_word,
    severity_word,
    stage_word,
    t,
)
from checker.report.summary import (
    BaseReporter,
    BatchSummary,
    FileRow,
    baseline_counts,
    run_rows,
    has_marks,
    seconds_text,
    share_text,
)
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
    sorted_findings,
)

# C0/C1 control characters (ESC above all) from a document must not reach the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Document text as printable terminal text: line breaks kept, tabs as spaces, other
    control characters, undecodable bytes and bidi overrides shown as escapes (\\x1b)."""
    from checker.report.safe import display

    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return display(text)


SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
GRADE_STYLE = {"优": "bold green", "良": "bold blue", "中": "bold yellow", "差": "bold red"}


class TerminalReporter(BaseReporter):
    """Prints each file's panel and findings as it arrives, the batch summary on close."""

    def __init__(self, console: Console, lang: str = "zh", skipped: list[str] | None = None,
                 out: IO[str] | None = None, owned: bool = False):
        super().__init__(lang, out, owned, skipped)
        self.console = console

    def file_part(self, result: Result, row: FileRow) -> None:
        _render_one(result, self.console, self.lang)

    def finish(self) -> None:
        _render_summary(self.summary, self.skipped, self.console, self.lang,
                        run_rows(self.run, self.incomplete, self.lang))


def text_console(file: IO[str], width: int = 100, color: bool = False) -> Console:
    """A console for a file or a string: plain text unless color, a fixed width."""
    return Console(file=file, width=width, no_color=not color, force_terminal=color, color_system="standard"
                   if color else None, highlight=False, emoji=False, legacy_windows=False)


def render_terminal(results: list[Result], console: Console, lang: str = "zh",
                    skipped: list[str] | None = None) -> None:
    reporter = TerminalReporter(console, lang, skipped)
    for result in results:
        reporter.add(result)
    reporter.close()


def render_text(results: list[Result], lang: str = "zh", width: int = 100, color: bool = False,
                skipped: list[str] | None = None) -> str:
    """The terminal report as a string (for --output and tests): plain text unless color."""
    buf = io.StringIO()
    render_terminal(results, text_console(buf, width, color), lang, skipped)
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
    if getattr(result, "provisional", False):
        grade.append(f"  ({t('label.provisional', lang)})", style="yellow")
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
    marks = baseline_counts(result)
    if marks is not None:
        grid.add_row(t("label.baseline", lang), Text(_baseline_line(marks.new, marks.open, marks.fixed, lang)))
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
_NEW = Style.parse("bold magenta")


def _baseline_line(new: int, still: int, fixed: int, lang: str) -> str:
    return "  ".join(f"{baseline_word(k, lang)} {n}" for k, n in (("new", new), ("open", still), ("fixed", fixed)))


def _findings_table(findings, lang: str) -> Grid:
    marks = has_marks(findings)
    columns = [Column(t("col.rule", lang)), Column(t("col.level", lang)),
               *([Column(t("col.baseline", lang))] if marks else []), Column(t("col.location", lang), ratio=2),
               Column(t("col.problem", lang), ratio=4), Column(t("col.fix", lang), ratio=3)]
    rows = [[(clean(f.rule), None), (severity_word(f.severity, lang), _STYLES.get(f.severity)),
             *([(baseline_word(f.baseline, lang), _NEW if f.baseline == "new" else None)] if marks else []),
             (clean(location_text(f, lang)), None), (clean(f.message), None), (clean(f.fix), None)]
            for f in findings]
    return Grid(columns, rows)


def _fixed_table(findings, lang: str) -> Grid:
    columns = [Column(t("col.rule", lang)), Column(t("col.level", lang)), Column(t("col.location", lang), ratio=2),
               Column(t("col.problem", lang), ratio=5)]
    rows = [[(clean(f.rule), None), (severity_word(f.severity, lang), _STYLES.get(f.severity)),
             (clean(location_text(f, lang)), None), (clean(f.message), None)]
            for f in sorted_findings(findings)]
    return Grid(columns, rows)


def _render_one(result: Result, console: Console, lang: str) -> None:
    console.print(_header(result, lang))
    if result.status != "checked":
        console.print()
        return
    if not result.findings:
        console.print(t("label.no_findings", lang))
    for group in grouped_findings(result, lang):
        console.print(Text(clean(group.label), style="bold"))
        console.print(_findings_table(group.findings, lang), crop=False)  # lines fit already
    if result.fixed:
        console.print(Text(f"{t('section.fixed', lang)} · {t('label.fixed_count', lang, n=len(result.fixed))}",
                           style="bold green"))
        console.print(_fixed_table(result.fixed, lang), crop=False)
    console.print()


def _label_grid() -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    return grid


def _heading(key: str, lang: str) -> Text:
    return Text(t(key, lang), style="bold")


def _render_summary(s: BatchSummary, skipped: list[str], console: Console, lang: str,
                    run: list[tuple[str, str]] | None = None) -> None:
    grid = _label_grid()
    for label, value in run or []:
        grid.add_row(label, Text(clean(value), style="bold red" if label == t("label.incomplete", lang) else ""))
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
    grades.append(f"  {grade_word(None, lang)} {s.grades[None]}")
    grid.add_row(t("label.grades", lang), grades)
    if s.baseline is not None:
        grid.add_row(t("label.baseline", lang), Text(_baseline_line(s.baseline.new, s.baseline.open,
                                                                    s.baseline.fixed, lang)))
    if skipped:
        grid.add_row(t("label.skipped", lang), str(len(skipped)))
    console.print(Panel(grid, title=Text(t("section.summary", lang), style="bold"), title_align="left",
                        box=box.ROUNDED))
    batch = s.files > 1  # a single file's report needs no batch tables
    if batch and s.rules:
        console.print(_heading("section.top_rules", lang))
        columns = [Column(t("col.rule", lang)), Column(t("col.title", lang), ratio=1),
                   Column(t("col.files", lang), justify="right"), Column(t("col.findings", lang), justify="right")]
        console.print(Grid(columns, [[(clean(r.rule), None), (clean(r.title), None), (str(r.files), None),
                                      (str(r.findings), None)] for r in s.top_rules()], row_lines=False), crop=False)
    if skipped:
        console.print(_heading("section.skipped", lang))
        print_long(console, [Column(t("col.note", lang), ratio=1)], lambda: ([(clean(n), None)] for n in skipped))
    if s.has_timings:
        console.print(_heading("section.stages", lang))
        stages = s.stages()
        total = sum(v for _, v in stages)
        columns = [Column(t("col.stage", lang)), Column(t("col.seconds", lang), justify="right"),
                   Column(t("col.share", lang), justify="right")]
        console.print(Grid(columns, [[(stage_word(k, lang), None), (seconds_text(v), None),
                                      (share_text(v, total), None)] for k, v in stages], row_lines=False), crop=False)
        console.print(_heading("section.slowest", lang))
        columns = [Column(t("col.file", lang), ratio=1), Column(t("col.seconds", lang), justify="right")]
        console.print(Grid(columns, [[(clean(path), None), (seconds_text(v), None)] for path, v, _ in s.slowest()],
                           row_lines=False), crop=False)
    if batch:
        console.print(_heading("section.units", lang))
        columns = [Column(t("col.unit", lang), ratio=1), Column(t("col.files", lang), justify="right"),
                   Column(t("col.findings", lang), justify="right"), Column(t("col.worst_grade", lang))]

        def unit_rows():
            for u in s.unit_rows():
                yield [(clean(u.unit) or t("label.unknown_unit", lang), None), (str(u.files), None),
                       (str(u.findings), None),
                       (grade_word(u.worst, lang), Style.parse(GRADE_STYLE[u.worst]) if u.worst else None)]

        print_long(console, columns, unit_rows)
        # the reviewer's view of a batch: worst first
        columns = [Column(t("col.file", lang), ratio=1), Column(t("col.grade", lang)),
                   Column(t("col.score", lang), justify="right"),
                   *(Column(severity_word(k, lang), justify="right") for k in SEVERITIES)]

        def file_rows():
            for r in s.worst_first():
                if r.status == "checked":
                    word = (grade_word(r.grade, lang), Style.parse(GRADE_STYLE[r.grade]) if r.grade else None)
                else:
                    word = (t("status.error", lang), Style.parse("red"))
                yield [(clean(r.path), None), word, (number(r.score), None),
                       *((str(r.count(k)), None) for k in SEVERITIES)]

        console.print(_heading("section.files", lang))
        print_long(console, columns, file_rows)
