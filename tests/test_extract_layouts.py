"""Extractor behaviour on layout variants taken from real tables (text in -> model out)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from checker.extract import extract
from checker.extract.values import parse_money
from checker.readers import read_document


def _read(tmp_path, text: str, name: str = "t.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract(read_document(str(path)))


PROJECT_HEAD = (
    "项目支出绩效目标表\n（2024年度）\n"
    "项目名称\t科普基金\n预算资金（万元）\t12\n实施期\t2024年1月至12月\n年度目标\t办好科普活动\n"
)


def test_empty_value_cell_keeps_the_explanation_in_its_column(tmp_path):
    text = PROJECT_HEAD + (
        "一级指标\t二级指标\t三级指标\t指标值\t指标解释\n"
        "产出指标\t数量指标\t科普讲座场次\t≥10场\t全年举办讲座不少于10场\n"
        "\t\t科普展板数量\t\t按活动需要制作展板\n"
        "效益指标\t社会效益指标\t公众科学素质\t逐步提高\t抽样调查\n"
    )
    form = _read(tmp_path, text).forms[0]
    rows = [(i.name, i.value, i.explanation) for i in form.indicators]
    assert rows[1] == ("科普展板数量", "", "按活动需要制作展板")
    assert rows[0] == ("科普讲座场次", "≥10场", "全年举办讲座不少于10场")


def test_restated_level1_keeps_the_running_level2(tmp_path):
    """A page break repeats the merged 一级 label: the rows below still belong to 数量指标."""
    text = PROJECT_HEAD + (
        "一级指标\t二级指标\t三级指标\t指标值\n"
        "产出指标\t数量指标\t科普讲座场次\t≥10场\n"
        "产出指标\t\t科普展板数量\t≥20块\n"
        "\t质量指标\t讲座满意率\t≥90%\n"
    )
    form = _read(tmp_path, text).forms[0]
    assert [(i.level1, i.level2, i.name) for i in form.indicators] == [
        ("产出指标", "数量指标", "科普讲座场次"),
        ("产出指标", "数量指标", "科普展板数量"),
        ("产出指标", "质量指标", "讲座满意率"),
    ]


def test_new_level1_ends_the_level2_block(tmp_path):
    text = PROJECT_HEAD + (
        "一级指标\t二级指标\t三级指标\t指标值\n"
        "产出指标\t数量指标\t科普讲座场次\t≥10场\n"
        "满意度指标\t\t参与群众满意度\t≥90%\n"
    )
    form = _read(tmp_path, text).forms[0]
    assert [(i.level1, i.level2) for i in form.indicators] == [("产出指标", "数量指标"), ("满意度指标", None)]


def test_unit_declaration_run_on_after_the_seal_field(tmp_path):
    """Real-doc 08: "填报单位:(盖章) 单位:万元" in one cell is a blank seal field plus the amount unit."""
    text = "项目支出绩效目标表\n（2023年度）\n填报单位:(盖章) 单位:万元\n" + PROJECT_HEAD.split("\n", 2)[2]
    form = _read(tmp_path, text).forms[0]
    assert form.amount_unit == "万元"
    assert form.contacts.seal_unit is not None and form.contacts.seal_unit.value == ""
    assert (str(form.total.amount), form.total.unit) == ("12", "万元")


def test_a_name_that_reads_like_a_heading_stays_a_name(tmp_path):
    """"服务对象满意度" in the 三级 column under 服务对象满意度指标 is the indicator, not a second heading."""
    text = PROJECT_HEAD + (
        "一级指标\t二级指标\t三级指标\t指标值\n"
        "产出指标\t数量指标\t科普讲座场次\t≥10场\n"
        "满意度指标\t服务对象满意度指标\t服务对象满意度\t≥90%\n"
        "\t\t社会公众满意度\t≥85%\n"
    )
    form = _read(tmp_path, text).forms[0]
    rows = [(i.level1, i.level2, i.name, i.value) for i in form.indicators]
    assert rows[1:] == [
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%"),
        ("满意度指标", "服务对象满意度指标", "社会公众满意度", "≥85%"),
    ]


def test_a_number_run_into_prose_is_not_an_amount():
    assert parse_money("1上杭县龙岩市畲族文化研究会《闽西畲族志》编纂出版项目10") is None
    assert parse_money("30其中:") == (Decimal("30"), None)
    assert parse_money("12万元整") == (Decimal("12"), "万元")
    assert parse_money("854万(高标准农田建设400万元)") == (Decimal("854"), "万元")


def test_a_letter_with_an_allocation_list_before_the_table_is_one_form():
    """Real doc 25: a covering letter and a numbered allocation list run into the table; the
    list's first line ("1上杭县…") is not an amount, so no form is read out of the letter."""
    path = Path(__file__).resolve().parent.parent / "fixtures" / "real-docs" / "25_longyan_minzong_zhuanyi_zhifu_mubiao_2023.txt"
    submission = extract(read_document(str(path)))
    assert [f.kind for f in submission.forms] == ["project"]
    assert submission.forms[0].total.amount == Decimal("30")


