"""Hostile and broken inputs through the whole checker, as a user would run it.

Every input is generated here (into a session temp directory; nothing large is committed).
Each must end as a clear error (status "error", a stable code, a Chinese message; English
with --lang en) or a checked result, within 500 MB and well inside a generous time limit (the
mechanisms -- the memory cap, the per-file timeout -- are asserted, never the machine's speed:
the suite runs on busy 2-core machines), never as a traceback; a batch
over all of them lists every file and still checks the clean ones; and a secret file that
the XML external entities point at never shows up in any output, in any report format.

test_reader_safety.py checks the reader's refusals one by one (in process); this file runs
the same kinds of inputs, and more, through check_file and the CLI.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import resource
import shutil
import struct
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from checker.pipeline import CheckOptions, check_file
from checker.readers import DEFAULT_LIMITS, read_document
from test_reader_safety import make_ole, replace_member, small_docx, small_xlsx

ROOT = Path(__file__).resolve().parent.parent
SEED_000 = ROOT / "fixtures" / "seeds" / "000_92e3f18c72746f64.txt"
GENERATED = ROOT / "fixtures" / "generated"
sys.path.insert(0, str(ROOT / "fixtures"))
import build_fixtures  # noqa: E402  (the fixture renderers: one table spec -> txt/docx/xlsx)

MARKER = "JIXIAO-XXE-SECRET-7d41c0b2"  # the content of the secret file the entities point at
# Seconds a file may take before a test calls it a hang: far above the normal cost (well under a
# second for every hostile file, ~2 s for the max_indicators-row tables on an idle machine) and far below
# what the attacks these tests guard against cost (minutes), so a loaded machine never fails them.
TIME_LIMIT = 120.0
MEMORY_LIMIT = 500 * 1024 * 1024  # address space of the CLI process
CJK = re.compile(r"[\u4e00-\u9fff]")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CHECKED = "checked"
ANY = "any"  # checked, or an error with a clear (non-internal) code


# ---------------------------------------------------------------------------- generators
# Every generator takes the secret file (only the XXE ones use it) and returns the bytes.


def rebuild(data: bytes, replace: dict[str, bytes] | None = None, rename: dict[str, str] | None = None,
            add: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip package with members replaced, renamed or added."""
    replace, rename, add = replace or {}, rename or {}, add or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = replace.get(info.filename, None)
            dst.writestr(rename.get(info.filename, info.filename), src.read(info.filename) if blob is None else blob)
        for name, blob in add.items():
            dst.writestr(name, blob)
    return out.getvalue()


def member(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def seed_text() -> str:
    return SEED_000.read_text(encoding="utf-8")


def seed_docx() -> bytes:
    return (GENERATED / "seed000_liupanshui_2024.docx").read_bytes()


def seed_xlsx() -> bytes:
    return (GENERATED / "seed000_liupanshui_2024.xlsx").read_bytes()


# -- a hand-written .xlsx (shared strings, error and formula cells exactly as Excel writes them)


def dept_rows() -> list[list[object]]:
    """Seed 000's 部门整体支出 form as rows; amounts as numbers, the rest text."""
    form = build_fixtures.seed000().forms[0]
    rows: list[list[object]] = [[t] for t in form.before]
    for row in form.grid:
        rows.append([cell.value if isinstance(cell, build_fixtures.X) and isinstance(cell.value, float) else
                     "" if cell in ("<", "^") else build_fixtures.text_of(cell) for cell in row])
    return rows


def find_cell(rows: list[list[object]], label: str) -> tuple[int, int]:
    """(row, column), 1-based, of the amount right of `label`."""
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value == label:
                return r, c + 1
    raise AssertionError(label)


def col_letter(c: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(c)


def raw_xlsx(rows: list[list[object]], special: dict[tuple[int, int], str] | None = None,
             text: Callable[[str], str] = lambda s: s, sheet_extra: str = "",
             shared_extra: str = "") -> bytes:
    """A minimal .xlsx: strings in xl/sharedStrings.xml, numbers inline; `special` maps a
    (row, col) to the raw XML inside its <c> element (an error value, a formula)."""
    special = special or {}
    strings: list[str] = []
    index: dict[str, int] = {}
    out_rows = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row, start=1):
            ref = f"{col_letter(c)}{r}"
            if (r, c) in special:
                cells.append(f'<c r="{ref}"{special[(r, c)]}</c>')
            elif isinstance(value, float):
                cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
            elif value:
                s = text(str(value))
                if s not in index:
                    index[s] = len(strings)
                    strings.append(s)
                cells.append(f'<c r="{ref}" t="s"><v>{index[s]}</v></c>')
        out_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{S_NS}">'
             f'<sheetData>{"".join(out_rows)}</sheetData>{sheet_extra}</worksheet>')
    from xml.sax.saxutils import escape

    sst = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{S_NS}" count="{len(strings)}" '
           f'uniqueCount="{len(strings)}">{shared_extra}'
           + "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings) + "</sst>")
    return xlsx_package(sheet.encode("utf-8"), sst.encode("utf-8"))


def xlsx_package(sheet: bytes, sst: bytes, sheet_name: str = "worksheets/sheet1.xml") -> bytes:
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f'<Override PartName="/xl/{sheet_name}" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"
        ).encode(),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{S_NS}" xmlns:r="{rel}">'
            '<sheets><sheet name="部门整体支出" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="{sheet_name}"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ).encode(),
        f"xl/{sheet_name}": sheet,
        "xl/sharedStrings.xml": sst,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in parts.items():
            zf.writestr(name, blob)
    return out.getvalue()


