"""The Q family's text judgements (checker/facts/indicators.py) on real strings.

Strings come from the seeds and fixtures/real-docs; correct real indicators must raise nothing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from checker.facts import FactContext
from checker.facts import indicators as ind
from checker.model import DepartmentForm, Indicator, Submission, Target
from checker.pipeline import check_file
from conftest import FIXTURES, SEED_000, SEED_004

V = ind.Vocab(None)  # no engine vocabulary: read rules/vocabulary.yaml


def shape(value: str, target: Target | None = None) -> ind.Shape:
    return ind.shape_of(value, target, V)


# ---- value shapes ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, kind", [
    ("≥90%", "percent"), ("100%", "percent"), ("≥95%", "percent"), ("98%", "percent"),
    ("≥8次", "count"), ("4期", "count"), ("2万人次", "count"), ("≥18000人", "count"), ("=22个", "count"),
    ("10万元", "money"), ("3万元", "money"),
    ("0.08元/人", "unit_cost"), ("1600元/亩", "unit_cost"), ("≤1.5元/人次", "unit_cost"),
    ("≥20年", "duration"), ("12个月", "duration"), ("≤30个工作日", "duration"),
    ("≥80M", "measure"), ("3500公斤", "measure"), ("≥100公里", "measure"),
    ("≤0", "number"), ("1", "number"),
    ("12月底前", "deadline"), ("12月底", "deadline"), ("12月底到位", "deadline"), ("2024年12月31日前", "deadline"),
    ("2023年1月-12月", "period"), ("2024.1至2024.12", "period"), ("2024-01-01至2024-12-31", "period"),
    ("2023.07-2024.01", "period"), ("(1)月至(12)月", "period"),
    ("无", "placeholder"), ("/", "placeholder"), ("XX", "placeholder"), ("0", "placeholder"),
    ("达到预期目标", "graded"), ("优良", "graded"), ("是", "graded"), ("按时完成", "graded"),
    ("全覆盖", "graded"), ("按计划完成", "graded"), ("零事故", "graded"),
    ("持续提升", "qualitative"), ("志愿者和志愿组织增加", "qualitative"), ("长期", "qualitative"),
    ("稳步提高", "qualitative"), ("效果明显", "qualitative"),
    ("力争到2025年全区公民具备基本科学素质比例达到10%以上", "qualitative"),
    ("", "empty"),
])
def test_value_kinds_without_a_parsed_target(value: str, kind: str) -> None:
    assert shape(value).kind == kind


def test_parsed_target_is_trusted_for_op_and_unit() -> None:
    t = Target(raw="98%", op="=", op_explicit=False, number=98, unit="%")
    s = shape("98%", t)
    assert (s.kind, s.op, s.op_explicit) == ("percent", "=", False)
    t = Target(raw="≥90%", op=">=", op_explicit=True, number=90, unit="%")
    assert shape("≥90%", t).op_explicit


def test_a_qualitative_target_is_not_reparsed_as_a_number() -> None:
    t = Target(raw="12月底前", qualitative=True)
    assert shape("12月底前", t).kind == "deadline"


def test_month_read_as_a_number_with_an_odd_unit_is_a_deadline() -> None:
    # the extractor reads "12月底到位" as 12 with the unit 月底到位
    t = Target(raw="12月底到位", op="=", number=12, unit="月底到位")
    assert shape("12月底到位", t).kind == "deadline"


# ---- wording --------------------------------------------------------------------------------

@pytest.mark.parametrize("value, word", [
    ("力争到2025年全区公民具备基本科学素质比例达到10%以上", "力争"),
    ("约15%", "约"),
    ("进一步提高", "进一步"),
    ("达到10%以上的水平", "以上"),
])
def test_hedge_words_are_found(value: str, word: str) -> None:
    assert ind.hedge_word(value, shape(value).kind, V) == word


@pytest.mark.parametrize("value", ["≥90%", "90%以上", "节约用电10%", "达到预期目标", "2024年12月31日前"])
def test_no_hedge(value: str) -> None:
    assert ind.hedge_word(value, shape(value).kind, V) == ""


def test_other_year() -> None:
    assert ind.other_year("力争到2025年全区公民具备基本科学素质比例达到10%以上", 2023) == 2025
    assert ind.other_year("在2024年12月底完成工作", 2024) is None
    assert ind.other_year("≥2000份", 2024) is None
    assert ind.other_year("2023.07-2024.01", 2023, "period") is None  # a service window: S15's
    assert ind.other_year("到2025年", None) is None  # no budget year: S02's


@pytest.mark.parametrize("name, issue", [
    ("两次大型活动", "value_in_name"),
    ("开展2次培训", "value_in_name"),
    ("0.08元/人", "name_is_value"),
    ("3万元", "name_is_value"),
    ("2023年1月-12月", "name_is_period"),
    ("2024.1至2024.12", "name_is_period"),
    ("力争全民参与，人人满意", "slogan"),
    # correct real names raise nothing
    ("科普阵地建设完成率", ""), ("雾炮车风炮射程", ""), ("脱贫村村内道路硬化里程", ""),
    ("受益脱贫(监测)户满意度", ""), ("工程设计使用年限", ""), ("12345热线办结率", ""),
    ("一次性补助发放率", ""), ("第3次全国国土调查完成率", ""), ("开展“全国科技工作者日”主题宣传活动", ""),
    ("驻村及轮战干部月出勤率", ""), ("“四好农村路”建设里程", ""),
])
def test_name_issues(name: str, issue: str) -> None:
    assert ind.name_issue(name, V) == issue


@pytest.mark.parametrize("name, value, expected", [
    ("六盘水市老科技工作者协会工作经费", "10万元", True),
    ("驻村干部数量", "1人", True),
    ("驻村工作经费", "2万元", True),
    ("拨付协会补助", "10万元", True),
    ("预算资金当年下达率", "100%", False),
    ("签约康复人数", "≥18000人", False),
    ("资金拨付", "12月底到位", False),
    ("受益脱贫(监测)人口数", "≥500人", False),
])
def test_input_measures(name: str, value: str, expected: bool) -> None:
    assert ind.input_measure(name, shape(value), V) is expected


@pytest.mark.parametrize("name, ok", [
    ("社会群众满意度", True), ("受益脱贫(监测)户满意度", True), ("学生家长满意度", True), ("市民满意度", True),
    ("力争全民参与，人人满意", False), ("满意度", False), ("满意率", False),
])
def test_satisfaction_names(name: str, ok: bool) -> None:
    assert ind.sat_name_ok(name, V) is ok


@pytest.mark.parametrize("name, value, issue", [
    ("整体支出完成时限", "12月底前", ""),
    ("整体支出完成时限", "12月底", ""),
    ("项目(工程)完成及时率", "≥100%", ""),
    ("预算资金当年下达率", "100%", ""),
    ("项目按计划完成率", "100%", ""),
    ("补助发放时间", "≤30个工作日", ""),
    ("服务周期", "2023.07-2024.01", ""),
    ("2023年1月-12月", "12个月", "duration_no_op"),
    ("科普阵地建设完成率", "≥90%", "rate_not_timeliness"),
    ("活动完成时限", "2次", "not_time"),
    ("活动完成时限", "12底前完成", "malformed_deadline"),
])
def test_timing_issues(name: str, value: str, issue: str) -> None:
    assert ind.timing_issue(shape(value), name, value, V) == issue


def test_explanation_that_repeats_the_name() -> None:
    assert ind.repeats_name("项目或定额成本控制率", "项目或定额成本控制率")
    assert not ind.repeats_name("社会群众满意度在90%以上", "社会群众满意度")


# ---- facts of whole forms -------------------------------------------------------------------

def _facts(form: DepartmentForm) -> list[dict]:
    return list(ind.facts(Submission(forms=[form]), FactContext()))


def _row(level1: str, level2: str | None, name: str, value: str, explanation: str | None = None) -> Indicator:
    return Indicator(level1=level1, level2=level2, name=name, value=value, explanation=explanation)


def test_cost_swap_and_rate_without_percent() -> None:
    form = DepartmentForm(year=2023, indicators=[
        _row("产出指标", "成本指标", "0.08元/人", "3万元"),
        _row("成本指标", None, "项目成本控制率", "≤0"),
        _row("成本指标", "经济成本指标", "建设项目成本控制率", "100%"),
        _row("成本指标", "经济成本指标", "财政资金补助", "1600元/亩"),
    ])
    issues = {f["name"]: f["cost_issue"] for f in _facts(form) if f["kind"] == "indicator"}
    assert issues == {"0.08元/人": "swapped", "项目成本控制率": "rate_no_percent",
                      "建设项目成本控制率": "", "财政资金补助": ""}


def test_pairs_only_for_names_with_words_left_out() -> None:
    form = DepartmentForm(year=2024, indicators=[
        _row("成本指标", None, "项目或定额成本控制率", "100%"),
        _row("成本指标", None, "项目成本控制率", "≤0"),
        _row("效益指标", "生态效益指标", "新增和改善灌溉达标面积", "≥500亩"),
        _row("效益指标", "生态效益指标", "新增和改善排水达标面积", "≥200亩"),
    ])
    pairs = [f for f in _facts(form) if f["kind"] == "indicator_pair"]
    assert len(pairs) == 1
    pair = pairs[0]
    assert (pair["name_a"], pair["name_b"], pair["similarity_pct"]) == ("项目或定额成本控制率", "项目成本控制率", 70)
    assert pair["same_measure"] and pair["values_differ"]


def test_empty_level2_rows_give_no_indicator_fact() -> None:
    form = DepartmentForm(year=2024, indicators=[_row("效益指标", "经济效益指标", "", "")])
    assert _facts(form) == []


def test_percent_figures_are_integers() -> None:
    form = DepartmentForm(year=2024, indicators=[
        _row("满意度指标", "服务对象满意度指标", "参与群众满意度", "≥98.5%")])
    fact = _facts(form)[0]
    assert fact["value_bp"] == 9850 and fact["value_pct_floor"] == 98
    assert all(not isinstance(v, float) for v in fact.values())


# ---- the seeds and real published tables ----------------------------------------------------

@lru_cache(maxsize=None)
def _findings(path: str) -> tuple:
    result = check_file(path)
    assert result.status == "checked", result.error
    return tuple(result.findings)


def _real(prefix: str) -> str:
    return str(next((FIXTURES / "real-docs").glob(f"{prefix}_*.txt")))


@pytest.mark.parametrize("prefix, values", [
    ("13", ["≥100公里", "≥20座", "100%", "≥100%", "3500公斤", "≥500人", "≥1000人", "≥500亩", "≥200亩", "≥20年", "≥95%"]),
    ("16", ["≥18000人", "=22个", "≥4000人"]),
    ("22", ["100%", "≥90%"]),
])
def test_correct_real_values_raise_no_value_warning(prefix: str, values: list[str]) -> None:
    value_rules = {"Q02", "Q03", "Q04", "Q05", "Q08", "Q09", "Q12", "Q14", "Q15"}
    for finding in _findings(_real(prefix)):
        if finding.rule in value_rules and finding.severity != "info":
            assert not any(f"“{v}”" in finding.message for v in values), finding.message


def test_real_doc_16_value_1_for_a_rate_has_no_unit() -> None:
    assert any(f.rule == "Q03" and "验收合格率" in f.message for f in _findings(_real("16")))


def test_real_doc_10_long_term_is_open_ended() -> None:
    assert any(f.rule == "Q04" and "“长期”" in f.message for f in _findings(_real("10")))


def test_seed_indicator_facts_are_flat_and_typed() -> None:
    from checker.pipeline import load_submission

    for seed in (SEED_000, SEED_004):
        for fact in ind.facts(load_submission(str(seed)), FactContext()):
            assert len(fact) < 250
            assert not {"id", "sid"} & fact.keys()
            assert all(isinstance(v, (str, int, bool)) for v in fact.values())


def test_paths_exist() -> None:
    assert Path(_real("13")).is_file() and SEED_000.is_file()
