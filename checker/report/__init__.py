"""Reports: one module per format, each a streaming reporter, two entry points.

`open_report(fmt, lang, options, output)` returns a Reporter: `add(result)` once per file, in batch
order, writes that file's part of the report to the output (stdout when output is None) and
keeps only small aggregates; `close()` writes the batch summary and finishes the output.
`render(results, fmt, lang, options)` runs the same reporter into memory and returns the whole
report as text (table, json, markdown, html) or bytes (xlsx): one implementation per format.
Annotated copies of the inputs are `checker.report.annotate`.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from checker.model import Result
from checker.report.summary import RunInfo

FORMATS = ("table", "json", "markdown", "html", "xlsx")
ALIASES = {"terminal": "table", "md": "markdown", "excel": "xlsx"}
FILE_WIDTH = 120  # the terminal report written to a file: columns, no colour


@dataclass
class ReportOptions:
    timings: bool = False  # json: include per-file timings and the batch's timing summary
    width: int = 100  # table: columns when rendered to a string
    color: bool = False  # table: ANSI colours when rendered to a string
    title: str | None = None  # html/markdown: heading instead of the default report title
    skipped: list[str] = field(default_factory=list)  # batch notes: files skipped on discovery
    run: RunInfo | None = None  # the configuration the run used (named in every report)


class Reporter(Protocol):
    def add(self, result: Result) -> None: ...

    def close(self) -> None: ...


def _normalise(fmt: str) -> str:
    fmt = ALIASES.get(fmt, fmt)
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r} (known: {', '.join(FORMATS)})")
    return fmt


def _text_reporter(fmt: str, lang: str, options: ReportOptions, out: IO[str], owned: bool, width: int,
                   color: bool) -> Reporter:
    if fmt == "table":
        from checker.report.terminal import TerminalReporter, text_console

        return TerminalReporter(text_console(out, width, color), lang, options.skipped, out, owned)
    if fmt == "json":
        from checker.report.json_report import JsonReporter

        return JsonReporter(lang, out, owned, timings=options.timings, skipped=options.skipped, run=options.run)
    if fmt == "markdown":
        from checker.report.markdown import MarkdownReporter

        return MarkdownReporter(lang, out, owned, skipped=options.skipped, title=options.title)
    from checker.report.html import HtmlReporter

    return HtmlReporter(lang, out, owned, skipped=options.skipped, title=options.title)


class OutputFile:
    """The report's file, written under a temporary name beside it and moved into place by
    commit() only when the report is finished: an interrupted or failed run never leaves a
    truncated report, and the previous one stays until the new one is whole. Creating the
    temporary file up front also proves the location writable before any file is checked."""

    def __init__(self, path: Path):
        self.path = Path(path)
        fd, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".partial", dir=self.path.parent or Path("."))
        os.close(fd)
        self.tmp = Path(name)
        umask = os.umask(0)
        os.umask(umask)
        try:
            os.chmod(self.tmp, 0o666 & ~umask)  # as an ordinary new file would be, not mkstemp's 0600
        except OSError:
            pass

    def commit(self) -> None:
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        try:
            self.tmp.unlink()
        except OSError:
            pass


def open_report_file(fmt: str, lang: str, options: ReportOptions, output: Path) -> tuple[Reporter, OutputFile]:
    """A reporter writing to a temporary file beside `output`; the caller commits or discards it."""
    target = OutputFile(output)
    try:
        reporter = _open(fmt, lang, options, target.tmp)
    except BaseException:
        target.discard()
        raise
    return reporter, target


def open_report(fmt: str, lang: str = "zh", options: ReportOptions | None = None,
                output: Path | None = None) -> Reporter:
    """A streaming reporter for one batch, written straight to `output` (see open_report_file
    for the CLI's write-then-rename)."""
    return _open(fmt, lang, options, output)


def _open(fmt: str, lang: str = "zh", options: ReportOptions | None = None,
          output: Path | None = None) -> Reporter:
    """A streaming reporter for one batch; output None means standard output (not possible for
    xlsx). The terminal report on stdout is coloured when stdout is a terminal; to a file it is
    plain text FILE_WIDTH columns wide."""
    fmt = _normalise(fmt)
    options = options or ReportOptions()
    if fmt == "xlsx":
        if output is None:
            raise ValueError("binary report needs an output file")
        from checker.report.xlsx import XlsxReporter

        reporter: Reporter = XlsxReporter(lang, output, options.skipped)
    elif fmt == "table" and output is None:
        from rich.console import Console

        from checker.report.terminal import TerminalReporter

        reporter = TerminalReporter(Console(), lang, options.skipped)
    elif output is None:
        reporter = _text_reporter(fmt, lang, options, sys.stdout, False, FILE_WIDTH, False)
    else:
        # backslashreplace: nothing a submitter can name makes writing the report fail
        out = open(output, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115  (closed by close())
        reporter = _text_reporter(fmt, lang, options, out, True, FILE_WIDTH, False)
    reporter.run = options.run
    return reporter


def render(results: list[Result], fmt: str, lang: str = "zh", options: ReportOptions | None = None) -> str | bytes:
    """The whole report in memory: the streaming reporter of `fmt` fed every result."""
    fmt = _normalise(fmt)
    options = options or ReportOptions()
    if fmt == "xlsx":
        from checker.report.xlsx import XlsxReporter

        data = io.BytesIO()
        reporter: Reporter = XlsxReporter(lang, data, options.skipped)
    else:
        text = io.StringIO()
        reporter = _text_reporter(fmt, lang, options, text, False, options.width, options.color)
    for result in results:
        reporter.add(result)
    reporter.close()
    return data.getvalue() if fmt == "xlsx" else text.getvalue()
