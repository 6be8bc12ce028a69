"""Terminal report: golden output, 80 columns, no colour, severity as words, hostile text."""

from __future__ import annotations

import io
import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from checker.report import ReportOptions, render
from checker.report.grid import wrap
from checker.report.terminal import render_terminal, render_text
from report_samples import HOSTILE, check_golden, hostile_result, sample_results

ANSI = re.compile(r"\x1b\[")


@pytest.mark.parametrize("lang,width", [("zh", 100), ("en", 100), ("zh", 80), ("en", 80)])
def test_golden(lang, width):
    check_golden(f"terminal.{lang}.{width}.txt", render_text(sample_results(lang), lang, width=width))


def test_render_entry_point_matches_render_text():
    results = sample_results()
    assert render(results, "table", "zh", ReportOptions(width=90)) == render_text(results, "zh", width=90)
    assert render(results, "terminal", "zh", ReportOptions(width=90)) == render_text(results, "zh", width=90)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fits_80_columns_recorded(lang):
    console = Console(width=80, record=True, file=io.StringIO(), no_color=True)
    render_terminal(sample_results(lang) + [hostile_result()], console, lang)
    text = console.export_text()
    lines = text.splitlines()
    assert len(lines) > 50
    too_wide = [line for line in lines if cell_len(line) > 80]
    assert not too_wide, too_wide[:3]


def test_header_panel_shows_file_grade_score_dimensions_and_forms():
    text = render_text(sample_results()[:1], "zh", width=100)
    head = text.split("整个文件")[0]
    for expected in ("submissions/六盘水市科协_2024.docx", "等级", "中", "退回修改", "得分", "80 / 100",
                     "完整性 23/25", "相关性 23/25", "适当性 17/25", "可行性 17/25", "部门整体支出绩效目标表",
                     "650.17 万元", "21 项指标", "75.00 万元", "等级说明", "A01"):
        assert expected in head, expected


def test_findings_grouped_by_form_and_sorted_by_severity():
    text = render_text(sample_results()[:1], "zh", width=120)
    whole = text.index("整个文件")
    form1 = text.index("第1张表：部门整体支出绩效目标表")
    form2 = text.index("第2张表：项目支出绩效目标表")
    assert whole < form1 < form2
    section1 = text[form1:form2]
    assert section1.index("A01") < section1.index("Q12") < section1.index("S12")  # 错误 before 警告
    section2 = text[form2:]
    assert section2.index("Q04") < section2.index("K02")  # 警告 before 提示
    for head in ("规则", "级别", "位置", "问题", "修改建议"):
        assert head in section1


def test_severity_is_a_word_without_colour(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    buf = io.StringIO()
    render_terminal(sample_results(), Console(file=buf, width=100, force_terminal=True), "zh")
    out = buf.getvalue()
    assert not ANSI.search(out.replace("\x1b[1m", "").replace("\x1b[0m", "").replace("\x1b[2m", ""))
    assert "错误" in out and "警告" in out and "提示" in out
    en = render_text(sample_results("en"), "en", width=100)
    assert " error " in en and " warning " in en and " info " in en


def test_colour_is_added_not_substituted():
    out = render_text(sample_results(), "zh", width=100, color=True)
    assert ANSI.search(out)
    assert "错误" in out


def test_plain_text_for_pipes_has_no_escape_codes():
    out = render_text(sample_results(), "zh", width=100)
    assert not ANSI.search(out)


def test_summary_counts_and_grade_distribution():
    out = render_text(sample_results(), "zh", width=100)
    summary = out[out.rindex("汇总"):]
    assert "文件      3" in summary
    assert "已检查    2" in summary
    assert "无法读取  1" in summary
    assert "错误 1  警告 7  提示 1" in summary
    assert "优 1  良 0  中 1  差 0  未评定 1" in summary
    worst = summary.index("各文件结果")
    order = [summary.index(p, worst) for p in ("旧版表格.doc", "六盘水市科协_2024.docx", "石峰区科协_2023.xlsx")]
    assert order == sorted(order)


def test_unreadable_file_shows_the_error_and_no_grade():
    out = render_text(sample_results()[2:], "zh", width=100)
    assert "读取错误" in out and "不支持 .doc 格式" in out and "不评定等级" in out
    assert "得分" not in out.split("汇总")[0]


def test_every_finding_is_shown_in_full():
    results = sample_results()
    out = render_text(results, "zh", width=80)
    squashed = re.sub(r"[\s│]", "", out)
    for f in results[0].findings:
        assert re.sub(r"\s", "", f.message) in squashed or _cells_contain(out, f.message)


def _cells_contain(out: str, message: str) -> bool:
    # a wrapped cell: its pieces appear in order in the problem column's lines
    pieces = [line.split("│")[4].strip() for line in out.splitlines() if line.count("│") == 6]
    return re.sub(r"\s", "", message) in "".join(pieces).replace(" ", "")


def test_hostile_text_cannot_reach_the_terminal_as_control_codes():
    r = hostile_result()
    r.findings[0].message = "\x1b[2J\x1b]0;pwned\x07清屏"
    r.path = "evil\x1b[31m.xlsx"
    out = render_text([r], "zh", width=100)
    assert "\x1b" not in out and "\x07" not in out
    assert "清屏" in out and "[2J" in out  # shown as text, harmless without ESC
    markup = render_text([hostile_result()], "zh", width=100)
    assert "onerror" in markup  # rich markup in document text is shown, not interpreted
    for text in HOSTILE[:2]:
        assert text[:8] in markup


@pytest.mark.parametrize("text,width", [
    ("资金总额 650.17 万元 ≠ 基本支出 563.89 + 项目支出 80.00 = 643.89 万元（差 6.28 万元）", 12),
    ("Total 650.17 differs from basic 563.89 plus project 80.00", 10),
    ("x" * 50, 7),
    ("写成“≥90%”这样的下限。第二段\n第三段", 9),
    ("", 5),
])
def test_wrap_respects_width_and_loses_nothing(text, width):
    lines = wrap(text, width)
    assert all(cell_len(line) <= width for line in lines)
    assert re.sub(r"\s", "", "".join(lines)) == re.sub(r"\s", "", text)


def test_wrap_keeps_short_words_and_punctuation_together():
    assert wrap("表1 第3行 第2列", 12) == ["表1 第3行", "第2列"]
    assert all(not line.startswith(("，", "。")) for line in wrap("核对资金总额、基本支出和项目支出，使资金总额等于两者之和。", 7))
