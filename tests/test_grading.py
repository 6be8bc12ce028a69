"""Grading: every point deducted traceable to a finding, caps, thresholds, grade caps, ungraded files."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.config import Config
from checker.grading import (
    DEFAULT_GRADING,
    DIMENSIONS,
    GradingConfigError,
    dimension_weights,
    grade,
    grade_for_score,
    resolve_grading,
)
from checker.model import FileError, Finding, Result, Submission
from report_samples import department_form, sample_results


def D(x: float) -> Decimal:
    return Decimal(str(x))


def make(findings: list[Finding], forms: int = 1) -> Result:
    return Result(path="x.txt", status="checked", findings=findings,
                  submission=Submission(forms=[department_form() for _ in range(forms)]))


def f(rule: str, severity: str = "warning", dimension: str = "完整性", n: int = 0) -> Finding:
    return Finding(rule=rule, severity=severity, dimension=dimension, message=f"{rule} 第{n}处", form=0)


# Mechanics are tested with fixed points, so re-calibrating the defaults does not move them.
MECH = {"points": {"error": 8, "warning": 2, "info": 0}, "rule_cap": {"error": 16, "warning": 6, "info": 0}}


def graded(findings: list[Finding], lang: str = "zh", **grading) -> Result:
    r = make(findings)
    grade(r, Config(grading={**MECH, **grading}), lang)
    return r


def assert_traceable(r: Result) -> None:
    lost = sum((D(d.points) for d in r.deductions), Decimal(0))
    assert lost == Decimal(100) - D(r.score)
    assert sum((D(v) for v in r.dimensions.values()), Decimal(0)) == D(r.score)
    keys = {(x.rule, x.message) for x in r.findings}
    for d in r.deductions:
        assert (d.rule, d.message) in keys
        assert d.points > 0
        assert d.dimension in DIMENSIONS
    assert len(r.deductions) <= len(r.findings)


def test_clean_file_is_excellent_with_full_marks():
    r = graded([])
    assert (r.score, r.grade, r.deductions, r.grade_reason) == (100.0, "优", [], None)
    assert r.dimensions == {d: 25.0 for d in DIMENSIONS}


def test_each_finding_costs_its_severity_points_in_its_dimension():
    r = graded([f("Q04", "warning", "可行性"), f("A01", "error", "适当性"), f("K02", "info", "完整性")])
    assert [(d.rule, d.dimension, d.points) for d in r.deductions] == [("A01", "适当性", 8.0), ("Q04", "可行性", 2.0)]
    assert r.score == 90.0
    assert r.dimensions == {"完整性": 25.0, "相关性": 25.0, "适当性": 17.0, "可行性": 23.0}
    assert_traceable(r)


def test_info_findings_never_cost_points():
    r = graded([f(f"T0{i}", "info") for i in range(9)])
    assert r.score == 100.0 and r.deductions == [] and r.grade == "优"


def test_a_rule_firing_ten_times_is_capped_and_does_not_empty_a_dimension():
    r = graded([f("Q04", "warning", "可行性", n) for n in range(10)])
    assert sum(d.points for d in r.deductions) == MECH["rule_cap"]["warning"] == 6
    assert len(r.deductions) == 3  # 2 + 2 + 2, the rest cost nothing
    assert r.dimensions["可行性"] == 19.0
    errors = graded([f("A01", "error", "适当性", n) for n in range(10)])
    assert sum(d.points for d in errors.deductions) == 16
    assert errors.dimensions["适当性"] == 9.0 > 0
    assert_traceable(r)
    assert_traceable(errors)


def test_partial_last_deduction_when_the_cap_is_not_a_multiple():
    r = graded([f("Q04", "warning", "可行性", n) for n in range(5)], rule_cap={"warning": 5})
    assert [d.points for d in r.deductions] == [2.0, 2.0, 1.0]
    assert_traceable(r)


def test_per_rule_cap_overrides_the_severity_cap():
    r = graded([f("Q04", "warning", "可行性", n) for n in range(5)] + [f("Q05", "warning", "可行性", n) for n in range(5)],
               rule_caps={"Q04": 2})
    by_rule = {}
    for d in r.deductions:
        by_rule[d.rule] = by_rule.get(d.rule, 0) + d.points
    assert by_rule == {"Q04": 2.0, "Q05": 6.0}


def test_a_dimension_bottoms_out_at_zero_and_the_other_dimensions_are_untouched():
    findings = [f(f"S{i:02d}", "error", "完整性") for i in range(10)]
    r = graded(findings)
    assert r.dimensions["完整性"] == 0.0
    assert r.dimensions["相关性"] == r.dimensions["适当性"] == r.dimensions["可行性"] == 25.0
    assert sum(d.points for d in r.deductions) == 25.0
    assert r.score == 75.0
    assert_traceable(r)


def test_most_severe_findings_are_charged_first_when_a_dimension_runs_out():
    findings = [f(f"W{i:02d}", "warning", "完整性") for i in range(12)] + [f(f"E{i}", "error", "完整性") for i in range(3)]
    random.Random(1).shuffle(findings)
    r = graded(findings)
    charged = [d.rule for d in r.deductions]
    assert charged[:3] == ["E0", "E1", "E2"]  # 24 points, then one warning point is left
    assert r.deductions[-1].points == 1.0


def test_order_of_findings_does_not_change_the_result():
    findings = [f(f"Q{i % 7:02d}", ("error", "warning", "info")[i % 3], DIMENSIONS[i % 4], i) for i in range(40)]
    a = graded(list(findings))
    shuffled = list(findings)
    random.Random(7).shuffle(shuffled)
    b = graded(shuffled)
    assert (a.score, a.grade, a.dimensions) == (b.score, b.grade, b.dimensions)
    assert [d.model_dump() for d in a.deductions] == [d.model_dump() for d in b.deductions]


@pytest.mark.parametrize("score,expected", [
    (100, "优"), (90, "优"), (Decimal("89.99"), "良"), (80, "良"), (Decimal("79.5"), "中"), (60, "中"),
    (Decimal("59.99"), "差"), (0, "差"),
])
def test_thresholds(score, expected):
    assert grade_for_score(Decimal(score), resolve_grading({})) == expected


def test_thresholds_from_findings_and_from_config():
    five_warnings = [f(f"Q{i:02d}", "warning", DIMENSIONS[i % 4]) for i in range(5)]  # -10
    assert graded(five_warnings).grade == "优"  # 90
    six = [f(f"Q{i:02d}", "warning", DIMENSIONS[i % 4]) for i in range(6)]  # -12
    assert graded(six).grade == "良"  # 88
    assert graded(six, thresholds={"优": 85}).grade == "优"
    many = [f(f"Q{i:02d}", "warning", DIMENSIONS[i % 4]) for i in range(21)]  # -42
    r = graded(many)
    assert (r.score, r.grade) == (58.0, "差")


def test_any_error_caps_the_grade_at_good_and_says_why():
    r = graded([f("Q01", "error", "完整性")])  # 92: would be 优
    assert r.score == 92.0 and r.grade == "良"
    assert "Q01" in r.grade_reason and "良" in r.grade_reason and "优" in r.grade_reason
    en = graded([f("Q01", "error", "完整性")], lang="en")
    assert "Q01" in en.grade_reason and "excellent" in en.grade_reason and "good" in en.grade_reason


def test_an_unreconciled_total_caps_the_grade_at_fair():
    r = graded([f("A01", "error", "适当性")])
    assert r.score == 92.0 and r.grade == "中"
    assert "A01" in r.grade_reason and "中" in r.grade_reason


def test_a_warning_level_amount_rule_does_not_cap():
    r = graded([f("A09", "warning", "适当性")])
    assert r.grade == "优" and r.grade_reason is None


def test_grade_caps_never_raise_a_grade():
    findings = [f(f"S{i:02d}", "error", DIMENSIONS[i % 4]) for i in range(8)] + [f("A01", "error", "适当性")]
    r = graded(findings)
    assert r.score < 60 and r.grade == "差" and r.grade_reason is None


def test_grade_caps_are_configurable():
    assert graded([f("A01", "error", "适当性")], grade_caps=[]).grade == "优"
    caps = [{"rules": ["K"], "grade": "良"}]
    assert graded([f("K01", "warning", "完整性")], grade_caps=caps).grade == "良"
    assert graded([f("Q01", "warning", "完整性")], grade_caps=caps).grade == "优"


def test_unreadable_file_is_not_graded_and_says_why():
    r = Result(path="a.doc", status="error", error=FileError(code="unsupported", message="不支持 .doc 格式"))
    grade(r, Config())
    assert (r.grade, r.score, r.dimensions, r.deductions) == (None, None, None, [])
    assert "不支持 .doc 格式" in r.grade_reason and "不评定等级" in r.grade_reason
    grade(r, Config(), "en")
    assert r.grade_reason.startswith("The file could not be read")


def test_file_without_forms_is_not_graded():
    r = Result(path="a.txt", status="checked", submission=Submission(forms=[]))
    grade(r, Config())
    assert r.grade is None and r.score is None and "未识别" in r.grade_reason


def test_grading_twice_gives_the_same_result():
    r = graded([f("A01", "error", "适当性"), f("Q04")])
    first = r.model_dump()
    grade(r, Config(grading=MECH))
    assert r.model_dump() == first


def test_dimension_aliases_and_default():
    r = graded([f("Q20", "warning", "规范性"), f("X01", "warning", "其他")])
    dims = {d.rule: d.dimension for d in r.deductions}
    assert dims == {"Q20": "可行性", "X01": "完整性"}


def test_dimension_weights_are_normalised_to_exactly_100():
    w = dimension_weights(resolve_grading({"dimensions": {"完整性": 1, "相关性": 1, "适当性": 1, "可行性": 0}}))
    assert sum(w.values()) == 100 and w["可行性"] == 0
    assert sorted(w.values()) == [Decimal("0"), Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    r = graded([f("Q04", "warning", "可行性")], dimensions={"完整性": 30, "相关性": 20, "适当性": 30, "可行性": 20})
    assert r.dimensions["完整性"] == 30.0 and r.dimensions["可行性"] == 18.0
    assert_traceable(r)


@pytest.mark.parametrize("bad", [
    {"pionts": {}},
    {"points": {"fatal": 3}},
    {"points": {"error": -1}},
    {"points": {"error": "many"}},
    {"thresholds": {"优": 70, "良": 80}},
    {"thresholds": {"A": 70}},
    {"dimensions": {"规范性": 10}},
    {"dimensions": {"完整性": 0, "相关性": 0, "适当性": 0, "可行性": 0}},
    {"grade_caps": [{"severity": "error"}]},
    {"grade_caps": [{"grade": "优", "rule": "A"}]},
    {"grade_caps": {"grade": "良"}},
    {"dimension_aliases": {"规范性": "其他"}},
    {"points": 3},
])
def test_bad_grading_config_is_refused_with_the_key_named(bad):
    with pytest.raises(GradingConfigError) as err:
        resolve_grading(bad)
    assert "grading" in str(err.value)


def test_partial_config_merges_over_defaults():
    s = resolve_grading({"points": {"warning": 3}})
    assert s["points"] == {"error": 6, "warning": 3, "info": 0}
    assert DEFAULT_GRADING["points"]["warning"] == 1  # defaults untouched


def test_documented_defaults():
    """The values the README documents; change both together."""
    s = resolve_grading({})
    assert s["points"] == {"error": 6, "warning": 1, "info": 0}
    assert s["rule_cap"] == {"error": 12, "warning": 2, "info": 0}
    assert s["dimensions"] == {d: 25 for d in DIMENSIONS}
    assert s["thresholds"] == {"优": 90, "良": 80, "中": 60}
    assert s["grade_caps"] == [{"severity": "error", "grade": "良"}, {"severity": "error", "rules": ["A"], "grade": "中"}]


@pytest.mark.parametrize("rules,expected", [(5, "优"), (6, "良"), (10, "良"), (11, "中"), (20, "中"), (21, "差")])
def test_default_calibration_by_number_of_distinct_warning_rules(rules, expected):
    """With the defaults, each warning rule firing twice costs 2: up to 5 such defects is 优,
    up to 10 良, up to 20 中 (spread over the dimensions)."""
    findings = [f(f"Q{i:02d}", "warning", DIMENSIONS[i % 4], n) for i in range(rules) for n in range(3)]
    r = make(findings)
    grade(r, Config())
    assert r.grade == expected, r.score


def test_sample_results_grades():
    flawed, clean, broken = sample_results()
    assert (flawed.score, flawed.grade) == (80.0, "中")  # graded with SAMPLE_GRADING
    assert (clean.score, clean.grade) == (100.0, "优")
    assert broken.grade is None
    assert_traceable(flawed)


finding_strategy = st.builds(
    lambda rule, sev, dim, n: Finding(rule=rule, severity=sev, dimension=dim, message=f"m{n}", form=0),
    st.sampled_from(["A01", "A03", "Q04", "Q12", "S12", "K02", "C03", "T01", "S01", "Q02"]),
    st.sampled_from(["error", "warning", "info"]),
    st.sampled_from([*DIMENSIONS, "规范性", ""]),
    st.integers(0, 5),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(finding_strategy, max_size=60),
       st.fixed_dictionaries({}, optional={"points": st.fixed_dictionaries(
           {"error": st.integers(0, 30), "warning": st.decimals("0", "10", places=2, allow_nan=False)})}))
def test_property_deductions_always_add_up(findings, overrides):
    r = make(findings)
    grade(r, Config(grading={k: {s: str(v) for s, v in val.items()} for k, val in overrides.items()}))
    assert 0 <= r.score <= 100
    assert_traceable(r)
    weights = dimension_weights(resolve_grading({}))
    for dim, value in r.dimensions.items():
        assert 0 <= D(value) <= weights[dim]
    thresholds = resolve_grading({})["thresholds"]
    natural = grade_for_score(D(r.score), resolve_grading({}))
    order = "优良中差"
    assert order.index(r.grade) >= order.index(natural)  # caps only ever lower the grade
    if any(x.severity == "error" for x in findings):
        assert r.grade != "优"
    if any(x.severity == "error" and x.rule.startswith("A") for x in findings):
        assert r.grade in ("中", "差")
    assert thresholds["优"] == 90
