"""check_file(path) -> Result: the one path through the stages.

file -> reader -> Document -> extractor -> Submission -> facts -> engine -> findings -> grading
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from checker.config import Config
from checker.document import ReadError
from checker.model import FileError, Result, Submission
from checker.readers import DEFAULT_LIMITS, Limits

log = logging.getLogger(__name__)


@dataclass
class CheckOptions:
    lang: str = "zh"
    config: Config = field(default_factory=Config)
    limits: Limits = DEFAULT_LIMITS
    run_rules: bool = True


def load_submission(path: str, limits: Limits = DEFAULT_LIMITS, data: bytes | None = None,
                    timings: dict[str, float] | None = None) -> Submission:
    """Read any supported input into a Submission (ReadError if it cannot be read).
    `timings`, when given, receives seconds for "read" (bytes to Document) and "extract"."""
    from checker.readers import read_document, sniff

    start = time.perf_counter()
    try:
        if data is None:
            from checker.readers import read_bytes

            data = read_bytes(path, limits)
        kind = sniff(data, path)
        if kind in ("json", "yaml"):
            from checker.readers.structured import read_structured

            submission = read_structured(path, data, kind, limits)
            if timings is not None:
                timings["extract"] = 0.0  # a canonical file is read straight into the model
            check_indicators(submission, limits)
            check_magnitudes(submission)
            return submission
        document = read_document(path, data, limits)
    finally:
        if timings is not None:
            timings["read"] = time.perf_counter() - start
    from checker.extract import extract

    start = time.perf_counter()
    try:
        submission = extract(document)
    finally:
        if timings is not None:
            timings["extract"] = time.perf_counter() - start
    check_indicators(submission, limits)
    check_magnitudes(submission)
    return submission


def check_indicators(submission: Submission, limits: Limits) -> None:
    """Refuse a form with more indicators than any table has: the rules' cost and the findings
    grow with them (measured: 2,000 indicators that each raise a finding, ~1.5 s and ~110 MB)."""
    from checker.readers import too_many_indicators

    for form in submission.forms:
        n = len(getattr(form, "indicators", None) or ())
        if n > limits.max_indicators:
            raise too_many_indicators(n, limits)


MAX_MAGNITUDE = 17  # 10^17: no amount (in 元 or 万元) or target of a budget table comes near it
MIN_MAGNITUDE = -12  # smaller non-zero figures are not written in any table either


def check_magnitudes(submission: Submission) -> None:
    """Refuse a submission holding a number no table has (1e30 万元, 1e999999999, a 32,000-digit
    figure): exact Decimal arithmetic on it would need thousands of digits, or fail, in the
    rules and in every report. A clear read error for the file, never an internal one."""
    from decimal import Decimal

    from pydantic import BaseModel

    stack: list = [submission]
    while stack:
        node = stack.pop()
        if isinstance(node, Decimal):
            if not node.is_finite() or (node != 0 and not MIN_MAGNITUDE <= node.adjusted() <= MAX_MAGNITUDE):
                shown = str(node) if len(str(node)) <= 40 else str(node)[:37] + "..."
                raise ReadError(
                    "out_of_range",
                    f"表中的数字 {shown} 超出任何预算表可能的范围（绝对值须小于 10^{MAX_MAGNITUDE + 1}），"
                    "无法检查；请核对后重新填写。",
                    f"The number {shown} is beyond any budget table's range (it must be below "
                    f"10^{MAX_MAGNITUDE + 1} in absolute value); it cannot be checked. Correct it and retry.",
                )
        elif isinstance(node, BaseModel):
            stack.extend(getattr(node, name) for name in type(node).model_fields)
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())


def _use_user_labels(options: CheckOptions) -> None:
    """Label synonyms from the users' rule directories (labels.yaml) for this file's reading."""
    from checker.extract.vocabulary import use_label_files
    from checker.rulebook import label_files

    use_label_files(label_files(options.config))


def check_file(path: str, options: CheckOptions | None = None) -> Result:
    """One file through every stage; Result.timings holds seconds per stage
    (read, extract, facts, engine, grading). Never raises for a bad file."""
    options = options or CheckOptions()
    timings: dict[str, float] = {}
    try:
        _use_user_labels(options)
        submission = load_submission(path, options.limits, timings=timings)
    except ReadError as exc:
        return Result(path=path, status="error", error=FileError(code=exc.code, message=exc.message(options.lang)),
                      timings=_rounded(timings))
    except Exception as exc:  # a crash in a stage must not lose the file
        log.debug("internal error reading %s", path, exc_info=True)
        return Result(path=path, status="error", error=_internal(exc, options.lang), timings=_rounded(timings))
    return check_submission(path, submission, options, timings)


def check_submission(path: str, submission: Submission, options: CheckOptions,
                     timings: dict[str, float] | None = None) -> Result:
    timings = {} if timings is None else timings
    findings = []
    if options.run_rules:
        try:
            from checker.engine import evaluate

            findings = evaluate(submission, options.config, options.lang, timings=timings)
        except Exception as exc:  # includes a broken import: never "no findings" by accident
            log.debug("internal error checking %s", path, exc_info=True)
            return Result(path=path, status="error", error=_internal(exc, options.lang), submission=submission,
                          timings=_rounded(timings))
        from checker.baseline import assign_fingerprints

        assign_fingerprints(findings, submission)
    result = Result(path=path, status="checked", submission=submission, findings=findings)
    from checker.grading import grade

    start = time.perf_counter()
    grade(result, options.config, options.lang)
    _cap_findings(result, options.limits.max_findings, options.lang)
    timings["grading"] = time.perf_counter() - start
    result.timings = _rounded(timings)
    return result


def _cap_findings(result: Result, limit: int, lang: str) -> None:
    """List at most `limit` findings: the first of each rule, then the others in report order (a
    thousand rows with one defect must not hide a rule that fired once). The grade, computed
    before, counts them all. A note says the list was cut."""
    total = len(result.findings)
    if total <= limit or result.submission is None:
        return
    firsts: dict[str, int] = {}
    for i, finding in enumerate(result.findings):
        firsts.setdefault(finding.rule, i)
    keep = set(sorted(firsts.values())[:limit])
    for i in range(total):
        if len(keep) >= limit:
            break
        keep.add(i)
    result.findings = [f for i, f in enumerate(result.findings) if i in keep]
    if lang == "en":
        note = f"Too many findings ({total}): only {limit} are listed (each rule at least once); the grade counts all of them."
    else:
        note = f"问题过多（共 {total} 条），仅列出 {limit} 条（每条规则至少一条）；评分按全部问题计算。"
    result.submission.notes.append(note)


STAGES = ("read", "extract", "facts", "engine", "grading")


def _rounded(timings: dict[str, float]) -> dict[str, float] | None:
    """Stage seconds in pipeline order, to the microsecond (None when nothing was timed)."""
    if not timings:
        return None
    return {stage: round(timings[stage], 6) for stage in STAGES if stage in timings}


def _internal(exc: Exception, lang: str) -> FileError:
    name = type(exc).__name__
    if lang == "en":
        return FileError(code="internal", message=f"Internal error while checking this file ({name}: {exc}).")
    return FileError(code="internal", message=f"检查该文件时发生内部错误（{name}：{exc}）。")
