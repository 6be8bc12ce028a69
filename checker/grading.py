"""Findings -> score, grade 优/良/中/差, per-dimension sub-scores and deductions.

财预〔2015〕88号 gives four review outcomes; the grade states which one the findings point to:

- 优: 直接进入下一步预算安排流程 (goes straight on to budget allocation);
- 良: 与相关部门或单位协商，直接对其绩效目标进行完善后进入预算安排 (completed by the reviewer with the
  unit, then allocated);
- 中: 由相关部门或单位修改完善，按程序重新报送审核 (returned to the unit for revision and resubmission);
- 差: 不得进入下一步预算安排流程 (may not enter budget allocation).

The score starts at 100, split over the four review dimensions of 88号 (完整性/相关性/适当性/可行性).
Every finding costs points by severity in its dimension. A rule can cost at most its cap per file,
so a rule firing ten times cannot empty a dimension alone, and a dimension cannot go below 0.
Every point lost is one `Deduction` naming its finding, and the deductions add up exactly to
100 - score; the dimension sub-scores add up exactly to the score. Grade caps then bound the grade
(an error-level finding means the table cannot go straight on as 优). All numbers live in
`config.grading` (keys and defaults: DEFAULT_GRADING below).
"""

from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from checker.extract.truncation import still_cut
from checker.model import Deduction, Finding, Result

DIMENSIONS = ("完整性", "相关性", "适当性", "可行性")
GRADES = ("优", "良", "中", "差")  # best first
SEVERITIES = ("error", "warning", "info")
HUNDREDTH = Decimal("0.01")
GRADE_GLOSS_EN = {"优": "优 (excellent)", "良": "良 (good)", "中": "中 (fair)", "差": "差 (poor)"}

# Keys of `config.grading` ([tool.jixiao.grading] / [grading] in jixiao.toml). A partial table is
# merged over these defaults key by key (dicts one level deep; lists are replaced).
# Calibration: the 14 published tables in fixtures/ (which passed a real review, so none should
# be 差) grade 优 (1), 良 (9) or 中 (4): seed 000 中 79, seed 004 中 61 with the rules of 2026-11-21.
DEFAULT_GRADING: dict[str, Any] = {
    # Points one finding costs, by severity. An error is an objective defect; a warning a quality
    # issue a reviewer asks to have fixed; info is advice or needs a human and never costs points.
    "points": {"error": 6, "warning": 1, "info": 0},
    # The most one rule can cost in one file, by the rule's severity (two occurrences): the grade
    # reflects how many different defects there are, repeats of one defect weigh little, and no
    # rule alone empties a dimension (25).
    "rule_cap": {"error": 12, "warning": 2, "info": 0},
    # Per-rule override of rule_cap, by rule id: {"Q04": 4}.
    "rule_caps": {},
    # Share of the 100 points per review dimension (normalised to 100 if they do not add up).
    "dimensions": {"完整性": 25, "相关性": 25, "适当性": 25, "可行性": 25},
    # Lowest score for each grade; below the 中 threshold the grade is 差. The bands of
    # 财预〔2020〕10号 for performance evaluation scores (90/80/60).
    "thresholds": {"优": 90, "良": 80, "中": 60},
    # Grade caps, all that match apply: the best grade a file can get when it has a finding of
    # `severity` (optional) whose rule id starts with one of `rules` (optional; a string or list).
    "grade_caps": [
        # An objective defect: the table cannot go straight on to budgeting (not 优).
        {"severity": "error", "grade": "良"},
        # The money does not reconcile: the unit has to correct its figures and resubmit (中).
        {"severity": "error", "rules": ["A"], "grade": "中"},
    ],
    # Findings whose dimension is not one of the four: synonyms first, else default_dimension.
    "dimension_aliases": {
        "规范性": "可行性",
        "一致性": "适当性",
        "completeness": "完整性",
        "relevance": "相关性",
        "appropriateness": "适当性",
        "feasibility": "可行性",
    },
    "default_dimension": "完整性",
}

_REASONS = {
    "unreadable": ("文件未能读取，不评定等级：{detail}", "The file could not be read, so it is not graded: {detail}"),
    "no_forms": (
        "未识别出任何绩效目标表，不评定等级。",
        "No performance target table was recognised, so the file is not graded.",
    ),
    "not_read": (
        "正文在绩效指标表之前中断，没有读到任何绩效指标，不评定等级。",
        "The text stops before the indicator table and no indicator was read, so the file is not graded.",
    ),
    "provisional": (
        "表格不完整（正文在“{where}”处中断），等级为暂定，只反映已读到的部分。",
        "The table is incomplete (the text stops at '{where}'): the grade is provisional and reflects only the part read.",
    ),
    "capped": (
        "得分 {score} 本可评为“{natural}”，但存在{what}，等级最高为“{grade}”。",
        "A score of {score} would be {natural}, but {what_en}, so the grade is at most {grade}.",
    ),
}


