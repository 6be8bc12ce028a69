"""Office files: .docx and .xlsx (zip packages), and a clear refusal for OLE files.

Zip packages are checked before any library parses them: entry count, declared
uncompressed size, encrypted entries, and DTDs (`<!DOCTYPE`/`<!ENTITY`) in every XML
part, so entity-expansion bombs and external entities never reach a parser. The type
comes from [Content_Types].xml, never from the extension.

Both readers only lay out text: a merged cell's text appears once, at its top-left
grid position, and the other positions of the span are empty cells.
"""

from __future__ import annotations

from checker.ooxml import W as _W, blocks as _blocks, children as _children

import datetime as dt
import io
import itertools
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING

from checker.document import Cell, Document, ReadError, Row
from checker.model import Location

if TYPE_CHECKING:
    from checker.readers import Limits

# ---------------------------------------------------------------------------- zip checks

_DOCX_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "docm",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "dotx",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "dotm",
}
_XLSX_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
_PPTX_MARK = "presentationml"
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DTD_RE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.I)
_DTD_TEXT_RE = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.I)
_UTF16_STARTS = ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"), (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be"))
# UTF-32 (with or without a byte-order mark) and EBCDIC starts: Office never writes its XML so,
# and the DTD check could not read them; such a part is refused, never handed to a parser.
_UNREADABLE_STARTS = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"<\x00\x00\x00", b"\x00\x00\x00<", b"\x4c\x6f\xa7\x94")


def _eocd_entry_count(data: bytes) -> int | None:
    """Entries the zip's end-of-central-directory record declares (None if not found).

    Read before zipfile parses the directory, so a zip with a million entries is refused
    without building a million ZipInfo objects."""
    pos = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    if pos < 0 or pos + 22 > len(data):
        return None
    total = struct.unpack_from("<H", data, pos + 10)[0]
    if total != 0xFFFF:
        return total
    loc = data.rfind(b"PK\x06\x07", max(0, pos - 40), pos)  # zip64 locator
    if loc >= 0 and loc + 20 <= len(data):
        off = struct.unpack_from("<Q", data, loc + 8)[0]
        if off + 56 <= len(data) and data[off : off + 4] == b"PK\x06\x06":
            return struct.unpack_from("<Q", data, off + 32)[0]
    return total


def _corrupt(data: bytes, detail: str, detail_zh: str = "") -> ReadError:
    """A zip that cannot be opened: say which Office type it seems to be."""
    if b"word/" in data[:200000]:
        code, what_zh, what_en = "corrupt_docx", "Word (.docx) 文件", "Word (.docx) file"
    elif b"xl/" in data[:200000]:
        code, what_zh, what_en = "corrupt_xlsx", "Excel (.xlsx) 文件", "Excel (.xlsx) file"
    else:
        code, what_zh, what_en = "corrupt_zip", "压缩包（zip）文件", "zip file"
    return ReadError(
        code,
        f"{what_zh}已损坏或不完整（{detail_zh or detail}），无法读取。请重新导出或从原始文件另存一份后再检查。",
        f"The {what_en} is damaged or truncated ({detail}). Export or save it again and retry.",
    )


def _open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    declared = _eocd_entry_count(data)
    if declared is not None and declared > limits.max_zip_entries:
        raise _too_many_entries(declared, limits)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, ValueError, EOFError,
            struct.error) as exc:
        raise _corrupt(data, "unreadable zip directory", "zip 目录无法读取") from exc
    infos = zf.infolist()
    if len(infos) > limits.max_zip_entries:
        raise _too_many_entries(len(infos), limits)
    names = [i.filename.replace("\\", "/").lower() for i in infos]
    if len(set(names)) != len(names):
        # Two entries of one name: one program reads the first, another the last, so what
        # Word shows and what would be graded could differ. Genuine packages never do this.
        raise _corrupt(data, "duplicate entry names in the zip directory", "zip 目录中有重名的条目")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        mb = limits.max_unzipped_bytes // 1024 // 1024
        raise ReadError(
            "zip_bomb",
            f"文件解压后将达 {total // 1024 // 1024} MB，超过上限 {mb} MB，疑似压缩炸弹，已拒绝读取。",
            f"The file would unpack to {total // 1024 // 1024} MB, over the {mb} MB limit "
            "(a possible zip bomb); refused.",
        )
    if any(i.flag_bits & 0x1 for i in infos):
        raise _encrypted()
    return zf


def _too_many_entries(n: int, limits: Limits) -> ReadError:
    return ReadError(
        "zip_bomb",
        f"压缩包内有 {n} 个条目，超过上限 {limits.max_zip_entries} 个，疑似恶意文件，已拒绝读取。",
        f"The package holds {n} entries, over the limit of {limits.max_zip_entries}; refused.",
    )


def _encrypted() -> ReadError:
    return ReadError(
        "encrypted",
        "这是加密（设置了打开密码）的 Office 文件，无法读取。请在 Word/Excel/WPS 中取消打开密码后"
        "另存为 .docx/.xlsx，或提供一份没有密码的副本。",
        "This Office file is password-protected and cannot be read. Remove the password "
        "(save a copy without it as .docx/.xlsx) and check that copy.",
    )


