"""The fixture builder, and what the generated files prove: every format of a variant
reads to the same rows and extracts to the same figures."""

from __future__ import annotations

import importlib.util
import io
import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from checker.readers import read_document

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "fixtures" / "generated"


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_fixtures", ROOT / "fixtures" / "build_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_fixtures"] = module
    spec.loader.exec_module(module)
    return module


bf = _load_builder()
VARIANTS = [make() for make in bf.VARIANTS]
NAMES = [v.name for v in VARIANTS]
FORMATS = [".txt", ".docx", ".xlsx", ".xls"]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fresh")
    bf.build(out)
    return out


def test_committed_fixtures_are_reproduced(fresh):
    assert bf.check(GENERATED, fresh) == []


def test_build_is_deterministic(fresh, tmp_path):
    again = {p.name: p.read_bytes() for p in bf.build(tmp_path)}
    assert again == {p.name: p.read_bytes() for p in fresh.iterdir()}
    assert sorted(again) == sorted(f"{n}{ext}" for n in NAMES for ext in FORMATS)


def test_check_reports_changed_and_stale_fixtures(fresh, tmp_path):
    out = tmp_path / "gen"
    shutil.copytree(fresh, out)
    (out / "seed004_shifeng_2023.txt").write_text("changed\n", encoding="utf-8")
    (out / "project_costs_2024.xlsx").unlink()
    (out / "stale.docx").write_bytes(b"")
    problems = bf.check(out, fresh)
    assert any(p.startswith("seed004_shifeng_2023.txt: content differs") for p in problems)
    assert any(p.startswith("project_costs_2024.xlsx: missing") for p in problems)
    assert any(p.startswith("stale.docx") for p in problems)
    assert len(problems) == 3


def test_check_accepts_same_content_with_different_bytes(fresh, tmp_path, capsys):
    out = tmp_path / "gen"
    shutil.copytree(fresh, out)
    # Recompress one file differently: other bytes, same content (as another zlib would).
    path = out / "seed000_liupanshui_2024.docx"
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    assert buf.getvalue() != path.read_bytes()
    path.write_bytes(buf.getvalue())
    assert bf.check(out, fresh) == []
    assert "bytes differ" in capsys.readouterr().out


def test_merges_must_be_rectangles():
    with pytest.raises(AssertionError):
        bf.merges([["a", "<"], ["^", "b"]])  # an L-shape
    assert bf.merges([["a", "<", "b"], ["^", "^", "c"]]) == {(0, 0): (2, 2)}


