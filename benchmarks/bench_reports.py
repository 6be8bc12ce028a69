"""Render 10,000 findings in every report format and print the time per format; or stream a
batch of N files through every format's reporter and print the peak memory.

    .venv/bin/python benchmarks/bench_reports.py [--findings N] [--files N] [--repeat N]
    .venv/bin/python benchmarks/bench_reports.py --stream 500 --stream 5000 [--per-file F]

The findings are synthetic but shaped like real ones (rule ids, three severities, four dimensions,
Chinese messages and fixes of realistic length, table/row/col locations), spread over files of
two forms each, and graded by checker.grading as the pipeline would.

--stream N: each (format, N) runs in a fresh process, which makes the N results one at a time
(F findings each, every file with stage timings, four files per unit), feeds them to
`open_report(fmt, output=FILE)` and drops them, as `jixiao check` does. The process's peak RSS
(resource.getrusage ru_maxrss) is reported, with the same figure taken before the first add().
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
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
from checker.report import FORMATS, ReportOptions, open_report, render  # noqa: E402
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


def synthetic(files: int, per_file: int) -> Iterator[Result]:
    """`files` graded results made one at a time: nothing is kept between them."""
    for k in range(files):
        forms = [
            DepartmentForm(title="2024年部门整体支出绩效目标表", year=2024, unit_name=Text(value=f"第{k // 4}单位"),
                           total=Money(amount=Decimal("650.17"), unit="万元")),
            ProjectForm(title="项目绩效目标表", year=2024, total=Money(amount=Decimal("750000"), unit="元")),
        ]
        fs = []
        for n in range(per_file):
            rule, severity, dim = RULES[(n + k) % len(RULES)]
            loc = Location(table=n % 2 + 1, row=n % 40 + 1, col=n % 5 + 1)
            fs.append(Finding(rule=rule, severity=severity, dimension=dim, title=f"{rule} 规则标题",
                              message=MESSAGE.format(n=n), fix=FIX, form=n % 3 if n % 3 < 2 else None, loc=loc,
                              location=loc.describe()))
        r = Result(path=f"批量/第{k // 4}单位/单位{k:05d}.docx", status="checked", submission=Submission(forms=forms),
                   findings=fs, timings={"read": 0.01, "extract": 0.02, "facts": 0.01, "engine": 0.005 + k % 7 / 1000,
                                         "grading": 0.0004})
        grade(r, Config())
        yield r


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux


def stream_one(fmt: str, files: int, per_file: int) -> dict:
    """Stream `files` synthetic results through `fmt` into a temporary file (in this process)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"report.{fmt}"
        results = synthetic(files, per_file)
        first = next(results)
        reporter = open_report(fmt, "zh", ReportOptions(), out)
        before = _peak_kb()  # imports, the reporter open, one result made
        seconds = 0.0  # in add() and close() only, not making the results
        r: Result | None = first
        while r is not None:
            start = time.perf_counter()
            reporter.add(r)
            seconds += time.perf_counter() - start
            r = next(results, None)
        start = time.perf_counter()
        reporter.close()
        seconds += time.perf_counter() - start
        peak = _peak_kb()
        return {"format": fmt, "files": files, "before_kb": before, "peak_kb": peak, "seconds": seconds,
                "bytes": out.stat().st_size}


def stream_main(sizes: list[int], per_file: int, formats: list[str]) -> None:
    print(f"peak RSS streaming N files ({per_file} findings each) through each format; one process per run; "
          f"CPU {os.cpu_count()} cores")
    rows: dict[str, dict[int, dict]] = {}
    for fmt in formats:
        for n in sizes:
            proc = subprocess.run([sys.executable, __file__, "--stream-child", fmt, "--stream", str(n),
                                   "--per-file", str(per_file)], capture_output=True, text=True, check=True)
            rows.setdefault(fmt, {})[n] = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"{'format':<10}{'files':>8}{'RSS before':>12}{'peak RSS':>10}{'ratio':>7}{'report s':>10}{'output':>10}")
    for fmt, by_n in rows.items():
        for n in sizes:
            r = by_n[n]
            ratio = f"{r['peak_kb'] / by_n[sizes[0]]['peak_kb']:.3f}"
            print(f"{fmt:<10}{n:>8,}{r['before_kb'] / 1024:>9.1f} MB{r['peak_kb'] / 1024:>7.1f} MB{ratio:>7}"
                  f"{r['seconds']:>10.1f}{r['bytes'] / 2**20:>7.1f} MB")
    print("MB = 2**20 bytes; ratio = peak RSS / peak RSS of the first N; report s = time in add() and close()")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--findings", type=int, default=10_000)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--stream", type=int, action="append", help="stream N files through each format (repeatable)")
    ap.add_argument("--per-file", type=int, default=20, help="findings per file with --stream")
    ap.add_argument("--format", action="append", choices=FORMATS, help="only these formats with --stream")
    ap.add_argument("--stream-child", choices=FORMATS, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stream_child:
        print(json.dumps(stream_one(args.stream_child, args.stream[0], args.per_file)))
        return
    if args.stream:
        stream_main(args.stream, args.per_file, args.format or list(FORMATS))
        return
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
