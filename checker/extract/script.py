"""Traditional characters: the extractor reads simplified text, the model keeps what was written.

Tables copied from Hong Kong, Taiwan or traditional-character mirror sites ("績效自評表", "萬元")
are matched through OpenCC's traditional→simplified conversion, so the vocabulary is written once.
The conversion is done character for character (same length), which lets every string the
extractor takes from a cell be mapped back to the characters the document used.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel

from checker.document import Cell, Document, Row
from checker.model import CostLine, Indicator, Money, PlanItem, SummaryLine, Target, Text

# The strings of the model that are copied from the document ("as written"); parsed or
# canonical fields (Target.unit, Indicator.level1, notes) stay in the vocabulary's script.
_WRITTEN_FIELDS: dict[type, tuple[str, ...]] = {
    Text: ("value",),
    Money: ("raw",),
    Target: ("raw",),
    Indicator: ("name", "value", "level1_raw", "level2_raw", "explanation", "standard"),
    PlanItem: ("period", "content", "owner"),
    CostLine: ("content", "item", "calculation"),
    SummaryLine: ("name", "period_goal", "annual_goal"),
}


@lru_cache(maxsize=1)
def _converter():
    import opencc  # imported on first use: most documents are simplified and never need it

    return opencc.OpenCC("t2s")


def _simplified_same_length(text: str) -> str:
    conv = _converter().convert(text)
    if len(conv) == len(text):
        return conv
    # A phrase rule changed the length: fall back to one character at a time.
    chars = [_converter().convert(ch) for ch in text]
    return "".join(c if len(c) == 1 else ch for c, ch in zip(chars, text))


def simplify_rows(doc: Document) -> tuple[list[Row], dict[int, str]]:
    """The document's rows in simplified characters (the document itself is left as it is),
    and the table that maps a simplified character back to the one the document wrote, for
    the characters the document writes in one way only (empty when it is simplified already)."""
    whole = "\n".join(c.text for r in doc.rows for c in r.cells)
    if not whole or _simplified_same_length(whole) == whole:
        return doc.rows, {}
    written: dict[str, set[str]] = {}
    kept: set[str] = set()
    rows: list[Row] = []
    for row in doc.rows:
        cells = []
        for cell in row.cells:
            conv = _simplified_same_length(cell.text)
            for s, t in zip(conv, cell.text):
                if s != t:
                    written.setdefault(s, set()).add(t)
                else:
                    kept.add(s)
            cells.append(Cell(conv, cell.loc))
        rows.append(Row(cells, row.table))
    # 发 may stand for 發 or 髮, and a document may mix scripts: restore only what is certain.
    return rows, {ord(s): next(iter(ts)) for s, ts in written.items() if len(ts) == 1 and s not in kept}


def restore_written(obj, table: dict[int, str]) -> None:
    """Put the document's own characters back into every as-written string of the model."""
    if not table:
        return
    if isinstance(obj, BaseModel):
        for field in _WRITTEN_FIELDS.get(type(obj), ()):
            value = getattr(obj, field)
            if isinstance(value, str):
                setattr(obj, field, value.translate(table))
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            if isinstance(value, (BaseModel, list)):
                restore_written(value, table)
        if hasattr(obj, "title") and isinstance(obj.title, str):
            obj.title = obj.title.translate(table)
    elif isinstance(obj, list):
        for item in obj:
            restore_written(item, table)
