"""Red-team F22 and F21: the documented limits hold at their edge, and a file timer that fires
inside the rule engine stops the file cleanly (no exception inside durable_rules' callbacks)."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, SEED_000

from checker.config import Config, input_limits
from checker.pipeline import CheckOptions, check_file
from checker.readers import DEFAULT_LIMITS, read_document

SLOW_RULE = """\
family: X
rules:
  - id: X01
    severity: warning
    dimension: 完整性
    title: {zh: "测试", en: "test"}
    message: {zh: "{a.name}", en: "x"}
    fix: {zh: "无", en: "none"}
    basis: {zh: "无", en: "none"}
    when:
      all:
        - a: {kind: indicator}
        - b: {kind: indicator}
"""


def seed_lines() -> list[str]:
    return SEED_000.read_text(encoding="utf-8").split("\n")


def with_indicators(rows: list[str]) -> str:
    """Seed 000 with its first output indicator replaced by `rows` (tab-separated like the seed)."""
    lines = seed_lines()
    at = next(i for i, line in enumerate(lines) if "青少年科技教育活动" in line and "≥8次" in line)
    return "\n".join(lines[:at] + rows + lines[at + 1:])


def good_rows(n: int) -> list[str]:
    return [f"\t\t\t科普活动{i}\t≥{i % 50 + 1}次\t开展活动不少于{i % 50 + 1}次\t" for i in range(n)]


def bad_rows(n: int) -> list[str]:
    """Indicators with a value that is no measure: each one is a finding."""
    return [f"\t\t\t活动{i % 7}\t好\t\t" for i in range(n)]


def rows_read(text: str) -> int:
    limits = dataclasses.replace(DEFAULT_LIMITS, max_rows=10 * DEFAULT_LIMITS.max_rows)
    return len(read_document("t.txt", text.encode("utf-8"), limits).rows)


# ---- F22: max_rows -------------------------------------------------------------------------------

def test_a_file_of_exactly_max_rows_is_checked_and_one_more_row_is_refused(tmp_path):
    base = rows_read(with_indicators([]))
    fill = DEFAULT_LIMITS.max_rows - base
    # Prose before the title: rows that are no indicator (max_indicators is a limit of its own).
    at_limit = "".join(f"附注第{i}条。\n" for i in range(fill - 1000)) + with_indicators(good_rows(1000))
    assert rows_read(at_limit) == DEFAULT_LIMITS.max_rows
    (tmp_path / "at.txt").write_text(at_limit, encoding="utf-8")
    (tmp_path / "over.txt").write_text("再多一行。\n" + at_limit, encoding="utf-8")
    at = check_file(str(tmp_path / "at.txt"))
    over = check_file(str(tmp_path / "over.txt"))
    assert at.status == "checked", at.error
    assert len(at.submission.forms[0].indicators) >= 1000
    assert over.status == "error" and over.error.code == "too_large", over.error
    assert str(DEFAULT_LIMITS.max_rows) in over.error.message


def test_no_real_table_comes_near_a_limit():
    """Real published tables have at most a few hundred rows: the limits never refuse one."""
    sizes = []
    for folder in (ROOT / "fixtures" / "real-docs", ROOT / "fixtures" / "collected"):
        for path in sorted(folder.glob("*.txt")):
            sizes.append(rows_read(path.read_text(encoding="utf-8")))
    assert len(sizes) > 20
    assert max(sizes) * 10 < DEFAULT_LIMITS.max_rows


# ---- F22: max_indicators ---------------------------------------------------------------------------

def test_a_form_of_exactly_max_indicators_is_checked_and_one_more_is_refused(tmp_path):
    cap = DEFAULT_LIMITS.max_indicators
    (tmp_path / "base.txt").write_text(with_indicators([]), encoding="utf-8")
    base = len(check_file(str(tmp_path / "base.txt"), CheckOptions(run_rules=False)).submission.forms[0].indicators)
    (tmp_path / "at.txt").write_text(with_indicators(good_rows(cap - base)), encoding="utf-8")
    (tmp_path / "over.txt").write_text(with_indicators(good_rows(cap - base + 1)), encoding="utf-8")
    at = check_file(str(tmp_path / "at.txt"))
    over = check_file(str(tmp_path / "over.txt"))
    assert at.status == "checked", at.error
    assert len(at.submission.forms[0].indicators) == cap
    assert over.status == "error" and over.error.code == "too_large", over.error
    assert f"{cap + 1} 个绩效指标" in over.error.message


def test_json_input_obeys_max_indicators(tmp_path):
    base = check_file(str(SEED_000), CheckOptions(run_rules=False)).submission
    form = base.forms[0]
    many = form.model_copy(update={"indicators": [form.indicators[0].model_copy(update={"name": f"指标{i}"})
                                                  for i in range(DEFAULT_LIMITS.max_indicators + 1)]})
    path = tmp_path / "many.json"
    path.write_text(base.model_copy(update={"forms": [many]}).model_dump_json(), encoding="utf-8")
    result = check_file(str(path))
    assert result.status == "error" and result.error.code == "too_large", result.error
    assert "indicators" in result.error.message or "绩效指标" in result.error.message


# ---- F22: max_findings -----------------------------------------------------------------------------

def test_findings_beyond_the_cap_are_cut_with_a_note_and_still_graded(tmp_path):
    cap = DEFAULT_LIMITS.max_findings
    path = tmp_path / "many.txt"
    path.write_text(with_indicators(bad_rows(cap + 100)), encoding="utf-8")
    cut = check_file(str(path))
    full = check_file(str(path), CheckOptions(limits=dataclasses.replace(DEFAULT_LIMITS, max_findings=10 * cap)))
    assert len(full.findings) > cap
    assert len(cut.findings) == cap
    assert [f for f in full.findings if f in cut.findings] == cut.findings  # report order kept
    assert {f.rule for f in cut.findings} == {f.rule for f in full.findings}  # every rule still shown
    assert (cut.score, cut.grade) == (full.score, full.grade)  # the grade counts every finding
    note = [n for n in cut.submission.notes if "问题过多" in n]
    assert note and f"共 {len(full.findings)} 条" in note[0] and f"仅列出 {cap} 条" in note[0]
    assert not any("问题过多" in n for n in full.submission.notes)
    en = check_file(str(path), CheckOptions(lang="en"))
    assert any("Too many findings" in n and str(cap) in n for n in en.submission.notes)


def test_a_file_under_the_findings_cap_has_no_note():
    result = check_file(str(SEED_000))
    assert 0 < len(result.findings) < DEFAULT_LIMITS.max_findings
    assert not any("问题过多" in n for n in result.submission.notes)


def test_max_findings_is_a_limits_key(tmp_path):
    assert input_limits(Config(limits={"max_findings": 3})).max_findings == 3
    (tmp_path / "jixiao.toml").write_text("[limits]\nmax_findings = 3\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "checker", "check", str(SEED_000), "-f", "json", "-q",
                           "--fail-on", "never"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["results"][0]
    assert len(result["findings"]) == 3 and any("问题过多" in n for n in result["notes"])


# ---- F21: the in-process timer and durable_rules ----------------------------------------------------

def test_a_timeout_inside_the_rule_engine_stops_the_file_without_a_traceback(tmp_path):
    """A join over every pair of 1,500 indicators keeps the engine busy far longer than the limit;
    with -j 1 the SIGALRM timer fires inside durable_rules. The file is a timeout result, nothing is
    printed from the engine's callbacks, and the run ends soon after the limit."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "x.yaml").write_text(SLOW_RULE, encoding="utf-8")
    path = tmp_path / "pairs.txt"
    path.write_text(with_indicators(good_rows(1500)), encoding="utf-8")
    timeout = 3
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "checker", "check", str(path), "--rules", str(rules), "-j", "1",
                           "--timeout", str(timeout), "-f", "json", "-q"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    elapsed = time.monotonic() - start
    result = json.loads(proc.stdout)["results"][0]
    assert result["status"] == "error" and result["error"]["code"] == "timeout", result["error"]
    assert "Traceback" not in proc.stderr and "base exception" not in proc.stderr, proc.stderr[:2000]
    assert proc.returncode == 1
    assert elapsed < timeout + 60, elapsed  # generous: the join alone runs ~30 s here
