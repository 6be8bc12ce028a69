"""Hostile and broken inputs: each is a ReadError with a Chinese message, fast, and
nothing from a referenced local file ever reaches the output."""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from checker.document import ReadError
from checker.readers import Limits, read_document

CJK = re.compile(r"[\u4e00-\u9fff]")
FAST = 1.0  # seconds; every refusal must come well under this


def small_docx() -> bytes:
    word = docx.Document()
    word.add_paragraph("2024年部门整体支出绩效目标表")
    table = word.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "资金总额"
    table.cell(0, 1).text = "650.17"
    buf = io.BytesIO()
    word.save(buf)
    return buf.getvalue()


def small_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "资金总额"
    wb.active["B1"] = 650.17
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def replace_member(data: bytes, name: str, blob: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, blob if info.filename == name else src.read(info.filename))
    return out.getvalue()


def make_ole(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (CFB v3) holding `streams` in the root storage.

    Streams are padded to >= 4096 bytes so they live in regular sectors (no mini stream)."""
    SECTOR, FREE, END, FATSECT = 512, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    names = list(streams)
    datas = [streams[n].ljust(4096, b"\0") for n in names]
    n_dir_sectors = (len(names) + 1 + 3) // 4
    fat: list[int] = [FATSECT] + [END if i == n_dir_sectors - 1 else 2 + i for i in range(n_dir_sectors)]
    starts = []
    for blob in datas:
        count = (len(blob) + SECTOR - 1) // SECTOR
        start = len(fat)
        starts.append(start)
        fat += [start + i + 1 for i in range(count - 1)] + [END]
    assert len(fat) <= SECTOR // 4, "test streams too large for one FAT sector"
    fat += [FREE] * (SECTOR // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le")
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(raw), kind, 1, FREE, right, child)
            + b"\0" * 16 + struct.pack("<IQQIQ", 0, 0, 0, start, size)
        )

    dirs = entry("Root Entry", 5, 1 if names else FREE, FREE, END, 0)
    for i, (name, blob) in enumerate(zip(names, datas), start=1):
        right = i + 1 if i < len(names) else FREE  # a right-leaning chain of siblings
        dirs += entry(name, 2, FREE, right, starts[i - 1], len(blob))
    dirs = dirs.ljust(n_dir_sectors * SECTOR, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
        + struct.pack("<I", 0) + struct.pack("<I", FREE) * 108
    )
    body = struct.pack(f"<{SECTOR // 4}I", *fat) + dirs + b"".join(
        blob.ljust((len(blob) + SECTOR - 1) // SECTOR * SECTOR, b"\0") for blob in datas
    )
    return header + body


def refused(data: bytes, name: str = "input.docx", limits: Limits | None = None) -> tuple[ReadError, float]:
    start = time.perf_counter()
    with pytest.raises(ReadError) as info:
        read_document(name, data, limits or Limits())
    elapsed = time.perf_counter() - start
    err = info.value
    assert CJK.search(err.zh), f"message is not Chinese: {err.zh!r}"
    assert err.en and not CJK.search(err.en), f"English message missing or not English: {err.en!r}"
    assert elapsed < FAST, f"{name} took {elapsed:.2f}s"
    return err, elapsed


def test_make_ole_is_a_valid_compound_file():
    import olefile

    ole = olefile.OleFileIO(io.BytesIO(make_ole({"WordDocument": b"x", "1Table": b"y"})))
    assert sorted("/".join(e) for e in ole.listdir()) == ["1Table", "WordDocument"]


def test_zero_byte_file():
    err, _ = refused(b"", "empty.docx")
    assert err.code == "empty"


def test_truncated_docx():
    data = small_docx()
    err, _ = refused(data[: len(data) // 2], "truncated.docx")
    assert err.code == "corrupt_docx"
    assert "损坏" in err.zh


def test_truncated_xlsx():
    data = small_xlsx()
    err, _ = refused(data[: len(data) * 2 // 3], "truncated.xlsx")
    assert err.code == "corrupt_xlsx"


def test_docx_with_garbage_document_part():
    data = replace_member(small_docx(), "word/document.xml", b"<w:document><not closed")
    err, _ = refused(data, "garbage.docx")
    assert err.code == "corrupt_docx"


def test_docx_without_body():
    empty = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
    err, _ = refused(replace_member(small_docx(), "word/document.xml", empty), "nobody.docx")
    assert err.code == "corrupt_docx"


def test_docx_with_corrupted_compressed_data():
    data = bytearray(small_docx())
    info = next(i for i in zipfile.ZipFile(io.BytesIO(bytes(data))).infolist() if i.filename == "word/document.xml")
    # Flip bytes inside the compressed document part: the CRC check must catch it.
    start = info.header_offset + 30 + len(info.filename) + 10
    for i in range(start, start + 20):
        data[i] ^= 0xFF
    err, _ = refused(bytes(data), "flipped.docx")
    assert err.code == "corrupt_docx"


def test_encrypted_xlsx_is_an_ole_file_with_encryption_info():
    data = make_ole({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"\x00" * 64})
    err, _ = refused(data, "budget.xlsx")
    assert err.code == "encrypted"
    assert "密码" in err.zh and ".xlsx" in err.zh


def test_legacy_doc_without_libreoffice_says_how_to_convert_a_folder(monkeypatch):
    monkeypatch.setenv("JIXIAO_SOFFICE", "")  # as if LibreOffice were not installed
    err, _ = refused(make_ole({"WordDocument": b"\xec\xa5", "1Table": b"", "\x05SummaryInformation": b""}), "old.doc")
    assert err.code == "needs_libreoffice"
    assert "Word 97-2003" in err.zh and "LibreOffice" in err.zh and "另存为 .docx" in err.zh
    assert "soffice --headless --convert-to docx --outdir" in err.zh and "soffice --headless" in err.en


def test_damaged_legacy_xls():
    err, _ = refused(make_ole({"Workbook": b"\x09\x08"}), "old.xls")
    assert err.code == "corrupt_xls"
    assert "另存为 .xlsx" in err.zh and ".xlsx" in err.en


def test_unknown_ole_and_broken_ole():
    err, _ = refused(make_ole({"Contents": b"x"}), "thing.bin")
    assert err.code == "unsupported_ole"
    err, _ = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "broken.doc")
    assert err.code == "corrupt_ole"


def test_entity_expansion_bomb_docx():
    lol = "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol0 "lol">' + lol + "]>"
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    err, _ = refused(replace_member(small_docx(), "word/document.xml", bomb), "bomb.docx")
    assert err.code == "xml_entities"
    assert "DOCTYPE" in err.zh


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_dtd_in_a_utf16_part_is_found(encoding):
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w:document [<!ENTITY a "b">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>'
    ).encode(encoding)
    err, _ = refused(replace_member(small_docx(), "word/document.xml", xml), "utf16.docx")
    assert err.code == "xml_entities"


def _xxe_document(secret: Path) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()


def test_external_entity_docx_never_leaks_the_file(tmp_path):
    marker = "SECRET-MARKER-7f3a9c"
    secret = tmp_path / "secret.txt"
    secret.write_text(marker)
    path = tmp_path / "xxe.docx"
    path.write_bytes(replace_member(small_docx(), "word/document.xml", _xxe_document(secret)))
    err, _ = refused(path.read_bytes(), str(path))
    assert err.code == "xml_entities"
    for text in (str(err), err.zh, err.en, repr(err.__cause__), repr(err.__context__)):
        assert marker not in text
    # The whole pipeline, as the CLI runs it: the marker must not be in the result either.
    from checker.pipeline import check_file

    result = check_file(str(path))
    assert result.status == "error" and result.error.code == "xml_entities"
    assert marker not in result.model_dump_json()


def test_external_entity_in_xlsx_sheet(tmp_path):
    marker = "SECRET-MARKER-xlsx-51c2"
    secret = tmp_path / "secret.txt"
    secret.write_text(marker)
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>'
    ).encode()
    err, _ = refused(replace_member(small_xlsx(), "xl/worksheets/sheet1.xml", sheet), "xxe.xlsx")
    assert err.code == "xml_entities"
    assert marker not in str(err) + err.en


def test_openpyxl_uses_defusedxml():
    # Defence in depth: even if a DTD slipped past our scan, openpyxl parses with defusedxml.
    assert openpyxl.DEFUSEDXML is True


def test_zip_with_huge_declared_size():
    data = bytearray(small_docx())
    # Rewrite the uncompressed size of every central-directory entry to ~4 GB.
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        struct.pack_into("<I", data, pos + 24, 0xFFFFFFF0)
        pos = data.find(b"PK\x01\x02", pos + 4)
    err, _ = refused(bytes(data), "huge.docx")
    assert err.code == "zip_bomb"


def test_real_compression_bomb_over_a_small_limit():
    data = replace_member(small_docx(), "word/media/zeros.bin", b"")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        src = zipfile.ZipFile(io.BytesIO(data))
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("word/media/zeros.bin", b"\0" * (8 * 1024 * 1024))
    assert len(out.getvalue()) < 100_000
    err, _ = refused(out.getvalue(), "bomb.docx", Limits(max_unzipped_bytes=4 * 1024 * 1024))
    assert err.code == "zip_bomb"


def test_zip_with_too_many_entries():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for i in range(20_001):
            zf.writestr(f"word/e{i}.xml", b"")
    err, _ = refused(out.getvalue(), "many.docx")
    assert err.code == "zip_bomb"
    assert "20001" in err.zh


def test_zip_with_encrypted_entry():
    data = bytearray(small_docx())
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        data[pos + 8] |= 0x01  # general purpose flag bit 0: encrypted
        pos = data.find(b"PK\x01\x02", pos + 4)
    err, _ = refused(bytes(data), "locked.docx")
    assert err.code == "encrypted"


def test_other_zip_packages_are_named(monkeypatch):
    monkeypatch.setenv("JIXIAO_SOFFICE", "")  # OpenDocument is converted by LibreOffice: here, none
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    err, _ = refused(out.getvalue(), "table.odt")
    assert err.code == "needs_libreoffice" and "OpenDocument" in err.zh and "--convert-to docx" in err.zh

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("a.txt", "hello")
    err, _ = refused(out.getvalue(), "bundle.zip")
    assert err.code == "unsupported_zip"


def test_macro_enabled_word_is_refused_with_advice():
    data = small_docx()
    ct = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    err, _ = refused(replace_member(data, "[Content_Types].xml", ct), "macro.docm")
    assert err.code == "unsupported_office" and ".docx" in err.zh


def test_too_many_rows():
    wb = openpyxl.Workbook()
    for r in range(1, 60):
        wb.active.cell(r, 1, f"行{r}")
    buf = io.BytesIO()
    wb.save(buf)
    err, _ = refused(buf.getvalue(), "long.xlsx", Limits(max_rows=50))
    assert err.code == "too_large"


GENERATED = Path(__file__).resolve().parent.parent / "fixtures" / "generated"


@pytest.mark.parametrize("name", ["seed000_liupanshui_2024.docx", "project_costs_2024.xlsx"])
def test_random_damage_never_escapes_as_a_crash(name):
    import random

    rnd = random.Random(20240101)
    base = (GENERATED / name).read_bytes()
    for _ in range(40):
        data = bytearray(base)
        if rnd.random() < 0.5:
            for _ in range(rnd.randint(1, 20)):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
        else:
            del data[rnd.randrange(len(data)) :]
        start = time.perf_counter()
        try:
            read_document(name, bytes(data))
        except ReadError as err:
            assert CJK.search(err.zh)
        assert time.perf_counter() - start < FAST
