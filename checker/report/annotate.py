"""Annotated copies of the inputs: the filler's own .xlsx/.docx with every flagged cell shaded and
a comment carrying rule, problem and fix. The original is never touched.

- .xlsx/.xlsm: cells from Finding.loc (sheet + ref, or sheet + row/col) get a fill by severity and a
  cell comment (one per cell, all its findings); a 问题清单 sheet lists every finding and links to
  its cell. Findings with no cell are listed there only. Macros are not carried over.
- .docx: cells from Finding.loc (table, row, col; 1-based; tables numbered in document order,
  nested tables depth-first; col = grid column after merges) are shaded and get a Word comment
  (one per cell, all its findings). Without col the whole row is shaded; paragraph locations
  comment that paragraph; anything else goes in one comment on the first paragraph.
"""

from __future__ import annotations

from checker.ooxml import W as _W, blocks as _blocks, children as _children

import copy
import logging
import os
import re
from pathlib import Path

from checker.model import Finding, Location, Result
from checker.report.i18n import severity_word, t
from checker.report.view import SEVERITY_ORDER, grouped_findings, location_text

log = logging.getLogger(__name__)

_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0
FILL = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
DOCX_SUFFIXES = {".docx"}


def comment_text(f: Finding, lang: str) -> str:
    text = t("annotate.comment", lang, rule=f.rule, level=severity_word(f.severity, lang), message=f.message)
    if f.fix:
        text += "\n" + t("annotate.fix", lang, fix=f.fix)
    return text


def output_path(source: Path, out_dir: Path, lang: str, suffix: str | None = None) -> Path:
    """<out_dir>/<stem>_标注<suffix> (…_annotated in English), never an existing file."""
    tag = "_annotated" if lang == "en" else "_标注"
    suffix = suffix or source.suffix
    candidate = out_dir / f"{source.stem}{tag}{suffix}"
    n = 2
    while candidate.exists():
        candidate = out_dir / f"{source.stem}{tag}-{n}{suffix}"
        n += 1
    return candidate


def planned_path(source: Path, out_dir: Path, lang: str, taken: set[str]) -> Path | None:
    """Where the annotated copy of `source` goes (None: its format gets no copy): like
    output_path(), also avoiding names already given to earlier files of the batch."""
    suffix = source.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        suffix = ".xlsx"
    elif suffix not in DOCX_SUFFIXES:
        return None
    tag = "_annotated" if lang == "en" else "_标注"
    candidate = out_dir / f"{source.stem}{tag}{suffix}"
    n = 2
    while candidate.exists() or str(candidate) in taken:
        candidate = out_dir / f"{source.stem}{tag}-{n}{suffix}"
        n += 1
    return candidate


def annotate_copy(result: Result, dest: str | os.PathLike, lang: str = "zh") -> Path | None:
    """Write the annotated copy of a checked result to `dest` (through a temporary name, so a
    failure or a timeout never leaves a partial file) and record it on the result. A copy that
    fails is logged: the file's result must not be lost over its annotation."""
    if result.status != "checked":
        return None
    dest = Path(dest)
    source = Path(result.path)
    tmp = dest.with_name(f".{dest.stem}.partial{dest.suffix}")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.suffix == ".xlsx":
            _annotate_xlsx(result, source, tmp, lang)
        else:
            _annotate_docx(result, source, tmp, lang)
        os.replace(tmp, dest)
    except Exception as exc:  # noqa: BLE001 -- a malformed Office file must not abort the batch
        from checker.report.safe import display

        log.warning("could not annotate %s: %s", display(result.path), display(f"{type(exc).__name__}: {exc}"))
        try:
            tmp.unlink()
        except OSError:
            pass
        return None
    except BaseException:  # a timeout: no partial copy left behind
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    result.annotated_copy = str(dest)
    return dest


def annotate(result: Result, source_path: str | os.PathLike, out_dir: str | os.PathLike, lang: str = "zh") -> Path | None:
    """Write an annotated copy of `source_path` into `out_dir`; None for formats without one
    (text, json, pdf …) and for files that could not be read."""
    source = Path(source_path)
    if result.status != "checked":
        return None
    suffix = source.suffix.lower()
    out = Path(out_dir)
    if suffix in XLSX_SUFFIXES:
        out.mkdir(parents=True, exist_ok=True)
        return _annotate_xlsx(result, source, output_path(source, out, lang, ".xlsx"), lang)
    if suffix in DOCX_SUFFIXES:
        out.mkdir(parents=True, exist_ok=True)
        return _annotate_docx(result, source, output_path(source, out, lang), lang)
    return None


