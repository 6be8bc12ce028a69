"""Excel 97-2003 workbooks (.xls, and WPS's .et, which is the same BIFF format) through xlrd.

Each sheet becomes one table, exactly as an .xlsx sheet does (the cells go through the .xlsx
reader's `_read_sheet`): formula cells give the result Excel saved, merged ranges keep their
text once at the top-left, error values (#REF!) stay text, and the same row, cell and merged-cell
limits apply. Files from old Chinese versions of Excel/WPS (BIFF5) that carry no code page are
decoded as GB18030 (a superset of GBK), so their sheet names and strings read as written.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from checker.document import Document, ReadError

if TYPE_CHECKING:
    from checker.readers import Limits

CHINESE_LEGACY_ENCODING = "gb18030"


def _damaged(exc: Exception) -> ReadError:
    return ReadError(
        "corrupt_xls",
        f"这是 Excel 97-2003 工作簿（.xls/.et），但已损坏或无法解析（{type(exc).__name__}）。"
        "请用 Excel 或 WPS 打开后另存为 .xlsx 再检查。",
        f"This is an Excel 97-2003 workbook (.xls/.et), but it is damaged or cannot be parsed "
        f"({type(exc).__name__}). Open it in Excel or WPS, save as .xlsx and retry.",
    )


def _too_many_merged(sheet: str, limits: Limits) -> ReadError:
    return ReadError(
        "too_large",
        f"工作表“{sheet}”中合并单元格覆盖的范围过大（合计超过 {limits.max_merged_cells} 个单元格），已拒绝读取。"
        "请在 Excel/WPS 中取消整行或整列的合并后再检查。",
        f"Merged cells cover too much of sheet '{sheet}' (over {limits.max_merged_cells} cells in all); refused. "
        "Unmerge whole rows or columns and retry.",
    )


def _open(data: bytes):
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=_Silent())
    if book.biff_version < 80 and book.codepage is None:  # no code page recorded: an old Chinese file
        book.release_resources()
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True,
                                  encoding_override=CHINESE_LEGACY_ENCODING, logfile=_Silent())
    return book


class _Silent:
    """xlrd writes warnings about odd records to a log file; they are not the user's concern."""

    def write(self, _text: str) -> None:
        pass


def _number_format(book, cell) -> str:
    xf = book.xf_list[cell.xf_index] if cell.xf_index is not None and cell.xf_index < len(book.xf_list) else None
    fmt = book.format_map.get(xf.format_key) if xf is not None else None
    return fmt.format_str if fmt is not None else "General"


def _cell_value(book, cell) -> tuple[object, str]:
    """(value, openpyxl-style data type) of one xlrd cell; (None, "") for an empty one."""
    import xlrd

    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None, ""
    if kind == xlrd.XL_CELL_TEXT:
        return cell.value, "s"
    if kind == xlrd.XL_CELL_NUMBER:
        value = cell.value
        return (int(value) if float(value).is_integer() and abs(value) < 2**53 else value), "n"
    if kind == xlrd.XL_CELL_DATE:
        try:
            value = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value, "n"
        return (value.date() if value.time() == dt.time(0) and cell.value >= 1 else value), "d"
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value), "b"
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERROR"), "e"
    return str(cell.value), "s"


def _sheet_cells(book, sheet, limits: Limits) -> dict[tuple[int, int], tuple]:
    """{(row, col): (value, data_type, number_format)}, 1-based, without the positions a merged
    range covers other than its top-left (as the .xlsx reader gives them)."""
    covered: set[tuple[int, int]] = set()
    merged_total = 0
    for rlo, rhi, clo, chi in sheet.merged_cells:
        merged_total += (rhi - rlo) * (chi - clo)
        if merged_total > limits.max_merged_cells:
            raise _too_many_merged(sheet.name, limits)
        covered.update((r, c) for r in range(rlo, rhi) for c in range(clo, chi) if (r, c) != (rlo, clo))
    if sheet.nrows > limits.max_rows:
        from checker.readers import too_many_rows

        raise too_many_rows(limits)
    cells: dict[tuple[int, int], tuple] = {}
    for r in range(sheet.nrows):
        for c, cell in enumerate(sheet.row(r)):
            if (r, c) in covered:
                continue
            value, data_type = _cell_value(book, cell)
            if value is None:
                continue
            cells[(r + 1, c + 1)] = (value, data_type, _number_format(book, cell))
            if len(cells) > limits.max_cells:
                from checker.readers import too_many_cells

                raise too_many_cells(len(cells), limits)
    return cells


def read_xls(path: str, data: bytes, limits: Limits) -> Document:
    from checker.readers.office import _check_rows, _read_sheet

    try:
        book = _open(data)
    except Exception as exc:  # noqa: BLE001 - xlrd raises many kinds of errors on bad input
        raise _damaged(exc) from exc
    doc = Document(path=path, format="xls")
    try:
        for t in range(book.nsheets):
            sheet = book.sheet_by_index(t)
            cells = _sheet_cells(book, sheet, limits)
            book.unload_sheet(t)
            _read_sheet(doc, sheet.name, cells, None, t + 1, limits)
            _check_rows(doc, limits)
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise _damaged(exc) from exc
    finally:
        book.release_resources()
    return doc
