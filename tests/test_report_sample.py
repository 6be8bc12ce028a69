"""docs/sample-report.html is what scripts/make_sample_report.py makes from fixtures/seeds: a
rule, message, grading or layout change shows up here; rerun the script and commit the file."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("make_sample_report", ROOT / "scripts" / "make_sample_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_sample_is_what_the_script_makes():
    script = _script()
    committed = (ROOT / "docs" / "sample-report.html").read_text(encoding="utf-8")
    assert script.sample_html("zh") == committed, \
        "docs/sample-report.html is out of date: run .venv/bin/python scripts/make_sample_report.py and commit it"


def test_terminal_sample_fits_80_columns_and_has_no_escape_codes():
    from rich.cells import cell_len

    text = _script().sample_terminal("zh", 80)
    assert "\x1b" not in text
    assert all(cell_len(line) <= 80 for line in text.splitlines())
    assert text.startswith("╭─ fixtures/seeds/000_92e3f18c72746f64.txt")
    assert "汇总" in text.splitlines()[-7]
