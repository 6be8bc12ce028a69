"""Form detection by content (issue 13 item 2).

A table is recognised by what it holds, not only by its title: an indicator block with labels of
one kind of form is that form even without a recognised title; allocation tables and notices are
not forms; several forms in one file stay several forms. Each rule is shown here on generated
tables in layouts other than the real documents that motivated it, and on the real documents.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from checker.config import Config
from checker.extract.cells import is_title
from checker.pipeline import CheckOptions, check_file, load_submission
from tests.conftest import SEED_000

SHARED = Path("/work/shared")
ANNOTATIONS = SHARED / "annotations" / "expect.json"


def _write(tmp_path: Path, text: str, name: str = "t.txt") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _forms(tmp_path: Path, text: str):
    return load_submission(_write(tmp_path, text)).forms


def _fired(path: str) -> set[str]:
    result = check_file(path, CheckOptions(config=Config()))
    assert result.status == "checked", result.error
    return {f.rule for f in result.findings}


INDICATORS_TAB = (
    "一级指标\t二级指标\t三级指标\t指标值\n"
    "产出指标\t数量指标\t改造农村公路里程\t≥120公里\n"
    "\t质量指标\t工程验收合格率\t100%\n"
    "\t时效指标\t完工时间\t2024年11月底前\n"
    "效益指标\t社会效益指标\t群众出行时间缩短\t≥10分钟\n"
    "满意度指标\t服务对象满意度指标\t沿线群众满意度\t≥90%\n"
)

UNTITLED_PROJECT_TAB = (
    "项目名称\t农村公路提档升级\t主管部门\t某县交通运输局\n"
    "实施单位\t某县农村公路管理所\t项目期限\t2024年\n"
    "资金总额(万元)\t860\t其中：财政拨款\t860\n"
    + INDICATORS_TAB
)


# -- an untitled project form -------------------------------------------------------------------
def test_untitled_project_form_in_tab_layout_is_a_project_form(tmp_path):
    forms = _forms(tmp_path, UNTITLED_PROJECT_TAB)
    assert [f.kind for f in forms] == ["project"]
    form = forms[0]
    assert form.kind_from == "content"
    assert form.project_name.value == "农村公路提档升级"
    assert form.total.amount == 860
    assert {i.name for i in form.indicators} >= {"改造农村公路里程", "沿线群众满意度"}


def test_untitled_form_does_not_fire_s01(tmp_path):
    assert "S01" not in _fired(_write(tmp_path, UNTITLED_PROJECT_TAB))


def test_untitled_cell_per_line_copy_with_a_heading_takes_its_year_and_unit(tmp_path):
    """A web copy, one cell a line, under a heading that names no kind ("…项目绩效目标和指标")."""
    text = "\n".join([
        "首页 > 政务公开 > 部门预算", "青山县教育局2024年项目绩效目标和指标", "发布时间:2024-03-01",
        "项目名称:", "学生营养改善计划", "项目内容", "为义务教育阶段学生提供营养膳食补助",
        "产出指标", "数量指标", "受助学生人数", "≥3200人",
        "效益指标", "社会效益指标", "学生营养状况改善", "明显改善",
        "满意度指标", "服务对象满意度指标", "家长满意度", "≥92%",
    ]) + "\n"
    forms = _forms(tmp_path, text)
    assert [f.kind for f in forms] == ["project"]
    assert forms[0].title == "青山县教育局2024年项目绩效目标和指标"
    assert forms[0].year == 2024
    assert forms[0].unit_name.value == "青山县教育局"
    assert "S01" not in _fired(_write(tmp_path, text, "u.txt"))


def test_untitled_form_cut_off_before_its_indicators_is_known_by_its_labels(tmp_path):
    """A transfer-payment self-evaluation without its title, cut before the indicators (a tab
    layout; real doc 92 is a pipe layout): three project labels are enough."""
    text = ("（2023年度）\n"
            "转移支付（项目）名称\t农村饮水安全巩固提升\n"
            "中央主管部门\t水利部\t地方主管部门\t某省水利厅\n"
            "资金使用单位\t某县水利局\n"
            "年度资金总额：\t420\t420\t100%\n")
    forms = _forms(tmp_path, text)
    assert [f.kind for f in forms] == ["project"]
    assert forms[0].year == 2023
    assert forms[0].total.amount == 420


def test_one_project_label_without_indicators_is_not_a_form(tmp_path):
    text = "项目名称\t农村公路提档升级\n资金总额(万元)\t860\n"
    assert _forms(tmp_path, text) == []


# -- an untitled department form ----------------------------------------------------------------
UNTITLED_DEPARTMENT = (
    "某市气象局工作情况\n"
    "部门(单位)名称\t某市气象局\n"
    "部门(单位)职能描述\t负责本市气象监测、预报预警和气象服务。\n"
    "基本支出\t320.5\n"
    "项目支出\t80\n"
    "资金总额(万元)\t400.5\n"
    + INDICATORS_TAB
)


def test_untitled_department_form_is_a_department_form(tmp_path):
    forms = _forms(tmp_path, UNTITLED_DEPARTMENT)
    assert [f.kind for f in forms] == ["department"]
    assert forms[0].functions.value.startswith("负责本市气象监测")


def test_heading_that_names_no_table_still_fires_s01_on_the_form(tmp_path):
    fired = check_file(_write(tmp_path, UNTITLED_DEPARTMENT), CheckOptions(config=Config())).findings
    messages = [f.message for f in fired if f.rule == "S01"]
    assert messages and "某市气象局工作情况" in messages[0]


def test_heading_that_names_a_table_passes_s01(tmp_path):
    text = UNTITLED_DEPARTMENT.replace("某市气象局工作情况", "某市气象局2024年申报明细表")
    assert "S01" not in _fired(_write(tmp_path, text))


# -- several forms in one file ------------------------------------------------------------------
def test_seed_without_titles_keeps_its_department_and_project_forms(tmp_path):
    lines = SEED_000.read_text(encoding="utf-8").splitlines()
    untitled = "\n".join(ln for ln in lines if "绩效目标表" not in ln) + "\n"
    forms = _forms(tmp_path, untitled)
    assert [f.kind for f in forms] == ["department", "project"]
    assert forms[1].project_name.value == "科普基金"
    assert forms[0].functions is not None


def test_two_untitled_project_forms_in_a_row_stay_two_forms(tmp_path):
    second = UNTITLED_PROJECT_TAB.replace("农村公路提档升级", "危桥改造").replace("860", "300")
    forms = _forms(tmp_path, UNTITLED_PROJECT_TAB + "填表人：李明\n" + second)
    assert [(f.kind, f.project_name.value) for f in forms] == [("project", "农村公路提档升级"),
                                                               ("project", "危桥改造")]
    assert [f.total.amount for f in forms] == [860, 300]
    assert forms[0].contacts.filler.value == "李明"  # the tail stays with the form it closes


def test_untitled_project_after_a_titled_department_form_is_its_own_form(tmp_path):
    titled = UNTITLED_DEPARTMENT.replace("某市气象局工作情况", "某市气象局2024年部门整体支出绩效目标表")
    forms = _forms(tmp_path, titled + UNTITLED_PROJECT_TAB)
    assert [(f.kind, f.kind_from) for f in forms] == [("department", "title"), ("project", "content")]


# -- not forms ----------------------------------------------------------------------------------
NOTICE = ("关于下达2024年农村公路养护补助资金的通知\n"
          "各县（区）财政局、交通运输局：\n"
          "为支持农村公路日常养护，现下达补助资金500万元，请按规定及时拨付，并于年底前报送使用情况。\n")
ALLOCATION = ("单位：万元\n"
              "序号\t县（区）\t项目名称\t金额\n"
              "1\t东湖区\t县乡道日常养护\t200\n"
              "2\t西山县\t村道安全设施\t180\n"
              "合计\t\t\t380\n")


def test_notice_with_an_untitled_allocation_table_holds_no_form(tmp_path):
    path = _write(tmp_path, NOTICE + ALLOCATION)
    assert load_submission(path).forms == []
    assert "S01" in _fired(path)  # nothing recognised: the document-level variant


def test_allocation_table_then_target_table_gives_only_the_target_form(tmp_path):
    """Real doc 25's shape (notice, 分配表, target table) in a tab layout with a 资金安排表."""
    text = (NOTICE + "附件1\n2024年农村公路养护补助资金安排表\n" + ALLOCATION
            + "附件2\n项目支出绩效目标表\n" + UNTITLED_PROJECT_TAB)
    forms = _forms(tmp_path, text)
    assert [(f.kind, f.title) for f in forms] == [("project", "项目支出绩效目标表")]
    assert forms[0].total.amount == 860  # never the allocation table's 合计


