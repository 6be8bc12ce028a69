"""Streaming reporters: open_report() writes each file's part as it is added and the batch summary
on close, with the same output as render(); the batch summary's content in every format."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import Counter
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from rich.console import Console

import checker.model as model
import checker.report.html as html_report
import checker.report.json_report as json_report
import checker.report.markdown as markdown
from checker.model import FileError, Result
from checker.report import FORMATS, ReportOptions, open_report, render
from checker.report.grid import Column, Grid, print_long
from checker.report.json_report import Items, result_dict, summary_fields
from checker.report.summary import BaseReporter, BatchSummary
from test_report_xlsx import dump
from report_samples import HOSTILE, department_form, finding, hostile_result, sample_results

SKIPPED = ["跳过Office 临时文件：submissions/~$六盘水市科协_2024.docx",
           "跳过隐藏文件：submissions/.草稿.docx"]


@pytest.fixture(autouse=True)
def fixed_version(monkeypatch):
    for module in (html_report, json_report, markdown):
        monkeypatch.setattr(module, "__version__", "0.0.0-test")


def _result(path: str, unit: str | None, rules: list[str], grade: str | None = None, score: float | None = None,
            status: str = "checked") -> Result:
    """A result with one finding per rule id in `rules` (repeats allowed), graded as given."""
    from checker.model import Submission

    forms = [department_form(unit)] if unit is not None else [department_form("")]
    if unit is None:
        forms[0].unit_name = None
    findings = [finding(rule, "warning", "完整性", f"{rule} 第{i}处", "改正", 0) for i, rule in enumerate(rules)]
    for f in findings:
        f.title = f"{f.rule} 的标题"
    return Result(path=path, status=status, submission=Submission(forms=forms) if status == "checked" else None,
                  findings=findings, grade=grade, score=score,
                  error=FileError(code="x", message="坏文件") if status == "error" else None)


def batch() -> list[Result]:
    """Five files: X fires 5 times in one file, Y once in each of three; two units, one unit
    with 优 and 差, and an unreadable file with no unit."""
    return [
        _result("a/1.docx", "甲单位", ["X"] * 5 + ["Y"], "优", 92),
        _result("a/2.docx", "甲单位", ["Y"], "差", 40),
        _result("b/3.docx", "乙单位", ["Y", "Z"], "良", 85),
        _result("b/4.docx", "乙单位", [], "良", 88),
        _result("c/5.doc", None, [], status="error"),
    ]


def baseline_batch() -> list[Result]:
    results = sample_results()
    for i, f in enumerate(results[0].findings):
        f.baseline = "new" if i < 3 else "open"
    results[1].fixed = [finding("A01", "error", "适当性", "资金总额 650.17 万元 ≠ 643.89 万元", "核对资金总额。", 0)]
    return results


def feed(reporter, results):
    for r in results:
        reporter.add(r)
    reporter.close()


# ---------------------------------------------------------------- streaming == render


@pytest.mark.parametrize("fmt", ["json", "markdown", "html"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_streamed_file_has_the_bytes_of_render(fmt, lang, tmp_path):
    results = sample_results(lang) + batch()
    options = ReportOptions(skipped=SKIPPED)
    out = tmp_path / f"report.{fmt}"
    feed(open_report(fmt, lang, options, out), results)
    assert out.read_bytes() == render(results, fmt, lang, options).encode("utf-8")


def test_streamed_terminal_file_is_the_120_column_plain_render(tmp_path):
    results = sample_results() + batch()
    out = tmp_path / "report.txt"
    feed(open_report("table", "zh", ReportOptions(skipped=SKIPPED), out), results)
    expected = render(results, "table", "zh", ReportOptions(width=120, skipped=SKIPPED))
    assert out.read_text(encoding="utf-8") == expected
    assert "\x1b[" not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_streamed_xlsx_has_the_cells_of_render(lang, tmp_path):
    results = baseline_batch() + batch()
    out = tmp_path / "report.xlsx"
    feed(open_report("xlsx", lang, ReportOptions(skipped=SKIPPED), out), results)
    assert dump(out.read_bytes()) == dump(render(results, "xlsx", lang, ReportOptions(skipped=SKIPPED)))


@pytest.mark.parametrize("fmt", ["json", "markdown", "html", "table"])
def test_each_add_writes_its_file_before_the_next_arrives(fmt, capsys):
    results = sample_results()
    reporter = open_report(fmt, "zh", ReportOptions(), None)  # stdout, captured
    reporter.add(results[0])
    first = capsys.readouterr().out
    assert "六盘水市科协" in first and "石峰区科协" not in first
    reporter.add(results[1])
    second = capsys.readouterr().out
    assert "石峰区科协" in second and "六盘水市科协" not in second
    reporter.add(results[2])
    third = capsys.readouterr().out
    assert "旧版表格.doc" in third and "石峰区科协" not in third
    reporter.close()
    end = capsys.readouterr().out  # the batch summary, only now
    assert '"summary"' in end if fmt == "json" else "汇总" in end


def test_stdout_report_is_the_same_text_as_render(capsys):
    results = sample_results()
    for fmt in ("json", "markdown", "html"):
        feed(open_report(fmt, "zh", ReportOptions(), None), results)
        assert capsys.readouterr().out == render(results, fmt, "zh")


def test_xlsx_needs_an_output_file():
    with pytest.raises(ValueError):
        open_report("xlsx", "zh", ReportOptions(), None)


@pytest.mark.parametrize("fmt", FORMATS)
def test_reporter_drops_each_result_after_add(fmt, tmp_path):
    import gc
    import weakref

    reporter = open_report(fmt, "zh", ReportOptions(), tmp_path / f"report.{fmt}")
    assert isinstance(reporter, BaseReporter)
    refs = []
    for result in sample_results() + batch():
        refs.append(weakref.ref(result))
        reporter.add(result)
    del result
    gc.collect()
    assert [ref() for ref in refs if ref() is not None] == []  # nothing kept for the summary
    reporter.close()


# ---------------------------------------------------------------- JSON: exact bytes, additive keys


def _whole_document(results: list[Result], timings: bool = False, skipped: list[str] | None = None) -> str:
    """What the streamed JSON must equal: json.dumps of the whole document at once."""
    summary = BatchSummary()
    for r in results:
        summary.add(r)
        if r.timings:  # the reporter times its own add() as the "report" stage (clock patched to 0)
            summary.add_timings({"report": 0.0})
    fields = {k: (list(v.items) if isinstance(v, Items) else v)
              for k, v in summary_fields(summary, skipped or [], timings)}
    doc = {"schema_version": 1, "tool": {"name": "jixiao", "version": "0.0.0-test"},
           "results": [result_dict(r, timings) for r in results], "summary": fields}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _timed(results: list[Result]) -> list[Result]:
    for n, r in enumerate(results):
        r.timings = {"read": 0.01 * (n + 1), "extract": 0.02, "facts": 0.03, "engine": 0.5 / (n + 1),
                     "grading": 0.001}
    return results


@pytest.mark.parametrize("case", ["empty", "one", "samples", "batch", "baseline", "timings"])
def test_json_stream_is_json_dumps_of_the_whole_document(case, monkeypatch):
    monkeypatch.setattr(BaseReporter, "clock", staticmethod(lambda: 0.0))
    results = {"empty": [], "one": sample_results()[:1], "samples": sample_results(), "batch": batch(),
               "baseline": baseline_batch(), "timings": _timed(sample_results())}[case]
    timings = case == "timings"
    out = render(results, "json", "zh", ReportOptions(timings=timings, skipped=SKIPPED))
    assert out == _whole_document(results, timings, SKIPPED)
    json.loads(out)


def test_json_summary_keeps_the_original_keys_and_only_adds():
    results = sample_results() + batch()
    summary = json.loads(render(results, "json", "zh"))["summary"]
    grades = Counter(r.grade for r in results if r.grade)
    severities = Counter(f.severity for r in results for f in r.findings)
    assert list(summary)[:5] == ["files", "checked", "errors", "findings", "grades"]
    assert summary["files"] == len(results)
    assert summary["checked"] == sum(1 for r in results if r.status == "checked")
    assert summary["errors"] == sum(1 for r in results if r.status == "error")
    assert summary["findings"] == {s: severities.get(s, 0) for s in ("error", "warning", "info")}
    assert summary["grades"] == dict(sorted(grades.items()))
    assert set(summary) == {"files", "checked", "errors", "findings", "grades", "ungraded", "top_rules", "units",
                            "skipped"}  # no baseline, no timings by default


def test_default_json_has_no_timings_even_when_results_carry_them():
    results = _timed(sample_results())
    a = render(results, "json", "zh")
    assert "timings" not in a and "seconds" not in a
    assert a == render(_timed(sample_results()), "json", "zh")
    doc = json.loads(render(results, "json", "zh", ReportOptions(timings=True)))
    assert doc["results"][0]["timings"]["engine"] == 0.5
    stages = ["read", "extract", "facts", "engine", "grading", "report"]
    assert list(doc["summary"]["timings"]["stages"]) == stages
    assert doc["summary"]["timings"]["stages"]["engine"] == round(0.5 + 0.25 + 0.5 / 3, 6)
    assert [s["path"] for s in doc["summary"]["timings"]["slowest"]][0] == results[0].path


# ---------------------------------------------------------------- the summary's content


def test_top_rules_are_counted_by_files_not_findings():
    doc = json.loads(render(batch(), "json", "zh"))
    top = doc["summary"]["top_rules"]
    assert [(r["rule"], r["files"], r["findings"]) for r in top] == [("Y", 3, 3), ("X", 1, 5), ("Z", 1, 1)]
    assert top[0]["title"] == "Y 的标题"


def test_units_show_files_and_worst_grade():
    doc = json.loads(render(batch(), "json", "zh"))
    assert doc["summary"]["units"] == [
        {"unit": "甲单位", "files": 2, "findings": 7, "worst_grade": "差"},
        {"unit": "乙单位", "files": 2, "findings": 2, "worst_grade": "良"},
        {"unit": None, "files": 1, "findings": 0, "worst_grade": None},
    ]
    assert doc["summary"]["ungraded"] == 1


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_summary_tables_in_text_formats(fmt):
    out = render(batch(), fmt, "zh", ReportOptions(width=120, skipped=SKIPPED))
    text = _text(out, fmt)
    summary = text[text.rindex("汇总"):]
    for expected in ("常见问题（按涉及文件数）", "Y 的标题", "各单位", "甲单位", "乙单位", "（未识别单位）", "跳过的文件",
                     "~$六盘水市科协_2024.docx", ".草稿.docx", "各文件结果（由差到好）"):
        assert expected in summary, (fmt, expected)
    rows = _rows(summary)
    assert ["Y", "Y 的标题", "3", "3"] in rows and ["X", "X 的标题", "1", "5"] in rows
    assert rows.index(["Y", "Y 的标题", "3", "3"]) < rows.index(["X", "X 的标题", "1", "5"])
    assert ["甲单位", "2", "7", "差"] in rows and ["乙单位", "2", "2", "良"] in rows
    assert ["（未识别单位）", "1", "0", "未评定"] in rows


def test_summary_sheet_in_xlsx():
    wb = load_workbook(io.BytesIO(render(batch(), "xlsx", "zh", ReportOptions(skipped=SKIPPED))))
    assert wb.sheetnames == ["汇总", "问题清单", "扣分明细", "批次汇总"]
    ws = wb["批次汇总"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:F{ws.max_row}"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert ["汇总", "文件", None, None, 5, None] in rows
    assert ["等级分布", "未评定", None, None, 1, None] in rows
    assert ["问题", "警告", None, None, 3, 9] in rows  # 3 files with warnings, 9 warnings
    assert ["常见问题（按涉及文件数）", "Y", "Y 的标题", None, 3, 3] in rows
    assert ["各单位", "甲单位", None, "差", 2, 7] in rows
    assert ["各单位", "（未识别单位）", None, "未评定", 1, 0] in rows
    assert [["跳过的文件", n, None, None, None, None] in rows for n in SKIPPED] == [True, True]


def test_single_file_report_has_no_batch_tables():
    for fmt in ("table", "markdown", "html"):
        text = _text(render(sample_results()[:1], fmt, "zh"), fmt)
        assert "各单位" not in text and "常见问题" not in text and "各文件结果" not in text, fmt
        assert "等级分布" in text


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_baseline_marks_counts_and_fixed_list(fmt):
    out = render(baseline_batch(), fmt, "zh", ReportOptions(width=140))
    text = _text(out, fmt)
    rows = _rows(text)
    assert any(row[:3] == ["A01", "错误", "新增"] for row in rows), fmt  # the 对比 column
    assert sum(1 for row in rows if len(row) == 6 and row[2] == "仍存在") == 6
    fixed = text.index("已修复（上次有、本次没有）")
    assert "资金总额 650.17 万元 ≠ 643.89 万元" in text[fixed:]
    summary = text[text.rindex("汇总"):]
    assert re.search(r"新增 3\W+仍存在 6\W+已修复 1", summary), fmt


def test_baseline_in_json_and_xlsx():
    results = baseline_batch()
    doc = json.loads(render(results, "json", "zh"))
    assert doc["summary"]["baseline"] == {"new": 3, "open": 6, "fixed": 1}
    assert [f["baseline"] for f in doc["results"][0]["findings"]].count("new") == 3
    assert doc["results"][1]["fixed"][0]["rule"] == "A01"
    assert "fixed" not in doc["results"][2]
    wb = load_workbook(io.BytesIO(render(results, "xlsx", "zh")))
    assert wb.sheetnames == ["汇总", "问题清单", "扣分明细", "批次汇总", "已修复"]
    findings = [[c.value for c in row] for row in wb["问题清单"].iter_rows()]
    assert findings[0][-1] == "对比" and Counter(r[-1] for r in findings[1:]) == {"新增": 3, "仍存在": 6}
    fixed = [[c.value for c in row] for row in wb["已修复"].iter_rows()]
    assert fixed[1][:3] == ["submissions/石峰区科协_2023.xlsx", "A01", "错误"]
    assert wb["已修复"].freeze_panes == "A2" and wb["已修复"].auto_filter.ref == "A1:F2"
    batch_rows = [[c.value for c in row] for row in wb["批次汇总"].iter_rows()]
    assert ["与上次对比", "已修复", None, None, None, 1] in batch_rows


@pytest.mark.skipif(not hasattr(model, "BaselineMark"), reason="Result.baseline not in the model yet")
def test_baseline_mark_counts_open_findings_hidden_by_only_new():
    results = baseline_batch()
    flawed = results[0]
    flawed.findings = [f for f in flawed.findings if f.baseline == "new"]  # --only-new
    flawed.baseline = model.BaselineMark(match="path", new=3, open=6, fixed=0)
    results[1].baseline = model.BaselineMark(match="name", new=0, open=0, fixed=1)
    doc = json.loads(render(results, "json", "zh"))
    assert doc["summary"]["baseline"] == {"new": 3, "open": 6, "fixed": 1}
    assert doc["results"][0]["baseline"]["match"] == "path"
    text = render(results, "table", "zh", ReportOptions(width=120))
    assert "新增 3  仍存在 6  已修复 1" in text[text.rindex("汇总"):]


def test_no_baseline_no_marks():
    for fmt in ("table", "markdown", "html"):
        text = _text(render(sample_results(), fmt, "zh"), fmt)
        assert "对比" not in text and "新增" not in text and "已修复" not in text, fmt


@pytest.mark.parametrize("fmt", ["table", "html"])
def test_timings_in_terminal_and_html_when_results_carry_them(fmt, monkeypatch):
    ticks = iter(range(1000))
    monkeypatch.setattr(BaseReporter, "clock", staticmethod(lambda: next(ticks) * 0.004))
    text = _text(render(_timed(sample_results()), fmt, "zh", ReportOptions(width=120)), fmt)
    stages = text.index("各阶段耗时（全批合计）")
    slowest = text.index("最慢的文件")
    rows = _rows(text[stages:])
    assert ["规则引擎", "0.917", "80.3%"] in rows  # 0.5 + 0.25 + 0.1667 s of 1.1417 s
    assert ["报告输出", "0.012", "1.1%"] in rows  # 3 files x 4 ms, measured by the reporter
    slow = _rows(text[slowest:])
    assert slow[1] == ["submissions/六盘水市科协_2024.docx", "0.561"]
    assert "各阶段耗时" not in _text(render(sample_results(), fmt, "zh"), fmt)  # no timings, no section


def test_timings_never_in_markdown_or_xlsx():
    results = _timed(sample_results())
    assert "各阶段耗时" not in render(results, "markdown", "zh")
    wb = load_workbook(io.BytesIO(render(results, "xlsx", "zh")))
    assert not any("耗时" in str(c.value) for ws in wb for row in ws.iter_rows() for c in row)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f not in ("json", "xlsx")])
def test_english_summary(fmt):
    text = _text(render(batch(), fmt, "en", ReportOptions(width=120)), fmt)
    for expected in ("Most frequent rules (by files)", "Units", "(unit not recognised)", "Worst grade"):
        assert expected in text, expected
    for word in ("常见问题", "各单位", "未识别单位", "最差等级", "文件数", "问题数"):
        assert word not in text, word


# ---------------------------------------------------------------- hostile text in the summary


def hostile_batch() -> list[Result]:
    """Two files, so the per-unit and top-rule tables are shown, with hostile unit names."""
    a, b = hostile_result(), hostile_result()
    b.path = "evil/second=1.xlsx"
    b.submission.forms[0].unit_name.value = HOSTILE[2]  # =HYPERLINK(...)
    return [a, b]


def test_hostile_units_and_titles_in_html():
    doc = render(hostile_batch(), "html", "zh", ReportOptions(skipped=[HOSTILE[0]]))

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.tags, self.text = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))

        def handle_data(self, data):
            self.text.append(data)

    p = Tags()
    p.feed(doc)
    assert not any(tag in ("script", "img") for tag, _ in p.tags)
    assert not any(name.startswith("on") for _, attrs in p.tags for name in attrs)
    text = "".join(p.text)
    summary = text[text.rindex("汇总"):]
    for text in (HOSTILE[1], HOSTILE[2], HOSTILE[0]):  # units, skipped note: shown as text
        assert text in summary


def test_hostile_units_in_markdown():
    out = render(hostile_batch(), "markdown", "zh", ReportOptions(skipped=[HOSTILE[9]]))
    assert "<img" not in out and "<script" not in out
    assert not re.search(r"(?<!\\)\]\(", out)
    assert out.count("[summary]") == 2  # the one link of the report: down to the summary
    units = out.split("### 各单位")[1].split("### 各文件结果")[0]
    lines = [line for line in units.splitlines() if line.startswith("|")]
    assert len(lines) == 4  # head, rule, two units
    for line in lines:
        assert len(re.findall(r"(?<!\\)\|", line)) == 5, line


def test_hostile_units_in_xlsx_are_never_formulas():
    data = render(hostile_batch(), "xlsx", "zh", ReportOptions(skipped=[HOSTILE[2]]))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    wb = load_workbook(io.BytesIO(data))
    cells = [c for row in wb["批次汇总"].iter_rows() for c in row if isinstance(c.value, str)]
    hostile = [c for c in cells if c.value == HOSTILE[2]]
    assert [c.column_letter for c in hostile] == ["C", "B", "B"]  # a rule title, a unit, a skipped note
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile)


def test_hostile_units_in_terminal():
    rs = hostile_batch()
    rs[0].submission.forms[0].unit_name.value = "\x1b[2J单位\x07"
    out = render(rs, "table", "zh", ReportOptions(width=120, skipped=["\x1b]0;pwned\x07跳过"]))
    assert "\x1b" not in out and "\x07" not in out
    assert "[2J单位" in out and "跳过" in out


# ---------------------------------------------------------------- long tables in slices


@pytest.mark.parametrize("row_lines", [False, True])
@pytest.mark.parametrize("n", [0, 1, 3, 7, 9])
def test_print_long_is_one_grid(row_lines, n):
    columns = [Column("文件", ratio=1), Column("数", justify="right")]
    rows = [[(f"路径/{i}" * (i % 4 + 1), None), (str(i * 7), None)] for i in range(n)]

    def out(render_fn) -> str:
        buf = io.StringIO()
        console = Console(file=buf, width=60, no_color=True, highlight=False)
        render_fn(console)
        return buf.getvalue()

    whole = out(lambda c: c.print(Grid(columns, rows, row_lines), crop=False))
    sliced = out(lambda c: print_long(c, columns, lambda: iter(rows), row_lines=row_lines, chunk=3))
    assert sliced == whole


# ---------------------------------------------------------------- helpers


def _text(out: str, fmt: str) -> str:
    if fmt == "html":
        class Text(HTMLParser):
            def __init__(self):
                super().__init__(convert_charrefs=True)
                self.parts = []

            def handle_starttag(self, tag, attrs):
                if tag in ("tr", "p", "h2", "h3", "h4", "div"):
                    self.parts.append("\n")
                if tag == "td" or tag == "th":
                    self.parts.append("│")

            def handle_data(self, data):
                self.parts.append(data)

        p = Text()
        p.feed(out)
        return "".join(p.parts)
    if fmt == "markdown":
        return out.replace("\\", "").replace("|", "│")
    return out


def _rows(text: str) -> list[list[str]]:
    """Table rows of any text format as lists of stripped cells."""
    rows = []
    for line in text.splitlines():
        if line.count("│") >= 2:
            rows.append([c.strip() for c in line.strip().strip("│").split("│")])
    return rows
