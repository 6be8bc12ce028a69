"""The JSON contract of `jixiao check --format json` (schema_version 1).

A public contract: later versions add fields, never rename. Output is deterministic:
same input, same bytes (sorted where order is not meaningful, no timestamps).
"""

from __future__ import annotations

import json
from collections import Counter

from checker import __version__
from checker.model import Result, form_total, wan_str


def form_summary(form) -> dict:
    total = form_total(form)
    return {
        "kind": form.kind,
        "title": form.title,
        "year": form.year,
        "unit_name": form.unit_name.value if form.unit_name else None,
        "total_wan": wan_str(total.wan) if total is not None else None,
        # Empty 二级 rows are kept in the model for the rules, but are not indicators.
        "indicator_count": sum(1 for i in form.indicators if i.name or i.value),
    }


def result_dict(result: Result, timings: bool = False) -> dict:
    forms = [form_summary(f) for f in result.submission.forms] if result.submission else []
    out = {
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
    if timings and result.timings:
        out["timings"] = result.timings
    if result.baseline is not None:  # only with --baseline
        out["baseline"] = result.baseline.model_dump()
        out["fixed"] = [finding_dict(f) for f in result.fixed]
    return out


def finding_dict(f) -> dict:
    out = {
        "rule": f.rule,
        "severity": f.severity,
        "dimension": f.dimension,
        "message": f.message,
        "fix": f.fix,
        "form": f.form,
        "location": f.location,
    }
    if f.fingerprint is not None:  # identity across resubmissions (checker.baseline)
        out["fingerprint"] = f.fingerprint
    if f.baseline is not None:  # only with --baseline: "new" or "open"
        out["baseline"] = f.baseline
    return out


def summary_dict(results: list[Result]) -> dict:
    severities = Counter(f.severity for r in results for f in r.findings)
    out = {
        "files": len(results),
        "checked": sum(1 for r in results if r.status == "checked"),
        "errors": sum(1 for r in results if r.status == "error"),
        "findings": {s: severities.get(s, 0) for s in ("error", "warning", "info")},
        "grades": dict(sorted(Counter(r.grade for r in results if r.grade).items())),
    }
    marks = [r.baseline for r in results if r.baseline is not None]
    if marks:  # only with --baseline
        out["baseline"] = {k: sum(getattr(m, k) for m in marks) for k in ("new", "open", "fixed")}
    return out


def to_json(results: list[Result], lang: str = "zh", timings: bool = False) -> str:
    doc = {
        "schema_version": 1,
        "tool": {"name": "jixiao", "version": __version__},
        "results": [result_dict(r, timings) for r in results],
        "summary": summary_dict(results),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