@pytest.mark.parametrize("text", [
    "2022年度就业补助资金绩效目标自评表.xlsx",
    "科普专项资金绩效目标申报表.DOC_第1页",
    "《2020年度县级专项资金绩效目标自评表》",
    "现将2022年边销茶推广项目绩效目标申报表公开如下",
])
def test_file_names_and_quoted_names_are_not_titles(text):
    assert not is_title(text)


@pytest.mark.parametrize("text, kind", [
    ("某区2024年项目支出目标申报表", "project"),
    ("2023年度共享工程项目自评表", "project"),
    ("2021年度區級森林防火專項經費項目績效自評表", "project"),
    ("表十二 2024年项目绩效目标申报明细表", "project"),
])
def test_titles_that_say_project_without_the_standard_name(tmp_path, text, kind):
    forms = _forms(tmp_path, text + "\n" + UNTITLED_PROJECT_TAB)
    assert [(f.kind, f.kind_from) for f in forms] == [(kind, "title")]
    assert "S01" not in _fired(_write(tmp_path, text + "\n" + UNTITLED_PROJECT_TAB, "k.txt"))


# -- the real documents -------------------------------------------------------------------------
def _annotated() -> list[tuple[str, dict]]:
    if not ANNOTATIONS.exists():
        return []
    data = json.loads(ANNOTATIONS.read_text(encoding="utf-8"))
    return [(k, v) for k, v in sorted(data.items()) if not k.startswith("_") and (SHARED / k).exists()]


