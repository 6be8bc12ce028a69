"""The batch summary, kept while results stream past: every format's summary is laid out from a
`BatchSummary`, never from the list of results, so a report of 10,000 files holds only small
aggregates (per file: path, grade, score, severity counts; per rule and per unit: counts).

`BaseReporter` is the streaming skeleton every format builds on: `add(result)` writes that file's
part and drops the result, `close()` writes the summary and finishes the output.
"""

from __future__ import annotations

import heapq
import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import IO

from checker.model import Finding, Result
from checker.report.view import GRADE_ORDER, SEVERITIES, severity_counts, unit_name

log = logging.getLogger(__name__)

TOP_RULES = 10  # rules shown in "常见问题", by the number of files they fire in
SLOWEST = 10  # files shown in "最慢的文件"
STAGES = ("read", "extract", "facts", "engine", "grading", "report")  # display order of timing stages
# Worst grade first; None (not graded) ranks after every grade, so it is "worst" only alone.
GRADE_RANK = {"差": 0, "中": 1, "良": 2, "优": 3}
NOT_GRADED = len(GRADE_RANK)


@dataclass(slots=True)
class FileRow:
    """What the summary keeps of one file."""

    number: int  # 1-based position in the batch (the HTML anchor file-N)
    path: str
    status: str
    grade: str | None
    score: float | None
    error: int
    warning: int
    info: int

    def count(self, severity: str) -> int:
        return getattr(self, severity)


@dataclass(slots=True)
class RuleTally:
    rule: str
    title: str
    files: int = 0
    findings: int = 0


@dataclass(slots=True)
class UnitTally:
    unit: str  # "" when no form names its unit
    files: int = 0
    findings: int = 0
    worst: str | None = None  # worst grade of its graded files; None if none was graded


@dataclass(slots=True)
class BaselineCounts:
    new: int = 0
    open: int = 0
    fixed: int = 0


def baseline_counts(result: Result) -> BaselineCounts | None:
    """New / still open / fixed for one file, or None when no baseline was used for it. The
    CLI's mark (Result.baseline) is authoritative: it also counts open findings that --only-new
    removed from the list."""
    mark = getattr(result, "baseline", None)
    if mark is not None:
        return BaselineCounts(new=mark.new, open=mark.open, fixed=mark.fixed)
    marks = Counter(f.baseline for f in result.findings if f.baseline)
    if not marks and not result.fixed:
        return None
    return BaselineCounts(new=marks.get("new", 0), open=marks.get("open", 0), fixed=len(result.fixed))


def has_marks(findings: list[Finding]) -> bool:
    """Whether a findings table needs the 对比 (new / open) column."""
    return any(f.baseline for f in findings)


def file_seconds(timings: dict[str, float]) -> float:
    """A file's time: its "total" when the pipeline gives one, else the sum of its stages."""
    if "total" in timings:
        return float(timings["total"])
    return float(sum(timings.values()))


class BatchSummary:
    """Aggregates of a batch, one `add(result)` per file."""

    def __init__(self) -> None:
        self.rows: list[FileRow] = []
        self.checked = 0
        self.errors = 0
        self.findings = {s: 0 for s in SEVERITIES}
        self.files_with = {s: 0 for s in SEVERITIES}  # files with at least one finding of it
        self.grades: dict[str | None, int] = {**{g: 0 for g in GRADE_ORDER}, None: 0}
        self.rules: dict[str, RuleTally] = {}
        self.units: dict[str, UnitTally] = {}
        self.baseline: BaselineCounts | None = None  # set once any file was compared
        self.stage_seconds: dict[str, float] = {}
        self._slowest: list[tuple[float, int, str]] = []  # min-heap of (seconds, -number, path)

    @property
    def files(self) -> int:
        return len(self.rows)

    def add(self, result: Result) -> FileRow:
        counts = severity_counts(result.findings)
        row = FileRow(number=len(self.rows) + 1, path=result.path, status=result.status, grade=result.grade,
                      score=result.score, error=counts["error"], warning=counts["warning"], info=counts["info"])
        self.rows.append(row)
        if result.status == "checked":
            self.checked += 1
        else:
            self.errors += 1
        for s in SEVERITIES:
            self.findings[s] += counts[s]
            self.files_with[s] += 1 if counts[s] else 0
        self.grades[result.grade if result.grade in GRADE_RANK else None] += 1
        per_rule = Counter(f.rule for f in result.findings)
        for f in result.findings:
            tally = self.rules.get(f.rule)
            if tally is None:
                tally = self.rules[f.rule] = RuleTally(f.rule, f.title)
            elif not tally.title and f.title:
                tally.title = f.title
        for rule, n in per_rule.items():
            self.rules[rule].files += 1
            self.rules[rule].findings += n
        name = unit_name(result).strip()
        unit = self.units.get(name)
        if unit is None:
            unit = self.units[name] = UnitTally(name)
        unit.files += 1
        unit.findings += len(result.findings)
        if result.grade in GRADE_RANK and (unit.worst is None or GRADE_RANK[result.grade] < GRADE_RANK[unit.worst]):
            unit.worst = result.grade
        counts_b = baseline_counts(result)
        if counts_b is not None:
            total = self.baseline = self.baseline or BaselineCounts()
            total.new += counts_b.new
            total.open += counts_b.open
            total.fixed += counts_b.fixed
        if result.timings:
            self.add_timings(result.timings, row)
        return row

    def add_timings(self, timings: dict[str, float], row: FileRow | None = None) -> None:
        for stage, seconds in timings.items():
            if stage != "total":
                self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + float(seconds)
        if row is not None:
            item = (file_seconds(timings), -row.number, row.path)
            if len(self._slowest) < SLOWEST:
                heapq.heappush(self._slowest, item)
            elif item > self._slowest[0]:
                heapq.heapreplace(self._slowest, item)

    # ---- what the formats lay out

    @property
    def has_timings(self) -> bool:
        return bool(self.stage_seconds)

    def top_rules(self, n: int = TOP_RULES) -> list[RuleTally]:
        """Rules by the number of files they fire in, then by findings, then by id."""
        return sorted(self.rules.values(), key=lambda r: (-r.files, -r.findings, r.rule))[:n]

    def unit_rows(self) -> list[UnitTally]:
        """Units worst grade first (差 … 优, then not graded), then by files, then by name."""
        return sorted(self.units.values(),
                      key=lambda u: (GRADE_RANK.get(u.worst, NOT_GRADED), -u.files, u.unit == "", u.unit))

    def worst_first(self) -> list[FileRow]:
        """Unreadable files first, then by score ascending; batch order breaks ties."""
        def key(row: FileRow) -> tuple:
            if row.status != "checked":
                return (0, 0.0, row.number)
            return (1, row.score if row.score is not None else -1.0, row.number)

        return sorted(self.rows, key=key)

    def stages(self) -> list[tuple[str, float]]:
        """(stage, seconds summed over the batch), pipeline order first."""
        known = [s for s in STAGES if s in self.stage_seconds]
        rest = sorted(s for s in self.stage_seconds if s not in STAGES)
        return [(s, self.stage_seconds[s]) for s in known + rest]

    def slowest(self) -> list[tuple[str, float, int]]:
        """(path, seconds, number) of the slowest files, slowest first."""
        return [(path, seconds, -neg) for seconds, neg, path in sorted(self._slowest, reverse=True)]


