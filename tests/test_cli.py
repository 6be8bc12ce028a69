"""The command line: JSON contract, exit codes, parse and schema."""

import json
import os
import subprocess
import sys

from conftest import ROOT, SEED_000, SEED_004


def run(*args, cwd=ROOT):
    env = {**os.environ, "COLUMNS": "200"}  # rich wraps table cells to the terminal width
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_check_json_contract():
    proc = run("check", str(SEED_000), str(SEED_004), "--format", "json", "--fail-on", "never")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema_version"] == 1 and doc["tool"]["name"] == "jixiao"
    assert [r["path"] for r in doc["results"]] == [str(SEED_000), str(SEED_004)]
    first = doc["results"][0]
    assert first["status"] == "checked" and first["error"] is None
    assert first["forms"][0] == {"kind": "department", "title": first["forms"][0]["title"], "year": 2024,
                                 "unit_name": "六盘水市科学技术协会", "total_wan": "650.17", "indicator_count": 21}
    assert first["forms"][1]["total_wan"] == "75.00"
    assert [f["kind"] for f in doc["results"][1]["forms"]] == ["department", "special_fund_summary",
                                                               "spending_direction"]
    assert doc["summary"]["files"] == 2 and doc["summary"]["checked"] == 2
    for finding in first["findings"]:
        assert set(finding) >= {"rule", "severity", "dimension", "message", "fix", "form", "location"}


def test_json_output_is_deterministic(tmp_path):
    a = run("check", str(SEED_004), "--format", "json", "--fail-on", "never").stdout
    b = run("check", str(SEED_004), "--format", "json", "--fail-on", "never").stdout
    assert a == b


def test_unreadable_file_is_an_error_result_and_exit_1(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    proc = run("check", str(empty), str(SEED_004), "--format", "json", "--fail-on", "never")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["results"][0]["status"] == "error"
    assert "为空" in doc["results"][0]["error"]["message"]
    assert doc["results"][1]["status"] == "checked"  # the rest of the batch goes on


def test_usage_errors_exit_2(tmp_path):
    assert run("check", str(tmp_path / "missing.txt")).returncode == 2
    assert run("check", str(SEED_000), "--no-such-option").returncode == 2


def test_parse_table_and_json():
    proc = run("parse", str(SEED_000))
    assert proc.returncode == 0 and "六盘水市科学技术协会" in proc.stdout and "社会群众满意度" in proc.stdout
    proc = run("parse", str(SEED_000), "--format", "json")
    data = json.loads(proc.stdout)
    assert data["forms"][1]["total"]["amount"] == "750000"


def test_schema_prints_json_schema():
    schema = json.loads(run("schema").stdout)
    assert "Submission" in schema.get("title", "") or "forms" in schema["properties"]


def test_english_messages(tmp_path):
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"")
    doc = json.loads(run("check", str(empty), "--format", "json", "--lang", "en").stdout)
    assert doc["results"][0]["error"]["message"].startswith("The file is empty")
