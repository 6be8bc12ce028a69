"""--baseline PREVIOUS.json: mark each finding new or still open, list what was fixed.

A finding's fingerprint is what survives a resubmission: the rule id, the kind of form it is
in, its content subject (the indicator's 一级/二级/name, the field label, the cost item... set by
the engine from the focus fact) and an occurrence counter among findings of the same file with
the same three; never a row number, a location, an amount or the message text. So re-ordered
rows, re-numbered tables and changed figures keep a finding's identity ("an A01 whose figures
changed but is still wrong is still open"), and a zh baseline matches an en run.

The previous report is the `--format json` contract (checker/report/json_report.py), whose
findings carry `fingerprint` since this version. It is validated when loaded, before the batch
starts; a bad file is a BaselineError, which the CLI turns into a usage error (exit 2).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from checker.model import BaselineMark, Finding, Result, Submission

SEVERITIES = ("error", "warning", "info")


def fingerprint(rule: str, form_kind: str, subject: str, occurrence: int) -> str:
    """`RULE:hex12`, stable across runs, languages and machines."""
    key = "\x1f".join((rule, form_kind, subject, str(occurrence)))
    return f"{rule}:{hashlib.sha256(key.encode('utf-8')).hexdigest()[:12]}"


def assign_fingerprints(findings: Iterable[Finding], submission: Submission | None) -> None:
    """Set `fingerprint` on every finding of one file (in their report order)."""
    forms = submission.forms if submission is not None else []
    seen: Counter[tuple[str, str, str]] = Counter()
    for f in findings:
        kind = forms[f.form].kind if f.form is not None and 0 <= f.form < len(forms) else "document"
        key = (f.rule, kind, f.subject or "")
        f.fingerprint = fingerprint(*key, seen[key])
        seen[key] += 1


class BaselineError(Exception):
    """The --baseline file cannot be used; zh and en messages. The CLI exits 2."""

    def __init__(self, zh: str, en: str):
        super().__init__(zh)
        self.zh, self.en = zh, en

    def message(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class _Entry:
    """One file of the baseline: its findings' fingerprints, and the findings themselves packed
    (zlib-compressed JSON), unpacked only to list what was fixed. A baseline of 10,000 files
    stays tens of megabytes instead of a quarter-million model objects."""

    __slots__ = ("path", "fingerprints", "_packed")

    def __init__(self, path: str, findings: list[dict]):
        self.path = path
        self.fingerprints = frozenset(f["fingerprint"] for f in findings)
        self._packed = zlib.compress(json.dumps(findings, ensure_ascii=False).encode("utf-8")) if findings else b""

    def findings(self) -> list[Finding]:
        if not self._packed:
            return []
        return [Finding(**f) for f in json.loads(zlib.decompress(self._packed).decode("utf-8"))]


def _parts(path: str) -> tuple[str, ...]:
    norm = os.path.normpath(path.replace("\\", "/")).replace("\\", "/")
    return tuple(p for p in norm.split("/") if p not in ("", "."))


class Baseline:
    """The previous report, indexed by normalised path and by file name."""

    def __init__(self, entries: list[_Entry]):
        self.by_path: dict[tuple[str, ...], _Entry] = {}
        self.by_name: dict[str, list[_Entry]] = {}
        for entry in entries:
            parts = _parts(entry.path)
            self.by_path.setdefault(parts, entry)
            if parts:
                self.by_name.setdefault(parts[-1], []).append(entry)

    def lookup(self, path: str) -> tuple[_Entry | None, str]:
        """The baseline entry for `path`: same normalised path, else the one entry with the same
        file name sharing the longest path tail (ambiguous ties match nothing)."""
        parts = _parts(path)
        entry = self.by_path.get(parts)
        if entry is not None:
            return entry, "path"
        if not parts:
            return None, "none"
        candidates = self.by_name.get(parts[-1], [])
        best, best_score, tie = None, -1, False
        for cand in candidates:
            other = _parts(cand.path)
            score = 0
            while score < min(len(parts), len(other)) and parts[-1 - score] == other[-1 - score]:
                score += 1
            if score > best_score:
                best, best_score, tie = cand, score, False
            elif score == best_score:
                tie = True
        if best is None or tie:
            return None, "none"
        return best, "name"

    def mark(self, result: Result, only_new: bool = False) -> None:
        """Mark `result` against the baseline (see module doc). With only_new the findings that
        were already there are removed from `result.findings`; grade and score are untouched."""
        entry, how = self.lookup(result.path)
        previous = entry.fingerprints if entry is not None else frozenset()
        for f in result.findings:
            f.baseline = "open" if f.fingerprint in previous else "new"
        current = {f.fingerprint for f in result.findings}
        # A file that cannot be read now has no findings: that is not "everything fixed".
        if entry is not None and result.status == "checked" and not previous <= current:
            result.fixed = [f for f in entry.findings() if f.fingerprint not in current]
        else:
            result.fixed = []
        new = sum(1 for f in result.findings if f.baseline == "new")
        result.baseline = BaselineMark(match=how, new=new, open=len(result.findings) - new, fixed=len(result.fixed))
        if only_new:
            result.findings = [f for f in result.findings if f.baseline == "new"]


def load_baseline(path: Path, only_new: bool = False) -> Callable[[Result], None]:
    """Read and validate a previous JSON report; return `mark(result)` for the CLI."""
    baseline = read_baseline(path)

    def mark(result: Result) -> None:
        baseline.mark(result, only_new=only_new)

    mark.baseline = baseline  # type: ignore[attr-defined]
    return mark


def read_baseline(path: Path) -> Baseline:
    """Read and validate a previous `--format json` report (BaselineError if it is not one).
    Results are decoded one at a time, so only a buffer and the packed entries are held."""
    path = Path(path)
    if not path.is_file():
        raise BaselineError(f"找不到基线文件：{path}", f"Baseline file not found: {path}")
    entries: list[_Entry] = []
    fields: dict[str, object] = {}
    try:
        with path.open(encoding="utf-8-sig") as fh:
            for kind, value in _walk_report(fh):
                if kind == "result":
                    entries.append(_entry(value, len(entries), path))
                else:
                    fields[value[0]] = value[1]
    except _NotReport as exc:
        raise _bad(path, "顶层不是对象", "the top level is not an object") from exc
    except OSError as exc:
        raise BaselineError(f"无法读取基线文件：{path}（{exc}）", f"Cannot read the baseline file: {path} ({exc})") from exc
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError too
        raise BaselineError(f"基线文件不是有效的 JSON：{path}（{exc}）",
                            f"The baseline file is not valid JSON: {path} ({exc})") from exc
    if not fields.get("__results__"):
        raise _bad(path, "缺少 results 列表", "no results list")
    version = fields.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _bad(path, "缺少 schema_version", "no schema_version")
    return Baseline(entries)


def _bad(path: Path, zh: str, en: str) -> BaselineError:
    return BaselineError(f"基线文件不是 jixiao 的 JSON 报告（--format json）：{path}：{zh}",
                         f"The baseline is not a jixiao JSON report (--format json): {path}: {en}")


class _NotReport(Exception):
    """Valid JSON, but its top level is not an object."""


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


class _Reader:
    """Strict JSON values read one at a time from a text stream through a sliding buffer, so a
    report of any size is never held whole (json's own decoder does each value)."""

    CHUNK = 1 << 20

    def __init__(self, fh: IO[str]):
        self.fh, self.buf, self.pos, self.eof = fh, "", 0, False

    def _more(self) -> bool:
        if self.eof:
            return False
        data = self.fh.read(self.CHUNK)
        if not data:
            self.eof = True
            return False
        self.buf, self.pos = self.buf[self.pos:] + data, 0
        return True

    def peek(self) -> str:
        """The next non-space character ('' at the end)."""
        while True:
            self.pos = _SPACE.match(self.buf, self.pos).end()
            if self.pos < len(self.buf) or not self._more():
                return self.buf[self.pos:self.pos + 1]

    def take(self, chars: str) -> str:
        char = self.peek()
        if not char or char not in chars:
            raise ValueError(f"expected {' or '.join(chars)}, found {char or 'the end'}")
        self.pos += 1
        return char

    def value(self) -> object:
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except ValueError:
                if self._more():  # perhaps only cut off by the buffer: read on and decode again
                    continue
                raise
            if end == len(self.buf) and self._more():  # a number may go on in the next chunk
                continue
            self.pos = end
            return value


def _walk_report(fh: IO[str]) -> Iterator[tuple[str, object]]:
    """The top-level object of a report, in order: ("field", (key, value)) for each member but
    "results", ("result", item) for each element of "results", then ("field", ("__results__",
    True)) if there was a results list."""
    reader = _Reader(fh)
    if reader.peek() != "{":
        reader.value()  # not JSON at all: ValueError
        raise _NotReport()
    reader.take("{")
    if reader.peek() == "}":
        reader.take("}")
    else:
        while True:
            key = reader.value()
            if not isinstance(key, str):
                raise ValueError("an object key must be a string")
            reader.take(":")
            if key == "results" and reader.peek() == "[":
                reader.take("[")
                if reader.peek() == "]":
                    reader.take("]")
                else:
                    while True:
                        yield "result", reader.value()
                        if reader.take(",]") == "]":
                            break
                yield "field", ("__results__", True)
            else:
                yield "field", (key, reader.value())
            if reader.take(",}") == "}":
                break
    if reader.peek():
        raise ValueError("extra data after the report")


def _entry(res: object, index: int, path: Path) -> _Entry:
    """One result of the baseline, validated, with the finding fields the report shows."""
    if not isinstance(res, dict) or not isinstance(res.get("path"), str):
        raise _bad(path, f"第 {index + 1} 个结果没有 path", f"result {index + 1} has no path")
    findings = res.get("findings", [])
    if not isinstance(findings, list):
        raise _bad(path, f"{res['path']} 的 findings 不是列表", f"findings of {res['path']} is not a list")
    out: list[dict] = []
    for j, raw in enumerate(findings):
        where_zh, where_en = f"{res['path']} 的第 {j + 1} 个问题", f"finding {j + 1} of {res['path']}"
        if not isinstance(raw, dict) or not isinstance(raw.get("rule"), str):
            raise _bad(path, f"{where_zh}没有 rule", f"{where_en} has no rule")
        fp = raw.get("fingerprint")
        if not isinstance(fp, str) or not fp:
            raise BaselineError(
                f"基线报告 {path} 的问题没有 fingerprint（由旧版本生成）：请用当前版本重新生成基线报告。",
                f"Findings in the baseline {path} have no fingerprint (an older version wrote it): "
                "produce the baseline report again with this version.")
        if raw.get("severity") not in SEVERITIES:
            raise _bad(path, f"{where_zh}的 severity 无效", f"{where_en} has an invalid severity")
        form = raw.get("form")
        out.append({
            "rule": raw["rule"],
            "severity": raw["severity"],
            "dimension": str(raw.get("dimension") or ""),
            "message": str(raw.get("message") or ""),
            "fix": str(raw.get("fix") or ""),
            "form": form if isinstance(form, int) and not isinstance(form, bool) else None,
            "location": str(raw.get("location") or ""),
            "fingerprint": fp,
        })
    return _Entry(res["path"], out)
