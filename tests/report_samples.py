"""Fixed Results for report and grading tests: realistic findings (rule ids, severities, dimensions,
Chinese messages, locations) built in Python, so the reports can be tested before the engine runs."""

from __future__ import annotations

from decimal import Decimal

from checker.config import Config
from checker.grading import grade
from checker.model import (
    DepartmentForm,
    FileError,
    Finding,
    Indicator,
    Location,
    Money,
    ProjectForm,
    Result,
    Submission,
    Text,
)


# The rule titles of rules/*.yaml, as the engine sets Finding.title (the batch summary shows them).
TITLES = {
    "A01": ("资金总额不等于基本支出与项目支出之和", "Total funds ≠ basic + project expenditure"),
    "C03": ("同一指标在部门表与项目表中取值不同", "Same indicator, different values in department and project tables"),
    "K02": ("联系电话未填写或无效", "Contact phone missing or invalid"),
    "Q04": ("定性指标值不可衡量", "Qualitative value cannot be assessed"),
    "Q12": ("满意度指标值不合理", "Implausible satisfaction target"),
    "S12": ("二级指标下没有三级指标", "Level-2 row without level-3 indicators"),
}


def finding(rule: str, severity: str, dimension: str, message: str, fix: str = "", form: int | None = 0,
            loc: Location | None = None, lang: str = "zh") -> Finding:
    zh, en = TITLES.get(rule, ("", ""))
    return Finding(rule=rule, severity=severity, dimension=dimension, title=en if lang == "en" else zh,
                   message=message, fix=fix, form=form, loc=loc, location=loc.describe(lang) if loc else "")


def department_form(unit: str = "六盘水市科学技术协会", year: int = 2024) -> DepartmentForm:
    return DepartmentForm(
        title=f"{year}年部门整体支出绩效目标表",
        year=year,
        unit_name=Text(value=unit, loc=Location(table=1, row=2, col=2)),
        amount_unit="万元",
        total=Money(amount=Decimal("650.17"), unit="万元", raw="650.17", loc=Location(table=1, row=3, col=2)),
        basic=Money(amount=Decimal("563.89"), unit="万元", raw="563.89"),
        project=Money(amount=Decimal("80.00"), unit="万元", raw="80.00"),
        indicators=[Indicator(level1="产出指标", level2="数量指标", name=f"科普活动场次{i}", value="≥4次")
                    for i in range(21)],
    )


def project_form() -> ProjectForm:
    return ProjectForm(
        title="项目绩效目标表（2024年度）",
        year=2024,
        unit_name=Text(value="六盘水市科学技术协会"),
        project_name=Text(value="科普基金"),
        amount_unit="元",
        total=Money(amount=Decimal("750000"), unit="元", raw="750000"),
        indicators=[Indicator(level1="效益指标", name=f"公民科学素质{i}", value="持续提升") for i in range(9)],
    )


