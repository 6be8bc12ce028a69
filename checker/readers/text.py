"""Plain-text tables: text copied out of Word/web pages/PDFs, in whatever layout it came.

Layouts seen in the wild (see fixtures/):
- tab-separated rows, one table row per line (seed 000);
- Apache Tika output: one cell per line with a leading tab, a blank line between rows,
  a line without the leading tab continuing the previous cell (seed 004);
- pipe tables: `a | b | c` per line, or one `cell |` per line with `|`-only lines
  between rows (HTML tables copied from a page);
- columns aligned with runs of three or more spaces (fixed-width listings, PDF copies);
- free text: space-separated tokens, or name and value run together (PDF copies).
Each line or group becomes a Row; the extractor decides what the cells mean.
"""

from __future__ import annotations

import re
import unicodedata

from charset_normalizer import from_bytes

from checker.document import Cell, Document, ReadError, Row
from checker.model import Location
from checker.readers import (
    DEFAULT_LIMITS,
    Limits,
    invisible_note,
    strip_invisible,
    too_many_cells,
    too_many_chars,
)

# Tika writes Word bookmarks and images into plain text; they are not content.
# [^][\n]: a marker never spans a line or another "[", so an unclosed "[link:" costs one scan to
# the next "[", not one to the end of the text (100,000 of them were minutes).
ARTEFACT_RE = re.compile(r"\[(?:bookmark|image|link):[^\]\[\n]*\]")
# Mirror sites annotate characters with pinyin ("區(qū)域", "學(xué)"): a reading aid, not content.
PINYIN_NOISE_RE = re.compile(r"\((?:[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*)\)")
PINYIN_NOTE = "文本中夹有网页转载加注的拼音（如“區(qū)”），读取时已去除。"
_PIPE_ONLY = re.compile(r"^[\s|]+$")
_SOURCE_RE = re.compile(r"^#\s*source:", re.I)


MIXED_NOTE = "文件中混用了 UTF-8 和 GBK/GB18030 两种文字编码，已逐行识别。"


def decode(data: bytes) -> str:
    """Detect the encoding (UTF-8 with/without BOM, UTF-16, GB18030/GBK) and decode."""
    return decode_with_note(data)[0]


