"""Annotated copies: every flagged cell of an .xlsx/.docx input carries a highlight and a comment
with rule, problem and fix; the rest goes to a 问题清单 sheet / the first paragraph."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from openpyxl import Workbook, load_workbook

from checker.config import Config
from checker.grading import grade
from checker.model import Finding, Location, Result, Submission
from checker.report.annotate import annotate, annotate_all, docx_cell, docx_paragraphs, docx_tables
from report_samples import department_form


def result_for(path: Path, findings: list[Finding]) -> Result:
    r = Result(path=str(path), status="checked", submission=Submission(forms=[department_form()]), findings=findings)
    grade(r, Config())
    return r


def fnd(rule, severity, loc, message=None, fix="按要求修改。") -> Finding:
    return Finding(rule=rule, severity=severity, dimension="完整性", message=message or f"{rule} 的问题", fix=fix,
                   form=0, loc=loc, location=loc.describe() if loc else "")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------ xlsx


@pytest.fixture
def workbook(tmp_path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "绩效目标表"
    ws["A1"] = "2024年部门整体支出绩效目标表"
    ws.merge_cells("A1:D1")
    ws["A3"], ws["B3"] = "资金总额", 650.17
    ws["A5"], ws["B5"], ws["C5"] = "满意度", "社会群众满意度", "98%"
    wb.create_sheet("附表")["A1"] = "x"
    path = tmp_path / "科协2024.xlsx"
    wb.save(path)
    return path


def test_xlsx_every_flagged_cell_has_fill_and_comment(workbook, tmp_path):
    findings = [
        fnd("A01", "error", Location(sheet="绩效目标表", ref="B3"), "资金总额 650.17 万元 ≠ 643.89 万元"),
        fnd("Q12", "warning", Location(sheet="绩效目标表", ref="C5"), "满意度指标值“98%”缺少“≥”", "写成“≥90%”"),
        fnd("Q02", "info", Location(sheet="绩效目标表", ref="C5")),
        fnd("S02", "warning", Location(sheet="绩效目标表", ref="C1")),  # inside the merged A1:D1
        fnd("T01", "warning", Location(sheet="绩效目标表", row=5, col=2)),
        fnd("C02", "error", None, "各表预算年度不一致"),
        fnd("K01", "warning", Location(sheet="不存在的表", ref="A1")),
        fnd("T05", "info", Location(sheet="附表", ref="A1"), "=HYPERLINK(\"http://x\")", "+1"),
        fnd("T06", "info", Location(sheet="附表", ref="B2"), "<script>x</script>\x01\x1b", "=1+1"),
    ]
    before = digest(workbook)
    out = annotate(result_for(workbook, findings), workbook, tmp_path / "out", "zh")
    assert out == tmp_path / "out" / "科协2024_标注.xlsx"
    assert digest(workbook) == before  # the original is untouched
    wb = load_workbook(out)
    ws = wb["绩效目标表"]
    expected = {"B3": ["A01"], "C5": ["Q12", "Q02"], "A1": ["S02"], "B5": ["T01"]}
    for coord, rules in expected.items():
        cell = ws[coord]
        assert cell.comment is not None, coord
        for rule in rules:
            assert rule in cell.comment.text
        assert cell.fill.fgColor.rgb.endswith(("FFC7CE", "FFEB9C", "DDEBF7")), coord
    assert "资金总额 650.17 万元 ≠ 643.89 万元" in ws["B3"].comment.text and "修改建议：按要求修改。" in ws["B3"].comment.text
    assert ws["B3"].fill.fgColor.rgb.endswith("FFC7CE")  # error: red
    assert ws["C5"].fill.fgColor.rgb.endswith("FFEB9C")  # worst of warning + info: yellow
    assert "写成“≥90%”" in ws["C5"].comment.text
    assert ws["A3"].comment is None and ws["B3"].value == 650.17  # content kept
    assert wb["附表"]["A1"].comment is not None
    assert "<script>x</script>" in wb["附表"]["B2"].comment.text and "\x01" not in wb["附表"]["B2"].comment.text
    listing = wb["问题清单"]
    rows = [[c.value for c in row] for row in listing.iter_rows(min_row=2)]
    assert len(rows) == len(findings)
    by_rule = {row[1]: row for row in rows}
    assert by_rule["C02"][6] == "（未定位到单元格）" and by_rule["K01"][6] == "（未定位到单元格）"
    assert by_rule["A01"][6] == "绩效目标表!B3" and by_rule["S02"][6] == "绩效目标表!A1"
    assert listing.freeze_panes == "A2"
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"


def test_xlsx_keeps_an_existing_comment_and_avoids_sheet_name_clash(tmp_path):
    from openpyxl.comments import Comment

    wb = Workbook()
    wb.active.title = "问题清单"
    wb.active["A1"] = "v"
    wb.active["A1"].comment = Comment("填表人的批注", "王宁")
    path = tmp_path / "a.xlsx"
    wb.save(path)
    out = annotate(result_for(path, [fnd("Q01", "error", Location(sheet="问题清单", ref="A1"))]), path, tmp_path, "zh")
    wb2 = load_workbook(out)
    assert wb2.sheetnames == ["问题清单", "问题清单2"]
    text = wb2["问题清单"]["A1"].comment.text
    assert "填表人的批注" in text and "Q01" in text


def test_xlsx_english(workbook, tmp_path):
    out = annotate(result_for(workbook, [fnd("A01", "error", Location(sheet="绩效目标表", ref="B3"))]), workbook,
                   tmp_path, "en")
    wb = load_workbook(out)
    assert out.name == "科协2024_annotated.xlsx"
    assert "Findings" in wb.sheetnames
    assert "[A01 error]" in wb["绩效目标表"]["B3"].comment.text and "How to fix:" in wb["绩效目标表"]["B3"].comment.text


# ------------------------------------------------------------------ docx


@pytest.fixture
def document(tmp_path) -> Path:
    d = docx.Document()
    d.add_paragraph("2024年部门整体支出绩效目标表")
    t1 = d.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            t1.cell(r, c).text = f"t1-{r + 1}-{c + 1}"
    t1.cell(0, 0).merge(t1.cell(0, 1))  # row 1: grid cols 1-2 are one cell
    t1.cell(1, 2).merge(t1.cell(2, 2))  # col 3: rows 2-3 are one cell
    nested = t1.cell(2, 0).add_table(rows=1, cols=2)  # table 2, inside table 1
    nested.cell(0, 0).text = "nested-1-1"
    nested.cell(0, 1).text = ""
    d.add_paragraph("填表人：")
    t3 = d.add_table(rows=2, cols=2)
    t3.cell(0, 0).text = "联系电话"
    t3.cell(0, 1).text = "8201038"
    path = tmp_path / "科协2024.docx"
    d.save(path)
    return path


def squash(text: str) -> str:
    return "".join(text.split())


def text_of(element) -> str:
    return "".join(element.xpath(".//w:t/text()"))


def _comment_ids_in(element) -> set[str]:
    return {e.get(qn("w:id")) for e in element.iter(qn("w:commentRangeStart"))}


def _fill(tc) -> str | None:
    shd = tc.find(qn("w:tcPr") + "/" + qn("w:shd"))
    return None if shd is None else shd.get(qn("w:fill"))


def test_docx_table_numbering_and_grid_columns(document):
    d = docx.Document(str(document))
    tables = docx_tables(d)
    assert len(tables) == 3
    assert "nested-1-1" in text_of(tables[1])  # nested table is number 2
    assert "联系电话" in text_of(tables[2])
    assert text_of(docx_cell(tables[0], 1, 2)).startswith("t1-1-1")  # merged across grid cols 1-2
    assert text_of(docx_cell(tables[0], 1, 3)) == "t1-1-3"
    assert text_of(docx_cell(tables[0], 3, 3)).startswith("t1-2-3")  # vertical merge: the top cell
    assert docx_cell(tables[0], 4, 1) is None and docx_cell(tables[0], 1, 9) is None


def test_docx_flagged_cells_are_shaded_and_commented(document, tmp_path):
    findings = [
        fnd("A01", "error", Location(table=1, row=1, col=2), "资金总额不符"),
        fnd("Q04", "warning", Location(table=1, row=3, col=3), "定性指标未分级"),
        fnd("Q01", "error", Location(table=2, row=1, col=2), "指标值为空"),  # nested, empty cell
        fnd("K02", "info", Location(table=3, row=1, col=2), "联系电话缺少区号", "写明区号"),
        fnd("S12", "warning", Location(table=3, row=2), "空行"),
        fnd("K01", "warning", Location(para=2), "填表人未填写"),
        fnd("C02", "error", None, "各表预算年度不一致"),
        fnd("T01", "warning", Location(table=9, row=1, col=1), "不存在的表"),
        fnd("T06", "info", Location(table=1, row=2, col=1), "<w:t>=1+1\x01\x0b", "@SUM(A1)"),
    ]
    before = digest(document)
    out = annotate(result_for(document, findings), document, tmp_path / "out", "zh")
    assert out.name == "科协2024_标注.docx" and digest(document) == before
    d = docx.Document(str(out))
    comments = {c.comment_id: c.text for c in d.comments}
    # one comment per anchor: 6 cells (row 2 of table 3 anchors on its first cell), the paragraph,
    # and the first paragraph for the two findings without a usable location
    assert len(comments) == 8
    for finding in findings:
        assert sum(f"[{finding.rule} " in text for text in comments.values()) == 1, finding.rule
    assert all(c.author == "jixiao 检查" for c in d.comments)
    tables = docx_tables(d)

    def texts_at(element) -> list[str]:
        return [comments[int(i)] for i in _comment_ids_in(element)]

    a01 = docx_cell(tables[0], 1, 1)
    assert any("[A01 错误] 资金总额不符" in x and "修改建议：按要求修改。" in x for x in texts_at(a01))
    assert _fill(a01) == "FFC7CE"
    q04 = docx_cell(tables[0], 2, 3)  # row 3 col 3 is the continuation of the merged cell
    assert any("Q04" in x for x in texts_at(q04)) and _fill(q04) == "FFEB9C"
    q01 = docx_cell(tables[1], 1, 2)
    assert any("Q01" in x for x in texts_at(q01)) and _fill(q01) == "FFC7CE"
    k02 = docx_cell(tables[2], 1, 2)
    assert any("[K02 提示] 联系电话缺少区号" in x and "写明区号" in x for x in texts_at(k02))
    assert _fill(k02) == "DDEBF7"
    row2 = tables[2].tr_lst[1].tc_lst
    assert all(_fill(tc) == "FFEB9C" for tc in row2)
    assert any("S12" in x for x in texts_at(row2[0]))
    assert any("K01" in x for x in texts_at(d.paragraphs[1]._p))
    first = texts_at(d.paragraphs[0]._p)
    assert any("C02" in x for x in first) and any("T01" in x for x in first)
    assert any("<w:t>=1+1" in x and "@SUM(A1)" in x for x in texts_at(docx_cell(tables[0], 2, 1)))
    assert _fill(docx_cell(tables[0], 2, 2)) is None  # unflagged cells untouched
    # cell text is kept
    assert text_of(k02) == "8201038"


def test_docx_shading_is_schema_ordered(document, tmp_path):
    d = docx.Document(str(document))
    tc = docx_cell(docx_tables(d)[0], 1, 1)
    tcPr = tc.get_or_add_tcPr()
    from docx.oxml import OxmlElement

    tcPr.append(OxmlElement("w:vAlign"))
    d.save(str(document))
    out = annotate(result_for(document, [fnd("A01", "error", Location(table=1, row=1, col=1))]), document, tmp_path)
    tc = docx_cell(docx_tables(docx.Document(str(out)))[0], 1, 1)
    names = [child.tag.split("}")[1] for child in tc.find(qn("w:tcPr"))]
    assert names.index("shd") < names.index("vAlign")
    assert names.index("gridSpan") < names.index("shd")


# ------------------------------------------------------------------ other inputs


def test_other_formats_and_unreadable_files_get_no_copy(tmp_path):
    txt = tmp_path / "a.txt"
    txt.write_text("x", encoding="utf-8")
    assert annotate(result_for(txt, [fnd("A01", "error", Location(line=1))]), txt, tmp_path / "o") is None
    broken = Result(path=str(tmp_path / "b.docx"), status="error")
    assert annotate(broken, broken.path, tmp_path / "o") is None
    assert not (tmp_path / "o").exists()


def test_annotate_all_never_overwrites_and_skips_broken_files(workbook, document, tmp_path, caplog):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"not a zip")
    results = [result_for(workbook, [fnd("A01", "error", Location(sheet="绩效目标表", ref="B3"))]),
               result_for(document, [fnd("A01", "error", Location(table=1, row=1, col=1))]),
               result_for(bad, []),
               result_for(tmp_path / "c.txt", [])]
    out_dir = tmp_path / "annotated"
    with caplog.at_level(logging.WARNING):
        first = annotate_all(results, out_dir, "zh")
    assert [p.name for p in first] == ["科协2024_标注.xlsx", "科协2024_标注.docx"]
    assert "坏文件.xlsx" in caplog.text
    second = annotate_all(results, out_dir, "zh")
    assert [p.name for p in second] == ["科协2024_标注-2.xlsx", "科协2024_标注-2.docx"]


def test_docx_numbering_agrees_with_the_reader(document):
    """Every non-empty cell and paragraph the reader reports is found at the same Location here."""
    pytest.importorskip("checker.readers.office")
    from checker.readers import read_document

    doc = read_document(str(document))
    d = docx.Document(str(document))
    tables, paragraphs = docx_tables(d), docx_paragraphs(d)
    checked = 0
    for row in doc.rows:
        for cell in row.cells:
            if not cell.text.strip():
                continue
            loc = cell.loc
            if loc.table is not None:
                tc = docx_cell(tables[loc.table - 1], loc.row, loc.col)
                own = "".join(text_of(p) for p in tc.iterchildren(qn("w:p")))  # not the nested tables
                assert squash(own) == squash(cell.text), (loc, cell.text)
            else:
                assert squash(text_of(paragraphs[loc.para - 1])) == squash(cell.text), (loc, cell.text)
            checked += 1
    assert checked >= 10