class GradingConfigError(ValueError):
    """config.grading holds an unknown key or a value of the wrong shape."""


def resolve_grading(overrides: dict | None) -> dict[str, Any]:
    """Defaults merged with `overrides`, validated; raises GradingConfigError naming the key."""
    settings = copy.deepcopy(DEFAULT_GRADING)
    for key, value in (overrides or {}).items():
        if key not in settings:
            known = ", ".join(sorted(settings))
            raise GradingConfigError(f"grading: unknown key {key!r} (known: {known})")
        if isinstance(settings[key], dict) and key != "rule_caps":
            if not isinstance(value, dict):
                raise GradingConfigError(f"grading.{key}: expected a table, got {value!r}")
            settings[key].update(value)
        else:
            settings[key] = copy.deepcopy(value)
    _validate(settings)
    return settings


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise GradingConfigError(f"{where}: expected a number, got {value!r}")
    try:
        number = Decimal(str(value))
    except Exception as exc:
        raise GradingConfigError(f"{where}: expected a number, got {value!r}") from exc
    if not number.is_finite() or number < 0:
        raise GradingConfigError(f"{where}: expected a number >= 0, got {value!r}")
    return number


def _validate(s: dict[str, Any]) -> None:
    for key in ("points", "rule_cap"):
        for sev, value in s[key].items():
            if sev not in SEVERITIES:
                raise GradingConfigError(f"grading.{key}: unknown severity {sev!r}")
            _number(value, f"grading.{key}.{sev}")
    if not isinstance(s["rule_caps"], dict):
        raise GradingConfigError("grading.rule_caps: expected a table of rule id -> points")
    for rule, value in s["rule_caps"].items():
        _number(value, f"grading.rule_caps.{rule}")
    for dim, value in s["dimensions"].items():
        if dim not in DIMENSIONS:
            raise GradingConfigError(f"grading.dimensions: unknown dimension {dim!r} (use {', '.join(DIMENSIONS)})")
        _number(value, f"grading.dimensions.{dim}")
    if sum(_number(v, "grading.dimensions") for v in s["dimensions"].values()) <= 0:
        raise GradingConfigError("grading.dimensions: the weights add up to 0")
    for grade_word in s["thresholds"]:
        if grade_word not in GRADES[:-1]:
            raise GradingConfigError(f"grading.thresholds: unknown grade {grade_word!r} (use 优, 良, 中)")
    t = {g: _number(s["thresholds"][g], f"grading.thresholds.{g}") for g in GRADES[:-1]}
    if not (t["优"] >= t["良"] >= t["中"]):
        raise GradingConfigError("grading.thresholds: need 优 >= 良 >= 中")
    if not isinstance(s["grade_caps"], list):
        raise GradingConfigError("grading.grade_caps: expected a list of tables")
    for i, cap in enumerate(s["grade_caps"]):
        where = f"grading.grade_caps[{i}]"
        if not isinstance(cap, dict) or cap.get("grade") not in GRADES:
            raise GradingConfigError(f"{where}: needs grade = 优/良/中/差")
        unknown = set(cap) - {"severity", "rules", "grade"}
        if unknown:
            raise GradingConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        if cap.get("severity") is not None and cap["severity"] not in SEVERITIES:
            raise GradingConfigError(f"{where}.severity: expected error/warning/info")
        rules = cap.get("rules")
        if rules is not None and not isinstance(rules, (str, list)):
            raise GradingConfigError(f"{where}.rules: expected a rule id prefix or a list of them")
    for alias, target in s["dimension_aliases"].items():
        if target not in DIMENSIONS:
            raise GradingConfigError(f"grading.dimension_aliases.{alias}: {target!r} is not a dimension")
    if s["default_dimension"] not in DIMENSIONS:
        raise GradingConfigError("grading.default_dimension: not one of the four dimensions")


def dimension_weights(settings: dict[str, Any]) -> dict[str, Decimal]:
    """Maximum points per dimension, to 0.01, adding up to exactly 100."""
    raw = {d: _number(settings["dimensions"].get(d, 0), "grading.dimensions") for d in DIMENSIONS}
    total = sum(raw.values())
    weights = {d: (raw[d] * 100 / total).quantize(HUNDREDTH, rounding=ROUND_HALF_UP) for d in DIMENSIONS}
    # Rounding leftovers go to the heaviest dimension, so the maximum score is exactly 100.
    heaviest = max(DIMENSIONS, key=lambda d: (raw[d], -DIMENSIONS.index(d)))
    weights[heaviest] += Decimal(100) - sum(weights.values())
    return weights


def dimension_of(finding: Finding, settings: dict[str, Any]) -> str:
    dim = (finding.dimension or "").strip()
    if dim in DIMENSIONS:
        return dim
    return settings["dimension_aliases"].get(dim, settings["dimension_aliases"].get(dim.lower(), settings["default_dimension"]))


def _severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def _order(finding: Finding) -> tuple:
    # Most severe first, so caps cut the least important points; the rest makes it deterministic.
    return (_severity_rank(finding.severity), finding.rule, -1 if finding.form is None else finding.form,
            finding.location, finding.message)