def decode_with_note(data: bytes) -> tuple[str, str | None]:
    """The text, and a note (Chinese) when it had to be decoded line by line."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    # UTF-16 without BOM: many NULs in alternate positions.
    sample = data[:4000]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _cjk_ratio(text[:2000]) > 0.05:
                return text, None
    mixed = _decode_mixed(data)
    if mixed is not None:
        return mixed, MIXED_NOTE
    try:
        # GB18030 is a superset of GBK/GB2312 and decodes any Chinese government text.
        text = data.decode("gb18030")
        if _cjk_ratio(text[:4000]) > 0.05:
            return text, None
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise ReadError(
            "undecodable",
            "无法识别文本编码：文件可能不是文本文件，或已损坏。请另存为 UTF-8 文本、.docx 或 .xlsx 后重试。",
            "Cannot detect the text encoding: the file may not be text, or is damaged. "
            "Save it as UTF-8 text, .docx or .xlsx and try again.",
        )
    return str(best), None


def _decode_mixed(data: bytes) -> str | None:
    """Text pasted together from a UTF-8 and a GBK file: each line in its own encoding.

    A line counts as UTF-8 when it decodes as UTF-8 with at least one character beyond U+07FF
    (Chinese text); a short GBK line can pass for two-byte UTF-8 by chance, a three-byte
    sequence much more rarely. The file is mixed only when such UTF-8 lines are a real share
    of the non-ASCII lines and other lines are not UTF-8 at all; None otherwise."""
    lines = data.split(b"\n")
    decoded: list[str] = []
    utf8 = other = 0
    for line in lines:
        if line.isascii():
            decoded.append(line.decode("ascii"))
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            other += 1
            decoded.append(line.decode("gb18030", errors="replace"))
            continue
        if any(ord(ch) > 0x7FF for ch in text):
            utf8 += 1
            decoded.append(text)
        else:
            decoded.append(line.decode("gb18030", errors="replace"))
    if not other or utf8 < max(2, (utf8 + other) // 10):
        return None
    return "\n".join(decoded)


def _cjk_ratio(text: str) -> float:
    if not text:
        return 0.0
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return cjk / len(text)


def read_text(path: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> Document:
    text, note = decode_with_note(data)
    # Cheap bounds first, before a line or a cell object is built for a 50 MB file.
    if len(text) > limits.max_chars:
        raise too_many_chars(len(text), limits)
    text, removed = strip_invisible(text)
    if text.count("\n") + 1 > limits.max_cells or text.count("\t") + text.count("|") > limits.max_cells:
        raise too_many_cells(max(text.count("\n") + 1, text.count("\t") + text.count("|")), limits)
    doc = parse_text(path, text)
    if note:
        doc.notes.append(note)
    if removed:
        doc.notes.append(invisible_note(removed))
    return doc


def parse_text(path: str, text: str) -> Document:
    doc = Document(path=path, format="txt")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cleaned: list[str] = []
    for no, line in enumerate(lines, start=1):
        if _SOURCE_RE.match(line):
            cleaned.append("")  # provenance line of a fixture, not content
            continue
        for m in ARTEFACT_RE.finditer(line):
            doc.artefacts.append(Cell(m.group(0), Location(line=no)))
        line = ARTEFACT_RE.sub("", line)
        if PINYIN_NOISE_RE.search(line):
            line = PINYIN_NOISE_RE.sub("", line)
            if PINYIN_NOTE not in doc.notes:
                doc.notes.append(PINYIN_NOTE)
        cleaned.append(line)
    layout = detect_layout(cleaned)
    if layout == "tika":
        doc.rows = _rows_tika(cleaned)
    elif layout == "pipe_cells":
        doc.rows = _rows_pipe_cells(cleaned)
    elif layout == "spaces":
        doc.rows = _rows_aligned(cleaned)
    else:
        doc.rows = _rows_by_line(cleaned)
    return doc


def detect_layout(lines: list[str]) -> str:
    """Pick how rows and cells are delimited, from the shape of the lines."""
    nonblank = [ln for ln in lines if ln.strip()]
    if not nonblank:
        return "lines"
    single_tab_cells = sum(1 for ln in nonblank if ln.startswith("\t") and "\t" not in ln[1:])
    multi_tab = sum(1 for ln in nonblank if ln.strip("\t ").count("\t") >= 1)
    pipe_cell_lines = sum(1 for ln in nonblank if ln.rstrip().endswith("|") and ln.count("|") == 1)
    pipe_only = sum(1 for ln in nonblank if _PIPE_ONLY.match(ln))
    if single_tab_cells >= 10 and single_tab_cells > 2 * multi_tab:
        return "tika"
    if pipe_cell_lines >= 5 and pipe_only >= 3 and pipe_cell_lines > multi_tab:
        return "pipe_cells"
    spaced = sum(1 for ln in nonblank if "\t" not in ln and not _is_pipe_row(ln) and _SPACE_GAP.search(ln.strip()))
    if spaced >= 5 and 3 * spaced >= len(nonblank) and 4 * multi_tab < spaced:
        return "spaces"
    return "lines"


# Columns aligned with spaces (text copied from a PDF or a fixed-width listing): a gap of three
# or more spaces separates cells. Two spaces do not: labels are spaced out to a column's width
# ("名  称", "合  计") and words in running text are separated by one.
_SPACE_GAP = re.compile(r"(?<=\S)[ \u3000]{3,}(?=\S)")


_SPACE_SEGMENT = re.compile(r"[^ \u3000]+(?:[ \u3000]{1,2}[^ \u3000]+)*")


def _segments(line: str) -> list[tuple[int, str]]:
    """The cells of an aligned line with the display column each starts at (CJK = 2)."""
    out: list[tuple[int, str]] = []
    width, done = 0, 0
    for m in _SPACE_SEGMENT.finditer(line):
        width += _display_width(line[done:m.start()])
        out.append((width, m.group(0)))
        width += _display_width(m.group(0))
        done = m.end()
    return out


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _rows_aligned(lines: list[str]) -> list[Row]:
    """Columns aligned with spaces. An empty cell is only a wider gap, so cells are placed on one
    column grid for the whole text: every position a cell starts at in a line of two or more
    cells is a column, and a cell goes to the column it starts under. Columns a line skips are
    empty cells, as in a tab-separated copy of the same table, so a value stays under its header."""
    split = {no: _segments(line) for no, line in enumerate(lines, start=1)
             if line.strip() and "\t" not in line and not _is_pipe_row(line)}
    grid = _columns(start for segs in split.values() if len(segs) >= 2 for start, _ in segs)
    rows: list[Row] = []
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        segs = split.get(no)
        if segs is None:
            parts = _split_cells(line)
        elif len(segs) == 1:
            parts = [segs[0][1]]
        else:
            parts = []
            for start, text in segs:
                slot = max(len(parts), grid[start])  # two cells never share a column
                parts += [""] * (slot - len(parts)) + [text]
        rows.append(Row(cells=[Cell(t.strip(), Location(line=no, col=i + 1)) for i, t in enumerate(parts)], table=None))
    return rows


def _columns(starts) -> dict[int, int]:
    """Column index per start position; positions one apart are one column (ambiguous-width
    characters such as ≥ and × print one or two wide)."""
    index: dict[int, int] = {}
    column, previous = -1, None
    for start in sorted(set(starts)):
        if previous is None or start - previous > 1:
            column += 1
        index[start] = column
        previous = start
    return index


def _is_pipe_row(line: str) -> bool:
    """`a | b | c`, `| a | b |`, or two cells `项目名称 | 科普基金` (a lone pipe between words)."""
    return line.count("|") >= 2 or bool(_LONE_PIPE.search(line))


_LONE_PIPE = re.compile(r"\S\s*\|\s*\S")


def _split_cells(line: str) -> list[str]:
    if "\t" in line:
        return line.split("\t")
    if _is_pipe_row(line):
        parts = line.split("|")
        # Pipes on both ends frame the row (`| a | b |`); without the closing one, a leading pipe
        # ends an empty first cell (` |  | 服务对象满意度 | 持续提升`). Inner empty parts are empty cells.
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            parts = parts[1:]
        while parts and not parts[-1].strip():
            parts.pop()
        return [p.strip() for p in parts]
    if line.rstrip().endswith("|"):
        # `项目名称 |`: one cell closed by its pipe (a row wrapped over lines), the pipe is no text
        return [line.rstrip()[:-1].strip()]
    return [line]


def _rows_by_line(lines: list[str]) -> list[Row]:
    rows: list[Row] = []
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cells = [Cell(text.strip(), Location(line=no, col=i + 1)) for i, text in enumerate(_split_cells(line))]
        rows.append(Row(cells=cells, table=None))
    return rows


def _rows_tika(lines: list[str]) -> list[Row]:
    """One cell per line (leading tab), rows separated by blank lines; an untabbed line
    continues the previous cell (a newline inside a Word cell)."""
    rows: list[Row] = []
    current: list[Cell] = []
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            if line == "" and current:
                rows.append(Row(cells=current))
                current = []
            elif line.strip() == "" and line.startswith("\t"):
                # an empty cell inside the row
                current.append(Cell("", Location(line=no, col=len(current) + 1)))
            continue
        if not line.startswith("\t") and current and current[-1].text:
            prev = current[-1]
            current[-1] = Cell(prev.text + "\n" + line.strip(), prev.loc)
            continue
        current.append(Cell(line.strip(), Location(line=no, col=len(current) + 1)))
    if current:
        rows.append(Row(cells=current))
    return rows


def _rows_pipe_cells(lines: list[str]) -> list[Row]:
    """`cell |` per line; a `|`-only line closes the row."""
    rows: list[Row] = []
    current: list[Cell] = []
    for no, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if _PIPE_ONLY.match(stripped):
            if current:
                rows.append(Row(cells=current))
                current = []
            continue
        if stripped.endswith("|") and stripped.count("|") == 1:
            current.append(Cell(stripped[:-1].strip(), Location(line=no, col=len(current) + 1)))
            continue
        # A free line (page chrome, signatures): its own row.
        if current:
            rows.append(Row(cells=current))
            current = []
        rows.append(
            Row(cells=[Cell(t.strip(), Location(line=no, col=i + 1)) for i, t in enumerate(_split_cells(stripped))])
        )
    if current:
        rows.append(Row(cells=current))
    return rows
