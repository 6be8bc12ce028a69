"""The extractor's vocabulary: form titles, field labels, indicator levels and synonyms.

Everything the extractor recognises is listed here, so a new regional layout is taught
by adding words, not code. Keys are compared after `normalize.key` (half-width, no spaces).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from checker.extract.normalize import key

# --- form titles ---------------------------------------------------------------------
# Order matters: the first pattern that matches a title decides the kind.
TITLE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 明细表: a 申报明细表 is the same form under another name.
    ("spending_direction", re.compile(r"支出方向绩效目标(申报|审批|批复)?(明细)?表")),
    ("special_fund_summary", re.compile(r"专项资金绩效目标汇总表")),
    # 整体 names the whole unit's spending, whoever the unit is (部门, 单位, 卫生院 …).
    ("department", re.compile(r"整体(支出)?绩效(目标)?(申报|审批|批复|公开|自评)?(明细)?表")),
    # Self-evaluation tables carry the targets too: 绩效目标自评表, 绩效自评表, 项目自评表.
    ("project", re.compile(r"(项目(支出)?|专项资金|专项转移支付|衔接资金)?"
                           r"(绩效目标(申报|审批|批复|公开|自评)?(明细)?表|绩效(申报|审批|批复|公开|自评)(明细)?表)"
                           r"|(项目|资金)(绩效)?自评表"
                           # 绩效 left out: 项目支出目标申报表
                           r"|项目(支出)?目标(申报|审批|批复|公开)?(明细)?表")),
    # Tables published beside the target tables that are not forms: allocation tables
    # (资金分配表, 资金安排表, 分配明细表). Their rows are never read as a form. A label such as
    # "资金分配明细" inside a form names no table and is left alone.
    ("allocation", re.compile(r"(分配|安排)(明细|情况)?表")),
]
# A title that names no kind beyond 绩效目标表 ("2024年部门绩效目标表", "绩效目标申报表(基础设施建设类)")
# is read as project unless the content is a department's (部门职能, 基本支出/项目支出 …).
KIND_WORDS_IN_TITLE = ("项目", "专项", "转移支付", "资金", "整体", "汇总", "支出方向")
# Title kinds that open a segment that is not a form.
NOT_FORM_KINDS = ("cover", "allocation")
PROJECT_VARIANTS = ("申报表", "审批表", "批复表", "公开表", "自评表")

# A cover title names the whole bundle ("…2024年预算绩效目标表"), not one form.
COVER_TITLE = re.compile(r"预算绩效目标表$")

# --- forms known by their content ---------------------------------------------------
# A part without a recognised title is a form when it holds an indicator block together with
# labels that only one kind of form carries (or, cut off before its indicators, several such
# labels). Labels are compared on their label part ("项目名称:绿化" -> 项目名称, "【项目概况】").
# Fields of the reader's FIELD_LABELS that belong to one kind only:
PROJECT_MARK_FIELDS = {"project_name", "department", "implementer", "category", "period", "fund_nature",
                       "project_leader"}
DEPARTMENT_MARK_FIELDS = {"functions", "basic", "project"}
# …and labels the reader does not fill but that still say which kind the form is.
PROJECT_MARK_LABELS = {
    "转移支付(项目)名称", "转移支付名称", "中央主管部门", "地方主管部门", "省级主管部门", "市级主管部门",
    "县级主管部门", "区级主管部门", "资金使用单位", "项目实施单位", "项目单位", "项目概况", "项目内容", "项目编号",
    "项目类型", "项目联系人", "项目绩效目标", "立项依据", "项目立项依据", "项目主要内容", "对应一级项目",
    "全年预算数(A)", "年初预算数", "项目资金(万元)", "项目资金情况", "项目基本情况",
}
DEPARTMENT_MARK_LABELS = {
    "部门职能", "部门职责", "单位职责", "主要职能", "部门(单位)基本情况", "部门(单位)资金情况", "人员经费",
    "公用经费", "整体支出", "部门整体绩效目标", "单位整体绩效目标",
}
# Labels that open a form: a second one after an indicator block starts the next form.
FORM_OPENER_FIELDS = {"project_name", "unit_name", "direction_name"}
# 项目概况 opens each project of a published list ("【项目概况】:…【产出指标-数量指标】…").
FORM_OPENER_LABELS = {"转移支付(项目)名称", "转移支付名称", "项目概况"}
# A line standing alone above an untitled form is its title when it names a table or targets
# ("…项目绩效目标和指标", "…申报明细表", "…工作情况"), not when it is only a unit's name.
HEADING_WORDS = ("表", "绩效", "目标", "指标", "情况")
# Words of an untitled form's heading that say whose targets a bare indicator block holds.
HEADING_KIND_WORDS = {"department": ("整体",), "project": ("项目", "专项", "资金", "转移支付")}
# The 一级 levels whose headings, two of them, make an indicator block without its header row
# (成本 alone is too common a word).
CONTENT_LEVEL1 = {"产出指标", "效益指标", "满意度指标"}

# --- indicator levels ----------------------------------------------------------------
LEVEL1 = {
    "产出指标": ["产出", "项目完成", "产出指标", "项目完成指标"],
    "成本指标": ["成本", "成本指标"],
    "效益指标": ["效益", "项目效益", "效益指标", "项目效益指标"],
    "满意度指标": ["满意度", "满意度指标"],
}
LEVEL2 = {
    "数量指标": ["数量", "产出数量"],
    "质量指标": ["质量", "产出质量"],
    "时效指标": ["时效", "产出时效"],
    "成本指标": ["成本", "产出成本"],
    "经济成本指标": ["经济成本"],
    "社会成本指标": ["社会成本"],
    "生态环境成本指标": ["生态环境成本", "环境成本"],
    "经济效益指标": ["经济效益"],
    "社会效益指标": ["社会效益"],
    "生态效益指标": ["生态效益", "环境效益"],
    "可持续影响指标": ["可持续影响", "可持续发展"],
    "服务对象满意度指标": ["服务对象满意度", "社会公众或服务对象满意度", "社会公众及服务对象满意度",
                       "社会公众满意度", "群众满意度"],
}
# Which 一级 a 二级 belongs to; a row whose 二级 belongs elsewhere moves to that 一级.
LEVEL2_PARENT = {
    "数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标", "成本指标": "成本指标",
    "经济成本指标": "成本指标", "社会成本指标": "成本指标", "生态环境成本指标": "成本指标",
    "经济效益指标": "效益指标", "社会效益指标": "效益指标", "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标", "服务对象满意度指标": "满意度指标",
}
# Legacy placements that are kept as written (rules report them, the extractor must not hide them).
LEGACY_PLACEMENT = {("产出指标", "成本指标"), ("效益指标", "服务对象满意度指标")}

# Cells inside the indicator block that carry no data (split merged labels, headers).
INDICATOR_NOISE = {"指标", "绩效指标", "年度绩效指标", "绩效目标情况", "本年度绩效指标", "年度指标",
                   "绩效目标", "绩效指标情况", "项目绩效指标",
                   # an empty row's 度量单位 "-" and 指标值类型 run together
                   "定性", "定量", "-定性", "-定量"}

# Header cells of the indicator block, by column meaning.
HEADER_LEVEL1 = {"一级指标", "一级"}
HEADER_LEVEL2 = {"二级指标", "二级"}
HEADER_LEVEL3 = {"三级指标", "三级", "指标内容", "指标名称"}
# The target: the value the indicator row is read for.
HEADER_VALUE = {"指标值", "指标值及单位", "年度指标值", "目标值", "当年预期实现值", "预期目标值",
                "指标值(包含数字及文字描述)", "区域目标值", "年初目标值", "年初设定目标", "年初设定目标值",
                "预期指标值", "年度目标值", "全年指标值", "年度目标指标值", "年度预期指标值", "计划指标值",
                "年度指标值(A)", "预期目标", "绩效目标值", "指标值(A)"}
# Self-evaluation tables: what was achieved (kept apart from the target), and columns that are not
# values at all (a row's weight, its score, the reasons for a shortfall, remarks).
HEADER_ACTUAL = {"实际完成值", "全年完成值", "全年实际值", "实际完成指标值", "完成值", "实际值",
                 "全年实际完成值", "实际完成情况", "全年实际完成情况", "实际完成值(B)", "全年完成值(B)",
                 "实际完成", "实际达到值", "全年实际值(B)", "实际值(B)"}
HEADER_WEIGHT = {"分值", "权重", "自评权重", "指标分值", "权重(%)", "分值(分)", "指标权重", "指标权重(分)"}
HEADER_SCORE = {"得分", "自评得分", "评分", "实际得分", "自评分", "得分(分)", "指标得分(分)", "指标得分"}
HEADER_REASON = {"未完成原因和改进措施", "未完成原因及改进措施", "未完成原因及拟采取的改进措施",
                 "未完成原因分析", "偏差原因分析及改进措施", "偏差原因分析", "偏差及原因分析", "偏差原因",
                 "改进措施", "备注", "偏差原因及改进措施", "未完成原因", "说明"}
HEADER_EXPLANATION = {"指标解释及计算公式", "指标解释", "计算公式", "指标说明", "指标值内容", "指标内涵"}
HEADER_STANDARD = {"绩效标准", "评(扣)分标准", "评分标准", "评(扣分标准)", "评(扣)分标准说明"}
# Columns that say how a value is measured, not what it is (定量/定性).
HEADER_IGNORE = {"指标值类型", "指标类型", "指标属性", "计算方法", "得分计算方法"}
# Columns joined into the value: a comparison (指标性质 "≥") and a unit (计量单位 "%").
HEADER_OP = {"指标性质", "指标方向", "运算符号", "符号"}
HEADER_UNIT = {"计量单位", "度量单位", "单位", "指标值单位", "计量单位(指标值)"}
# Every header word of the indicator block (a glued copy is cut at a run of them).
INDICATOR_HEADER_WORDS = (HEADER_LEVEL1 | HEADER_LEVEL2 | HEADER_LEVEL3 | HEADER_VALUE | HEADER_ACTUAL | HEADER_WEIGHT
                          | HEADER_SCORE | HEADER_REASON | HEADER_OP | HEADER_UNIT | HEADER_EXPLANATION
                          | HEADER_STANDARD | HEADER_IGNORE)
# The last character of an indicator's name: a measure (…率, …数量, …满意度, …标准, …时间). Where a
# name and its target are glued to the explanation after them, the target starts after one of these.
NAME_ENDINGS = "率数量度准间例性额积本次况值期限费价"
# What a self-evaluation table writes for an achieved target, in the actual or the reason column.
COMPLETION_WORDS = ("达成预期指标", "达成预期目标", "达成预期", "达成目标值", "达成目标", "已达成", "全部达成",
                    "已完成", "全部完成", "完成", "达到预期", "基本达到", "已达到", "达标", "按规定执行", "已公开", "无")
# Words a self-evaluation table writes before a figure to give its direction ("增372人次", "超上年2%"),
# and alone as a target ("门诊住院人次 | 增加").
FIGURE_DIRECTIONS = ("比上年增长", "较上年增长", "比上年提高", "较上年提高", "超上年", "比上年", "较上年",
                     "增长", "增加", "提高", "减少", "降低", "下降", "增", "超", "减", "降")
DIRECTION_WORDS = ("增加", "减少", "提高", "降低", "下降", "提升", "增长")
# Units a figure is written with in a glued copy, where the words after the figure may be the next
# cell: only these count as the figure's unit (a 万/亿 in front is allowed: 万粒, 万人次).
MEASURE_UNITS = ("%", "‰", "人次", "户次", "个月", "小时", "分钟", "工作日", "平方米", "立方米", "平方公里",
                 "公里", "千米", "厘米", "毫米", "公顷", "公斤", "千克", "米", "亩", "吨", "粒", "起", "件",
                 "台", "套", "元", "人", "户", "个", "次", "天", "日", "周", "年", "月", "项", "场", "期",
                 "册", "批", "家", "所", "座", "条", "辆", "名", "份", "篇", "部", "种", "类", "轮", "栋",
                 "间", "张", "本", "头", "只", "株", "棵", "处", "块", "宗", "所", "支", "村", "镇", "乡",
                 "校", "床", "课时", "学时", "元/人", "元/亩", "元/吨")
# The words a 指标解释 opens with before restating its indicator's name ("反映<name>情况").
EXPLANATION_LEADS = ("反映",)
# …and the word it closes with ("反映<…>情况").
EXPLANATION_ENDS = ("情况",)

# Labels that end an indicator block.
BLOCK_END = ["支出明细", "单位负责人签字", "填表人", "经办人", "财政部门审核意见", "主管部门审核意见",
             "注:", "填报日期", "附件", "附表"]

# --- header fields ---------------------------------------------------------------------
# The labels are data: labels.yaml beside this module (its header says how they are matched).
# label key (after normalize.key, unit suffix removed) -> (field, value type)
# value types: text, money, goal, plans, measures, contact
_LABEL_DATA = yaml.safe_load(Path(__file__).with_name("labels.yaml").read_text(encoding="utf-8"))
# A self-evaluation money block's columns, best first (see labels.yaml).
BUDGET_COLUMNS: tuple[str, ...] = tuple(_LABEL_DATA["money_columns"]["budget"])
EXECUTED_COLUMNS: tuple[str, ...] = tuple(_LABEL_DATA["money_columns"]["executed"])
SCORE_COLUMNS: tuple[str, ...] = tuple(_LABEL_DATA["money_columns"]["score"])
FIELD_LABELS: dict[str, tuple[str, str]] = {}
for _field, _spec in _LABEL_DATA["fields"].items():
    for _label in [*_spec["labels"], *_LABEL_DATA["money_columns"].get(_spec.get("columns") or "", [])]:
        FIELD_LABELS[_label] = (_field, _spec["type"])

_BUILTIN_LABELS = dict(FIELD_LABELS)
_BRACKETS = str.maketrans("[]【】〔〕［］", "()()()()")

# Tables derived from the labels (regexes, prefix lists) are built on first use and rebuilt when a
# user's labels.yaml adds synonyms: each is a function decorated with @from_labels.
_DERIVED: list = []
_user_label_files: tuple[str, ...] = ()


def from_labels(fn):
    """Cache `fn()` (a table derived from FIELD_LABELS) until the labels change."""
    cached = functools.lru_cache(maxsize=1)(fn)
    _DERIVED.append(cached)
    return cached


def extend_labels(extra: dict[str, list[str]]) -> None:
    """Add synonyms to known fields (a user's labels.yaml); unknown fields are an error."""
    types = {field: vtype for field, vtype in FIELD_LABELS.values()}
    for field, labels in extra.items():
        if field not in types:
            raise ValueError(f"未知的栏目 {field!r} / unknown field {field!r}")
        for label in labels:
            # compared as the reader compares labels: half-width, no spaces, one kind of bracket
            FIELD_LABELS[key(str(label)).translate(_BRACKETS)] = (field, types[field])
    for cached in _DERIVED:
        cached.cache_clear()


def use_label_files(paths: list[str]) -> None:
    """The built-in labels plus the users' labels.yaml files `paths` (a batch has one config: each
    file's check calls this, and it reloads only when the set of files changes)."""
    global _user_label_files
    if tuple(paths) == _user_label_files:
        return
    FIELD_LABELS.clear()
    FIELD_LABELS.update(_BUILTIN_LABELS)
    _user_label_files = ()
    for path in paths:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        fields = data.get("fields") if isinstance(data, dict) else None
        if not isinstance(fields, dict) or not all(isinstance(v, list) for v in fields.values()):
            raise ValueError(f"{path}: 应为 fields: {{栏目: [同义词, …]}} / expected fields: {{FIELD: [synonym, …]}}")
        extend_labels(fields)
    for cached in _DERIVED:
        cached.cache_clear()
    _user_label_files = tuple(paths)

# Labels with a free part, matched on the whole label key: money passed down (下达) to the unit is
# its fiscal funding ("本年下达资金", "其中:中央下达资金", "下达中央财政衔接资金").
LABEL_PATTERNS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"^(?:本年|年度|当年|本年度)?(?:已)?(?:[^\d,，。:：]{0,6})?下达[^\d,，。:：]{0,10}资金$"), "fiscal", "money"),
]

