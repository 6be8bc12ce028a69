"""PDF reader: ruled tables and text lines from a PDF generated in the test (a tiny
hand-written PDF with a Type0 font and a ToUnicode map, so CJK text has a text layer)."""

from __future__ import annotations

import builtins
import time

import pytest

pytest.importorskip("pdfplumber")

from checker.document import ReadError  # noqa: E402
from checker.readers import Limits, read_document  # noqa: E402


def make_pdf(pages):
    """pages: list of lists of ("text", x, y, str, size) / ("rect", x, y, w, h)."""
    chars = sorted({ch for page in pages for op in page if op[0] == "text" for ch in op[3]})
    cid = {ch: i + 1 for i, ch in enumerate(chars)}
    objs = []  # index i -> object i+1
    def add(body):
        objs.append(body); return len(objs)
    cmap_lines = []
    for i in range(0, len(chars), 100):
        block = chars[i:i+100]
        cmap_lines.append(f"{len(block)} beginbfchar")
        cmap_lines += [f"<{cid[ch]:04X}> <{ord(ch):04X}>" for ch in block]
        cmap_lines.append("endbfchar")
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n" + "\n".join(cmap_lines) +
            "\nendcmap CMapName currentdict /CMap defineresource pop end end\n").encode()
    tounicode = add(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    desc = add(b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -200 1000 900] "
               b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>")
    cidfont = add(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "
                  b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                  b"/FontDescriptor %d 0 R /DW 1000 /CIDToGIDMap /Identity >>" % desc)
    font = add(b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
               b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cidfont, tounicode))
    page_ids = []
    pages_id = len(objs) + 1 + 2 * len(pages)
    for page in pages:
        ops = []
        for op in page:
            if op[0] == "rect":
                _, x, y, w, h = op
                ops.append(f"{x} {y} {w} {h} re S")
            else:
                _, x, y, text, size = op
                hexs = "".join(f"{cid[ch]:04X}" for ch in text)
                ops.append(f"BT /F1 {size} Tf {x} {y} Td <{hexs}> Tj ET")
        content = ("0.5 w\n" + "\n".join(ops)).encode()
        c = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        page_ids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                            b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (pages_id, font, c)))
    assert add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % p for p in page_ids), len(page_ids))) == pages_id
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, catalog, xref)
    return bytes(out)

def grid_ops(x0, top, widths, heights, texts, merges=()):
    """Lines of a ruled table; texts[(r,c)] placed in cell; merges: (r,c,rs,cs)."""
    ops = []
    covered = {}
    for (r, c, rs, cs) in merges:
        for i in range(r, r+rs):
            for j in range(c, c+cs):
                covered[(i, j)] = (r, c, rs, cs)
    ys = [top]
    for h in heights: ys.append(ys[-1] - h)
    xs = [x0]
    for w in widths: xs.append(xs[-1] + w)
    for r in range(len(heights)):
        for c in range(len(widths)):
            m = covered.get((r, c))
            if m and (m[0], m[1]) != (r, c):
                continue
            rs, cs = (m[2], m[3]) if m else (1, 1)
            x, y = xs[c], ys[r + rs]
            ops.append(("rect", x, y, xs[c + cs] - x, ys[r] - y))
            t = texts.get((r, c))
            if t:
                ops.append(("text", x + 3, ys[r] - 14, t, 10))
    return ops


def indicator_page() -> list[tuple]:
    texts = {
        (0, 0): "一级指标", (0, 1): "二级指标", (0, 2): "三级指标", (0, 3): "指标值",
        (1, 0): "产出指标", (1, 1): "数量指标", (1, 2): "科普活动", (1, 3): "≥8次",
        (2, 1): "质量指标", (2, 2): "完成率", (2, 3): "≥90%",
        (3, 0): "资金总额 650.17 万元",
    }
    merges = [(1, 0, 2, 1), (3, 0, 1, 4)]  # 一级 down two rows; the total across the table
    return (
        [("text", 100, 800, "2024年部门整体支出绩效目标表", 14), ("text", 60, 780, "金额单位：万元", 10)]
        + grid_ops(60, 760, [100, 100, 200, 100], [22, 22, 22, 22], texts, merges)
        + [("text", 60, 650, "填表人：王宁", 10)]
    )


def test_tables_and_lines_in_page_order():
    data = make_pdf([indicator_page(), [("text", 60, 800, "联系电话：8201038", 10)]])
    doc = read_document("t.pdf", data)
    assert doc.format == "pdf"
    assert [r.texts for r in doc.rows] == [
        ["2024年部门整体支出绩效目标表"],
        ["金额单位：万元"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "科普活动", "≥8次"],
        ["", "质量指标", "完成率", "≥90%"],  # the merged 一级 appears once, at its top
        ["资金总额 650.17 万元", "", "", ""],
        ["填表人：王宁"],
        ["联系电话：8201038"],
    ]


def test_locations():
    data = make_pdf([indicator_page(), [("text", 60, 800, "联系电话：8201038", 10)]])
    doc = read_document("t.pdf", data)
    value = doc.rows[4].cells[3]
    assert (value.loc.table, value.loc.row, value.loc.col, value.loc.ref) == (1, 3, 4, "第1页")
    assert doc.rows[4].table == 1
    assert doc.rows[0].table is None and doc.rows[0].cells[0].loc.ref == "第1页"
    last = doc.rows[-1].cells[0].loc
    assert (last.ref, last.line) == ("第2页", 1)
    assert last.describe() == "第2页 第1行"


def test_tables_are_numbered_across_pages():
    page2 = grid_ops(60, 800, [120, 120], [22, 22], {(0, 0): "支出明细", (0, 1): "金额", (1, 0): "科普活动", (1, 1): "2.5"})
    doc = read_document("t.pdf", make_pdf([indicator_page(), page2]))
    assert [r.texts for r in doc.rows if r.table == 2] == [["支出明细", "金额"], ["科普活动", "2.5"]]
    assert {r.cells[0].loc.ref for r in doc.rows if r.table == 2} == {"第2页"}


def test_scanned_pdf_without_text_layer():
    data = make_pdf([[("rect", 50, 50, 400, 600)], [("rect", 60, 60, 100, 100)]])
    start = time.perf_counter()
    with pytest.raises(ReadError) as info:
        read_document("scan.pdf", data)
    assert time.perf_counter() - start < 1.0
    assert info.value.code == "scanned_pdf"
    assert info.value.zh == "扫描件无法读取文字，请提供 Word/Excel 原件或带文字层的 PDF。"
    assert "text layer" in info.value.en


def test_corrupt_pdf():
    start = time.perf_counter()
    with pytest.raises(ReadError) as info:
        read_document("bad.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 4)
    assert time.perf_counter() - start < 1.0
    assert info.value.code == "corrupt_pdf"
    assert "PDF" in info.value.zh


def test_page_limit():
    data = make_pdf([[("text", 60, 800, f"第{i}页", 10)] for i in range(5)])
    with pytest.raises(ReadError) as info:
        read_document("long.pdf", data, Limits(max_pdf_pages=3))
    assert info.value.code == "too_large"


def test_missing_pdfplumber_tells_how_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_pdfplumber(name, *args, **kwargs):
        if name == "pdfplumber" or name.startswith("pdfminer"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pdfplumber)
    with pytest.raises(ReadError) as info:
        read_document("t.pdf", make_pdf([indicator_page()]))
    assert info.value.code == "pdf_support_missing"
    assert "pip install pdfplumber" in info.value.zh
