"""`jixiao parse`: show exactly what was read from a file, form by form."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from checker.model import Money, Submission, Text
from checker.report.i18n import kind_word, t

# Fields shown in the header table of each form, when present; their words are `field.<name>`.
FIELDS = ("unit_name", "project_name", "direction_name", "special_name", "department", "period", "fund_nature",
          "total", "basic", "project", "general_budget", "gov_fund", "fiscal", "other_funds", "special_amount",
          "cost_total", "functions", "goal", "period_goal")
CONTACT_FIELDS = ("filler", "phone", "project_leader", "unit_leader", "seal_unit")


def _show(value, lang: str = "zh") -> str:
    if isinstance(value, Money):
        return f"{value.amount} {value.unit}" + (f" ({value.wan.normalize():f} 万元)" if value.unit == "元" else "")
    if isinstance(value, Text):
        return value.value if value.value else t("parse.empty", lang)
    return str(value)


def render_parsed(sub: Submission, console: Console, lang: str = "zh") -> None:
    if not sub.forms:
        console.print(t("parse.no_forms", lang))
    for i, form in enumerate(sub.forms):
        head = Table(title=f"[{i}] {kind_word(form.kind, lang)} — {form.title}", show_header=False)
        head.add_column(style="bold")
        head.add_column(overflow="fold")
        head.add_row(t("field.year", lang), str(form.year or ""))
        for name in FIELDS:
            value = getattr(form, name, None)
            if value is not None:
                head.add_row(t(f"field.{name}", lang), _show(value, lang))
        for name in CONTACT_FIELDS:
            value = getattr(form.contacts, name)
            if value is not None:
                head.add_row(t(f"field.{name}", lang), _show(value, lang))
        console.print(head)
        if form.indicators:
            table = Table(title=t("parse.indicators", lang))
            for col in ("level1", "level2", "level3", "value", "parsed", "location"):
                table.add_column(t(f"parse.col.{col}", lang), overflow="fold")
            for ind in form.indicators:
                target = ind.target
                parsed = ""
                if target is not None:
                    if target.qualitative:
                        parsed = t("parse.qualitative_graded" if target.graded else "parse.qualitative", lang)
                    elif target.number is not None:
                        parsed = f"{target.op or '='}{target.number}{target.unit or ''}"
                table.add_row(ind.level1_raw or "", ind.level2_raw or "", ind.name, ind.value, parsed,
                              ind.loc.describe(lang) if ind.loc else "")
            console.print(table)
        lines = getattr(form, "cost_lines", None) or []
        if lines:
            table = Table(title=t("parse.cost_lines", lang))
            for col in ("content", "item", "amount", "calculation"):
                table.add_column(t(f"parse.col.{col}", lang), overflow="fold")
            for line in lines:
                table.add_row(line.content, line.item, _show(line.amount, lang) if line.amount else "",
                              line.calculation)
            console.print(table)
        summary_lines = getattr(form, "lines", None) or []
        if summary_lines:
            table = Table(title=t("parse.summary_lines", lang))
            for col in ("seq", "name", "level", "amount"):
                table.add_column(t(f"parse.col.{col}", lang), overflow="fold")
            for line in summary_lines:
                table.add_row(line.seq, line.name, line.level, _show(line.amount, lang) if line.amount else "")
            console.print(table)
        for note in form.notes:
            console.print(f"[yellow]{t('parse.not_read', lang)}[/]: " + note)
    for note in sub.notes:
        console.print(f"[yellow]{t('parse.note', lang)}[/]: " + note)
