"""Render 10,000 findings in every report format and print the time per format.

    .venv/bin/python benchmarks/bench_reports.py [--findings N] [--files N] [--repeat N]

The findings are synthetic but shaped like real ones (rule ids, three severities, four dimensions,
Chinese messages and fixes of realistic length, table/row/col locations), spread over files of
two forms each, and graded by checker.grading as the pipeline would.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checker.config import Config  # noqa: E402
from checker.grading import grade  # noqa: E402
from checker.model import (  # noqa: E402
    DepartmentForm,
    Finding,
    Location,
    Money,
    ProjectForm,
    Result,
    Submission,
    Text,
)
from checker.report import FORMATS, ReportOptions, render  # noqa: E402
from checker.report.annotate import annotate  # noqa: E402

RULES = [("A01", "error", "适当性"), ("Q04", "warning", "可行性"), ("S12", "warning", "完整性"),
         ("C03", "warning", "相关性"), ("K02", "info", "完整性"), ("Q12", "warning", "可行性"),
         ("T01", "warning", "完整性"), ("A11", "warning", "适当性")]
MESSAGE = "资金总额 650.17 万元 ≠ 基本支出 563.89 + 项目支出 80.00 = 643.89 万元（差 6.28 万元），第{n}处"
FIX = "核对资金总额、基本支出和项目支出，使资金总额等于两者之和；如有调整请同步修改项目表。"


def build(findings: int, files: int) -> list[Result]:
    per_file = findings // files
    results = []
    for k in range(files):
        forms = [
            DepartmentForm(title="2024年部门整体支出绩效目标表", year=2024, unit_name=Text(value=f"第{k}单位"),
                           total=Money(amount=Decimal("650.17"), unit="万元")),
            ProjectForm(title="项目绩效目标表", year=2024, total=Money(amount=Decimal("750000"), unit="元")),
        ]
        fs = []
        for n in range(per_file):
            rule, severity, dim = RULES[n % len(RULES)]
            loc = Location(table=n % 2 + 1, row=n % 40 + 1, col=n % 5 + 1)
            fs.append(Finding(rule=rule, severity=severity, dimension=dim, message=MESSAGE.format(n=n), fix=FIX,
                              form=n % 3 if n % 3 < 2 else None, loc=loc, location=loc.describe()))
        r = Result(path=f"批量/单位{k:03d}.docx", status="checked", submission=Submission(forms=forms), findings=fs)
        grade(r, Config())
        results.append(r)
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--findings", type=int, default=10_000)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    results = build(args.findings, args.files)
    total = sum(len(r.findings) for r in results)
    print(f"{total} findings in {len(results)} files; best of {args.repeat} runs; CPU {os.cpu_count()} cores")
    print(f"{'format':<10}{'seconds':>10}{'size':>14}")
    for fmt in FORMATS:
        best, size = float("inf"), 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            out = render(results, fmt, "zh", ReportOptions(width=120))
            best = min(best, time.perf_counter() - start)
            size = len(out.encode("utf-8") if isinstance(out, str) else out)
        print(f"{fmt:<10}{best:>10.2f}{size:>14,}")
    with tempfile.TemporaryDirectory() as tmp:
        for kind, maker in (("annotate-xlsx", _xlsx_input), ("annotate-docx", _docx_input)):
            source = maker(Path(tmp))
            result = _pointing_at(source, args.findings, kind.endswith("xlsx"))
            best = float("inf")
            for n in range(args.repeat):
                start = time.perf_counter()
                out = annotate(result, source, Path(tmp) / f"out{n}", "zh")
                best = min(best, time.perf_counter() - start)
            print(f"{kind:<10}{best:>10.2f}{out.stat().st_size:>14,}")


ROWS, COLS = 40, 5


def _xlsx_input(tmp: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "绩效目标表"
    for r in range(1, ROWS + 1):
        ws.append([f"第{r}行第{c}列" for c in range(1, COLS + 1)])
    path = tmp / "input.xlsx"
    wb.save(path)
    return path


def _docx_input(tmp: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("2024年部门整体支出绩效目标表")
    table = d.add_table(rows=ROWS, cols=COLS)
    for r in range(ROWS):
        for c in range(COLS):
            table.cell(r, c).text = f"第{r + 1}行第{c + 1}列"
    path = tmp / "input.docx"
    d.save(path)
    return path


def _pointing_at(source: Path, findings: int, xlsx: bool) -> Result:
    """`findings` findings spread over the 200 cells of the input (so ~50 per cell)."""
    from openpyxl.utils import get_column_letter

    fs = []
    for n in range(findings):
        rule, severity, dim = RULES[n % len(RULES)]
        row, col = n % ROWS + 1, n // ROWS % COLS + 1
        loc = Location(sheet="绩效目标表", ref=f"{get_column_letter(col)}{row}") if xlsx else \
            Location(table=1, row=row, col=col)
        fs.append(Finding(rule=rule, severity=severity, dimension=dim, message=MESSAGE.format(n=n), fix=FIX, form=0,
                          loc=loc, location=loc.describe()))
    return Result(path=str(source), status="checked", findings=fs, submission=Submission(forms=[]))


if __name__ == "__main__":
    main()