def sample_findings(lang: str = "zh") -> list[Finding]:
    return [
        finding("Q04", "warning", "可行性", "定性指标值“持续提升”未分级分档",
                "改为分级表述（如“达到/部分达到/未达到预期”）或给出可量化的目标值。", 1,
                Location(table=2, row=12, col=4), lang),
        finding("A01", "error", "适当性",
                "资金总额 650.17 万元 ≠ 基本支出 563.89 + 项目支出 80.00 = 643.89 万元（差 6.28 万元）",
                "核对资金总额、基本支出和项目支出，使资金总额等于两者之和。", 0,
                Location(table=1, row=3, col=2), lang),
        finding("Q04", "warning", "可行性", "定性指标值“有所提高”未分级分档",
                "改为分级表述（如“达到/部分达到/未达到预期”）或给出可量化的目标值。", 1,
                Location(table=2, row=13, col=4), lang),
        finding("S12", "warning", "完整性", "二级指标“可持续影响指标”下没有三级指标",
                "删除该空行，或补充至少一个三级指标及指标值。", 0, Location(table=1, row=18, col=2), lang),
        finding("K02", "info", "完整性", "联系电话“8201038”缺少区号", "写明区号，如 0858-8201038。", 1,
                Location(table=2, row=25, col=2), lang),
        finding("C03", "warning", "相关性", "同名指标取值不一致：部门整体表“4期”，项目表“≥4期”",
                "统一两张表中该指标的指标值。", None, None, lang),
        finding("Q12", "warning", "可行性", "满意度指标值“98%”缺少“≥”", "写成“≥90%”这样的下限。", 0,
                Location(table=1, row=20, col=4), lang),
        finding("Q04", "warning", "可行性", "定性指标值“逐步完善”未分级分档",
                "改为分级表述（如“达到/部分达到/未达到预期”）或给出可量化的目标值。", 1,
                Location(table=2, row=14, col=4), lang),
        finding("Q04", "warning", "可行性", "定性指标值“明显改善”未分级分档",
                "改为分级表述（如“达到/部分达到/未达到预期”）或给出可量化的目标值。", 1,
                Location(table=2, row=15, col=4), lang),
    ]


# Reports are tested on results graded with fixed points, so re-calibrating the grading
# defaults does not change every golden file.
SAMPLE_GRADING = {"points": {"error": 8, "warning": 2, "info": 0}, "rule_cap": {"error": 16, "warning": 6, "info": 0}}


def sample_results(lang: str = "zh") -> list[Result]:
    """Three files: one with findings of every severity, one clean, one unreadable; graded."""
    flawed = Result(
        path="submissions/六盘水市科协_2024.docx",
        status="checked",
        submission=Submission(source="submissions/六盘水市科协_2024.docx", format="docx",
                              forms=[department_form(), project_form()],
                              notes=["项目表金额单位为“元”，已换算为万元比较。"]),
        findings=sample_findings(lang),
    )
    clean = Result(
        path="submissions/石峰区科协_2023.xlsx",
        status="checked",
        submission=Submission(source="submissions/石峰区科协_2023.xlsx", format="xlsx",
                              forms=[department_form("株洲市石峰区科学技术协会", 2023)]),
    )
    broken = Result(
        path="submissions/旧版表格.doc",
        status="error",
        error=FileError(code="unsupported", message="不支持 .doc 格式，请另存为 .docx 后再检查。"),
    )
    results = [flawed, clean, broken]
    for r in results:
        grade(r, Config(grading=SAMPLE_GRADING), lang)
    return results


HOSTILE = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "=HYPERLINK(\"http://evil.example\",\"点我\")",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "a | b ** c ` d [x](javascript:alert(1))",
    "control\x01char\x1f",
]


def hostile_result() -> Result:
    """A file whose every text field carries injection attempts."""
    findings = []
    for i, text in enumerate(HOSTILE):
        findings.append(Finding(rule=f"T0{i % 9 + 1}", severity=("error", "warning", "info")[i % 3], dimension="完整性",
                                title=text, message=text, fix=text, form=0, location=text))
    form = department_form(unit=HOSTILE[1])
    form.title = HOSTILE[0]
    result = Result(path="evil/<b>x</b>=1+1.xlsx", status="checked",
                    submission=Submission(forms=[form], notes=[HOSTILE[0]]), findings=findings)
    grade(result, Config(grading=SAMPLE_GRADING))
    return result


GOLDEN_DIR = __import__("pathlib").Path(__file__).parent / "golden"


def check_golden(name: str, actual: str) -> None:
    """Compare `actual` with tests/golden/<name>; UPDATE_GOLDEN=1 rewrites the file instead."""
    import os

    path = GOLDEN_DIR / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        return
    assert path.exists(), f"golden file {path} missing: run with UPDATE_GOLDEN=1 and review it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its golden file (UPDATE_GOLDEN=1 to accept, then review the diff)"
