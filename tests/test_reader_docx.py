""".docx reader: tables in document order, merged cells once at top-left, paragraphs
between tables, nested tables numbered depth-first after their parent."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from checker.readers import read_document

GENERATED = Path(__file__).resolve().parent.parent / "fixtures" / "generated"
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def save(word) -> bytes:
    buf = io.BytesIO()
    word.save(buf)
    return buf.getvalue()


def with_body(body_xml: str) -> bytes:
    """A real .docx whose document body is `body_xml` (WordprocessingML)."""
    base = save(docx.Document())
    document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W_NS}><w:body>{body_xml}</w:body></w:document>'
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = document.encode() if info.filename == "word/document.xml" else src.read(info.filename)
            dst.writestr(info.filename, blob)
    return out.getvalue()


def tc(text: str, props: str = "") -> str:
    paras = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r></w:p>" for t in text.split("\n"))
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paras}</w:tc>"


def indicator_docx() -> bytes:
    """一级 merged down 3 rows, 二级 merged down 2 rows, a label merged across 2 columns."""
    word = docx.Document()
    word.add_paragraph("2024年部门整体支出绩效目标表")
    word.add_paragraph("填报单位：六盘水市科学技术协会")
    table = word.add_table(rows=5, cols=4)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "部门名称"
    table.cell(0, 2).merge(table.cell(0, 3)).text = "六盘水市科学技术协会"
    for c, text in enumerate(["一级指标", "二级指标", "三级指标", "指标值"]):
        table.cell(1, c).text = text
    table.cell(2, 0).merge(table.cell(4, 0)).text = "产出指标"
    table.cell(2, 1).merge(table.cell(3, 1)).text = "数量指标"
    table.cell(4, 1).text = "质量指标"
    for r, (name, value) in enumerate([("科普活动", "≥8次"), ("科普专刊", "4期"), ("完成率", "≥90%")], start=2):
        table.cell(r, 2).text = name
        table.cell(r, 3).text = value
    word.add_paragraph("填表人：王宁")
    word.add_paragraph("")  # empty paragraphs are not rows
    word.add_table(rows=1, cols=1).cell(0, 0).text = "第二张表"
    return save(word)


def test_python_docx_repeats_merged_cells_but_the_reader_does_not():
    data = indicator_docx()
    table = docx.Document(io.BytesIO(data)).tables[0]
    assert [c.text for c in table.rows[3].cells][:2] == ["产出指标", "数量指标"]  # the library repeats
    doc = read_document("t.docx", data)
    rows = [r for r in doc.rows if r.table == 1]
    assert rows[3].texts == ["", "", "科普专刊", "4期"]


def test_merged_cells_appear_once_at_top_left():
    doc = read_document("t.docx", indicator_docx())
    table1 = [r.texts for r in doc.rows if r.table == 1]
    assert table1 == [
        ["部门名称", "", "六盘水市科学技术协会", ""],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "科普活动", "≥8次"],
        ["", "", "科普专刊", "4期"],
        ["", "质量指标", "完成率", "≥90%"],
    ]
    every = [c.text for r in doc.rows for c in r.cells]
    assert every.count("产出指标") == 1
    assert every.count("数量指标") == 1


def test_locations_are_grid_positions():
    doc = read_document("t.docx", indicator_docx())
    rows = [r for r in doc.rows if r.table == 1]
    cell = rows[0].cells[2]
    assert cell.text == "六盘水市科学技术协会"
    assert (cell.loc.table, cell.loc.row, cell.loc.col) == (1, 1, 3)  # col 3: after a 2-wide span
    value = rows[4].cells[3]
    assert (value.text, value.loc.row, value.loc.col) == ("≥90%", 5, 4)
    assert all(len(r.cells) == 4 for r in rows)


def test_paragraphs_interleave_with_tables_in_document_order():
    doc = read_document("t.docx", indicator_docx())
    shape = [(r.table, r.texts[0]) if r.table is None else (r.table, None) for r in doc.rows]
    assert shape[:2] == [(None, "2024年部门整体支出绩效目标表"), (None, "填报单位：六盘水市科学技术协会")]
    assert shape[2:7] == [(1, None)] * 5
    assert shape[7:] == [(None, "填表人：王宁"), (2, None)]
    paras = [r.cells[0].loc.para for r in doc.rows if r.table is None]
    assert paras == [1, 2, 3]
    assert doc.format == "docx"


def test_nested_tables_are_numbered_depth_first_after_their_parent():
    word = docx.Document()
    outer = word.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "外层"
    inner = outer.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "内层A"
    inner.cell(0, 1).add_table(rows=1, cols=1).cell(0, 0).text = "内层A里的表"
    outer.cell(1, 1).add_table(rows=1, cols=1).cell(0, 0).text = "内层B"
    word.add_table(rows=1, cols=1).cell(0, 0).text = "第二张顶层表"
    doc = read_document("n.docx", save(word))
    first = {r.table: r.texts[0] for r in reversed(doc.rows)}
    assert first == {1: "外层", 2: "内层A", 3: "内层A里的表", 4: "内层B", 5: "第二张顶层表"}
    assert [r.table for r in doc.rows] == [1, 1, 2, 3, 4, 5]


def test_cell_paragraphs_join_with_newlines():
    data = with_body(
        "<w:tbl><w:tr>" + tc("彩色1元/份×2000份=0.2万元\n单色0.5元/份×6000份=0.3万元") + "</w:tr></w:tbl>"
    )
    doc = read_document("p.docx", data)
    assert doc.rows[0].texts == ["彩色1元/份×2000份=0.2万元\n单色0.5元/份×6000份=0.3万元"]


def test_raw_gridspan_vmerge_and_grid_before():
    span = '<w:gridSpan w:val="2"/>'
    body = (
        "<w:tbl>"
        "<w:tr>" + tc("部门名称", span) + tc("科协") + "</w:tr>"
        "<w:tr>" + tc("产出指标", '<w:vMerge w:val="restart"/>') + tc("数量指标") + tc("2次") + "</w:tr>"
        "<w:tr>" + tc("", "<w:vMerge/>") + tc("质量指标") + tc("100%") + "</w:tr>"
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>' + tc("时效指标") + tc("年底") + "</w:tr>"
        "</w:tbl>"
    )
    doc = read_document("raw.docx", with_body(body))
    assert [r.texts for r in doc.rows] == [
        ["部门名称", "", "科协"],
        ["产出指标", "数量指标", "2次"],
        ["", "质量指标", "100%"],
        ["", "时效指标", "年底"],
    ]


def test_continued_vmerge_cell_text_is_hidden_as_in_word():
    body = (
        "<w:tbl>"
        "<w:tr>" + tc("产出指标", '<w:vMerge w:val="restart"/>') + tc("a") + "</w:tr>"
        "<w:tr>" + tc("stale copy", '<w:vMerge w:val="continue"/>') + tc("b") + "</w:tr>"
        "</w:tbl>"
    )
    doc = read_document("v.docx", with_body(body))
    assert [r.texts for r in doc.rows] == [["产出指标", "a"], ["", "b"]]


def test_content_controls_tracked_changes_and_text_boxes():
    body = (
        # a paragraph inside a block content control
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>编制单位：科协</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        # inline content control, tracked insertion and deletion, a tab and a break
        "<w:p><w:r><w:t>填表人：</w:t></w:r>"
        "<w:sdt><w:sdtContent><w:r><w:t>王宁</w:t></w:r></w:sdtContent></w:sdt>"
        "<w:ins><w:r><w:tab/><w:t>电话</w:t></w:r></w:ins>"
        "<w:del><w:r><w:delText>已删除</w:delText></w:r></w:del>"
        "<w:r><w:br/><w:t>8201038</w:t></w:r></w:p>"
        # a table row wrapped in a content control
        "<w:tbl><w:sdt><w:sdtContent><w:tr>" + tc("资金总额") + tc("650.17") + "</w:tr></w:sdtContent></w:sdt></w:tbl>"
    )
    doc = read_document("c.docx", with_body(body))
    assert [r.texts for r in doc.rows] == [["编制单位：科协"], ["填表人：王宁\t电话\n8201038"], ["资金总额", "650.17"]]


def test_type_comes_from_content_not_extension(tmp_path):
    path = tmp_path / "really_a_word_file.xlsx"
    path.write_bytes(indicator_docx())
    doc = read_document(str(path))
    assert doc.format == "docx"
    assert doc.rows[0].texts == ["2024年部门整体支出绩效目标表"]


@pytest.mark.parametrize("name", sorted(p.name for p in GENERATED.glob("*.docx")))
def test_generated_docx_vertical_labels_are_not_duplicated(name):
    doc = read_document(str(GENERATED / name))
    level1 = ["产出指标", "效益指标", "满意度指标"]
    for table in {r.table for r in doc.rows if r.table}:
        texts = [c.text for r in doc.rows if r.table == table for c in r.cells]
        for label in level1:
            # Each 一级 label opens one merged block per indicator table: never repeated row by row.
            assert texts.count(label) <= 1, (name, table, label, texts.count(label))


def test_generated_seed000_docx_layout():
    doc = read_document(str(GENERATED / "seed000_liupanshui_2024.docx"))
    table1 = [r for r in doc.rows if r.table == 1]
    header = next(r for r in table1 if r.texts[1] == "一级")
    assert header.texts == ["绩效指标", "一级", "二级", "三级", "指标值", "指标解释及计算公式"]
    first = table1[table1.index(header) + 1]
    second = table1[table1.index(header) + 2]
    assert first.texts[:4] == ["", "产出指标", "数量指标", "青少年科技教育活动"]
    assert second.texts[:4] == ["", "", "", "组织开展和参加青少年科技竞赛及培训"]
    total = next(r for r in table1 if r.texts[2] == "资金总额(万元)")
    assert total.texts[3] == "650.17"
    assert total.cells[3].loc.col == 4
