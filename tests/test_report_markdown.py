"""Markdown report: golden output; document text cannot break tables or inject HTML/markup."""

from __future__ import annotations

import re

import pytest

import checker.report.markdown as markdown
from checker.report import render
from report_samples import check_golden, hostile_result, sample_results


@pytest.fixture(autouse=True)
def fixed_version(monkeypatch):
    monkeypatch.setattr(markdown, "__version__", "0.0.0-test")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_golden(lang):
    check_golden(f"report.{lang}.md", render(sample_results(lang), "markdown", lang))


def test_is_deterministic():
    assert render(sample_results(), "md", "zh") == render(sample_results(), "markdown", "zh")


def test_sections_and_figures():
    out = render(sample_results(), "markdown", "zh")
    for expected in ("# 预算绩效目标表检查报告", "**等级**: 中", "80 / 100", "| 完整性 | 23 | 25 |", "650.17",
                     "#### 第1张表：部门整体支出绩效目标表", "| A01 | 错误 | 表1 第3行 第2列 |", "### 扣分明细",
                     "| 适当性 | A01 | -8 |", "| 等级分布 | 优 1，良 0，中 1，差 0，未评定 1 |", "修改建议"):
        assert expected in out, expected


def _cells(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line)) - 1


def test_hostile_text_stays_inside_its_cell_and_is_not_html():
    out = render([hostile_result()], "markdown", "zh")
    assert "<script" not in out and "<img" not in out and "<b>" not in out
    assert not re.search(r"(?<!\\)\]\(", out)  # link syntax is escaped: \[x\](...)
    assert "\\[x\\](javascript:" in out
    for line in out.splitlines():
        if line.startswith("| T0"):
            assert _cells(line) == 5, line
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in out
    assert "\x01" not in out and "\r" not in out