def _cap_matches(cap: dict, finding: Finding) -> bool:
    if cap.get("severity") is not None and finding.severity != cap["severity"]:
        return False
    rules = cap.get("rules")
    if rules is None:
        return True
    prefixes = [rules] if isinstance(rules, str) else list(rules)
    return any(finding.rule.startswith(str(p)) for p in prefixes)


def grade_for_score(score: Decimal, settings: dict[str, Any]) -> str:
    thresholds = settings["thresholds"]
    for word in GRADES[:-1]:
        if score >= _number(thresholds[word], "grading.thresholds"):
            return word
    return GRADES[-1]


def _reason(key: str, lang: str, **kw: str) -> str:
    zh, en = _REASONS[key]
    return (en if lang == "en" else zh).format(**kw)


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _settings(config: Any) -> dict[str, Any]:
    overrides = getattr(config, "grading", None) if config is not None else None
    return resolve_grading(overrides)


def grade(result: Result, config: Any = None, lang: str = "zh") -> None:
    """Set result.score, .grade, .dimensions, .deductions and .grade_reason from its findings.

    A file that could not be read (status "error") or in which no table was recognised gets no
    grade; grade_reason says why (zh by default, en with lang="en").
    """
    settings = _settings(config)
    result.score = None
    result.grade = None
    result.dimensions = None
    result.deductions = []
    result.grade_reason = None
    result.provisional = False
    if result.status != "checked":
        detail = result.error.message if result.error else ""
        result.grade_reason = _reason("unreadable", lang, detail=detail).rstrip("：: ")
        return
    if result.submission is not None and not result.submission.forms:
        result.grade_reason = _reason("no_forms", lang)
        return
    cut = _cut_form(result)
    if cut is not None and not any(f.indicators for f in result.submission.forms):
        result.grade_reason = _reason("not_read", lang)
        return

    weights = dimension_weights(settings)
    left = dict(weights)  # points still available per dimension
    rule_spent: dict[str, Decimal] = {}
    deductions: list[Deduction] = []
    for finding in sorted(result.findings, key=_order):
        sev = finding.severity
        points = _number(settings["points"].get(sev, 0), "grading.points")
        if finding.rule in settings["rule_caps"]:
            cap = _number(settings["rule_caps"][finding.rule], "grading.rule_caps")
        else:
            cap = _number(settings["rule_cap"].get(sev, points), "grading.rule_cap")
        dim = dimension_of(finding, settings)
        cost = min(points, cap - rule_spent.get(finding.rule, Decimal(0)), left[dim])
        cost = cost.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
        if cost <= 0:
            continue
        rule_spent[finding.rule] = rule_spent.get(finding.rule, Decimal(0)) + cost
        left[dim] -= cost
        deductions.append(Deduction(dimension=dim, points=float(cost), rule=finding.rule, message=finding.message))

    score = sum(left.values(), Decimal(0))
    natural = grade_for_score(score, settings)
    final = natural
    binding: list[tuple[dict, list[str]]] = []
    for cap in settings["grade_caps"]:
        hits = sorted({f.rule for f in result.findings if _cap_matches(cap, f)})
        if hits and GRADES.index(cap["grade"]) > GRADES.index(final):
            final = cap["grade"]
            binding.append((cap, hits))
    result.score = float(score)
    result.grade = final
    result.dimensions = {d: float(left[d]) for d in DIMENSIONS}
    result.deductions = deductions
    reasons = []
    if cut is not None:
        result.provisional = True
        reasons.append(_reason("provisional", lang, where=cut.stops_at or "…"))
    if final != natural:
        cap, hits = binding[-1]
        reasons.append(_capped_reason(cap, hits, _fmt(score), natural, final, lang))
    result.grade_reason = " ".join(reasons) or None


def _cut_form(result: Result):
    """The form whose text stops early (only a file's last form can), or None."""
    forms = result.submission.forms if result.submission is not None else []
    return next((f for f in forms if still_cut(f)), None)


def _capped_reason(cap: dict, rules: list[str], score: str, natural: str, final: str, lang: str) -> str:
    shown = "、".join(rules[:5]) + ("等" if len(rules) > 5 else "")
    shown_en = ", ".join(rules[:5]) + (" …" if len(rules) > 5 else "")
    sev = cap.get("severity")
    sev_zh = {"error": "错误级", "warning": "警告级", "info": "提示级"}.get(sev or "", "")
    sev_en = {"error": "error-level ", "warning": "warning-level ", "info": "info-level "}.get(sev or "", "")
    what = f"{sev_zh}问题（{shown}）"
    what_en = f"there are {sev_en}findings ({shown_en})"
    if lang == "en":
        natural, final = GRADE_GLOSS_EN[natural], GRADE_GLOSS_EN[final]
    return _reason("capped", lang, score=score, natural=natural, grade=final, what=what, what_en=what_en)