# Labels that only introduce a section; never taken as a value.
SECTION_LABELS = {
    "部门(单位)基本情况", "部门(单位)资金情况", "项目基本情况", "项目资金情况", "资金情况", "项目资金(万元)",
    "资金情况(万元)", "支出预算(本级)", "按收入性质分", "按支出性质分", "总体资金情况", "绩效目标情况",
    "项目预算资金(万元)", "其中", "事项", "责任单位/科室", "工作目标", "序号",
    "支出内容简介", "支出明细", "支出测算依据及过程说明", "预算金额", "2024年度预算金额",
    "任务名称", "主要内容", "预算申请", "预算申请(万元)", "预算申请(元)", "预算执行情况", "预算执行情况(万元)",
    "资金投入情况", "资金来源", "资金情况(元)", "项目资金(元)",
}

# Column headers of a plan table (年度重点工作计划: 时间 | 事项 | 责任单位/科室 | 工作目标) -> PlanItem field.
PLAN_COLUMNS = {
    "时间": "period", "时间节点": "period", "完成时间": "period", "实施时间": "period", "时间安排": "period",
    "阶段": "period", "时段": "period", "月份": "period",
    "事项": "content", "工作事项": "content", "重点工作": "content", "工作内容": "content", "主要内容": "content",
    "工作目标": "content", "目标": "content", "工作任务": "content", "任务": "content",
    "责任单位": "owner", "责任科室": "owner", "责任单位/科室": "owner", "责任部门": "owner", "责任人": "owner",
}

