"""Excel report (openpyxl): sheets 汇总 (one row per file), 问题清单 (one row per finding) and
扣分明细 (one row per deduction), with frozen headers and autofilters.

Document text is never written as a formula: every text cell is forced to the string type, and
text Excel would treat as a formula when edited (=, +, -, @, tab, CR first) gets quotePrefix.
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from checker.model import Result
from checker.report.i18n import dimension_word, grade_word, severity_word, t
from checker.report.view import SEVERITIES, form_views, grouped_findings, location_text, severity_counts, unit_name
from checker.grading import DIMENSIONS

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0 (tab, LF, CR are)
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 32767  # Excel's limit on characters in a cell
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def text_cell(ws: Worksheet, value: object) -> Cell:
    """A cell that holds `value` as text, whatever it starts with."""
    s = _ILLEGAL.sub("", "" if value is None else str(value))[:MAX_CELL]
    cell = Cell(ws)
    cell.value = s
    cell.data_type = "s"  # openpyxl would make "=..." a formula and "#N/A" an error value
    if s.startswith(FORMULA_LEAD):
        cell.quotePrefix = True  # stays text in Excel even when the user edits the cell
    return cell


def _cells(ws: Worksheet, row: list[object]) -> list[object]:
    # numbers stay numbers (so the reviewer can sort and filter); everything else is text
    return [v if isinstance(v, (int, float)) and not isinstance(v, bool)
            else None if v is None or v == "" else text_cell(ws, v) for v in row]


def _sheet(ws: Worksheet, head: list[str], widths: list[int]) -> None:
    ws.append([text_cell(ws, h) for h in head])
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
        cell = ws.cell(row=1, column=col)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    ws.freeze_panes = "A2"


def _finish(ws: Worksheet, columns: int) -> None:
    ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(ws.max_row, 1)}"


def write_findings_sheet(ws: Worksheet, results: list[Result], lang: str) -> None:
    """问题清单: one row per finding. Also used by annotated workbooks."""
    head = [t("col.file", lang), t("col.form", lang), t("col.rule", lang), t("col.level", lang),
            t("col.dimension", lang), t("col.location", lang), t("col.problem", lang), t("col.fix", lang)]
    _sheet(ws, head, [28, 30, 8, 8, 10, 18, 60, 50])
    for result in results:
        for group in grouped_findings(result, lang):
            for f in group.findings:
                ws.append(_cells(ws, [result.path, group.label, f.rule, severity_word(f.severity, lang),
                                      dimension_word(f.dimension, lang), location_text(f, lang), f.message, f.fix]))
    _finish(ws, len(head))


def to_xlsx(results: list[Result], lang: str = "zh") -> bytes:
    wb = Workbook()
    summary = wb.active
    summary.title = t("sheet.summary", lang)
    head = [t("col.file", lang), t("col.unit", lang), t("col.forms", lang), t("col.grade", lang),
            t("col.score", lang), *(dimension_word(d, lang) for d in DIMENSIONS),
            *(severity_word(s, lang) for s in SEVERITIES), t("col.status", lang), t("label.grade_reason", lang)]
    _sheet(summary, head, [36, 28, 8, 12, 8, 9, 9, 9, 9, 8, 8, 8, 10, 60])
    for r in results:
        counts = severity_counts(r.findings)
        dims = r.dimensions or {}
        kinds = "、".join(v.kind_label for v in form_views(r, lang)) if lang != "en" else \
            "; ".join(v.kind_label for v in form_views(r, lang))
        reason = r.grade_reason or (r.error.message if r.error else "")
        summary.append(_cells(summary, [
            r.path, unit_name(r), kinds, grade_word(r.grade, lang),
            r.score if r.score is not None else "",
            *(dims.get(d, "") for d in DIMENSIONS),
            *(counts[s] for s in SEVERITIES),
            t(f"status.{r.status}", lang), reason,
        ]))
    _finish(summary, len(head))

    write_findings_sheet(wb.create_sheet(t("sheet.findings", lang)), results, lang)

    deductions = wb.create_sheet(t("sheet.deductions", lang))
    head = [t("col.file", lang), t("col.dimension", lang), t("col.rule", lang), t("col.points", lang),
            t("col.message", lang)]
    _sheet(deductions, head, [36, 10, 8, 8, 70])
    for r in results:
        for d in r.deductions:
            deductions.append(_cells(deductions, [r.path, dimension_word(d.dimension, lang), d.rule, -d.points,
                                                  d.message]))
    _finish(deductions, len(head))

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
