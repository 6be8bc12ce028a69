"""The T family's facts (checker/facts/residue.py): template residue found in form cells."""

from __future__ import annotations

import pytest

from checker.facts import FactContext
from checker.facts import residue as rs
from checker.facts.vocab import matches_pattern, words
from checker.model import DepartmentForm, Location, Submission, Text
from checker.pipeline import load_submission
from conftest import SEED_000, SEED_004

PLACEHOLDERS = words(None, "template_placeholder_patterns")


@pytest.mark.parametrize("cell, hit", [
    ("A专项", True), ("B专项", True), ("支出方向（子项）2", True), ("支出方向(子项)1", True), ("（子项）", True),
    ("XX项目", True), ("××", True), ("***", True), ("项目（名称）", True),
    ("支出方向      （子项）", False),  # the field label of 附表3
    ("业务性专项", False), ("PPP专项", False), ("彩色1元/份×2000份=0.2万元", False), ("科普基金", False),
])
def test_placeholder_patterns(cell: str, hit: bool) -> None:
    assert bool(matches_pattern(cell, PLACEHOLDERS)) is hit


@pytest.mark.parametrize("cell, hit", [
    ("填报单位：（盖章）", True), ("填报单位(盖章)", True), ("( )月至( )月", True), ("年  月  日", True),
    ("（ ）万元", True),
    ("编制单位(盖章): 六盘水市科学技术协会", False), ("(1)月至(12)月", False), ("2024年1月28日", False),
    ("有用()", False),
])
def test_prompts(cell: str, hit: bool) -> None:
    assert rs._prompt(cell) is hit


@pytest.mark.parametrize("cell, hit", [
    ("注:各地请根据实际情况,从上述绩效指标中选择适合的填报,也可自行增加或适当调整。", True),  # real doc 13
    ("填表说明：请填写本单位年度绩效目标。", True), ("例：参加培训人数", True), ("（可选）", True),
    ("统计比例：具备科学素质人数占调查人数", False), ("具备科学素质人数占调查人数的比例", False),
])
def test_guidance(cell: str, hit: bool) -> None:
    assert rs._guidance(cell, words(None, "guidance_phrases")) is hit


def _residue(facts: list[dict], form: int) -> dict[str, dict]:
    return {f["category"]: f for f in facts if f["kind"] == "form_residue" and f["form"] == form}


def test_seed_004_residue_counts() -> None:
    facts = list(rs.facts(load_submission(str(SEED_004)), FactContext()))
    summary = _residue(facts, 1)
    assert summary["placeholder"]["count"] == 7  # 支出方向（子项）2 ×3, （子项）1 ×2, B专项, C专项
    assert summary["filler"]["count"] == 5
    assert summary["empty_row"]["count"] == 7
    assert "支出方向（子项）2" in summary["placeholder"]["examples"]
    direction = _residue(facts, 2)
    assert direction["placeholder"]["count"] == 1 and "A专项" in direction["placeholder"]["examples"]
    assert all(_residue(facts, i)["prompt"]["count"] == 1 for i in range(3))  # 填报单位：（盖章）
    artefacts = [f for f in facts if f["kind"] == "artefacts"]
    assert artefacts and artefacts[0]["artefact_count"] == 1


def test_seed_000_has_no_residue() -> None:
    facts = list(rs.facts(load_submission(str(SEED_000)), FactContext()))
    assert all(f["count"] == 0 for f in facts if f["kind"] == "form_residue")
    assert not [f for f in facts if f["kind"] == "artefacts"]


def test_a_residue_fact_points_at_its_first_occurrence() -> None:
    form = DepartmentForm(texts=[Text(value="科普活动", loc=Location(line=3)),
                                 Text(value="A专项", loc=Location(line=7)),
                                 Text(value="B专项", loc=Location(line=9))])
    ctx = FactContext()
    placeholder = _residue(list(rs.facts(Submission(forms=[form]), ctx)), 0)["placeholder"]
    assert placeholder["count"] == 2
    assert ctx.location(placeholder["loc"]) == Location(line=7)


def test_empty_plan_item_is_a_placeholder() -> None:
    from checker.model import PlanItem

    form = DepartmentForm(plans=[PlanItem(period="事项2", content="")])
    placeholder = _residue(list(rs.facts(Submission(forms=[form]), FactContext())), 0)["placeholder"]
    assert placeholder["count"] == 1


def test_lone_plan_label_read_as_content_is_a_placeholder() -> None:
    """A 时间|事项|责任单位|工作目标 table row holding only "事项3": the lone cell is read as content."""
    from checker.model import PlanItem

    plans = [PlanItem(content="事项3"), PlanItem(period="事项1", owner="办公室"),
             PlanItem(period="事项2", content="开展科普活动"), PlanItem(period="1月至3月", content="事项")]
    form = DepartmentForm(plans=plans)
    placeholder = _residue(list(rs.facts(Submission(forms=[form]), FactContext())), 0)["placeholder"]
    assert placeholder["count"] == 2 and placeholder["examples"] == "“事项3”、“事项1”"


def test_a_filler_cost_row_is_t02s_not_a_numbered_empty_row() -> None:
    from checker.model import CostLine, ProjectForm

    form = ProjectForm(texts=[Text(value="……", loc=Location(line=9))],
                       cost_lines=[CostLine(content="……", loc=Location(line=9)),
                                   CostLine(content="支出方向（子项）1", item="……", loc=Location(line=10))])
    facts = _residue(list(rs.facts(Submission(forms=[form]), FactContext())), 0)
    assert facts["filler"]["count"] == 1
    assert facts["empty_row"]["count"] == 1 and facts["empty_row"]["examples"] == "“支出方向（子项）1”"