@pytest.mark.parametrize("name, expected", _annotated() or [pytest.param("", {}, marks=pytest.mark.skip)])
def test_real_documents_hold_exactly_their_annotated_kinds(name, expected):
    kinds = {f.kind for f in load_submission(str(SHARED / name)).forms}
    assert kinds == set(expected["kinds"])


S01_SILENT = [k for k, v in _annotated() if "S01" in v.get("must_not", [])]


@pytest.mark.parametrize("name", S01_SILENT or [pytest.param("", marks=pytest.mark.skip)])
def test_real_documents_with_a_form_do_not_fire_s01(name):
    assert "S01" not in _fired(str(SHARED / name))


# -- the unit a title names ---------------------------------------------------------------------
BARE_PROJECT = ("项目名称\t农村公路提档升级\n资金总额(万元)\t860\n" + INDICATORS_TAB)


@pytest.mark.parametrize("title, unit", [
    ("青山县公安局2024年项目支出绩效目标表", "青山县公安局"),
    ("青山县农业农村局项目支出绩效目标表", "青山县农业农村局"),
    # the words before the title name the fund or project, not who fills the table
    ("就业补助资金绩效目标自评表", None),
    ("山西省某市市级预算部门(单位)项目支出绩效目标申报表", None),
])
def test_the_unit_is_taken_from_a_title_only_when_it_names_a_unit(tmp_path, title, unit):
    forms = _forms(tmp_path, title + "\n" + BARE_PROJECT)
    assert [f.kind for f in forms] == ["project"]
    assert (forms[0].unit_name.value if forms[0].unit_name else None) == unit


def test_filling_instructions_naming_project_labels_are_not_a_form(tmp_path):
    """Labels with instructions and no figure (a 填报说明 page) are not a form cut off early."""
    text = ("填报说明\n"
            "项目名称：\t填写预算项目的全称\n"
            "主管部门：\t填写项目的主管部门\n"
            "实施单位：\t填写具体负责实施的单位\n"
            "项目期限：\t填写项目起止年月\n")
    assert _forms(tmp_path, text) == []


def test_untitled_form_under_a_cover_title_takes_the_cover_year(tmp_path):
    body = BARE_PROJECT.replace("项目名称", "主管部门\t某县交通运输局\n项目名称")
    forms = _forms(tmp_path, "某县交通运输局2025年预算绩效目标表\n" + body)
    assert [(f.kind, f.year) for f in forms] == [("project", 2025)]


def test_a_title_naming_no_kind_takes_the_kind_of_its_content(tmp_path):
    department = UNTITLED_DEPARTMENT.replace("某市气象局工作情况", "某市气象局2024年部门绩效目标表")
    assert [(f.kind, f.kind_from) for f in _forms(tmp_path, department)] == [("department", "title")]
    project = "某县交通运输局2024年绩效目标申报表\n" + UNTITLED_PROJECT_TAB
    assert [f.kind for f in _forms(tmp_path, project)] == ["project"]


def test_a_department_detail_table_is_a_department_form(tmp_path):
    text = UNTITLED_DEPARTMENT.replace("某市气象局工作情况", "部门整体支出绩效目标申报明细表")
    assert [(f.kind, f.kind_from) for f in _forms(tmp_path, text)] == [("department", "title")]