def xlsx_clean(_secret: Path) -> bytes:
    return raw_xlsx(dept_rows())


def xlsx_errors(_secret: Path) -> bytes:
    rows = dept_rows()
    return raw_xlsx(rows, {find_cell(rows, "资金总额(万元)"): ' t="e"><v>#REF!</v>',
                           find_cell(rows, "基本支出"): ' t="e"><v>#DIV/0!</v>'})


def _total_formula(rows) -> tuple[tuple[int, int], str]:
    (r, c) = find_cell(rows, "资金总额(万元)")
    (rb, _), (rp, _) = find_cell(rows, "基本支出"), find_cell(rows, "项目支出")
    return (r, c), f"{col_letter(c)}{rb}+{col_letter(c)}{rp}"


def xlsx_formula_cached(_secret: Path) -> bytes:
    rows = dept_rows()
    at, formula = _total_formula(rows)
    return raw_xlsx(rows, {at: f"><f>{formula}</f><v>650.17</v>"})


def xlsx_formula_uncached(_secret: Path) -> bytes:
    rows = dept_rows()
    at, formula = _total_formula(rows)
    return raw_xlsx(rows, {at: f"><f>{formula}</f>"})


# -- invisible characters, NULs, mixed encodings: the same table, damaged in ways nobody sees

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u00ad"]


def sprinkle(text: str) -> str:
    """`text` with zero-width characters between its characters, inside a right-to-left override."""
    if not text.strip():
        return text
    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        if i % 2 == 0:
            out.append(INVISIBLE[i % len(INVISIBLE)])
    return "\u202e" + "".join(out) + "\u202c\u200f"


def txt_invisible(_secret: Path) -> bytes:
    lines = ["\t".join(sprinkle(cell) for cell in line.split("\t")) for line in seed_text().split("\n")]
    return "\n".join(lines).encode("utf-8")


def docx_invisible(_secret: Path) -> bytes:
    data = seed_docx()
    xml = member(data, "word/document.xml").decode("utf-8")
    xml = re.sub(r"(<w:t(?: [^>]*)?>)([^<]+)(</w:t>)", lambda m: m.group(1) + sprinkle(m.group(2)) + m.group(3), xml)
    return replace_member(data, "word/document.xml", xml.encode("utf-8"))


def xlsx_invisible(_secret: Path) -> bytes:
    rows = dept_rows()
    # Numbers become text so that they can carry invisible characters too.
    rows = [[f"{v:.2f}" if isinstance(v, float) else v for v in row] for row in rows]
    return raw_xlsx(rows, text=sprinkle)


def txt_nul(_secret: Path) -> bytes:
    text = seed_text()
    return "".join(ch + ("\x00" if i % 7 == 3 else "") for i, ch in enumerate(text)).encode("utf-8")


def xlsx_nul(_secret: Path) -> bytes:
    """NUL and other control characters in shared strings, escaped as _x0000_ the way Excel does."""
    rows = dept_rows()
    return raw_xlsx(rows, text=lambda s: s[:1] + "_x0000_" + s[1:] + "_x001F_" if len(s) > 1 else s)


def docx_nul(_secret: Path) -> bytes:
    """A character reference to NUL is not well-formed XML: a damaged file."""
    data = seed_docx()
    xml = member(data, "word/document.xml").replace("资金总额".encode(), "资金&#0;总额".encode())
    return replace_member(data, "word/document.xml", xml)


def txt_mixed_encodings(_secret: Path) -> bytes:
    """The top half of the seed in UTF-8, the rest in GBK (GB18030): two pastes into one file."""
    lines = seed_text().split("\n")
    half = len(lines) // 2
    return ("\n".join(lines[:half]) + "\n").encode("utf-8") + "\n".join(lines[half:]).encode("gb18030")


# -- XML entities


def _laughs(root: str, body: str) -> str:
    lol = "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    return f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY lol0 "lol">{lol}]>{body}'


def _xxe(secret: Path, root: str, body: str, parameter: bool = False) -> str:
    if parameter:
        return f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY % xxe SYSTEM "{secret.as_uri()}"> %xxe;]>{body}'
    return f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>{body}'


