"""The typed model: what was read from a submission, and what the checker says about it.

Every value read from a document keeps its `Location`, so a finding can point at the
cell or line the user has to fix. Money is always `Decimal` with its unit.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

FormKind = Literal["department", "project", "special_fund_summary", "spending_direction"]
MoneyUnit = Literal["元", "万元"]
Severity = Literal["error", "warning", "info"]
# How a value was found: in the labelled cell's neighbour or after the label's colon ("label"),
# further away from its label (below it, after a run-on split, past other cells: "near"), or
# guessed from the layout alone ("position"). Only "label" reads are certain.
ReadHow = Literal["label", "near", "position"]
Dimension = Literal["完整性", "相关性", "适当性", "可行性"]

TEN_THOUSAND = Decimal(10000)
CENT = Decimal("0.01")


class Location(BaseModel):
    """Where a value sits in the source: table/row/column for tables, line for text."""

    model_config = ConfigDict(frozen=True)

    table: int | None = None  # 1-based table number in the document
    row: int | None = None  # 1-based row within the table
    col: int | None = None  # 1-based column within the row
    line: int | None = None  # 1-based line of a text source
    para: int | None = None  # 1-based paragraph of a Word document (text outside tables)
    sheet: str | None = None  # worksheet name (xlsx)
    ref: str | None = None  # A1 reference (xlsx) or page marker (pdf)

    def describe(self, lang: str = "zh") -> str:
        """A location the user can find in their document, in their language."""
        if self.sheet and self.ref:
            return f"{self.sheet}!{self.ref}"
        parts: list[str] = []
        zh = lang != "en"
        if self.ref and not self.sheet:
            parts.append(self.ref)
        if self.para is not None:
            parts.append(f"第{self.para}段" if zh else f"paragraph {self.para}")
        if self.table is not None:
            parts.append(f"表{self.table}" if zh else f"table {self.table}")
        if self.row is not None:
            parts.append(f"第{self.row}行" if zh else f"row {self.row}")
        if self.line is not None and self.row is None:
            parts.append(f"第{self.line}行" if zh else f"line {self.line}")
        if self.col is not None:
            parts.append(f"第{self.col}列" if zh else f"col {self.col}")
        if self.line is not None and self.row is not None:
            parts.append(f"(源第{self.line}行)" if zh else f"(source line {self.line})")
        return " ".join(parts) if zh else ", ".join(parts)


class Text(BaseModel):
    """A piece of text read from the document. `value == ""` means the label was there but
    nothing was filled in; a missing field (None) means the label itself was absent."""

    value: str
    loc: Location | None = None
    how: ReadHow = "label"

    @property
    def certain(self) -> bool:
        return self.how == "label"


class Money(BaseModel):
    amount: Decimal
    unit: MoneyUnit
    raw: str = ""
    loc: Location | None = None
    how: ReadHow = "label"

    @property
    def certain(self) -> bool:
        return self.how == "label"

    @property
    def wan(self) -> Decimal:
        """The amount in 万元, exact (no rounding)."""
        return self.amount / TEN_THOUSAND if self.unit == "元" else self.amount

    @property
    def fen(self) -> int:
        """The amount in 分 (integer), rounded half-up; what the rule engine receives."""
        yuan = self.amount * TEN_THOUSAND if self.unit == "万元" else self.amount
        return int((yuan * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def wan_str(value: Decimal) -> str:
    """万元 as the contract's decimal string: two places, half-up."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


Operator = Literal[">=", "<=", ">", "<", "="]


class Target(BaseModel):
    """A parsed 指标值: operator + number + unit, or qualitative text."""

    raw: str
    op: Operator | None = None
    op_explicit: bool = False  # the source wrote the operator (symbol or word)
    number: Decimal | None = None
    unit: str | None = None  # %, 次, 万元, 元/人 ...
    qualitative: bool = False
    graded: bool = False  # a graded qualitative word (好/较好/达到/是 ...)


class Indicator(BaseModel):
    level1: str | None = None  # canonical 一级 (产出指标/成本指标/效益指标/满意度指标)
    level1_raw: str | None = None
    level2: str | None = None  # canonical 二级 (数量指标 ... 服务对象满意度指标)
    level2_raw: str | None = None
    name: str = ""  # 三级指标
    value: str = ""  # 指标值 as written
    target: Target | None = None
    explanation: str | None = None  # 指标解释/计算公式 (None: the table has no such column)
    standard: str | None = None  # 绩效标准 (None: no such column)
    loc: Location | None = None  # the row
    name_loc: Location | None = None
    value_loc: Location | None = None
    # What a self-evaluation table (自评表) reports as achieved (实际完成值); None: no such column.
    actual: str | None = None