_CHUNK = 1 << 20
_OVERLAP = 8192  # bytes of the previous chunk searched again, for matches across a boundary


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes) -> Iterator[bytes]:
    """A member's bytes, a megabyte at a time, never more than the size its directory entry
    declares: a part that inflates beyond it (a zip bomb lying about its size) is refused
    after at most one extra chunk, before anything holds it in memory."""
    total = 0
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    return
                total += len(chunk)
                if total > info.file_size:
                    raise _lying_size(info)
                yield chunk
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, struct.error) as exc:
        raise _corrupt(data, f"{info.filename}: {type(exc).__name__}") from exc


def _lying_size(info: zipfile.ZipInfo) -> ReadError:
    return ReadError(
        "zip_bomb",
        f"压缩包中的部件 {info.filename} 解压后超过其声明的大小（{info.file_size} 字节），"
        "文件已损坏或被恶意构造（疑似压缩炸弹），已拒绝读取。",
        f"The part {info.filename} unpacks to more than its declared size ({info.file_size} bytes): "
        "the file is damaged or crafted (a possible zip bomb); refused.",
    )


def _read_member(zf: zipfile.ZipFile, name: str, data: bytes) -> bytes:
    return b"".join(_chunks(zf, zf.getinfo(name), data))


def _has_dtd(blob: bytes) -> bool:
    if blob.startswith(_UNREADABLE_STARTS):
        return True  # unreadable for the check: treated as the worst case
    if _DTD_RE.search(blob):
        return True
    # A UTF-16 part would hide the ASCII pattern: decode it and look again.
    for start, encoding in _UTF16_STARTS:
        if blob.startswith(start):
            return _DTD_TEXT_RE.search(blob.decode(encoding, errors="ignore")) is not None
    return False


def _dtd_error(name: str) -> ReadError:
    return ReadError(
        "xml_entities",
        f"文件中的 XML 部件 {name} 含有 DTD/实体声明（<!DOCTYPE/<!ENTITY），正常的 Office 文件不会有，"
        "可能是恶意构造的文件，已拒绝读取。请用 Word/Excel/WPS 重新另存后再检查。",
        f"The XML part {name} declares a DTD or entities (<!DOCTYPE/<!ENTITY), which genuine "
        "Office files never do; refused. Re-save the file in Word/Excel/WPS and retry.",
    )


