"""The Office readers parse only what holds the text: a .docx's main document part (found through
the package relationships, as python-docx does) and an .xlsx's worksheets (openpyxl's read-only
workbook and worksheet parser), with the same result as a full library load."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from checker.document import ReadError
from checker.readers import read_document
from test_reader_safety import replace_member, small_docx, small_xlsx


def member(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def rename_member(data: bytes, old: str, new: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(new if info.filename == old else info.filename, src.read(info.filename))
    return out.getvalue()


def test_docx_text_is_read_when_a_part_it_does_not_need_is_damaged():
    data = replace_member(small_docx(), "word/styles.xml", b"<w:styles><not closed")
    doc = read_document("styles.docx", data)
    assert doc.rows[0].texts == ["2024年部门整体支出绩效目标表"]
    assert doc.rows[1].texts == ["资金总额", "650.17"]


def test_docx_main_part_is_found_through_the_relationships():
    data = rename_member(small_docx(), "word/document.xml", "word/main.xml")
    rels = member(data, "_rels/.rels").replace(b"word/document.xml", b"word/main.xml")
    types = member(data, "[Content_Types].xml").replace(b"/word/document.xml", b"/word/main.xml")
    data = replace_member(replace_member(data, "_rels/.rels", rels), "[Content_Types].xml", types)
    assert read_document("renamed.docx", data).rows[1].texts == ["资金总额", "650.17"]


def test_docx_without_a_main_document_relationship_is_damaged():
    data = small_docx()
    rels = re.sub(rb'<Relationship [^>]*officeDocument"[^>]*/>', b"", member(data, "_rels/.rels"))
    with pytest.raises(ReadError) as info:
        read_document("norels.docx", replace_member(data, "_rels/.rels", rels))
    assert info.value.code == "corrupt_docx"


def _sheet_with_values_under_merges() -> bytes:
    """A sheet as some writers save it: the covered cells of a merged range keep their values."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>绩效指标</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>副本</t></is></c><c r="C1"><v>650.17</v></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>副本2</t></is></c><c r="B2"><v>1</v></c>'
        '<c r="C2" t="inlineStr"><is><t>产出指标</t></is></c></row>'
        '</sheetData><mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells></worksheet>'
    ).encode()
    return replace_member(small_xlsx(), "xl/worksheets/sheet1.xml", sheet)


def test_xlsx_merged_ranges_keep_only_their_top_left_value_like_a_full_load():
    data = _sheet_with_values_under_merges()
    doc = read_document("merged.xlsx", data)
    assert [r.texts for r in doc.rows] == [["绩效指标", "", "650.17"], ["", "", "产出指标"]]
    full = openpyxl.load_workbook(io.BytesIO(data), data_only=True).active
    assert [[c.value or "" for c in row] for row in full.iter_rows()] == [["绩效指标", "", 650.17],
                                                                         ["", "", "产出指标"]]


def test_xlsx_number_formats_come_from_the_styles():
    wb = openpyxl.Workbook()
    wb.active["A1"] = 0.125
    wb.active["A1"].number_format = "0.00%"
    wb.active["B1"] = 650.1
    wb.active["B1"].number_format = "#,##0.00"
    buf = io.BytesIO()
    wb.save(buf)
    assert read_document("formats.xlsx", buf.getvalue()).rows[0].texts == ["12.50%", "650.10"]


def _elements(data: bytes) -> tuple[int, int]:
    """(every '<', '<' minus '</') over the package's XML parts."""
    src = zipfile.ZipFile(io.BytesIO(data))
    blobs = [src.read(i) for i in src.infolist() if not i.filename.endswith((".jpeg", ".png"))]
    return sum(b.count(b"<") for b in blobs), sum(b.count(b"<") - b.count(b"</") for b in blobs)


def test_the_element_limit_counts_elements_not_tags():
    from checker.readers import Limits

    data = small_docx()
    tags, elements = _elements(data)
    assert elements < tags
    # Between the two: only the exact count (opening tags) keeps the file under the limit.
    doc = read_document("limit.docx", data, Limits(max_xml_elements=elements))
    assert doc.rows[1].texts == ["资金总额", "650.17"]
    with pytest.raises(ReadError) as info:
        read_document("limit.docx", data, Limits(max_xml_elements=elements - 1))
    assert info.value.code == "too_large"
