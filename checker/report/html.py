"""HTML report: one self-contained file to forward (inline CSS, no scripts, no fetches).

Every piece of document text goes through `esc`, and a Content-Security-Policy forbids scripts
and network loads, so a hostile cell cannot run or fetch anything even if escaping were missed.
"""

from __future__ import annotations

import html
import io
import re

from typing import IO

from checker import __version__
from checker.model import Result
from checker.report.i18n import (
    baseline_word,
    dimension_word,
    grade_meaning,
    grade_word,
    sep,
    severity_word,
    stage_word,
    t,
)
from checker.report.summary import (
    BaseReporter,
    BatchSummary,
    FileRow,
    baseline_counts,
    has_marks,
    run_rows,
    seconds_text,
    share_text,
)
from checker.report.view import (
    GRADE_ORDER,
    SEVERITIES,
    dimension_max,
    form_views,
    grouped_findings,
    location_text,
    number,
    severity_counts,
    sorted_findings,
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
GRADE_CLASS = {"优": "g1", "良": "g2", "中": "g3", "差": "g4"}

CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;
color:var(--fg);margin:0 auto;max-width:1200px;padding:24px;line-height:1.5}
h1{font-size:1.6em;margin:0 0 16px}h2{font-size:1.25em;margin:0;word-break:break-all}
h3{font-size:1.05em;margin:20px 0 8px}h4{font-size:1em;margin:16px 0 6px}
table{border-collapse:collapse;width:100%;margin:4px 0 12px;font-size:.92em}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top;
white-space:pre-wrap;word-break:break-word}
th{background:var(--bg)}
section.file{border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:20px 0;page-break-inside:avoid}
.head{display:flex;gap:18px;align-items:center}
.badge{min-width:76px;height:76px;border-radius:12px;display:flex;align-items:center;justify-content:center;
font-size:40px;font-weight:700;color:#fff;background:#8c959f}
.badge.g1{background:#1a7f37}.badge.g2{background:#0969da}.badge.g3{background:#bc4c00}.badge.g4{background:#cf222e}
.meta{color:var(--muted);margin:2px 0}
.score{font-size:1.1em;font-weight:600}
.sev{font-weight:700;white-space:nowrap}
.sev.error{color:#cf222e}.sev.warning{color:#9a6700}.sev.info{color:#0969da}
.bar{display:inline-block;height:10px;background:#1a7f37;border-radius:3px;vertical-align:middle}
.barbox{display:inline-block;width:160px;height:10px;background:var(--bg);border:1px solid var(--line);
border-radius:3px;margin-right:8px;vertical-align:middle}
.note{background:#fff8c5;border-left:4px solid #d4a72c;padding:6px 10px;margin:6px 0}
.err{background:#ffebe9;border-left:4px solid #cf222e;padding:6px 10px;margin:6px 0}
.num{text-align:right;white-space:nowrap}
.jump{margin:0 0 8px}.new{color:#8250df;font-weight:700;white-space:nowrap}
section.summary{border-top:2px solid var(--line);margin-top:28px;padding-top:8px}
footer{color:var(--muted);font-size:.85em;margin-top:24px}
@media print{body{max-width:none;padding:0}section.file{border:none}}
"""


def esc(text: object) -> str:
    """Document text as HTML text (also safe inside a quoted attribute)."""
    return html.escape(_CONTROL.sub("", str(text)), quote=True)


def _table_head(head: list[str]) -> str:
    return "".join(["<table><thead><tr>", *(f"<th>{esc(h)}</th>" for h in head), "</tr></thead><tbody>"])


_TABLE_END = "</tbody></table>"


def _tr(row: list[str], raw_cols: frozenset[int] = frozenset(), num_cols: frozenset[int] = frozenset()) -> str:
    """A table row; cells are escaped unless their column is in raw_cols (markup built here)."""
    parts = ["<tr>"]
    for i, cell in enumerate(row):
        body = cell if i in raw_cols else esc(cell)
        parts.append(f'<td class="num">{body}</td>' if i in num_cols else f"<td>{body}</td>")
    parts.append("</tr>")
    return "".join(parts)


def _table(head: list[str], rows: list[list[str]], raw_cols: frozenset[int] = frozenset(),
           num_cols: frozenset[int] = frozenset()) -> str:
    return _table_head(head) + "".join(_tr(row, raw_cols, num_cols) for row in rows) + _TABLE_END


def _sev(severity: str, lang: str) -> str:
    cls = severity if severity in SEVERITIES else "info"
    return f'<span class="sev {cls}">{esc(severity_word(severity, lang))}</span>'


def _mark(mark: str | None, lang: str) -> str:
    word = esc(baseline_word(mark, lang))
    return f'<span class="new">{word}</span>' if mark == "new" else word


class HtmlReporter(BaseReporter):
    """The page head and a link down to the summary first, each file's section as it arrives,
    the batch summary and the end of the page on close."""

    def __init__(self, lang: str, out: IO[str], owned: bool = False, skipped: list[str] | None = None,
                 title: str | None = None):
        super().__init__(lang, out, owned, skipped)
        heading = title or t("report.title", lang)
        self._lines([
            "<!DOCTYPE html>",
            f'<html lang="{"en" if lang == "en" else "zh-CN"}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
            '<meta name="referrer" content="no-referrer">',
            f"<title>{esc(heading)}</title>",
            f"<style>{CSS}</style>",
            "</head>",
            "<body>",
            f"<h1>{esc(heading)}</h1>",
            f'<p class="jump"><a href="#summary">{esc(t("label.to_summary", lang))}</a></p>',
        ])

    def _lines(self, lines: list[str]) -> None:
        self.write("".join(line + "\n" for line in lines))

    def file_part(self, result: Result, row: FileRow) -> None:
        self._lines([_file(result, row.number, self.lang)])

    def finish(self) -> None:
        _summary(self.summary, self.skipped, self.lang, self.write, run_rows(self.run, self.incomplete, self.lang))
        self._lines([f"<footer>{esc(t('label.generated_by', self.lang, version=__version__))}</footer>",
                     "</body>", "</html>"])


def to_html(results: list[Result], lang: str = "zh", title: str | None = None,
            skipped: list[str] | None = None) -> str:
    buf = io.StringIO()
    reporter = HtmlReporter(lang, buf, skipped=skipped, title=title)
    for r in results:
        reporter.add(r)
    reporter.close()
    return buf.getvalue()


def _file(result: Result, n: int, lang: str) -> str:
    grade_cls = GRADE_CLASS.get(result.grade or "", "")
    parts = [f'<section class="file" id="file-{n}">', '<div class="head">',
             f'<div class="badge {grade_cls}">{esc(result.grade or "–")}</div>', "<div>",
             f"<h2>{esc(result.path)}</h2>"]
    if result.status != "checked":
        parts.append(f'<p class="meta">{esc(t("status.error", lang))}</p></div></div>')
        parts.append(f'<div class="err"><b>{esc(t("label.error", lang))}</b>: '
                     f'{esc(result.error.message if result.error else "")}</div>')
        if result.grade_reason:
            parts.append(f'<p class="meta">{esc(t("label.grade_reason", lang))}: {esc(result.grade_reason)}</p>')
        parts.append("</section>")
        return "\n".join(parts)
    line = esc(grade_word(result.grade, lang))
    if result.grade:
        line += f" — {esc(grade_meaning(result.grade, lang))}"
    if getattr(result, "provisional", False):
        line += f" ({esc(t('label.provisional', lang))})"
    parts.append(f'<p class="meta">{line}</p>')
    if result.score is not None:
        parts.append(f'<p class="score">{esc(t("col.score", lang))}: '
                     f'{esc(t("label.score_of", lang, score=number(result.score)))}</p>')
    counts = severity_counts(result.findings)
    parts.append('<p class="meta">' + " · ".join(
        f"{_sev(k, lang)} {counts[k]}" for k in SEVERITIES) + "</p>")
    marks = baseline_counts(result)
    if marks is not None:
        parts.append(f'<p class="meta">{esc(t("label.baseline", lang))}: ' + " · ".join(
            f"{_mark(k, lang)} {n}" for k, n in (("new", marks.new), ("open", marks.open), ("fixed", marks.fixed)))
            + "</p>")
    parts.append("</div></div>")
    if result.grade_reason:
        parts.append(f'<div class="note"><b>{esc(t("label.grade_reason", lang))}</b>: {esc(result.grade_reason)}</div>')
    if result.dimensions:
        top = dimension_max(result)
        rows = []
        for d, v in result.dimensions.items():
            full = top.get(d) or 0
            pct = round(100 * v / full) if full else 0
            bar = (f'<span class="barbox"><span class="bar" style="width:{pct}%"></span></span>'
                   f"{esc(number(v))} / {esc(number(full))}")
            rows.append([dimension_word(d, lang), bar])
        parts.append(f"<h3>{esc(t('section.dimensions', lang))}</h3>")
        parts.append(_table([t("col.dimension", lang), t("col.score", lang)], rows, raw_cols=frozenset({1})))
    parts.append(f"<h3>{esc(t('section.forms', lang))}</h3>")
    views = form_views(result, lang)
    if views:
        parts.append(_table(
            [t("col.number", lang), t("col.kind", lang), t("col.title", lang), t("col.year", lang),
             t("col.unit", lang), t("col.total", lang), t("col.indicators", lang)],
            [[str(v.number), v.kind_label, v.title, v.year, v.unit_name, v.total_wan, str(v.indicator_count)]
             for v in views], num_cols=frozenset({0, 5, 6})))
    else:
        parts.append(f"<p>{esc(t('label.no_forms', lang))}</p>")
    for note in result.submission.notes if result.submission else []:
        parts.append(f'<div class="note"><b>{esc(t("label.note", lang))}</b>: {esc(note)}</div>')
    parts.append(f"<h3>{esc(t('section.findings', lang))}</h3>")
    if not result.findings:
        parts.append(f"<p>{esc(t('label.no_findings', lang))}</p>")
    for group in grouped_findings(result, lang):
        marks_col = has_marks(group.findings)
        parts.append(f"<h4>{esc(group.label)}</h4>")
        parts.append(_table(
            [t("col.rule", lang), t("col.level", lang), *([t("col.baseline", lang)] if marks_col else []),
             t("col.location", lang), t("col.problem", lang), t("col.fix", lang)],
            [[esc(f.rule), _sev(f.severity, lang), *([_mark(f.baseline, lang)] if marks_col else []),
              esc(location_text(f, lang)), esc(f.message), esc(f.fix)]
             for f in group.findings], raw_cols=frozenset(range(6))))
    if result.fixed:
        parts.append(f"<h3>{esc(t('section.fixed', lang))}</h3>")
        parts.append(_table([t("col.rule", lang), t("col.level", lang), t("col.location", lang),
                             t("col.problem", lang)],
                            [[esc(f.rule), _sev(f.severity, lang), esc(location_text(f, lang)), esc(f.message)]
                             for f in sorted_findings(result.fixed)], raw_cols=frozenset(range(4))))
    if result.deductions:
        total = sum(d.points for d in result.deductions)
        parts.append(f"<details><summary>{esc(t('section.deductions', lang))} "
                     f"({esc(t('label.deductions_total', lang))} {esc(number(total))})</summary>")
        parts.append(_table([t("col.dimension", lang), t("col.rule", lang), t("col.points", lang),
                             t("col.message", lang)],
                            [[dimension_word(d.dimension, lang), d.rule, f"-{number(d.points)}", d.message]
                             for d in result.deductions], num_cols=frozenset({2})))
        parts.append("</details>")
    parts.append("</section>")
    return "\n".join(parts)


def _summary(s: BatchSummary, skipped: list[str], lang: str, write, run: list[tuple[str, str]] | None = None) -> None:
    """Write the batch summary section through `write(text)`; long tables row by row."""
    rows = [
        *([label, value] for label, value in run or []),
        [t("label.files", lang), str(s.files)],
        [t("label.checked", lang), str(s.checked)],
        [t("label.unreadable", lang), str(s.errors)],
        [t("label.findings", lang), sep(lang).join(f"{severity_word(k, lang)} {s.findings[k]}" for k in SEVERITIES)],
        [t("label.grades", lang), sep(lang).join([f"{grade_word(g, lang)} {s.grades[g]}" for g in GRADE_ORDER]
                                                + [f"{grade_word(None, lang)} {s.grades[None]}"])],
    ]
    if s.baseline is not None:
        b = s.baseline
        rows.append([t("label.baseline", lang), sep(lang).join(
            f"{baseline_word(k, lang)} {n}" for k, n in (("new", b.new), ("open", b.open), ("fixed", b.fixed)))])
    if skipped:
        rows.append([t("label.skipped", lang), str(len(skipped))])
    write("\n".join(['<section class="summary" id="summary">', f"<h2>{esc(t('section.summary', lang))}</h2>",
                     _table([t("col.measure", lang), t("col.value", lang)], rows)]) + "\n")
    batch = s.files > 1
    if batch and s.rules:
        write(f"<h3>{esc(t('section.top_rules', lang))}</h3>\n")
        write(_table([t("col.rule", lang), t("col.title", lang), t("col.files", lang), t("col.findings", lang)],
                     [[r.rule, r.title, str(r.files), str(r.findings)] for r in s.top_rules()],
                     num_cols=frozenset({2, 3})) + "\n")
    if skipped:
        write(f"<h3>{esc(t('section.skipped', lang))}</h3>\n")
        write(_table([t("col.note", lang)], [[note] for note in skipped]) + "\n")
    if s.has_timings:
        stages = s.stages()
        total = sum(v for _, v in stages)
        write(f"<h3>{esc(t('section.stages', lang))}</h3>\n")
        write(_table([t("col.stage", lang), t("col.seconds", lang), t("col.share", lang)],
                     [[stage_word(k, lang), seconds_text(v), share_text(v, total)] for k, v in stages],
                     num_cols=frozenset({1, 2})) + "\n")
        write(f"<h3>{esc(t('section.slowest', lang))}</h3>\n")
        write(_table([t("col.file", lang), t("col.seconds", lang)],
                     [[f'<a href="#file-{n}">{esc(path)}</a>', seconds_text(v)] for path, v, n in s.slowest()],
                     raw_cols=frozenset({0}), num_cols=frozenset({1})) + "\n")
    if batch:
        write(f"<h3>{esc(t('section.units', lang))}</h3>\n")
        write(_table_head([t("col.unit", lang), t("col.files", lang), t("col.findings", lang),
                           t("col.worst_grade", lang)]))
        for u in s.unit_rows():
            write(_tr([u.unit or t("label.unknown_unit", lang), str(u.files), str(u.findings),
                       grade_word(u.worst, lang)], num_cols=frozenset({1, 2})))
        write(_TABLE_END + "\n")
        write(f"<h3>{esc(t('section.files', lang))}</h3>\n")
        write(_table_head([t("col.file", lang), t("col.grade", lang), t("col.score", lang),
                           *(severity_word(k, lang) for k in SEVERITIES)]))
        for r in s.worst_first():
            word = grade_word(r.grade, lang) if r.status == "checked" else t("status.error", lang)
            write(_tr([f'<a href="#file-{r.number}">{esc(r.path)}</a>', esc(word), esc(number(r.score)),
                       *(str(r.count(k)) for k in SEVERITIES)],
                      raw_cols=frozenset({0, 1, 2}), num_cols=frozenset({2, 3, 4, 5})))
        write(_TABLE_END + "\n")
    write("</section>\n")