def seconds_text(value: float) -> str:
    return f"{value:.3f}"


def share_text(value: float, total: float) -> str:
    return f"{100 * value / total:.1f}%" if total > 0 else "–"


@dataclass
class RunInfo:
    """What the run was configured with, named in every report: the config file (None: the
    built-in defaults) and the rule directories, so a reviewer can see what graded the batch."""

    config: str | None = None
    rule_dirs: tuple[str, ...] = ()


def run_rows(run: RunInfo | None, incomplete: str | None, lang: str) -> list[tuple[str, str]]:
    """(label, value) lines about the run for a summary table; none when nothing is known."""
    from checker.report.i18n import t
    from checker.report.safe import display

    rows = []
    if incomplete:
        rows.append((t("label.incomplete", lang), incomplete))
    if run is not None:
        rows.append((t("label.config", lang), display(run.config) if run.config else t("label.no_config", lang)))
        rows.append((t("label.rule_dirs", lang), "; ".join(display(d) for d in run.rule_dirs)))
    return rows


def displayable(result: Result, lang: str = "zh") -> Result:
    """The result as every report can write it: a path that is not valid UTF-8 (lone surrogates
    from undecodable bytes) shown with escapes, and forms whose figures cannot be formatted
    replaced by an error result, so one file can never stop the report of the whole batch."""
    from checker.report.safe import display
    from checker.report.view import form_summary

    if any("\ud800" <= ch <= "\udfff" for ch in result.path):
        result = result.model_copy(update={"path": display(result.path)})
    try:
        for form in result.submission.forms if result.submission else []:
            form_summary(form)
    except Exception as exc:  # noqa: BLE001 -- a value no report can show
        log.debug("result of %s cannot be reported", result.path, exc_info=True)
        return report_error(result.path, exc, lang)
    return result


def report_error(path: str, exc: BaseException, lang: str) -> Result:
    from checker.model import FileError

    name = type(exc).__name__
    if lang == "en":
        message = f"This file's result could not be written into the report ({name}); the other files are not affected."
    else:
        message = f"该文件的检查结果无法写入报告（{name}），其余文件不受影响。"
    return Result(path=path, status="error", error=FileError(code="report_error", message=message))


class BaseReporter:
    """The streaming skeleton: `add` keeps the summary's aggregates and writes the file's part,
    `close` writes the summary and the end. Text formats write to `out` (a text stream); when
    `owned`, close() closes it too.

    When results carry timings, the time spent in add() is summed into the "report" stage
    (unless the results already time a "report" stage themselves)."""

    clock = staticmethod(time.perf_counter)

    def __init__(self, lang: str = "zh", out: IO[str] | None = None, owned: bool = False,
                 skipped: list[str] | None = None):
        self.lang = lang
        self.out = out
        self.owned = owned
        self.skipped = list(skipped or [])  # files skipped at discovery: notes for the summary
        self.summary = BatchSummary()
        self.closed = False
        self.run: RunInfo | None = None  # set by open_report for a CLI run
        self.incomplete: str | None = None  # why the report lacks files (interrupted), if it does

    def write(self, text: str) -> None:
        self.out.write(text)

    def add(self, result: Result) -> None:
        start = self.clock()
        result = displayable(result, self.lang)
        row = self.summary.add(result)
        try:
            self.file_part(result, row)
        except (OSError, KeyboardInterrupt):  # the output itself failed, or the run was stopped
            raise
        except Exception as exc:  # noqa: BLE001 -- this file's part, not the report, failed
            log.debug("report part of %s failed", result.path, exc_info=True)
            self.file_part(report_error(result.path, exc, self.lang), row)
        if result.timings and "report" not in result.timings:
            self.summary.add_timings({"report": self.clock() - start})

    def mark_incomplete(self, reason: str) -> None:
        """The run stopped before every file was checked: the summary says so."""
        self.incomplete = reason

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.finish()
        finally:
            if self.owned and self.out is not None:
                self.out.close()
            elif self.out is not None:
                self.out.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- per format

    def file_part(self, result: Result, row: FileRow) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        raise NotImplementedError
