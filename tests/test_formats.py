"""The formats offices have besides .docx/.xlsx, and a batch in which nothing vanishes.

- .xls (xlrd): the generated .xls twins are compared with their .xlsx in test_fixture_builder;
  here: formula results, merged cells, and the limits.
- .doc/.wps/.rtf/.odt/.ods: converted by LibreOffice for real where it is installed (.ci/run
  installs it); the converted .docx/.xlsx twin must give the same findings and grade.
- PDF with a text layer; a scanned PDF and an image get the scan message.
- A .zip in a batch: each member is a result `archive.zip!member`.
- A folder with an image, a .md, a `~$` file and a hidden file lists each as skipped, with why,
  in every report format.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.document import ReadError
from checker.pipeline import check_file
from checker.readers import Limits, read_document
from checker.readers.convert import soffice
from conftest import FIXTURES

GENERATED = FIXTURES / "generated"
SCAN_ZH = "扫描件无法读取文字，请提供 Word/Excel 原件或带文字层的 PDF。"
NO_LIBREOFFICE = "LibreOffice (soffice) is not installed: .ci/run installs libreoffice-writer-nogui and " \
                 "libreoffice-calc-nogui; without them the conversion is not tested here"
needs_soffice = pytest.mark.skipif(soffice() is None, reason=NO_LIBREOFFICE)


def findings(path: Path | str) -> tuple:
    result = check_file(str(path))
    assert result.status == "checked", result.error
    return sorted((f.rule, f.severity, f.form, f.message) for f in result.findings), result.grade, result.score


def run(*args, cwd: Path) -> tuple[int, str]:
    import os

    previous = os.getcwd()
    try:
        os.chdir(cwd)
        result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"}, catch_exceptions=False)
    finally:
        os.chdir(previous)
    return result.exit_code, result.stdout


# ---- .xls ---------------------------------------------------------------------------------------

def _xls_with_formula_and_merge() -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("项目表")
    ws.write_merge(0, 0, 0, 2, "项目支出绩效目标表")
    ws.write(1, 0, "年度资金总额")
    ws.write(1, 1, 12.5)
    ws.write(2, 0, "合计")
    ws.write(2, 1, xlwt.Formula("B2*2"))
    wb.save(buf := io.BytesIO())
    return buf.getvalue()


def test_xls_merged_cell_text_once_and_sheet_location():
    doc = read_document("t.xls", _xls_with_formula_and_merge())
    assert doc.format == "xls"
    first = doc.rows[0]
    assert first.texts == ["项目支出绩效目标表", ""]  # rows span the columns that hold text, as in .xlsx
    assert first.cells[0].loc.sheet == "项目表" and first.cells[0].loc.ref == "A1"
    assert doc.rows[1].texts[:2] == ["年度资金总额", "12.5"]


def _biff5_without_code_page(sheet_name: str, cells: list[tuple[int, int, str]]) -> bytes:
    """An Excel 5.0/95 workbook (BIFF5) as old Chinese Excel/WPS wrote it: 8-bit GBK strings and
    no CODEPAGE record, in the 'Book' stream of an OLE file."""
    import struct

    from test_reader_safety import make_ole

    def rec(kind: int, data: bytes) -> bytes:
        return struct.pack("<HH", kind, len(data)) + data

    def bof(kind: int) -> bytes:
        return rec(0x0809, struct.pack("<HHHH", 0x0500, kind, 0, 0))

    name = sheet_name.encode("gbk")
    rows = max(r for r, _, _ in cells) + 1
    sheet = bof(0x10) + rec(0x0200, struct.pack("<HHHHH", 0, rows, 0, 2, 0))
    for r, c, text in cells:
        raw = text.encode("gbk")
        sheet += rec(0x0204, struct.pack("<HHHH", r, c, 0, len(raw)) + raw)  # LABEL
    sheet += rec(0x000A, b"")

    def globals_(sheet_pos: int) -> bytes:
        return bof(0x05) + rec(0x0085, struct.pack("<IBB", sheet_pos, 0, 0) + bytes([len(name)]) + name) \
            + rec(0x000A, b"")

    return make_ole({"Book": globals_(len(globals_(0))) + sheet})


def test_old_chinese_xls_without_code_page_reads_gbk_sheet_names_and_text():
    data = _biff5_without_code_page("部门整体支出", [(0, 0, "2024年部门整体支出绩效目标表"), (1, 0, "单位名称"),
                                                   (1, 1, "青山市科学技术协会")])
    doc = read_document("旧表.xls", data)
    assert [r.texts for r in doc.rows] == [["2024年部门整体支出绩效目标表", ""], ["单位名称", "青山市科学技术协会"]]
    assert {c.loc.sheet for r in doc.rows for c in r.cells} == {"部门整体支出"}


@needs_soffice
def test_xls_formula_gives_the_result_excel_saved(tmp_path):
    """xlwt stores no result for a formula; LibreOffice computes and saves one, as Excel does."""
    src = tmp_path / "f.xls"
    src.write_bytes(_xls_with_formula_and_merge())
    out = tmp_path / "out"
    subprocess.run([soffice(), f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless",
                    "--convert-to", "xls", "--outdir", str(out), str(src)], check=True, capture_output=True,
                   timeout=120)
    doc = read_document("f.xls", (out / "f.xls").read_bytes())
    assert doc.rows[2].texts[:2] == ["合计", "25"]


def test_xls_limits_apply():
    with pytest.raises(ReadError) as info:
        read_document("t.xls", (GENERATED / "seed000_liupanshui_2024.xls").read_bytes(), Limits(max_rows=10))
    assert info.value.code == "too_large"
    with pytest.raises(ReadError) as info:
        read_document("t.xls", (GENERATED / "seed000_liupanshui_2024.xls").read_bytes(), Limits(max_merged_cells=5))
    assert info.value.code == "too_large" and "合并单元格" in info.value.zh


def test_et_is_read_as_the_workbook_it_is(tmp_path):
    """WPS Spreadsheets' .et is the Excel 97-2003 format: sniffed by content, read by xlrd."""
    et = tmp_path / "项目表.et"
    shutil.copy(GENERATED / "project_costs_2024.xls", et)
    assert findings(et) == findings(GENERATED / "project_costs_2024.xlsx")


