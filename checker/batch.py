"""Many files: discovery, then one check per file. Every input file yields a result."""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from checker.model import Result
from checker.pipeline import CheckOptions, check_file

SUPPORTED_EXTENSIONS = {".txt", ".text", ".csv", ".docx", ".xlsx", ".xlsm", ".json", ".yaml", ".yml", ".pdf",
                        ".doc", ".xls", ".wps", ".et", ".rtf"}


@dataclass
class BatchOptions:
    recursive: bool = False
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    workers: int | None = None
    quiet: bool = False


class MissingPathError(Exception):
    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


def _skip_reason(name: str) -> str | None:
    if name.startswith("~$"):
        return "Office 临时文件"
    if name.startswith("."):
        return "隐藏文件"
    return None


def discover(paths: list[str], opts: BatchOptions) -> tuple[list[str], list[str]]:
    """Expand files, directories and globs into an ordered file list, plus skip notes."""
    files: list[str] = []
    notes: list[str] = []
    for raw in paths:
        if os.path.isdir(raw):
            walker = os.walk(raw) if opts.recursive else [(raw, [], sorted(os.listdir(raw)))]
            for root, dirs, names in walker:
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    full = os.path.join(root, name)
                    if not os.path.isfile(full):
                        continue
                    if os.path.splitext(name)[1].lower() not in SUPPORTED_EXTENSIONS:
                        continue
                    reason = _skip_reason(name)
                    if reason:
                        notes.append(f"跳过{reason}：{full}")
                        continue
                    files.append(full)
        elif os.path.exists(raw):
            files.append(raw)  # named explicitly: always checked
        elif any(ch in raw for ch in "*?["):
            files.extend(sorted(p for p in glob.glob(raw, recursive=True) if os.path.isfile(p)))
        else:
            raise MissingPathError(raw)
    if opts.include:
        files = [f for f in files if any(fnmatch.fnmatch(f, pat) or fnmatch.fnmatch(os.path.basename(f), pat)
                                         for pat in opts.include)]
    if opts.exclude:
        files = [f for f in files if not any(fnmatch.fnmatch(f, pat) or fnmatch.fnmatch(os.path.basename(f), pat)
                                             for pat in opts.exclude)]
    seen: set[str] = set()
    ordered = [f for f in files if not (f in seen or seen.add(f))]
    return ordered, notes


def iter_results(files: list[str], options: CheckOptions, opts: BatchOptions) -> Iterator[Result]:
    """One result per file, in the order of `files`."""
    for path in files:
        yield check_file(path, options)


def run_batch(paths: list[str], options: CheckOptions, opts: BatchOptions) -> tuple[list[Result], list[str]]:
    files, notes = discover(paths, opts)
    return list(iter_results(files, options, opts)), notes