def test_doc25_region_values_run_together_are_one_target_per_indicator():
    """Real doc 25 is one run-on line with seven region columns: '项目资金' inside an indicator
    name is not the 项目资金 field, and '>=95%' written once per region is the target."""
    path = Path(__file__).resolve().parent.parent / "fixtures" / "real-docs" / "25_longyan_minzong_zhuanyi_zhifu_mubiao_2023.txt"
    indicators = extract(read_document(str(path))).forms[0].indicators
    rows = [(i.level2, i.name, i.value) for i in indicators]
    assert rows == [
        ("数量指标", "宗教管理经费补助县(市、区)数量", "2312222"),
        ("质量指标", "项目资金使用合规性", ">=95%"),
        ("质量指标", "项目完成率", ""),  # the page is cut off here
    ]
    assert indicators[1].explanation == "反映项目资金使用合规情况"
    assert indicators[1].target.number == Decimal("95") and indicators[1].target.unit == "%"


def test_field_labels_inside_a_run_on_indicator_block_are_words_of_names():
    from checker.extract.cells import split_run_together

    run_on = ("项目名称科普基金资金总额:12产出指标数量指标预算资金执行率100%质量指标管理制度健全性健全"
              "项目资金使用合规率100%填表人:张三联系电话:0851-1234567")
    assert split_run_together(run_on) == [
        "项目名称科普基金", "资金总额:12", "产出指标", "数量指标预算资金执行率100%",
        "质量指标管理制度健全性健全项目资金使用合规率100%填表人:张三", "联系电话:0851-1234567"]
    # Before the block, and after a new form's title, the labels cut again.
    two_forms = run_on + "项目支出绩效目标表项目名称培训项目项目资金:5产出指标"
    assert "项目名称培训项目" in split_run_together(two_forms)
    # A label with its colon still cuts inside the block; one without does not ("保障措施落实率").
    assert split_run_together("产出指标数量指标培训人数100人项目资金:5保障措施落实率100%")[-1] == (
        "项目资金:5保障措施落实率100%")


def test_a_figure_repeated_once_per_region_is_the_value():
    from checker.extract.indicators import split_trailing_value

    assert split_trailing_value("项目资金使用合规情况>=95%>=95%>=95%") == ("项目资金使用合规情况", ">=95%")
    assert split_trailing_value("覆盖率100%100%") == ("覆盖率", "100%")
    # A bare number repeated may be one number: "222" stays 222.
    assert split_trailing_value("培训人数222") == ("培训人数", "222")