# ---- LibreOffice conversions ---------------------------------------------------------------------

def _convert(src: Path, target: str, out: Path) -> Path:
    profile = out / "profile"
    subprocess.run([soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
                    "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=180)
    return out / f"{src.stem}.{target.split(':')[0]}"


@needs_soffice
@pytest.mark.parametrize(("twin", "target", "as_name"), [
    ("project_costs_2024.docx", "doc", "项目表.doc"),
    ("project_costs_2024.docx", "doc", "项目表.wps"),  # WPS Writer's .wps is the Word 97 binary format
    ("seed000_liupanshui_2024.docx", "rtf", "部门表.rtf"),
    ("national_88_2024.docx", "odt", "样表.odt"),
    ("seed004_shifeng_2023.xlsx", "ods", "多表.ods"),
])
def test_converted_formats_give_the_findings_of_their_twin(tmp_path, twin, target, as_name):
    converted = _convert(GENERATED / twin, target, tmp_path)
    path = tmp_path / as_name
    converted.rename(path)
    assert findings(path) == findings(GENERATED / twin)
    result = check_file(str(path))
    assert any("LibreOffice" in note for note in result.submission.notes)


@needs_soffice
def test_conversion_leaves_nothing_behind(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    doc = _convert(GENERATED / "project_costs_2024.docx", "doc", tmp_path)
    before = doc.read_bytes()
    read_document(str(doc))
    assert list((tmp_path / "tmp").iterdir()) == []  # the private directory is gone
    assert doc.read_bytes() == before


def test_without_libreoffice_the_message_gives_the_folder_command(monkeypatch, tmp_path):
    monkeypatch.setenv("JIXIAO_SOFFICE", "")
    rtf = tmp_path / "a.rtf"
    rtf.write_bytes(b"{\\rtf1\\ansi hello}")
    result = check_file(str(rtf))
    assert result.status == "error" and result.error.code == "needs_libreoffice"
    assert "soffice --headless --convert-to docx --outdir 已转换 文件夹/*" in result.error.message


def test_conversion_timeout_kills_the_converter(monkeypatch, tmp_path):
    """A converter that hangs is stopped after the timeout, with a clear message."""
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setenv("JIXIAO_SOFFICE", str(fake))
    from checker.readers.convert import convert

    with pytest.raises(ReadError) as info:
        convert(b"{\\rtf1 x}", "rtf", timeout=0.5)
    assert info.value.code == "conversion_failed" and "中止" in info.value.zh


# ---- PDF and images ------------------------------------------------------------------------------

def _has_cjk_font() -> bool:
    try:
        out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.strip())


@needs_soffice
@pytest.mark.skipif(not _has_cjk_font(), reason="no Chinese font (fc-list :lang=zh): LibreOffice would export the "
                    "characters without glyphs; .ci/run installs fonts-wqy-microhei")
def test_text_layer_pdf_gives_the_findings_of_its_twin(tmp_path):
    pdf = _convert(GENERATED / "project_costs_2024.docx", "pdf", tmp_path)
    rules_pdf = [f[0] for f in findings(pdf)[0]]
    rules_docx = [f[0] for f in findings(GENERATED / "project_costs_2024.docx")[0]]
    assert rules_pdf == rules_docx
    assert findings(pdf)[1] == findings(GENERATED / "project_costs_2024.docx")[1]


@pytest.mark.parametrize(("name", "data"), [
    ("表.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)),
    ("表.png", b"\x89PNG\r\n\x1a\n" + bytes(64)),
    ("scan.pdf", None),
])
def test_scans_and_images_say_what_to_send(tmp_path, name, data):
    if data is None:
        from test_pdf import make_pdf

        data = make_pdf([[("rect", 50, 50, 400, 600)]])
    path = tmp_path / name
    path.write_bytes(data)
    result = check_file(str(path))
    assert result.status == "error" and result.error.message == SCAN_ZH
    assert "text layer" in check_file(str(path), _english()).error.message


def _english():
    from checker.pipeline import CheckOptions

    return CheckOptions(lang="en")


# ---- a .zip in a batch ---------------------------------------------------------------------------

def _zip_of_three(path: Path) -> list[str]:
    names = ["表格/national_88_2024.xlsx", "表格/project_costs_2024.xls", "seed004_shifeng_2023.txt"]
    with zipfile.ZipFile(path, "w") as zf:
        for name in names:
            zf.write(GENERATED / Path(name).name, name)
        zf.writestr("说明.md", "x")
        zf.writestr("__MACOSX/表格/._project_costs_2024.xls", "x")
    return names


def test_zip_members_are_checked_as_archive_member(tmp_path):
    names = _zip_of_three(tmp_path / "一批.zip")
    code, out = run("check", "一批.zip", "--format", "json", "--fail-on", "never", "-j", "1", cwd=tmp_path)
    report = json.loads(out)
    assert [r["path"] for r in report["results"]] == [f"一批.zip!{n}" for n in names]
    for result, name in zip(report["results"], names):
        twin = findings(GENERATED / Path(name).name)
        assert result["status"] == "checked" and result["grade"] == twin[1]
        assert sorted((f["rule"], f["message"]) for f in result["findings"]) == sorted((f[0], f[3]) for f in twin[0])
    skipped = report["summary"]["skipped"]
    assert any("一批.zip!说明.md" in s and ".md" in s for s in skipped)
    assert any("__MACOSX" in s and "隐藏" in s for s in skipped)


def test_gbk_member_names_and_zip_limits(tmp_path):
    from checker.readers.archive import member_names, read_member

    gbk = "项目表.txt".encode("gbk")  # as Chinese Windows writes names: GBK, no UTF-8 flag
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("abcdefghij", "内容")  # an ASCII name of the same length, replaced below
    path.write_bytes(path.read_bytes().replace(b"abcdefghij", gbk))
    assert member_names(str(path), Limits()) == ["项目表.txt"]
    with pytest.raises(ReadError) as info:
        member_names(str(path), Limits(max_unzipped_bytes=2))
    assert info.value.code == "bad_archive" and "zip 炸弹" in info.value.zh
    with pytest.raises(ReadError) as info:
        member_names(str(path), Limits(max_zip_entries=0))
    assert info.value.code == "bad_archive"
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", "0" * 100_000)
    with pytest.raises(ReadError) as info:
        read_member(f"{big}!a.txt", Limits(max_file_bytes=1000))
    assert info.value.code == "too_large"


# ---- nothing vanishes ----------------------------------------------------------------------------

@pytest.fixture
def mixed(tmp_path) -> Path:
    folder = tmp_path / "收件"
    folder.mkdir()
    shutil.copy(GENERATED / "project_costs_2024.docx", folder / "项目表.docx")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(32))
    (folder / "notes.md").write_text("# 说明", encoding="utf-8")
    shutil.copy(GENERATED / "project_costs_2024.docx", folder / "~$项目表.docx")
    (folder / ".DS_Store").write_bytes(b"\x00")
    return folder


SKIPPED = [("photo.jpg", "扫描件"), ("notes.md", ".md"), ("~$项目表.docx", "临时文件"), (".DS_Store", "隐藏")]


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "html", "xlsx"])
def test_every_skipped_file_is_listed_with_its_reason(mixed, fmt, tmp_path):
    out = tmp_path / f"report.{fmt}"
    code, stdout = run("check", mixed.name, "--format", fmt, "-o", out, "--fail-on", "never", "-j", "1", cwd=tmp_path)
    assert code == 0
    if fmt == "xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(out)
        counts = {row[1]: row[4] for row in wb["批次汇总"].iter_rows(values_only=True) if row[0] == "汇总"}
        assert counts["跳过的文件"] == len(SKIPPED)
        text = "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    else:
        text = out.read_text(encoding="utf-8")
    if fmt == "html":
        import html

        text = html.unescape(text)
    if fmt == "markdown":
        import re

        text = re.sub(r"\\(.)", r"\1", text)  # markdown escapes (\~, \_)
    for name, reason in SKIPPED:
        line = next((ln for ln in text.splitlines() if name in ln and reason in ln), None)
        assert line is not None, f"{name} ({reason}) missing from the {fmt} report"
    if fmt in ("table", "markdown", "html"):
        assert any("跳过的文件" in ln and str(len(SKIPPED)) in ln for ln in text.splitlines())  # the count
    if fmt == "json":
        report = json.loads(text)
        assert len(report["summary"]["skipped"]) == len(SKIPPED)
        assert [r["path"] for r in report["results"]] == [str(Path("收件") / "项目表.docx")]


