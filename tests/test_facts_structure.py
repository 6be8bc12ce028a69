"""The S family's facts (checker/facts/structure.py) on Submissions built in Python and on the seeds."""

from __future__ import annotations

from decimal import Decimal

from checker.engine import evaluate
from checker.facts import FactContext
from checker.facts import structure as st
from checker.model import (
    DepartmentForm, Indicator, Location, Money, PlanItem, ProjectForm, Submission, Text,
)
from checker.pipeline import load_submission
from conftest import SEED_000, SEED_004


def _facts(*forms) -> list[dict]:
    return list(st.facts(Submission(forms=list(forms)), FactContext()))


def _kind(facts: list[dict], kind: str) -> list[dict]:
    return [f for f in facts if f["kind"] == kind]


def _row(level1, level2, name, value, level2_raw=None, row=None) -> Indicator:
    return Indicator(level1=level1, level2=level2, level2_raw=level2_raw or level2, name=name, value=value,
                     loc=Location(line=row) if row else None)


FULL = [
    _row("产出指标", "数量指标", "青少年科技教育活动", "≥8次"),
    _row("产出指标", "质量指标", "活动验收合格率", "≥95%"),
    _row("产出指标", "时效指标", "活动完成时限", "2024年12月31日前"),
    _row("成本指标", "经济成本指标", "活动总成本", "≤86万元"),
    _row("效益指标", "社会效益指标", "公民具备科学素质比例", "≥15%"),
    _row("满意度指标", "服务对象满意度指标", "参与群众满意度", "≥90%"),
]


def test_document_with_no_form_fires_s01() -> None:
    findings = evaluate(Submission())
    assert [f.rule for f in findings if f.rule == "S01"] == ["S01"]


def test_unrecognised_title_fires_s01_on_that_form() -> None:
    form = DepartmentForm(title="六盘水市科学技术协会工作情况", year=2024, indicators=FULL)
    header = _kind(_facts(form), "form_header")[0]
    assert header["title_recognised"] is False
    messages = [f.message for f in evaluate(Submission(forms=[form])) if f.rule == "S01"]
    assert messages and "六盘水市科学技术协会工作情况" in messages[0]


def test_department_header_states() -> None:
    form = DepartmentForm(title="2024年部门整体支出绩效目标表", year=2024, functions=Text(value=""),
                          total=Money(amount=Decimal("650.17"), unit="万元"))
    header = _kind(_facts(form), "form_header")[0]
    assert header["functions_state"] == "blank"
    assert header["goal_state"] == "absent"  # no such label: S05's info variant
    # Neither 基本支出 nor 项目支出 label: a template that does not split funds by use (issue 13
    # item 6: a field the template does not have is absent, not missing).
    assert header["amounts_missing_count"] == 0
    split = DepartmentForm(title="2024年部门整体支出绩效目标表", year=2024,
                           total=Money(amount=Decimal("650.17"), unit="万元"),
                           project=Money(amount=Decimal("86.28"), unit="万元"))
    header = _kind(_facts(split), "form_header")[0]
    assert header["amounts_missing_zh"] == "基本支出"  # the template splits by use: 基本支出 is due
    assert header["amounts_missing_count"] == 1


def test_project_fund_nature_required_only_when_the_label_is_there() -> None:
    base = dict(title="项目支出绩效目标表", year=2024, project_name=Text(value="科普基金"),
                total=Money(amount=Decimal("750000"), unit="元"), period=Text(value="2024.1至2024.12"),
                goal=Text(value="开展科普工作"))
    without_label = _kind(_facts(ProjectForm(**base)), "form_header")[0]
    blank_label = _kind(_facts(ProjectForm(**base, fund_nature=Text(value=""))), "form_header")[0]
    assert without_label["required_missing_count"] == 0
    assert blank_label["required_missing_zh"] == "资金性质"


def test_cost_layouts() -> None:
    def layout(rows) -> dict:
        return _kind(_facts(DepartmentForm(year=2024, indicators=rows)), "cost_layout")[0]

    assert layout(FULL)["layout"] == "standard"
    seed_000_style = FULL[:3] + [_row("成本指标", None, "项目成本控制率", "≤0", row=53)] + FULL[4:]
    fact = layout(seed_000_style)
    assert fact["layout"] == "no_level2"
    assert fact["loc"] != 0  # located at the cost row
    seed_004_style = FULL[:3] + [_row("产出指标", "成本指标", "0.08元/人", "3万元")] + FULL[4:]
    assert layout(seed_004_style)["layout"] == "under_output"
    assert layout(FULL[:3] + FULL[4:])["layout"] == "absent"


