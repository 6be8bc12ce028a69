"""Readers: one file format each, all producing a `Document`.

`read_document` sniffs the real type from the bytes (never trusting the extension)
and dispatches. Every failure is a `ReadError` with a stable code and zh/en messages.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass

from checker.document import Document, ReadError


@dataclass(frozen=True)
class Limits:
    """What one input may cost. Each bound is far above any real 绩效目标表 (the largest
    fixture is ~4,000 characters in ~100 rows) and low enough that a hostile file is refused
    in well under a second instead of taking minutes or gigabytes further down the pipeline."""

    max_file_bytes: int = 50 * 1024 * 1024  # any input, before it is read
    max_unzipped_bytes: int = 200 * 1024 * 1024  # .docx/.xlsx: all parts unpacked
    max_zip_entries: int = 5000  # .docx/.xlsx: parts in the package
    max_xml_elements: int = 1_000_000  # .docx/.xlsx: elements in all XML parts together
    max_merged_cells: int = 200_000  # .xlsx: cells covered by merged ranges
    # Measured (2 cores): 10,000 rows that each raise a finding cost ~6 s and ~350 MB, a worst
    # case ~2-3 times that; 5,000 rows stay near 4 s / 200 MB. Real tables have a few hundred rows.
    max_rows: int = 5000  # rows (table rows, paragraphs, text lines) of one document
    max_indicators: int = 2000  # indicators of one form (real forms have a few dozen)
    max_findings: int = 1000  # findings listed for one file; the grade still counts them all
    max_cells: int = 200_000  # cells of one document
    max_cell_chars: int = 32_767  # one cell, or one line of free text (Excel's own cell limit)
    max_chars: int = 2_000_000  # all the text of one document
    max_pdf_pages: int = 200


DEFAULT_LIMITS = Limits()

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Invisible characters: C0/C1 controls other than tab, line feed, vertical tab, form feed and
# carriage return, and Unicode format characters (zero-width spaces and joiners, bidi marks,
# embeddings, overrides and isolates, soft hyphen, BOM, tags). They show nothing but break label
# matching ("资\u200b金总额" is not 资金总额), and a bidi override makes a report display text
# in another order than it is stored.
INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)


def strip_invisible(text: str) -> tuple[str, int]:
    """`text` without invisible characters, and how many were removed."""
    cleaned, n = INVISIBLE_RE.subn("", text)
    return cleaned, n


def invisible_note(n: int) -> str:
    return f"已删除 {n} 个不可见字符（零宽字符、文字方向控制符或控制字符）：它们不显示，但会妨碍识别表中的文字。"


def too_many_rows(limits: Limits) -> ReadError:
    return ReadError(
        "too_large",
        f"文件行数过多（超过 {limits.max_rows} 行），不像一份绩效目标表，已停止读取。",
        f"The file has more than {limits.max_rows} rows, which is not a target table; stopped.",
    )


def too_many_indicators(n: int, limits: Limits) -> ReadError:
    return ReadError(
        "too_large",
        f"一张表有 {n} 个绩效指标（上限 {limits.max_indicators} 个），不像一份绩效目标表，未检查。",
        f"One form has {n} indicators (the limit is {limits.max_indicators}), which is not a target table; "
        "not checked.",
    )


def too_many_cells(n: int, limits: Limits) -> ReadError:
    return ReadError(
        "too_large",
        f"文件中的单元格过多（{n} 个，上限 {limits.max_cells} 个），不像一份绩效目标表，已拒绝读取。",
        f"The file holds too many cells ({n}; the limit is {limits.max_cells}), which is not a target "
        "table; refused.",
    )


def too_many_chars(n: int, limits: Limits) -> ReadError:
    return ReadError(
        "too_large",
        f"文件中的文字过多（{n} 个字符，上限 {limits.max_chars} 个），不像一份绩效目标表，已拒绝读取。"
        "如果一个文件里有很多张表，请拆分成多个文件后再检查。",
        f"The file holds too much text ({n} characters; the limit is {limits.max_chars}), which is not "
        "a target table; refused. Split a file holding many tables into several files.",
    )


def cell_too_long(where_zh: str, where_en: str, n: int, limits: Limits) -> ReadError:
    return ReadError(
        "too_large",
        f"{where_zh}的内容长达 {n} 个字符，超过单个单元格或单行的上限 {limits.max_cell_chars} 个字符"
        "（Excel 单元格的上限），不像绩效目标表中的内容，已拒绝读取。",
        f"The content at {where_en} is {n} characters long, over the {limits.max_cell_chars}-character "
        "limit for one cell or line (Excel's own cell limit); refused.",
    )


def check_document(doc: Document, limits: Limits) -> None:
    """Strip invisible characters from every cell, then refuse a document over the limits."""
    removed = 0
    cells = 0
    chars = 0
    for row in doc.rows:
        cells += len(row.cells)
        for cell in row.cells:
            if INVISIBLE_RE.search(cell.text):
                cell.text, n = strip_invisible(cell.text)
                removed += n
            length = len(cell.text)
            chars += length
            if length > limits.max_cell_chars:
                loc = cell.loc
                raise cell_too_long(loc.describe("zh") or "某个单元格", loc.describe("en") or "a cell", length, limits)
    if removed:
        doc.notes.append(invisible_note(removed))
    if len(doc.rows) > limits.max_rows:
        raise too_many_rows(limits)
    if cells > limits.max_cells:
        raise too_many_cells(cells, limits)
    if chars > limits.max_chars:
        raise too_many_chars(chars, limits)


def sniff(data: bytes, path: str) -> str:
    """The file's real type from its first bytes: zip/ole/pdf/rtf/image/json/yaml/text/empty."""
    if not data:
        return "empty"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    ext = os.path.splitext(path)[1].lower()
    from checker.readers.legacy import IMAGE_EXTENSIONS, image_kind

    if image_kind(data) or ext in IMAGE_EXTENSIONS:
        return "image"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if ext == ".json" or (head in (b"{", b"[") and ext not in (".txt", ".text")):
        return "json"
    if ext in (".yaml", ".yml"):
        return "yaml"
    return "text"