@pytest.mark.parametrize("name", NAMES)
def test_every_format_reads_to_the_same_rows(name):
    variant = next(v for v in VARIANTS if v.name == name)
    expected = [bf.flat_rows(form.grid) for form in variant.forms]
    docx_doc = read_document(str(GENERATED / f"{name}.docx"))
    docx_tables = [[r.texts for r in docx_doc.rows if r.table == t] for t in range(1, len(variant.forms) + 1)]
    assert docx_tables == expected
    paragraphs = [t.strip() for form in variant.forms for t in [*form.before, *form.after] if t.strip()]
    assert [r.texts[0] for r in docx_doc.rows if r.table is None] == paragraphs
    xlsx_doc = read_document(str(GENERATED / f"{name}.xlsx"))
    for t, form in enumerate(variant.forms, start=1):
        rows = [r.texts for r in xlsx_doc.rows if r.table == t]
        assert rows[len(form.before) : len(form.before) + len(form.grid)] == expected[t - 1]
        assert [r[0] for r in rows[: len(form.before)]] == form.before
    txt_lines = (GENERATED / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    for grid in expected:
        for row in grid:
            assert "\t".join(c.replace("\n", "；") for c in row) in txt_lines


# ---------------------------------------------------------------------------- extracted figures


def _norm(text: str | None) -> str | None:
    return None if text is None else re.sub(r"\s+", " ", text).strip()


def _money(m) -> tuple[str, str] | None:
    return None if m is None else (str(m.amount), m.unit)


def figures(sub) -> list[dict]:
    """What must not depend on the file format."""
    out = []
    for form in sub.forms:
        money = {
            k: _money(getattr(form, k))
            for k in ("total", "basic", "project", "general_budget", "gov_fund", "fiscal", "other_funds",
                      "special_amount", "cost_total")
            if hasattr(form, k)
        }
        out.append({
            "kind": form.kind,
            "title": _norm(form.title),
            "year": form.year,
            "unit": form.unit_name.value if form.unit_name else None,
            "amount_unit": form.amount_unit,
            "money": money,
            "indicators": [
                (i.level1, i.level2, _norm(i.level1_raw), _norm(i.level2_raw), i.name, i.value)
                for i in form.indicators
            ],
            "cost_lines": [
                (c.content, c.item, _money(c.amount), re.sub(r"[\n；]", "|", c.calculation))
                for c in getattr(form, "cost_lines", [])
            ],
            "summary_lines": [(s.seq, s.name, s.level, _money(s.amount)) for s in getattr(form, "lines", [])],
        })
    return out


def _extract(path: Path):
    from checker.extract import extract

    return extract(read_document(str(path)))


@pytest.mark.parametrize("name", NAMES)
def test_txt_docx_xlsx_give_the_same_figures(name):
    txt = figures(_extract(GENERATED / f"{name}.txt"))
    assert txt, "nothing extracted from the .txt"
    assert figures(_extract(GENERATED / f"{name}.docx")) == txt
    assert figures(_extract(GENERATED / f"{name}.xlsx")) == txt


EXPECTED_KINDS = {
    "seed000_liupanshui_2024": (["department", "project"], 2024),
    "seed004_shifeng_2023": (["department", "special_fund_summary", "spending_direction"], 2023),
    "national_88_2024": (["department", "project"], 2024),
    "project_costs_2024": (["project"], 2024),
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("ext", FORMATS)
def test_forms_and_years(name, ext):
    sub = _extract(GENERATED / f"{name}{ext}")
    kinds, year = EXPECTED_KINDS[name]
    assert [f.kind for f in sub.forms] == kinds
    assert {f.year for f in sub.forms} == {year}


def _indicator_cases():
    for variant in VARIANTS:
        for ext in FORMATS:
            yield pytest.param(variant.name, ext, id=f"{variant.name}{ext}")


@pytest.mark.parametrize(("name", "ext"), list(_indicator_cases()))
def test_merged_levels_are_attributed_to_every_row_they_span(name, ext):
    variant = next(v for v in VARIANTS if v.name == name)
    sub = _extract(GENERATED / f"{name}{ext}")
    indicator_forms = [f for f in variant.forms if bf.expected_indicators(f)]
    got_forms = [f for f in sub.forms if f.indicators]
    assert len(got_forms) == len(indicator_forms)
    for spec, form in zip(indicator_forms, got_forms):
        expected = [(_norm(l1), _norm(l2), n, v) for l1, l2, n, v in bf.expected_indicators(spec)]
        got = [(_norm(i.level1_raw), _norm(i.level2_raw), i.name, i.value) for i in form.indicators]
        assert got == expected


@pytest.mark.parametrize("ext", FORMATS)
def test_merged_cost_content_is_attributed_to_every_row(ext):
    sub = _extract(GENERATED / f"project_costs_2024{ext}")
    lines = [(c.content, c.item, str(c.amount.amount)) for c in sub.forms[0].cost_lines]
    assert lines == [
        ("比赛组织", "评审专家劳务费", "2.4"),
        ("比赛组织", "场地租赁", "3"),
        ("宣传印刷", "海报及手册印制", "1.2"),
        ("奖励", "获奖学生奖品", "6"),
    ]


@pytest.mark.parametrize("ext", FORMATS)
def test_seed_figures(ext):
    seed000 = _extract(GENERATED / f"seed000_liupanshui_2024{ext}")
    dept, project = seed000.forms
    assert (str(dept.total.amount), dept.total.unit) == ("650.17", "万元")
    assert (str(dept.basic.amount), str(dept.project.amount)) == ("563.89", "86.28")
    assert (str(project.total.amount), project.total.unit) == ("750000", "元")
    assert dept.unit_name.value == "六盘水市科学技术协会"
    seed004 = _extract(GENERATED / f"seed004_shifeng_2023{ext}")
    dept = seed004.forms[0]
    assert (str(dept.total.amount), str(dept.basic.amount), str(dept.project.amount)) == ("55.62", "52.62", "3")
    assert dept.unit_name.value == "株洲市石峰区科学技术协会"


@pytest.mark.parametrize("ext", FORMATS)
def test_national_88_task_table_and_goal_under_its_label(ext):
    """88号 department: the 年度主要任务 table's 金额合计 row gives 总额/财政拨款/其他资金 by column;
    88号 project: the 年度目标 text sits on the row below its label."""
    dept, project = _extract(GENERATED / f"national_88_2024{ext}").forms
    amounts = (str(dept.total.amount), str(dept.general_budget.amount), str(dept.other_funds.amount))
    assert amounts == ("2145.75", "1945.75", "200.00")
    assert dept.has_income_breakdown
    assert [p.content.split("：")[0] for p in dept.plans] == ["高标准农田建设", "农产品质量安全监管", "机关运转"]
    assert dept.goal.value.startswith("完成新建高标准农田2万亩")
    assert project.goal.value.startswith("目标1：新建高标准农田2万亩")
    assert (dept.contacts.filler.value, dept.contacts.phone.value) == ("刘洋", "0736-7220101")
    assert (project.contacts.project_leader.value, project.contacts.phone.value) == ("陈刚", "0736-7220188")


def _findings(path: Path) -> list[tuple]:
    from checker.pipeline import check_file

    result = check_file(str(path))
    assert result.status == "checked", result.error
    return sorted((f.rule, f.severity, f.form, f.message) for f in result.findings) + [("grade", result.grade)]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", ["docx", "xlsx", "xls", "json"])
def test_same_findings_whatever_the_format(name, fmt, tmp_path):
    """The .txt, .docx, .xlsx, .xls and canonical .json (`jixiao parse X --format json`) of one variant give
    the same findings and grade; only the locations differ (line vs table/row vs sheet!A1)."""
    expected = _findings(GENERATED / f"{name}.txt")
    if fmt == "json":
        from checker.pipeline import load_submission

        path = tmp_path / f"{name}.json"
        path.write_text(load_submission(str(GENERATED / f"{name}.xlsx")).model_dump_json(exclude_none=True),
                        encoding="utf-8")
    else:
        path = GENERATED / f"{name}.{fmt}"
    assert _findings(path) == expected
    assert len(expected) > 1  # every variant has findings to compare