def annotate_all(results: list[Result], out_dir: str | os.PathLike, lang: str = "zh") -> list[Path]:
    """Annotated copies for every result that has one. A copy that fails is logged and skipped:
    the report has already been written and must not be lost over an annotation."""
    written = []
    for result in results:
        try:
            path = annotate(result, result.path, out_dir, lang)
        except Exception as exc:  # a malformed Office file must not abort the batch
            from checker.report.safe import display

            log.warning("could not annotate %s: %s", display(result.path), display(f"{type(exc).__name__}: {exc}"))
            continue
        if path is not None:
            written.append(path)
    return written


# ---------------------------------------------------------------- xlsx


def _xlsx_target(loc: Location | None, sheetnames: list[str]) -> tuple[str, str] | None:
    """(sheet, A1 ref or range) for a finding, or None when it has no cell in this workbook."""
    if loc is None or not loc.sheet or loc.sheet not in sheetnames:
        return None
    if loc.ref:
        return loc.sheet, loc.ref.replace("$", "").upper()
    if loc.row and loc.col:
        from openpyxl.utils import get_column_letter

        return loc.sheet, f"{get_column_letter(loc.col)}{loc.row}"
    return None


def _annotate_xlsx(result: Result, source: Path, dest: Path, lang: str) -> Path:
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils.cell import range_boundaries

    from checker.report.xlsx import text_cell

    wb = load_workbook(source)  # keep_vba=False: the copy carries no macros
    fills: dict[tuple[str, str], str] = {}  # every cell a finding covers -> worst severity
    notes: dict[tuple[str, str], list[Finding]] = {}  # anchor cell -> its findings (one comment)
    located: dict[int, str] = {}
    for f in result.findings:
        target = _xlsx_target(f.loc, wb.sheetnames)
        if target is None:
            continue
        sheet, ref = target
        ws = wb[sheet]
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref if ":" in ref else f"{ref}:{ref}")
        except (ValueError, TypeError):
            continue
        merged = _merged_starts(ws)
        r0, c0 = merged.get((min_row, min_col), (min_row, min_col))
        anchor = (sheet, ws.cell(row=r0, column=c0).coordinate)
        notes.setdefault(anchor, []).append(f)
        located[id(f)] = f"{sheet}!{anchor[1]}"
        for row in range(min_row, max_row + 1):
            for col in range(min_col, max_col + 1):
                r, c = merged.get((row, col), (row, col))
                key = (sheet, ws.cell(row=r, column=c).coordinate)
                prev = fills.get(key)
                if prev is None or SEVERITY_ORDER.get(f.severity, 9) < SEVERITY_ORDER.get(prev, 9):
                    fills[key] = f.severity
    for (sheet, coord), severity in fills.items():
        wb[sheet][coord].fill = PatternFill("solid", fgColor=FILL.get(severity, FILL["info"]))
    for (sheet, coord), findings in notes.items():
        cell = wb[sheet][coord]
        text = _XML_ILLEGAL.sub("", "\n\n".join(comment_text(f, lang) for f in findings))
        if cell.comment is not None and cell.comment.text:
            text = f"{cell.comment.text}\n\n{text}"
        comment = Comment(text[:32767], t("annotate.author", lang))
        comment.width, comment.height = 320, min(60 + 18 * text.count("\n") + len(text) // 2, 600)
        cell.comment = comment

    ws = wb.create_sheet(_free_sheet_name(wb.sheetnames, t("sheet.findings", lang)))
    head = [t("col.form", lang), t("col.rule", lang), t("col.level", lang), t("col.location", lang),
            t("col.problem", lang), t("col.fix", lang), t("annotate.cell", lang)]
    ws.append([text_cell(ws, h) for h in head])
    for col, width in zip("ABCDEFG", (30, 8, 8, 18, 60, 50, 16)):
        ws.column_dimensions[col].width = width
        ws[f"{col}1"].font = Font(bold=True)
    row_no = 1  # counted here: ws.max_row scans every cell, which made this quadratic
    for group in grouped_findings(result, lang):
        for f in group.findings:
            where = located.get(id(f))
            row = [group.label, f.rule, severity_word(f.severity, lang), location_text(f, lang), f.message, f.fix,
                   where or t("annotate.not_located", lang)]
            ws.append([text_cell(ws, v) if v else None for v in row])
            row_no += 1
            if where:
                sheet, coord = where.rsplit("!", 1)
                link = ws.cell(row=row_no, column=7)
                link.hyperlink = f"#'{sheet.replace(chr(39), chr(39) * 2)}'!{coord}"
                link.style = "Hyperlink"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:G{row_no}"
    wb.save(dest)
    return dest


def _merged_starts(ws) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col) of every cell inside a merged range -> its top-left cell."""
    cached = getattr(ws, "_jixiao_merged", None)
    if cached is not None:
        return cached
    starts = {}
    for rng in ws.merged_cells.ranges:
        for row in range(rng.min_row, rng.max_row + 1):
            for col in range(rng.min_col, rng.max_col + 1):
                starts[(row, col)] = (rng.min_row, rng.min_col)
    ws._jixiao_merged = starts
    return starts


def _free_sheet_name(existing: list[str], base: str) -> str:
    name, n = base, 2
    while name in existing:
        name = f"{base}{n}"
        n += 1
    return name


# ---------------------------------------------------------------- docx


# Text in these subtrees is not the paragraph's own (deleted, text boxes, field codes …).
_NOT_TEXT = {_W + "del", _W + "moveFrom", _W + "drawing", _W + "pict", _W + "object", _W + "txbxContent",
             _W + "rt", _W + "instrText", _W + "delText"}

# Tables are walked with checker.ooxml, as the reader walks them, so a finding's Location
# (table/row/col) names the same cell here.


def _has_text(p) -> bool:
    stack = [p]
    while stack:
        el = stack.pop()
        for child in el:
            if not isinstance(child.tag, str) or child.tag in _NOT_TEXT:
                continue
            if child.tag == _W + "t" and (child.text or "").strip():
                return True
            stack.append(child)
    return False


def docx_tables(document) -> list:
    """Every table of the body as numbered in Location.table: document order; a table's nested
    tables right after it, depth-first."""
    out: list = []

    def table(tbl) -> None:
        out.append(tbl)
        nested = [b for tr in _children(tbl, _W + "tr") for tc in _children(tr, _W + "tc")
                  for b in _blocks(tc) if b.tag == _W + "tbl"]
        for inner in nested:
            table(inner)

    for block in _blocks(document.element.body):
        if block.tag == _W + "tbl":
            table(block)
    return out


def docx_paragraphs(document) -> list:
    """Body paragraphs outside tables that hold text, as numbered in Location.para."""
    return [b for b in _blocks(document.element.body) if b.tag == _W + "p" and _has_text(b)]


def _rows(tbl) -> list:
    return list(_children(tbl, _W + "tr"))


def _grid_before(tr) -> int:
    trPr = tr.find(_W + "trPr")
    el = trPr.find(_W + "gridBefore") if trPr is not None else None
    try:
        return max(0, int(el.get(_W + "val", 0))) if el is not None else 0
    except ValueError:
        return 0


def _span(tc) -> int:
    tcPr = tc.find(_W + "tcPr")
    el = tcPr.find(_W + "gridSpan") if tcPr is not None else None
    try:
        return max(1, int(el.get(_W + "val", 1))) if el is not None else 1
    except ValueError:
        return 1


def _continued(tc) -> bool:
    tcPr = tc.find(_W + "tcPr")
    el = tcPr.find(_W + "vMerge") if tcPr is not None else None
    return el is not None and el.get(_W + "val", "continue") != "restart"


def _tc_at(tr, grid_col: int):
    """(w:tc, its first grid column) covering 0-based `grid_col`, or (None, -1)."""
    offset = _grid_before(tr)
    for tc in _children(tr, _W + "tc"):
        span = _span(tc)
        if offset <= grid_col < offset + span:
            return tc, offset
        offset += span
    return None, -1


def docx_cell(tbl, row: int, col: int):
    """The w:tc at 1-based (row, grid column) of `tbl`, following horizontal spans and vertical
    merges to the cell that is shown; None when there is no such cell."""
    rows = _rows(tbl)
    if not 1 <= row <= len(rows) or col < 1:
        return None
    tc, start = _tc_at(rows[row - 1], col - 1)
    r = row - 1
    while tc is not None and _continued(tc) and r > 0:  # a continuation shows the cell above
        r -= 1
        above, above_start = _tc_at(rows[r], start)
        if above is None or above_start != start:
            break
        tc = above
    return tc


_SHD_SUCCESSORS = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
                   "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")


def _shade(tc, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tcPr = tc.get_or_add_tcPr()
    for old in tcPr.findall(qn("w:shd")):
        tcPr.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    tcPr.insert_element_before(shd, *_SHD_SUCCESSORS)


def _runs_of(paragraphs) -> list:
    runs = [r for p in paragraphs for r in p.runs]
    if not runs:  # an empty cell or paragraph: anchor on an empty run
        runs = [paragraphs[0].add_run("")]
    return runs


def _fill_comment(comment_elm, texts: list[str]) -> None:
    """One paragraph per finding, lines split by breaks. Built with plain lxml: python-docx's
    element factories cost ~0.5 ms a paragraph, seconds for a busy cell."""
    from lxml import etree

    xml_space = "{http://www.w3.org/XML/1998/namespace}space"
    first = comment_elm.find(_W + "p")
    style = first.find(_W + "pPr") if first is not None else None
    for i, text in enumerate(texts):
        if i == 0 and first is not None:
            p = first
        else:
            p = etree.SubElement(comment_elm, _W + "p")
            if style is not None:
                p.append(copy.deepcopy(style))
        r = etree.SubElement(p, _W + "r")
        for k, line in enumerate(_XML_ILLEGAL.sub("", text).split("\n")):
            if k:
                etree.SubElement(r, _W + "br")
            t_el = etree.SubElement(r, _W + "t")
            t_el.set(xml_space, "preserve")
            t_el.text = line


def _first_paragraph(document):
    """Where findings without a cell go: the first body paragraph, made if there is none."""
    from docx.text.paragraph import Paragraph

    for block in _blocks(document.element.body):
        if block.tag == _W + "p":
            return Paragraph(block, document._body)
    return document.add_paragraph()


def _annotate_docx(result: Result, source: Path, dest: Path, lang: str) -> Path:
    import docx
    from docx.table import _Cell, Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(source))
    tables = docx_tables(document)
    located_paragraphs = [Paragraph(p, document._body) for p in docx_paragraphs(document)]
    author, initials = t("annotate.author", lang), "JX"
    shaded: dict[int, tuple[object, str]] = {}  # id(tc) -> (tc, worst severity so far)
    # One comment per anchor (cell or paragraph) holding all its findings: python-docx finds the
    # next comment id by scanning every comment, so a comment per finding is quadratic, and
    # thousands of margin comments are unreadable anyway.
    pending: dict[int, tuple[list, list[Finding]]] = {}
    fallback: list = []

    def shade(tc, severity: str) -> None:
        prev = shaded.get(id(tc))
        if prev is None or SEVERITY_ORDER.get(severity, 9) < SEVERITY_ORDER.get(prev[1], 9):
            shaded[id(tc)] = (tc, severity)

    for f in result.findings:
        loc = f.loc
        anchor = None
        if loc is not None and loc.table and 1 <= loc.table <= len(tables):
            tbl = tables[loc.table - 1]
            table = Table(tbl, document._body)
            if loc.row and loc.col:
                tc = docx_cell(tbl, loc.row, loc.col)
                if tc is not None:
                    shade(tc, f.severity)
                    anchor = _Cell(tc, table).paragraphs
            elif loc.row and 1 <= loc.row <= len(_rows(tbl)):
                tcs = list(_children(_rows(tbl)[loc.row - 1], _W + "tc"))
                for tc in tcs:
                    shade(tc, f.severity)
                if tcs:
                    anchor = _Cell(tcs[0], table).paragraphs
            else:
                first = docx_cell(tbl, 1, 1)
                if first is not None:
                    anchor = _Cell(first, table).paragraphs
        elif loc is not None and loc.para and 1 <= loc.para <= len(located_paragraphs):
            anchor = [located_paragraphs[loc.para - 1]]
        if anchor is None:
            if not fallback:
                fallback.append(_first_paragraph(document))
            anchor = fallback
        pending.setdefault(id(anchor[0]._element), (anchor, []))[1].append(f)

    for tc, severity in shaded.values():
        _shade(tc, FILL.get(severity, FILL["info"]))
    for paragraphs, findings in pending.values():
        comment = document.add_comment(_runs_of(paragraphs), text="", author=author, initials=initials)
        _fill_comment(comment._comment_elm, [comment_text(f, lang) for f in findings])
    document.save(str(dest))
    return dest