def read_bytes(path: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The file's bytes, refusing missing, oversized and non-regular files with a clear error.

    A device or pipe named on the command line (/dev/zero, a FIFO) is refused before it is
    opened: reading it would never end, or block. `archive.zip!member` is read from the archive."""
    if not os.path.lexists(path):
        from checker.readers.archive import read_member, split

        if split(path):
            return read_member(path, limits)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(
                "not_a_file",
                "这不是普通文件（可能是设备、管道或套接字），无法检查。",
                "This is not a regular file (a device, pipe or socket); it cannot be checked.",
            )
        if info.st_size > limits.max_file_bytes:
            raise _too_large_file(info.st_size, limits)
        with open(path, "rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)  # a file that grew meanwhile stops here
        if len(data) > limits.max_file_bytes:
            raise _too_large_file(len(data), limits)
        return data
    except OSError as exc:
        raise ReadError(
            "not_found",
            f"无法打开文件：{exc.strerror or exc}",
            f"Cannot open the file: {exc.strerror or exc}",
        ) from exc


def _too_large_file(size: int, limits: Limits) -> ReadError:
    return ReadError(
        "too_large",
        f"文件过大（{size // 1024 // 1024} MB），超过上限 {limits.max_file_bytes // 1024 // 1024} MB。",
        f"File too large ({size // 1024 // 1024} MB); the limit is {limits.max_file_bytes // 1024 // 1024} MB.",
    )


def read_document(path: str, data: bytes | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read one file into a Document. Raises ReadError for anything that cannot be read."""
    if data is None:
        data = read_bytes(path, limits)
    kind = sniff(data, path)
    if kind == "empty":
        raise ReadError("empty", "文件为空（0 字节），没有可检查的内容。", "The file is empty (0 bytes).")
    doc = _read_kind(kind, path, data, limits)
    check_document(doc, limits)
    return doc


def _read_kind(kind: str, path: str, data: bytes, limits: Limits) -> Document:
    if kind == "text":
        from checker.readers.text import read_text

        return read_text(path, data, limits)
    if kind == "zip":
        from checker.readers.legacy import odf_kind, read_converted
        from checker.readers.office import read_office

        odf = odf_kind(data)
        return read_converted(path, data, odf, limits) if odf else read_office(path, data, limits)
    if kind == "ole":
        from checker.readers.legacy import read_ole_file

        return read_ole_file(path, data, limits)
    if kind == "image":
        from checker.readers.legacy import scanned

        raise scanned()
    if kind == "pdf":
        from checker.readers.pdf import read_pdf

        return read_pdf(path, data, limits)
    if kind == "rtf":
        from checker.readers.legacy import read_converted

        return read_converted(path, data, "rtf", limits)
    raise ReadError("unsupported", "无法识别的文件格式。", "Unrecognised file format.")
