"""Reports: one module per format, two entry points.

`open_report(fmt, lang, options, output)` returns a Reporter: `add(result)` once per file, in batch
order, then `close()` writes the batch summary and finishes the output (stdout when output is None).
`render(results, fmt, lang, options)` returns a whole report as text (table, json, markdown, html)
or bytes (xlsx). Annotated copies of the inputs are `checker.report.annotate`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from checker.model import Result

FORMATS = ("table", "json", "markdown", "html", "xlsx")
ALIASES = {"terminal": "table", "md": "markdown", "excel": "xlsx"}


@dataclass
class ReportOptions:
    timings: bool = False  # json: include per-stage timings
    width: int = 100  # table: columns when rendered to a string
    color: bool = False  # table: ANSI colours when rendered to a string
    title: str | None = None  # html/markdown: heading instead of the default report title
    skipped: list[str] = field(default_factory=list)  # batch notes: files skipped on discovery


def render(results: list[Result], fmt: str, lang: str = "zh", options: ReportOptions | None = None) -> str | bytes:
    options = options or ReportOptions()
    fmt = ALIASES.get(fmt, fmt)
    if fmt == "table":
        from checker.report.terminal import render_text

        return render_text(results, lang, width=options.width, color=options.color)
    if fmt == "json":
        from checker.report.json_report import to_json

        return to_json(results, lang, timings=options.timings)
    if fmt == "markdown":
        from checker.report.markdown import to_markdown

        return to_markdown(results, lang, title=options.title)
    if fmt == "html":
        from checker.report.html import to_html

        return to_html(results, lang, title=options.title)
    if fmt == "xlsx":
        from checker.report.xlsx import to_xlsx

        return to_xlsx(results, lang)
    raise ValueError(f"unknown report format {fmt!r} (known: {', '.join(FORMATS)})")


class Reporter(Protocol):
    def add(self, result: Result) -> None: ...

    def close(self) -> None: ...


class CollectingReporter:
    """Keeps every result and renders the whole report on close()."""

    def __init__(self, fmt: str, lang: str, options: ReportOptions, output: Path | None):
        self.fmt, self.lang, self.options, self.output = ALIASES.get(fmt, fmt), lang, options, output
        self.results: list[Result] = []

    def add(self, result: Result) -> None:
        self.results.append(result)

    def close(self) -> None:
        if self.fmt == "table" and self.output is None:
            from rich.console import Console

            from checker.report.terminal import render_terminal

            render_terminal(self.results, Console(), self.lang)
            return
        if self.fmt == "table":
            payload: str | bytes = render(self.results, self.fmt, self.lang,
                                          ReportOptions(**{**self.options.__dict__, "width": 120}))
        else:
            payload = render(self.results, self.fmt, self.lang, self.options)
        if self.output is None:
            if isinstance(payload, bytes):
                raise ValueError("binary report needs an output file")
            sys.stdout.write(payload)
        elif isinstance(payload, bytes):
            self.output.write_bytes(payload)
        else:
            self.output.write_text(payload, encoding="utf-8")


def open_report(fmt: str, lang: str = "zh", options: ReportOptions | None = None,
                output: Path | None = None) -> Reporter:
    """A reporter for one batch; output None means standard output (not possible for xlsx)."""
    fmt = ALIASES.get(fmt, fmt)
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r} (known: {', '.join(FORMATS)})")
    return CollectingReporter(fmt, lang, options or ReportOptions(), output)
