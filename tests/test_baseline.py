"""--baseline PREVIOUS.json: findings new / still open / fixed across a resubmission, --only-new,
fingerprints that survive re-ordered rows, shifted lines and changed figures, bad baselines."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from checker.baseline import BaselineError, fingerprint, read_baseline
from checker.pipeline import CheckOptions, check_file
from conftest import SEED_000, SEED_004
from test_batch import run

SEED = SEED_000.read_text(encoding="utf-8")
ADDED = "开展科技工作者联系服务工作"  # 表1 row "≥5次" becomes "5次": a new Q02
FIXED = "社区科普宣传栏科普专刊"  # 表1 row "4期" becomes "≥4期": its Q02 is fixed
SWAPPED = "开展“全国科技工作者日”主题宣传活动"  # swapped with the FIXED row


def versions() -> tuple[str, str]:
    """The seed as first submitted (资金总额 wrong: A01) and as resubmitted: two indicator rows
    swapped, one defect fixed, one added, the 资金总额 still wrong with another figure, and a blank
    line on top that moves every row."""
    assert SEED.count("650.17") == 1
    first = SEED.replace("650.17", "660.17")
    lines = first.split("\n")
    fixed = next(i for i, line in enumerate(lines) if line.startswith(f"\t\t\t{FIXED}\t4期\t"))
    swapped = next(i for i, line in enumerate(lines) if line.startswith(f"\t\t\t{SWAPPED}\t"))
    added = next(i for i, line in enumerate(lines) if line.startswith(f"\t\t\t{ADDED}\t≥5次\t"))
    second = list(lines)
    second[fixed], second[swapped] = lines[swapped], lines[fixed].replace("\t4期\t", "\t≥4期\t")
    second[added] = lines[added].replace("\t≥5次\t", "\t5次\t")
    return first, "\n" + "\n".join(second).replace("660.17", "670.17")


@pytest.fixture
def resubmission(tmp_path):
    """tmp/units/a.txt checked once into base.json, then replaced by its resubmission."""
    first, second = versions()
    units = tmp_path / "units"
    units.mkdir()
    (units / "a.txt").write_text(first, encoding="utf-8")
    shutil.copy(SEED_004, units / "b.txt")
    proc = run("check", "units", "--format", "json", "--fail-on", "never", "-j", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (tmp_path / "base.json").write_text(proc.stdout, encoding="utf-8")
    (units / "a.txt").write_text(second, encoding="utf-8")
    return tmp_path


def by_name(doc: dict) -> dict:
    return {os.path.basename(r["path"]): r for r in doc["results"]}


def test_new_open_fixed_across_a_resubmission(resubmission):
    proc = run("check", "units", "--format", "json", "--fail-on", "never", "--baseline", "base.json",
               cwd=resubmission)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    a = by_name(doc)["a.txt"]
    new = [f for f in a["findings"] if f["baseline"] == "new"]
    assert [(f["rule"], ADDED in f["message"]) for f in new] == [("Q02", True)]
    assert [(f["rule"], FIXED in f["message"]) for f in a["fixed"]] == [("Q02", True)]
    assert all(f["baseline"] == "open" for f in a["findings"] if f not in new)
    a01 = [f for f in a["findings"] if f["rule"] == "A01"]
    assert len(a01) == 1 and a01[0]["baseline"] == "open" and "670.17" in a01[0]["message"]  # figures changed
    swapped = [f for f in a["findings"] if SWAPPED in f["message"] and f["form"] == 0 and f["rule"] == "Q02"]
    assert swapped and swapped[0]["baseline"] == "open"  # moved rows keep their identity
    assert a["baseline"] == {"match": "path", "new": 1, "open": len(a["findings"]) - 1, "fixed": 1}
    b = by_name(doc)["b.txt"]  # unchanged file: everything still open, nothing fixed
    assert b["fixed"] == [] and {f["baseline"] for f in b["findings"]} == {"open"}
    assert doc["summary"]["baseline"] == {"new": 1, "open": len(a["findings"]) - 1 + len(b["findings"]), "fixed": 1}


def test_only_new_hides_old_findings_but_not_from_the_grade(resubmission):
    full = by_name(json.loads(run("check", "units", "--format", "json", "--fail-on", "never", "--baseline",
                                  "base.json", cwd=resubmission).stdout))["a.txt"]
    proc = run("check", "units", "--format", "json", "--fail-on", "never", "--baseline", "base.json", "--only-new",
               cwd=resubmission)
    only = by_name(json.loads(proc.stdout))["a.txt"]
    assert [f["baseline"] for f in only["findings"]] == ["new"]
    assert (only["grade"], only["score"], only.get("dimensions")) == (full["grade"], full["score"],
                                                                       full.get("dimensions"))
    assert only["baseline"] == full["baseline"]  # the counts still say how many are open
    assert len(only["fixed"]) == 1
    # The exit status follows what is shown: the open A01 is an error, the new Q02 only info.
    assert run("check", "units", "--baseline", "base.json", "--format", "json", cwd=resubmission).returncode == 1
    assert run("check", "units", "--baseline", "base.json", "--only-new", "--format", "json",
               cwd=resubmission).returncode == 0
    assert run("check", "units", "--baseline", "base.json", "--only-new", "--format", "json", "--fail-on",
               "info", cwd=resubmission).returncode == 1


def test_help_says_the_grade_counts_every_finding():
    out = run("check", "--help").stdout
    flat = "".join(ch for ch in out if ch not in " \n│")  # the help is wrapped in a box
    assert "--only-new" in out and "等级和得分仍按全部问题计算" in flat and "[limits]timeout" in flat


def test_files_match_by_name_when_the_folder_moved(resubmission):
    (resubmission / "moved").mkdir()
    shutil.copy(resubmission / "units" / "a.txt", resubmission / "moved" / "a.txt")
    shutil.copy(SEED_000, resubmission / "moved" / "new.txt")
    doc = json.loads(run("check", "moved", "--format", "json", "--fail-on", "never", "--baseline", "base.json",
                         cwd=resubmission).stdout)
    a, extra = by_name(doc)["a.txt"], by_name(doc)["new.txt"]
    assert a["baseline"]["match"] == "name" and a["baseline"]["new"] == 1 and len(a["fixed"]) == 1
    assert extra["baseline"]["match"] == "none" and extra["fixed"] == []  # not in the baseline: all new
    assert {f["baseline"] for f in extra["findings"]} == {"new"}


def test_default_json_has_fingerprints_and_no_baseline_fields():
    doc = json.loads(run("check", str(SEED_004), "--format", "json", "--fail-on", "never").stdout)
    result = doc["results"][0]
    assert "fixed" not in result and "baseline" not in result and "baseline" not in doc["summary"]
    fps = [f["fingerprint"] for f in result["findings"]]
    assert all(fp.startswith(f["rule"] + ":") for fp, f in zip(fps, result["findings"]))
    assert len(set(fps)) == len(fps)  # the occurrence counter tells identical keys apart
    assert not any("baseline" in f for f in result["findings"])


def test_fingerprints_ignore_language_and_row_numbers():
    zh = check_file(str(SEED_000), CheckOptions(lang="zh"))
    en = check_file(str(SEED_000), CheckOptions(lang="en"))
    assert [f.fingerprint for f in zh.findings] == [f.fingerprint for f in en.findings]
    subjects = {f.subject for f in zh.findings}
    assert "level1=产出指标;level2=数量指标;name=驻村干部数量" in subjects
    assert not any(ch.isdigit() and "行" in s for s in subjects for ch in s)
    assert fingerprint("A01", "department", "", 0) != fingerprint("A01", "department", "", 1)
    assert fingerprint("A01", "department", "", 0) != fingerprint("A01", "project", "", 0)


def test_an_unreadable_resubmission_fixes_nothing(resubmission):
    (resubmission / "units" / "a.txt").write_bytes(b"")
    doc = json.loads(run("check", "units", "--format", "json", "--fail-on", "never", "--baseline", "base.json",
                         cwd=resubmission).stdout)
    a = by_name(doc)["a.txt"]
    assert a["status"] == "error" and a["fixed"] == [] and a["baseline"]["fixed"] == 0


@pytest.mark.parametrize("content, words", [
    (None, "找不到基线文件"),
    ("{not json", "不是有效的 JSON"),
    ("[]", "不是 jixiao 的 JSON 报告"),
    ('{"schema_version": 1, "results": [{"path": "a.txt", "findings": [{"rule": "Q02", "severity": "warning"}]}]}',
     "没有 fingerprint"),
    ('{"schema_version": 1, "results": [{"path": "a.txt", "findings": [{"rule": "Q02", "severity": "bad", '
     '"fingerprint": "Q02:x"}]}]}', "severity"),
])
def test_a_bad_baseline_is_a_usage_error_before_any_check(tmp_path, content, words):
    path = tmp_path / "base.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    proc = run("check", str(SEED_000), "--format", "json", "--baseline", str(path))
    assert proc.returncode == 2 and words in proc.stderr and proc.stdout == ""
    with pytest.raises(BaselineError):
        read_baseline(path)


def test_bad_baseline_in_english_and_only_new_without_baseline(tmp_path):
    proc = run("check", str(SEED_000), "--baseline", str(tmp_path / "none.json"), "--lang", "en")
    assert proc.returncode == 2 and "Baseline file not found" in proc.stderr
    proc = run("check", str(SEED_000), "--only-new")
    assert proc.returncode == 2 and "--baseline" in proc.stderr


def test_the_baseline_is_read_piecewise_with_the_same_outcome(resubmission, monkeypatch):
    import checker.baseline as baseline

    whole = read_baseline(resubmission / "base.json")
    monkeypatch.setattr(baseline._Reader, "CHUNK", 7)  # values cut at every few characters
    pieces = read_baseline(resubmission / "base.json")
    assert [(e.path, e.fingerprints, [f.message for f in e.findings()]) for e in pieces.by_path.values()] == \
        [(e.path, e.fingerprints, [f.message for f in e.findings()]) for e in whole.by_path.values()]
    assert len(whole.by_path) == 2 and all(e.fingerprints for e in whole.by_path.values())
