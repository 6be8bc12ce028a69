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
import re
import struct
import zipfile
import zlib
from decimal import Decimal
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
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")


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


def _read_member(zf: zipfile.ZipFile, name: str, data: bytes) -> bytes:
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise _corrupt(data, f"{name}: {type(exc).__name__}") from exc


def _has_dtd(blob: bytes) -> bool:
    if _DTD_RE.search(blob):
        return True
    # A UTF-16 part would hide the ASCII pattern: decode it and look again.
    for start, encoding in _UTF16_STARTS:
        if blob.startswith(start):
            return _DTD_TEXT_RE.search(blob.decode(encoding, errors="ignore")) is not None
    return False


def _scan_xml(zf: zipfile.ZipFile, data: bytes) -> bool:
    """Refuse DTDs in every XML part; return whether any worksheet holds a formula."""
    formulas = False
    for info in zf.infolist():
        name = info.filename
        if not name.lower().endswith(_XML_SUFFIXES) and name != "[Content_Types].xml":
            continue
        blob = _read_member(zf, name, data)
        if _has_dtd(blob):
            raise ReadError(
                "xml_entities",
                f"文件中的 XML 部件 {name} 含有 DTD/实体声明（<!DOCTYPE/<!ENTITY），正常的 Office 文件不会有，"
                "可能是恶意构造的文件，已拒绝读取。请用 Word/Excel/WPS 重新另存后再检查。",
                f"The XML part {name} declares a DTD or entities (<!DOCTYPE/<!ENTITY), which genuine "
                "Office files never do; refused. Re-save the file in Word/Excel/WPS and retry.",
            )
        if name.startswith("xl/worksheets/") and _FORMULA_RE.search(blob):
            formulas = True
    return formulas


def _package_type(zf: zipfile.ZipFile, data: bytes) -> str:
    """docx/docm/dotx/dotm/xlsx/odf/pptx/zip, from the content types and entries."""
    names = set(zf.namelist())
    if "mimetype" in names:
        mime = _read_member(zf, "mimetype", data)[:100]
        if mime.startswith(b"application/vnd.oasis.opendocument"):
            return "odf"
    if "[Content_Types].xml" in names:
        from defusedxml.ElementTree import fromstring

        try:
            root = fromstring(_read_member(zf, "[Content_Types].xml", data))
        except Exception:  # noqa: BLE001 - a broken manifest falls back to the entries
            root = None
        if root is not None:
            types = {el.get("ContentType", "") for el in root.iter() if el.tag.endswith("Override")}
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


def read_office(path: str, data: bytes, limits: Limits) -> Document:
    """Read a zip-based Office file (.docx or .xlsx, whatever its extension)."""
    zf = _open_zip(data, limits)
    with zf:
        kind = _package_type(zf, data)
        if kind in ("docx", "xlsx"):
            has_formulas = _scan_xml(zf, data)
    if kind == "docx":
        return _read_docx(path, data, limits)
    if kind == "xlsx":
        return _read_xlsx(path, data, limits, has_formulas)
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
        raise ReadError(
            "too_large",
            f"文件行数过多（超过 {limits.max_rows} 行），不像一份绩效目标表，已停止读取。",
            f"The file has more than {limits.max_rows} rows, which is not a target table; stopped.",
        )


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


def _para_text(p) -> str:
    parts: list[str] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag in _CHAR:
                parts.append(_CHAR[tag])
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def _int_val(el, path: str, default: int) -> int:
    found = el.find(path)
    if found is None:
        return default
    try:
        return max(0, int(found.get(_W + "val", default)))
    except ValueError:
        return default


