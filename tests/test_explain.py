"""`jixiao explain` shows the rows of a rule's examples that matter, read by the real reader."""

from __future__ import annotations

from typer.testing import CliRunner

from checker.cli import app
from checker.report.example import ExampleRow, differing_rows, example_rows, excerpt
from checker.rulebook import rule_examples


def _explain(rule_id: str, *args: str) -> str:
    result = CliRunner().invoke(app, ["explain", rule_id, *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def _section(out: str, start: str, end: str) -> str:
    return out[out.index(start):out.index(end, out.index(start))]


def test_the_failing_example_shows_the_row_the_finding_points_at_not_the_whole_table():
    out = _explain("Q06")
    failing = _section(out, "不通过的例子", "\n通过的例子（")
    passing = _section(out, "\n通过的例子（", "如何修改")
    # The finding (第13行) and the row the passing table corrects, with the header row above it.
    assert "13  产出指标 │ 数量指标 │ 两次大型活动 │ 2次" in failing
    assert "12  一级 │ 二级 │ 三级 │ 指标值" in failing
    assert "13  产出指标 │ 数量指标 │ 青少年科技教育活动 │ ≥8次" in passing
    assert "两次大型活动" not in passing
    # Rows far from both are left out and marked so.
    for far in ("联系电话", "资金总额", "563.89"):
        assert far not in out, far
    assert "⋮" in failing and "⋮" in passing
    assert "→ 表1（部门整体支出绩效目标表）：三级指标名称“两次大型活动”" in failing


def test_cell_per_line_examples_are_read_as_rows():
    """A04's cases are in the seed 004 layout (a cell per line, a blank line ends a row)."""
    failing, _ = rule_examples("A04")
    rows = example_rows(failing["text"])
    wrong = next(r for r in rows if "彩色1元/份×2000份=0.3万元" in r.text)
    assert wrong.text.startswith("科普宣传资料 │ 资料排版复印 │ 0.5 │ ") and len(wrong.lines) > 1
    out = _explain("A04", "--lang", "en")
    assert "科普宣传资料 │ 资料排版复印 │ 0.5 │ 彩色1元/份×2000份=0.3万元" in out
    assert "gives 0.20" in out and "Failing example" in out and "Passing example" in out


def test_a_form_level_finding_shows_the_rows_that_differ():
    """S01 points at no row: the rows where the title differs are what the reader needs."""
    out = _explain("S01")
    failing = _section(out, "不通过的例子", "\n通过的例子（")
    assert "1  六盘水市科学技术协会工作情况" in failing
    # The form is known by its content; the finding is that its title does not say what it is.
    assert "的标题“六盘水市科学技术协会工作情况”不能说明是哪一类绩效目标表" in failing
    assert "部门整体支出绩效目标表" in _section(out, "\n通过的例子（", "如何修改")


def _rows(*texts: str) -> list[ExampleRow]:
    return [ExampleRow(frozenset({i + 1}), t) for i, t in enumerate(texts)]


def test_differing_rows_marks_changes_and_anchors_a_missing_row():
    a = _rows("标题", "表头", "数量 │ 2次", "质量 │ ≥95%", "满意度 │ ≥90%", "联系人")
    b = _rows("标题", "表头", "数量 │ ≥8次", "质量 │ ≥95%", "联系人")
    focus_a, anchor_a, focus_b, anchor_b = differing_rows(a, b)
    assert focus_a == {2, 4} and focus_b == {2}
    assert anchor_b == {3} and anchor_a == set()  # b lacks 满意度: shown after its 质量 row


def test_excerpt_keeps_context_marks_gaps_and_caps_unfocused_tables():
    rows = _rows(*(f"行{i}" for i in range(1, 11)))
    shown = excerpt(rows, {4})
    assert [s.row.text if s.row else "⋮" for s in shown] == ["⋮", "行4", "行5", "行6", "⋮"]
    assert [s.focus for s in shown if s.row] == [False, True, False]
    whole = excerpt(rows, set(), limit=3)
    assert [s.row.text if s.row else "⋮" for s in whole] == ["行1", "行2", "行3", "⋮"]
    assert [s.row.text for s in excerpt(rows, {0, 9}) if s.row] == ["行1", "行2", "行9", "行10"]


def test_unrelated_example_tables_are_not_diffed():
    """K02's failing case is seed 004 and its passing case seed 000: every row differs, so only
    the row the finding points at is in focus."""
    failing, passing = rule_examples("K02")
    assert differing_rows(example_rows(failing["text"]), example_rows(passing["text"])) == (set(),) * 4
    failing_out = _section(_explain("K02"), "不通过的例子", "\n通过的例子（")
    assert "填表人：李四" in failing_out and "联系电话：" in failing_out
    assert "大型科普活动场次" not in failing_out