class PlanItem(BaseModel):
    """A line of 阶段性计划 / 年度重点工作 / 实施计划."""

    period: str = ""
    content: str = ""
    owner: str = ""
    # A 年度主要任务 row (财预〔2015〕88号) carries its budget (总额, in the form's unit): a task
    # with money, not a phase of the year's plan.
    amount: Decimal | None = None
    loc: Location | None = None


class CostLine(BaseModel):
    """A 支出明细 row: content, item, amount, and its 测算 text."""

    content: str = ""
    item: str = ""
    amount: Money | None = None
    calculation: str = ""
    loc: Location | None = None


class SummaryLine(BaseModel):
    """A row of the 专项资金绩效目标汇总表."""

    seq: str = ""
    name: str = ""
    level: Literal["total", "special", "direction", "filler"] = "direction"
    amount: Money | None = None
    period_goal: str = ""
    annual_goal: str = ""
    loc: Location | None = None


class Contacts(BaseModel):
    filler: Text | None = None  # 填表人 / 经办人 / 填报人
    phone: Text | None = None  # 联系电话
    unit_leader: Text | None = None  # 单位负责人(签字)
    project_leader: Text | None = None  # 项目负责人 / 项目责任人
    seal_unit: Text | None = None  # 编制/填报单位（盖章）
    date: Text | None = None  # 填报日期


class FormBase(BaseModel):
    title: str = ""
    title_loc: Location | None = None
    # What told the reader the form's kind: "title", or "content" (an untitled form, or a title that
    # names no kind, known by its indicator block and labels); "" when not read from a document.
    kind_from: Literal["", "title", "content"] = ""
    year: int | None = None
    # The year was read from the project period, an amount column or the 填报日期, not stated as the
    # table's year in its title or a (2024年度) line.
    year_inferred: bool = False
    unit_name: Text | None = None  # the form's unit, from the first field that names it (see extract)
    unit_label: Text | None = None  # what the 部门(单位)名称 label says, when the form has one
    amount_unit: MoneyUnit | None = None  # the unit the form declares for its amounts
    goal: Text | None = None  # 年度/整体 绩效目标
    period_goal: Text | None = None  # 实施期/长期 绩效目标
    plans: list[PlanItem] = Field(default_factory=list)
    measures: list[Text] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    has_explanation_column: bool = False
    has_standard_column: bool = False
    contacts: Contacts = Field(default_factory=Contacts)
    texts: list[Text] = Field(default_factory=list)  # every cell of the form, for residue checks
    notes: list[str] = Field(default_factory=list)  # what could not be read, in Chinese
    # The text ends inside this form (a cut-off page or excerpt): parts its template always has
    # may lie past the end. `stops_at` says where, as the last heading read ("效益指标 › 社会效益指标"
    # or a field label); `stops_loc` is the last cell read.
    incomplete: bool = False
    stops_at: str | None = None
    stops_loc: Location | None = None
    # Money labels that were present with nothing read after them (a Money field cannot say
    # "blank"): field -> how sure the cell is empty ("label": the empty cell was seen).
    blank_money: dict[str, ReadHow] = Field(default_factory=dict)


class DepartmentForm(FormBase):
    """部门（单位）整体支出绩效目标表."""

    kind: Literal["department"] = "department"
    functions: Text | None = None  # 职能/职责概述
    total: Money | None = None  # 资金总额
    basic: Money | None = None  # 基本支出
    project: Money | None = None  # 项目支出
    general_budget: Money | None = None  # 一般公共预算拨款 / 财政拨款
    gov_fund: Money | None = None  # 政府性基金拨款
    other_funds: Money | None = None  # 其他资金
    has_income_breakdown: bool = False  # the 按收入性质 block is present


