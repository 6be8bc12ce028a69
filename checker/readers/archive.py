"""A .zip of submissions: each member is a file of the batch, named `archive.zip!member`.

Nothing is unpacked to disk. The archive passes the Office reader's zip-bomb limits before its
directory is parsed (file size, entries from the end record, declared unpacked total), and a
member is read in chunks and refused once it passes the per-file size, whatever its header
claims. Names written by Chinese Windows without the UTF-8 flag are decoded as GB18030 (GBK).
"""

from __future__ import annotations

import io
import os
import zipfile
from typing import TYPE_CHECKING

from checker.document import ReadError

if TYPE_CHECKING:
    from checker.readers import Limits

SEP = "!"
ARCHIVE_EXT = ".zip"
CHUNK = 1 << 16


def split(path: str) -> tuple[str, str] | None:
    """(archive, member) for `dir/a.zip!b/c.docx`, when the archive is a file; else None."""
    low = path.lower()
    at = low.find(ARCHIVE_EXT + SEP)
    while at >= 0:
        archive = path[: at + len(ARCHIVE_EXT)]
        if os.path.isfile(archive):
            return archive, path[at + len(ARCHIVE_EXT) + 1:]
        at = low.find(ARCHIVE_EXT + SEP, at + 1)
    return None


def _refused(zh: str, en: str) -> ReadError:
    return ReadError("bad_archive", f"压缩包无法展开：{zh}", f"The archive cannot be opened: {en}")


def open_archive(archive: str, limits: Limits) -> zipfile.ZipFile:
    from checker.readers import read_bytes
    from checker.readers.office import _eocd_entry_count

    data = read_bytes(archive, limits)
    entries = _eocd_entry_count(data)
    if entries is None:
        raise _refused("不是有效的 zip 文件，或已损坏。", "not a valid zip file, or damaged.")
    if entries > limits.max_zip_entries:
        raise _refused(f"包含 {entries} 个条目，超过上限 {limits.max_zip_entries} 个。",
                       f"it holds {entries} entries, over the limit of {limits.max_zip_entries}.")
    try:
        try:
            zf = zipfile.ZipFile(io.BytesIO(data), metadata_encoding="gb18030")
        except UnicodeDecodeError:
            zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refused(f"zip 文件已损坏（{exc}）。", f"the zip file is damaged ({exc}).") from exc
    total = sum(info.file_size for info in zf.infolist())
    if total > limits.max_unzipped_bytes:
        zf.close()
        raise _refused(f"解压后共 {total // 1024 // 1024} MB，超过上限 {limits.max_unzipped_bytes // 1024 // 1024} MB"
                       "（疑似 zip 炸弹）。",
                       f"it unpacks to {total // 1024 // 1024} MB, over the {limits.max_unzipped_bytes // 1024 // 1024}"
                       " MB limit (a zip bomb?).")
    return zf


def member_names(archive: str, limits: Limits) -> list[str]:
    """The files in the archive (folders left out), in the archive's order."""
    with open_archive(archive, limits) as zf:
        return [info.filename for info in zf.infolist() if not info.is_dir()]


def read_member(path: str, limits: Limits) -> bytes:
    """The bytes of `archive.zip!member`, refused past the per-file size limit."""
    archive, member = split(path) or (path, "")
    with open_archive(archive, limits) as zf:
        try:
            info = zf.getinfo(member)
        except KeyError as exc:
            raise ReadError("not_found", f"压缩包中没有 {member}。", f"The archive holds no {member}.") from exc
        if info.flag_bits & 0x1:
            raise ReadError("encrypted", "压缩包中的这个文件设置了密码，无法读取。",
                            "This file in the archive is password-protected.")
        out = bytearray()
        try:
            with zf.open(info) as src:
                while chunk := src.read(CHUNK):
                    out += chunk
                    if len(out) > limits.max_file_bytes:
                        from checker.readers import _too_large_file

                        raise _too_large_file(len(out), limits)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise _refused(f"{member} 已损坏（{exc}）。", f"{member} is damaged ({exc}).") from exc
        return bytes(out)
