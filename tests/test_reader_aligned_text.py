"""Text whose columns are aligned with spaces (a PDF copy, a fixed-width listing) reads like the
tab-separated copy of the same table: the same findings, empty cells included."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from checker.pipeline import check_file
from checker.readers import read_document
from checker.readers.text import detect_layout

GENERATED = Path(__file__).resolve().parent.parent / "fixtures" / "generated"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def aligned(tab_text: str, gap: int = 4) -> str:
    """Pad every column to its widest cell, as a PDF text layer or a listing prints it."""
    rows = [line.split("\t") for line in tab_text.splitlines()]
    widths: dict[int, int] = {}
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths.get(i, 0), _width(cell))
    return "\n".join(
        "".join(cell + " " * (widths[i] - _width(cell) + gap) for i, cell in enumerate(row)).rstrip()
        for row in rows
    )


def _findings(path: Path) -> list[tuple[str, str, str]]:
    result = check_file(str(path))
    assert result.status == "checked", result.error
    return sorted((f.rule, str(f.form), f.message) for f in result.findings)


@pytest.mark.parametrize("name", sorted(p.stem for p in GENERATED.glob("*.txt")))
def test_space_aligned_copy_gives_the_same_findings(tmp_path, name):
    source = GENERATED / f"{name}.txt"
    copy = tmp_path / f"{name}.txt"
    copy.write_text(aligned(source.read_text(encoding="utf-8")), encoding="utf-8")
    assert detect_layout(copy.read_text(encoding="utf-8").splitlines()) == "spaces"
    assert _findings(copy) == _findings(source)


def test_two_spaces_inside_a_label_do_not_split_it_and_empty_cells_keep_their_column(tmp_path):
    rows = ["项目名称\t科普基金\t\t", "一级指标\t二级指标\t三级指标\t指标值"]
    rows += [f"产出指标\t数量指标\t活动场次{i}\t≥{i}场" if i == 1 else f"\t\t活动场次{i}\t≥{i}场" for i in range(1, 6)]
    rows += ["合  计\t12\t\t"]
    path = tmp_path / "t.txt"
    path.write_text(aligned("\n".join(rows)), encoding="utf-8")
    cells = [[c.text for c in row.cells] for row in read_document(str(path)).rows]
    assert cells[-1] == ["合  计", "12"]
    assert cells[2] == ["产出指标", "数量指标", "活动场次1", "≥1场"]
    assert cells[3] == ["", "", "活动场次2", "≥2场"]
