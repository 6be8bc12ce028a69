"""Every report format on the two seed documents through the whole pipeline, and annotated
copies of the seeds rendered as .docx/.xlsx.

The golden files change whenever a rule, a message or the grading changes: rerun with
UPDATE_GOLDEN=1 and review the diff (it shows exactly what users will see differently).
"""

from __future__ import annotations

import functools
import io
import json
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

import checker.report.html as html_report
import checker.report.json_report as json_report
import checker.report.markdown as markdown
from checker.model import Result
from checker.pipeline import CheckOptions, check_file
from checker.report import render
from checker.report.annotate import annotate, docx_cell, docx_paragraphs, docx_tables
from test_report_xlsx import dump
from report_samples import check_golden

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ["fixtures/seeds/000_92e3f18c72746f64.txt", "fixtures/seeds/004_c1547cbaa6d14459.txt"]
GENERATED = ROOT / "fixtures" / "generated"


@functools.lru_cache(maxsize=None)
def _checked(lang: str) -> tuple[Result, ...]:
    return tuple(check_file(str(ROOT / seed), CheckOptions(lang=lang)) for seed in SEEDS)


def seeds(lang: str) -> list[Result]:
    """The seeds checked in `lang`, with paths as a user in the repository would give them, and
    without the pipeline's timings (the terminal and HTML reports show them when present)."""
    out = []
    for seed, result in zip(SEEDS, _checked(lang)):
        copy = result.model_copy(deep=True)
        copy.path = seed
        copy.timings = None
        out.append(copy)
    return out


@pytest.fixture(autouse=True)
def fixed_version(monkeypatch):
    for module in (html_report, json_report, markdown):
        monkeypatch.setattr(module, "__version__", "0.0.0-test")


def test_seeds_are_read_and_graded():
    for r in seeds("zh"):
        assert r.status == "checked" and r.submission.forms and r.findings
        assert r.grade in ("优", "良", "中", "差") and r.score is not None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_table(lang):
    check_golden(f"seeds.{lang}.txt", render(seeds(lang), "table", lang))


def test_json():
    check_golden("seeds.json", render(seeds("zh"), "json", "zh"))


def test_markdown():
    check_golden("seeds.md", render(seeds("zh"), "markdown", "zh"))


def test_html():
    check_golden("seeds.html", render(seeds("zh"), "html", "zh"))


def test_xlsx():
    check_golden("seeds.xlsx.json", dump(render(seeds("zh"), "xlsx", "zh")))


def test_reports_agree_on_grades_and_counts():
    results = seeds("zh")
    doc = json.loads(render(results, "json", "zh"))
    wb = load_workbook(io.BytesIO(render(results, "xlsx", "zh")))
    summary = list(wb["汇总"].iter_rows(min_row=2, values_only=True))
    for r, j, row in zip(results, doc["results"], summary):
        assert (j["grade"], j["score"]) == (r.grade, r.score) == (row[3], row[4])
        assert len(j["findings"]) == len(r.findings)
    assert wb["问题清单"].max_row - 1 == sum(len(r.findings) for r in results)


def _generated(name: str) -> Path:
    path = GENERATED / name
    if not path.exists():
        pytest.skip(f"{path} not generated")
    return path


@pytest.mark.parametrize("name", ["seed000_liupanshui_2024.xlsx", "seed004_shifeng_2023.xlsx"])
def test_annotated_seed_xlsx(name, tmp_path):
    source = _generated(name)
    result = check_file(str(source))
    out = annotate(result, source, tmp_path, "zh")
    wb = load_workbook(out)
    located = [f for f in result.findings if f.loc and f.loc.sheet and f.loc.ref]
    assert located
    for f in located:
        ws = wb[f.loc.sheet]
        cell = ws[f.loc.ref]
        for rng in ws.merged_cells.ranges:  # a merged cell's comment sits on its top-left cell
            if f.loc.ref in rng:
                cell = ws.cell(row=rng.min_row, column=rng.min_col)
        assert cell.comment is not None and f.message in cell.comment.text, (f.rule, f.loc.ref)
    assert wb["问题清单"].max_row - 1 == len(result.findings)


@pytest.mark.parametrize("name", ["seed000_liupanshui_2024.docx", "seed004_shifeng_2023.docx"])
def test_annotated_seed_docx(name, tmp_path):
    from docx.oxml.ns import qn

    source = _generated(name)
    result = check_file(str(source))
    out = annotate(result, source, tmp_path, "zh")
    d = docx.Document(str(out))
    comments = {c.comment_id: c.text for c in d.comments}
    tables, paragraphs = docx_tables(d), docx_paragraphs(d)
    checked = 0
    for f in result.findings:
        loc = f.loc
        if loc and loc.table and loc.row and loc.col:
            element = docx_cell(tables[loc.table - 1], loc.row, loc.col)
        elif loc and loc.para:
            element = paragraphs[loc.para - 1]
        else:
            continue
        ids = {int(e.get(qn("w:id"))) for e in element.iter(qn("w:commentRangeStart"))}
        assert any(f.message in comments[i] for i in ids), (f.rule, loc)
        checked += 1
    assert checked > 10
    assert all(any(f.message in text for text in comments.values()) for f in result.findings)