# Amount columns of a task table (财预〔2015〕88号 年度主要任务: 总额 / 财政拨款 / 其他资金) -> money field.
TASK_AMOUNT_COLUMNS = {"总额": "total", "合计": "total", "财政拨款": "general_budget", "其他资金": "other_funds"}
TOTAL_ROW_LABELS = {"金额合计", "合计", "总计"}

# Money unit declared by a label suffix such as "(万元)" / "（元）".
UNIT_SUFFIX = re.compile(r"\((?:金额)?(?:单位:)?(万元|元)\)$")
DECLARED_UNIT = re.compile(r"(?:金额单位|单位|金额)\s*[:：]\s*(万元|元)")

# Contact labels are split out of a cell even in the middle of text ("填表人：  联系电话：").
INLINE_SPLIT_LABELS = ["填表人", "经办人", "联系电话", "填报日期", "单位负责人签字", "单位负责人(签名)",
                       "单位负责人", "主要领导签字", "金额单位", "项目负责人", "项目责任人", "填报人", "联系人",
                       # the seal field after a contact ("项目责任人: 单位(盖章):"): a label, never a name
                       "单位(盖章)", "单位（盖章）", "编制单位(盖章)", "填报单位(盖章)", "申报单位(盖章)"]

# Fields whose value is a name or a short entry: a known label inside the value starts the next
# field ("项目主管部门青山区教育局项目执行单位化工区学校"), it is never part of this one.
NAME_FIELDS = {"unit_name", "budget_unit", "unit_code", "filing_unit", "seal_unit", "department",
               "upper_department", "finance_department", "implementer", "category", "period", "fund_nature",
               "filler", "phone", "unit_leader", "project_leader", "date", "subunits"}

