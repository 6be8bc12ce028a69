"""The default report: rich tables a person reads in a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from checker.model import Result, form_total, wan_str
from checker.report.labels import KIND_LABELS, SEVERITY_LABELS, label

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def render_terminal(results: list[Result], console: Console, lang: str = "zh") -> None:
    for result in results:
        _render_one(result, console, lang)
    _render_summary(results, console, lang)


def _render_one(result: Result, console: Console, lang: str) -> None:
    console.rule(f"[bold]{result.path}")
    if result.status == "error":
        head = "无法读取" if lang != "en" else "Could not read"
        console.print(f"[bold red]{head}[/]: {result.error.message if result.error else ''}")
        return
    sub = result.submission
    forms = Table(title="读取的表" if lang != "en" else "Forms read", show_lines=False)
    for col in (("#", "#"), ("类型", "Kind"), ("标题", "Title"), ("年度", "Year"), ("单位", "Unit"),
                ("金额(万元)", "Total (10k yuan)"), ("指标数", "Indicators")):
        forms.add_column(col[1] if lang == "en" else col[0])
    for i, form in enumerate(sub.forms if sub else []):
        total = form_total(form)
        forms.add_row(
            str(i),
            label(KIND_LABELS, form.kind, lang),
            form.title,
            str(form.year or ""),
            form.unit_name.value if form.unit_name else "",
            wan_str(total.wan) if total else "",
            str(len(form.indicators)),
        )
    console.print(forms)
    if sub and sub.notes:
        for note in sub.notes:
            console.print(f"[yellow]注意[/]: {note}" if lang != "en" else f"[yellow]Note[/]: {note}")
    if result.grade:
        console.print(f"等级 {result.grade}  得分 {result.score}" if lang != "en"
                      else f"Grade {result.grade}  score {result.score}")
    if not result.findings:
        console.print("未发现问题。" if lang != "en" else "No findings.")
        return
    table = Table(show_lines=True)
    heads = ("规则", "级别", "位置", "问题", "修改建议") if lang != "en" else ("Rule", "Level", "Location", "Problem", "Fix")
    for h in heads:
        table.add_column(h, overflow="fold")
    for f in sorted(result.findings, key=lambda f: (f.form if f.form is not None else -1, SEVERITY_ORDER[f.severity], f.rule)):
        table.add_row(f.rule, label(SEVERITY_LABELS, f.severity, lang), f.location, f.message, f.fix)
    console.print(table)


def _render_summary(results: list[Result], console: Console, lang: str) -> None:
    checked = sum(1 for r in results if r.status == "checked")
    errors = len(results) - checked
    findings = sum(len(r.findings) for r in results)
    if lang == "en":
        console.print(f"{len(results)} files: {checked} checked, {errors} unreadable, {findings} findings.")
    else:
        console.print(f"共 {len(results)} 个文件：已检查 {checked} 个，无法读取 {errors} 个，问题 {findings} 条。")
