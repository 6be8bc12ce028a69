"""The generic rule case runner: fixtures/cases/<ID>.yaml for every rule in the rulebook.

Each case is a small text table run through the whole pipeline (reader -> extractor -> facts ->
engine); a `fail` case must make its rule fire, a `pass` case must not. Format: rules/README.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checker.config import Config
from checker.pipeline import CheckOptions, check_file
from checker.rulebook import load_rulebook

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "fixtures" / "cases"
CASE_KEYS = {"name", "expect", "text", "message_contains", "lang", "count", "severity"}


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and set(data) <= {"rule", "cases"}, f"{path.name}: keys rule, cases"
    assert data.get("rule") == path.stem, f"{path.name}: rule: must be {path.stem}"
    cases = data.get("cases")
    assert isinstance(cases, list) and cases, f"{path.name}: cases must be a non-empty list"
    for case in cases:
        assert isinstance(case, dict), f"{path.name}: each case is a mapping"
        unknown = set(case) - CASE_KEYS
        assert not unknown, f"{path.name}: unknown case keys {unknown}"
        assert case.get("expect") in ("fail", "pass"), f"{path.name}/{case.get('name')}: expect fail|pass"
        assert isinstance(case.get("text"), str) and case["text"].strip(), f"{path.name}/{case.get('name')}: text"
        assert case.get("name"), f"{path.name}: every case needs a name"
    return data


def _all_cases() -> list:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        try:
            data = _load(path)
        except AssertionError as exc:  # reported by test_case_files_are_well_formed
            params.append(pytest.param(path.stem, {"name": "malformed", "expect": "pass", "text": ""},
                                       id=f"{path.stem}-malformed", marks=pytest.mark.skip(reason=str(exc))))
            continue
        for case in data["cases"]:
            params.append(pytest.param(data["rule"], case, id=f"{data['rule']}-{case['expect']}-{case['name']}"))
    return params


def test_every_rule_has_a_failing_and_a_passing_case():
    book = load_rulebook(Config())
    missing, incomplete = [], []
    for rule in book.every:
        path = CASES_DIR / f"{rule.id}.yaml"
        if not path.is_file():
            missing.append(rule.id)
            continue
        expects = {c.get("expect") for c in _load(path)["cases"]}
        if not {"fail", "pass"} <= expects:
            incomplete.append(rule.id)
    assert not missing, f"rules without fixtures/cases/<ID>.yaml: {missing}"
    assert not incomplete, f"case files without both a fail and a pass case: {incomplete}"


def test_case_files_are_well_formed():
    book = load_rulebook(Config())
    for path in sorted(CASES_DIR.glob("*.yaml")):
        _load(path)
        assert book.get(path.stem) is not None, f"{path.name}: no rule {path.stem} in the rulebook"


@pytest.mark.parametrize("rule_id, case", _all_cases())
def test_rule_case(rule_id, case, tmp_path):
    source = tmp_path / "case.txt"
    source.write_text(case["text"], encoding="utf-8")
    lang = case.get("lang", "zh")
    result = check_file(str(source), CheckOptions(lang=lang, config=Config()))
    assert result.status == "checked", f"pipeline error: {result.error}"
    hits = [f for f in result.findings if f.rule == rule_id]
    shown = "\n".join(f"  {f.rule} {f.severity} {f.location}: {f.message}" for f in result.findings)
    if case["expect"] == "pass":
        assert not hits, f"{rule_id} fired on a passing case:\n{shown}"
        return
    assert hits, f"{rule_id} did not fire; findings were:\n{shown or '  (none)'}"
    if "count" in case:
        assert len(hits) == case["count"], f"{rule_id}: expected {case['count']} findings, got {len(hits)}:\n{shown}"
    if "severity" in case:
        assert all(f.severity == case["severity"] for f in hits), \
            f"{rule_id}: expected every finding at {case['severity']}:\n{shown}"
    for fragment in case.get("message_contains", []):
        assert any(fragment in f.message for f in hits), \
            f"{rule_id}: no message contains {fragment!r}:\n" + "\n".join(f.message for f in hits)
