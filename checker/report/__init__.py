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
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from checker.model import Result

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

        return JsonReporter(lang, out, owned, timings=options.timings, skipped=options.skipped)
    if fmt == "markdown":
        from checker.report.markdown import MarkdownReporter

        return MarkdownReporter(lang, out, owned, skipped=options.skipped, title=options.title)
    from checker.report.html import HtmlReporter

    return HtmlReporter(lang, out, owned, skipped=options.skipped, title=options.title)


def open_report(fmt: str, lang: str = "zh", options: ReportOptions | None = None,
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

        return XlsxReporter(lang, output, options.skipped)
    if fmt == "table" and output is None:
        from rich.console import Console

        from checker.report.terminal import TerminalReporter

        return TerminalReporter(Console(), lang, options.skipped)
    if output is None:
        return _text_reporter(fmt, lang, options, sys.stdout, False, FILE_WIDTH, False)
    out = open(output, "w", encoding="utf-8")  # noqa: SIM115  (closed by the reporter's close())
    return _text_reporter(fmt, lang, options, out, True, FILE_WIDTH, False)


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
