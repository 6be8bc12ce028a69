"""Excel report (openpyxl, write-only): sheets 汇总 (one row per file), 问题清单 (one row per
finding), 扣分明细 (one row per deduction) and 批次汇总 (the batch summary as one table: 类别 |
项目 | 说明 | 最差等级 | 文件数 | 问题数), each with a frozen header and an autofilter. With a
baseline, 问题清单 gets a 对比 column (新增/仍存在) and a sheet 已修复 lists what was fixed.

Streamed: a write-only workbook sends each sheet's rows to a temporary file as they are
appended, so `add(result)` writes that file's rows and memory stays flat; `close()` appends the
batch summary and zips the workbook.

Document text is never written as a formula: every text cell is forced to the string type, and
text Excel would treat as a formula when edited (=, +, -, @, tab, CR first) gets quotePrefix.
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter

from checker.grading import DIMENSIONS
from checker.model import Result
from checker.report.i18n import (
    baseline_word,
    dimension_word,
    grade_meaning,
    grade_word,
    severity_word,
    t,
)
from checker.report.summary import BaseReporter, FileRow, has_marks, run_rows
from checker.report.view import (
    GRADE_ORDER,
    SEVERITIES,
    form_views,
    grouped_findings,
    location_text,
    severity_counts,
    sorted_findings,
    unit_name,
)

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0 (tab, LF, CR are)
_SURROGATE = re.compile("[\ud800-\udfff]")
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 32767  # Excel's limit on characters in a cell
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def text_cell(ws, value: object) -> Cell:
    """A cell that holds `value` as text, whatever it starts with (any worksheet, write-only too)."""
    s = _ILLEGAL.sub("", "" if value is None else str(value))
    if _SURROGATE.search(s):  # undecodable bytes of a file name: no XML can hold them
        from checker.report.safe import display

        s = display(s)
    s = s[:MAX_CELL]
    cell = Cell(ws, row=1, column=1)  # placed by append; a coordinate keeps repr() working
    cell.value = s
    cell.data_type = "s"  # openpyxl would make "=..." a formula and "#N/A" an error value
    if s.startswith(FORMULA_LEAD):
        cell.quotePrefix = True  # stays text in Excel even when the user edits the cell
    return cell


def _cells(ws, row: list[object]) -> list[object]:
    # numbers stay numbers (so the reviewer can sort and filter); everything else is text
    return [v if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            else None if v is None or v == "" else text_cell(ws, v) for v in row]


class _Sheet:
    """One write-only sheet: header (bold, filled, frozen), column widths, rows, autofilter."""

    def __init__(self, wb: Workbook, title: str):
        self.ws = wb.create_sheet(title)
        self.rows = 0
        self.columns = 0

    @property
    def started(self) -> bool:
        return self.rows > 0

    def start(self, head: list[str], widths: list[int]) -> None:
        ws = self.ws
        for col, width in enumerate(widths, 1):  # must precede the first row in write-only mode
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = "A2"
        cells = []
        for h in head:
            cell = text_cell(ws, h)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cells.append(cell)
        ws.append(cells)
        self.rows, self.columns = 1, len(head)

    def append(self, values: list[object]) -> None:
        self.ws.append(_cells(self.ws, values))
        self.rows += 1

    def finish(self) -> None:
        self.ws.auto_filter = AutoFilter(ref=f"A1:{get_column_letter(max(self.columns, 1))}{max(self.rows, 1)}")


def _findings_head(lang: str, marks: bool) -> list[str]:
    return [t("col.file", lang), t("col.form", lang), t("col.rule", lang), t("col.level", lang),
            t("col.dimension", lang), t("col.location", lang), t("col.problem", lang), t("col.fix", lang),
            *([t("col.baseline", lang)] if marks else [])]


FINDINGS_WIDTHS = [28, 30, 8, 8, 10, 18, 60, 50, 10]


class XlsxReporter(BaseReporter):
    def __init__(self, lang: str, target: Path | IO[bytes], skipped: list[str] | None = None):
        super().__init__(lang, None, False, skipped)
        self.target = target
        self.wb = Workbook(write_only=True)
        self.files = _Sheet(self.wb, t("sheet.summary", lang))
        self.files.start([t("col.file", lang), t("col.unit", lang), t("col.forms", lang), t("col.grade", lang),
                          t("col.score", lang), *(dimension_word(d, lang) for d in DIMENSIONS),
                          *(severity_word(s, lang) for s in SEVERITIES), t("col.status", lang),
                          t("label.grade_reason", lang)],
                         [36, 28, 8, 12, 8, 9, 9, 9, 9, 8, 8, 8, 10, 60])
        # The 问题清单 header waits for the first finding: only then is it known whether the
        # findings carry baseline marks (a 对比 column). Every finding of a baseline run has one.
        self.findings = _Sheet(self.wb, t("sheet.findings", lang))
        self.marks = False
        self.deductions = _Sheet(self.wb, t("sheet.deductions", lang))
        self.deductions.start([t("col.file", lang), t("col.dimension", lang), t("col.rule", lang),
                               t("col.points", lang), t("col.message", lang)], [36, 10, 8, 8, 70])
        self.batch = _Sheet(self.wb, t("sheet.batch", lang))
        self.batch.start([t("col.section", lang), t("col.item", lang), t("col.detail", lang),
                          t("col.worst_grade", lang), t("col.files", lang), t("col.findings", lang)],
                         [26, 36, 40, 10, 8, 8])
        self.fixed: _Sheet | None = None  # created at the first fixed finding

    def file_part(self, r: Result, row: FileRow) -> None:
        lang = self.lang
        counts = severity_counts(r.findings)
        dims = r.dimensions or {}
        kinds = ("; " if lang == "en" else "、").join(v.kind_label for v in form_views(r, lang))
        reason = r.grade_reason or (r.error.message if r.error else "")
        self.files.append([
            r.path, unit_name(r), kinds, grade_word(r.grade, lang),
            r.score if r.score is not None else "",
            *(dims.get(d, "") for d in DIMENSIONS),
            *(counts[s] for s in SEVERITIES),
            t(f"status.{r.status}", lang), reason,
        ])
        for group in grouped_findings(r, lang):
            if not self.findings.started:
                self.marks = has_marks(group.findings)
                self.findings.start(_findings_head(lang, self.marks), FINDINGS_WIDTHS[:8 + self.marks])
            for f in group.findings:
                self.findings.append([r.path, group.label, f.rule, severity_word(f.severity, lang),
                                      dimension_word(f.dimension, lang), location_text(f, lang), f.message, f.fix,
                                      *([baseline_word(f.baseline, lang)] if self.marks else [])])
        for d in r.deductions:
            self.deductions.append([r.path, dimension_word(d.dimension, lang), d.rule, -d.points, d.message])
        if r.fixed:
            if self.fixed is None:
                self.fixed = _Sheet(self.wb, t("sheet.fixed", lang))
                self.fixed.start([t("col.file", lang), t("col.rule", lang), t("col.level", lang),
                                  t("col.dimension", lang), t("col.location", lang), t("col.problem", lang)],
                                 [28, 8, 8, 10, 18, 60])
            for f in sorted_findings(r.fixed):
                self.fixed.append([r.path, f.rule, severity_word(f.severity, lang), dimension_word(f.dimension, lang),
                                   location_text(f, lang), f.message])

    def _batch_rows(self) -> None:
        s, lang, add = self.summary, self.lang, self.batch.append
        total = t("section.summary", lang)
        for label, value in run_rows(self.run, self.incomplete, lang):
            add([total, label, value, "", "", ""])
        add([total, t("label.files", lang), "", "", s.files, ""])
        add([total, t("label.checked", lang), "", "", s.checked, ""])
        add([total, t("label.unreadable", lang), "", "", s.errors, ""])
        if self.skipped:  # counted as in the terminal, HTML and Markdown summaries
            add([total, t("label.skipped", lang), "", "", len(self.skipped), ""])
        grades = t("label.grades", lang)
        for g in GRADE_ORDER:
            add([grades, grade_word(g, lang), grade_meaning(g, lang), "", s.grades[g], ""])
        add([grades, grade_word(None, lang), "", "", s.grades[None], ""])
        levels = t("label.findings", lang)
        for k in SEVERITIES:
            add([levels, severity_word(k, lang), "", "", s.files_with[k], s.findings[k]])
        if s.baseline is not None:
            b = s.baseline
            for k, n in (("new", b.new), ("open", b.open), ("fixed", b.fixed)):
                add([t("label.baseline", lang), baseline_word(k, lang), "", "", "", n])
        for r in s.top_rules():
            add([t("section.top_rules", lang), r.rule, r.title, "", r.files, r.findings])
        for u in s.unit_rows():
            add([t("section.units", lang), u.unit or t("label.unknown_unit", lang), "", grade_word(u.worst, lang),
                 u.files, u.findings])
        for note in self.skipped:
            add([t("section.skipped", lang), note, "", "", "", ""])

    def finish(self) -> None:
        if not self.findings.started:
            self.findings.start(_findings_head(self.lang, False), FINDINGS_WIDTHS[:8])
        self._batch_rows()
        for sheet in (self.files, self.findings, self.deductions, self.batch, self.fixed):
            if sheet is not None:
                sheet.finish()
        self.wb.save(self.target)


def to_xlsx(results: list[Result], lang: str = "zh", skipped: list[str] | None = None) -> bytes:
    buf = io.BytesIO()
    reporter = XlsxReporter(lang, buf, skipped)
    for r in results:
        reporter.add(r)
    reporter.close()
    return buf.getvalue()