class _DocxWalker:
    def __init__(self, doc: Document):
        self.doc = doc
        self.tables = 0
        self.paras = 0

    def body(self, body) -> None:
        for block in _blocks(body):
            if block.tag == _W + "p":
                text = _para_text(block).strip()
                if text:
                    self.paras += 1
                    self.doc.rows.append(Row([Cell(text, Location(para=self.paras))], table=None))
            else:
                self.table(block)

    def table(self, tbl) -> None:
        """Emit a table's rows, then its nested tables (numbered depth-first)."""
        self.tables += 1
        t = self.tables
        nested: list = []
        grid: list[list[str]] = []
        for tr in _children(tbl, _W + "tr"):
            trpr = tr.find(_W + "trPr")
            before = _int_val(trpr, _W + "gridBefore", 0) if trpr is not None else 0
            after = _int_val(trpr, _W + "gridAfter", 0) if trpr is not None else 0
            texts: list[str] = [""] * before
            for tc in _children(tr, _W + "tc"):
                tcpr = tc.find(_W + "tcPr")
                span = max(1, _int_val(tcpr, _W + "gridSpan", 1)) if tcpr is not None else 1
                vmerge = tcpr.find(_W + "vMerge") if tcpr is not None else None
                continued = vmerge is not None and vmerge.get(_W + "val", "continue") != "restart"
                paras: list[str] = []
                for block in _blocks(tc):
                    if block.tag == _W + "p":
                        paras.append(_para_text(block))
                    else:
                        nested.append(block)
                # A vertically continued cell shows the text of the cell above; Word hides its own.
                texts.append("" if continued else "\n".join(paras).strip())
                texts.extend([""] * (span - 1))
            texts.extend([""] * after)
            grid.append(texts)
        width = max((len(r) for r in grid), default=0)
        for r, texts in enumerate(grid, start=1):
            texts += [""] * (width - len(texts))
            cells = [Cell(text, Location(table=t, row=r, col=c)) for c, text in enumerate(texts, start=1)]
            self.doc.rows.append(Row(cells, table=t))
        for inner in nested:
            self.table(inner)


def _read_docx(path: str, data: bytes, limits: Limits) -> Document:
    import docx

    try:
        word = docx.Document(io.BytesIO(data))
        body = word.element.body
    except Exception as exc:  # noqa: BLE001 - any library failure is a damaged file
        raise _library_error("docx", exc) from exc
    doc = Document(path=path, format="docx")
    if body is None:
        raise _library_error("docx", ValueError("word/document.xml has no w:body"))
    try:
        _DocxWalker(doc).body(body)
    except (RecursionError, ValueError, TypeError, AttributeError) as exc:
        raise _library_error("docx", exc) from exc
    _check_rows(doc, limits)
    return doc


# ---------------------------------------------------------------------------- xlsx


def _read_xlsx(path: str, data: bytes, limits: Limits, has_formulas: bool) -> Document:
    import openpyxl

    try:
        values = openpyxl.load_workbook(io.BytesIO(data), data_only=True, rich_text=False)
        formulas = (
            openpyxl.load_workbook(io.BytesIO(data), data_only=False, rich_text=False) if has_formulas else None
        )
    except Exception as exc:  # noqa: BLE001 - any library failure is a damaged file
        raise _library_error("xlsx", exc) from exc
    doc = Document(path=path, format="xlsx")
    for t, ws in enumerate(values.worksheets, start=1):
        fws = formulas[ws.title] if formulas is not None else None
        _read_sheet(doc, ws, fws, t)
        _check_rows(doc, limits)
    return doc


def _read_sheet(doc: Document, ws, fws, t: int) -> None:
    from openpyxl.utils import get_column_letter

    texts: dict[tuple[int, int], str] = {}
    # ws._cells holds only the cells present in the file; iterating the used range would
    # create a million empty cells for a sheet formatted down to row 1048576.
    for (r, c), cell in sorted(ws._cells.items()):
        text = ""
        if cell.value is not None:
            text = cell_text(cell.value, cell.number_format)
        elif fws is not None:
            fcell = fws._cells.get((r, c))
            if fcell is not None and fcell.data_type == "f":
                ref = f"{ws.title}!{get_column_letter(c)}{r}"
                formula = str(getattr(fcell.value, "text", fcell.value))[:80]
                doc.notes.append(
                    f"单元格 {ref} 是公式（{formula}）但没有缓存值，未计算，按空白处理；"
                    "请在 Excel/WPS 中打开并保存后再检查。"
                )
                texts[(r, c)] = ""  # shown as a value in Excel: keep its position
        if text:
            texts[(r, c)] = text
    if not texts:
        return
    width = max(c for _, c in texts)
    for r in sorted({r for r, _ in texts}):
        cells = [
            Cell(
                texts.get((r, c), ""),
                Location(sheet=ws.title, ref=f"{get_column_letter(c)}{r}", row=r, col=c, table=t),
            )
            for c in range(1, width + 1)
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
