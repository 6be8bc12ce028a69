"""Label synonyms are data: a user's labels.yaml in a rule directory teaches the reader a label."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JIXIAO = [sys.executable, "-m", "checker"]

TABLE = ("青山县林业局2024年项目支出绩效目标表\n"
         "项目名称\t植树造林\n主管部门\t青山县林业局\n资金总量(万元)\t86\n"
         "年度目标\t完成造林任务。\n"
         "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t造林面积\t≥500亩\n"
         "效益指标\t生态效益指标\t森林覆盖率\t≥60%\n满意度指标\t服务对象满意度指标\t群众满意度\t≥90%\n")


def _parse(tmp_path: Path, *extra: str) -> dict:
    table = tmp_path / "t.txt"
    table.write_text(TABLE, encoding="utf-8")
    run = subprocess.run([*JIXIAO, "parse", str(table), "--format", "json", *extra], capture_output=True,
                         text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _check(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    table = tmp_path / "t.txt"
    table.write_text(TABLE, encoding="utf-8")
    return subprocess.run([*JIXIAO, "check", str(table), "--format", "json", "--fail-on", "never", *extra],
                          capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _rules_dir(tmp_path: Path, text: str) -> Path:
    d = tmp_path / "my-rules"
    d.mkdir(exist_ok=True)
    (d / "labels.yaml").write_text(text, encoding="utf-8")
    return d


def test_an_unknown_label_is_not_read(tmp_path):
    assert _parse(tmp_path)["forms"][0].get("total") is None


def test_a_synonym_in_the_users_labels_file_is_read_as_that_field(tmp_path):
    d = _rules_dir(tmp_path, "fields:\n  total: [资金总量]\n")
    _config(tmp_path, d)  # jixiao.toml in the working directory names the rule directory
    form = _parse(tmp_path)["forms"][0]
    assert (form["total"]["amount"], form["total"]["unit"]) == ("86", "万元")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_check_reads_the_synonym_in_process_and_in_workers(tmp_path, workers):
    d = _rules_dir(tmp_path, "fields:\n  total: [ 资金总量 ]\n")
    run = _check(tmp_path, "--rules", str(d), "-j", workers)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)["results"][0]
    assert result["status"] == "checked"
    assert not any(f["rule"] == "S06" and "预算资金" in f["message"] for f in result["findings"])


def test_without_the_synonym_the_check_says_the_amount_is_missing(tmp_path):
    run = _check(tmp_path)
    result = json.loads(run.stdout)["results"][0]
    assert any(f["rule"] == "S06" and "预算资金" in f["message"] for f in result["findings"])


@pytest.mark.parametrize("text, says", [
    ("fields:\n  budget_total: [资金总量]\n", "budget_total"),  # no such field
    ("fields:\n  total: 资金总量\n", "total"),  # not a list
    ("labels: [资金总量]\n", "fields"),
])
def test_a_bad_labels_file_is_a_usage_error_before_any_file_is_read(tmp_path, text, says):
    run = _check(tmp_path, "--rules", str(_rules_dir(tmp_path, text)))
    assert run.returncode == 2
    assert "labels.yaml" in run.stderr and says in run.stderr and "Traceback" not in run.stderr


def _config(tmp_path: Path, rules: Path) -> Path:
    cfg = tmp_path / "jixiao.toml"
    cfg.write_text(f'rules = ["{rules.as_posix()}"]\n', encoding="utf-8")
    return cfg