def test_level_naming_placement_and_legacy_names() -> None:
    rows = FULL[:4] + [
        _row("效益指标", "生态效益指标", "绿化覆盖率", "≥40%", level2_raw="环境效益指标"),
        _row("效益指标", "服务对象满意度指标", "参与群众满意度", "≥90%", level2_raw="社会公众及服务对象满意度指标"),
    ]
    naming = {f["aspect"]: f for f in _kind(_facts(DepartmentForm(year=2024, indicators=rows)), "level_naming")}
    assert naming["placement"]["satisfaction_under_benefit"] is True
    assert naming["names"]["legacy_count"] == 2
    assert "环境效益指标" in naming["names"]["legacy_names"]
    standard = {f["aspect"]: f for f in _kind(_facts(DepartmentForm(year=2024, indicators=FULL)), "level_naming")}
    assert standard["placement"]["satisfaction_under_benefit"] is False
    assert standard["names"]["legacy_count"] == 0


def test_spaces_in_a_level2_label_are_not_a_legacy_name() -> None:
    rows = [_row("效益指标", "可持续影响指标", "志愿服务人次", "≥500人次", level2_raw="可持续影响  指标")]
    names = [f for f in _facts(DepartmentForm(year=2023, indicators=rows)) if f.get("aspect") == "names"][0]
    assert names["legacy_count"] == 0


def test_indicator_block_counts() -> None:
    rows = FULL[:4] + [
        _row("效益指标", "经济效益指标", "没有直接经济效益", "无"),
        _row("效益指标", "社会效益指标", "公民科学素质", "持续提升"),
    ]
    block = _kind(_facts(DepartmentForm(year=2024, indicators=rows)), "indicator_block")[0]
    assert block["missing_level1_zh"] == "满意度指标"
    assert block["benefit_count"] == 2
    assert block["benefit_substantive_count"] == 1  # 无 is a placeholder
    assert block["benefit_quantitative_count"] == 0
    assert block["output_missing_count"] == 0


def test_level2_groups_count_named_rows() -> None:
    rows = FULL + [_row("效益指标", "可持续影响指标", "", "")]
    groups = {f["level2"]: f for f in _kind(_facts(DepartmentForm(year=2024, indicators=rows)), "level2_group")}
    assert groups["可持续影响指标"]["named_count"] == 0
    assert groups["数量指标"]["named_count"] == 1


def test_period_inside_and_outside_the_year() -> None:
    def period(text: str, year: int = 2023) -> dict | None:
        form = ProjectForm(year=year, period=Text(value=text, loc=Location(line=22)))
        found = _kind(_facts(form), "form_period")
        return found[0] if found else None

    assert period("2023年1月－2023年12月")["outside_year"] is False
    crossing = period("2023.07-2024.01")  # real doc 08
    assert crossing["outside_year"] is True and crossing["multi_year_declared"] is False
    assert crossing["period_years"] == "2023、2024"
    assert period("2023.07-2024.01（跨年度）")["multi_year_declared"] is True
    assert period("3年") is None  # real doc 16: a duration, no year to compare


def test_plan_phasing() -> None:
    def plan(*periods: str) -> dict:
        form = DepartmentForm(year=2024, plans=[PlanItem(period=p, content="工作") for p in periods])
        return _kind(_facts(form), "form_plan")[0]

    seed_000_dept = plan("1", "2", "3", "4", "(1)月至(12)月", "(1)月至(12)月")
    assert (seed_000_dept["timed_count"], seed_000_dept["distinct_periods"]) == (2, 1)
    assert seed_000_dept["first_period"] == "(1)月至(12)月"
    assert plan("事项1")["timed_count"] == 0  # seed 004: no time at all
    assert plan("1-3月", "4-6月", "7-9月", "10-12月")["distinct_periods"] == 4


def test_seed_structure_facts() -> None:
    seed_000 = _facts(*load_submission(str(SEED_000)).forms)
    layouts = [f["layout"] for f in _kind(seed_000, "cost_layout")]
    assert layouts == ["no_level2", "no_level2"]
    empty = sorted(f["level2_raw"] for f in _kind(seed_000, "level2_group") if f["named_count"] == 0)
    assert empty == sorted(["可持续影响指标", "经济效益指标", "生态效益指标", "经济效益指标", "环境效益指标", "可持续影响指标"])

    seed_004 = _facts(*load_submission(str(SEED_004)).forms)
    assert [f["layout"] for f in _kind(seed_004, "cost_layout")] == ["under_output", "under_output"]
    header = _kind(seed_004, "form_header")[0]
    assert header["goal_state"] == "absent"
