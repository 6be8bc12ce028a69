"""The formats offices keep besides .docx/.xlsx: legacy binaries, RTF, OpenDocument, images.

- OLE compound files: an Excel 97-2003 workbook (.xls, WPS .et) is read by xlrd; a Word 97-2003
  document (.doc, WPS .wps) is converted by LibreOffice (checker/readers/convert.py); encrypted
  and other OLE files keep the Office reader's messages.
- RTF and OpenDocument (.odt/.ods) are converted by LibreOffice.
- An image (a photo or scan of a table) cannot be read as text: the user is told what to send.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from checker.document import Document, ReadError

if TYPE_CHECKING:
    from checker.readers import Limits

IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic"}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}


def scanned(code: str = "scanned_image") -> ReadError:
    return ReadError(
        code,
        "扫描件无法读取文字，请提供 Word/Excel 原件或带文字层的 PDF。",
        "A scan has no text to read: provide the Word/Excel original or a PDF with a text layer.",
    )


def image_kind(data: bytes) -> str | None:
    """'JPEG', 'PNG', … when the bytes are an image, else None."""
    for magic, name in IMAGE_MAGIC:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:2] == b"BM" and data[6:10] == b"\x00\x00\x00\x00" and len(data) >= 26:  # reserved fields zero:
        return "BMP"  # not a text file that starts with "BM"
    return None


def odf_kind(data: bytes) -> str | None:
    """'odt'/'ods' for an OpenDocument package: its first member is `mimetype`, stored."""
    if data[30:38] != b"mimetype":
        return None
    head = data[38:38 + 60]
    for mime, kind in ODF_MIMETYPES.items():
        if head.startswith(mime):
            return kind
    return None


def _ole_streams(data: bytes) -> set[str] | None:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        try:
            return {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=True)}
        finally:
            ole.close()
    except Exception:  # noqa: BLE001 - the Office reader explains a damaged OLE file
        return None


def read_ole_file(path: str, data: bytes, limits: Limits) -> Document:
    names = _ole_streams(data)
    encrypted = names is not None and ("encryptioninfo" in names or "encryptedpackage" in names)
    if names is not None and not encrypted:
        if "workbook" in names or "book" in names:
            from checker.readers.xls import read_xls

            return read_xls(path, data, limits)
        if "worddocument" in names:
            return read_converted(path, data, "doc", limits)
    from checker.readers.office import read_ole

    return read_ole(path, data)


def read_converted(path: str, data: bytes, kind: str, limits: Limits) -> Document:
    """Convert with LibreOffice, then read the copy as .docx/.xlsx with the same limits."""
    from checker.readers.convert import KINDS, convert
    from checker.readers.office import read_office

    copy = convert(data, kind)
    if len(copy) > limits.max_file_bytes:
        from checker.readers import _too_large_file

        raise _too_large_file(len(copy), limits)
    doc = read_office(path, copy, limits)
    doc.format = kind
    zh_name, en_name, target = KINDS[kind]
    doc.notes.append(f"{zh_name}已由 LibreOffice 转换为 .{target} 后读取；转换的副本已删除，原文件未改动。")
    return doc
