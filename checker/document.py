"""The reader's output: rows of cells in reading order, each cell with its location.

A reader knows one file format and nothing about budgets; the extractor reads only this.
Tables keep their number (`table`), paragraphs between tables have `table is None`.
A merged cell's text appears once, at its top-left position; the other positions of its
span are empty cells (or absent), never copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checker.model import Location


@dataclass(slots=True)
class Cell:
    text: str
    loc: Location


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    table: int | None = None  # None: a paragraph / free text line

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def nonempty(self) -> list[Cell]:
        return [c for c in self.cells if c.text.strip()]


@dataclass
class Document:
    path: str
    format: str  # txt / docx / xlsx / pdf
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # reader remarks, Chinese
    artefacts: list[Cell] = field(default_factory=list)  # stripped extraction artefacts


class ReadError(Exception):
    """An input that cannot be read. `code` is stable; messages are zh and en."""

    def __init__(self, code: str, zh: str, en: str):
        super().__init__(zh)
        self.code = code
        self.zh = zh
        self.en = en

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh
