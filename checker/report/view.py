"""What every report shows, computed once from a Result: forms read, findings grouped by form and
sorted by severity, counts. The batch summary is `checker.report.summary`. Formats only lay
this out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, DecimalException, localcontext

from checker.model import Finding, Result, form_total, wan_str
from checker.report.i18n import kind_word, t

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITIES = ("error", "warning", "info")
GRADE_ORDER = ("优", "良", "中", "差")


def wan_text(value: Decimal) -> str:
    """wan_str(), for any Decimal the model can hold: one too large for the default context's
    28 digits (a total of 1e30 万元) is still written out, never an exception in a report."""
    try:
        return wan_str(value)
    except DecimalException:
        if not value.is_finite():
            return str(value)
        with localcontext() as ctx:
            ctx.prec = max(28, len(value.as_tuple().digits) + max(value.as_tuple().exponent, 0) + 4)
            ctx.Emax = max(ctx.Emax, value.adjusted() + 10)
            try:
                return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
            except DecimalException:
                return str(value)


def form_summary(form) -> dict:
    """A form as the JSON contract shows it; every format takes its figures from here."""
    total = form_total(form)
    out = {
        "kind": form.kind,
        "title": form.title,
        "year": form.year,
        "unit_name": form.unit_name.value if form.unit_name else None,
        "total_wan": wan_text(total.wan) if total is not None else None,
        # Empty 二级 rows are kept in the model for the rules, but are not indicators.
        "indicator_count": sum(1 for i in form.indicators if i.name or i.value),
    }
    if getattr(form, "incomplete", False):  # added only when true: the contract only adds fields
        out["incomplete"] = True
        out["stops_at"] = form.stops_at or ""
    return out


@dataclass
class FormView:
    index: int  # 0-based, as in the JSON contract
    kind: str
    kind_label: str
    title: str
    year: str
    unit_name: str
    total_wan: str
    indicator_count: int

    @property
    def number(self) -> int:  # what people read: 1-based
        return self.index + 1


@dataclass
class FindingGroup:
    label: str
    form: FormView | None
    findings: list[Finding] = field(default_factory=list)


def form_views(result: Result, lang: str = "zh") -> list[FormView]:
    views = []
    for i, form in enumerate(result.submission.forms if result.submission else []):
        fs = form_summary(form)  # the JSON contract's figures, so every format agrees with it
        views.append(FormView(
            index=i,
            kind=fs["kind"],
            kind_label=kind_word(fs["kind"], lang),
            title=fs["title"] or "",
            year=str(fs["year"]) if fs["year"] else "",
            unit_name=fs["unit_name"] or "",
            total_wan=fs["total_wan"] or "",
            indicator_count=fs["indicator_count"],
        ))
    return views


def form_label(view: FormView, lang: str = "zh") -> str:
    if view.title and view.title != view.kind_label:
        return t("label.form_heading_titled", lang, number=view.number, kind=view.kind_label, title=view.title)
    return t("label.form_heading", lang, number=view.number, kind=view.kind_label)


def _place(f: Finding) -> tuple:
    """Document order of a finding's location (row 9 before row 10), unlocated last."""
    loc = f.loc
    if loc is None:
        return (1,)
    return (0, loc.sheet or "", loc.table or 0, loc.para or 0, loc.row or 0, loc.line or 0, loc.col or 0)


def finding_key(f: Finding) -> tuple:
    return (SEVERITY_ORDER.get(f.severity, 9), f.rule, _place(f), f.location, f.message)


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=finding_key)


def grouped_findings(result: Result, lang: str = "zh") -> list[FindingGroup]:
    """Whole-file findings first, then one group per form in document order; each sorted by
    severity (errors first), then rule and location."""
    views = {v.index: v for v in form_views(result, lang)}
    buckets: dict[int | None, list[Finding]] = {}
    for f in result.findings:
        buckets.setdefault(f.form, []).append(f)
    groups = []
    for key in sorted(buckets, key=lambda k: -1 if k is None else k):
        view = views.get(key) if key is not None else None
        if key is None:
            label = t("label.whole_file", lang)
        elif view is None:
            label = t("label.form_unknown", lang, number=key + 1)
        else:
            label = form_label(view, lang)
        groups.append(FindingGroup(label=label, form=view, findings=sorted_findings(buckets[key])))
    return groups


def location_text(f: Finding, lang: str = "zh") -> str:
    """Where a finding is, as shown: a sheet name is the submitter's text, so a bidi override or a
    control character in it is shown escaped (\u202e), never obeyed."""
    from checker.report.safe import display

    if f.location:
        return display(f.location)
    return display(f.loc.describe(lang)) if f.loc else ""


def severity_counts(findings: list[Finding]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {s: counts.get(s, 0) for s in SEVERITIES}


def unit_name(result: Result) -> str:
    for form in result.submission.forms if result.submission else []:
        if form.unit_name and form.unit_name.value:
            return form.unit_name.value
    return ""


def number(value: float | None) -> str:
    """A score or points figure as people write it: 86.5, 90, 2.25."""
    if value is None:
        return ""
    text = f"{Decimal(str(value)).quantize(Decimal('0.01')).normalize():f}"
    return text


def dimension_max(result: Result) -> dict[str, float]:
    """The most each dimension could score: its sub-score plus what it lost."""
    out = dict(result.dimensions or {})
    for d in result.deductions:
        if d.dimension in out:
            out[d.dimension] = float(Decimal(str(out[d.dimension])) + Decimal(str(d.points)))
    return out