def _wdoc(text: str) -> str:
    return (f'<w:document xmlns:w="{W_NS}"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>资金总额</w:t></w:r></w:p>'
            f"</w:tc><w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
            f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>")


def docx_laughs(_secret: Path) -> bytes:
    return replace_member(small_docx(), "word/document.xml", _laughs("w:document", _wdoc("&lol9;")).encode())


def xlsx_laughs(_secret: Path) -> bytes:
    sst = _laughs("sst", f'<sst xmlns="{S_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>')
    return rebuild(raw_xlsx([["资金总额", "x"]]), {"xl/sharedStrings.xml": sst.encode()})


def docx_xxe(secret: Path) -> bytes:
    return replace_member(small_docx(), "word/document.xml", _xxe(secret, "w:document", _wdoc("&xxe;")).encode())


def docx_xxe_parameter(secret: Path) -> bytes:
    xml = _xxe(secret, "w:document", _wdoc("x"), parameter=True)
    return replace_member(small_docx(), "word/document.xml", xml.encode())


def docx_xxe_styles(secret: Path) -> bytes:
    styles = member(small_docx(), "word/styles.xml").decode("utf-8")
    body = styles[styles.index("<w:styles"):]
    return replace_member(small_docx(), "word/styles.xml", _xxe(secret, "w:styles", body).encode())


def docx_xxe_renamed_part(secret: Path) -> bytes:
    """The main document under a name without .xml: found by its content, not its name."""
    data = small_docx()
    ct = member(data, "[Content_Types].xml").replace(b'PartName="/word/document.xml"', b'PartName="/word/document.dat"')
    rels = member(data, "_rels/.rels").replace(b'Target="word/document.xml"', b'Target="word/document.dat"')
    xml = _xxe(secret, "w:document", _wdoc("&xxe;")).encode()
    return rebuild(data, {"word/document.xml": xml, "[Content_Types].xml": ct, "_rels/.rels": rels},
                   rename={"word/document.xml": "word/document.dat"})


def docx_xxe_manifest(secret: Path) -> bytes:
    data = small_docx()
    ct = member(data, "[Content_Types].xml").decode("utf-8")
    body = ct[ct.index("<Types"):]
    return replace_member(data, "[Content_Types].xml", _xxe(secret, "Types", body).encode())


def xlsx_xxe_sheet(secret: Path) -> bytes:
    sheet = _xxe(secret, "worksheet", f'<worksheet xmlns="{S_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
                 "<is><t>&xxe;</t></is></c></row></sheetData></worksheet>")
    return replace_member(small_xlsx(), "xl/worksheets/sheet1.xml", sheet.encode())


def xlsx_xxe_shared(secret: Path) -> bytes:
    sst = _xxe(secret, "sst", f'<sst xmlns="{S_NS}" count="1" uniqueCount="1"><si><t>&xxe;</t></si></sst>')
    return rebuild(raw_xlsx([["资金总额", "x"]]), {"xl/sharedStrings.xml": sst.encode()})


def xlsx_xxe_utf16(secret: Path) -> bytes:
    sheet = _xxe(secret, "worksheet", f'<worksheet xmlns="{S_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
                 "<is><t>&xxe;</t></is></c></row></sheetData></worksheet>")
    sheet = sheet.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    return replace_member(small_xlsx(), "xl/worksheets/sheet1.xml", sheet.encode("utf-16"))


def xlsx_xxe_renamed_sheet(secret: Path) -> bytes:
    sheet = _xxe(secret, "worksheet", f'<worksheet xmlns="{S_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
                 "<is><t>&xxe;</t></is></c></row></sheetData></worksheet>")
    sst = f'<sst xmlns="{S_NS}" count="0" uniqueCount="0"></sst>'
    return xlsx_package(sheet.encode(), sst.encode(), sheet_name="worksheets/sheet1.bin")


# -- zip bombs and broken packages

_ZEROS_MB = 210  # just over the 200 MiB unpacked-size limit


def _zeros_member(name: str, mb: int) -> bytes:
    """A zip holding small_docx() plus `name`: `mb` MiB of zeros (about 1 MB compressed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        src = zipfile.ZipFile(io.BytesIO(small_docx()))
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        with dst.open(name, "w") as fh:
            chunk = bytes(1 << 20)
            for _ in range(mb):
                fh.write(chunk)
    return out.getvalue()


_BOMB: dict[str, bytes] = {}


def docx_bomb(_secret: Path) -> bytes:
    """210 MiB of zeros in one part, declared honestly: over the unpacked-size limit."""
    if "bomb" not in _BOMB:
        _BOMB["bomb"] = _zeros_member("word/media/zeros.bin", _ZEROS_MB)
    return _BOMB["bomb"]


def docx_bomb_lying(_secret: Path) -> bytes:
    """The same part, its directory entries claiming 1 KB: it must not be inflated to find out."""
    data = bytearray(docx_bomb(_secret))
    name = b"word/media/zeros.bin"
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46: pos + 46 + n]) == name:
            struct.pack_into("<I", data, pos + 24, 1024)
            offset = struct.unpack_from("<I", data, pos + 42)[0]
            struct.pack_into("<I", data, offset + 22, 1024)
        pos = data.find(b"PK\x01\x02", pos + 4)
    return bytes(data)


def docx_huge_xml(_secret: Path) -> bytes:
    """A 60 MB document part (under the unpacked-size limit): millions of paragraphs."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        src = zipfile.ZipFile(io.BytesIO(small_docx()))
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info.filename, src.read(info.filename))
        with dst.open("word/document.xml", "w") as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>'.encode())
            chunk = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 30000
            for _ in range(60_000_000 // len(chunk)):
                fh.write(chunk)
            fh.write(b"</w:body></w:document>")
    return out.getvalue()


def xlsx_huge_sheet(_secret: Path) -> bytes:
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 400_001))
    sheet = f'<worksheet xmlns="{S_NS}"><sheetData>{rows}</sheetData></worksheet>'
    return replace_member(small_xlsx(), "xl/worksheets/sheet1.xml", sheet.encode())