def test_doc02_indicators_run_together_in_one_cell_are_read_one_by_one():
    """Real doc 02 (a web copy of a .docx): the header row is lost in the text before it, the block
    opens with 数量指标, and each 二级 cell holds several 'name 反映… figure' indicators."""
    path = Path(__file__).resolve().parent.parent / "fixtures" / "real-docs" / "02_ezhou_shizhi_xiangmu_binhu_2022.txt"
    indicators = extract(read_document(str(path))).forms[0].indicators
    rows = [(i.level1, i.level2, i.name, i.value) for i in indicators]
    # The name and its 'reflects …' text are two columns glued: the text goes to the column it
    # belongs to (here the template's 绩效标准), not into the name.
    assert rows == [
        ("产出指标", "数量指标", "办公大楼日常维修维护次数", "2280次"),
        ("产出指标", "数量指标", "大楼安检巡察次数", "200次"),
        ("产出指标", "质量指标", "办公大楼日常维修维护验收合格率", ">92%"),
        ("产出指标", "质量指标", "经常性大型设备更新验收合格率", "292%"),  # OCR: ≥92%
        ("产出指标", "质量指标", "重.要设备维修维保验收合格率", "95%"),
        ("产出指标", "成本指标", "成本控制率不超预算水电气消耗下降率", ""),  # cut off
    ]
    assert indicators[0].standard == "反映办公大楼全年维修维护情况"


def test_a_figure_ends_an_indicator_only_before_a_name_with_its_own_explanation():
    from checker.extract.indicators import split_indicator_run

    assert split_indicator_run("维修次数反映维修情况20次巡检次数反映巡检情况200次") == [
        "维修次数反映维修情况20次", "巡检次数反映巡检情况200次"]
    assert split_indicator_run("合格率反映质量情况XX巡检次数反映巡检情况≥**") == [
        "合格率反映质量情况XX", "巡检次数反映巡检情况≥**"]
    # A figure inside an explanation, or one with its suffix, ends nothing.
    assert split_indicator_run("检查次数反映全年完成3次检查情况5次") == ["检查次数反映全年完成3次检查情况5次"]
    assert split_indicator_run("培训3次以上人员反映培训情况100人") == ["培训3次以上人员反映培训情况100人"]
    assert split_indicator_run("覆盖率100%巩固率95%") == ["覆盖率100%巩固率95%"]  # no explanations: unknown


def test_a_run_whose_first_figure_comes_first_is_cut_where_its_explanation_closes():
    """A swapped first row ('20次' before its name) leaves 反映…情况 as the only end of its explanation."""
    from checker.extract.indicators import split_indicator_run, split_leading_figure

    swapped = "20次维修次数反映全年维修情况巡检次数反映巡检情况200次"
    assert split_indicator_run(swapped) == ["20次维修次数反映全年维修情况", "巡检次数反映巡检情况200次"]
    assert split_leading_figure("20次维修次数反映全年维修情况") == ("20次", "维修次数反映全年维修情况")
    # 情况 closes nothing when no figure came first, or when the words after it are no name.
    assert split_indicator_run("维修次数反映全年维修情况巡检次数反映巡检情况200次") == [
        "维修次数反映全年维修情况巡检次数反映巡检情况200次"]
    assert split_indicator_run("20次维修次数反映全年维修情况和巡检情况3次反映") == [
        "20次维修次数反映全年维修情况和巡检情况3次反映"]
    # A year opens names ("2023年培训人次"), not swapped rows.
    assert split_leading_figure("2023年培训人次反映培训情况") is None
    assert split_indicator_run("2023年培训人次反映培训情况巡检次数反映巡检情况200次")[0].startswith("2023年培训人次")


SUMMARY_HEAD = (
    "2024年市级专项资金绩效目标汇总表\n填报单位：某市民政局\t\t金额单位：万元\n"
    "序号\t名  称\t金  额\t实施期绩效目标\t年度绩效目标\n"
    "\t合  计\t10\t\t\n一\t社会救助专项资金\t10\t\t\n1\t孤儿基本生活保障\t10\t保障水平提高\t按标准发放\n"
)


def test_a_bare_number_under_the_seq_header_is_a_numbered_empty_row(tmp_path):
    text = SUMMARY_HEAD + "2\t\t\t\t\n\t\t3\t\t\n"
    lines = _read(tmp_path, text).forms[0].lines
    assert (lines[3].seq, lines[3].name, lines[3].amount) == ("2", "", None)
    assert lines[4].seq == ""  # a number under 金额 is no 序号


DEPT_HEAD = (
    "2024年部门整体支出绩效目标表\n部门(单位)名称\t青山市民政局\n"
    "部门(单位)资金情况\t资金总额\t120\n\t基本支出\t100\n\t项目支出\t20\n"
)


