"""Indicator tables read by their header, in every layout (issue 13 item 4).

Each rule is proven on a table other than the one that motivated it: a generated table with the
same header words in another order, or a second real document.
"""

from __future__ import annotations

from pathlib import Path

from checker.extract import extract
from checker.extract.glued import read_glued
from checker.readers import read_document

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real-docs"
SHARED = Path("/work/shared/real-docs")


def _read(tmp_path, text: str, name: str = "t.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract(read_document(str(path)))


def _rows(form):
    return [(i.name, i.value) for i in form.indicators if i.name]


SELF_EVAL_HEAD = "项目绩效目标自评表\n（2023年度）\n项目名称：乡村道路养护\n主管部门：某县交通运输局\n"


def test_glued_self_evaluation_rows_are_read_by_the_header_order(tmp_path):
    """Header order 三级指标 年度指标值 分值 全年实际值 得分 (分值 after the target, unlike the
    Sichuan form that motivated the reader), cells glued, two rows per cell."""
    text = SELF_EVAL_HEAD + (
        "绩效指标一级指标二级指标三级指标年度指标值分值全年实际值得分未完成原因及改进措施"
        "产出指标数量指标养护道路里程≥120公里15125公里15修复桥涵数量8座108座10"
        "质量指标养护验收合格率100%20100%20"
        "效益指标社会效益指标群众出行条件改善明显改善10明显改善10\n"
    )
    form = _read(tmp_path, text).forms[0]
    got = {(i.name, i.value, i.actual) for i in form.indicators if i.name}
    assert ("养护道路里程", "≥120公里", "125公里") in got
    assert ("修复桥涵数量", "8座", "8座") in got
    assert ("养护验收合格率", "100%", "100%") in got
    assert ("群众出行条件改善", "明显改善", "明显改善") in got


def test_a_target_equal_to_its_actual_is_split_in_the_middle():
    rows = read_glued("儿童疫苗接种率95%95%学校晨检覆盖率100%100%", ["value", "actual", "reason"])
    assert [(r.name, r.cells["value"], r.cells.get("actual")) for r in rows] == [
        ("儿童疫苗接种率", "95%", "95%"), ("学校晨检覆盖率", "100%", "100%")]


def test_digits_inside_a_name_are_not_its_value():
    """"48小时内处置率": the figure inside the name is followed by more name, not by a column."""
    rows = read_glued("突发事件48小时内处置率不低于98%达成预期指标", ["value", "actual", "reason"])
    assert [(r.name, r.cells["value"]) for r in rows] == [("突发事件48小时内处置率", "不低于98%")]


def test_a_score_before_the_target_is_told_by_the_score_after_the_actual():
    """分值 12 then target 150万株: "12150万株150万株12" reads 12 | 150万株 | 150万株 | 12."""
    rows = read_glued("苗木栽植数量12150万株150万株12", ["weight", "value", "actual", "score", "reason"])
    assert [(r.name, r.cells) for r in rows] == [
        ("苗木栽植数量", {"weight": "12", "value": "150万株", "actual": "150万株", "score": "12"})]


def test_a_written_value_needs_support_from_the_columns_after_it():
    """"是" inside "…是否…" is not a value; the "是" followed by a completion word is."""
    rows = read_glued("群众知晓政策是否到位是达成预期指标", ["value", "actual", "reason"])
    assert [(r.name, r.cells["value"]) for r in rows] == [("群众知晓政策是否到位", "是")]


def test_self_evaluation_cells_one_after_another_are_cut_into_rows(tmp_path):
    """Space-separated cells (a spreadsheet copied as text): several rows in one line, the columns
    after the target taken as the header orders them."""
    text = SELF_EVAL_HEAD + (
        "绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施 "
        "产出指标 数量指标 养护道路里程 ≥120公里 125 10 10 修复桥涵数量 8座 8 10 10 "
        "质量指标 养护验收合格率 100% 达成预期指标 20 20 工程资料完整性 资料齐全规范 达成预期指标 10 10\n"
    )
    form = _read(tmp_path, text).forms[0]
    assert {("养护道路里程", "≥120公里"), ("修复桥涵数量", "8座"), ("养护验收合格率", "100%"),
            ("工程资料完整性", "资料齐全规范")} <= set(_rows(form))


def test_wrapped_lines_inside_glued_cells_stay_inside_the_cell(tmp_path):
    """A glued copy (figures stuck to the words) keeps PDF wraps as spaces: they are not cell breaks."""
    text = SELF_EVAL_HEAD + (
        "一级 指标二级 指标三级指标年度指标 值全年 完成值未完成原因和 改进措施产出指标数量 指标"
        "道路养护里程达 标率100%100%桥涵维修完 成率95%95%质量指标工程验收合 格率100%100%\n"
    )
    form = _read(tmp_path, text).forms[0]
    assert {("道路养护里程达标率", "100%"), ("桥涵维修完成率", "95%"), ("工程验收合格率", "100%")} \
        <= set(_rows(form))


def test_bracketed_headings_with_numbered_indicators(tmp_path):
    """The notice layout: "【一级-二级】" headings, then "指标N:名称(指标值)" lines."""
    text = (
        "某县文化馆2024年项目支出绩效目标表\n项目名称：公共文化服务\n"
        "【产出指标-数量指标】\n指标1:送戏下乡场次(≥30场)\n指标2:培训文艺骨干人数(≥200人)\n"
        "【产出指标-时效指标】\n指标1:活动完成时间(2024年12月底前)\n"
        "【效益指标-社会效益指标】\n指标1:群众文化生活(明显丰富)\n"
        "【满意度指标-服务对象满意度指标】\n指标1:群众满意度(≥90%)\n"
    )
    form = _read(tmp_path, text).forms[0]
    got = [(i.level1, i.level2, i.name, i.value) for i in form.indicators]
    assert got == [
        ("产出指标", "数量指标", "送戏下乡场次", "≥30场"),
        ("产出指标", "数量指标", "培训文艺骨干人数", "≥200人"),
        ("产出指标", "时效指标", "活动完成时间", "2024年12月底前"),
        ("效益指标", "社会效益指标", "群众文化生活", "明显丰富"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
    ]


def test_a_unit_in_brackets_stays_in_the_name():
    from checker.extract.indicators import split_labelled_bracket

    assert split_labelled_bracket("成本控制数(万元)") is None
    assert split_labelled_bracket("视频监控在线率(≥0.97比例)") == ("视频监控在线率", "≥0.97比例")


def test_a_row_glued_to_its_explanation_splits_after_the_names_measure_word(tmp_path):
    """Header 三级指标 指标值 指标解释 评分标准 with each row's cells run together: the target
    starts after the name's measure word (…率, …数量, …时间) and ends where the explanation begins."""
    text = PROJECT_HEAD_GLUED + (
        "一级指标二级指标三级指标指标值指标解释评分标准\n"
        "产出指标数量指标培训农民人次3000人次以上全年培训农民人次按完成比例计分\n"
        "时效指标培训完成时间2024年10月底前按期完成培训延期扣分\n"
        "效益指标社会效益指标农民种植技术水平明显提高抽样调查按调查结果计分\n"
        "满意度指标服务对象满意度指标参训农民满意度不低于90%问卷调查每降1%扣1分\n"
    )
    form = _read(tmp_path, text).forms[0]
    assert {("培训农民人次", "3000人次以上"), ("培训完成时间", "2024年10月底前"),
            ("参训农民满意度", "不低于90%")} <= set(_rows(form))


PROJECT_HEAD_GLUED = "某县农业农村局2024年项目支出绩效目标表\n项目名称：农民技能培训\n资金总额：30万元\n"


def test_comparison_and_unit_columns_join_the_value_in_any_column_order(tmp_path):
    """指标值 | 指标性质 | 度量单位 (the Chongqing form has 计量单位 | 指标性质 | 指标值): ≥ 95 % -> ≥95%."""
    text = PROJECT_HEAD_GLUED + (
        "一级指标\t二级指标\t三级指标\t指标值\t指标性质\t度量单位\t备注\n"
        "产出指标\t数量指标\t培训农民人次\t3000\t≥\t人次\t无\n"
        "\t质量指标\t培训合格率\t95\t≥\t%\t\n"
        "效益指标\t社会效益指标\t种植技术水平\t明显提高\t定性\t\t\n"
    )
    form = _read(tmp_path, text).forms[0]
    assert _rows(form) == [("培训农民人次", "≥3000人次"), ("培训合格率", "≥95%"), ("种植技术水平", "明显提高")]


def test_a_header_wrapped_over_two_rows_is_one_header(tmp_path):
    """The 指标值 header cell on the line under the others, each row's figure on its own line."""
    text = PROJECT_HEAD_GLUED + (
        "一级指标\t二级指标\t三级指标\t度量单位\t指标性质\n指标值\n"
        "产出指标\t数量指标\t培训农民人次\t人次\t≥\n3000\n"
        "\t质量指标\t培训合格率\t%\t≥\n95\n"
    )
    form = _read(tmp_path, text).forms[0]
    assert _rows(form) == [("培训农民人次", "≥3000人次"), ("培训合格率", "≥95%")]


def test_a_glued_row_with_a_unit_column_before_the_figures(tmp_path):
    """Header 指标名称 计量单位 指标性质 指标值 指标权重(分) 全年完成值 指标得分(分), cells glued: the unit
    cell comes first, the figures are bare, decimals may be cut ("0.5 10 0.3 10")."""
    text = (
        "某县水利局2023年度部门整体绩效自评表\n"
        "指标名称计量单位指标性质指标值指标权重(分)全年完成值指标得分(分)说明"
        "农村供水工程维修完成率%95109810水质检测合格率%≥9010928"
        "水土流失治理面积平方公里3.5103.810工程事故发生率%0.5100.310\n"
    )
    form = _read(tmp_path, text).forms[0]
    got = {(i.name, i.value, i.actual) for i in form.indicators}
    assert {("农村供水工程维修完成率", "95%", "98"), ("水质检测合格率", "≥90%", "92"),
            ("水土流失治理面积", "3.5平方公里", "3.8"), ("工程事故发生率", "0.5%", "0.3")} <= got


def test_score_labels_and_required_notes_are_not_names(tmp_path):
    """"产出指标(40分)", a lone "(20分)" cell and the template's "(必填)" notes are labels, not indicators."""
    text = PROJECT_HEAD_GLUED + (
        "一级指标\t二级指标\t三级指标\t指标值\n"
        "产出指标(40分)\t数量指标(必填)\t培训农民人次\t≥3000人次\n"
        "(20分)\t质量指标(必填硬性指标)\t培训合格率\t≥95%\n"
        "满意度指标(10分)\t服务对象满意度指标\t(必填)\t\n"
        "\t\t参训农民满意度\t≥90%\n"
    )
    form = _read(tmp_path, text).forms[0]
    assert [(i.level2, i.name, i.value) for i in form.indicators if i.name] == [
        ("数量指标", "培训农民人次", "≥3000人次"), ("质量指标", "培训合格率", "≥95%"),
        ("服务对象满意度指标", "参训农民满意度", "≥90%")]


def test_direction_words_as_targets_and_before_actuals():
    """"增加" as the target, "增150户" as the actual, "比上年增长5%" as a target (header order
    年度指标值 全年完成值 分值 得分, as in a health-centre self-evaluation)."""
    rows = read_glued("家庭医生签约户数增加增150户66慢病随访率比上年增长5%达成目标值44",
                      ["value", "actual", "weight", "score", "reason"])
    assert [(r.name, r.cells["value"], r.cells.get("actual")) for r in rows] == [
        ("家庭医生签约户数", "增加", "增150户"), ("慢病随访率", "比上年增长5%", "达成目标值")]


def test_a_transposed_table_pairs_names_and_targets_in_order(tmp_path):
    """三级指标 across a row, the targets in the row under 年度指标值 (the Guangdong 专项 layout; here a
    tab table with four indicators and a second, later period that is not read)."""
    text = PROJECT_HEAD_GLUED + (
        "三级指标\t改造农村公路里程\t桥梁验收合格率(%)\t群众满意度(%)\n"
        "年度指标值\t120公里\t100%\t≥90%\n"
        "实施期指标值\t360公里\t100%\t≥95%\n"
    )
    form = _read(tmp_path, text).forms[0]
    assert _rows(form) == [("改造农村公路里程", "120公里"), ("桥梁验收合格率(%)", "100%"), ("群众满意度(%)", "≥90%")]


def test_a_self_evaluation_copied_one_cell_per_line(tmp_path):
    """Header cells one per line before the block, then name, target, actual, 分值, 得分 each on its
    own line: every row is one indicator, the actuals and scores are not names."""
    cells = ["项目支出绩效自评表", "（2023年度）", "项目名称", "乡村道路养护", "一级指标", "二级指标", "三级指标",
             "年度指标值", "全年完成值", "分值", "得分", "产出指标", "数量指标", "养护道路里程", "≥120公里", "125公里",
             "10", "10", "修复桥涵数量", "8座", "8座", "10", "10", "时效指标", "完成时间", "2023年11月30日",
             "2023年11月30日", "5", "5", "效益指标", "社会效益指标", "群众出行条件", "明显改善", "明显改善", "10", "9"]
    form = _read(tmp_path, "\n\n".join(cells) + "\n").forms[0]
    got = [(i.level2, i.name, i.value, i.actual) for i in form.indicators if i.name]
    assert got == [("数量指标", "养护道路里程", "≥120公里", "125公里"), ("数量指标", "修复桥涵数量", "8座", "8座"),
                   ("时效指标", "完成时间", "2023年11月30日", "2023年11月30日"),
                   ("社会效益指标", "群众出行条件", "明显改善", "明显改善")]


def test_a_name_with_the_explanation_lead_inside_stays_whole(tmp_path):
    """"群众反映问题办结率" is a name: only "…反映…情况" glued after a name is its explanation."""
    text = PROJECT_HEAD_GLUED + (
        "一级指标\t二级指标\t三级指标\t指标值\t指标解释\n"
        "产出指标\t质量指标\t群众反映问题办结率\t≥95%\t\n"
        "\t数量指标\t走访农户数量反映走访农户情况200户\n"
    )
    form = _read(tmp_path, text).forms[0]
    got = [(i.name, i.value, i.explanation) for i in form.indicators if i.name]
    assert got == [("群众反映问题办结率", "≥95%", ""), ("走访农户数量", "200户", "反映走访农户情况")]


def test_a_line_break_inside_an_excel_cell_stays_in_the_cell(tmp_path):
    """Alt+Enter inside the name, the value and the explanation: one cell each, and the value
    still reads as ≥120 公里."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["项目支出绩效目标表"], ["项目名称", "农村公路养护"], ["资金总额（万元）", "30"],
                ["一级指标", "二级指标", "三级指标", "指标值", "指标解释"],
                ["产出指标", "数量指标", "农村公路\n养护里程", "≥120\n公里", "全年养护里程\n不少于120公里"],
                ["", "质量指标", "养护合格率", "≥95%", "抽查合格\n路段占比"]]:
        ws.append(row)
    path = tmp_path / "t.xlsx"
    wb.save(path)
    first, second = extract(read_document(str(path))).forms[0].indicators
    assert (first.name, first.value, first.explanation) == ("农村公路\n养护里程", "≥120\n公里", "全年养护里程\n不少于120公里")
    assert (first.target.op, first.target.number, first.target.unit) == (">=", 120, "公里")
    assert (second.name, second.value) == ("养护合格率", "≥95%")


def _shared(name: str):
    import pytest

    hits = sorted(SHARED.glob(name))
    if not hits:
        pytest.skip("the shared real documents are not on this machine")
    return extract(read_document(str(hits[0])))


def test_real_glued_self_evaluations_read_every_visible_row():
    """Three real one-line copies with different headers: 分值 before the target (Sichuan), 年初目标值 |
    实际完成值 | 原因 in traditional characters (Hubei), PDF wraps inside names (Hunan)."""
    sichuan = {(i.name, i.value, i.actual) for f in _shared("84_*").forms for i in f.indicators}
    assert {("安装坡面水标尺", "≥266米", "≥266米"), ("项目(工程)验收合格率", "100%", "100%"),
            ("项目计划总投资", "20万元", "20万元"), ("群众生产生活条件改善状况", "显著提升", "显著提升")} <= sichuan
    hubei = {(i.name, i.value) for f in _shared("83_*").forms for i in f.indicators}
    assert {("滅火設備配備率", "100%"), ("森林火災6小時內撲滅率", "不低于95%"), ("成本控制數(萬元)", "63"),
            ("公眾知曉度是否明顯提高", "是"), ("森林火災受害面積", "小于0.9‰")} <= hubei
    hunan = {(i.name, i.value) for f in _shared("89_*").forms for i in f.indicators}
    assert {("5000吨稻谷、500吨成品粮储备到位率", "100%"), ("县级储备粮管理制度严格执行率", "100%"),
            ("县级储备粮库存粮食明显变质比例", "0"), ("因粮食市场波动引起的粮食安全事件发生数", "0起")} <= hunan


def test_a_two_row_self_evaluation_header_is_combined_by_column(tmp_path):
    """指标值 over two sub-columns (年度指标值 | 实际完成值), 分值 and 得分 beside them: the second
    header row gives its columns their meaning, so the actual is not read as the target."""
    text = SELF_EVAL_HEAD + (
        "一级指标\t二级指标\t三级指标\t指标值\t\t分值\t得分\n"
        "\t\t\t年度指标值\t实际完成值\t\t\n"
        "产出指标\t数量指标\t养护道路里程\t≥120公里\t125公里\t10\t10\n"
        "\t质量指标\t养护验收合格率\t100%\t98%\t20\t18\n"
    )
    form = _read(tmp_path, text).forms[0]
    assert [(i.name, i.value, i.actual) for i in form.indicators if i.name] == [
        ("养护道路里程", "≥120公里", "125公里"), ("养护验收合格率", "100%", "98%")]


def test_header_cells_wrapped_over_several_lines_of_a_pipe_copy(tmp_path):
    """A pipe copy whose header row broke after 年度指标值 and after 实际完成值 (the cells wrapped,
    with a pipe left on the line): the three lines are one header, read in order."""
    text = SELF_EVAL_HEAD + (
        "一级指标 | 二级指标 | 三级指标 | 年度指标值 |\n"
        "实际完成值 |\n"
        "分值 | 得分 | 偏差原因分析及改进措施 |\n"
        "产出指标 | 数量指标 | 养护道路里程 | ≥120公里 | 125公里 | 10 | 10 |\n"
        "质量指标 | 养护验收合格率 | 100% | 98% | 20 | 18 |\n"
    )
    form = _read(tmp_path, text).forms[0]
    assert [(i.name, i.value, i.actual) for i in form.indicators if i.name] == [
        ("养护道路里程", "≥120公里", "125公里"), ("养护验收合格率", "100%", "98%")]


def test_a_word_self_evaluation_with_a_merged_two_row_header(tmp_path):
    """.docx: 指标值 merged over 年度指标值 | 实际完成值, the other header cells merged down two rows."""
    import docx

    d = docx.Document()
    d.add_paragraph("项目支出绩效自评表")
    d.add_paragraph("项目名称：乡村道路养护")
    rows = [["一级指标", "二级指标", "三级指标", "指标值", "", "分值", "得分", "偏差原因分析及改进措施"],
            ["", "", "", "年度指标值", "实际完成值", "", "", ""],
            ["产出指标", "数量指标", "养护道路里程", "≥120公里", "125公里", "10", "10", ""],
            ["", "质量指标", "养护验收合格率", "100%", "98%", "20", "18", "部分路段返工"],
            ["效益指标", "社会效益指标", "群众出行条件", "明显改善", "明显改善", "10", "10", ""]]
    table = d.add_table(rows=len(rows), cols=8)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for c in (0, 1, 2, 5, 6, 7):
        table.cell(0, c).merge(table.cell(1, c))
    table.cell(0, 3).merge(table.cell(0, 4)).text = "指标值"
    table.cell(2, 0).merge(table.cell(3, 0))
    path = tmp_path / "t.docx"
    d.save(path)
    form = extract(read_document(str(path))).forms[0]
    assert [(i.level2, i.name, i.value, i.actual) for i in form.indicators] == [
        ("数量指标", "养护道路里程", "≥120公里", "125公里"), ("质量指标", "养护验收合格率", "100%", "98%"),
        ("社会效益指标", "群众出行条件", "明显改善", "明显改善")]
