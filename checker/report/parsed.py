"""`jixiao parse`: show exactly what was read from a file, form by form."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from checker.model import Money, Submission, Text
from checker.report.labels import KIND_LABELS, label

# (field, zh, en) shown in the header table of each form, when present.
FIELD_LABELS = [
    ("unit_name", "单位", "Unit"),
    ("project_name", "项目名称", "Project"),
    ("direction_name", "支出方向", "Spending direction"),
    ("special_name", "所属专项", "Special fund"),
    ("department", "主管部门", "Department"),
    ("period", "实施期", "Period"),
    ("fund_nature", "资金性质", "Fund nature"),
    ("total", "资金总额/项目金额/合计", "Total"),
    ("basic", "基本支出", "Basic expenditure"),
    ("project", "项目支出", "Project expenditure"),
    ("general_budget", "一般公共预算拨款", "General budget"),
    ("gov_fund", "政府性基金拨款", "Government fund"),
    ("fiscal", "财政拨款", "Fiscal appropriation"),
    ("other_funds", "其他资金", "Other funds"),
    ("special_amount", "所属专项金额", "Special fund amount"),
    ("cost_total", "支出明细合计", "Cost lines total"),
    ("functions", "职能概述", "Functions"),
    ("goal", "年度绩效目标", "Annual goal"),
    ("period_goal", "实施期绩效目标", "Period goal"),
]


def _show(value) -> str:
    if isinstance(value, Money):
        return f"{value.amount} {value.unit}" + (f" ({value.wan.normalize():f} 万元)" if value.unit == "元" else "")
    if isinstance(value, Text):
        return value.value if value.value else "（空）"
    return str(value)


def render_parsed(sub: Submission, console: Console, lang: str = "zh") -> None:
    en = lang == "en"
    if not sub.forms:
        console.print("未识别出任何绩效目标表。" if not en else "No performance target table recognised.")
    for i, form in enumerate(sub.forms):
        head = Table(title=f"[{i}] {label(KIND_LABELS, form.kind, lang)} — {form.title}", show_header=False)
        head.add_column(style="bold")
        head.add_column(overflow="fold")
        head.add_row("年度" if not en else "Year", str(form.year or ""))
        for name, zh, en_label in FIELD_LABELS:
            value = getattr(form, name, None)
            if value is not None:
                head.add_row(en_label if en else zh, _show(value))
        contacts = form.contacts
        for name, zh, en_label in (("filler", "填表人", "Filled by"), ("phone", "联系电话", "Phone"),
                                   ("project_leader", "项目负责人", "Project lead"),
                                   ("unit_leader", "单位负责人", "Unit head"), ("seal_unit", "盖章单位", "Seal")):
            value = getattr(contacts, name)
            if value is not None:
                head.add_row(en_label if en else zh, _show(value))
        console.print(head)
        if form.indicators:
            table = Table(title="绩效指标" if not en else "Indicators")
            for col in (("一级", "Level 1"), ("二级", "Level 2"), ("三级", "Level 3"), ("指标值", "Value"),
                        ("解析", "Parsed"), ("位置", "Location")):
                table.add_column(col[1] if en else col[0], overflow="fold")
            for ind in form.indicators:
                t = ind.target
                parsed = ""
                if t is not None:
                    if t.qualitative:
                        parsed = ("定性·分级" if t.graded else "定性") if not en else ("qualitative, graded" if t.graded else "qualitative")
                    elif t.number is not None:
                        parsed = f"{t.op or '='}{t.number}{t.unit or ''}"
                table.add_row(ind.level1_raw or "", ind.level2_raw or "", ind.name, ind.value, parsed,
                              ind.loc.describe(lang) if ind.loc else "")
            console.print(table)
        lines = getattr(form, "cost_lines", None) or []
        if lines:
            table = Table(title="支出明细" if not en else "Cost lines")
            for col in (("支出内容", "Content"), ("明细", "Item"), ("金额", "Amount"), ("测算", "Calculation")):
                table.add_column(col[1] if en else col[0], overflow="fold")
            for line in lines:
                table.add_row(line.content, line.item, _show(line.amount) if line.amount else "", line.calculation)
            console.print(table)
        summary_lines = getattr(form, "lines", None) or []
        if summary_lines:
            table = Table(title="汇总行" if not en else "Summary lines")
            for col in (("序号", "No."), ("名称", "Name"), ("层级", "Level"), ("金额", "Amount")):
                table.add_column(col[1] if en else col[0], overflow="fold")
            for line in summary_lines:
                table.add_row(line.seq, line.name, line.level, _show(line.amount) if line.amount else "")
            console.print(table)
        for note in form.notes:
            console.print(("[yellow]未能读取[/]: " if not en else "[yellow]Not read[/]: ") + note)
    for note in sub.notes:
        console.print(("[yellow]注意[/]: " if not en else "[yellow]Note[/]: ") + note)