def _content_types(blob: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """(defaults by lower-case extension, overrides by part name without the leading /)."""
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(blob)
    except Exception:  # noqa: BLE001 - a broken manifest falls back to the entry names
        return {}, {}
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for el in root.iter():
        if el.tag.endswith("Default"):
            defaults[el.get("Extension", "").lower()] = el.get("ContentType", "")
        elif el.tag.endswith("Override"):
            overrides[el.get("PartName", "").lstrip("/")] = el.get("ContentType", "")
    return defaults, overrides


def _package_type(names: set[str], overrides: dict[str, str], mime: bytes) -> str:
    """docx/docm/dotx/dotm/xlsx/odf/pptx/zip, from the content types and entries."""
    if mime.startswith(b"application/vnd.oasis.opendocument"):
        return "odf"
    types = set(overrides.values())
    for ct, kind in _DOCX_TYPES.items():
        if ct in types:
            return kind
    if types & _XLSX_TYPES:
        return "xlsx"
    if any(_PPTX_MARK in t for t in types):
        return "pptx"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


_MARKUP_HEAD = re.compile(rb"^(?:\xef\xbb\xbf)?[\s]*<")
# Both patterns stay inside one tag ([^<>]: an attribute value cannot hold "<"), so a search
# costs time linear in the part, also for a part of 300,000 unclosed "<mergeCell " or "<f ".
# References as openpyxl reads them: "$" optional, any case, corners in either order.
_MERGE_RE = re.compile(
    rb"<(?:\w+:)?mergeCell\b[^<>]*?\bref\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?")
# A formula whose cell ends right after it, or after an empty value: no cached result.
_UNCACHED_RE = re.compile(
    rb"<(?:\w+:)?f\b[^<>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)


@dataclass
class _Scan:
    """What the checks before parsing learned about a package."""

    elements: int = 0  # exact (`<` minus `</`), or with exact=False an upper bound (every `<`)
    merged: int = 0
    merged_example: str = ""
    uncached_formulas: bool = False
    exact: bool = False


class _Recount(Exception):
    """The upper bound on elements passed the limit: count exactly (the rare, large package)."""


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _is_markup(first: bytes, name: str) -> str | None:
    """'utf-8' or a UTF-16 codec when the part is XML (or any markup); None for binary parts.
    An XML part in UTF-32 or EBCDIC is refused (see _UNREADABLE_STARTS)."""
    if first.startswith(_UNREADABLE_STARTS) and (name.lower().endswith(_XML_SUFFIXES) or b"<" in first[:8]):
        raise ReadError(
            "xml_encoding",
            f"文件中的 XML 部件 {name} 使用了 Office 从不使用的编码（UTF-32 或 EBCDIC），可能是恶意构造的文件，"
            "已拒绝读取。请用 Word/Excel/WPS 重新另存后再检查。",
            f"The XML part {name} is in an encoding Office never writes (UTF-32 or EBCDIC); refused. "
            "Re-save the file in Word/Excel/WPS and retry.",
        )
    for start, encoding in _UTF16_STARTS:
        if first.startswith(start):
            return encoding
    if _MARKUP_HEAD.match(first) or name.lower().endswith(_XML_SUFFIXES) or name == "[Content_Types].xml":
        return "utf-8"
    return None


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes, scan: _Scan, limits: Limits,
               content_type: str, sheet: bool) -> None:
    """Stream one part through the checks: declared size honoured (always); for XML parts no
    DTD, the element budget, and for spreadsheets (`sheet`) the merged area and formulas
    without values."""
    chunks = _chunks(zf, info, data)
    encoding: str | None = None
    decoder = None
    tail = b""
    first = True
    for chunk in chunks:
        if first:
            first = False
            encoding = None if content_type.startswith(("image/", "audio/", "video/")) else _is_markup(chunk[:4096], info.filename)
            if encoding is None:
                continue  # binary: only its size is checked, by reading it through
            if encoding != "utf-8":
                import codecs

                decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        elif encoding is None:
            continue
        if decoder is not None:
            chunk = decoder.decode(chunk).encode("utf-8", errors="replace")
        buf = tail + chunk
        if b"!" in buf and b"<!" in buf and _DTD_RE.search(buf):  # one-byte test first: memchr
            raise _dtd_error(info.filename)
        # Every `<` bounds the elements from above; the exact count (less closing tags) costs a
        # second, slower search, so it is made only for a package whose bound is over the limit.
        scan.elements += chunk.count(b"<") - (chunk.count(b"</") if scan.exact else 0)
        if scan.elements > limits.max_xml_elements:
            if not scan.exact:
                raise _Recount()
            raise _too_many_elements(limits)
        if not sheet:  # a Word document's styles are most of its bytes: no merges, no formulas
            tail = buf[-_OVERLAP:]
            continue
        for m in _MERGE_RE.finditer(buf) if b"mergeCell" in buf else ():
            if m.end() <= len(tail):
                continue  # found in the previous round
            if m.group(3) is None:
                continue  # a one-cell "range" covers nothing
            r1, r2 = int(m.group(2)), int(m.group(4))
            c1, c2 = _column_number(m.group(1)), _column_number(m.group(3))
            area = (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)
            scan.merged += area - 1
            if area > 1 and not scan.merged_example:
                scan.merged_example = f"{m.group(1).decode()}{r1}:{m.group(3).decode()}{r2}"
            if scan.merged > limits.max_merged_cells:
                raise _too_many_merged(scan, limits)
        if not scan.uncached_formulas:
            m = _UNCACHED_RE.search(buf)
            scan.uncached_formulas = m is not None
        tail = buf[-_OVERLAP:]


def _too_many_elements(limits: Limits) -> ReadError:
    return ReadError(
        "too_large",
        f"文件中的 XML 内容过于庞大（超过 {limits.max_xml_elements} 个元素），远超任何绩效目标表，"
        "疑似恶意构造的文件，已拒绝读取。",
        f"The file's XML holds more than {limits.max_xml_elements} elements, far beyond any target table "
        "(possibly a crafted file); refused.",
    )


def _too_many_merged(scan: _Scan, limits: Limits) -> ReadError:
    return ReadError(
        "too_large",
        f"工作表中合并单元格覆盖的范围过大（如 {scan.merged_example}，合计超过 {limits.max_merged_cells} 个单元格），"
        "已拒绝读取。请在 Excel/WPS 中取消整行或整列的合并后再检查。",
        f"Merged cells cover too much of the sheet (e.g. {scan.merged_example}; over "
        f"{limits.max_merged_cells} cells in all); refused. Unmerge whole rows or columns and retry.",
    )


def inspect_package(zf: zipfile.ZipFile, data: bytes, limits: Limits) -> tuple[str, _Scan]:
    """The package's kind, and for .docx/.xlsx the result of reading every part through the
    checks, before any library parses it."""
    names = set(zf.namelist())
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    if "[Content_Types].xml" in names:
        manifest = _read_member(zf, "[Content_Types].xml", data)
        if _has_dtd(manifest):
            raise _dtd_error("[Content_Types].xml")
        defaults, overrides = _content_types(manifest)
    mime = b""
    if "mimetype" in names:
        mime = b"".join(itertools.islice(_chunks(zf, zf.getinfo("mimetype"), data), 1))[:100]
    kind = _package_type(names, overrides, mime)
    if kind not in ("docx", "xlsx"):
        return kind, _Scan()
    try:
        return kind, _scan_parts(zf, data, limits, kind, defaults, overrides, _Scan())
    except _Recount:  # the same checks again, counting elements exactly
        return kind, _scan_parts(zf, data, limits, kind, defaults, overrides, _Scan(exact=True))


def _scan_parts(zf: zipfile.ZipFile, data: bytes, limits: Limits, kind: str, defaults: dict[str, str],
                overrides: dict[str, str], scan: _Scan) -> _Scan:
    for info in zf.infolist():
        if info.is_dir():
            continue
        name = info.filename
        ext = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
        content_type = overrides.get(name) or defaults.get(ext, "")
        _scan_part(zf, info, data, scan, limits, content_type, kind == "xlsx")
    return scan


def read_office(path: str, data: bytes, limits: Limits) -> Document:
    """Read a zip-based Office file (.docx or .xlsx, whatever its extension)."""
    zf = _open_zip(data, limits)
    with zf:
        kind, scan = inspect_package(zf, data, limits)
        if kind == "docx":
            return _read_docx(path, data, limits, zf)
    if kind == "xlsx":
        return _read_xlsx(path, data, limits, scan.uncached_formulas)
    raise _unsupported_package(kind)


def _unsupported_package(kind: str) -> ReadError:
    if kind in ("docm", "dotx", "dotm"):
        return ReadError(
            "unsupported_office",
            f"这是 Word 启用宏的文档或模板（.{kind}），暂不支持。请在 Word/WPS 中另存为 .docx 后再检查。",
            f"This is a Word macro-enabled document or template (.{kind}), which is not supported. "
            "Save it as .docx and retry.",
        )
    if kind == "odf":
        return ReadError(
            "unsupported_odf",
            "这是 OpenDocument 文件（.odt/.ods，如 LibreOffice/WPS 导出），暂不支持。"
            "请另存为 .docx 或 .xlsx 后再检查。",
            "This is an OpenDocument file (.odt/.ods), which is not supported. Save it as .docx or .xlsx.",
        )
    if kind == "pptx":
        return ReadError(
            "unsupported_office",
            "这是 PowerPoint 演示文稿，不是绩效目标表。请提供 Word（.docx）或 Excel（.xlsx）文件。",
            "This is a PowerPoint presentation, not a target table. Provide a .docx or .xlsx file.",
        )
    return ReadError(
        "unsupported_zip",
        "这是一个压缩包（zip），但不是 Word（.docx）或 Excel（.xlsx）文件，无法检查。"
        "如果是多个文件的压缩包，请解压后逐个检查。",
        "This is a zip archive but not a Word (.docx) or Excel (.xlsx) file. "
        "If it bundles several files, unpack it and check them one by one.",
    )


def _library_error(kind: str, exc: Exception) -> ReadError:
    what_zh = "Word (.docx)" if kind == "docx" else "Excel (.xlsx)"
    return ReadError(
        f"corrupt_{kind}",
        f"{what_zh} 文件内容损坏或结构不符合规范，无法读取（{type(exc).__name__}）。"
        "请用 Word/Excel/WPS 打开后重新另存一份再检查。",
        f"The {what_zh} file is damaged or malformed ({type(exc).__name__}: {str(exc)[:120]}). "
        "Open it in Word/Excel/WPS, save a new copy and retry.",
    )


def _check_rows(doc: Document, limits: Limits) -> None:
    if len(doc.rows) > limits.max_rows:
        from checker.readers import too_many_rows

        raise too_many_rows(limits)


# ---------------------------------------------------------------------------- docx

_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Subtrees whose text is not paragraph text: properties, deletions, text boxes and
# drawings (their own paragraphs), the fallback copy of alternate content, ruby guides.
_SKIP = {
    _W + "pPr", _W + "rPr", _W + "del", _W + "moveFrom", _W + "drawing", _W + "pict",
    _W + "object", _W + "txbxContent", _W + "rt", _W + "instrText", _W + "delText",
    _MC + "Fallback",
}
_CHAR = {_W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}


_OFF = {"0", "false", "off"}


def _hidden_run(run) -> bool:
    """A run formatted as hidden text (w:vanish): Word neither shows nor prints it."""
    rpr = _first(run, _W + "rPr")
    if rpr is None:
        return False
    vanish = _first(rpr, _W + "vanish")
    return vanish is not None and vanish.get(_W + "val", "true").lower() not in _OFF


def _para_text(p, hidden: list[int] | None = None) -> str:
    """The text Word shows for a paragraph; hidden runs are left out and counted in `hidden`."""
    parts: list[str] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == _W + "r" and _hidden_run(child):
                if hidden is not None and any((t.text or "").strip() for t in child.iter(_W + "t")):
                    hidden[0] += 1
                continue
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag in _CHAR:
                parts.append(_CHAR[tag])
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def _first(el, tag: str):
    """el.find(tag) for a plain tag: the first child with it. lxml's find() goes through
    ElementPath on every call, several times slower, and runs for every table cell."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def _int_val(el, tag: str, default: int) -> int:
    found = _first(el, tag)
    if found is None:
        return default
    try:
        return max(0, int(found.get(_W + "val", default)))
    except ValueError:
        return default


# Word tables have at most 63 columns; a wider span is malformed (or a memory bomb).
_MAX_SPAN = 64


class _DocxWalker:
    def __init__(self, doc: Document, limits: Limits):
        self.doc = doc
        self.limits = limits
        self.tables = 0
        self.paras = 0
        self.cells = 0
        self.hidden = [0]  # runs of hidden text left out

    def _add(self, row: Row) -> None:
        """Append a row, refusing the document as soon as it is over a limit (not after
        building every row of a million-paragraph file)."""
        self.cells += len(row.cells)
        self.doc.rows.append(row)
        if len(self.doc.rows) > self.limits.max_rows:
            from checker.readers import too_many_rows

            raise too_many_rows(self.limits)
        if self.cells > self.limits.max_cells:
            from checker.readers import too_many_cells

            raise too_many_cells(self.cells, self.limits)

    def body(self, body) -> None:
        for block in _blocks(body):
            if block.tag == _W + "p":
                text = _para_text(block, self.hidden).strip()
                if text:
                    self.paras += 1
                    self._add(Row([Cell(text, Location(para=self.paras))], table=None))
            else:
                self.table(block)

    def table(self, tbl) -> None:
        """Emit a table's rows, then its nested tables (numbered depth-first)."""
        self.tables += 1
        t = self.tables
        nested: list = []
        grid: list[list[str]] = []
        for tr in _children(tbl, _W + "tr"):
            trpr = _first(tr, _W + "trPr")
            before = min(_MAX_SPAN, _int_val(trpr, _W + "gridBefore", 0)) if trpr is not None else 0
            after = min(_MAX_SPAN, _int_val(trpr, _W + "gridAfter", 0)) if trpr is not None else 0
            texts: list[str] = [""] * before
            for tc in _children(tr, _W + "tc"):
                tcpr = _first(tc, _W + "tcPr")
                span = max(1, min(_MAX_SPAN, _int_val(tcpr, _W + "gridSpan", 1))) if tcpr is not None else 1
                vmerge = _first(tcpr, _W + "vMerge") if tcpr is not None else None
                continued = vmerge is not None and vmerge.get(_W + "val", "continue") != "restart"
                paras: list[str] = []
                for block in _blocks(tc):
                    if block.tag == _W + "p":
                        paras.append(_para_text(block, self.hidden))
                    else:
                        nested.append(block)
                # A vertically continued cell shows the text of the cell above; Word hides its own.
                texts.append("" if continued else "\n".join(paras).strip())
                texts.extend([""] * (span - 1))
            texts.extend([""] * after)
            grid.append(texts)
            if len(grid) + len(self.doc.rows) > self.limits.max_rows:
                from checker.readers import too_many_rows

                raise too_many_rows(self.limits)
        width = max((len(r) for r in grid), default=0)
        if len(grid) * width + self.cells > self.limits.max_cells:
            from checker.readers import too_many_cells

            raise too_many_cells(len(grid) * width + self.cells, self.limits)
        for r, texts in enumerate(grid, start=1):
            texts += [""] * (width - len(texts))
            cells = [Cell(text, Location(table=t, row=r, col=c)) for c, text in enumerate(texts, start=1)]
            self._add(Row(cells, table=t))
        for inner in nested:
            self.table(inner)


def _read_docx(path: str, data: bytes, limits: Limits, zf: zipfile.ZipFile) -> Document:
    try:
        body = _docx_body(zf, data)
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - any library failure is a damaged file
        raise _library_error("docx", exc) from exc
    doc = Document(path=path, format="docx")
    if body is None:
        raise _library_error("docx", ValueError("word/document.xml has no w:body"))
    walker = _DocxWalker(doc, limits)
    try:
        walker.body(body)
    except (RecursionError, ValueError, TypeError, AttributeError) as exc:
        raise _library_error("docx", exc) from exc
    _check_rows(doc, limits)
    doc.notes.extend(_unread_docx_notes(body, walker.hidden[0]))
    return doc


def _unread_docx_notes(body, hidden_runs: int) -> list[str]:
    """Notes on what Word shows, or holds, that was not read: hidden text (left out, as Word
    does not show it), and content the reader does not read (imported documents, text boxes,
    embedded objects), so a table carried there is not silently missed."""
    notes = []
    if hidden_runs:
        notes.append(f"文档中有 {hidden_runs} 处隐藏文字（Word 不显示也不打印），未读取、不参与检查。")
    alt = sum(1 for _ in body.iter(_W + "altChunk"))
    if alt:
        notes.append(f"文档中有 {alt} 处嵌入的外部内容（altChunk，如粘贴的网页或文档），Word 会显示但本程序未读取，"
                     "表格内容可能不完整；请在 Word 中把它转为普通文字后再检查。")
    boxes = sum(1 for box in body.iter(_W + "txbxContent") if any((t.text or "").strip() for t in box.iter(_W + "t")))
    if boxes:
        notes.append(f"文档中有 {boxes} 个文本框含有文字，文本框中的内容未读取，表格内容可能不完整。")
    objects = sum(1 for _ in body.iter(_W + "object"))
    if objects:
        notes.append(f"文档中有 {objects} 个嵌入对象（如嵌入的 Excel 表），其内容未读取，表格内容可能不完整。")
    return notes


def _docx_body(zf: zipfile.ZipFile, data: bytes):
    """The w:body of the package's main document part, found the way `docx.Document()` finds
    it (the package relationship of type officeDocument, its content type from
    [Content_Types].xml, case-insensitively) with python-docx's OPC and oxml parsers, but
    reading and parsing that part alone: styles are most of a .docx's XML (a 350 KB styles.xml
    for a 20 KB document), and every part was already read once by the checks above."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TARGET_MODE as RTM
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.oxml import parse_xml as parse_opc_xml
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI, PackURI
    from docx.oxml.parser import parse_xml

    rels = parse_opc_xml(_read_member(zf, PACKAGE_URI.rels_uri.membername, data))
    main = [rel for rel in rels.Relationship_lst if rel.reltype == RT.OFFICE_DOCUMENT]
    if len(main) != 1 or main[0].target_mode == RTM.EXTERNAL:
        raise KeyError(f"{len(main)} main document relationships in the package")
    partname = PackURI.from_rel_ref(PACKAGE_URI.baseURI, main[0].target_ref)
    types = parse_opc_xml(_read_member(zf, CONTENT_TYPES_URI.membername, data))
    overrides = {o.partname.lower(): o.content_type for o in types.overrides}
    defaults = {d.extension.lower(): d.content_type for d in types.defaults}
    if partname.lower() in overrides:
        content_type = overrides[partname.lower()]
    elif partname.ext.lower() in defaults:
        content_type = defaults[partname.ext.lower()]
    else:
        raise KeyError(f"no content type for {partname}")
    if content_type != CT.WML_DOCUMENT_MAIN:
        raise ValueError(f"not a Word file, content type is {content_type!r}")
    return parse_xml(_read_member(zf, partname.membername, data)).body


# ---------------------------------------------------------------------------- xlsx


def _read_xlsx(path: str, data: bytes, limits: Limits, uncached_formulas: bool) -> Document:
    try:
        hidden_notes: list[str] = []
        values = _xlsx_sheets(data, data_only=True, notes=hidden_notes)
        # The formulas themselves are needed only to name the cells Excel never computed.
        formulas = _xlsx_sheets(data, data_only=False) if uncached_formulas else None
    except Exception as exc:  # noqa: BLE001 - any library failure is a damaged file
        raise _library_error("xlsx", exc) from exc
    doc = Document(path=path, format="xlsx")
    doc.notes.extend(hidden_notes)
    for t, (title, cells) in enumerate(values, start=1):
        fcells = formulas[t - 1][1] if formulas is not None else None  # the same sheets, in the same order
        _read_sheet(doc, title, cells, fcells, t, limits)
        _check_rows(doc, limits)
    return doc


def _xlsx_sheets(data: bytes, data_only: bool,
                 notes: list[str] | None = None) -> list[tuple[str, dict[tuple[int, int], tuple]]]:
    """Each worksheet's title and the cells present in its XML, {(row, col): (value, data_type,
    number_format)}, less the positions a merged range covers other than its top-left (a full
    openpyxl load makes those MergedCells without a value).

    Read with openpyxl's own reader in read-only mode (manifest, shared strings, workbook,
    styles: what values, dates and number formats need) and its worksheet parser. A full load
    spends most of its time building per-cell style objects and re-drawing the borders of every
    merged range; `load_workbook(read_only=True)` would also parse the start of every sheet once
    more for its <dimension>, and the document properties and theme: none of that is text.

    What Excel does not show is not read: hidden and very hidden sheets, hidden rows and
    columns are left out, each with a note in `notes`."""
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.worksheet.cell_range import CellRange

    reader = ExcelReader(io.BytesIO(data), read_only=True, keep_vba=False, data_only=data_only, keep_links=False,
                         rich_text=False)
    try:
        reader.read_manifest()  # ExcelReader.read(), up to the worksheets
        reader.read_strings()
        reader.read_workbook()
        wb = reader.wb
        apply_stylesheet(reader.archive, wb)
        sheets = []
        for sheet, rel in reader.parser.find_sheets():
            if rel.target not in reader.valid_files or "chartsheet" in rel.Type:
                continue  # as ExcelReader.read_worksheets: no such part, or a chart, not cells
            if getattr(sheet, "state", "visible") in ("hidden", "veryHidden"):
                if notes is not None:
                    notes.append(f"工作表“{sheet.name}”是隐藏的工作表（Excel 中看不到），未读取、不参与检查。")
                continue
            ws = SimpleNamespace(parent=wb, title=sheet.name)  # all a ReadOnlyCell asks of its sheet
            cells: dict[tuple[int, int], tuple] = {}
            with reader.archive.open(rel.target) as src:
                parser = WorkSheetParser(src, reader.shared_strings, data_only=data_only, epoch=wb.epoch,
                                         date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats,
                                         rich_text=False)
                for _, row in parser.parse():
                    for raw in row:
                        cell = ReadOnlyCell(ws, **raw)
                        cells[(cell.row, cell.column)] = (cell.value, cell.data_type, cell.number_format)
            if parser.merged_cells:
                for merged in parser.merged_cells.mergeCell:
                    span = CellRange(merged.ref)
                    _drop_covered(cells, span)
            _drop_hidden(cells, parser, sheet.name, notes)
            sheets.append((sheet.name, cells))
        return sheets
    finally:
        reader.archive.close()


def _drop_covered(cells: dict[tuple[int, int], tuple], span) -> None:
    """Remove the cells a merged range covers, other than its top-left; by whichever is
    smaller, the range or the cells present (a range may name billions of cells)."""
    top_left = (span.min_row, span.min_col)
    if span.size["rows"] * span.size["columns"] > len(cells):
        inside = [k for k in cells if span.min_row <= k[0] <= span.max_row and span.min_col <= k[1] <= span.max_col]
        for key in inside:
            if key != top_left:
                del cells[key]
        return
    for r in range(span.min_row, span.max_row + 1):
        for c in range(span.min_col, span.max_col + 1):
            if (r, c) != top_left:
                cells.pop((r, c), None)


_MAX_COLUMN = 16384  # XFD


def _is_hidden(attrs: dict) -> bool:
    return str(attrs.get("hidden", "")).lower() in ("1", "true")


def _drop_hidden(cells: dict[tuple[int, int], tuple], parser, title: str, notes: list[str] | None) -> None:
    """Remove the cells of hidden rows and columns (Excel does not show them), with a note."""
    rows = set()
    for key, attrs in parser.row_dimensions.items():
        if _is_hidden(attrs):
            try:
                rows.add(int(key))
            except ValueError:
                continue
    columns: set[int] = set()
    for attrs in parser.column_dimensions.values():
        if _is_hidden(attrs):
            try:
                low = max(1, int(attrs.get("min", 0)))
                high = min(_MAX_COLUMN, int(attrs.get("max", low)))
            except ValueError:
                continue
            columns.update(range(low, high + 1))  # at most Excel's 16,384 columns in all
    if not rows and not columns:
        return
    gone = [k for k in cells if k[0] in rows or k[1] in columns]
    hidden = [k for k in gone if cells[k][0] not in (None, "")]
    for key in gone:
        del cells[key]
    if hidden and notes is not None:
        notes.append(f"工作表“{title}”中有 {len(hidden)} 个有内容的单元格位于隐藏的行或列（Excel 中看不到），"
                     "未读取、不参与检查。")


_XSTRING_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape_xstring(text: str) -> str:
    """Undo the ST_Xstring escapes openpyxl leaves in: Excel writes a character XML cannot
    hold (a control character) as _xHHHH_, and a literal "_x" as "_x005F_x"."""
    if "_x" not in text:
        return text
    out = _XSTRING_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    if any("\ud800" <= ch <= "\udfff" for ch in out):  # pairs join; a lone half becomes U+FFFD
        out = out.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return out


def _read_sheet(doc: Document, title: str, cells: dict[tuple[int, int], tuple],
                fcells: dict[tuple[int, int], tuple] | None, t: int, limits: Limits) -> None:
    from openpyxl.utils import get_column_letter

    from checker.readers import too_many_cells, too_many_rows

    texts: dict[tuple[int, int], str] = {}
    errors: list[str] = []
    # Only the cells present in the file: iterating the used range would create a million
    # empty cells for a sheet formatted down to row 1048576.
    for (r, c), (value, data_type, number_format) in sorted(cells.items()):
        text = ""
        if value is not None:
            value = _unescape_xstring(value) if isinstance(value, str) else value
            text = cell_text(value, number_format)
            if data_type == "e" and len(errors) < 20:
                errors.append(f"{title}!{get_column_letter(c)}{r}（{text[:20]}）")
        elif fcells is not None:
            fcell = fcells.get((r, c))
            if fcell is not None and fcell[1] == "f":
                ref = f"{title}!{get_column_letter(c)}{r}"
                formula = str(getattr(fcell[0], "text", fcell[0]))[:80]
                doc.notes.append(
                    f"单元格 {ref} 是公式（{formula}）但没有缓存值，未计算，按空白处理；"
                    "请在 Excel/WPS 中打开并保存后再检查。"
                )
                texts[(r, c)] = ""  # shown as a value in Excel: keep its position
        if text:
            texts[(r, c)] = text
    if errors:
        doc.notes.append(
            f"单元格 {'、'.join(errors)} 是 Excel 错误值（公式出错，如 #REF!、#DIV/0!），按原文读取，"
            "不是数字；请在 Excel/WPS 中修正公式后再检查。"
        )
    if not texts:
        return
    rows = sorted({r for r, _ in texts})
    if len(rows) + len(doc.rows) > limits.max_rows:
        raise too_many_rows(limits)
    used = sum(len(row.cells) for row in doc.rows)
    width = max(c for _, c in texts)
    # Rows are padded to the sheet's width, so a row's empty cells keep their positions; a
    # stray value far to the right (XFD1) would make that millions of empty cells: then only
    # the cells that hold something are kept.
    sparse = len(rows) * width + used > limits.max_cells
    if sparse:
        if len(texts) + used > limits.max_cells:
            raise too_many_cells(len(texts) + used, limits)
        doc.notes.append(
            f"工作表“{title}”中有内容的单元格分布过宽（最右到第 {get_column_letter(width)} 列），"
            "各行只读取有内容的单元格，不补齐空白单元格。"
        )
    by_row: dict[int, list[int]] = {}
    for r, c in texts:
        by_row.setdefault(r, []).append(c)
    for r in rows:
        columns = sorted(by_row[r]) if sparse else range(1, width + 1)
        cells = [
            Cell(
                texts.get((r, c), ""),
                Location(sheet=title, ref=f"{get_column_letter(c)}{r}", row=r, col=c, table=t),
            )
            for c in columns
        ]
        doc.rows.append(Row(cells, table=t))


def cell_text(value, number_format: str | None) -> str:
    """A cell value as the user sees it, numbers exact (no float artefacts)."""
    fmt = number_format or "General"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        return _number_text(value, fmt)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return _date_text(value, fmt)
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _first_section(fmt: str) -> str:
    """The positive-number section of a format, without quoted text, escapes and [..]."""
    section = fmt.split(";", 1)[0]
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", section)
    return section


def _plain(d: Decimal) -> str:
    if d == 0:
        return "0"
    text = format(d.normalize(), "f")
    return text


def _number_text(value, fmt: str) -> str:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        # Excel stores doubles and shows 15 significant digits: 0.1+0.2 is shown as 0.3.
        d = Decimal(format(value, ".15g"))
    else:
        d = Decimal(value)
    section = _first_section(fmt)
    percent = "%" in section
    if percent:
        d = d * 100
    text = _plain(d)
    m = re.search(r"\.([0#?]+)", section)
    places = m.group(1).count("0") if m else 0
    if places:
        whole, _, frac = text.partition(".")
        if len(frac) < places:
            text = f"{whole}.{frac.ljust(places, '0')}"
    return text + ("%" if percent else "")


_DATE_TOKEN = re.compile(r'yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|"[^"]*"|\\.|.', re.I)


def _date_text(value, fmt: str) -> str:
    """Render a date/time with the cell's format where it uses plain tokens, else ISO."""
    section = re.sub(r"\[[^\]]*\]", "", fmt.split(";", 1)[0]).strip()
    if isinstance(value, dt.datetime):
        iso = value.strftime("%Y-%m-%d") if value.time() == dt.time(0) else value.strftime("%Y-%m-%d %H:%M:%S")
    elif isinstance(value, dt.date):
        iso = value.strftime("%Y-%m-%d")
    else:
        iso = value.strftime("%H:%M:%S")
    # Built-in 14 (mm-dd-yy) follows the reader's locale in Excel; ISO is unambiguous.
    if not section or section.lower() in ("general", "mm-dd-yy", "m/d/yy", "yyyy-mm-dd", "@"):
        return iso
    tokens = _DATE_TOKEN.findall(section)
    out: list[str] = []
    seen_hour = False
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if low in ("mmm", "mmmm", "ddd", "dddd", "am/pm", "a/p"):
            return iso  # month/day names and 12-hour clocks depend on locale
        if low in ("m", "mm"):
            # m after h or before s is minutes, as in Excel.
            rest = [x.lower() for x in tokens[i + 1 :] if x.strip(" :.-/")]
            minute = seen_hour or (rest[:1] in (["s"], ["ss"]))
            n = value.minute if minute else getattr(value, "month", None)
            if n is None:
                return iso
            out.append(f"{n:02d}" if low == "mm" else str(n))
        elif low in ("yyyy", "yy", "d", "dd"):
            if not hasattr(value, "year"):
                return iso
            n = value.year if low.startswith("y") else value.day
            out.append(str(n) if low in ("yyyy", "d") else f"{n % 100 if low == 'yy' else n:02d}")
        elif low in ("h", "hh", "s", "ss"):
            if not hasattr(value, "hour"):
                return iso
            seen_hour = seen_hour or low.startswith("h")
            n = value.hour if low.startswith("h") else value.second
            out.append(str(n) if len(low) == 1 else f"{n:02d}")
        elif tok.startswith('"'):
            out.append(tok[1:-1])
        elif tok.startswith("\\"):
            out.append(tok[1:])
        elif tok.isalpha() and tok.isascii():
            return iso  # a token we do not know: do not guess
        else:
            out.append(tok)
    return "".join(out).strip() or iso