def test_the_year_under_a_title_is_read_when_the_next_cell_runs_on_after_it(tmp_path):
    text = "项目支出绩效自评表\n（2023年度）项目总得分95分\n" + UNTITLED_PROJECT_TAB.replace("2024年", "全年")
    assert [f.year for f in _forms(tmp_path, text)] == [2023]


# -- office files -------------------------------------------------------------------------------
def _rows_of(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines()]


def test_untitled_forms_on_two_sheets_stay_two_forms(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    for row in _rows_of(UNTITLED_DEPARTMENT.split("\n", 1)[1]):
        wb.active.append(row)
    second = wb.create_sheet("Sheet2")
    # the project sheet opens with its money, not its name: only the new sheet separates them
    project = UNTITLED_PROJECT_TAB.split("\n")
    for row in _rows_of("\n".join(project[2:3] + project[:2] + project[3:])):
        second.append(row)
    path = tmp_path / "two.xlsx"
    wb.save(path)
    forms = load_submission(str(path)).forms
    assert [f.kind for f in forms] == ["department", "project"]
    assert forms[1].project_name.value == "农村公路提档升级"
    assert [f.total.amount for f in forms] == [Decimal("400.5"), 860]


def test_a_published_list_of_projects_gives_one_form_a_project(tmp_path):
    """A list page (real doc 74's kind) with two complete projects, here one cell per line with
    plain level headings instead of 【一级-二级】."""
    def project(name: str, amount: str, count: str) -> list[str]:
        return [name, amount, f"【项目概况】:{name}的日常运行保障。", "【总体目标】", "保障工作正常开展",
                "产出指标", "数量指标", f"保障次数{count}", "效益指标", "社会效益指标", "服务质量提升明显",
                "满意度指标", "服务对象满意度指标", "群众满意度≥90%"]
    text = "\n".join(["某县司法局2025年项目绩效目标和指标", "单位名称", "年度预算安排", "项目内容", "绩效目标",
                      *project("法律援助经费", "300000", "≥120次"), *project("人民调解经费", "200000", "≥80次")])
    forms = _forms(tmp_path, text + "\n")
    assert [f.kind for f in forms] == ["project", "project"]
    assert forms[0].title == "某县司法局2025年项目绩效目标和指标"
    assert all(f.indicators for f in forms)


@pytest.mark.parametrize("label, field", [("单位名称(项目类别", None), ("年度绩效目标(文字)", "goal")])
def test_a_bracket_after_a_label_qualifies_it_and_is_no_value(label, field):
    from checker.extract import match_label

    found = match_label(label)
    assert (found[0], found[2]) == (field, None) if field else found is None


def test_a_label_broken_over_two_lines_of_a_web_copy_is_one_label(tmp_path):
    """Cell-per-line copies break long label cells ("部门相应职能职" / "责概述" in real doc 76)."""
    text = "\n".join([
        "项目支出绩效目标表", "项目名", "称", "社区养老服务", "主管部门", "某区民政局",
        "年度绩效目", "标", "为辖区老人提供助餐服务",
        "一级指标", "二级指标", "三级指标", "指标值",
        "产出指标", "数量指标", "助餐服务人次", "≥5000人次",
        "满意度指标", "服务对象满意度指标", "老人满意度", "≥90%",
    ]) + "\n"
    [form] = _forms(tmp_path, text)
    assert form.project_name.value == "社区养老服务"
    assert form.goal.value == "为辖区老人提供助餐服务"


def test_a_title_broken_over_two_lines_is_one_title(tmp_path):
    text = "某县民政局2024年项目支出绩效目标申\n报表\n" + UNTITLED_PROJECT_TAB.replace("\t", "\n")
    forms = _forms(tmp_path, text)
    assert [(f.kind, f.kind_from, f.title) for f in forms] == [
        ("project", "title", "某县民政局2024年项目支出绩效目标申报表")]


@pytest.mark.parametrize("heading, kind", [
    ("某县2024年乡村道路建设项目绩效目标", "project"),
    ("某县气象局2024年部门整体绩效目标", "department"),
    (None, None),
])
def test_a_bare_indicator_block_takes_the_kind_its_heading_names(tmp_path, heading, kind):
    text = (heading + "\n" if heading else "") + INDICATORS_TAB
    assert [f.kind for f in _forms(tmp_path, text)] == ([kind] if kind else [])
