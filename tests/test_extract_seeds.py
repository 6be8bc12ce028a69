"""The seeds' figures, as the foundation issue states them."""

from decimal import Decimal

from checker.model import wan_str
from conftest import SEED_000, SEED_004


def test_seed_000_department(seed_000):
    dept = seed_000.forms[0]
    assert dept.kind == "department"
    assert dept.year == 2024
    assert dept.unit_name.value == "六盘水市科学技术协会"
    assert dept.total.amount == Decimal("650.17") and dept.total.unit == "万元"
    assert dept.basic.amount == Decimal("563.89")
    assert dept.project.amount == Decimal("86.28")
    assert dept.basic.wan + dept.project.wan == dept.total.wan
    assert dept.contacts.filler.value == "王宁"  # from the cover page
    assert dept.contacts.phone.value == "8201038"


def test_seed_000_project_in_yuan(seed_000):
    proj = seed_000.forms[1]
    assert proj.kind == "project"
    assert proj.project_name.value == "科普基金"
    assert proj.total.amount == Decimal("750000") and proj.total.unit == "元"
    assert wan_str(proj.total.wan) == "75.00"
    assert proj.fund_nature.value == "一般公共预算安排"
    assert proj.period.value == "2024.1至2024.12"
    assert proj.contacts.project_leader.value == "陆松丽"
    assert len(seed_000.forms) == 2


def test_seed_004_three_forms(seed_004):
    kinds = [f.kind for f in seed_004.forms]
    assert kinds == ["department", "special_fund_summary", "spending_direction"]
    assert all(f.year == 2023 for f in seed_004.forms)
    dept, summary, direction = seed_004.forms
    assert dept.total.amount == Decimal("55.62")
    assert dept.basic.amount == Decimal("52.62") and dept.project.amount == Decimal("3")
    assert dept.general_budget.amount == Decimal("55.62")
    assert dept.gov_fund is None and dept.other_funds is None  # blank cells: nothing read, counted 0
    assert dept.has_income_breakdown
    assert summary.total.amount == Decimal("3")
    assert direction.total.amount == Decimal("3")
    assert direction.special_name.value == "A专项"
    assert direction.direction_name.value == "业务性专项"


def test_seed_004_cost_lines(seed_004):
    direction = seed_004.forms[2]
    amounts = [line.amount.amount for line in direction.cost_lines]
    assert amounts == [Decimal("2.5"), Decimal("0.5")]
    assert direction.cost_lines[0].calculation.startswith("活动1次/1.25万元×2次")
    assert direction.cost_lines[1].calculation == "彩色1元/份×2000份=0.2万元\n单色0.5元/份×6000份=0.3万元"
    assert direction.cost_total.amount == Decimal("3")


def test_seed_004_blank_contacts_are_read_as_blank(seed_004):
    for form in seed_004.forms:
        assert form.contacts.filler is not None and form.contacts.filler.value == ""
        assert form.contacts.phone is not None and form.contacts.phone.value == ""
    assert [a.value for a in seed_004.artefacts] == ["[bookmark: _GoBack]"]


def test_legacy_placements_kept(seed_004):
    dept = seed_004.forms[0]
    cost = next(i for i in dept.indicators if i.name == "0.08元/人")
    assert (cost.level1, cost.level2) == ("产出指标", "成本指标")
    sat = next(i for i in dept.indicators if i.value == "98%")
    assert (sat.level1, sat.level2) == ("效益指标", "服务对象满意度指标")


def test_cost_as_level1_in_2024_table(seed_000):
    for form in seed_000.forms:
        costs = [i for i in form.indicators if "成本控制率" in i.name]
        assert costs and all(i.level1 == "成本指标" for i in costs)


def _source_indicator_rows(path, first_marker, end_marker):
    """Count, independently of the extractor, tab rows in the indicator block that carry a
    三级 name: a row with at least two non-empty cells after the level labels."""
    levels = {"指标", "产出指标", "效益指标", "满意度指标", "成本指标", "数量指标", "质量指标", "时效指标",
              "社会效益指标", "经济效益指标", "生态效益指标", "环境效益指标", "可持续影响指标",
              "服务对象满意度指标", "社会公众或服务对象满意度"}
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines) if first_marker in ln) + 1
    end = next((i for i, ln in enumerate(lines[start:], start) if end_marker and end_marker in ln), len(lines))
    count = 0
    for ln in lines[start:end]:
        cells = [c.strip() for c in ln.split("\t") if c.strip()]
        data = [c for c in cells if c not in levels]
        if len(data) >= 2:
            count += 1
    return count


def test_no_indicator_row_lost_seed_000(seed_000):
    dept, proj = seed_000.forms
    named = lambda form: sum(1 for i in form.indicators if i.name or i.value)  # noqa: E731
    assert named(dept) == _source_indicator_rows(SEED_000, "⇥".join([]) or "\t一级\t二级", "项目绩效目标表") == 21
    assert named(proj) == _source_indicator_rows(SEED_000, "绩效目标情况\t一级指标", None) == 18


def test_empty_level2_rows_recorded(seed_000):
    dept = seed_000.forms[0]
    empty = [i.level2 for i in dept.indicators if not i.name and not i.value]
    assert sorted(empty) == ["可持续影响指标", "生态效益指标", "经济效益指标"]


def test_seed_004_indicator_rows(seed_004):
    """Tika layout: a row is a blank-line-separated group; count the groups of each indicator
    block (after the 指标值 header, up to the signature or 支出明细) with a name and a value."""
    levels = {"产出指标", "效益指标", "数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标",
              "社会效益指标", "生态效益指标", "可持续影响 指标", "可持续影响指标", "社会公众及服务对象满意度指标"}
    groups = SEED_004.read_text(encoding="utf-8").split("\n\n")
    count, inside = 0, False
    for group in groups:
        cells = [c.strip() for c in group.split("\n") if c.strip()]
        if any(c.startswith("指标值") for c in cells):
            inside = True
            continue
        if inside and cells and (cells[0].startswith("单位负责人") or cells[0].startswith("支出明细")):
            inside = False
        if inside and len([c for c in cells if " ".join(c.split()) not in levels]) >= 2:
            count += 1
    assert count == 18
    assert sum(len(f.indicators) for f in seed_004.forms) == count