# ---------------------------------------------------------------------------- OLE


def read_ole(path: str, data: bytes) -> Document:
    """OLE compound files are legacy binaries or encrypted OOXML: say which, and how to convert."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        try:
            names = {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=True)}
        finally:
            ole.close()
    except Exception as exc:  # noqa: BLE001 - a broken OLE file is still an OLE file
        raise ReadError(
            "corrupt_ole",
            "这是旧版 Office 格式（OLE 复合文档，如 .doc/.xls/.wps/.et）的文件，且已损坏，无法读取。"
            "请用 Word/Excel/WPS 打开后另存为 .docx 或 .xlsx 再检查。",
            "This is a legacy Office (OLE compound) file, and it is damaged. Open it in Word/Excel/WPS, "
            "save as .docx or .xlsx and retry.",
        ) from exc
    if "encryptioninfo" in names or "encryptedpackage" in names:
        raise _encrypted()
    if "worddocument" in names:
        raise ReadError(
            "legacy_doc",
            "这是 Word 97-2003 文档（.doc，或 WPS 的 .wps），暂不支持这种旧格式。"
            "请用 Word 或 WPS 打开，选择“另存为”→“Word 文档（*.docx）”后再检查。",
            "This is a Word 97-2003 document (.doc/.wps), an old format that is not supported. "
            "Open it in Word or WPS and save as .docx, then retry.",
        )
    if "workbook" in names or "book" in names:
        raise ReadError(
            "legacy_xls",
            "这是 Excel 97-2003 工作簿（.xls，或 WPS 的 .et），暂不支持这种旧格式。"
            "请用 Excel 或 WPS 打开，选择“另存为”→“Excel 工作簿（*.xlsx）”后再检查。",
            "This is an Excel 97-2003 workbook (.xls/.et), an old format that is not supported. "
            "Open it in Excel or WPS and save as .xlsx, then retry.",
        )
    if "powerpoint document" in names:
        raise ReadError(
            "unsupported_office",
            "这是 PowerPoint 97-2003 演示文稿（.ppt），不是绩效目标表。请提供 .docx 或 .xlsx 文件。",
            "This is a PowerPoint 97-2003 presentation (.ppt), not a target table. Provide .docx or .xlsx.",
        )
    raise ReadError(
        "unsupported_ole",
        "这是旧版 Office 格式（OLE 复合文档）的文件，无法识别具体类型，暂不支持。"
        "请用 Word/Excel/WPS 打开后另存为 .docx 或 .xlsx 再检查。",
        "This is a legacy Office (OLE compound) file of an unknown kind, which is not supported. "
        "Save it as .docx or .xlsx and retry.",
    )