def _many_entries(base: bytes, n: int, hide_count: bool) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        src = zipfile.ZipFile(io.BytesIO(base))
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        for i in range(n):
            dst.writestr(f"customXml/e{i}.xml", b"")
    data = bytearray(out.getvalue())
    if hide_count:  # the end record claims 9 entries; the directory holds them all
        pos = data.rfind(b"PK\x05\x06")
        struct.pack_into("<HH", data, pos + 8, 9, 9)
    return bytes(data)


def docx_many_entries(_secret: Path) -> bytes:
    return _many_entries(small_docx(), 30_000, hide_count=False)


def xlsx_many_entries_hidden(_secret: Path) -> bytes:
    return _many_entries(small_xlsx(), 30_000, hide_count=True)


def xlsx_merge_bomb(_secret: Path) -> bytes:
    """One merged range over the whole sheet: 17 billion cells if a library expands it."""
    return raw_xlsx([["资金总额", "x"]], sheet_extra='<mergeCells count="1"><mergeCell ref="A3:XFD1048576"/></mergeCells>')


def xlsx_stray_far_cell(_secret: Path) -> bytes:
    """A real table, and one stray value in the last column (XFD1)."""
    rows = dept_rows()
    rows[0] = rows[0] + [""] * (16384 - len(rows[0]) - 1) + ["备注"]
    return raw_xlsx(rows)


def docx_huge_spans(_secret: Path) -> bytes:
    tc = (f'<w:tc><w:tcPr><w:gridSpan w:val="2000000000"/></w:tcPr><w:p><w:r><w:t>资金总额</w:t></w:r></w:p></w:tc>'
          '<w:tc><w:p><w:r><w:t>650.17</w:t></w:r></w:p></w:tc>')
    row = f'<w:tr><w:trPr><w:gridBefore w:val="999999999"/><w:gridAfter w:val="999999999"/></w:trPr>{tc}</w:tr>'
    xml = f'<w:document xmlns:w="{W_NS}"><w:body><w:tbl>{row * 200}</w:tbl></w:body></w:document>'
    return replace_member(small_docx(), "word/document.xml", xml.encode())


def _nested(depth: int) -> bytes:
    inner = "<w:p><w:r><w:t>最内层</w:t></w:r></w:p>"
    for level in range(depth, 0, -1):
        inner = (f"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>第{level}层</w:t></w:r></w:p>{inner}<w:p/></w:tc></w:tr></w:tbl>")
    xml = (f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>2024年部门整体支出绩效目标表</w:t></w:r></w:p>'
           f"{inner}</w:body></w:document>")
    return replace_member(small_docx(), "word/document.xml", xml.encode())


def docx_nested_40(_secret: Path) -> bytes:
    return _nested(40)


def docx_nested_1000(_secret: Path) -> bytes:
    return _nested(1000)


def encrypted_ole(_secret: Path) -> bytes:
    return make_ole({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"\x00" * 64})


def truncated(fraction: float, base: Callable[[], bytes]) -> Callable[[Path], bytes]:
    return lambda _secret: base()[: int(len(base()) * fraction)]


def central_directory_garbage(_secret: Path) -> bytes:
    data = bytearray(seed_docx())
    pos = data.find(b"PK\x01\x02")
    for i in range(pos + 4, min(len(data) - 22, pos + 400)):
        data[i] ^= 0x5A
    return bytes(data)


def rnd(prefix: bytes = b"", n: int = 65536, seed: int = 1) -> Callable[[Path], bytes]:
    return lambda _secret: prefix + random.Random(seed).randbytes(n)


# -- big text


