"""PDF tables via pdfplumber (a regular dependency).

Ruled tables become rows with Location(table, row, col, ref="第N页"); text outside the
tables becomes one-cell rows, one per line, in reading order (top to bottom) on each
page. A PDF without a text layer (a scan) is refused with what to send instead.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from checker.document import Cell, Document, ReadError, Row
from checker.model import Location

if TYPE_CHECKING:
    from checker.readers import Limits

def _not_installed() -> ReadError:
    return ReadError(
        "pdf_support_missing",
        "读取 PDF 需要 jixiao 的依赖 pdfplumber，但它没有安装（安装不完整）：pip install pdfplumber。"
        "也可以直接提供 Word（.docx）或 Excel（.xlsx）原件。",
        "Reading PDF needs pdfplumber, a dependency of jixiao that is missing (an incomplete install): "
        "pip install pdfplumber. "
        "Or provide the original Word (.docx) or Excel (.xlsx) file.",
    )


def _corrupt(exc: Exception) -> ReadError:
    return ReadError(
        "corrupt_pdf",
        f"PDF 文件已损坏或无法解析（{type(exc).__name__}），请重新导出，或提供 Word/Excel 原件。",
        f"The PDF is damaged or cannot be parsed ({type(exc).__name__}). Export it again, "
        "or provide the original Word/Excel file.",
    )


def read_pdf(path: str, data: bytes, limits: Limits) -> Document:
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect
    except ImportError as exc:
        raise _not_installed() from exc
    doc = Document(path=path, format="pdf")
    chars = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > limits.max_pdf_pages:
                raise ReadError(
                    "too_large",
                    f"PDF 有 {len(pdf.pages)} 页，超过上限 {limits.max_pdf_pages} 页，不像一份绩效目标表。",
                    f"The PDF has {len(pdf.pages)} pages, over the {limits.max_pdf_pages}-page limit.",
                )
            tables = 0
            for number, page in enumerate(pdf.pages, start=1):
                chars += len(page.chars)
                tables = _read_page(doc, page, number, tables)
                if len(doc.rows) > limits.max_rows:
                    raise ReadError(
                        "too_large",
                        f"文件行数过多（超过 {limits.max_rows} 行），已停止读取。",
                        f"More than {limits.max_rows} rows; stopped.",
                    )
    except ReadError:
        raise
    except PDFPasswordIncorrect as exc:
        raise ReadError(
            "encrypted",
            "这是加密（设置了打开密码）的 PDF，无法读取。请提供没有密码的副本，或 Word/Excel 原件。",
            "This PDF is password-protected. Provide a copy without a password, or the Word/Excel original.",
        ) from exc
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds of errors on bad input
        raise _corrupt(exc) from exc
    if chars == 0:  # no text layer: a scan or a photo of the table
        from checker.readers.legacy import scanned

        raise scanned("scanned_pdf")
    return doc


def _read_page(doc: Document, page, number: int, tables: int) -> int:
    """Append one page's tables and lines in top-to-bottom order; return the table count."""
    ref = f"第{number}页"
    found = page.find_tables()
    items: list[tuple[float, int, object]] = []  # (top, kind order, payload)
    for table in found:
        items.append((table.bbox[1], 0, table))
    boxes = [t.bbox for t in found]

    def outside(obj) -> bool:
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    rest = page.filter(outside) if boxes else page
    for line in rest.extract_text_lines(return_chars=False):
        text = line["text"].strip()
        if text:
            items.append((line["top"], 1, text))
    items.sort(key=lambda item: (item[0], item[1]))
    line_no = 0
    for _, _, payload in items:
        if isinstance(payload, str):
            line_no += 1
            doc.rows.append(Row([Cell(payload, Location(line=line_no, ref=ref))], table=None))
            continue
        tables += 1
        for r, cells in enumerate(payload.extract(), start=1):
            row = [
                Cell((text or "").strip(), Location(table=tables, row=r, col=c, ref=ref))
                for c, text in enumerate(cells, start=1)
            ]
            doc.rows.append(Row(row, table=tables))
    return tables
