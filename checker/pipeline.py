"""check_file(path) -> Result: the one path through the stages.

file -> reader -> Document -> extractor -> Submission -> facts -> engine -> findings -> grading
"""

from __future__ import annotations

import logging
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


def load_submission(path: str, limits: Limits = DEFAULT_LIMITS, data: bytes | None = None) -> Submission:
    """Read any supported input into a Submission (ReadError if it cannot be read)."""
    from checker.readers import read_document, sniff

    if data is None:
        from checker.readers import read_bytes

        data = read_bytes(path, limits)
    kind = sniff(data, path)
    if kind in ("json", "yaml"):
        from checker.readers.structured import read_structured

        return read_structured(path, data, kind)
    from checker.extract import extract

    return extract(read_document(path, data, limits))


def check_file(path: str, options: CheckOptions | None = None) -> Result:
    options = options or CheckOptions()
    try:
        submission = load_submission(path, options.limits)
    except ReadError as exc:
        return Result(path=path, status="error", error=FileError(code=exc.code, message=exc.message(options.lang)))
    except Exception as exc:  # a crash in a stage must not lose the file
        log.debug("internal error reading %s", path, exc_info=True)
        return Result(path=path, status="error", error=_internal(exc, options.lang))
    return check_submission(path, submission, options)


def check_submission(path: str, submission: Submission, options: CheckOptions) -> Result:
    findings = []
    if options.run_rules:
        try:
            from checker.engine import evaluate

            findings = evaluate(submission, options.config, options.lang)
        except Exception as exc:  # includes a broken import: never "no findings" by accident
            log.debug("internal error checking %s", path, exc_info=True)
            return Result(path=path, status="error", error=_internal(exc, options.lang), submission=submission)
    result = Result(path=path, status="checked", submission=submission, findings=findings)
    from checker.grading import grade

    grade(result, options.config, options.lang)
    return result


def _internal(exc: Exception, lang: str) -> FileError:
    name = type(exc).__name__
    if lang == "en":
        return FileError(code="internal", message=f"Internal error while checking this file ({name}: {exc}).")
    return FileError(code="internal", message=f"检查该文件时发生内部错误（{name}：{exc}）。")
