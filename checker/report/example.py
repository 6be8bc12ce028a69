"""`jixiao explain`'s examples: the rows of a rule's case table that matter, not the whole table.

A case table is read by the real text reader (so every text layout shows as rows of cells); the
CLI checks the failing one with the real pipeline. The excerpt keeps the rows a finding points at
and the rows where the failing and the passing table differ, with a row of context around them.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from checker.model import Finding
from checker.readers.text import parse_text

CELL_SEPARATOR = " │ "
SAME_TABLE_RATIO = 0.5  # difflib's similarity of two case tables' rows


@dataclass(frozen=True)
class ExampleRow:
    lines: frozenset[int]  # the text lines the row was read from
    text: str  # its non-empty cells, joined by CELL_SEPARATOR


@dataclass(frozen=True)
class ShownRow:
    row: ExampleRow | None  # None: rows left out here
    focus: bool = False  # a finding points at it, or the other example differs here


def example_rows(text: str) -> list[ExampleRow]:
    rows = []
    for row in parse_text("example.txt", text).rows:
        cells = row.nonempty()
        if cells:
            lines = frozenset(c.loc.line for c in cells if c.loc.line is not None)
            rows.append(ExampleRow(lines, CELL_SEPARATOR.join(c.text.strip() for c in cells)))
    return rows


def differing_rows(a: list[ExampleRow], b: list[ExampleRow]) -> tuple[set[int], set[int], set[int], set[int]]:
    """Rows of a and of b the other table does not have (focus), and where one table only lacks
    rows, the row before the gap in the other (an anchor, shown without focus). Two tables that
    share less than half their rows are different documents: nothing is marked."""
    focus_a: set[int] = set()
    focus_b: set[int] = set()
    anchor_a: set[int] = set()
    anchor_b: set[int] = set()
    matcher = SequenceMatcher(None, [r.text for r in a], [r.text for r in b], autojunk=False)
    if matcher.ratio() < SAME_TABLE_RATIO:
        return focus_a, anchor_a, focus_b, anchor_b
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        focus_a.update(range(i1, i2))
        focus_b.update(range(j1, j2))
        if i1 == i2:
            anchor_a.add(max(i1 - 1, 0))
        if j1 == j2:
            anchor_b.add(max(j1 - 1, 0))
    return focus_a, anchor_a, focus_b, anchor_b


def rows_at(rows: list[ExampleRow], findings: list[Finding]) -> set[int]:
    lines = {f.loc.line for f in findings if f.loc is not None and f.loc.line is not None}
    return {i for i, row in enumerate(rows) if row.lines & lines}


def excerpt(rows: list[ExampleRow], focus: set[int], anchors: frozenset[int] | set[int] = frozenset(), context: int = 1,
            limit: int = 30) -> list[ShownRow]:
    """The focus rows and their context in table order, a gap marker where rows are left out;
    the first `limit` rows when nothing is in focus (then the table itself is the example)."""
    if not focus and not anchors:
        shown = [ShownRow(r) for r in rows[:limit]]
        return shown + ([ShownRow(None)] if len(rows) > limit else [])
    keep: set[int] = set()
    for i in focus | set(anchors):
        keep.update(range(max(i - context, 0), min(i + context + 1, len(rows))))
    out: list[ShownRow] = []
    previous = -1
    for i in sorted(keep)[:limit]:
        if i > previous + 1:
            out.append(ShownRow(None))
        out.append(ShownRow(rows[i], focus=i in focus))
        previous = i
    if previous < len(rows) - 1:
        out.append(ShownRow(None))
    return out
