"""Excel report: golden cell contents, frozen headers and filters, and no document text ever
becomes a formula."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from checker.report import render
from report_samples import HOSTILE, check_golden, hostile_result, sample_results


def dump(data: bytes) -> str:
    """Every sheet's cells (value and type), frozen pane and filter: what the golden file holds."""
    wb = load_workbook(io.BytesIO(data))
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = {
            "freeze_panes": ws.freeze_panes,
            "auto_filter": ws.auto_filter.ref,
            "rows": [[c.value for c in row] for row in ws.iter_rows()],
        }
    return json.dumps(out, ensure_ascii=False, indent=1) + "\n"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_golden(lang):
    check_golden(f"report.{lang}.xlsx.json", dump(render(sample_results(lang), "xlsx", lang)))


def test_sheets_rows_headers():
    results = sample_results()
    wb = load_workbook(io.BytesIO(render(results, "xlsx", "zh")))
    assert wb.sheetnames == ["汇总", "问题清单", "扣分明细", "批次汇总"]
    summary, findings, deductions = wb["汇总"], wb["问题清单"], wb["扣分明细"]
    assert summary.max_row == 1 + len(results)
    assert findings.max_row == 1 + sum(len(r.findings) for r in results)
    assert deductions.max_row == 1 + sum(len(r.deductions) for r in results)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref.startswith("A1:")
        assert ws.auto_filter.ref.endswith(str(ws.max_row))
    head = [c.value for c in summary[1]]
    assert head[:5] == ["文件", "单位", "读取的表", "等级", "得分"]
    assert head[9:12] == ["错误", "警告", "提示"]
    row = [c.value for c in summary[2]]
    assert row[:5] == ["submissions/六盘水市科协_2024.docx", "六盘水市科学技术协会",
                       "部门整体支出绩效目标表、项目支出绩效目标表", "中", 80]
    assert row[5:12] == [23, 23, 17, 17, 1, 7, 1]
    assert [c.value for c in findings[1]] == ["文件", "表", "规则", "级别", "维度", "位置", "问题", "修改建议"]
    assert [c.value for c in findings[3]][2:6] == ["A01", "错误", "适当性", "表1 第3行 第2列"]


def test_english_sheet_names():
    wb = load_workbook(io.BytesIO(render(sample_results("en"), "xlsx", "en")))
    assert wb.sheetnames == ["Summary", "Findings", "Deductions", "Batch summary"]


def test_hostile_text_is_never_a_formula():
    data = render([hostile_result()], "xlsx", "zh")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    wb = load_workbook(io.BytesIO(data))
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    seen.add(cell.value)
                    if cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                        assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
    for text in HOSTILE:
        expected = text.replace("\x01", "").replace("\x1f", "")
        assert expected in seen, text  # kept verbatim (minus characters XML cannot hold)
    assert "evil/<b>x</b>=1+1.xlsx" in seen


def test_error_values_and_numbers_stay_text():
    r = hostile_result()
    r.findings[0].message = "#N/A"
    r.findings[1].message = "12345"
    wb = load_workbook(io.BytesIO(render([r], "xlsx", "zh")))
    values = {c.value: c.data_type for row in wb["问题清单"].iter_rows() for c in row if c.value is not None}
    assert values["#N/A"] == "s" and values["12345"] == "s"
