"""The JSON contract of `jixiao check --format json` (schema_version 1).

A public contract: later versions add fields, never rename. Output is deterministic:
same input, same bytes (sorted where order is not meaningful, no timestamps; timings only
with `--timings`).

Streamed: the head is written when the reporter opens, each result as it is added, the summary
on close. The bytes are exactly those of `json.dumps(document, ensure_ascii=False, indent=2)`
of the whole document (tests/test_report_stream.py holds it to that).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import IO, Callable

from checker import __version__
from checker.model import Finding, Result
from checker.report.summary import BaseReporter, BatchSummary, FileRow, RunInfo
from checker.report.safe import display
from checker.report.view import form_summary


def finding_dict(f: Finding) -> dict:
    out = {
        "rule": f.rule,
        "severity": f.severity,
        "dimension": f.dimension,
        "message": f.message,
        "fix": f.fix,
        "form": f.form,
        "location": display(f.location),
    }
    fingerprint = getattr(f, "fingerprint", None)
    if fingerprint is not None:  # identity across resubmissions (checker.baseline)
        out["fingerprint"] = fingerprint
    if f.baseline is not None:  # only with --baseline: "new" or "open"
        out["baseline"] = f.baseline
    return out


def result_dict(result: Result, timings: bool = False) -> dict:
    forms = [form_summary(f) for f in result.submission.forms] if result.submission else []
    out: dict = {
        "path": result.path,
        "status": result.status,
        "error": result.error.model_dump() if result.error else None,
        "forms": forms,
        "grade": result.grade,
        "score": result.score,
        "findings": [finding_dict(f) for f in result.findings],
    }
    if result.submission and result.submission.notes:
        out["notes"] = list(result.submission.notes)
    if result.dimensions is not None:
        out["dimensions"] = result.dimensions
    if result.deductions:
        out["deductions"] = [d.model_dump() for d in result.deductions]
    if result.grade_reason:
        out["grade_reason"] = result.grade_reason
    if getattr(result, "provisional", False):
        out["provisional"] = True
    if timings and result.timings:
        out["timings"] = result.timings
    mark = getattr(result, "baseline", None)
    if mark is not None:  # only with --baseline
        out["baseline"] = mark.model_dump()
    if mark is not None or result.fixed:
        out["fixed"] = [finding_dict(f) for f in result.fixed]
    if result.annotated_copy:  # only with --annotate: which copy belongs to this input
        out["annotated_copy"] = result.annotated_copy
    return out


class Items:
    """A JSON array written item by item (the document's results, the summary's units)."""

    def __init__(self, items: Iterable[object]):
        self.items = items


def summary_fields(summary: BatchSummary, skipped: list[str], timings: bool = False,
                   incomplete: str | None = None) -> list[tuple[str, object]]:
    """The "summary" object, key by key. The first five keys are the original contract; the
    rest were added with the batch summary (issue 6) and are always present, except "baseline"
    (only when a baseline was used) and "timings" (only with --timings)."""
    fields: list[tuple[str, object]] = [
        ("files", summary.files),
        ("checked", summary.checked),
        ("errors", summary.errors),
        ("findings", dict(summary.findings)),
        ("grades", {g: n for g, n in sorted((g, n) for g, n in summary.grades.items() if g and n)}),
        ("ungraded", summary.grades[None]),
        ("top_rules", [{"rule": r.rule, "title": r.title, "files": r.files, "findings": r.findings}
                       for r in summary.top_rules()]),
        ("units", Items({"unit": u.unit or None, "files": u.files, "findings": u.findings, "worst_grade": u.worst}
                        for u in summary.unit_rows())),
        ("skipped", list(skipped)),
    ]
    if incomplete:  # only when the run stopped early: the report lacks files
        fields.append(("incomplete", True))
        fields.append(("incomplete_reason", incomplete))
    if summary.baseline is not None:
        b = summary.baseline
        fields.append(("baseline", {"new": b.new, "open": b.open, "fixed": b.fixed}))
    if timings and summary.has_timings:
        fields.append(("timings", {
            "stages": {stage: round(seconds, 6) for stage, seconds in summary.stages()},
            "slowest": [{"path": path, "seconds": round(seconds, 6)} for path, seconds, _ in summary.slowest()],
        }))
    return fields


def _dump(value: object, level: int) -> str:
    """`value` as json.dumps(indent=2) would write it `level` levels deep. JSON strings hold no
    raw line breaks, so indenting every line is exact."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + "  " * level) if level else text


def write_array(write: Callable[[str], None], items: Iterable[object], level: int) -> None:
    pad = "  " * (level + 1)
    first = True
    for item in items:
        write(("[\n" if first else ",\n") + pad + _dump(item, level + 1))
        first = False
    write("[]" if first else "\n" + "  " * level + "]")


def write_object(write: Callable[[str], None], fields: list[tuple[str, object]], level: int) -> None:
    if not fields:
        write("{}")
        return
    pad = "  " * (level + 1)
    for i, (key, value) in enumerate(fields):
        write(("{\n" if i == 0 else ",\n") + pad + json.dumps(key, ensure_ascii=False) + ": ")
        if isinstance(value, Items):
            write_array(write, value.items, level + 1)
        else:
            write(_dump(value, level + 1))
    write("\n" + "  " * level + "}")


class JsonReporter(BaseReporter):
    def __init__(self, lang: str, out: IO[str], owned: bool = False, timings: bool = False,
                 skipped: list[str] | None = None, run: RunInfo | None = None):
        super().__init__(lang, out, owned, skipped)
        self.timings = timings
        self.count = 0
        self.run = run
        tool: dict = {"name": "jixiao", "version": __version__}
        if run is not None:  # a CLI run: which configuration and rules graded the batch
            tool["config"] = run.config
            tool["rule_dirs"] = list(run.rule_dirs)
        self.write('{\n  "schema_version": 1,\n  "tool": ' + _dump(tool, 1) + ',\n  "results": ')

    def file_part(self, result: Result, row: FileRow) -> None:
        self.write(("[\n" if self.count == 0 else ",\n") + "    " + _dump(result_dict(result, self.timings), 2))
        self.count += 1

    def finish(self) -> None:
        self.write(("[]" if self.count == 0 else "\n  ]") + ',\n  "summary": ')
        write_object(self.write, summary_fields(self.summary, self.skipped, self.timings, self.incomplete), 1)
        self.write("\n}\n")


def to_json(results: list[Result], lang: str = "zh", timings: bool = False, skipped: list[str] | None = None) -> str:
    buf = io.StringIO()
    reporter = JsonReporter(lang, buf, timings=timings, skipped=skipped)
    for r in results:
        reporter.add(r)
    reporter.close()
    return buf.getvalue()
