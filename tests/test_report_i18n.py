"""Every user-facing word exists in Chinese and English, and the English reports use English."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from checker.report import FORMATS, render
from checker.report.i18n import CATALOG, grade_word, severity_word, t
from report_samples import sample_results

ZH_LABELS = ["修改建议", "问题清单", "扣分明细", "分项得分", "读取的表", "等级说明", "未发现问题", "等级分布", "无法读取",
             "读取错误", "规则", "级别"]


def test_catalog_has_both_languages():
    for key, (zh, en) in CATALOG.items():
        assert zh.strip() and en.strip(), key
    assert t("severity.error") == "错误" and t("severity.error", "en") == "error"
    assert severity_word("warning", "zh") == "警告" and grade_word("良", "en") == "良 (good)"
    assert grade_word(None) == "未评定"
    with pytest.raises(KeyError):
        t("no.such.key")


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "json"])
def test_english_reports_carry_no_chinese_labels(fmt):
    out = render(sample_results("en"), fmt, "en")
    if isinstance(out, bytes):
        wb = load_workbook(io.BytesIO(out))
        out = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    for word in ZH_LABELS:
        assert word not in out, (fmt, word)
    zh = render(sample_results("zh"), fmt, "zh")
    if isinstance(zh, bytes):
        wb = load_workbook(io.BytesIO(zh))
        zh = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    assert "修改建议" in zh


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        render(sample_results(), "pdf", "zh")


def test_parse_output_in_english_has_no_chinese_labels():
    from rich.console import Console

    from checker.pipeline import load_submission
    from checker.report.parsed import render_parsed
    from conftest import SEED_004

    sub = load_submission(str(SEED_004))
    out = {}
    for lang in ("zh", "en"):
        console = Console(file=io.StringIO(), width=200, record=True)
        render_parsed(sub, console, lang)
        out[lang] = console.export_text()
    for word in ("（空）", "年度", "填表人", "联系电话", "绩效指标", "一级", "指标值", "专项资金绩效目标汇总表"):
        assert word in out["zh"] and f"│ {word}" not in out["en"] and f"] {word}" not in out["en"], word
    assert "(empty)" in out["en"] and "Filled by" in out["en"] and "department-wide table" in out["en"]
