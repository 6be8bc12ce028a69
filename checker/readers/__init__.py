"""Readers: one file format each, all producing a `Document`.

`read_document` sniffs the real type from the bytes (never trusting the extension)
and dispatches. Every failure is a `ReadError` with a stable code and zh/en messages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from checker.document import Document, ReadError


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * 1024 * 1024
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_zip_entries: int = 5000
    max_rows: int = 20000
    max_pdf_pages: int = 200


DEFAULT_LIMITS = Limits()

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes, path: str) -> str:
    """The file's real type from its first bytes: zip/ole/pdf/rtf/json/yaml/text/empty."""
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
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if ext == ".json" or (head in (b"{", b"[") and ext not in (".txt", ".text")):
        return "json"
    if ext in (".yaml", ".yml"):
        return "yaml"
    return "text"


def read_bytes(path: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The file's bytes, refusing missing and oversized files with a clear error."""
    try:
        size = os.path.getsize(path)
        if size > limits.max_file_bytes:
            raise ReadError(
                "too_large",
                f"文件过大（{size // 1024 // 1024} MB），超过上限 {limits.max_file_bytes // 1024 // 1024} MB。",
                f"File too large ({size // 1024 // 1024} MB); the limit is "
                f"{limits.max_file_bytes // 1024 // 1024} MB.",
            )
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise ReadError(
            "not_found",
            f"无法打开文件：{exc.strerror or exc}",
            f"Cannot open the file: {exc.strerror or exc}",
        ) from exc


def read_document(path: str, data: bytes | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read one file into a Document. Raises ReadError for anything that cannot be read."""
    if data is None:
        data = read_bytes(path, limits)
    kind = sniff(data, path)
    if kind == "empty":
        raise ReadError("empty", "文件为空（0 字节），没有可检查的内容。", "The file is empty (0 bytes).")
    if kind == "text":
        from checker.readers.text import read_text

        return read_text(path, data)
    if kind == "zip":
        from checker.readers.office import read_office

        return read_office(path, data, limits)
    if kind == "ole":
        from checker.readers.office import read_ole

        return read_ole(path, data)
    if kind == "pdf":
        from checker.readers.pdf import read_pdf

        return read_pdf(path, data, limits)
    if kind == "rtf":
        raise ReadError(
            "unsupported_rtf",
            "这是 RTF 文件，暂不支持。请用 Word/WPS 打开后另存为 .docx 再检查。",
            "This is an RTF file, which is not supported. Open it in Word/WPS and save as .docx.",
        )
    raise ReadError("unsupported", "无法识别的文件格式。", "Unrecognised file format.")
