"""JSON report: the contract keeps its fields and carries grading (grade, score, dimensions,
deductions, grade_reason)."""

from __future__ import annotations

import json

import pytest

import checker.report.json_report as json_report
from checker.report import render
from report_samples import check_golden, sample_results


@pytest.fixture(autouse=True)
def fixed_version(monkeypatch):
    monkeypatch.setattr(json_report, "__version__", "0.0.0-test")


def test_golden():
    check_golden("report.json", render(sample_results(), "json", "zh"))


def test_contract_fields_and_grading():
    doc = json.loads(render(sample_results(), "json", "zh"))
    assert doc["schema_version"] == 1 and doc["tool"]["name"] == "jixiao"
    flawed, clean, broken = doc["results"]
    assert set(flawed) >= {"path", "status", "error", "forms", "grade", "score", "findings"}
    assert flawed["forms"][0] == {"kind": "department", "title": "2024年部门整体支出绩效目标表", "year": 2024,
                                  "unit_name": "六盘水市科学技术协会", "total_wan": "650.17", "indicator_count": 21}
    assert set(flawed["findings"][0]) == {"rule", "severity", "dimension", "message", "fix", "form", "location"}
    assert (flawed["grade"], flawed["score"]) == ("中", 80.0)
    assert flawed["dimensions"] == {"完整性": 23.0, "相关性": 23.0, "适当性": 17.0, "可行性": 17.0}
    assert sum(d["points"] for d in flawed["deductions"]) == 100 - flawed["score"]
    assert "A01" in flawed["grade_reason"]
    assert (clean["grade"], clean["score"]) == ("优", 100.0)
    assert broken["status"] == "error" and broken["grade"] is None and broken["score"] is None
    assert broken["error"]["code"] == "unsupported" and "不评定等级" in broken["grade_reason"]
    assert doc["summary"]["files"] == 3 and doc["summary"]["checked"] == 2 and doc["summary"]["errors"] == 1


def test_deterministic():
    assert render(sample_results(), "json", "zh") == render(sample_results(), "json", "zh")
