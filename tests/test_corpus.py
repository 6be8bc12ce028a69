"""The annotated corpus in the project: files, annotations, and the scorer end to end.

fixtures/annotations/expect.json holds a person's reading of every real table in fixtures/real-docs
and fixtures/collected (and of the two seeds). These tests keep that corpus whole and well formed;
they do not assert any score (the score is measured by benchmarks/bench_corpus.py).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT

ANNOTATIONS = FIXTURES / "annotations" / "expect.json"
SCORER = ROOT / "benchmarks" / "score_corpus.py"
JIXIAO = Path(sys.executable).parent / "jixiao"
KINDS = {"department", "project", "special_fund_summary", "spending_direction"}
SOURCE_LINE = re.compile(r"^#\s*source:\s*(\S.*)$")


def load_annotations() -> dict:
    with open(ANNOTATIONS, encoding="utf-8") as f:
        return {k: v for k, v in json.load(f).items() if not k.startswith("_")}


ANN = load_annotations()


def resolve(key: str) -> Path:
    """The scorer's lookup: relative to the annotation file's folder, else to its parent."""
    here = ANNOTATIONS.parent / key
    return here if here.exists() else ANNOTATIONS.parent.parent / key


def rule_ids() -> set[str]:
    ids = set()
    for path in (ROOT / "rules").glob("*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for rule in (doc.get("rules") or []) if isinstance(doc, dict) else []:
            if isinstance(rule, dict) and "id" in rule:
                ids.add(rule["id"])
    return ids


def first_line(path: Path) -> str:
    with open(path, encoding="utf-8") as f:
        return f.readline().rstrip("\n")


REAL_KEYS = sorted(k for k in ANN if not k.startswith("seeds/"))


def test_rulebook_is_found():
    ids = rule_ids()
    assert {"S01", "A01", "Q01", "C01", "T01", "K01"} <= ids


@pytest.mark.parametrize("key", sorted(ANN))
def test_annotated_file_exists(key):
    assert resolve(key).is_file(), key


@pytest.mark.parametrize("key", REAL_KEYS)
def test_real_table_starts_with_its_source(key):
    assert SOURCE_LINE.match(first_line(resolve(key))), key


def test_every_real_table_is_annotated():
    on_disk = {f"{p.parent.name}/{p.name}" for folder in ("real-docs", "collected")
               for p in (FIXTURES / folder).glob("*.txt")}
    assert on_disk, "no real tables found"
    assert sorted(on_disk - set(ANN)) == []


def test_collected_tables_exist_and_are_annotated():
    collected = sorted((FIXTURES / "collected").glob("*.txt"))
    assert len(collected) >= 22
    assert all(re.match(r"^\d{3}_[a-z0-9_]+\.txt$", p.name) for p in collected), [p.name for p in collected]


def test_source_urls_are_unique():
    urls: dict[str, str] = {}
    for key in REAL_KEYS:
        source = SOURCE_LINE.match(first_line(resolve(key))).group(1)
        url = re.match(r"https?://\S+", source)
        if not url:  # a described source (no URL recorded) is allowed, but not twice
            url_text = source
        else:
            url_text = url.group(0)
        assert url_text not in urls, f"{key} repeats the source of {urls.get(url_text)}"
        urls[url_text] = key


def is_decimal_string(value) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"-?\d+(\.\d+)?", value):
        return False
    try:
        Decimal(value)
    except InvalidOperation:
        return False
    return True


@pytest.mark.parametrize("key", sorted(ANN))
def test_annotation_is_well_formed(key):
    entry = ANN[key]
    allowed = {"kinds", "year", "unit_name", "total", "indicators", "truncated", "defects", "must",
               "must_not", "note"}
    assert set(entry) <= allowed, set(entry) - allowed
    assert set(entry.get("kinds", [])) <= KINDS
    assert len(entry.get("kinds", [])) == len(set(entry.get("kinds", [])))
    if "year" in entry:
        assert isinstance(entry["year"], int) and not isinstance(entry["year"], bool)
        assert 2000 <= entry["year"] <= 2100
    if "unit_name" in entry:
        assert isinstance(entry["unit_name"], str) and entry["unit_name"].strip()
    if "total" in entry:
        assert is_decimal_string(entry["total"]), entry["total"]
    for pair in entry.get("indicators", []):
        assert isinstance(pair, list) and len(pair) == 2, pair
        assert all(isinstance(x, str) and x.strip() for x in pair), pair
    if "truncated" in entry:
        assert isinstance(entry["truncated"], bool)
    assert isinstance(entry.get("note", ""), str)
    for defect in entry.get("defects", []):
        assert {"rule", "where", "why"} <= set(defect), defect


@pytest.mark.parametrize("key", sorted(ANN))
def test_rule_ids_exist_and_do_not_contradict(key):
    ids = rule_ids()
    must, must_not = ANN[key].get("must", []), ANN[key].get("must_not", [])
    assert sorted(set(must) - ids) == [] and sorted(set(must_not) - ids) == []
    assert sorted(set(must) & set(must_not)) == []
    for defect in ANN[key].get("defects", []):
        assert defect["rule"] == "none" or defect["rule"] in ids, defect


@pytest.mark.parametrize("path", sorted((FIXTURES / "collected").glob("*.txt")), ids=lambda p: p.name[:20])
def test_collected_table_loads(path):
    from checker.pipeline import load_submission

    submission = load_submission(str(path))
    assert submission is not None


def test_scorer_runs_end_to_end():
    """The project's copy of the shared scorer on the project's annotations with the venv's jixiao."""
    assert JIXIAO.exists(), JIXIAO
    proc = subprocess.run([sys.executable, str(SCORER), str(ANNOTATIONS), "--jixiao", str(JIXIAO), "-v"],
                          capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-2000:]
    last = proc.stdout.strip().splitlines()[-1]
    match = re.fullmatch(r"read (\d+)/(\d+) \(.*\) · judged (\d+)/(\d+) \(.*\) · overall (\d+)/(\d+) \(.*\) over (\d+) files",
                         last)
    assert match, last
    assert int(match.group(7)) == len(ANN)
    assert "parse gave no JSON" not in proc.stdout and "check gave no result" not in proc.stdout