def txt_50mb(_secret: Path) -> bytes:
    seed = SEED_000.read_bytes()
    return (seed * (50_000_000 // len(seed) + 1))[:50_000_000]


def txt_single_line_10mb(_secret: Path) -> bytes:
    return ("资金总额650.17万元 " * (10_000_000 // 25 + 1)).encode("utf-8")[:10_000_000]


def txt_long_cell(_secret: Path) -> bytes:
    return (seed_text() + "\n职能描述\t" + "开展科普活动" * 20_000 + "\n").encode("utf-8")


def _rows_10k() -> tuple[str, list[str]]:
    """Seed 000 down to its indicator header, then as many indicator rows as one form may have
    (max_indicators; the 10,000 of the red-team's first round are now over the limits)."""
    lines = seed_text().split("\n")
    head = next(i for i, line in enumerate(lines) if line.startswith("\t一级\t"))
    names = [f"第{i}项科普活动" for i in range(DEFAULT_LIMITS.max_indicators)]
    return "\n".join(lines[: head + 1]), names


def txt_rows_10k(_secret: Path) -> bytes:
    head, names = _rows_10k()
    rows = [f"\t{'产出指标' if i == 0 else ''}\t{'数量指标' if i == 0 else ''}\t{name}\t≥{i % 97 + 1}次\t不少于{i % 97 + 1}次"
            for i, name in enumerate(names)]
    return (head + "\n" + "\n".join(rows) + "\n").encode("utf-8")


def xlsx_rows_10k(_secret: Path) -> bytes:
    head, names = _rows_10k()
    rows: list[list[object]] = [line.split("\t") for line in head.split("\n")]
    rows += [["", "产出指标" if i == 0 else "", "数量指标" if i == 0 else "", name, f"≥{i % 97 + 1}次"]
             for i, name in enumerate(names)]
    return raw_xlsx(rows)


# -- structured input


def yaml_alias_bomb(_secret: Path) -> bytes:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(10))}]")
    lines.append("forms: *a9")
    return "\n".join(lines).encode()


def json_bad_characters(_secret: Path) -> bytes:
    """A canonical submission whose strings hold lone surrogate escapes, NUL and a bidi override:
    valid JSON, but no report could write a lone surrogate out, nor an Excel report a NUL."""
    return json.dumps({"schema_version": 1, "forms": [{
        "kind": "department", "title": "\ud800部门整体支出绩效目标表\udfff", "year": 2024,
        "unit_name": {"value": "六盘水市\u0000科学技术协会\u202e"},
        "total": {"amount": "650.17", "unit": "万元"}}]}).encode()


def json_deep(_secret: Path) -> bytes:
    return b'{"forms": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"


# ---------------------------------------------------------------------------- the cases


@dataclass(frozen=True)
class Case:
    name: str  # file name in the hostile directory (its extension matters, not its content)
    make: Callable[[Path], bytes]
    expect: frozenset[str]  # error codes, CHECKED, or ANY
    heavy: bool = False  # also run alone in a bounded subprocess (the batch runs all under the same bounds)


def case(name: str, make: Callable[[Path], bytes], *expect: str, heavy: bool = False) -> Case:
    return Case(name, make, frozenset(expect), heavy)


def _empty(_secret: Path) -> bytes:
    return b""


CASES = [
    # zip bombs and other packages that would cost gigabytes or minutes
    case("bomb_210mb.docx", docx_bomb, "zip_bomb"),
    case("bomb_lying_size.docx", docx_bomb_lying, "zip_bomb", "corrupt_docx", heavy=True),
    case("huge_document_part.docx", docx_huge_xml, "too_large"),
    case("huge_sheet.xlsx", xlsx_huge_sheet, "too_large"),
    case("many_entries.docx", docx_many_entries, "zip_bomb"),
    case("many_entries_hidden_count.xlsx", xlsx_many_entries_hidden, "zip_bomb"),
    case("merge_bomb.xlsx", xlsx_merge_bomb, "too_large"),
    case("stray_far_cell.xlsx", xlsx_stray_far_cell, CHECKED),
    case("huge_spans.docx", docx_huge_spans, CHECKED),
    # XML entities: expansion bombs and external entities, in every place they could hide
    case("laughs.docx", docx_laughs, "xml_entities"),
    case("laughs.xlsx", xlsx_laughs, "xml_entities"),
    case("xxe_document.docx", docx_xxe, "xml_entities"),
    case("xxe_parameter_entity.docx", docx_xxe_parameter, "xml_entities"),
    case("xxe_styles.docx", docx_xxe_styles, "xml_entities"),
    case("xxe_renamed_part.docx", docx_xxe_renamed_part, "xml_entities"),
    case("xxe_content_types.docx", docx_xxe_manifest, "xml_entities"),
    case("xxe_sheet.xlsx", xlsx_xxe_sheet, "xml_entities"),
    case("xxe_shared_strings.xlsx", xlsx_xxe_shared, "xml_entities"),
    case("xxe_utf16_sheet.xlsx", xlsx_xxe_utf16, "xml_entities"),
    case("xxe_renamed_sheet.xlsx", xlsx_xxe_renamed_sheet, "xml_entities"),
    # encrypted, truncated, corrupt, empty, random
    case("encrypted.docx", encrypted_ole, "encrypted"),
    case("encrypted.xlsx", encrypted_ole, "encrypted"),
    case("truncated_10pct.docx", truncated(0.1, seed_docx), "corrupt_docx", "corrupt_zip"),
    case("truncated_90pct.docx", truncated(0.9, seed_docx), "corrupt_docx", "corrupt_zip"),
    case("truncated_50pct.xlsx", truncated(0.5, seed_xlsx), "corrupt_xlsx", "corrupt_zip"),
    case("truncated_99pct.xlsx", truncated(0.99, seed_xlsx), "corrupt_xlsx", "corrupt_zip"),
    case("local_header_only.docx", lambda _s: b"PK\x03\x04", "corrupt_zip"),
    case("end_record_only.xlsx", lambda _s: b"PK\x05\x06" + bytes(18), "unsupported_zip", "corrupt_zip"),
    case("central_directory_garbage.docx", central_directory_garbage, "corrupt_docx", "corrupt_zip"),
    case("empty.docx", _empty, "empty"),
    case("empty.xlsx", _empty, "empty"),
    case("empty.txt", _empty, "empty"),
    case("empty.pdf", _empty, "empty"),
    case("random.docx", rnd(seed=1), ANY),
    case("random.xlsx", rnd(seed=2), ANY),
    case("random.txt", rnd(seed=3), ANY),
    case("random.pdf", rnd(seed=4), ANY),
    case("random_zip.docx", rnd(b"PK\x03\x04", seed=5), "corrupt_zip", "corrupt_docx", "corrupt_xlsx"),
    case("random_pdf.pdf", rnd(b"%PDF-1.7\n", seed=6), "corrupt_pdf", "pdf_support_missing"),
    case("random_ole.xlsx", rnd(bytes.fromhex("d0cf11e0a1b11ae1"), seed=7), "corrupt_ole"),
    # big text
    case("big_50mb.txt", txt_50mb, "too_large", heavy=True),
    case("over_the_size_limit.txt", lambda _s: b"", "too_large"),  # written as a sparse 51 MiB file
    case("single_line_10mb.txt", txt_single_line_10mb, "too_large"),
    case("long_cell.txt", txt_long_cell, "too_large"),
    # deep nesting
    case("nested_40.docx", docx_nested_40, CHECKED),
    case("nested_1000.docx", docx_nested_1000, "corrupt_docx"),
    # invisible and control characters, mixed encodings: a real table that must still read the same
    case("nul.txt", txt_nul, CHECKED),
    case("nul.xlsx", xlsx_nul, CHECKED),
    case("nul.docx", docx_nul, "corrupt_docx"),
    case("invisible.txt", txt_invisible, CHECKED),
    case("invisible.docx", docx_invisible, CHECKED),
    case("invisible.xlsx", xlsx_invisible, CHECKED),
    case("mixed_encodings.txt", txt_mixed_encodings, CHECKED),
    # Excel error and formula cells
    case("error_cells.xlsx", xlsx_errors, CHECKED),
    case("formula_cached.xlsx", xlsx_formula_cached, CHECKED),
    case("formula_uncached.xlsx", xlsx_formula_uncached, CHECKED),
    # structured input
    case("alias_bomb.yaml", yaml_alias_bomb, ANY),
    case("deep.json", json_deep, ANY),
    case("bad_characters.json", json_bad_characters, CHECKED),
]
# max_indicators rows each (~2 s to check): test_ten_thousand_row_tables runs them on their own, out of the
# batch and report-format runs, to keep the suite short.
SLOW_CASES = [
    case("rows_10k.txt", txt_rows_10k, CHECKED),
    case("rows_10k.xlsx", xlsx_rows_10k, CHECKED),
]
CLEAN = {"clean_seed000.txt": SEED_000, "clean_seed000.docx": GENERATED / "seed000_liupanshui_2024.docx",
         "clean_seed000.xlsx": GENERATED / "seed000_liupanshui_2024.xlsx"}
BY_NAME = {c.name: c for c in CASES + SLOW_CASES}


@dataclass
class Hostile:
    root: Path  # all cases and the clean copies
    secret: Path  # outside root
    slow: Path  # the SLOW_CASES, in their own directory

    def path(self, name: str) -> Path:
        return (self.slow if name in {c.name for c in SLOW_CASES} else self.root) / name


@pytest.fixture(scope="session")
def hostile(tmp_path_factory) -> Hostile:
    base = tmp_path_factory.mktemp("hostile")
    secret = base / "secret" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(MARKER, encoding="utf-8")
    root, slow = base / "files", base / "slow"
    root.mkdir()
    slow.mkdir()
    for c in CASES:
        (root / c.name).write_bytes(c.make(secret))
    with open(root / "over_the_size_limit.txt", "wb") as fh:
        fh.truncate(51 * 1024 * 1024)  # sparse: refused by its size before it is read
    for c in SLOW_CASES:
        (slow / c.name).write_bytes(c.make(secret))
    for name, src in CLEAN.items():
        shutil.copyfile(src, root / name)
    return Hostile(root, secret, slow)


# ---------------------------------------------------------------------------- helpers


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def jixiao(*args: str | Path, timeout: float = TIME_LIMIT) -> Run:
    """The CLI in a subprocess with 500 MB of address space; no traceback, no secret."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "checker", *map(str, args)], capture_output=True, text=True,
                          preexec_fn=_limit_memory, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "COLUMNS": "120", "PYTHONUTF8": "1"})
    run = Run(proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start)
    for stream in (run.stdout, run.stderr):
        assert "Traceback" not in stream, stream[-3000:]
        assert MARKER not in stream
    assert run.returncode in (0, 1), (run.returncode, run.stderr[-2000:])
    return run


def assert_no_secret_in_tree(directory: Path) -> None:
    """Search every file under `directory`, and every member of the zip files among them."""
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        data = path.read_bytes()
        assert MARKER.encode() not in data, path
        if data.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for info in zf.infolist():
                    assert MARKER.encode() not in zf.read(info.filename), (path, info.filename)


def assert_clear(result, expect: frozenset[str], lang: str = "zh") -> None:
    if result.status == "error":
        assert result.error is not None and result.error.code != "internal", result.error
        message = result.error.message
        if lang == "en":
            assert message and not CJK.search(message), message
        else:
            assert CJK.search(message), message
    if ANY in expect:
        return
    got = CHECKED if result.status == "checked" else result.error.code
    assert got in expect, (got, result.error.message if result.error else "")


def figures(result) -> list[tuple]:
    """What a reviewer compares: per form its kind, year, unit, amounts and indicators."""
    out = []
    for form in result.submission.forms:
        amounts = tuple(str(getattr(form, name).amount) if getattr(form, name, None) else None
                        for name in ("total", "basic", "project"))
        unit = form.unit_name.value if form.unit_name else None
        out.append((form.kind, form.year, unit, amounts,
                    tuple((i.level1, i.level2, i.name, i.value) for i in form.indicators)))
    return out


# ---------------------------------------------------------------------------- in process


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_each_file_is_a_clear_error_or_a_checked_result(hostile, name):
    from checker.batch import _check_guarded

    path = hostile.path(name)
    # Under the per-file timeout (the mechanism a user relies on), with a generous limit.
    result = _check_guarded(str(path), CheckOptions(lang="zh"), TIME_LIMIT, [])
    assert not (result.status == "error" and result.error.code == "timeout"), name
    assert_clear(result, BY_NAME[name].expect)
    assert MARKER not in result.model_dump_json()


@pytest.mark.parametrize("name", ["encrypted.docx", "bomb_210mb.docx", "xxe_renamed_part.docx",
                                  "merge_bomb.xlsx", "empty.pdf", "nested_1000.docx", "single_line_10mb.txt",
                                  "random_zip.docx"])
def test_english_messages(hostile, name):
    result = check_file(str(hostile.path(name)), CheckOptions(lang="en"))
    assert result.status == "error"
    assert_clear(result, BY_NAME[name].expect, lang="en")


@pytest.mark.parametrize("name, clean", [
    ("invisible.txt", "clean_seed000.txt"), ("invisible.docx", "clean_seed000.docx"),
    ("nul.txt", "clean_seed000.txt"), ("mixed_encodings.txt", "clean_seed000.txt"),
])
def test_damage_nobody_sees_reads_the_same_figures(hostile, name, clean):
    damaged = check_file(str(hostile.path(name)))
    expected = check_file(str(hostile.path(clean)))
    assert damaged.status == expected.status == "checked"
    assert figures(damaged) == figures(expected)
    assert figures(expected)[0][3] == ("650.17", "563.89", "86.28")
    assert [f.rule for f in damaged.findings] == [f.rule for f in expected.findings]


@pytest.mark.parametrize("name", ["invisible.xlsx", "nul.xlsx"])
def test_invisible_and_control_characters_in_xlsx_read_like_the_clean_workbook(hostile, tmp_path, name):
    clean = tmp_path / "clean.xlsx"
    clean.write_bytes(xlsx_clean(hostile.secret))
    damaged, expected = check_file(str(hostile.path(name))), check_file(str(clean))
    assert damaged.status == expected.status == "checked"
    assert figures(damaged) == figures(expected)
    assert figures(expected)[0][3] == ("650.17", "563.89", "86.28")
    doc = read_document(str(hostile.path(name)))
    texts = "".join(cell.text for row in doc.rows for cell in row.cells)
    assert not re.search("[\x00-\x08\x0e-\x1f\u200b-\u200f\u202a-\u202e\u2060\ufeff]", texts)
    assert any("不可见字符" in note for note in doc.notes)


def test_invisible_characters_are_reported_not_silently_dropped(hostile):
    result = check_file(str(hostile.path("invisible.txt")))
    assert any("不可见字符" in note for note in result.submission.notes)
    mixed = check_file(str(hostile.path("mixed_encodings.txt")))
    assert any("编码" in note for note in mixed.submission.notes)


def test_lone_surrogates_and_controls_in_json_are_cleaned(hostile):
    result = check_file(str(hostile.path("bad_characters.json")))
    form = result.submission.forms[0]
    assert form.title == "\ufffd部门整体支出绩效目标表\ufffd"
    assert form.unit_name.value == "六盘水市科学技术协会"
    result.model_dump_json().encode("utf-8")  # would raise on a lone surrogate
    assert any("不可见字符" in note for note in result.submission.notes)


def test_excel_error_cells_are_text_with_a_note(hostile):
    result = check_file(str(hostile.path("error_cells.xlsx")))
    assert result.status == "checked"
    form = result.submission.forms[0]
    assert form.total is None or form.total.amount != 650  # #REF! is not a number
    note = next(n for n in result.submission.notes if "错误值" in n)
    assert "#REF!" in note and "#DIV/0!" in note
    doc = read_document(str(hostile.path("error_cells.xlsx")))
    assert "#REF!" in [cell.text for row in doc.rows for cell in row.cells]


def test_formula_cells_use_the_cached_value_or_say_there_is_none(hostile):
    cached = check_file(str(hostile.path("formula_cached.xlsx")))
    assert cached.status == "checked" and str(cached.submission.forms[0].total.amount) == "650.17"
    assert not any("公式" in n for n in cached.submission.notes)
    uncached = check_file(str(hostile.path("formula_uncached.xlsx")))
    assert uncached.status == "checked"
    note = next(n for n in uncached.submission.notes if "公式" in n)
    assert "没有缓存值" in note and "D" in note


def test_nested_tables_are_read_to_the_innermost(hostile):
    doc = read_document(str(hostile.path("nested_40.docx")))
    texts = [cell.text for row in doc.rows for cell in row.cells]
    assert "第39层" in texts and "第40层\n最内层" in texts
    assert max(row.table or 0 for row in doc.rows) == 40


def test_a_stray_far_cell_does_not_pad_every_row_to_16384_columns(hostile):
    doc = read_document(str(hostile.path("stray_far_cell.xlsx")))
    assert sum(len(row.cells) for row in doc.rows) < 1000
    assert any("XFD" in note for note in doc.notes)
    result = check_file(str(hostile.path("stray_far_cell.xlsx")))
    assert str(result.submission.forms[0].total.amount) == "650.17"


def test_huge_spans_are_clamped(hostile):
    doc = read_document(str(hostile.path("huge_spans.docx")))
    assert max(len(row.cells) for row in doc.rows) <= 4 * 64


# ---------------------------------------------------------------------------- in a bounded process


@pytest.mark.parametrize("name", [c.name for c in CASES if c.heavy])
def test_heavy_files_within_the_timeout_and_500_mb(hostile, name):
    run = jixiao("check", hostile.path(name), "--format", "json", "--quiet")
    [result] = json.loads(run.stdout)["results"]
    expect = BY_NAME[name].expect
    got = CHECKED if result["status"] == "checked" else result["error"]["code"]
    assert got in expect, result.get("error")


def test_devices_and_pipes_are_refused_not_read_forever(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # opening it would block until a writer comes
    paths = [fifo] + ([Path("/dev/zero")] if Path("/dev/zero").exists() else [])  # reading it never ends
    for path in paths:
        result = check_file(str(path))
        assert result.status == "error" and result.error.code == "not_a_file"
        assert CJK.search(result.error.message)
    run = jixiao("check", *paths, "--format", "json", "--quiet")
    report = json.loads(run.stdout)
    # Each path is an error result or a skipped-file note, never a hang.
    named = [Path(r["path"]).name for r in report["results"]] + report["summary"].get("skipped", [])
    assert all(any(p.name in n for n in named) for p in paths), named
    assert all(r["error"]["code"] == "not_a_file" for r in report["results"])


def test_ten_thousand_row_tables(hostile):
    """Inside the 500 MB address-space cap and the per-file timeout (given explicitly, generous):
    checked, never a timeout, a memory error or a crash -- whatever the machine's load."""
    for name in ("rows_10k.txt", "rows_10k.xlsx"):
        try:
            run = jixiao("check", hostile.path(name), "--format", "json", "--quiet", "--timeout", str(TIME_LIMIT),
                         timeout=2 * TIME_LIMIT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{name}: the per-file timeout did not stop it within {2 * TIME_LIMIT:.0f} s")
        [result] = json.loads(run.stdout)["results"]
        assert result["status"] == "checked", result.get("error")
        # Every row is an indicator, and Q16 says it did not compare them pair by pair.
        cap = DEFAULT_LIMITS.max_indicators
        assert result["forms"][0]["indicator_count"] == cap
        assert any(f["rule"] == "Q16" and f"{cap} 条三级指标" in f["message"] for f in result["findings"])


def test_batch_over_every_hostile_file(hostile):
    """One CLI call over the whole directory: every file has a result, the clean copies are
    checked, the others are what each case expects, each file within the time limit."""
    run = jixiao("check", hostile.root, "--format", "json", "--quiet", "--timings", timeout=10 * TIME_LIMIT)
    report = json.loads(run.stdout)
    by_name = {Path(r["path"]).name: r for r in report["results"]}
    expected_names = {c.name for c in CASES} | set(CLEAN)
    assert set(by_name) == expected_names
    assert len(report["results"]) == len(expected_names)
    for name in CLEAN:
        assert by_name[name]["status"] == "checked", by_name[name].get("error")
    for c in CASES:
        result = by_name[c.name]
        got = CHECKED if result["status"] == "checked" else result["error"]["code"]
        assert got != "internal", (c.name, result["error"])
        assert ANY in c.expect or got in c.expect, (c.name, got)
        assert got != "timeout", (c.name, result.get("timings"))
    assert run.returncode == 1  # some inputs could not be read


# The report formats run over every file under 2 MB: the XXE files, the clean copies and the
# hostile files that are checked (their content goes into every report and annotated copy).
@pytest.fixture(scope="session")
def light_dir(hostile, tmp_path_factory) -> Path:
    light = tmp_path_factory.mktemp("light")
    for path in hostile.root.iterdir():
        if path.stat().st_size < 2_000_000:
            shutil.copyfile(path, light / path.name)
    assert {"xxe_document.docx", "xxe_sheet.xlsx", "invisible.docx", "nul.xlsx"} <= {p.name for p in light.iterdir()}
    return light


@pytest.mark.parametrize("fmt, lang", [("markdown", "zh"), ("html", "en"), ("xlsx", "zh"), ("json", "en")])
def test_reports_in_every_format_never_show_the_secret(light_dir, tmp_path, fmt, lang):
    out = tmp_path / "out"
    out.mkdir()
    report = out / f"report.{fmt}"
    run = jixiao("check", light_dir, "--format", fmt, "--lang", lang, "--quiet", "--output", report,
                 timeout=5 * TIME_LIMIT)
    assert run.returncode == 1  # some inputs could not be read
    assert report.stat().st_size > 1000
    if fmt == "json":
        results = json.loads(report.read_text(encoding="utf-8"))["results"]
        assert len(results) == len(list(light_dir.iterdir()))
        for r in results:
            if r["status"] == "error":
                assert r["error"]["message"] and not CJK.search(r["error"]["message"]), r["error"]
    assert_no_secret_in_tree(out)


def test_terminal_report_and_annotated_copies_never_show_the_secret(light_dir, tmp_path):
    copies = tmp_path / "annotated"
    run = jixiao("check", light_dir, "--quiet", "--annotate", copies, timeout=5 * TIME_LIMIT)
    assert run.returncode == 1
    assert "clean_seed000.docx" in run.stdout
    written = sorted(p.name for p in copies.iterdir())
    assert any(name.startswith("clean_seed000") and name.endswith(".docx") for name in written), written
    assert any(name.startswith("clean_seed000") and name.endswith(".xlsx") for name in written), written
    assert not any(name.startswith("xxe_") for name in written)
    assert_no_secret_in_tree(copies)
