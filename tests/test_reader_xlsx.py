""".xlsx reader: one table per sheet, values as the user sees them, numbers exact."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from checker.readers import read_document
from checker.readers.office import cell_text

GENERATED = Path(__file__).resolve().parent.parent / "fixtures" / "generated"


def save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read(wb):
    return read_document("t.xlsx", save(wb))


def texts_by_ref(doc) -> dict[str, str]:
    return {f"{c.loc.sheet}!{c.loc.ref}": c.text for r in doc.rows for c in r.cells}


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (0.1 + 0.2, "General", "0.3"),
        (563.89 + 86.28, "General", "650.17"),
        (563.89 + 86.28, "0.00", "650.17"),
        (2.4 + 3 + 1.2 + 6, "General", "12.6"),
        (750000.0, "General", "750000"),
        (750000, "General", "750000"),
        (3, "0.00", "3.00"),
        (0.5, "0.00", "0.50"),
        (1e-7, "General", "0.0000001"),
        (1.5e20, "General", "150000000000000000000"),
        (-12.5, "#,##0.00;[Red]-#,##0.00", "-12.50"),
        (Decimal("12.345"), "General", "12.345"),
        (0.9, "0%", "90%"),
        (0.98, "0%", "98%"),
        (1, "0%", "100%"),
        (0.9, "0.00%", "90.00%"),
        (0.905, "0%", "90.5%"),  # exact: the shown "91%" would hide the real value
        (0.07, '0.0"%"', "0.07"),  # a quoted % is a literal, not a percentage
        (True, "General", "TRUE"),
    ],
)
def test_number_text(value, fmt, shown):
    assert cell_text(value, fmt) == shown


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (dt.datetime(2024, 1, 1), "yyyy-mm-dd", "2024-01-01"),
        (dt.datetime(2024, 1, 1), "mm-dd-yy", "2024-01-01"),  # built-in 14: locale-dependent, so ISO
        (dt.datetime(2024, 1, 15), 'yyyy"年"m"月"d"日"', "2024年1月15日"),
        (dt.datetime(2024, 1, 15), '[$-804]yyyy"年"m"月";@', "2024年1月"),
        (dt.datetime(2024, 3, 5), "yyyy/m/d", "2024/3/5"),
        (dt.datetime(2024, 3, 5), "yyyy.mm", "2024.03"),
        (dt.datetime(2024, 3, 5, 14, 7, 9), "yyyy-mm-dd hh:mm:ss", "2024-03-05 14:07:09"),
        (dt.datetime(2024, 3, 5, 14, 7), "h:mm", "14:07"),
        (dt.datetime(2024, 3, 5), "mmmm d, yyyy", "2024-03-05"),  # month names: ISO, do not guess
        (dt.datetime(2024, 3, 5, 9, 30), "General", "2024-03-05 09:30:00"),
        (dt.date(2024, 12, 31), "yyyy-mm-dd", "2024-12-31"),
        (dt.time(8, 30), "h:mm", "8:30"),
    ],
)
def test_date_text(value, fmt, shown):
    assert cell_text(value, fmt) == shown


def test_cells_in_a_workbook_keep_exact_decimals_and_formats():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表1"
    ws["A1"] = 0.1 + 0.2
    ws["B1"] = 0.98
    ws["B1"].number_format = "0%"
    ws["C1"] = dt.datetime(2024, 1, 1)
    ws["C1"].number_format = "yyyy-mm-dd"
    ws["D1"] = "#DIV/0!"
    ws["E1"] = "#REF!"
    ws["F1"] = "名  称"
    doc = read(wb)
    assert doc.rows[0].texts == ["0.3", "98%", "2024-01-01", "#DIV/0!", "#REF!", "名  称"]


def test_formula_without_cached_value_is_empty_and_noted():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表1"
    ws["A7"], ws["B7"] = 2.5, 0.5
    ws["C7"] = "=SUM(A7:B7)"  # openpyxl writes no cached value, like a file never opened in Excel
    doc = read(wb)
    assert texts_by_ref(doc)["表1!C7"] == ""
    assert len(doc.notes) == 1
    assert "表1!C7" in doc.notes[0] and "公式" in doc.notes[0] and "缓存" in doc.notes[0]
    assert "SUM(A7:B7)" in doc.notes[0]


def test_formula_with_cached_value_shows_the_cached_value():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表1"
    ws["A1"], ws["B1"] = 2.5, 0.5
    ws["C1"] = "=SUM(A1:B1)"
    data = save(wb)
    # Add the cached value Excel would have stored (<v>) to the formula cell.
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                blob, n = re.subn(rb"<f>SUM\(A1:B1\)</f><v\s*/?>(?:</v>)?", b"<f>SUM(A1:B1)</f><v>3.0000000000000004</v>", blob)
                assert n == 1
            dst.writestr(info.filename, blob)
    doc = read_document("cached.xlsx", out.getvalue())
    assert doc.rows[0].texts == ["2.5", "0.5", "3"]
    assert doc.notes == []


def test_merged_ranges_have_text_at_top_left_only():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "2024年部门整体支出绩效目标表"
    ws.merge_cells("A1:D1")
    ws["A2"], ws["B2"], ws["C2"], ws["D2"] = "绩效指标", "产出指标", "数量指标", "科普活动"
    ws.merge_cells("A2:A4")
    ws.merge_cells("B2:B4")
    ws.merge_cells("C2:C3")
    ws["D3"], ws["D4"], ws["C4"] = "科普专刊", "完成率", "质量指标"
    doc = read(wb)
    assert [r.texts for r in doc.rows] == [
        ["2024年部门整体支出绩效目标表", "", "", ""],
        ["绩效指标", "产出指标", "数量指标", "科普活动"],
        ["", "", "", "科普专刊"],
        ["", "", "质量指标", "完成率"],
    ]


def test_locations_sheets_and_trailing_space():
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "部门整体"
    first["B5"] = "资金总额"
    first["C5"] = 650.17
    first["Z999"].font = openpyxl.styles.Font(bold=True)  # formatted but empty: not content
    first["H2"] = "   "  # whitespace only: not content
    wb.create_sheet("空表")
    second = wb.create_sheet("项目")
    second["A1"] = "项目名称"
    doc = read(wb)
    assert [r.texts for r in doc.rows] == [["", "资金总额", "650.17"], ["项目名称"]]
    cell = doc.rows[0].cells[1]
    assert (cell.loc.sheet, cell.loc.ref, cell.loc.row, cell.loc.col, cell.loc.table) == ("部门整体", "B5", 5, 2, 1)
    assert doc.rows[0].table == 1
    assert doc.rows[1].table == 3  # table number = the sheet's position in the workbook
    assert doc.rows[1].cells[0].loc.describe() == "项目!A1"


def test_multiline_cell_text():
    wb = openpyxl.Workbook()
    wb.active["A1"] = "彩色1元/份×2000份=0.2万元\r\n单色0.5元/份×6000份=0.3万元"
    doc = read(wb)
    assert doc.rows[0].texts == ["彩色1元/份×2000份=0.2万元\n单色0.5元/份×6000份=0.3万元"]


def test_generated_xlsx_shows_float_sums_exactly():
    doc = read_document(str(GENERATED / "seed000_liupanshui_2024.xlsx"))
    total = next(r for r in doc.rows if "资金总额(万元)" in r.texts)
    assert "650.17" in total.texts
    assert not any("0000000" in c.text for r in doc.rows for c in r.cells)
    costs = read_document(str(GENERATED / "project_costs_2024.xlsx"))
    refs = texts_by_ref(costs)
    assert "2024年1月15日" in refs.values()
    assert list(refs.values()).count("12.6") == 3
    assert "100%" in refs.values()


def test_generated_xlsx_vertical_labels_not_duplicated():
    doc = read_document(str(GENERATED / "national_88_2024.xlsx"))
    for sheet in {r.cells[0].loc.sheet for r in doc.rows}:
        texts = [c.text for r in doc.rows if r.cells[0].loc.sheet == sheet for c in r.cells]
        assert texts.count("产出指标") == 1
        assert texts.count("数量指标") == 1