# Fields a form may label once per level (自治区 主管部门 …, then 市县 主管部门 …): the last one filled,
# the lowest level, is the form's own.
LOWEST_LEVEL_WINS = {"department"}

# --- the unit a form belongs to ------------------------------------------------------------
# Which labelled field names the form's unit, best first: the unit that fills in the table (填报/
# 编制/申报单位, 预算单位), its 主管部门 (the lowest level labelled), 部门/单位名称, 实施单位, a
# bare 单位(盖章) line, and last the unit a title opens with.
UNIT_NAME_ORDER = ("filing_unit", "budget_unit", "department", "unit_name", "implementer", "seal_unit",
                   "title_unit")
# What an organisation's name ends with; a title fragment without one ("项目支出", "就业补助资金")
# is not a unit.
UNIT_ENDINGS = ("局", "委", "办", "院", "厅", "处", "科", "室", "所", "站", "队", "会", "中心", "学校", "中学",
                "小学", "幼儿园", "馆", "社", "政府", "部", "署", "集团", "公司", "监狱", "法院", "检察院",
                "办公室", "街道办事处", "医院", "卫生院", "研究院", "党校", "协会", "学会", "基地", "台", "大学",
                "农场", "林场", "公园", "联社", "分局", "支队", "大队", "中队", "团", "股", "镇", "乡", "学院",
                "委员会", "联合会")
# A unit written as a template placeholder ("XX单位", "预算部门(单位)"): names no one.
UNIT_PLACEHOLDER = re.compile(r"[Xx×*○□某]{1,}|部门\(单位\)|^(本?单位|本?部门|单位名称|部门名称|盖章)$")

# --- qualitative values --------------------------------------------------------------
GRADED_WORDS = ["好", "较好", "一般", "较差", "差", "优", "优秀", "良", "良好", "中", "合格", "不合格",
                "达到预期目标", "部分达到预期目标", "未达到预期目标", "达到预期", "部分达到", "未达到", "达到",
                "是", "否", "完成", "未完成", "达标", "未达标", "及时", "合规", "规范", "优良"]

# A qualitative target run on after its name in published copies ("…发展情况稳步提高"): a trend
# word with its modifier. Without a modifier ("消耗下降率") the words are part of a name.
TRAILING_TREND_VALUE = re.compile(
    r"(?P<value>(?:稳步|持续|明显|有所|逐步|进一步|显著|不断|大幅|较大|稳定)"
    r"(?:提高|提升|改善|增强|增加|增长|下降|减少|降低|减轻|优化|好转|扩大))$"
)
