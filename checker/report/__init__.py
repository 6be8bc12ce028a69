"""Reports: one module per format, one entry point.

`render(results, fmt, lang, options)` returns the report as text (table, json, markdown, html) or
bytes (xlsx). Annotated copies of the inputs are `checker.report.annotate`.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.model import Result

FORMATS = ("table", "json", "markdown", "html", "xlsx")
ALIASES = {"terminal": "table", "md": "markdown", "excel": "xlsx"}


@dataclass
class ReportOptions:
    timings: bool = False  # json: include per-stage timings
    width: int = 100  # table: columns when rendered to a string
    color: bool = False  # table: ANSI colours when rendered to a string
    title: str | None = None  # html/markdown: heading instead of the default report title


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
