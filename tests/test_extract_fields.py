"""Header fields without layouts: which text names the unit, where a label's value is, and which
figure of a self-evaluation money block is the total. Each rule is shown on a real table and on a
generated table in another layout (.docx/.xlsx from a grid, or free text)."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from checker.extract import extract
from checker.extract.values import parse_money
from checker.readers import read_document

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "fixtures" / "real-docs"
SHARED_REAL = Path("/work/shared/real-docs")
sys.path.insert(0, str(ROOT / "fixtures"))
import build_fixtures  # noqa: E402  (one table spec -> txt/docx/xlsx)


def _read_text(tmp_path, text: str):
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    return extract(read_document(str(path)))


def _read_grid(tmp_path, grid: list[list[object]], fmt: str, before: list[str] | None = None):
    variant = build_fixtures.Variant("t", "test table", [build_fixtures.Form("表", grid, before=before or [])])
    render = {"docx": build_fixtures.render_docx, "xlsx": build_fixtures.render_xlsx,
              "txt": build_fixtures.render_txt}[fmt]
    path = tmp_path / f"t.{fmt}"
    path.write_bytes(render(variant))
    return extract(read_document(str(path)))


def _real(name: str):
    path = next(REAL.glob(name + "*"), None) or next(SHARED_REAL.glob(name + "*"), None)
    if path is None:
        pytest.skip(f"real doc {name} not available")
    return extract(read_document(str(path)))


INDICATORS = [
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "造林面积", "≥500亩"],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"],
]


def _project(head: list[list[object]], title: str = "项目支出绩效目标表") -> list[list[object]]:
    width = 4
    rows = [[title, "<", "<", "<"], ["（2024年度）", "<", "<", "<"]]
    rows += [r + ["<"] * (width - len(r)) for r in head]
    return rows + INDICATORS


def _unit(form) -> str | None:
    return form.unit_name.value if form.unit_name else None


# -- which field names the unit --------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_unit_is_the_filing_unit_then_the_department_then_the_named_unit_then_the_implementer(tmp_path, fmt):
    filing = ["填报单位（盖章）", "青山市林业局", "<", "<"]
    dept = ["主管部门", "青山市自然资源局", "实施单位", "青山市林业站"]
    named = ["单位名称", "青山市林业局办公室", "<", "<"]
    impl = ["实施单位", "青山市林业站", "<", "<"]
    name = ["项目名称", "植树造林", "<", "<"]
    cases = [
        ([filing, name, dept], "青山市林业局"),
        ([name, dept, named], "青山市自然资源局"),
        ([name, named, impl], "青山市林业局办公室"),
        ([name, impl], "青山市林业站"),
    ]
    for head, want in cases:
        assert _unit(_read_grid(tmp_path, _project(head), fmt).forms[0]) == want


def test_real_tables_name_the_unit_in_the_conventions_order():
    assert _unit(_real("13_").forms[0]) == "岳阳县农业农村局"  # 主管部门 over 实施单位
    assert _unit(_real("19_").forms[0]) == "长沙市望城区科学技术局"  # 填报单位 over 部门名称
    assert _real("19_").forms[0].unit_label.value == "望城区科技局"  # the labelled name is kept for C01


def test_a_placeholder_is_never_the_unit(tmp_path):
    head = [["填报单位（盖章）", "XX单位", "<", "<"], ["主管部门", "青山市教育局", "<", "<"]]
    assert _unit(_read_grid(tmp_path, _project(head), "docx").forms[0]) == "青山市教育局"
    # A filled cell that names no organisation yields to a later field that does.
    head = [["主管部门", "专项业务", "<", "<"], ["实施单位", "青山市第一中学", "<", "<"]]
    assert _unit(_read_grid(tmp_path, _project(head), "xlsx").forms[0]) == "青山市第一中学"


def test_the_lowest_labelled_department_is_the_units(tmp_path):
    head = [["主管部门", "宁夏回族自治区农业农村厅", "<", "<"], ["主管部门", "青山区农业农村局", "<", "<"],
            ["中央主管部门", "农业农村部", "<", "<"]]
    form = _read_grid(tmp_path, _project(head), "xlsx").forms[0]
    assert _unit(form) == "青山区农业农村局"
    assert _unit(_real("91_").forms[0]) == "原州区农业农村局"


def test_a_title_fragment_is_not_a_unit(tmp_path):
    """"项目支出绩效目标表" names no unit; "青山市林业局2024年…" does, after its list number."""
    plain = _read_grid(tmp_path, _project([["项目名称", "植树造林", "<", "<"]]), "docx").forms[0]
    assert plain.unit_name is None
    named = _read_grid(tmp_path, _project([["项目名称", "植树造林", "<", "<"]],
                                          title="1、青山市林业局2024年度项目支出绩效目标表"), "docx").forms[0]
    assert _unit(named) == "青山市林业局"
    fund = _read_grid(tmp_path, _project([["项目名称", "植树造林", "<", "<"]],
                                         title="就业补助资金绩效目标自评表"), "xlsx").forms[0]
    assert fund.unit_name is None
    assert _unit(_real("12_").forms[0]) == "经济建设科"  # not the title's "预算部门(单位)"


# -- where a label's value is ----------------------------------------------------------------

def test_a_name_ends_where_the_next_label_begins(tmp_path):
    text = ("项目支出绩效目标表\n（2024年度）\n项目名称植树造林\n"
            "项目主管部门青山市林业局项目执行单位青山市林业站\n年度资金总额：12\n"
            "一级指标二级指标三级指标指标值\n产出指标数量指标造林面积≥500亩\n")
    form = _read_text(tmp_path, text).forms[0]
    assert form.department.value == "青山市林业局"
    assert form.implementer.value == "青山市林业站"
    real = _real("22_").forms[0]
    assert (real.department.value, _unit(real)) == ("青山区教育局", "青山区教育局")


def test_a_code_after_the_name_and_a_code_label_are_not_the_name(tmp_path):
    head = [["主管部门及代码", "青山市民族宗教事务局116422210101621779", "<", "<"]]
    form = _read_grid(tmp_path, _project(head), "docx").forms[0]
    assert _unit(form) == "青山市民族宗教事务局"
    assert form.department.value == "青山市民族宗教事务局116422210101621779"  # kept as written
    assert _unit(_real("25_").forms[0]) == "龙岩市民族与宗教事务局"  # …名称…部门预算编码230001


def test_a_label_wrapped_over_two_cells_is_one_label(tmp_path):
    head = [["地方主管部", "门", "青山市财政局", "<"]]
    assert _unit(_read_grid(tmp_path, _project(head), "xlsx").forms[0]) == "青山市财政局"


def test_the_unit_written_before_an_amount_is_its_unit(tmp_path):
    text = ("项目支出绩效目标表\n（2024年度）\n项目名称\n植树造林\n青山市林业站资金总额(元)5000\n"
            "一级指标\n二级指标\n三级指标\n指标值\n产出指标\n数量指标\n造林面积\n≥500亩\n")
    form = _read_text(tmp_path, text).forms[0]
    assert (form.total.amount, form.total.unit) == (Decimal("5000"), "元")
    prose = text.replace("青山市林业站资金总额(元)5000", "本年项目资金3万元用于购买苗木")
    assert _read_text(tmp_path, prose).forms[0].total is None  # an amount in prose is not the form's
    real = _real("76_").forms[0]  # "县动物卫生监督所资金总额(万元)50"
    assert (real.total.amount, real.total.unit) == (Decimal("50"), "万元")


# -- the total of a self-evaluation money block ----------------------------------------------

@pytest.mark.parametrize("fmt", ["docx", "xlsx", "txt"])
def test_the_total_is_under_the_budget_column_wherever_it_is(tmp_path, fmt):
    """Header-driven, not positional: here the executed column comes first."""
    head = [["项目名称", "植树造林", "<", "<"],
            ["资金情况（万元）", "全年执行数(B)", "全年预算数(A)", "执行率(B/A)"],
            ["年度资金总额", "259.45", "300", "86.5%"]]
    form = _read_grid(tmp_path, _project(head, title="项目支出绩效自评表"), fmt).forms[0]
    assert form.total.amount == Decimal("300")


def test_the_total_in_a_sub_column(tmp_path):
    head = [["项目名称", "植树造林", "<", "<"], ["项目资金（万元）", "合计", "250", "<"]]
    assert _read_grid(tmp_path, _project(head), "docx").forms[0].total.amount == Decimal("250")


def test_budget_and_executed_labels_in_a_text_copy(tmp_path):
    """Free text: "全年预算数(A)" on one line, "全年执行数(B) 7165.32 6992.95" on the next (doc 93's
    layout), or each label over its figure (doc 87's)."""
    text = ("项目支出绩效自评表\n（2022年度）\n项目名称 植树造林\n全年预算数(A)\n全年执行数(B) 80.5 79\n"
            "一级指标\n二级指标\n三级指标\n指标值\n产出指标\n数量指标\n造林面积\n≥500亩\n")
    assert _read_text(tmp_path, text).forms[0].total.amount == Decimal("80.5")
    assert _real("93_").forms[0].total.amount == Decimal("7165.32")
    assert _real("87_").forms[0].total.amount == Decimal("2.38")
    assert _real("82_").forms[0].total.amount == Decimal("5")


def test_a_money_heading_over_a_line_without_a_figure_takes_no_value(tmp_path):
    """"项目资金" over "预算执行" heads a block (doc 111's layout): the amount is the year's budget
    labelled further on, here in a docx grid where "资金额度" carries it with a bare "万"."""
    text = ("项目支出绩效目标表\n（2023年度）\n项目名称 植树造林\n项目资金\n预算执行\n"
            "项目总预算 120\n当年年度预算 80\n项目实施期 2023年4月-2024年2月\n"
            "一级指标\n二级指标\n三级指标\n指标值\n产出指标\n数量指标\n造林面积\n≥500亩\n")
    form = _read_text(tmp_path, text).forms[0]
    assert form.total.amount == Decimal("80")
    head = [["项目名称", "植树造林", "<", "<"], ["主管部门", "省残联", "资金额度", "4623 万"]]
    assert _read_grid(tmp_path, _project(head), "docx").forms[0].total.amount == Decimal("4623")


def test_a_cell_closed_by_its_pipe_on_its_own_line(tmp_path):
    """A pipe row wrapped over lines ("项目名称 |" then "植树造林 | ||||"): the pipe closes the cell,
    it is never the value; a level-prefixed 区级主管部门 is the unit's department."""
    text = ("绩效目标表 | |||\n项目名称 |\n植树造林 | |||\n区级主管部门 |\n青山区林业局 | |||\n"
            "年度资金总额 |\n80 | |||\n一级指标 | 二级指标 | 三级指标 | 指标值 |\n"
            "产出指标 | 数量指标 | 造林面积 | ≥500亩 |\n")
    form = _read_text(tmp_path, text).forms[0]
    assert form.project_name.value == "植树造林"
    assert _unit(form) == "青山区林业局"


def test_figures_run_into_a_rate_are_not_an_amount():
    assert parse_money("202010100.00%10") is None
    assert parse_money("100%") is None
    assert parse_money("30.5万元") == (Decimal("30.5"), "万元")


# -- the budget year -------------------------------------------------------------------------

def _no_year_project(head: list[list[object]], title: str = "项目支出绩效目标表") -> list[list[object]]:
    rows = [[title, "<", "<", "<"]] + [r + ["<"] * (4 - len(r)) for r in head]
    return rows + INDICATORS


def test_a_year_line_run_on_into_the_next_cell(tmp_path):
    text = ("项目绩效目标自评表\n(2022年度)项目总得分99分\n项目名称 植树造林\n年度资金总额 30\n"
            "一级指标\n二级指标\n三级指标\n指标值\n产出指标\n数量指标\n造林面积\n≥500亩\n")
    assert _read_text(tmp_path, text).forms[0].year == 2022
    assert _real("91_").forms[0].year == 2022


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_a_period_within_one_calendar_year_is_the_year(tmp_path, fmt):
    one = _no_year_project([["项目名称", "植树造林"], ["项目实施期", "2024年3月-2024年11月"]])
    assert _read_grid(tmp_path, one, fmt).forms[0].year == 2024
    several = _no_year_project([["项目名称", "植树造林"], ["项目实施期", "2023年-2025年"]])
    assert _read_grid(tmp_path, several, fmt).forms[0].year is None


def test_the_one_year_naming_the_amount_column(tmp_path):
    grid = _no_year_project([["项目名称", "植树造林"], ["资金需求（万元）", "2021年金额", "300", "<"]])
    assert _read_grid(tmp_path, grid, "xlsx").forms[0].year == 2021
    titled = _no_year_project([["项目名称", "植树造林"], ["资金需求（万元）", "2021年金额", "300", "<"]],
                              title="2022年项目支出绩效目标表")
    assert _read_grid(tmp_path, titled, "xlsx").forms[0].year == 2022  # never a prior-year column
    two = _no_year_project([["项目名称", "植树造林"], ["2023年预算数", "300", "2022年预算数", "280"]])
    assert _read_grid(tmp_path, two, "xlsx").forms[0].year is None


def test_the_filing_date_is_the_last_resort_except_on_a_self_evaluation(tmp_path):
    dated = _no_year_project([["项目名称", "植树造林"], ["填报日期", "2021年1月28日"]])
    assert _read_grid(tmp_path, dated, "docx").forms[0].year == 2021
    evaluated = _no_year_project([["项目名称", "植树造林"], ["填报日期", "2022年3月22日"]], title="项目支出绩效自评表")
    assert _read_grid(tmp_path, evaluated, "docx").forms[0].year is None  # filled in the year after
    assert _real("05_").forms[0].year == 2021  # 填报日期:2021 年 1 月 28 日


@pytest.mark.parametrize("fmt", ["docx", "txt"])
@pytest.mark.parametrize("first, second", [("青山市林业局2024年", "项目支出绩效目标表"),
                                           ("青山市林业局", "2024年项目支出绩效目标表")])
def test_a_title_split_over_two_lines_gives_the_year_and_the_unit(tmp_path, fmt, first, second):
    grid = [["项目名称", "植树造林", "<", "<"], ["资金总额", "12", "<", "<"]] + INDICATORS
    variant = build_fixtures.Variant("t", "t", [build_fixtures.Form("表", grid, before=[first, second])])
    path = tmp_path / f"t.{fmt}"
    path.write_bytes({"docx": build_fixtures.render_docx, "txt": build_fixtures.render_txt}[fmt](variant))
    form = extract(read_document(str(path))).forms[0]
    assert (form.year, _unit(form), form.year_inferred) == (2024, "青山市林业局", False)


def test_a_date_line_before_the_title_is_not_half_of_it(tmp_path):
    grid = _no_year_project([["项目名称", "植树造林"], ["资金总额", "12"]])
    form = _read_grid(tmp_path, grid, "docx", before=["2023年12月5日"]).forms[0]
    assert form.year is None


def test_a_file_name_line_over_the_title_names_unit_and_year():
    form = _real("79_").forms[0]  # "广水市总工会2020年财政支出项目绩效目标申报表.pdf" / "财政支出项目绩效目标申报表"
    assert (form.year, _unit(form), form.year_inferred) == (2020, "广水市总工会", False)


# -- what real tables write ------------------------------------------------------------------

def test_a_period_in_two_fields_and_a_project_budget_within_the_year(tmp_path):
    grid = _no_year_project([["项目名称", "植树造林"], ["项目开始时间", "2024年3月", "项目结束时间", "2024年11月"],
                             ["项目总预算（万元）", "80"]])
    form = _read_grid(tmp_path, grid, "xlsx").forms[0]
    assert (form.period.value, form.year) == ("2024年3月-2024年11月", 2024)
    assert form.total.amount == Decimal("80")  # the whole budget is the year's: the project runs within it
    longer = _no_year_project([["项目名称", "植树造林"], ["项目起止时间", "2023年-2025年"], ["项目总预算（万元）", "80"]],
                              title="2024年项目支出绩效目标表")
    assert _read_grid(tmp_path, longer, "xlsx").forms[0].total is None  # over three years: not the year's


@pytest.mark.parametrize("label", ["本年下达资金", "其中：中央下达资金", "下达中央财政衔接资金"])
def test_money_passed_down_is_the_fiscal_funding(tmp_path, label):
    grid = _project([["项目名称", "植树造林", "<", "<"], [label, "120", "<", "<"]])
    form = _read_grid(tmp_path, grid, "docx").forms[0]
    assert form.fiscal.amount == Decimal("120") and form.total.amount == Decimal("120")


def test_figures_run_together_before_the_rate_are_cut_only_where_the_rate_proves_it():
    from checker.extract.values import glued_budget
    assert glued_budget("194.9194.9100%其中") == Decimal("194.9")  # budget | executed | rate
    assert glued_budget("202010100.00%10") == Decimal("20")  # budget | executed | score | rate
    assert glued_budget("300259.4586.5%") == Decimal("300")  # 259.45 / 300 = 86.5%
    assert glued_budget("100%") is None and glued_budget("95%") is None
    assert glued_budget("12345%") is None  # no cut makes executed / budget the rate


def test_a_self_evaluation_row_copied_without_cell_breaks(tmp_path):
    text = ("项目支出绩效自评表\n（2022年度）\n项目名称植树造林\n主管部门青山市林业局\n"
            "项目资金(万元)全年预算数(A)全年执行数(B)执行率(B/A) 年度资金总额80.579100%其中:财政拨款80.579100%\n"
            "一级指标\n二级指标\n三级指标\n指标值\n产出指标\n数量指标\n造林面积\n≥500亩\n")
    assert _read_text(tmp_path, text).forms[0].total is None  # 79 / 80.5 is not 100%: no proof, no amount
    text = text.replace("80.579100%", "80.580.5100%")
    assert _read_text(tmp_path, text).forms[0].total.amount == Decimal("80.5")
    assert _real("89_").forms[0].total.amount == Decimal("194.9")
    assert _real("84_").forms[0].total.amount == Decimal("20")
    assert _real("83_").forms[0].total.amount == Decimal("63")  # 一般预算内拨款6363100%


def test_a_sign_off_box_is_not_the_field_its_name_begins_with(tmp_path):
    text = ("项目支出绩效目标表\n（2022年度）\n项目名称 植树造林\n资金总额 12\n"
            "一级指标\n二级指标\n三级指标\n指标值\n产出指标\n数量指标\n造林面积\n≥500亩\n"
            "主管部门审核意见单位公章:年月\n")
    form = _read_text(tmp_path, text).forms[0]
    assert form.department is None


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_a_row_of_labels_over_a_row_of_values(tmp_path, fmt):
    head = [["项目名称", "主管部门", "实施单位", "资金总额（万元）"], ["植树造林", "青山市林业局", "青山市林业站", "45"]]
    form = _read_grid(tmp_path, _project(head), fmt).forms[0]
    assert (form.project_name.value, form.department.value, form.implementer.value) == (
        "植树造林", "青山市林业局", "青山市林业站")
    assert (form.total.amount, _unit(form)) == (Decimal("45"), "青山市林业局")


def test_a_unit_name_never_keeps_a_label_fragment_or_a_signature_label(tmp_path):
    from checker.extract.unitname import clean_unit, is_placeholder_unit
    assert clean_unit("区园林和林业局项目") == "区园林和林业局"  # 项目 begins the next label (项目名称 …)
    assert clean_unit("青山市教育局") == "青山市教育局"
    assert clean_unit("项目支出") == "项目支出" and is_placeholder_unit("预算部门(单位)") and is_placeholder_unit("年")
    assert _unit(_real("83_").forms[0]) in ("区园林和林业局", "區園林和林業局")
    head = [["单位（盖章）：青山市图书馆 主要领导签字：", "<", "<", "<"], ["主管部门", "青山市文化和旅游局", "<", "<"]]
    form = _read_grid(tmp_path, _project(head), "docx").forms[0]
    assert (form.contacts.seal_unit.value, _unit(form)) == ("青山市图书馆", "青山市文化和旅游局")
    assert _unit(_real("82_").forms[0]) == "黄石市文化和旅游局"


def test_a_pdf_copy_that_writes_the_labels_first_then_the_values(tmp_path):
    """Doc 05's layout: "部门(单位)" / "名称" (one label over two lines) / "填报人 <unit> <name>"."""
    tail = "一级指标\n二级指标\n三级指标\n指标值\n产出指标\n数量指标\n造林面积\n≥500亩\n"
    text = "部门整体支出绩效目标表\n（2024年度）\n部门(单位)\n名称\n填报人 青山市林业局 王五\n资金总额 12\n" + tail
    form = _read_text(tmp_path, text).forms[0]
    assert (_unit(form), form.contacts.filler.value) == ("青山市林业局", "王五")
    # A blank label followed by one label with one value: no pairing, the blank stays blank.
    text = "部门整体支出绩效目标表\n（2024年度）\n部门名称 青山市林业局\n填表人\n联系电话 0858-8201038\n资金总额 12\n" + tail
    form = _read_text(tmp_path, text).forms[0]
    assert (form.contacts.filler.value, form.contacts.phone.value) == ("", "0858-8201038")
    real = _real("05_").forms[0]
    assert (_unit(real), real.contacts.filler.value) == ("广水市人民政府办公室", "南春锋")


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_a_label_written_over_two_rows_of_its_cell(tmp_path, fmt):
    head = [["项目名称", "植树造林", "<", "<"], ["资金总额", "12", "<", "<"], ["年度", "<", "<", "<"],
            ["目标", "<", "<", "<"], ["完成造林500亩，成活率85%以上。", "<", "<", "<"]]
    form = _read_grid(tmp_path, _project(head), fmt).forms[0]
    assert form.goal.value == "完成造林500亩，成活率85%以上。"
    assert _real("16_").forms[0].goal.value.startswith("聚焦残疾人康复需求")


def test_a_project_name_ends_at_a_unit_or_contact_label_only(tmp_path):
    text = ("专项资金绩效目标自评表\n（2020年度）\n专项资金名称县级储备粮负责人及电话张三13800000000\n"
            "主管部门 青山县粮食局\n年度资金总额 30\n"
            "一级指标\n二级指标\n三级指标\n指标值\n产出指标\n数量指标\n储备规模\n≥5000吨\n")
    form = _read_text(tmp_path, text).forms[0]
    assert (form.project_name.value, form.contacts.project_leader.value) == ("县级储备粮", "张三13800000000")
    text = text.replace("专项资金名称县级储备粮负责人及电话张三13800000000", "项目名称农村学校财政拨款补助资金")
    assert _read_text(tmp_path, text).forms[0].project_name.value == "农村学校财政拨款补助资金"
    assert _real("93_").forms[0].project_name.value == "就业补助资金"  # 转移支付(项目)名称


def test_a_self_evaluation_goal_is_the_target_set_not_the_result(tmp_path):
    tail = "一级指标\n二级指标\n三级指标\n指标值\n产出指标\n数量指标\n造林面积\n≥500亩\n"
    text = ("项目支出绩效自评表\n（2022年度）\n项目名称 植树造林\n年度资金总额 30\n"
            "年度总体目标 预期目标 实际完成情况 完成造林500亩 完成造林520亩\n" + tail)
    assert _read_text(tmp_path, text).forms[0].goal.value == "完成造林500亩"
    grid = _project([["项目名称", "植树造林", "<", "<"], ["年初设定目标", "完成造林500亩", "全年实际完成情况", "完成造林520亩"]],
                    title="项目支出绩效自评表")
    assert _read_grid(tmp_path, grid, "docx").forms[0].goal.value == "完成造林500亩"


def test_a_pending_value_is_never_the_first_half_of_a_wrapped_label(tmp_path):
    """Doc 73: "其他资金" ends a line, the next is "总体 | 目标" (one label), then the goal text."""
    text = ("项目支出绩效目标申报表\n（2024年度）\n项目名称 植树造林\n年度资金总额\n30万元\n其他资金\n总体 目标\n"
            "完成造林500亩。\n一级指标\n二级指标\n三级指标\n指标值\n产出指标\n数量指标\n造林面积\n≥500亩\n")
    assert _read_text(tmp_path, text).forms[0].goal.value == "完成造林500亩。"
    assert _real("73_").forms[0].goal.value.startswith("针对当前城乡居民")


def test_labels_are_compared_after_one_normaliser(tmp_path):
    """Required-field marks, any bracket, a unit suffix in any bracket: the same label."""
    head = [["*项目名称", "植树造林", "<", "<"], ["★主管部门", "青山市林业局", "<", "<"],
            ["资金总额［元］", "50000", "<", "<"], ["部门【单位】名称", "青山市林业局办公室", "<", "<"]]
    form = _read_grid(tmp_path, _project(head), "xlsx").forms[0]
    assert (form.project_name.value, form.department.value) == ("植树造林", "青山市林业局")
    assert (form.total.amount, form.total.unit) == (Decimal("50000"), "元")
    assert form.unit_label.value == "青山市林业局办公室"


def test_more_of_what_real_tables_write(tmp_path):
    head = [["项目名称", "植树造林", "<", "<"], ["填报单位（公章）", "青山市林业局", "<", "<"],
            ["资金使用单位", "青山市林业站", "<", "<"], ["本年预算金额（万元）", "66", "<", "<"]]
    form = _read_grid(tmp_path, _project(head), "docx").forms[0]
    assert (_unit(form), form.implementer.value, form.total.amount) == ("青山市林业局", "青山市林业站", Decimal("66"))