# ---- multi-sheet workbooks -----------------------------------------------------------------------

def _builder():
    from test_fixture_builder import bf

    return bf


def test_a_workbook_is_one_submission_with_a_table_per_sheet():
    """seed004's workbook holds three sheets of one unit (department, summary, direction): one
    result, three forms, each located on its sheet, and the findings of the one-table .docx twin."""
    path = GENERATED / "seed004_shifeng_2023.xlsx"
    result = check_file(str(path))
    sheets = [f.sheet for f in _builder().seed004().forms]
    assert len(sheets) == 3 and len(result.submission.forms) == 3
    located = {f.loc.sheet for f in result.findings if f.loc and f.loc.sheet}
    assert located and located <= set(sheets)
    assert findings(path) == findings(GENERATED / "seed004_shifeng_2023.docx")


def test_a_workbook_collecting_several_units_is_flagged(tmp_path):
    """Sheets of two different units in one workbook: C01 says the unit names differ (README:
    split such a workbook into one file per unit)."""
    bf = _builder()
    first, second = bf.seed000(), bf.project_costs()
    collected = bf.Variant("collected", "two units", first.forms + second.forms)
    path = tmp_path / "汇总.xlsx"
    path.write_bytes(bf.render_xlsx(collected))
    result = check_file(str(path))
    assert len(result.submission.forms) == 3
    assert "C01" in {f.rule for f in result.findings}
    assert "C01" not in {f.rule for f in check_file(str(GENERATED / "seed000_liupanshui_2024.xlsx")).findings}


def test_include_and_exclude_apply_to_archive_members(tmp_path):
    from checker.batch import BatchOptions, discover

    _zip_of_three(tmp_path / "a.zip")
    files, _ = discover([str(tmp_path / "a.zip")], BatchOptions(include=["*.xlsx"]))
    assert files == [f"{tmp_path / 'a.zip'}!表格/national_88_2024.xlsx"]
    files, _ = discover([str(tmp_path)], BatchOptions(exclude=["*.zip"]))
    assert files == []
    files, _ = discover([str(tmp_path)], BatchOptions(exclude=["*.txt"]))
    assert len(files) == 2