def test_a_plan_tables_header_row_names_its_columns(tmp_path):
    """年度重点工作计划 | 时间 | 事项 | 责任单位/科室 | 工作目标: a header, not a plan item; the rows
    below are read by those columns, wherever the header row stands."""
    rows = ["\t1月至6月\t社区治理\t计划财务科\t按标准发放孤儿基本生活费", "\t7月至12月\t社会救助\t办公室\t落实城乡低保政策"]
    same_row = DEPT_HEAD + "年度重点工作计划\t时间\t事项\t责任单位/科室\t工作目标\n" + "\n".join(rows) + "\n"
    next_row = DEPT_HEAD + "年度重点工作计划\n\t时间\t事项\t责任单位/科室\t工作目标\n" + "\n".join(rows) + "\n"
    for text in (same_row, next_row):
        plans = _read(tmp_path, text).forms[0].plans
        assert [(p.period, p.content, p.owner) for p in plans] == [
            ("1月至6月", "社区治理：按标准发放孤儿基本生活费", "计划财务科"),
            ("7月至12月", "社会救助：落实城乡低保政策", "办公室"),
        ]


def test_a_placeholder_run_on_after_its_name_is_the_value():
    from checker.extract.indicators import split_trailing_value

    assert split_trailing_value("农村义务教育学校改造覆盖率XX") == ("农村义务教育学校改造覆盖率", "XX")
    assert split_trailing_value("服务对象满意度≥**") == ("服务对象满意度", "≥**")
    assert split_trailing_value("培训人数XX人") == ("培训人数", "XX人")
    assert split_trailing_value("X光机配备数量") is None
    assert split_trailing_value("培训人数") is None


def test_a_percentage_run_on_before_the_words_is_split_in_order():
    """A run-on copy of a swapped row: name cell '100%', value cell '农村…覆盖率' (Q06 then says so)."""
    from checker.extract.indicators import split_leading_percent

    assert split_leading_percent("100%农村义务教育学校改造覆盖率") == ("100%", "农村义务教育学校改造覆盖率")
    assert split_leading_percent("≥95%验收合格率") == ("≥95%", "验收合格率")
    assert split_leading_percent("农村义务教育学校改造覆盖率") is None
    assert split_leading_percent("100%") is None


def test_a_bare_number_run_on_before_an_echoed_name_is_split_in_order():
    """Real doc 25's row swapped in its run-on copy: the explanation '反映<name>情况' shows where the
    name starts, so the seven regions' figures '2312222' before it are a value written first."""
    from checker.extract.indicators import split_leading_number

    swapped = "2312222宗教管理经费补助县(市、区)数量反映宗教管理经费补助县(市、区)数量情况"
    assert split_leading_number(swapped) == ("2312222", swapped[7:])
    # Names that start with digits, serial numbers and figures with units stay whole.
    assert split_leading_number("12345热线接通率反映12345热线接通率情况") is None
    assert split_leading_number("1项目完成率反映项目完成率情况") is None
    assert split_leading_number("12项目完成率反映项目完成率情况") is None
    assert split_leading_number("2023年培训人次反映培训人次情况") is None
    # Without an echo nothing shows where a name would start.
    assert split_leading_number("2312222宗教管理经费补助县数量") is None
    assert split_leading_number("2312222宗教管理经费补助县数量反映补助县数量情况") is None


def test_a_blank_contact_before_the_seal_field_is_blank_not_absent(tmp_path):
    """Real doc 16's cover line with the name left out: '项目责任人: 单位(盖章):' (free text)."""
    source = Path(__file__).resolve().parent.parent / "fixtures" / "real-docs" / "16_luan_jinan_canlian_kangfu_xiangmu_2023.txt"
    text = source.read_text(encoding="utf-8")
    assert "项目责任人:邹光辉 单位(盖章):" in text
    filled = _read(tmp_path, text).forms[0].contacts.filler
    blank = _read(tmp_path, text.replace("项目责任人:邹光辉", "项目责任人:")).forms[0].contacts.filler
    assert filled.value == "邹光辉"
    assert blank is not None and blank.value == ""