class ProjectForm(FormBase):
    """项目支出绩效目标表 (申报表/审批表/批复表/公开表)."""

    kind: Literal["project"] = "project"
    variant: str = ""  # 申报表 / 审批表 / 批复表 / 公开表 / 自评表
    project_name: Text | None = None
    department: Text | None = None  # 主管部门 / 预算部门
    implementer: Text | None = None  # 实施单位
    category: Text | None = None  # 项目类别/属性
    period: Text | None = None  # 实施期 / 计划实施时间
    fund_nature: Text | None = None  # 资金性质
    total: Money | None = None  # 预算资金 / 年度资金总额
    fiscal: Money | None = None  # 其中：财政拨款
    other_funds: Money | None = None
    cost_lines: list[CostLine] = Field(default_factory=list)


class SpecialFundSummaryForm(FormBase):
    """专项资金绩效目标汇总表."""

    kind: Literal["special_fund_summary"] = "special_fund_summary"
    total: Money | None = None  # 合计
    lines: list[SummaryLine] = Field(default_factory=list)


class SpendingDirectionForm(FormBase):
    """专项资金支出方向绩效目标表, with 支出明细及测算."""

    kind: Literal["spending_direction"] = "spending_direction"
    direction_name: Text | None = None  # 支出方向（子项）
    special_name: Text | None = None  # 所属专项 名称
    total: Money | None = None  # 项目金额
    special_amount: Money | None = None  # 所属专项 金额
    period: Text | None = None  # 项目实施期
    cost_lines: list[CostLine] = Field(default_factory=list)
    cost_total: Money | None = None  # 支出明细 合计


Form = Annotated[
    Union[DepartmentForm, ProjectForm, SpecialFundSummaryForm, SpendingDirectionForm],
    Field(discriminator="kind"),
]


class Submission(BaseModel):
    """Everything read from one input file."""

    schema_version: int = 1
    source: str = ""
    format: str = ""  # txt / docx / xlsx / json / pdf
    forms: list[Form] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    artefacts: list[Text] = Field(default_factory=list)  # [bookmark: …] etc. stripped on reading
    # When no form was recognised: words of target tables the text does contain (绩效目标,
    # 三级指标 …), a sign that a table is there and could not be read.
    table_words: list[str] = Field(default_factory=list)


class Finding(BaseModel):
    rule: str
    severity: Severity
    dimension: str
    title: str = ""
    message: str
    fix: str = ""
    form: int | None = None  # index into Submission.forms
    location: str = ""
    loc: Location | None = None
    figures: dict[str, str] = Field(default_factory=dict)
    baseline: Literal["new", "open"] | None = None  # against --baseline: new, or still open
    # What the finding is about, as content (indicator name, field label, cost item...), never a
    # row number or an amount: the stable part of the fingerprint (set by the engine).
    subject: str | None = None
    # Stable identity across resubmissions: rule + form kind + subject + occurrence (checker.baseline).
    fingerprint: str | None = None


class Deduction(BaseModel):
    """Points a finding cost, in one dimension; the report shows each one."""

    dimension: str
    points: float
    rule: str
    message: str = ""


class FileError(BaseModel):
    code: str
    message: str


class BaselineMark(BaseModel):
    """How a result compares with the --baseline report."""

    match: Literal["path", "name", "none"]  # the file was found in the baseline by path, by name, or not
    new: int = 0  # findings not in the baseline (all of them when match is "none")
    open: int = 0  # findings still there (counted even when --only-new hides them)
    fixed: int = 0  # baseline findings gone from this run


class Result(BaseModel):
    path: str
    status: Literal["checked", "error"]
    error: FileError | None = None
    submission: Submission | None = None
    findings: list[Finding] = Field(default_factory=list)
    grade: str | None = None  # 优/良/中/差
    score: float | None = None  # 0-100
    dimensions: dict[str, float] | None = None  # 完整性/相关性/适当性/可行性 sub-scores
    deductions: list[Deduction] = Field(default_factory=list)
    grade_reason: str | None = None  # why there is no grade, or why it was capped
    # The text stops before the end of a table (see FormBase.incomplete): the grade is only
    # what the part read supports.
    provisional: bool = False
    timings: dict[str, float] | None = None  # seconds per stage (only shown with --timings)
    fixed: list[Finding] = Field(default_factory=list)  # in the --baseline run, gone from this one
    baseline: BaselineMark | None = None  # set only when a --baseline was given
    annotated_copy: str | None = None  # the --annotate copy written for this file, if any


def form_total(form: BaseModel) -> Money | None:
    """The form's headline amount: 资金总额 / 项目资金 / 合计 / 项目金额."""
    return getattr(form, "total", None)
